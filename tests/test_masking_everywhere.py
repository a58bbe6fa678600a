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


# --- worker return: names, phones and boarding notes (the worker's policy decides) -------------------------------

@pytest.fixture
def trip(city: City, settings: Any) -> Any:
    """A worker of 滨海 on a trip from 滨海 to 江北's enterprise, refused at boarding and then allowed, each scan with a
    note that names a phone and an ID number."""
    from dualtrack.registry.models import Department
    from dualtrack.workreturn.models import Boarding, ManifestEntry, Trip, Worker

    from .conftest import _user

    settings.WORKER_RETURN_BUREAU = "RSJ"
    city.users["bureau"] = _user("rsj", "department", department=Department.objects.create(code="RSJ", name="人社局"))
    worker = Worker.objects.create(code="W001", name="马建国", phone=PHONE, id_last4="123X",
                                   village_code="339106100201", home_code="339106", home_county=city.binhai,
                                   enterprise=city.e_jiangbei, attestation_kind="health_certificate",
                                   attestation_date=dt.date(2020, 2, 10))
    found = Trip.objects.create(code="T1", origin_code="339106", origin=city.binhai, enterprise=city.e_jiangbei,
                                departure=dt.datetime(2020, 2, 15, 7, tzinfo=dt.UTC), plate="宁B12345", seats=44)
    ManifestEntry.objects.create(trip=found, worker=worker)
    for minute, allowed in ((40, False), (45, True)):
        Boarding.objects.create(trip=found, worker=worker, boarded_at=dt.datetime(2020, 2, 14, 22, minute,
                                                                                   tzinfo=dt.UTC),
                                temperature=Decimal("37.4") if not allowed else Decimal("36.6"), allowed=allowed,
                                reason="" if allowed else "temperature", rules_version="v1", note=PLANT)
    return found


WORKER_WHOLE = {"bureau", "district_binhai", "enterprise"}  # the bureau, the home county, the receiving enterprise


def _worker_views(city: City, role: str) -> int:
    return AuditLog.objects.filter(actor=city.users[role], action=AuditAction.VIEW_PERSONAL,
                                   object_type="workreturn.worker").count()


def test_the_trip_page_shows_names_phones_and_boarding_notes_by_the_workers_policy(client: Any, city: City,
                                                                                     trip: Any) -> None:
    """The boarding notes were whole for everyone who saw the manifest (HQ too), and the names were audited on the
    trip, not on the workers whose data was seen."""
    for role in ("hq", *WORKER_WHOLE):
        client.force_login(city.users[role])
        before = _worker_views(city, role)
        page = client.get("/worker-return/trips/T1/").content.decode()
        if role in WORKER_WHOLE:
            assert "马建国" in page and page.count(PHONE) == 3 and page.count(ID) == 2, role
            assert _worker_views(city, role) == before + 1, role  # one entry for the worker shown whole
        else:
            assert "马建国" not in page and PHONE not in page and ID not in page, role
            assert "马**" in page and page.count(MASKED[0]) == 3 and page.count(MASKED[1]) == 2, role
            assert _worker_views(city, role) == before, role


def test_the_slips_name_the_worker_by_the_workers_policy_and_audit_it(city: City, trip: Any) -> None:
    """The slips PDF decided the name by the policy but audited nothing: printing the slips is a whole view."""
    from dualtrack.workreturn import slips
    from dualtrack.workreturn.models import Worker

    workers = list(Worker.objects.all())
    for role in ("hq", "bureau", "district_binhai"):
        before = _worker_views(city, role)
        page = slips.html(city.users[role], workers, trip)
        assert ("马建国" in page) is (role != "hq") and ("马**" in page) is (role == "hq"), role
        assert _worker_views(city, role) == before + (role != "hq"), role
    before = _worker_views(city, "bureau")
    slips.digest(slips.html(city.users["bureau"], workers, trip, audit=False))  # naming the print job is no view
    assert _worker_views(city, "bureau") == before


def test_the_campaign_contract_keeps_boarding_notes_masked(city: City, trip: Any) -> None:
    """``worker-return --json`` and its API carry no personal data: a note's numbers masked for every caller."""
    from dualtrack.workreturn import services

    for user in (None, city.users["bureau"], city.users["hq"]):
        history = services.campaign(dt.datetime(2020, 2, 20, tzinfo=dt.UTC), user).as_json()["trips"][0]["history"]
        assert [e["note"] for e in history] == [f"电话{MASKED[0]}身份证{MASKED[1]}"] * 2


# --- a lead's first informant (a name: 王**) ----------------------------------------------------------------------

def test_the_first_informant_is_on_the_one_path_and_each_whole_view_names_its_lead(client: Any, city: City,
                                                                                   planted: dict[str, Any]) -> None:
    """The informants' league audited one anonymous entry ("第一信息人", no record): each informant shown whole is now
    audited on a lead of theirs, as the lead page does."""
    lead = planted["lead"]
    lead.informant = "王明"
    lead.save(update_fields=["informant"])
    for role in ("hq", "district", "leader"):
        client.force_login(city.users[role])
        before = set(AuditLog.objects.filter(actor=city.users[role], action=AuditAction.VIEW_PERSONAL)
                     .values_list("pk", flat=True))
        names = [i.name for i in client.get("/investment/league/", {"date": "2020-04-30"}).context["informants"]]
        page = client.get("/investment/leads/ZS-1/").content.decode()
        new = AuditLog.objects.filter(actor=city.users[role], action=AuditAction.VIEW_PERSONAL).exclude(pk__in=before)
        if role in LEAD_WHOLE:
            assert names == ["王明"] and "<dd>王明 ·" in page, role
            assert [(e.object_type, e.object_id) for e in new.filter(detail__fields=["informant"])] == [
                ("investment.lead", str(lead.pk))] * 2, role
        else:
            assert names == ["王*"] and "<dd>王* ·" in page and "王明" not in page, role
            assert not new.exists(), role


# --- notifications, the daily bulletin, clusters -----------------------------------------------------------------

def test_a_task_notification_masks_before_it_cuts(city: City) -> None:
    """A task's notice carried ``description[:60]`` whole to every addressee (a leader too), and the cut could leave
    half a number: masked first, then cut."""
    from dualtrack.core.models import Notification
    from dualtrack.problems import tasks

    tasks.create_task("test:1", "某" * 50 + PLANT, department=city.department)
    titles = list(Notification.objects.values_list("title", flat=True))
    assert titles and all(PHONE[:5] not in t and "13812" not in t for t in titles), titles
    assert all(t.endswith("某电话138****5") for t in titles), titles  # 60 characters of the masked text


def test_a_leaders_instruction_notice_is_masked(city: City, planted: dict[str, Any]) -> None:
    from dualtrack.core.models import Notification
    from dualtrack.problems import workflow

    problem = planted["problem"]
    problem.escalation_level, problem.state = 2, "assigned"
    problem.save(update_fields=["escalation_level", "state"])
    workflow.instruct(problem.pk, city.users["leader"], f"请联系{PHONE}")
    titles = list(Notification.objects.values_list("title", flat=True))
    assert titles and all(PHONE not in t and MASKED[0] in t for t in titles), titles


def test_the_daily_bulletin_masks_every_free_text_that_reaches_it(power_city: City, planted: dict[str, Any]) -> None:
    """A bulletin goes to leaders and beyond: no record's policy grants its readers personal data, so every
    paragraph and table cell is masked, in the Word, Excel and PDF files alike."""
    from docx import Document

    from dualtrack.bulletins import content, render
    from dualtrack.investment.models import GroundbreakingEvent

    from .conftest import D

    GroundbreakingEvent.objects.create(date=D, title=f"集中开工{PLANT}", place=f"联系人{PHONE}")
    bulletin = content.build(D)
    document = Document(io.BytesIO(render.docx(bulletin)))
    word = "\n".join(p.text for p in document.paragraphs)
    book = load_workbook(io.BytesIO(render.xlsx(bulletin)))
    excel = "\n".join(str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row if c.value)
    for shown in (word, excel, render.html(bulletin)):
        assert "集中开工" in shown and PHONE not in shown and ID not in shown
        assert all(m in shown for m in MASKED)


def test_a_clusters_description_is_whole_only_for_hq(city: City) -> None:
    """A cluster's description may name a private person and a phone: HQ, which imports the health commission's
    reports, reads it whole (audited); leaders, departments and counties need only the count."""
    from dualtrack.core import privacy
    from dualtrack.epidemic.models import ClusterEvent

    cluster = ClusterEvent.objects.create(date=dt.date(2020, 2, 1), county=city.jiangbei, cases=3, description=PLANT)
    for role in ("hq", "leader", "department", "district"):
        before = _views(city, role)
        shown = privacy.text(city.users[role], cluster, "description")
        assert (shown == PLANT) is (role == "hq"), role
        assert _views(city, role) == before + (role == "hq"), role
