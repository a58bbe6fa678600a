"""One masking path for every page, API and export that shows free text (issue 26 §4, DOMAIN.md §15): a phone and an
ID number planted in every free-text field of a small city are shown whole only to the roles the record's policy
grants ``PERSONAL`` (each such view audited as 查看个人信息), masked (138****5678) for every other role, wherever the
text appears. Before the one path the problems API and the ledger export did not audit whole views, the liaison
visit notes were whole by a hand-written check (unaudited), and activity notes, outreach notes and rejection reasons
were whole for everyone who saw them."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from dualtrack.core.choices import AuditAction
from dualtrack.core.models import AuditLog

from .conftest import City

PHONE, ID = "13812345678", "33010219900101123X"
MASKED = ("138****5678", "3301**********123X")
PLANT = f"电话{PHONE}身份证{ID}"  # within the 40 characters a list shows
ROLES = ("hq", "leader", "district", "district_binhai", "department", "liaison", "enterprise")


def _xlsx(response: Any) -> str:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return "\n".join(str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row if c.value)


@pytest.fixture
def planted(city: City) -> dict[str, Any]:
    from dualtrack.investment.models import Lead, LeadActivity
    from dualtrack.liaison.models import Visit
    from dualtrack.policies.models import Application, Measure, Outreach, Policy
    from dualtrack.problems.models import Problem, ProblemEvent

    now = timezone.now()
    problem = Problem.objects.create(ref="WT2020-00001", description=PLANT, answer=PLANT, state="resolved",
                                     enterprise=city.e_jiangbei, department=city.department, reported_at=now)
    ProblemEvent.objects.create(problem=problem, to_state="resolved", kind="note", comment=PLANT, at=now)
    Visit.objects.create(officer=city.users["liaison"], enterprise=city.e_jiangbei, visited_on=dt.date(2020, 2, 10),
                         notes=PLANT)
    lead = Lead.objects.create(code="ZS-1", name="新能源零部件", investor="某集团", amount=Decimal(12),
                               county=city.jiangbei, stage="signed", signed_on=dt.date(2020, 3, 10),
                               officer=city.users["liaison"])
    LeadActivity.objects.create(lead=lead, date=dt.date(2020, 3, 1), kind="online", note=PLANT)
    policy = Policy.objects.create(doc_number="宁政发〔2020〕3号", title="若干意见", issuer="市政府",
                                   issued_on=dt.date(2020, 2, 6), effective_from=dt.date(2020, 2, 6))
    measure = Measure.objects.create(code="M-S", policy=policy, title="稳岗返还", support_type="job_stabilisation",
                                     department=city.department, window_start=dt.date(2020, 2, 10),
                                     window_end=dt.date(2020, 6, 30), amount_rule="fixed", amount_fixed=1)
    application = Application.objects.create(measure=measure, enterprise=city.e_jiangbei, source="enterprise",
                                             state="rejected", submitted_at=now, amount=1, reject_reason=PLANT)
    Outreach.objects.create(measure=measure, enterprise=city.e_jiangbei, officer=city.users["liaison"],
                            state="done", done_at=now, note=PLANT)
    return {"problem": problem, "lead": lead, "application": application}


Get = Callable[[Any, City, str, dict[str, Any]], Any]


def _page(url: str) -> Get:
    def get(client: Any, city: City, role: str, planted: dict[str, Any]) -> Any:
        client.force_login(city.users[role])
        return client.get(url.format(uscc=city.e_jiangbei.uscc, application=planted["application"].pk))
    return get


def _api(url: str) -> Get:
    def get(client: Any, city: City, role: str, planted: dict[str, Any]) -> Any:
        client.logout()
        return client.get(url, HTTP_AUTHORIZATION=f"Token {city.token(role)}")
    return get


PROBLEM_WHOLE = {"hq", "department", "enterprise"}  # HQ, the handling department, the enterprise's own problem
VISIT_WHOLE = {"liaison"}  # the officer who wrote the notes
LEAD_WHOLE = {"hq", "district"}  # HQ and the lead's own county
APPLICATION_WHOLE = {"hq", "department", "enterprise"}  # HQ, the measure's department, the enterprise itself
OUTREACH_WHOLE = {"liaison"}  # the officer who visited

# (what, how to get it, who reads the planted text whole, who reads it masked); anyone else must not get it whole.
SHOWN: list[tuple[str, Get, set[str], set[str]]] = [
    ("problem detail", _page("/problems/WT2020-00001/"), PROBLEM_WHOLE, {"leader", "district", "liaison"}),
    ("problems ledger", _page("/problems/"), PROBLEM_WHOLE, {"leader", "district", "liaison"}),
    ("problems ledger export", _page("/problems/?format=xlsx"), PROBLEM_WHOLE, {"leader", "district", "liaison"}),
    ("problems API", _api("/api/v1/problems"), PROBLEM_WHOLE, {"leader", "district", "liaison"}),
    ("problem API", _api("/api/v1/problems/WT2020-00001"), PROBLEM_WHOLE, {"leader", "district", "liaison"}),
    ("enterprise page", _page("/registry/enterprises/{uscc}/"), {"hq", "enterprise", "liaison"},
     {"leader", "district"}),
    ("visits", _page("/liaison/visits/"), VISIT_WHOLE, {"hq", "leader", "district"}),
    ("lead page", _page("/investment/leads/ZS-1/"), LEAD_WHOLE, {"leader", "liaison"}),
    ("application", _page("/policies/applications/{application}/"), APPLICATION_WHOLE, {"leader", "district",
                                                                                        "liaison"}),
    ("applications API", _api("/api/v1/policy-applications"), APPLICATION_WHOLE, {"leader", "district", "liaison"}),
    ("outreach", _page("/policies/outreach/?state=done"), OUTREACH_WHOLE, {"hq", "leader", "district"}),
]


def _views(city: City, role: str) -> int:
    return AuditLog.objects.filter(actor=city.users[role], action=AuditAction.VIEW_PERSONAL).count()


@pytest.mark.parametrize("what,get,whole,masked", SHOWN, ids=[s[0] for s in SHOWN])
def test_free_text_is_whole_only_where_the_policy_allows(client: Any, city: City, planted: dict[str, Any], what: str,
                                                         get: Get, whole: set[str],
                                                         masked: set[str]) -> None:
    for role in ROLES:
        before = _views(city, role)
        response = get(client, city, role, planted)
        if role in whole or role in masked:
            assert response.status_code == 200, (what, role, response.status_code)
        if response.status_code != 200:
            continue
        shown = _xlsx(response) if "export" in what else response.content.decode()
        if role in whole:
            assert PHONE in shown and ID in shown, (what, role)
            assert _views(city, role) > before, (what, role, "a whole view is audited")
        else:
            assert PHONE not in shown and ID not in shown, (what, role)
            assert _views(city, role) == before, (what, role)
        if role in masked:
            assert all(m in shown for m in MASKED), (what, role)
