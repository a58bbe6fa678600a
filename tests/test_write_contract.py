"""The write contract: every write endpoint, on pages and API, for anonymous users and every role (the park
operator and the read-only leader included): allowed, denied (403: in scope, not allowed), out of scope
(404: existence does not leak), or refused input. Where an action has both a page and an API, the two must
give the same answer to the same user (#13 §1).

Outcomes: ``anon`` (sign-in page / 401), ``ok``, ``denied`` (403), ``hidden`` (404), ``invalid`` (the input is
refused with a message: 400/422, or the form again with its errors). Where an action can tell whether it wrote,
an "ok" must have written and a refusal must not have (pages that redirect with the refusal as a message).

Every write is in the contract: each action names the URL patterns it posts to (checked on every request it
makes), and :func:`test_every_write_is_in_the_contract` fails for a URL pattern that takes a write (a page that
takes a POST, an API endpoint with POST/PUT/PATCH/DELETE) and is neither posted to by an action nor listed in
``NOT_IN_CONTRACT`` with its reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve
from django.utils import timezone

from dualtrack.core import dates
from dualtrack.policies.models import Application, Measure, Policy
from dualtrack.problems.models import Category, Problem
from dualtrack.projects.models import Project

from .conftest import City, new_uscc
from .helpers import ENTERPRISE_HEADER, csv_bytes, enterprise_row
from .urlwalk import write_views

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
    """One write: what each role gets on its page and/or API, and the URL patterns (by name) it posts to.

    ``written`` (optional) says whether the write happened: an "ok" must have written, a refusal must not have
    (pages that redirect after a refused write, with the reason as a message, are judged by it). ``judge``
    (optional) reads a page's answer when its status alone does not tell (the scanning page answers 200 either way).
    """
    name: str
    expected: dict[str, str]
    page: Callable[[Client, City, str], Any] | None = None
    api: Callable[[Client, City, str], Any] | None = None
    page_ok: tuple[int, ...] = (302,)
    covers: tuple[str, ...] = ()
    written: Callable[[City], bool] | None = None
    judge: Callable[[Any], str] | None = None


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


# --- 点对点返岗: register, plan, manifest, scans, arrival ----------------------------------------------------------
# A worker from 滨海 (the origin county) registered for 江北恒达 (the receiving enterprise, in 江北), and a trip from
# 滨海 to it. The fixture's department is not the bureau (人社局): it has no part in the campaign.

def _demand(city: City) -> Any:
    from dualtrack.workreturn.models import LabourDemand

    return LabourDemand.objects.get_or_create(enterprise=city.e_jiangbei, position="装配工", origin_code="339106",
                                              defaults={"headcount": 5, "origin": city.binhai,
                                                        "needed_by": dt.date(2020, 3, 1)})[0]


def _trip(city: City, *, manifest: bool = True, boarded: bool = False, arrived: bool = False) -> tuple[Any, Any]:
    from dualtrack.workreturn.models import Boarding, ManifestEntry, Trip, Worker

    _demand(city)
    worker = Worker.objects.create(code="W-W", name="马建军", phone="13900000001", id_last4="123X",
                                   village_code="339106100201", home_code="339106", home_county=city.binhai,
                                   enterprise=city.e_jiangbei, attestation_kind="no_travel_14",
                                   attestation_date=dt.date(2020, 2, 10))
    departure = dt.datetime(2020, 2, 15, 7, tzinfo=dt.UTC)
    trip = Trip.objects.create(code="T-W", origin_code="339106", origin=city.binhai, enterprise=city.e_jiangbei,
                               plate="宁B12345", seats=44, departure=departure)
    if manifest:
        ManifestEntry.objects.create(trip=trip, worker=worker)
    if boarded:
        Boarding.objects.create(trip=trip, worker=worker, boarded_at=departure, temperature=Decimal("36.5"),
                                allowed=True, rules_version="test")
    if arrived:
        trip.arrived_at = departure + dt.timedelta(hours=20)
        trip.save(update_fields=["arrived_at"])
        worker.receipt_due_at = trip.arrived_at + dt.timedelta(days=3)
        worker.save(update_fields=["receipt_due_at"])
    return trip, worker


def register_worker_page(client: Client, city: City, role: str) -> Any:
    _demand(city)  # the enterprises to choose from are those with demand
    return as_role(client, city, role).post("/worker-return/workers/new/", {
        "code": "W-NEW", "name": "李红梅", "phone": "13900000002", "id_number": "33910219900101123X",
        "village_code": "339102001201", "enterprise": city.e_jiangbei.uscc, "attestation_kind": "no_travel_14",
        "attestation_date": "2020-02-10"})


def _registered(city: City) -> bool:
    from dualtrack.workreturn.models import Worker

    return Worker.objects.filter(code="W-NEW").exists()


def plan_trip_page(client: Client, city: City, role: str) -> Any:
    _demand(city)
    return as_role(client, city, role).post("/worker-return/trips/new/", {
        "code": "T-NEW", "origin_code": "339106", "origin_name": "滨海区", "enterprise": city.e_jiangbei.uscc,
        "departure": "2020-02-20T07:00", "plate": "宁B54321", "seats": "44", "escort": "王师傅"})


def _planned(city: City) -> bool:
    from dualtrack.workreturn.models import Trip

    return Trip.objects.filter(code="T-NEW").exists()


def set_manifest_page(client: Client, city: City, role: str) -> Any:
    _trip(city, manifest=False)
    return as_role(client, city, role).post("/worker-return/trips/T-W/", {"action": "manifest", "worker": ["W-W"]})


def _on_manifest(city: City) -> bool:
    from dualtrack.workreturn.models import ManifestEntry

    return ManifestEntry.objects.filter(trip__code="T-W", worker__code="W-W").exists()


def arrival_page(client: Client, city: City, role: str) -> Any:
    _trip(city, boarded=True)
    return as_role(client, city, role).post("/worker-return/trips/T-W/", {"action": "arrival"})


def _arrived(city: City) -> bool:
    from dualtrack.workreturn.models import Trip

    return Trip.objects.filter(code="T-W", arrived_at__isnull=False).exists()


def scan_boarding_page(client: Client, city: City, role: str) -> Any:
    _trip(city)
    return as_role(client, city, role).post("/worker-return/scan/", {
        "mode": "boarding", "trip": "T-W", "code": "W-W", "temperature": "36.5"})


def _boarded(city: City) -> bool:
    from dualtrack.workreturn.models import Boarding

    return Boarding.objects.filter(trip__code="T-W", worker__code="W-W").exists()


def scan_arrival_page(client: Client, city: City, role: str) -> Any:
    _trip(city, boarded=True)
    return as_role(client, city, role).post("/worker-return/scan/", {"mode": "arrival", "code": "W-W"})


def scan_receipt_page(client: Client, city: City, role: str) -> Any:
    _trip(city, boarded=True, arrived=True)
    return as_role(client, city, role).post("/worker-return/scan/", {"mode": "receipt", "code": "W-W"})


def _receipted(city: City) -> bool:
    from dualtrack.workreturn.models import Receipt

    return Receipt.objects.filter(worker__code="W-W").exists()


def scan_outcome(response: Any) -> str:
    """The scanning page answers 200 whatever the scan gave (a phone scans the next slip on the same page): a scan
    recorded shows its outcome; a slip out of the user's scope is told as not found, like an unknown code."""
    outcome = page_outcome(response, ok=())
    if outcome != "invalid" or response.status_code != 200:
        return outcome
    if response.context.get("outcome"):
        return "ok"
    if "未找到该三联单或不在您的范围内" in response.content.decode():
        return "hidden"
    return "invalid"


# --- 经济运行月报: generate a draft, sign it off -------------------------------------------------------------------

REPORT_MONTH = dt.date(2020, 3, 1)


def _economy_figures(city: City) -> None:
    from dualtrack.economy.models import Actual, Indicator, Target

    indicator = Indicator.objects.create(code="GDZC", name="固定资产投资", unit="亿元", kind="amount",
                                         department=city.department)
    for code, kind, county in (("339100", "city", None), (city.jiangbei.code, "county", city.jiangbei)):
        Target.objects.create(year=2020, scope_code=code, scope_kind=kind, county=county, indicator=indicator,
                              target=Decimal(110), target_growth=Decimal("0.1"), prior_year_total=Decimal(100))
        Actual.objects.create(month=REPORT_MONTH, scope_code=code, scope_kind=kind, county=county,
                              indicator=indicator, cumulative=Decimal(30), prior_cumulative=Decimal(33))


def generate_report_page(client: Client, city: City, role: str) -> Any:
    _economy_figures(city)
    return as_role(client, city, role).post(f"/economy/report/?month={REPORT_MONTH:%Y-%m}", {"action": "generate"})


def _report_generated(city: City) -> bool:
    from dualtrack.economy.models import MonthlyReport

    return MonthlyReport.objects.filter(month=REPORT_MONTH).exists()


def sign_off_report_page(client: Client, city: City, role: str) -> Any:
    from dualtrack.economy import report

    _economy_figures(city)
    stored = report.generate(REPORT_MONTH, city.users["hq"])
    # the preview's form carries the stamp of the draft it shows (a draft generated again since is refused)
    return as_role(client, city, role).post(f"/economy/report/?month={REPORT_MONTH:%Y-%m}",
                                            {"action": "sign_off", "seen": report.stamp(stored)})


def _report_released(city: City) -> bool:
    from dualtrack.economy.models import MonthlyReport

    return MonthlyReport.objects.filter(month=REPORT_MONTH, status="released").exists()


# --- the other writes: bulletins, rules, policies, one's own account ----------------------------------------------

BULLETIN_DAY = dt.date(2020, 2, 18)


def sign_off_bulletin_page(client: Client, city: City, role: str) -> Any:
    from dualtrack.bulletins import services as bulletins

    bulletins.generate(BULLETIN_DAY, city.users["hq"])
    return as_role(client, city, role).post(f"/bulletins/stored/{BULLETIN_DAY}/", {"action": "sign_off"})


def _bulletin_released(city: City) -> bool:
    from dualtrack.bulletins.models import StoredBulletin

    return StoredBulletin.objects.filter(date=BULLETIN_DAY, status="released").exists()


def retry_job_page(client: Client, city: City, role: str) -> Any:
    from dualtrack.bulletins.models import Job

    job = Job.objects.create(kind="deliver", key="W-1", status="failed", attempts=5, next_attempt_at=timezone.now())
    return as_role(client, city, role).post(f"/bulletins/jobs/{job.pk}/retry/")


def _job_retried(city: City) -> bool:
    from dualtrack.bulletins.models import Job

    return Job.objects.filter(key="W-1", status="pending").exists()


def revise_rules_page(client: Client, city: City, role: str) -> Any:
    import json

    from dualtrack.core import rules

    key = "worker-return"  # a new version: the receipt due a working day later
    definition = json.dumps(rules.current(key).definition | {"receipt_working_days": 4}, ensure_ascii=False)
    return as_role(client, city, role).post(f"/rules/?key={key}", {"key": key, "definition": definition,
                                                                  "comment": "写入测试:新版本"})


def try_rules_page(client: Client, city: City, role: str) -> Any:
    import json

    return as_role(client, city, role).post("/rules/what-if/?measure=economy&month=2020-04", {
        "definition": json.dumps({"double_half_from_month": 4, "double_half_completion": 0.3})})


def _rules_tried(city: City) -> bool:
    from dualtrack.core.models import AuditLog, Judgement

    # a trial is audited and never stored: only the stored result of the current rules is in the store
    return AuditLog.objects.filter(action="what_if").exists() and \
        not Judgement.objects.exclude(rules_version__startswith="economy:v").exists()


def _rules_revised(city: City) -> bool:
    from dualtrack.core.models import RuleSet

    return RuleSet.objects.filter(comment="写入测试:新版本").exists()


def _open_measure(city: City) -> Measure:
    """A measure of the fixture's department whose window is open on any day the tests run."""
    policy, _ = Policy.objects.get_or_create(doc_number="宁政发〔2020〕3号", defaults={
        "title": "若干意见", "issuer": "市政府", "issued_on": dt.date(2020, 2, 6), "effective_from": dt.date(2020, 2, 6)})
    return Measure.objects.get_or_create(code="M-O", defaults={
        "policy": policy, "title": "稳岗返还", "support_type": "job_stabilisation", "department": city.department,
        "window_start": dt.date(2020, 2, 10), "window_end": dt.date(2099, 12, 31), "amount_rule": "fixed",
        "amount_fixed": 1})[0]


def apply_page(client: Client, city: City, role: str) -> Any:
    measure = _open_measure(city)
    data = {"action": "apply"} | ({} if role == "enterprise" else {"enterprise": city.e_jiangbei.uscc})
    return as_role(client, city, role).post(f"/policies/measures/{measure.code}/", data)


def _applied(city: City) -> bool:
    return Application.objects.filter(measure__code="M-O", enterprise=city.e_jiangbei).exists()


def publish_notice_page(client: Client, city: City, role: str) -> Any:
    measure = _open_measure(city)  # a notice lists the measure's paid beneficiaries: one is paid
    Application.objects.create(measure=measure, enterprise=city.e_binhai, source="enterprise", state="paid",
                               submitted_at=timezone.now(), amount=Decimal(1), approved_amount=Decimal(1),
                               paid_amount=Decimal(1), paid_on=dt.date(2020, 5, 20), voucher_no="V-W")
    return as_role(client, city, role).post(f"/policies/measures/{measure.code}/", {
        "action": "notice", "period_start": "2020-06-01", "period_end": "2020-06-07", "title": "稳岗返还公示",
        "objection_contact": "0574-12345678"})


def _notice_published(city: City) -> bool:
    from dualtrack.policies.models import Notice

    return Notice.objects.filter(measure__code="M-O").exists()


def complete_outreach_page(client: Client, city: City, role: str) -> Any:
    from dualtrack.policies.models import Outreach

    task = Outreach.objects.create(measure=_open_measure(city), enterprise=city.e_jiangbei,
                                   officer=city.users["liaison"])
    return as_role(client, city, role).post("/policies/outreach/", {"id": task.pk, "note": "已上门讲解政策"})


def _outreach_done(city: City) -> bool:
    from dualtrack.policies.models import Outreach

    return Outreach.objects.filter(measure__code="M-O", state="done").exists()


def rotate_token_page(client: Client, city: City, role: str) -> Any:
    return as_role(client, city, role).post("/account/", {"action": "token"})


def mark_read_page(client: Client, city: City, role: str) -> Any:
    return as_role(client, city, role).post("/notifications/", {"id": ""})



# --- more writes on pages already in the contract: a problem's 批示, merge and attachment; an application's
# rejection and payment; a measure's entitlement list and outreach tasks --------------------------------------

def _latest_problem() -> Problem:
    return Problem.objects.latest("id")


def instruct_page(client: Client, city: City, role: str) -> Any:
    problem = _problem(city, "assigned", city.department)
    Problem.objects.filter(pk=problem.pk).update(escalation_level=1)  # escalated past the department
    return as_role(client, city, role).post(f"/problems/{problem.ref}/", {"action": "instruct",
                                                                         "instruction": "请市经信局三日内办结"})


def _instructed(city: City) -> bool:
    return _latest_problem().events.filter(kind="instruction").exists()


def merge_page(client: Client, city: City, role: str) -> Any:
    earlier = _problem(city)
    problem = _problem(city)
    return as_role(client, city, role).post(f"/problems/{problem.ref}/", {"action": "merge", "into": earlier.ref,
                                                                         "comment": "同一诉求"})


def _merged(city: City) -> bool:
    return _latest_problem().duplicate_of_id is not None


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def attach_page(client: Client, city: City, role: str) -> Any:
    problem = _problem(city)
    return as_role(client, city, role).post(f"/problems/{problem.ref}/", {
        "action": "attach", "file": SimpleUploadedFile("现场.png", _png(), content_type="image/png")})


def _attached(city: City) -> bool:
    return _latest_problem().attachments.exists()


def reject_page(client: Client, city: City, role: str) -> Any:
    application = _application(city)
    return as_role(client, city, role).post(f"/policies/applications/{application.pk}/",
                                            {"action": "reject", "version": 0, "reason": "不符合条件"})


def _reviewed(state: str) -> Callable[[City], bool]:
    """Written: the application now has the state the action gives it (approved by 审核, rejected by 退回)."""
    return lambda city: Application.objects.latest("id").state == state


def pay_page(client: Client, city: City, role: str) -> Any:
    application = _application(city)
    Application.objects.filter(pk=application.pk).update(state="approved", approved_amount=Decimal(1))
    return as_role(client, city, role).post(f"/policies/applications/{application.pk}/", {
        "action": "pay", "version": 0, "paid_amount": "1", "paid_on": "2020-05-20", "voucher_no": "V-2020-1"})


def _paid(city: City) -> bool:
    return Application.objects.latest("id").state == "paid"


def entitlements_page(client: Client, city: City, role: str) -> Any:
    measure = _open_measure(city)
    Measure.objects.filter(pk=measure.pk).update(no_application=True)  # 免申即享
    return as_role(client, city, role).post(f"/policies/measures/{measure.code}/", {"action": "entitlements"})


def _entitled(city: City) -> bool:
    return Application.objects.filter(measure__code="M-O").exists()


def create_outreach_page(client: Client, city: City, role: str) -> Any:
    measure = _open_measure(city)
    return as_role(client, city, role).post(f"/policies/measures/{measure.code}/", {"action": "outreach"})


def _outreach_created(city: City) -> bool:
    from dualtrack.policies.models import Outreach

    return Outreach.objects.filter(measure__code="M-O").exists()


def _expect(**outcomes: str) -> dict[str, str]:
    assert set(outcomes) == set(ROLES), set(ROLES) ^ set(outcomes)
    return outcomes


ACTIONS = [
    WriteAction("report a problem (发现)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="ok", enterprise="ok", public="denied"),
        report_problem_page, report_problem_api, covers=("problems:report", "problem-list")),
    WriteAction("triage a problem (梳理)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="hidden", park="hidden",
        department="hidden", liaison="denied", enterprise="denied", public="hidden"),
        triage_page, triage_api, covers=("problems:detail", "problem-move"),
        written=lambda city: _latest_problem().state == "triaged"),
    WriteAction("resolve a problem (办结)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="hidden", park="hidden",
        department="ok", liaison="denied", enterprise="denied", public="hidden"),
        resolve_page, resolve_api, covers=("problems:detail", "problem-move"),
        written=lambda city: _latest_problem().state == "resolved"),
    WriteAction("report a county's cases", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="denied", enterprise="denied", public="denied"),
        cases_page, cases_api, covers=("epidemic:enter", "api-epidemic-cases")),
    WriteAction("report an enterprise's resumption", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="hidden", park="hidden",
        department="denied", liaison="ok", enterprise="ok", public="denied"),
        resumption_page, resumption_api, covers=("resumption:report", "api-resumption-reports")),
    WriteAction("import enterprises", _expect(
        anonymous="anon", hq="ok", leader="hidden", district="ok", district_binhai="invalid", park="invalid",
        department="hidden", liaison="hidden", enterprise="hidden", public="hidden"),
        import_page, import_api, page_ok=(200,), covers=("import_upload", "api-import")),
    WriteAction("publish a county's level", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="hidden", park="denied",
        department="denied", liaison="hidden", enterprise="hidden", public="hidden"), publish_page,
        covers=("epidemic:publish",)),
    WriteAction("report a project's progress", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="hidden", park="hidden",
        department="ok", liaison="hidden", enterprise="ok", public="hidden"), progress_page,
        covers=("projects:detail",)),
    WriteAction("approve an application (审核)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="hidden", park="hidden",
        department="ok", liaison="denied", enterprise="denied", public="hidden"), approve_page,
        covers=("policies:application",), written=_reviewed("approved")),
    WriteAction("generate a bulletin draft", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="denied", enterprise="denied", public="denied"), generate_bulletin_page,
        covers=("bulletins:stored_list",)),
    WriteAction("assign enterprises to a liaison officer", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="denied", enterprise="denied", public="denied"), assign_liaison_page,
        covers=("liaison:coverage",)),
    WriteAction("log a visit (走访记录)", _expect(
        anonymous="anon", hq="denied", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="ok", enterprise="denied", public="denied"), log_visit_page,
        covers=("liaison:visits",)),
    WriteAction("post labour demand (用工需求)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="ok", enterprise="ok", public="denied"), post_demand_page,
        covers=("workreturn:demand_new",)),
    # The poverty office is a department this fixture does not have: HQ stands for it here (tests/test_poverty_*).
    WriteAction("record a poverty finding (问题清单)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="denied", enterprise="denied", public="denied"), record_finding_page,
        covers=("poverty:findings",)),
    WriteAction("tick a census readiness item (普查准备)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="hidden", enterprise="hidden", public="hidden"), tick_census_page,
        covers=("poverty:census_tick",)),
    WriteAction("freeze the weekly board (一周一调度)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="denied", enterprise="denied", public="denied"), freeze_week_page,
        covers=("poverty:weekly_list",)),
    # 招商引资: a county's or park's staff work their own leads; the lead's chief service officer (a department user
    # here) logs activities on it; the leader reads.
    WriteAction("add a lead (登记招商线索)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="ok", park="ok",
        department="denied", liaison="denied", enterprise="denied", public="denied"), add_lead_page,
        covers=("investment:lead_new",)),
    WriteAction("log a lead's activity (招商活动)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="hidden", park="hidden",
        department="ok", liaison="hidden", enterprise="hidden", public="hidden"), lead_activity_page,
        covers=("investment:lead_activity",)),
    WriteAction("move a lead's stage (推进阶段)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="hidden", park="hidden",
        department="denied", liaison="hidden", enterprise="hidden", public="hidden"), lead_stage_page,
        covers=("investment:lead_stage",)),
    WriteAction("name a lead's chief service officer (首席服务员)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="hidden", park="hidden",
        department="denied", liaison="hidden", enterprise="hidden", public="hidden"), lead_officer_page,
        covers=("investment:lead_officer",)),
    WriteAction("sign leads at a ceremony (签约仪式)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="invalid", park="invalid",
        department="denied", liaison="denied", enterprise="denied", public="denied"), signing_page,
        covers=("investment:signing",)),
    WriteAction("record a 集中开工 event", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="invalid", park="denied",
        department="denied", liaison="denied", enterprise="denied", public="denied"), groundbreaking_page,
        covers=("investment:groundbreaking_new",)),
]

# 点对点返岗 (DOMAIN.md §12, workreturn/policy.py): HQ and the bureau plan trips and manifests; the home county
# registers its own villages' workers; a manifest (the trip's page) is for HQ, the bureau, the origin county and the
# receiving enterprise, 404 for anyone else; the scans and the arrival for HQ, the bureau, the counties the trip
# leaves from or goes to and the receiving enterprise. The worker and trip leave 滨海 for 江北恒达 (in 江北).
ACTIONS += [
    WriteAction("register a worker (登记务工人员)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="invalid", park="denied",
        department="denied", liaison="denied", enterprise="denied", public="denied"), register_worker_page,
        covers=("workreturn:worker_new",), written=_registered),
    WriteAction("plan a trip (一车一方案)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="denied", enterprise="denied", public="denied"), plan_trip_page,
        covers=("workreturn:trip_new",), written=_planned),
    WriteAction("set a trip's manifest (乘车名单)", _expect(
        anonymous="anon", hq="ok", leader="hidden", district="hidden", district_binhai="denied", park="hidden",
        department="hidden", liaison="hidden", enterprise="denied", public="hidden"), set_manifest_page,
        covers=("workreturn:trip",), written=_on_manifest),
    WriteAction("record a trip's arrival (到达)", _expect(
        anonymous="anon", hq="ok", leader="hidden", district="hidden", district_binhai="ok", park="hidden",
        department="hidden", liaison="hidden", enterprise="ok", public="hidden"), arrival_page,
        covers=("workreturn:trip",), written=_arrived),
    WriteAction("scan at boarding (上车扫码)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="ok", park="hidden",
        department="denied", liaison="denied", enterprise="ok", public="denied"), scan_boarding_page,
        covers=("workreturn:scan",), written=_boarded, judge=scan_outcome),
    WriteAction("scan at arrival (到达扫码)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="ok", park="hidden",
        department="denied", liaison="denied", enterprise="ok", public="denied"), scan_arrival_page,
        covers=("workreturn:scan",), written=_arrived, judge=scan_outcome),
    WriteAction("scan the receipt (到岗回执)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="ok", park="hidden",
        department="denied", liaison="denied", enterprise="ok", public="denied"), scan_receipt_page,
        covers=("workreturn:scan",), written=_receipted, judge=scan_outcome),
]

# 经济运行月报 (economy/policy.py): HQ generates and signs off; leaders and departments read it; the page is
# refused to everyone else.
ACTIONS += [
    WriteAction("generate the monthly economy report (月报生成)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="denied", enterprise="denied", public="denied"), generate_report_page,
        covers=("economy:report",), written=_report_generated),
    WriteAction("sign off the monthly economy report (月报签发)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="denied", enterprise="denied", public="denied"), sign_off_report_page,
        covers=("economy:report",), written=_report_released),
]

# --- 复工备案 (DOMAIN.md §16, filings/policy.py): the county (or park) of the enterprise and HQ decide, record the
# on-site check, lift a suspension and revoke; leaders, departments, the liaison officer and the enterprise see the
# filing and are refused (403); another county, a park the enterprise is not in and the public do not see it (404).
# The filing is 江北恒达's (江北, no park).

def _filing(city: City, state: str = "applied") -> Any:
    from dualtrack.filings.models import Filing

    today = dates.today()
    return Filing.objects.create(code="FB2020-09001", enterprise=city.e_jiangbei, applied_on=today, planned_on=today,
                                 planned_workers=30, officer="王防控", phone="13800001111", state=state,
                                 due_on=today + dt.timedelta(days=1),
                                 decided_on=None if state == "applied" else today)


def _filing_state(city: City) -> str:
    from dualtrack.filings.models import Filing

    return Filing.objects.get(code="FB2020-09001").state


def decide_filing_page(client: Client, city: City, role: str) -> Any:
    filing = _filing(city)
    return as_role(client, city, role).post(f"/filings/{filing.code}/decide/", {"decision": "returned",
                                                                                 "note": "C3未落实，请补充"})


def inspect_filing_page(client: Client, city: City, role: str) -> Any:
    filing = _filing(city)
    return as_role(client, city, role).post(f"/filings/{filing.code}/inspection/", {
        "inspected_on": dates.today().isoformat(), "inspectors": "李四、张三",
        "photo": SimpleUploadedFile("现场.png", _png(), content_type="image/png")})


def _inspected(city: City) -> bool:
    from dualtrack.filings.models import Filing

    return Filing.objects.get(code="FB2020-09001").inspected_on is not None


def lift_filing_page(client: Client, city: City, role: str) -> Any:
    filing = _filing(city, "suspended")
    return as_role(client, city, role).post(f"/filings/{filing.code}/lift/", {"reason": "全员核酸阴性，消杀完毕"})


def revoke_filing_page(client: Client, city: City, role: str) -> Any:
    filing = _filing(city, "filed")
    return as_role(client, city, role).post(f"/filings/{filing.code}/revoke/", {"reason": "企业停产"})


_DECIDES = dict(anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="hidden", park="hidden",
                department="denied", liaison="denied", enterprise="denied", public="hidden")
ACTIONS += [
    WriteAction("decide a filing (复工备案审核)", _expect(**_DECIDES), decide_filing_page,
                covers=("filings:decide",), written=lambda city: _filing_state(city) == "returned"),
    WriteAction("record a filing's on-site check (现场查勘)", _expect(**_DECIDES), inspect_filing_page,
                covers=("filings:inspection",), written=_inspected),
    WriteAction("lift a filing's suspension (解除暂停)", _expect(**_DECIDES), lift_filing_page,
                covers=("filings:lift",), written=lambda city: _filing_state(city) == "filed"),
    WriteAction("revoke a filing (撤销备案)", _expect(**_DECIDES), revoke_filing_page,
                covers=("filings:revoke",), written=lambda city: _filing_state(city) == "revoked"),
]

# The other writes: a stored bulletin (HQ, leaders and departments see it; HQ signs it off), the bulletin jobs
# (HQ's), the rule sets (HQ revises), a measure (enterprises and their officers apply, the measure's department
# publishes its notice), the outreach tasks (the officer's), and one's own token and notices.
ACTIONS += [
    WriteAction("sign off a stored bulletin (通报签发)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="hidden", district_binhai="hidden", park="hidden",
        department="denied", liaison="hidden", enterprise="hidden", public="hidden"), sign_off_bulletin_page,
        covers=("bulletins:stored",), written=_bulletin_released),
    WriteAction("retry a failed bulletin job", _expect(
        anonymous="anon", hq="ok", leader="hidden", district="hidden", district_binhai="hidden", park="hidden",
        department="hidden", liaison="hidden", enterprise="hidden", public="hidden"), retry_job_page,
        covers=("bulletins:retry_job",), written=_job_retried),
    WriteAction("revise a rule set (规则修订)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="denied", enterprise="denied", public="denied"), revise_rules_page,
        covers=("rule_sets",), written=_rules_revised),
    WriteAction("try a substitute rule set (规则推演, nothing stored)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="denied", enterprise="denied", public="denied"), try_rules_page,
        page_ok=(200,), covers=("what_if",), written=_rules_tried),
    WriteAction("apply for a measure (政策申报)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="ok", enterprise="ok", public="hidden"), apply_page,
        covers=("policies:measure",), written=_applied),
    WriteAction("publish a measure's notice (公示)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="ok", liaison="denied", enterprise="denied", public="hidden"), publish_notice_page,
        covers=("policies:measure",), written=_notice_published),
    WriteAction("complete an outreach task (上门服务)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="hidden", park="hidden",
        department="denied", liaison="ok", enterprise="denied", public="denied"), complete_outreach_page,
        covers=("policies:outreach",), written=_outreach_done),
    WriteAction("rotate one's own API token", _expect(
        anonymous="anon", hq="ok", leader="ok", district="ok", district_binhai="ok", park="ok", department="ok",
        liaison="ok", enterprise="ok", public="ok"), rotate_token_page, page_ok=(200,), covers=("account",)),
    WriteAction("mark one's notices read", _expect(
        anonymous="anon", hq="ok", leader="ok", district="ok", district_binhai="ok", park="ok", department="ok",
        liaison="ok", enterprise="ok", public="ok"), mark_read_page, covers=("notifications",)),
]


# Problems (problems/policy.py): HQ triages and merges; a leader instructs on an escalated problem; HQ, the
# handling department, the liaison officer, the enterprise and the county putting it right attach files.
# Applications and measures (policies/policy.py): the measure's department (and HQ) reviews, pays, lists the
# 免申即享 entitlements and creates the outreach tasks.
ACTIONS += [
    WriteAction("a leader's instruction on a problem (批示)", _expect(
        anonymous="anon", hq="denied", leader="ok", district="denied", district_binhai="hidden", park="hidden",
        department="denied", liaison="denied", enterprise="denied", public="hidden"), instruct_page,
        covers=("problems:detail",), written=_instructed),
    WriteAction("merge a duplicate problem (合并)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="hidden", park="hidden",
        department="hidden", liaison="denied", enterprise="denied", public="hidden"), merge_page,
        covers=("problems:detail",), written=_merged),
    WriteAction("attach a file to a problem (附件)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="hidden", park="hidden",
        department="hidden", liaison="ok", enterprise="ok", public="hidden"), attach_page,
        covers=("problems:detail",), written=_attached),
    WriteAction("reject an application (不予通过)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="hidden", park="hidden",
        department="ok", liaison="denied", enterprise="denied", public="hidden"), reject_page,
        covers=("policies:application",), written=_reviewed("rejected")),
    WriteAction("pay an application (兑现)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="hidden", park="hidden",
        department="ok", liaison="denied", enterprise="denied", public="hidden"), pay_page,
        covers=("policies:application",), written=_paid),
    WriteAction("list a measure's entitlements (免申即享)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="ok", liaison="denied", enterprise="denied", public="hidden"), entitlements_page,
        covers=("policies:measure",), written=_entitled),
    WriteAction("create a measure's outreach tasks (上门服务任务)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="ok", liaison="denied", enterprise="denied", public="hidden"), create_outreach_page,
        covers=("policies:measure",), written=_outreach_created),
]



# 复工备案 on a phone (filings/policy.py, filings/phone.py): the enterprise applies and keeps its ledger for itself,
# its liaison officer and HQ on its behalf (a role that never applies is refused); a 复工未备案 visit is closed by the
# enterprise's liaison officer, its county or HQ (a leader follows it, 403; out of scope, 404).
def _filing_form(city: City, role: str) -> dict[str, Any]:
    planned = (dates.today() + dt.timedelta(days=2)).isoformat()
    data = {"planned_on": planned, "planned_workers": "30", "workers_from_outside": "0", "officer": "王防控",
            "phone": "13800001111"} | {f"item_C{n}": "1" for n in range(1, 8)}
    return data | ({} if role == "enterprise" else {"uscc": city.e_jiangbei.uscc})


def apply_filing_page(client: Client, city: City, role: str) -> Any:
    return as_role(client, city, role).post("/filings/apply/", _filing_form(city, role))


def _filing_applied(city: City) -> bool:
    from dualtrack.filings.models import Filing

    return Filing.objects.filter(enterprise=city.e_jiangbei).exists()


def ledger_page(client: Client, city: City, role: str) -> Any:
    data = {"on_duty": "20", "from_outside": "0", "under_observation": "0", "fever": "0", "masks": "100",
            "disinfectant_kg": "5"} | ({} if role == "enterprise" else {"uscc": city.e_jiangbei.uscc})
    return as_role(client, city, role).post("/filings/ledger/", data)


def _ledger_kept(city: City) -> bool:
    from dualtrack.filings.models import EnterpriseHealth

    return EnterpriseHealth.objects.filter(enterprise=city.e_jiangbei).exists()


def close_visit_page(client: Client, city: City, role: str) -> Any:
    from dualtrack.filings.models import UnfiledVisit

    visit = UnfiledVisit.objects.create(enterprise=city.e_jiangbei, source="report", found_on=dates.today())
    return as_role(client, city, role).post(f"/filings/visits/{visit.pk}/", {"note": "已上门核查"})


def _visit_closed(city: City) -> bool:
    from dualtrack.filings.models import UnfiledVisit

    return UnfiledVisit.objects.filter(enterprise=city.e_jiangbei, state="done").exists()


ACTIONS += [
    WriteAction("apply for a filing (申请复工备案)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="ok", enterprise="ok", public="denied"), apply_filing_page,
        covers=("filings:apply",), written=_filing_applied),
    WriteAction("keep the day's epidemic ledger (防疫台账)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="ok", enterprise="ok", public="denied"), ledger_page,
        covers=("filings:ledger_today",), written=_ledger_kept),
    WriteAction("close a 复工未备案 visit (核查)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="hidden", park="hidden",
        department="hidden", liaison="ok", enterprise="hidden", public="hidden"), close_visit_page,
        covers=("filings:visit_close",), written=_visit_closed),
]

# 防疫物资 (DOMAIN.md §17, supplies/policy.py): the supplies office (the department JXJ here) and HQ record receipts,
# commit and issue; the others who see a request (a leader, its county, the enterprise and its liaison officer) are
# refused (403); another county, a park the enterprise is not in and the public do not see it (404). An enterprise
# (or its liaison officer) asks for itself, a county for its grassroots units, HQ for anyone; a park, a leader and
# the office do not ask. The request is 江北恒达's (江北, no park), for 100 masks, with 1000 in the depot.
SUPPLY = "WZ2020-09001"


def _depot(city: City) -> Any:
    from dualtrack.supplies.models import Depot, Receipt, SupplyItem

    depot, _created = Depot.objects.get_or_create(code="CK01", defaults={"name": "市应急物资储备库",
                                                                         "department": city.department})
    if not Receipt.objects.filter(code="RK-W").exists():
        Receipt.objects.create(code="RK-W", date=dates.today(), depot=depot, item=SupplyItem.objects.get(code="KZ"),
                               source="allocated", quantity=1000)
    return depot


def _supply_request(city: City, committed: int = 0) -> Any:
    from dualtrack.supplies.models import Commitment, RequestLine, SupplyItem, SupplyRequest

    depot = _depot(city)
    made = SupplyRequest.objects.create(code=SUPPLY, date=dates.today(), kind="key_enterprise",
                                        applicant=city.e_jiangbei.uscc, applicant_name=city.e_jiangbei.name,
                                        enterprise=city.e_jiangbei, county=city.jiangbei)
    line = RequestLine.objects.create(request=made, item=SupplyItem.objects.get(code="KZ"), requested=100,
                                      needed_by=dates.today())
    if committed:
        Commitment.objects.create(line=line, depot=depot, quantity=committed, date=dates.today())
    return made


def receive_supplies_page(client: Client, city: City, role: str) -> Any:
    _depot(city)
    return as_role(client, city, role).post("/supplies/receipts/new/", {
        "date": dates.today().isoformat(), "depot": "CK01", "item": "XDY", "source": "donation", "quantity": "200"})


def _received(city: City) -> bool:
    from dualtrack.supplies.models import Receipt

    return Receipt.objects.filter(item__code="XDY").exists()


def commit_supplies_page(client: Client, city: City, role: str) -> Any:
    _supply_request(city)
    return as_role(client, city, role).post(f"/supplies/r/{SUPPLY}/commit/", {"item": "KZ", "depot": "CK01",
                                                                               "quantity": "60"})


def _committed(city: City) -> bool:
    from dualtrack.supplies.models import Commitment

    return Commitment.objects.filter(line__request__code=SUPPLY).exists()


def issue_supplies_page(client: Client, city: City, role: str) -> Any:
    _supply_request(city, committed=100)
    return as_role(client, city, role).post(f"/supplies/r/{SUPPLY}/issue/", {
        "item": "KZ", "depot": "CK01", "quantity": "60", "receiver": "王签收", "date": dates.today().isoformat()})


def _issued(city: City) -> bool:
    from dualtrack.supplies.models import Issue

    return Issue.objects.filter(line__request__code=SUPPLY).exists()


def _supply_form(city: City, role: str) -> dict[str, Any]:
    needed = (dates.today() + dt.timedelta(days=1)).isoformat()
    lines = {"requested_XDY": "5", "needed_by_XDY": needed}  # disinfectant: no cap by head
    if role in ("enterprise",):
        return lines
    if role == "liaison":
        return lines | {"uscc": city.e_jiangbei.uscc}
    if role == "district":
        return lines | {"kind": "grassroots", "applicant": city.township.code}
    if role == "district_binhai":
        return lines | {"kind": "grassroots", "applicant": city.binhai.code}
    return lines | {"kind": "city", "applicant": city.department.code, "applicant_name": "市城市管理局"}


def apply_supplies_page(client: Client, city: City, role: str) -> Any:
    return as_role(client, city, role).post("/supplies/apply/", _supply_form(city, role))


def _supplies_requested(city: City) -> bool:
    from dualtrack.supplies.models import SupplyRequest

    return SupplyRequest.objects.exists()


_ALLOCATES = dict(anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="hidden",
                  park="hidden", department="ok", liaison="denied", enterprise="denied", public="hidden")
ACTIONS += [
    WriteAction("record a receipt of supplies (物资入库)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="ok", liaison="denied", enterprise="denied", public="denied"), receive_supplies_page,
        covers=("supplies:receive",), written=_received),
    WriteAction("commit supplies to a request (物资承诺)", _expect(**_ALLOCATES), commit_supplies_page,
                covers=("supplies:commit",), written=_committed),
    WriteAction("issue supplies to a request (物资发放)", _expect(**_ALLOCATES), issue_supplies_page,
                covers=("supplies:issue",), written=_issued),
    WriteAction("ask for supplies (物资申请)", _expect(
        anonymous="anon", hq="ok", leader="denied", district="ok", district_binhai="ok", park="denied",
        department="denied", liaison="ok", enterprise="ok", public="denied"), apply_supplies_page,
        covers=("supplies:apply",), written=_supplies_requested),
]


# 亩均论英雄 (DOMAIN.md §18, assessment/policy.py): HQ and the assessment office (the department JXJ here) compute,
# publish, finalise and correct a year; HQ alone adopts another preset (a new version of the rule set); everyone else
# is refused (403). An objection is answered by HQ and the office; its county and the enterprise see it (403),
# another county, a park it is not in, leaders, liaison officers and the public do not (404). An enterprise objects
# to its own row; no other role objects (403).
MU_YEAR = 2019


def _assessed_data(city: City) -> None:
    from dualtrack.assessment.models import EnterpriseAnnual, LandUse

    for enterprise, tax in ((city.e_jiangbei, 100), (city.e_jiangbei_park, 50)):
        for year in (MU_YEAR - 1, MU_YEAR):
            LandUse.objects.get_or_create(enterprise=enterprise, year=year, defaults={
                "land_mu": Decimal(10), "operating_since": dt.date(2010, 1, 1)})
            EnterpriseAnnual.objects.get_or_create(enterprise=enterprise, year=year, defaults={
                "tax": Decimal(tax), "sales": Decimal(1000), "kwh": Decimal(100)})


def _published(city: City, *, notice_over: bool = False) -> Any:
    from dualtrack.assessment.models import Assessment, AssessmentRow

    _assessed_data(city)
    today = dates.today()
    ends = today - dt.timedelta(days=1) if notice_over else today + dt.timedelta(days=3)
    made = Assessment.objects.create(year=MU_YEAR, status="published", rules_version="mu-efficiency:v1",
                                     published_on=ends - dt.timedelta(days=3), notice_ends_on=ends)
    AssessmentRow.objects.create(assessment=made, enterprise=city.e_jiangbei, county=city.jiangbei.code, rated=True,
                                 values={"tax_per_mu": 10.0}, score=60.0, grade="A", rank_in_county=1)
    return made


def _assessment_status(city: City) -> str:
    from dualtrack.assessment.models import Assessment

    latest = Assessment.objects.filter(year=MU_YEAR).order_by("-version").first()
    return f"{latest.status}:{latest.version}" if latest else ""


def draft_assessment_page(client: Client, city: City, role: str) -> Any:
    _assessed_data(city)
    return as_role(client, city, role).post("/assessment/manage/draft/", {"year": str(MU_YEAR)})


def publish_assessment_page(client: Client, city: City, role: str) -> Any:
    _assessed_data(city)
    return as_role(client, city, role).post("/assessment/manage/publish/", {"year": str(MU_YEAR)})


def finalise_assessment_page(client: Client, city: City, role: str) -> Any:
    _published(city, notice_over=True)
    return as_role(client, city, role).post("/assessment/manage/finalise/", {"year": str(MU_YEAR)})


def correct_assessment_page(client: Client, city: City, role: str) -> Any:
    _published(city)
    return as_role(client, city, role).post("/assessment/manage/correct/", {"year": str(MU_YEAR),
                                                                            "reason": "税收数据更正"})


def adopt_preset_page(client: Client, city: City, role: str) -> Any:
    return as_role(client, city, role).post("/assessment/manage/preset/", {"year": str(MU_YEAR), "preset": "山东",
                                                                           "comment": "试行山东方案"})


def _preset_adopted(city: City) -> bool:
    from dualtrack.core.models import RuleSet

    return RuleSet.objects.filter(key="mu-efficiency", version=2).exists()


def answer_objection_page(client: Client, city: City, role: str) -> Any:
    from dualtrack.assessment.models import Objection

    made = _published(city)
    objection = Objection.objects.create(assessment=made, enterprise=city.e_jiangbei, reason="用地面积有误",
                                         filed_on=dates.today())
    return as_role(client, city, role).post(f"/assessment/objections/{objection.pk}/answer/",
                                            {"answer": "经核实，维持原评价。"})


def _objection_answered(city: City) -> bool:
    from dualtrack.assessment.models import Objection

    return Objection.objects.filter(state="answered").exists()


def object_page(client: Client, city: City, role: str) -> Any:
    _published(city)
    return as_role(client, city, role).post("/assessment/mine/object/", {"year": str(MU_YEAR),
                                                                         "reason": "用地面积含代征道路"})


def _objected(city: City) -> bool:
    from dualtrack.assessment.models import Objection

    return Objection.objects.exists()


_RUNS = dict(anonymous="anon", hq="ok", leader="denied", district="denied", district_binhai="denied", park="denied",
             department="ok", liaison="denied", enterprise="denied", public="denied")
ACTIONS += [
    WriteAction("compute a year's draft (亩均评价草稿)", _expect(**_RUNS), draft_assessment_page,
                covers=("assessment:draft",), written=lambda city: _assessment_status(city) == "draft:1"),
    WriteAction("publish a year's assessment (公示)", _expect(**_RUNS), publish_assessment_page,
                covers=("assessment:publish",), written=lambda city: _assessment_status(city) == "published:1"),
    WriteAction("finalise a year's assessment (定稿)", _expect(**_RUNS), finalise_assessment_page,
                covers=("assessment:finalise",), written=lambda city: _assessment_status(city) == "final:1"),
    WriteAction("correct a year's assessment (更正)", _expect(**_RUNS), correct_assessment_page,
                covers=("assessment:correct",), written=lambda city: _assessment_status(city) == "draft:2"),
    WriteAction("adopt another preset (采用方案)", _expect(**(_RUNS | {"department": "denied"})), adopt_preset_page,
                covers=("assessment:preset",), written=_preset_adopted),
    WriteAction("answer an objection (答复异议)", _expect(
        anonymous="anon", hq="ok", leader="hidden", district="denied", district_binhai="hidden", park="hidden",
        department="ok", liaison="hidden", enterprise="denied", public="hidden"), answer_objection_page,
        covers=("assessment:answer",), written=_objection_answered),
    WriteAction("object to one's class (提出异议)", _expect(
        anonymous="anon", hq="denied", leader="denied", district="denied", district_binhai="denied", park="denied",
        department="denied", liaison="denied", enterprise="ok", public="denied"), object_page,
        covers=("assessment:object",), written=_objected),
]


def _import_outcome(response: Any) -> str:
    """The import page answers 200 for a file written and 422 for a file refused."""
    outcome = page_outcome(response, ok=(200,))
    return "invalid" if outcome == "unexpected 422" else outcome


def _page_says(action: WriteAction, response: Any, city: City) -> str:
    """The outcome of a page, by its status (or the action's ``judge``), checked against what was written."""
    if action.judge is not None:
        outcome = action.judge(response)
    elif action.page_ok == (200,):
        outcome = _import_outcome(response)
    else:
        outcome = page_outcome(response, action.page_ok)
    return _checked(action, outcome, city)


def _api_says(action: WriteAction, response: Any, city: City) -> str:
    return _checked(action, api_outcome(response), city)


def _checked(action: WriteAction, outcome: str, city: City) -> str:
    """An "ok" must have written and a refusal must not have, where the action can tell."""
    if action.written is not None:
        written = action.written(city)
        if outcome == "ok" and not written:
            return "invalid (answered as written, nothing was)"
        if outcome != "ok" and written:
            return f"{outcome}, yet written"
    return outcome


class RecordingClient(Client):
    """The test client, noting the URL pattern (by name) of every path it posts to."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.posted: list[str] = []

    def post(self, path: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.posted.append(resolve(urlsplit(path).path).view_name)
        return super().post(path, *args, **kwargs)


@pytest.fixture
def client() -> RecordingClient:
    return RecordingClient()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", [a for a in ACTIONS if a.page], ids=lambda a: a.name)
def test_page(client: RecordingClient, city: City, action: WriteAction, role: str) -> None:
    response = action.page(client, city, role)  # type: ignore[misc]
    assert _page_says(action, response, city) == action.expected[role], (action.name, role, response.status_code)
    assert client.posted and set(client.posted) <= set(action.covers), (action.name, client.posted)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", [a for a in ACTIONS if a.api], ids=lambda a: a.name)
def test_api(client: RecordingClient, city: City, action: WriteAction, role: str) -> None:
    response = action.api(client, city, role)  # type: ignore[misc]
    assert _api_says(action, response, city) == action.expected[role], (action.name, role, response.status_code,
                                                            response.content[:300])
    assert client.posted and set(client.posted) <= set(action.covers), (action.name, client.posted)


@pytest.mark.parametrize("action", [a for a in ACTIONS if a.page and a.api], ids=lambda a: a.name)
def test_page_and_api_agree(client: Client, city: City, action: WriteAction) -> None:
    """Measured, not declared: each role's page answer and API answer for the same action are the same."""
    disagreements = []
    for role in ROLES:
        page_says = _page_says(action, action.page(client, city, role), city)  # type: ignore[misc]
        api_says = _api_says(action, action.api(client, city, role), city)  # type: ignore[misc]
        if page_says != api_says:
            disagreements.append((role, page_says, api_says))
    assert disagreements == []


# --- every write is in the contract --------------------------------------------------------------------------

# The URL patterns that take a write and are not in the contract, each with its reason.
NOT_IN_CONTRACT = {
    "login": "signing in is how a user becomes a role (tests/test_auth.py)",
    "logout": "ends one's own session (tests/test_auth.py)",
    "set_language": "Django's language switch: sets one's own language, changes no record",
    "epidemic:rules": "the same view as rule_sets (kept for old links), which the contract covers",
}


def write_patterns() -> dict[str, str]:
    """Every named URL pattern (outside the Django admin) whose view takes a write: name → route."""
    found: dict[str, str] = {}
    for name, route, _view in write_views():
        if name:
            found.setdefault(name, "/" + route)
    return found


def test_every_write_is_in_the_contract() -> None:
    """A new write (a page that takes a POST, an API endpoint with POST/PUT/PATCH/DELETE) fails here until the
    contract has an action posting to it, or it is listed above with its reason."""
    writes = write_patterns()
    covered = {name for action in ACTIONS for name in action.covers}
    assert all(action.covers for action in ACTIONS), [a.name for a in ACTIONS if not a.covers]
    missing = sorted(f"{name} ({route})" for name, route in writes.items()
                     if name not in covered and name not in NOT_IN_CONTRACT)
    assert missing == [], "give each a WriteAction (or a reasoned NOT_IN_CONTRACT entry)"
    # Neither list names what is not a write: a pattern renamed or made read-only leaves no stale entry.
    assert sorted((covered | set(NOT_IN_CONTRACT)) - set(writes)) == []


def test_the_write_finder_finds_writes() -> None:
    """The finder itself: the kinds of write it must see, and reads it must not take for writes."""
    writes = write_patterns()
    for name in ("logout", "workreturn:scan", "economy:report", "problem-list", "problem-move", "api-import",
                 "api-epidemic-cases", "investment:lead_stage", "bulletins:retry_job"):
        assert name in writes, name
    for name in ("home", "workreturn:trips", "economy:overview", "problem-detail", "api-economy", "export_file"):
        assert name not in writes, name


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

