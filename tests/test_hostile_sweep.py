"""Hostile input as a standing test (#13 §3): every URL pattern of the pages and the API is requested by every
role that signs in, with hostile values in its path parameters and in every query parameter any view reads
(dates far out of range, non-dates, huge integers, very long strings, unknown codes, control characters).
No answer may be a server error, and none may run unbounded: each must take under 2 s of this process's CPU
time (the request runs in-process under the test client; CPU time, unlike the wall clock, barely grows when
something else loads the machine) and under 10 s on the wall clock. A request over a bound is asked again once
and the better of the two counts: on a shared virtual machine even CPU time grows when the host is busy (seen:
2.08 s for a page that takes 0.87 s alone), while unbounded work stays over the bound.
How fast pages are is measured in ``./run bench`` (docs/benchmarks.md), not here.

A new URL pattern fails :func:`test_every_pattern_is_swept` until it is given its parameters here, so nothing
is left out by accident.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from dualtrack.epidemic.models import CaseReport
from dualtrack.policies.models import Application, Measure, Notice, Policy
from dualtrack.problems.models import Problem
from dualtrack.projects.models import Project, ProjectProgress

from .conftest import City

ROLES = ["hq", "leader", "district", "park", "department", "liaison", "enterprise", "public"]
HUGE = "9" * 40
HOSTILE_VALUES = ["9999-12-31", "0001-01-01", "not-a-date", HUGE, "-1", "x" * 3000, "UNKNOWN-代码\x00\x01", "1e999"]
# The roles that reach most pages get every value; the others the three most likely to break something.
FULL_SWEEP = {"hq", "district", "enterprise", "liaison"}
SHORT_VALUES = ["9999-12-31", HUGE, "x" * 3000]
# Every query parameter a view, a filter set or the API reads.
QUERY_PARAMETERS = ["date", "page", "q", "county", "park", "light", "state", "format", "key", "level", "nature",
                    "stage", "month", "uscc", "by", "scope", "size", "size_class", "section", "industry", "action",
                    "kind", "category", "department", "complexity", "overdue", "due", "recurring", "source", "measure",
                    "enterprise", "user", "object_type", "rules", "next", "id", "ordering", "search", "limit",
                    "offset", "lang", "script", "fmt", "year", "at", "mode", "trip", "code", "household", "week", "stage",
                    "fulfil"]
MAX_CPU_SECONDS = 2.0
MAX_WALL_SECONDS = 10.0

SUPPLY = "WZ2020-00001"  # 江北恒达's request for masks, made by ``_objects``
FILING = "FB2020-00001"  # 江北恒达's application (with its answers), made by ``_objects``
# URL name → (the valid path parameters, built from the fixture's objects).
Paths = dict[str, Any]


def _objects(city: City) -> dict[str, Any]:
    day = dt.date(2020, 2, 18)
    CaseReport.objects.create(date=day, county=city.jiangbei, new_confirmed=2, new_local=2)
    problem = Problem.objects.create(ref="WT2020-00001", description="电话 13812345678", enterprise=city.e_jiangbei,
                                     reported_at=timezone.now())
    project = Project.objects.create(code="XM-S", name="扫描项目", level="city_key", nature="continuing",
                                     county=city.jiangbei, responsible_unit=city.department.name,
                                     responsible_department=city.department, owner=city.e_jiangbei,
                                     total_investment=Decimal(10000))
    ProjectProgress.objects.create(project=project, date=day, resumed=True, completed_cumulative=Decimal(10))
    policy = Policy.objects.create(doc_number="宁政发〔2020〕3号", title="若干意见", issuer="市政府",
                                   issued_on=dt.date(2020, 2, 6), effective_from=dt.date(2020, 2, 6))
    measure = Measure.objects.create(code="M-S", policy=policy, title="稳岗返还", support_type="job_stabilisation",
                                     department=city.department, window_start=dt.date(2020, 2, 10),
                                     window_end=dt.date(2020, 6, 30), amount_rule="fixed", amount_fixed=1)
    application = Application.objects.create(measure=measure, enterprise=city.e_jiangbei, source="enterprise",
                                             state="paid", submitted_at=timezone.now(), amount=1, approved_amount=1,
                                             paid_amount=1, paid_on=day, voucher_no="V1")
    notice = Notice.objects.create(measure=measure, title="公示", period_start=dt.date(2020, 1, 1),
                                   period_end=dt.date(2099, 1, 1), published=True, published_at=timezone.now())
    from dualtrack.economy.models import Actual, Indicator, Target

    indicator = Indicator.objects.create(code="GDZC", name="固定资产投资", unit="亿元", kind="amount",
                                         department=city.department)
    for code, kind, county in (("339100", "city", None), (city.jiangbei.code, "county", city.jiangbei)):
        Target.objects.create(year=2020, scope_code=code, scope_kind=kind, county=county, indicator=indicator,
                              target=Decimal(110), target_growth=Decimal("0.1"), prior_year_total=Decimal(100))
        for month in (2, 3):
            Actual.objects.create(month=dt.date(2020, month, 1), scope_code=code, scope_kind=kind, county=county,
                                  indicator=indicator, cumulative=Decimal(10 * month), prior_cumulative=Decimal(11 * month))
    from dualtrack.workreturn.models import ManifestEntry, Trip, Worker

    worker = Worker.objects.create(code="W001", name="马建军", phone="13900000001", id_last4="123X",
                                   village_code="339106100201", home_code="339106", home_county=city.binhai, enterprise=city.e_jiangbei,
                                   attestation_kind="no_travel_14", attestation_date=dt.date(2020, 2, 10))
    trip = Trip.objects.create(code="T1", origin_code="339106", origin=city.binhai, enterprise=city.e_jiangbei, plate="宁B12345", seats=44,
                               departure=dt.datetime(2020, 2, 15, 7, tzinfo=dt.UTC))
    ManifestEntry.objects.create(trip=trip, worker=worker)
    from dualtrack.poverty.models import Household, HouseholdCheck
    from dualtrack.registry.models import Region

    village = Region.objects.create(code="339102001201", name="江滨一村", level="village", parent=city.township)
    household = Household.objects.create(code="H1", head_name="马福", id_hash="0" * 64, id_last4="1234",
                                         village=village, county=city.jiangbei, members=4, kind="poor",
                                         year_identified=2015)
    HouseholdCheck.objects.create(household=household, year=2020, income=Decimal(3900), food=True, clothing=True,
                                  education=True, medical=True, housing=True, water=True, housing_grade="B",
                                  checked_on=dt.date(2020, 6, 1))
    from dualtrack.poverty import board

    weekly = board.freeze_week(None, dt.date(2020, 5, 11))
    from dualtrack.filings.models import ChecklistItem, Filing, FilingItem

    filing = Filing.objects.create(code=FILING, enterprise=city.e_jiangbei, applied_on=day, planned_on=day,
                                   planned_workers=30, workers_from_outside=2, officer="王防控", phone="13800001111",
                                   due_on=day + dt.timedelta(days=1))
    for item in ChecklistItem.objects.all():  # answered: the county may decide it
        FilingItem.objects.create(filing=filing, item=item, met=True)
    from dualtrack.investment.models import Lead

    lead = Lead.objects.create(code="ZS-1", name="新能源零部件", investor="某集团", amount=Decimal(12), county=city.jiangbei,
                               stage="signed", signed_on=dt.date(2020, 3, 10))
    from dualtrack.investment.models import FundBid, GroundbreakingEvent

    FundBid.objects.create(project=project, year=2020, fund_kind="special_bond", requested=Decimal(5000),
                           won=Decimal(3000), state="won")
    GroundbreakingEvent.objects.create(date=dt.date(2020, 3, 6), title="集中开工", place="江北").projects.add(project)
    from dualtrack.filings.models import UnfiledVisit

    visit = UnfiledVisit.objects.create(enterprise=city.e_jiangbei, source="report", found_on=day)
    from dualtrack.supplies.models import Depot, Receipt, RequestLine, SupplyItem, SupplyRequest

    depot = Depot.objects.create(code="CK01", name="市应急物资储备库", department=city.department)
    masks = SupplyItem.objects.get(code="KZ")
    Receipt.objects.create(code="RK-S", date=day, depot=depot, item=masks, source="allocated", quantity=1000)
    supply = SupplyRequest.objects.create(code=SUPPLY, date=day, kind="key_enterprise", applicant=city.e_jiangbei.uscc,
                                          applicant_name=city.e_jiangbei.name, enterprise=city.e_jiangbei,
                                          county=city.jiangbei)
    RequestLine.objects.create(request=supply, item=masks, requested=100, needed_by=day)
    from dualtrack.assessment.models import Assessment, AssessmentRow, Objection

    assessment = Assessment.objects.create(year=2019, status="published", rules_version="mu-efficiency:v1",
                                           published_on=day, notice_ends_on=day + dt.timedelta(days=3))
    AssessmentRow.objects.create(assessment=assessment, enterprise=city.e_jiangbei, county=city.jiangbei.code,
                                 rated=True, values={"tax_per_mu": 10.0}, score=60.0, grade="A", rank_in_county=1)
    objection = Objection.objects.create(assessment=assessment, enterprise=city.e_jiangbei, reason="用地面积有误",
                                         filed_on=day)
    return {"objection": objection,
            "problem": problem, "project": project, "measure": measure, "application": application,
            "notice": notice, "indicator": indicator, "worker": worker, "trip": trip, "household": household,
            "weekly": weekly, "lead": lead, "visit": visit}


def _valid_paths(city: City, objects: dict[str, Any]) -> dict[str, Paths]:
    return {
        "registry:enterprise_detail": {"uscc": city.e_jiangbei.uscc},
        "registry:region_detail": {"code": city.jiangbei.code},
        "epidemic:county": {"code": "339102"},
        "epidemic:publish": {"code": "339102"},
        "bulletins:file": {"fmt": "xlsx"},
        "bulletins:stored": {"day": "2020-02-18"},
        "bulletins:stored_file": {"day": "2020-02-18", "fmt": "xlsx"},
        "bulletins:retry_job": {"pk": 1},
        "problems:detail": {"ref": objects["problem"].ref},
        "problems:attachment": {"ref": objects["problem"].ref, "pk": 1},
        "projects:detail": {"code": objects["project"].code},
        "policies:measure": {"code": objects["measure"].code},
        "policies:application": {"pk": objects["application"].pk},
        "public:notice": {"pk": objects["notice"].pk},
        "import_upload": {"name": "enterprises"},
        "import_template": {"name": "enterprises"},
        "api-import": {"dataset": "enterprises"},
        "region-detail": {"code": city.jiangbei.code},
        "park-detail": {"code": city.park.code},
        "department-detail": {"code": city.department.code},
        "industry-detail": {"code": "C34"},
        "enterprise-detail": {"uscc": city.e_jiangbei.uscc},
        "problem-detail": {"ref": objects["problem"].ref},
        "problem-move": {"ref": objects["problem"].ref},
        "project-detail": {"code": objects["project"].code},
        "measure-detail": {"code": objects["measure"].code},
        "application-detail": {"pk": objects["application"].pk},
        "economy:indicator": {"code": objects["indicator"].code},
        "workreturn:trip": {"code": objects["trip"].code},
        "poverty:household": {"code": objects["household"].code},
        "poverty:census_tick": {"order": 1},
        "investment:lead": {"code": objects["lead"].code},
        "investment:lead_activity": {"code": objects["lead"].code},
        "investment:lead_stage": {"code": objects["lead"].code},
        "investment:lead_officer": {"code": objects["lead"].code},
        "filings:filing": {"code": FILING},
        "filings:decide": {"code": FILING},
        "filings:inspection": {"code": FILING},
        "filings:lift": {"code": FILING},
        "filings:revoke": {"code": FILING},
        "filings:item_photo": {"code": FILING, "item": "C1"},
        "filings:ledger": {"uscc": city.e_jiangbei.uscc},
        "poverty:weekly": {"week": objects["weekly"].week.isoformat()},
        "poverty:weekly_xlsx": {"week": objects["weekly"].week.isoformat()},
        "workreturn:trip_slips": {"code": objects["trip"].code},
        "workreturn:worker_slips": {"code": objects["worker"].code},
        "export_job": {"token": "8c4b1c8e-2f1a-4d6b-9a55-1f0e7d3c2b11"},  # nobody's job: 404 for everyone
        "export_file": {"token": "8c4b1c8e-2f1a-4d6b-9a55-1f0e7d3c2b11"},
        "filings:visit_close": {"pk": objects["visit"].pk},
        "supplies:request": {"code": SUPPLY},
        "supplies:commit": {"code": SUPPLY},
        "supplies:issue": {"code": SUPPLY},
        "assessment:answer": {"pk": objects["objection"].pk},
        "assessment:enterprise": {"uscc": city.e_jiangbei.uscc},
    }


def _hostile_paths(valid: Paths) -> list[Paths]:
    """Each path parameter in turn replaced by hostile values (digits only for integer converters)."""
    variants = []
    for key, value in valid.items():
        numeric = isinstance(value, int)
        for bad in ([HUGE, "0"] if numeric else ["x" * 300, "UNKNOWN-2020-02-30", HUGE]):
            variants.append({**valid, key: bad})
    return variants


def _patterns() -> list[tuple[str, str]]:
    """(name, route) of every named URL pattern outside the Django admin."""
    found: list[tuple[str, str]] = []

    def walk(resolver: URLResolver, namespace: str) -> None:
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                inner = f"{namespace}{item.namespace}:" if item.namespace else namespace
                if item.namespace != "admin":
                    walk(item, inner)
            elif isinstance(item, URLPattern) and item.name:
                found.append((f"{namespace}{item.name}", str(item.pattern)))

    walk(get_resolver(), "")
    return sorted(set(found))


SKIPPED = {"logout", "set_language"}  # signing out ends the session the sweep uses; the switch only POSTs


def test_every_pattern_is_swept(city: City) -> None:
    valid = _valid_paths(city, _objects(city))
    for name, route in _patterns():
        if name in SKIPPED or "<" not in route and "(?P<" not in route:
            continue
        if "format" in route:
            continue  # the API's .json/.api suffix variants: swept through their plain names
        assert name in valid, f"{name} ({route}): give it valid path parameters in this sweep"


def _urls(city: City, objects: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, url) for every pattern: valid path parameters, then hostile ones."""
    valid = _valid_paths(city, objects)
    urls: list[tuple[str, str]] = []
    for name, route in _patterns():
        if name in SKIPPED or "format" in route:
            continue
        kwargs = valid.get(name, {})
        urls.append((name, reverse(name, kwargs=kwargs)))
        for bad in _hostile_paths(kwargs):
            try:
                urls.append((name, reverse(name, kwargs=bad)))
            except Exception:  # noqa: BLE001, S112 - a value the converter itself refuses never reaches a view
                continue
    return urls


def _timed(client: Client, url: str, query: dict[str, str], auth: dict[str, str]) -> tuple[Any, float, float]:
    started, started_cpu = time.monotonic(), time.process_time()
    response = client.get(url, query, **auth)
    return response, time.monotonic() - started, time.process_time() - started_cpu


def _sweep(client: Client, url: str, auth: dict[str, str], tally: dict[str, Any], full: bool = True) -> None:
    """The URL without a query, with every query parameter set to each hostile value at once, and the date
    alone (a valid-looking neighbour cannot then hide its error)."""
    values = HOSTILE_VALUES if full else SHORT_VALUES
    queries: list[dict[str, str]] = [{}]
    queries += [dict.fromkeys(QUERY_PARAMETERS, value) for value in values]
    queries += [{"date": value} for value in ("9999-12-31", "0001-01-01", HUGE)] if full else []
    for query in queries:
        response, elapsed, cpu = _timed(client, url, query, auth)
        if response.status_code < 500 and (cpu > MAX_CPU_SECONDS or elapsed > MAX_WALL_SECONDS):
            # Asked again once, the better of the two counting: on a shared host the CPU time of the same work
            # grows when the host takes the virtual CPU away. Unbounded work is over the bound both times.
            _again, elapsed_again, cpu_again = _timed(client, url, query, auth)
            elapsed, cpu = min(elapsed, elapsed_again), min(cpu, cpu_again)
        tally["requests"] += 1
        tally["slowest"] = max(tally["slowest"], elapsed)
        tally["most_cpu"] = max(tally["most_cpu"], cpu)
        if response.status_code >= 500 or cpu > MAX_CPU_SECONDS or elapsed > MAX_WALL_SECONDS:
            tally["failures"].append((url, {k: v[:20] for k, v in query.items()}, response.status_code,
                                      round(cpu, 2), round(elapsed, 2)))


@pytest.mark.parametrize("role", ROLES)
def test_hostile_parameters_pages_and_api(city: City, role: str) -> None:
    from dualtrack.bulletins import services as bulletins
    from dualtrack.resumption import services as resumption

    # As the worker has every morning: the data-as-of day's picture and draft bulletin are stored. (A page asking
    # for a day never computed yet computes it in the request: a known limit, see the #14 closing note.)
    resumption.refresh_pictures()
    bulletins.keep_drafts_current()
    objects = _objects(city)
    urls = _urls(city, objects)
    tally: dict[str, Any] = {"requests": 0, "slowest": 0.0, "most_cpu": 0.0, "failures": []}
    page_client = Client(raise_request_exception=False)
    page_client.force_login(city.users[role])
    token = {"HTTP_AUTHORIZATION": f"Token {city.token(role)}"}
    api_client = Client(raise_request_exception=False)
    full = role in FULL_SWEEP
    for _name, url in urls:
        if url.startswith("/api/"):
            _sweep(api_client, url, token, tally, full)
        else:
            _sweep(page_client, url, {}, tally, full)
    print(f"\n{role}: {len(urls)} URLs, {tally['requests']} requests, slowest {tally['slowest']:.2f} s, "
          f"most CPU {tally['most_cpu']:.2f} s")
    assert tally["failures"] == [], tally["failures"][:20]
    assert tally["requests"] > 500


def test_anonymous_sweep(city: City) -> None:
    objects = _objects(city)
    tally: dict[str, Any] = {"requests": 0, "slowest": 0.0, "most_cpu": 0.0, "failures": []}
    client = Client(raise_request_exception=False)
    for _name, url in _urls(city, objects):
        _sweep(client, url, {}, tally, full=False)
    assert tally["failures"] == [], tally["failures"][:20]
