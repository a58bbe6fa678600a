"""The write contract: every write endpoint, on pages and API, for anonymous users and every role (the park
operator and the read-only leader included): allowed, denied (403: in scope, not allowed), out of scope
(404: existence does not leak), or refused input. Where an action has both a page and an API, the two must
give the same answer to the same user (#13 §1).

Outcomes: ``anon`` (sign-in page / 401), ``ok``, ``denied`` (403), ``hidden`` (404), ``invalid`` (the input is
refused with a message: 400/422, or the form again with its errors).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from dualtrack.core import dates
from dualtrack.policies.models import Application, Measure, Policy
from dualtrack.problems.models import Category, Problem
from dualtrack.projects.models import Project

from .conftest import City, new_uscc
from .helpers import ENTERPRISE_HEADER, csv_bytes, enterprise_row

ROLES = ["anonymous", "hq", "leader", "district", "district_binhai", "park", "department", "liaison", "enterprise",
         "public"]


def page_outcome(response: Any, ok: tuple[int, ...] = (302,)) -> str:
    if response.status_code == 302 and response["Location"].startswith("/login/"):
        return "anon"
    if response.status_code == 403:
        return "denied"
    if response.status_code == 404:
        return "hidden"
    if response.status_code in ok:
        return "ok"
    if response.status_code in (200, 400, 422):
        return "invalid"
    return f"unexpected {response.status_code}"


def api_outcome(response: Any) -> str:
    return {401: "anon", 403: "denied", 404: "hidden", 400: "invalid", 422: "invalid"}.get(
        response.status_code, "ok" if response.status_code in (200, 201) else f"unexpected {response.status_code}")


def as_role(client: Client, city: City, role: str) -> Client:
    client.logout()
    if role != "anonymous":
        client.force_login(city.users[role])
    return client


def api_as(city: City, role: str) -> dict[str, str]:
    return {} if role == "anonymous" else {"HTTP_AUTHORIZATION": f"Token {city.token(role)}"}


@dataclass
class WriteAction:
    name: str
    expected: dict[str, str]
    page: Callable[[Client, City, str], Any] | None = None
    api: Callable[[Client, City, str], Any] | None = None
    page_ok: tuple[int, ...] = (302,)


# --- the objects written to ---------------------------------------------------------------------------------

def _problem(city: City, state: str = "reported", department: Any = None) -> Problem:
    return Problem.objects.create(ref=f"WT2020-{Problem.objects.count() + 1:05d}", description="缺少口罩",
                                  enterprise=city.e_jiangbei, reported_at=timezone.now(), state=state,
                                  department=department, complexity="simple" if department else "",
                                  category=Category.objects.first() if department else None)


def _application(city: City) -> Application:
    policy, _ = Policy.objects.get_or_create(doc_number="宁政发〔2020〕3号", defaults={
        "title": "若干意见", "issuer": "市政府", "issued_on": dt.date(2020, 2, 6), "effective_from": dt.date(2020, 2, 6)})
    measure = Measure.objects.create(code="M-C", policy=policy, title="稳岗返还", support_type="job_stabilisation",
                                     department=city.department, window_start=dt.date(2020, 2, 10),
                                     window_end=dt.date(2020, 6, 30), amount_rule="fixed", amount_fixed=1)
    return Application.objects.create(measure=measure, enterprise=city.e_jiangbei, source="enterprise",
                                      state="submitted", submitted_at=timezone.now(), amount=Decimal(1))


def _project(city: City) -> Project:
    return Project.objects.create(code="XM-W", name="写入项目", level="city_key", nature="continuing",
                                  county=city.jiangbei, responsible_unit=city.department.name,
                                  responsible_department=city.department, owner=city.e_jiangbei,
                                  total_investment=Decimal(10000))


# --- the actions --------------------------------------------------------------------------------------------

def report_problem_page(client: Client, city: City, role: str) -> Any:
    data = {"description": "缺少防疫物资"}
    if role != "enterprise":
        data["enterprise"] = city.e_jiangbei.uscc
    return as_role(client, city, role).post("/problems/new/", data)


def report_problem_api(client: Client, city: City, role: str) -> Any:
    body = {"description": "缺少防疫物资"} | ({} if role == "enterprise" else {"uscc": city.e_jiangbei.uscc})
    return as_role(client, city, "anonymous").post("/api/v1/problems", body, content_type="application/json",
                                                   **api_as(city, role))


def triage_page(client: Client, city: City, role: str) -> Any:
    problem = _problem(city)
    return as_role(client, city, role).post(f"/problems/{problem.ref}/", {
        "to_state": "triaged", "version": 0, "category": Category.objects.first().pk, "department": "JXJ",
        "complexity": "simple"})


def triage_api(client: Client, city: City, role: str) -> Any:
    problem = _problem(city)
    return as_role(client, city, "anonymous").post(
        f"/api/v1/problems/{problem.ref}/move", {"to_state": "triaged", "version": 0, "category": "用工",
                                                 "department": "JXJ", "complexity": "simple"},
        content_type="application/json", **api_as(city, role))


def resolve_page(client: Client, city: City, role: str) -> Any:
    problem = _problem(city, "assigned", city.department)
    return as_role(client, city, role).post(f"/problems/{problem.ref}/", {"to_state": "resolved", "version": 0,
                                                                         "answer": "已协调解决"})


def resolve_api(client: Client, city: City, role: str) -> Any:
    problem = _problem(city, "assigned", city.department)
    return as_role(client, city, "anonymous").post(f"/api/v1/problems/{problem.ref}/move",
                                                   {"to_state": "resolved", "version": 0, "answer": "已协调解决"},
                                                   content_type="application/json", **api_as(city, role))


CASES = {"date": "2020-02-18", "new_confirmed": 1, "new_local": 1, "new_asymptomatic": 0, "new_suspected": 0,
         "new_cured": 0, "new_deaths": 0}


def cases_page(client: Client, city: City, role: str) -> Any:
    return as_role(client, city, role).post("/epidemic/cases/new/", CASES | {"county": "339102"})


def cases_api(client: Client, city: City, role: str) -> Any:
    return as_role(client, city, "anonymous").post("/api/v1/epidemic/cases", CASES | {"county_code": "339102"},
                                                   content_type="application/json", **api_as(city, role))


def resumption_page(client: Client, city: City, role: str) -> Any:
    data = {"resumed": "1", "workers_on_duty": "10"} | ({} if role == "enterprise" else {"uscc": city.e_jiangbei.uscc})
    return as_role(client, city, role).post("/resumption/report/", data)


def resumption_api(client: Client, city: City, role: str) -> Any:
    body = [{"date": dates.today().isoformat(), "uscc": city.e_jiangbei.uscc, "resumed": True, "workers_on_duty": 10}]
    return as_role(client, city, "anonymous").post("/api/v1/resumption/reports", body,
                                                   content_type="application/json", **api_as(city, role))


def _import_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("企业名录.csv", csv_bytes([ENTERPRISE_HEADER, enterprise_row(new_uscc("339102"),
                                                                                       "写入测试企业")]))


def import_page(client: Client, city: City, role: str) -> Any:
    return as_role(client, city, role).post("/imports/enterprises/", {"file": _import_file()})


def import_api(client: Client, city: City, role: str) -> Any:
    return as_role(client, city, "anonymous").post("/api/v1/imports/enterprises", {"file": _import_file()},
                                                   **api_as(city, role))


def publish_page(client: Client, city: City, role: str) -> Any:
    return as_role(client, city, role).post("/epidemic/counties/339102/publish/",
                                            {"date": "2020-02-18", "colour": "red", "reason": "研判"})


def progress_page(client: Client, city: City, role: str) -> Any:
    project = _project(city)
    return as_role(client, city, role).post(f"/projects/{project.code}/", {
        "kind": "weekly", "date": "2020-03-06", "resumed": "1", "workers_on_site": 10, "completed_cumulative": "100"})


def approve_page(client: Client, city: City, role: str) -> Any:
    application = _application(city)
    return as_role(client, city, role).post(f"/policies/applications/{application.pk}/",
                                            {"action": "approve", "version": 0, "approved_amount": "1"})


def generate_bulletin_page(client: Client, city: City, role: str) -> Any:
    return as_role(client, city, role).post("/bulletins/stored/", {"date": "2020-02-18"})


def assign_liaison_page(client: Client, city: City, role: str) -> Any:
    return as_role(client, city, role).post("/liaison/coverage/", {"username": "liaison",
                                                                    "uscc": city.e_binhai.uscc})


def log_visit_page(client: Client, city: City, role: str) -> Any:
    return as_role(client, city, role).post("/liaison/visits/", {
        "enterprise": city.e_jiangbei.pk, "visited_on": "2020-03-02", "notes": "走访,电话 13812345678"})


def post_demand_page(client: Client, city: City, role: str) -> Any:
    return as_role(client, city, role).post("/worker-return/demand/new/", {
        "enterprise": city.e_jiangbei.uscc, "position": "装配工", "headcount": "5", "origin_code": "640402",
        "needed_by": "2020-03-01"})


def record_finding_page(client: Client, city: City, role: str) -> Any:
    from dualtrack.registry.models import Region

    Region.objects.get_or_create(code="339102001201", defaults={"name": "江滨一村", "level": "village",
                                                                "parent": city.township})
    return as_role(client, city, role).post("/poverty/findings/", {
        "source": "inspection", "village": "339102001201", "household": "", "description": "村级帮扶台账不全",
        "found_on": "2020-05-11", "working_days": "5"})


def tick_census_page(client: Client, city: City, role: str) -> Any:
    return as_role(client, city, role).post("/poverty/census/1/", {"done": "1", "done_on": "2020-06-20"})


def freeze_week_page(client: Client, city: City, role: str) -> Any:
    return as_role(client, city, role).post("/poverty/weekly/", {"week": "2020-05-11"})


def _lead(city: City, code: str, stage: str) -> Any:
    from dualtrack.investment.models import Lead

    return Lead.objects.get_or_create(code=code, defaults={
        "name": "新能源零部件", "investor": "某集团", "amount": Decimal(12), "county": city.jiangbei, "stage": stage,
        "signed_on": dt.date(2020, 3, 10) if stage == "signed" else None, "officer": city.users["department"]})[0]


def add_lead_page(client: Client, city: City, role: str) -> Any:
    return as_role(client, city, role).post("/investment/new/", {
        "name": "海上风电装备", "investor": "某能源集团", "investor_class": "other", "amount": "25.5",
        "county": city.jiangbei.pk})


def lead_activity_page(client: Client, city: City, role: str) -> Any:
    _lead(city, "ZS-W", "signed")
    return as_role(client, city, role).post("/investment/leads/ZS-W/activity/", {
        "date": "2020-04-01", "kind": "online", "note": "云招商"})


def lead_stage_page(client: Client, city: City, role: str) -> Any:
    _lead(city, "ZS-W", "signed")
    return as_role(client, city, role).post("/investment/leads/ZS-W/stage/", {"stage": "stopped", "reason": "撤资"})


def lead_officer_page(client: Client, city: City, role: str) -> Any:
    _lead(city, "ZS-W", "signed")
    return as_role(client, city, role).post("/investment/leads/ZS-W/officer/", {"officer": city.users["liaison"].pk})


def signing_page(client: Client, city: City, role: str) -> Any:
    _lead(city, "ZS-T", "talks")
    return as_role(client, city, role).post("/investment/signing/", {"date": "2020-04-01", "place": "云签约",
                                                                     "leads": ["ZS-T"]})


def groundbreaking_page(client: Client, city: City, role: str) -> Any:
    Project.objects.get_or_create(code="XM-G", defaults={
        "name": "开工项目", "level": "city_key", "nature": "new", "county": city.jiangbei, "responsible_unit": "江北区",
        "total_investment": Decimal(10000)})
    return as_role(client, city, role).post("/investment/pipeline/groundbreaking/new/", {
        "date": "2020-03-06", "title": "集中开工", "place": "江北", "projects": "XM-G"})


def _expect(**outcomes: str) -> dict[str, str]:
    assert set(outcomes) == set(ROLES), set(ROLES) ^ set(outcomes)
    return outcomes


ACTIONS = [
    WriteAction("report a problem (发现)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="ok", enterprise="ok", public="denied"),
        report_problem_page, report_problem_api),
    WriteAction("triage a problem (梳理)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="hidden", park="hidden",
        department="hidden", liaison="denied", enterprise="denied", public="hidden"),
        triage_page, triage_api),
    WriteAction("resolve a problem (办结)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="hidden", park="hidden",
        department="ok", liaison="denied", enterprise="denied", public="hidden"),
        resolve_page, resolve_api),
    WriteAction("report a county's cases", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="denied", enterprise="denied", public="denied"),
        cases_page, cases_api),
    WriteAction("report an enterprise's resumption", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="hidden", park="hidden",
        department="denied", liaison="ok", enterprise="ok", public="denied"),
        resumption_page, resumption_api),
    WriteAction("import enterprises", _expect(
        anonymous="anon", hq="ok", leader="hidden", district="ok", district_binhai="invalid", park="invalid",
        department="hidden", liaison="hidden", enterprise="hidden", public="hidden"),
        import_page, import_api, page_ok=(200,)),
    WriteAction("publish a county's level", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="hidden", park="denied",
        department="denied", liaison="hidden", enterprise="hidden", public="hidden"), publish_page),
    WriteAction("report a project's progress", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="hidden", park="hidden",
        department="ok", liaison="hidden", enterprise="ok", public="hidden"), progress_page),
    WriteAction("approve an application (审核)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="hidden", park="hidden",
        department="ok", liaison="denied", enterprise="denied", public="hidden"), approve_page),
    WriteAction("generate a bulletin draft", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="denied", enterprise="denied", public="denied"), generate_bulletin_page),
    WriteAction("assign enterprises to a liaison officer", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="denied", enterprise="denied", public="denied"), assign_liaison_page),
    WriteAction("log a visit (走访记录)", _expect(
        anonymous="anon", hq="denied", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="ok", enterprise="denied", public="denied"), log_visit_page),
    WriteAction("post labour demand (用工需求)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="ok", enterprise="ok", public="denied"), post_demand_page),
    # The poverty office is a department this fixture does not have: HQ stands for it here (tests/test_poverty_*).
    WriteAction("record a poverty finding (问题清单)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="denied", enterprise="denied", public="denied"), record_finding_page),
    WriteAction("tick a census readiness item (普查准备)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="hidden", enterprise="hidden", public="hidden"), tick_census_page),
    WriteAction("freeze the weekly board (一周一调度)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="denied", enterprise="denied", public="denied"), freeze_week_page),
    # 招商引资: a county's or park's staff work their own leads; the lead's chief service officer (a department user
    # here) logs activities on it; the leader reads.
    WriteAction("add a lead (登记招商线索)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="ok", park="ok",
        department="denied", liaison="denied", enterprise="denied", public="denied"), add_lead_page),
    WriteAction("log a lead's activity (招商活动)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="hidden", park="hidden",
        department="ok", liaison="hidden", enterprise="hidden", public="hidden"), lead_activity_page),
    WriteAction("move a lead's stage (推进阶段)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="hidden", park="hidden",
        department="denied", liaison="hidden", enterprise="hidden", public="hidden"), lead_stage_page),
    WriteAction("name a lead's chief service officer (首席服务员)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="hidden", park="hidden",
        department="denied", liaison="hidden", enterprise="hidden", public="hidden"), lead_officer_page),
    WriteAction("sign leads at a ceremony (签约仪式)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="invalid", park="invalid",
        department="denied", liaison="denied", enterprise="denied", public="denied"), signing_page),
    WriteAction("record a 集中开工 event", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="invalid", park="denied",
        department="denied", liaison="denied", enterprise="denied", public="denied"), groundbreaking_page),
]


def _import_outcome(response: Any) -> str:
    """The import page answers 200 for a file written and 422 for a file refused."""
    outcome = page_outcome(response, ok=(200,))
    return "invalid" if outcome == "unexpected 422" else outcome


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", [a for a in ACTIONS if a.page], ids=lambda a: a.name)
def test_page(client: Client, city: City, action: WriteAction, role: str) -> None:
    response = action.page(client, city, role)  # type: ignore[misc]
    outcome = _import_outcome(response) if action.page_ok == (200,) else page_outcome(response, action.page_ok)
    assert outcome == action.expected[role], (action.name, role, response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", [a for a in ACTIONS if a.api], ids=lambda a: a.name)
def test_api(client: Client, city: City, action: WriteAction, role: str) -> None:
    response = action.api(client, city, role)  # type: ignore[misc]
    assert api_outcome(response) == action.expected[role], (action.name, role, response.status_code,
                                                            response.content[:300])


@pytest.mark.parametrize("action", [a for a in ACTIONS if a.page and a.api], ids=lambda a: a.name)
def test_page_and_api_agree(client: Client, city: City, action: WriteAction) -> None:
    """Measured, not declared: each role's page answer and API answer for the same action are the same."""
    disagreements = []
    for role in ROLES:
        page = action.page(client, city, role)  # type: ignore[misc]
        page_says = _import_outcome(page) if action.page_ok == (200,) else page_outcome(page, action.page_ok)
        api_says = api_outcome(action.api(client, city, role))  # type: ignore[misc]
        if page_says != api_says:
            disagreements.append((role, page_says, api_says))
    assert disagreements == []


def test_writes_changed_what_they_said(client: Client, city: City) -> None:
    """An "ok" is a real write, a refusal writes nothing (spot checks on both sides)."""
    before = Problem.objects.count()
    assert page_outcome(report_problem_page(client, city, "leader")) == "denied"
    assert Problem.objects.count() == before
    assert page_outcome(report_problem_page(client, city, "liaison")) == "ok"
    assert Problem.objects.count() == before + 1
    assert Problem.objects.latest("id").enterprise == city.e_jiangbei
    triaged = triage_api(client, city, "hq").json()
    assert triaged["state"] == "triaged" and triaged["department"] == "JXJ"
    assert page_outcome(log_visit_page(client, city, "liaison")) == "ok"
    as_role(client, city, "district")  # the district reads the officer's visit, the phone number masked
    visits = client.get("/liaison/visits/").content.decode()
    assert "138****5678" in visits and "13812345678" not in visits
