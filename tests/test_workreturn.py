"""Point-to-point worker return (DOMAIN.md §12, issue #17): the rules at their boundaries, manifests, boardings,
arrivals, receipts and their deadline, the campaign as of a moment, personal data and its erasure."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from dualtrack.core.dates import SHANGHAI
from dualtrack.core.imports import get_dataset, run_import
from dualtrack.registry.models import Department
from dualtrack.workreturn import engine, services
from dualtrack.workreturn.models import Boarding, ManifestEntry, Trip, Worker
from dualtrack.workreturn.rules import DEFAULT

from .conftest import City, _user
from .helpers import csv_bytes

RULES = dict(DEFAULT)
D = dt.date


def at(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


# --- the rules at their boundaries --------------------------------------------------------------------------------

@pytest.mark.parametrize(("attested", "temperature", "expected"), [
    (D(2020, 2, 1), "36.5", (True, "")),  # exactly 14 days before the departure day
    (D(2020, 1, 31), "36.5", (False, "attestation")),  # 15 days
    (D(2020, 2, 16), "36.5", (False, "attestation")),  # dated after the departure day
    (D(2020, 2, 10), "37.2", (True, "")),
    (D(2020, 2, 10), "37.3", (False, "temperature")),
    (D(2020, 1, 31), "38.0", (False, "attestation")),  # the attestation is checked first
])
def test_boarding_rules(attested: dt.date, temperature: str, expected: tuple[bool, str]) -> None:
    assert engine.boarding(attested, D(2020, 2, 15), Decimal(temperature), RULES) == expected


def test_one_passenger_for_two_seats() -> None:
    assert engine.capacity(44, RULES) == 22 and engine.capacity(45, RULES) == 22 and engine.capacity(1, RULES) == 0


@pytest.mark.django_db  # the working calendar reads HQ's holiday overrides
@pytest.mark.parametrize(("arrived", "due_day"), [
    ("2020-02-14 18:00", D(2020, 2, 19)),  # a Friday: Mon, Tue, Wed
    ("2020-02-15 18:00", D(2020, 2, 19)),  # a Saturday: the same three working days
    ("2020-04-30 18:00", D(2020, 5, 8)),  # before the 1–5 May holiday: 6, 7, 8 May
])
def test_receipt_due_at_the_end_of_the_third_working_day(arrived: str, due_day: dt.date) -> None:
    due = engine.receipt_due(at(arrived), RULES)
    assert due == dt.datetime.combine(due_day, dt.time(23, 59, 59), tzinfo=SHANGHAI)


# --- a campaign ---------------------------------------------------------------------------------------------------

def load(user: Any, name: str, rows: list[list[Any]]) -> Any:
    return run_import(get_dataset(name), io.BytesIO(csv_bytes(rows)), f"{name}.csv", user)


WORKER_HEADER = ["登记编号", "姓名", "手机号", "身份证号", "户籍村代码", "意向企业信用代码", "贫困劳动力", "健康证明类型", "证明日期"]


@pytest.fixture
def campaign(city: City) -> City:
    """Binhai sends workers to Jiangbei's enterprise on a 44-seat bus departing 15 February 2020 07:00."""
    bureau = Department.objects.create(code="RSJ", name="市人力资源和社会保障局")
    city.users["bureau"] = _user("rsj", "department", department=bureau)
    city.users["binhai_district"] = city.users["district_binhai"]
    hq = city.users["hq"]
    target = city.e_jiangbei.uscc
    assert load(hq, "labour_demand", [["统一社会信用代码", "岗位", "需求人数", "来源地区划代码", "需到岗日期"],
                                      [target, "装配工", 30, "339106", "2020-02-20"]]).ok
    rows = [WORKER_HEADER]
    for n in range(1, 24):
        rows.append([f"W{n:03d}", f"马建{n}", f"1390000{n:04d}", f"3391061990010{n:04d}"[:17] + "X", "339106100201",
                     target, "是" if n <= 3 else "否", "14天无外出证明", "2020-02-01" if n != 2 else "2020-01-31"])
    result = load(city.users["binhai_district"], "workers", rows)
    assert result.ok, result.errors
    assert load(hq, "trips", [["车次编号", "出发地区划代码", "目的企业信用代码", "出发时间", "车牌号", "核载座位", "带队人"],
                              ["T1", "339106", target, "2020-02-15 07:00", "宁B12345", 44, "王强"]]).ok
    return city


def test_the_id_number_is_kept_only_as_a_keyed_hash_and_its_last_four(campaign: City) -> None:
    worker = Worker.objects.get(code="W001")
    assert worker.id_last4 == "001X"[-4:] and len(worker.id_hash) == 64
    assert not any("3391061990010" in str(v) for v in Worker.objects.values_list().first())  # type: ignore[union-attr]
    again = load(campaign.users["binhai_district"], "workers", [WORKER_HEADER, [
        "W001", "马建1", "13900000001", "33910619900100001X"[:17] + "X", "339106100201", campaign.e_jiangbei.uscc, "是",
        "14天无外出证明", "2020-02-01"]])
    assert again.ok and again.unchanged == 1


def test_a_district_registers_only_its_own_countys_workers(campaign: City) -> None:
    result = load(campaign.users["district"], "workers", [WORKER_HEADER, [
        "W900", "张三", "13900009000", "339102199001019000", "339106100201", campaign.e_jiangbei.uscc, "否", "健康证明",
        "2020-02-10"]])
    assert not result.ok and result.errors[0].column == "户籍村代码"


def test_a_manifest_over_the_seat_rule_is_refused_whole(campaign: City) -> None:
    hq, trip = campaign.users["hq"], Trip.objects.get(code="T1")
    workers = list(Worker.objects.order_by("code"))
    with pytest.raises(ValidationError, match="最多乘坐 22 人"):
        services.set_manifest(hq, trip, workers[:23])
    assert ManifestEntry.objects.count() == 0
    header = ["车次编号", "登记编号"]
    refused = load(hq, "trip_manifest", [header, *[["T1", w.code] for w in workers[:23]]])
    assert not refused.ok and ManifestEntry.objects.count() == 0 and "最多乘坐 22 人" in str(refused.errors[0])
    assert load(hq, "trip_manifest", [header, *[["T1", w.code] for w in workers[:22]]]).ok
    assert ManifestEntry.objects.count() == 22
    assert load(hq, "trip_manifest", [header, ["T1", workers[22].code]]).ok is False  # the 23rd, later: refused


def board_and_arrive(city: City) -> Trip:
    hq, trip = city.users["hq"], Trip.objects.get(code="T1")
    services.set_manifest(hq, trip, list(Worker.objects.order_by("code"))[:22])
    assert load(hq, "boardings", [["登记编号", "车次编号", "上车时间", "体温"],
                                  ["W001", "T1", "2020-02-15 06:40", "36.5"],
                                  ["W002", "T1", "2020-02-15 06:41", "36.4"],  # attestation 15 days old
                                  ["W003", "T1", "2020-02-15 06:42", "37.3"],  # fever
                                  *[[f"W{n:03d}", "T1", "2020-02-15 06:50", "36.6"] for n in range(4, 23)]]).ok
    assert load(hq, "arrivals", [["车次编号", "到达时间"], ["T1", "2020-02-16 18:30"]]).ok
    return trip


def test_the_campaign_as_of_a_moment(campaign: City) -> None:
    board_and_arrive(campaign)
    before = services.campaign(at("2020-02-15 06:45")).as_json()
    states = {w["code"]: w["state"] for w in before["workers"]}
    assert states["W001"] == "boarded" and states["W002"] == "refused" and states["W005"] == "registered"
    trip = before["trips"][0]
    history = trip.pop("history")  # every boarding event by then, in order
    assert [(e["worker"], e["at"], e["allowed"], e["reason"]) for e in history] == [
        ("W001", "2020-02-15T06:40:00+08:00", True, ""), ("W002", "2020-02-15T06:41:00+08:00", False, "attestation"),
        ("W003", "2020-02-15T06:42:00+08:00", False, "temperature")]
    assert trip == {"code": "T1", "passengers": 22, "seats": 44, "boarded": 1,
                    "refused": [{"worker": "W002", "reason": "attestation"}, {"worker": "W003", "reason": "temperature"}]}
    out = io.StringIO()
    call_command("worker-return", "--at", "2020-02-17 09:00", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["rules_version"] == "worker-return:v1"
    w1 = next(w for w in data["workers"] if w["code"] == "W001")
    # arrived on Sunday 16 Feb: Mon 17, Tue 18, Wed 19
    assert w1 == {"code": "W001", "state": "arrived", "receipt_due_at": "2020-02-19T23:59:59+08:00",
                  "receipt_overdue": False}
    w23 = next(w for w in data["workers"] if w["code"] == "W023")
    assert w23 == {"code": "W023", "state": "registered", "receipt_due_at": None, "receipt_overdue": False}
    assert data["enterprises"] == [{"uscc": campaign.e_jiangbei.uscc, "requested": 30, "arrived": 20,
                                    "fulfilment": round(20 / 30, 6)}]
    text = out.getvalue()
    assert "马建" not in text and "1390000" not in text and "3391061990" not in text  # no personal data


def test_a_receipt_on_the_due_day_and_the_day_after(campaign: City) -> None:
    board_and_arrive(campaign)
    hq = campaign.users["hq"]
    assert load(hq, "receipts", [["登记编号", "回执时间"], ["W001", "2020-02-19 17:00"]]).ok  # on the due day
    assert load(hq, "receipts", [["登记编号", "回执时间"], ["W004", "2020-02-20 10:00"]]).ok  # the day after
    on_due_day = {w.code: w for w in services.campaign(at("2020-02-19 23:59")).workers}
    assert (on_due_day["W001"].state, on_due_day["W001"].receipt_overdue) == ("received", False)
    assert on_due_day["W004"].receipt_overdue is False  # still the due day
    next_day = {w.code: w for w in services.campaign(at("2020-02-20 09:00")).workers}
    assert next_day["W004"].receipt_overdue is True and next_day["W005"].receipt_overdue is True
    later = {w.code: w for w in services.campaign(at("2020-02-20 10:00")).workers}
    assert (later["W004"].state, later["W004"].receipt_overdue) == ("received", False)  # the late receipt ends it
    refused = load(hq, "receipts", [["登记编号", "回执时间"], ["W002", "2020-02-20 10:00"]])
    assert not refused.ok and "尚未随车到达" in str(refused.errors[0])


def test_an_overdue_receipt_raises_a_task_for_the_enterprises_liaison_officer_once(campaign: City) -> None:
    from dualtrack.problems.models import Problem

    board_and_arrive(campaign)
    assert services.raise_overdue_receipts(at("2020-02-19 23:00")) == 0
    raised = services.raise_overdue_receipts(at("2020-02-20 08:00"))
    assert raised == 20 and services.raise_overdue_receipts(at("2020-02-21 08:00")) == 0
    task = Problem.objects.get(source_key="receipt:W001")
    assert task.enterprise == campaign.e_jiangbei and task.state == "assigned"
    assert Problem.objects.restrict(campaign.users["liaison"]).filter(pk=task.pk).exists()  # the enterprise's officer


def test_personal_data_whole_only_for_the_home_county_the_bureau_and_the_enterprise(campaign: City) -> None:
    worker = Worker.objects.get(code="W001")
    for role in ("binhai_district", "bureau", "enterprise"):
        view = services.person(campaign.users[role], worker)
        assert view.whole and view.name == "马建1" and view.phone == "13900000001", role
    for role in ("hq", "leader", "district", "liaison"):
        view = services.person(campaign.users[role], worker)
        assert not view.whole and view.name == "马**" and view.phone == "139****0001", role
    assert services.person(campaign.users["hq"], worker).id_number.endswith(worker.id_last4)


def test_a_manifest_is_seen_by_the_origin_county_the_bureau_and_the_enterprise_only(campaign: City) -> None:
    from dualtrack.core.choices import Action

    trip = Trip.objects.get(code="T1")
    for role, sees in (("binhai_district", True), ("bureau", True), ("enterprise", True), ("hq", True),
                       ("district", False), ("leader", False), ("liaison", False), ("department", False)):
        assert Trip.objects.restrict(campaign.users[role], Action.EXPORT).filter(pk=trip.pk).exists() == sees, role


def test_erasure_after_the_retention_period_keeps_the_counts(campaign: City, settings: Any) -> None:
    from dualtrack.core import rules as rule_sets

    board_and_arrive(campaign)
    settings.WORKER_RETURN_RETENTION_DAYS = 90
    assert services.erase_personal_data(at("2021-01-01 00:00")) == 0  # the campaign still runs: nothing erased
    rule_sets.revise("worker-return", {**RULES, "campaign_end": "2020-03-15"}, campaign.users["hq"], "活动结束")
    assert services.erase_personal_data(at("2020-06-13 00:00")) == 0  # 89 days after the end
    erased = services.erase_personal_data(at("2020-06-14 00:00"))
    assert erased == 23
    worker = Worker.objects.get(code="W001")
    assert (worker.name, worker.phone, worker.id_hash, worker.id_last4) == ("", "", "", "")
    assert services.person(campaign.users["binhai_district"], worker).name == "（已删除）"
    after = services.campaign(at("2020-06-14 01:00"))
    assert len(after.workers) == 23 and sum(1 for w in after.workers if w.state == "arrived") == 20
    assert Boarding.objects.count() == 22


def test_the_slips_files_are_private_and_erased_with_the_personal_data(client: Any, campaign: City, settings: Any,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The slips PDFs stayed in var/exports/slips/ (mode 0644) with whole names after erasure: they are written for
    the application's user only and erased with the data (their print jobs too)."""
    import stat

    from dualtrack.core import exportjobs, pdf
    from dualtrack.core import rules as rule_sets
    from dualtrack.core.models import ExportJob

    def chromium(command: list[str], **_kwargs: Any) -> None:  # no Chromium needed: the page itself as the "PDF"
        source = next(a for a in command if a.startswith("file://") or a.endswith(".html"))
        page = Path(source.removeprefix("file://")).read_bytes()
        target = next(a.split("=", 1)[1] for a in command if a.startswith("--print-to-pdf="))
        Path(target).write_bytes(b"%PDF-1.7 " + page)

    monkeypatch.setattr(pdf.subprocess, "run", chromium)
    monkeypatch.setattr(pdf, "available", lambda: True)
    services.set_manifest(campaign.users["hq"], Trip.objects.get(code="T1"), list(Worker.objects.order_by("code"))[:3])
    client.force_login(campaign.users["binhai_district"])
    client.get("/worker-return/trips/T1/slips.pdf")
    client.get("/worker-return/workers/W001/slips.pdf")
    jobs = list(ExportJob.objects.filter(kind="workreturn.slips"))
    assert len(jobs) == 2 and all(exportjobs.run(job.pk) for job in jobs)
    assert client.get("/worker-return/trips/T1/slips.pdf")["Content-Type"] == "application/pdf"
    files = [exportjobs.file_of(job) for job in jobs]
    assert all("马建1".encode() in f.read_bytes() for f in files)
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}  # not world-readable
    legacy = Path(settings.EXPORTS_ROOT) / "slips"  # where an earlier release kept them
    legacy.mkdir(parents=True, exist_ok=True)
    (legacy / "old.pdf").write_bytes("马建1".encode())

    board_and_arrive(campaign)
    rule_sets.revise("worker-return", {**RULES, "campaign_end": "2020-03-15"}, campaign.users["hq"], "活动结束")
    settings.WORKER_RETURN_RETENTION_DAYS = 90
    assert services.erase_personal_data(at("2020-06-14 00:00")) == 23
    assert not any(f.exists() for f in files) and list(legacy.iterdir()) == []  # the names went with the data
    assert not ExportJob.objects.filter(kind="workreturn.slips").exists()


# --- pages --------------------------------------------------------------------------------------------------------

def test_the_manifest_page_is_404_outside_the_county_the_bureau_and_the_enterprise(client: Any, campaign: City) -> None:
    from dualtrack.core.models import AuditLog

    services.set_manifest(campaign.users["hq"], Trip.objects.get(code="T1"), list(Worker.objects.order_by("code"))[:5])
    for role, status in (("district", 404), ("leader", 404), ("liaison", 404), ("binhai_district", 200),
                         ("bureau", 200), ("enterprise", 200)):
        client.force_login(campaign.users[role])
        response = client.get("/worker-return/trips/T1/")
        assert response.status_code == status, role
        if status == 200:
            body = response.content.decode()
            whole = role in ("binhai_district", "bureau", "enterprise")
            assert ("马建1" in body) == whole and ("马**" in body) == (not whole)
    views = AuditLog.objects.filter(object_type="workreturn.worker", action="view_personal")
    assert views.count() == 15  # every worker shown whole audited: 5 workers to each of the 3 roles that see them
    assert set(views.values_list("actor_username", flat=True)) == {"binhai", "rsj", "enterprise"}
    client.force_login(campaign.users["district"])  # Jiangbei receives the trip: sees it in the plan, not its names
    page = client.get("/worker-return/trips/").content.decode()
    assert 'data-trip="T1"' in page and 'href="/worker-return/trips/T1/"' not in page


def test_scanning_boards_refuses_arrives_and_receipts(client: Any, campaign: City) -> None:
    hq = campaign.users["hq"]
    services.set_manifest(hq, Trip.objects.get(code="T1"), list(Worker.objects.order_by("code"))[:3])
    client.force_login(campaign.users["binhai_district"])
    token = Worker.objects.get(code="W001").slip_token
    page = client.post("/worker-return/scan/", {"mode": "boarding", "trip": "T1", "temperature": "36.6",
                                                "code": token})
    # the worker's name (the home county sees it whole) and photo-free hints to compare with the person: the ID
    # number's and the phone's last four characters
    assert page.context["outcome"] == {"ok": True, "worker": "W001", "text": "准予上车",
                                       "temperature": Decimal("36.6"), "person": {
                                           "code": "W001", "name": "马建1", "id_tail": "001X", "phone_tail": "0001"}}
    assert page.context["temperature"] == ""  # recorded: the field starts empty for the next passenger
    fever = client.post("/worker-return/scan/", {"mode": "boarding", "trip": "T1", "temperature": "37.3",
                                                 "code": "W003"})
    assert fever.context["outcome"]["ok"] is False and fever.context["outcome"]["text"] == "不准上车"
    assert "37.3" in fever.context["outcome"]["reason"]
    assert fever.context["temperature"] == ""  # refused, recorded too: 37.3 does not stay for the next one
    body = fever.content.decode()
    assert 'data-outcome="refused"' in body and 'value="37.3"' not in body and "马建3" in body
    assert Boarding.objects.get(worker__code="W003").reason == "temperature"
    unknown = client.post("/worker-return/scan/", {"mode": "boarding", "trip": "T1", "temperature": "36.6",
                                                   "code": "nope"})
    assert unknown.context["outcome"] is None
    assert unknown.context["temperature"] == "36.6"  # nothing recorded: what was typed stays to try again
    client.force_login(campaign.users["hq"])  # HQ may scan, and sees the name masked (no PERSONAL for it)
    masked = client.post("/worker-return/scan/", {"mode": "boarding", "trip": "T1", "temperature": "36.5",
                                                  "code": "W002"})
    assert masked.context["outcome"]["person"] == {"code": "W002", "name": "马**", "id_tail": "002X",
                                                   "phone_tail": "0002"}
    assert "马建2" not in masked.content.decode()
    client.force_login(campaign.users["enterprise"])
    arrived = client.post("/worker-return/scan/", {"mode": "arrival", "code": token})
    assert arrived.context["outcome"]["text"] == "车次 T1 已到达" and Trip.objects.get(code="T1").arrived_at
    receipt = client.post("/worker-return/scan/", {"mode": "receipt", "code": token})
    assert receipt.context["outcome"]["text"] == "回执已记录，闭环完成"
    assert Worker.objects.get(code="W001").receipt.receipt_at is not None


def test_the_slips_pdf_is_printed_once_with_the_token_only_in_the_qr_code(client: Any, campaign: City) -> None:
    import time

    import pypdfium2 as pdfium

    from dualtrack.core import exportjobs
    from dualtrack.core.models import ExportJob

    services.set_manifest(campaign.users["hq"], Trip.objects.get(code="T1"), list(Worker.objects.order_by("code"))[:2])
    client.force_login(campaign.users["binhai_district"])
    first = client.get("/worker-return/trips/T1/slips.pdf")
    assert first.status_code == 200 and 'id="slips-pending"' in first.content.decode()
    # Printed by a queued job (at most PDF_CONCURRENCY at once); the same request joins it.
    assert client.get("/worker-return/trips/T1/slips.pdf").status_code == 200 and ExportJob.objects.count() == 1
    assert exportjobs.run(ExportJob.objects.get().pk)
    for _attempt in range(60):
        response = client.get("/worker-return/trips/T1/slips.pdf")
        if response.get("Content-Type") == "application/pdf":
            break
        time.sleep(0.5)
    assert response["Content-Type"] == "application/pdf" and ExportJob.objects.count() == 1  # printed once
    document = pdfium.PdfDocument(response.content)
    assert len(document) == 2  # a page per worker, the three slips on it
    text = document[0].get_textpage().get_text_range().replace("\r\n", "")
    assert "点对点返岗备案单" in text and "联络单" in text and "回执单" in text and "W001" in text and "马建1" in text
    from .test_browser import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    document[0].render(scale=1.0).to_pil().save(ARTIFACTS / "worker-return-slips.png")
    token = Worker.objects.get(code="W001").slip_token
    assert token not in text  # the token is in the QR code, not printed as text
    from dualtrack.workreturn import slips

    svg = slips.qr_svg(token)
    assert "<svg" in svg and "马建" not in svg


def test_workers_from_outside_the_city_are_kept_by_their_county_code_and_named(client: Any, campaign: City) -> None:
    bureau = campaign.users["bureau"]
    target = campaign.e_jiangbei.uscc
    assert load(bureau, "labour_demand", [["统一社会信用代码", "岗位", "需求人数", "来源地区划代码", "需到岗日期", "来源地名称"],
                                          [target, "焊工", 10, "640402", "2020-02-25", "宁夏固原市原州区"]]).ok
    result = load(bureau, "workers", [WORKER_HEADER, ["GY001", "马海", "13900001111", "640402199001011111",
                                                      "640402100201", target, "是", "健康码绿码", "2020-02-20"]])
    assert result.ok, result.errors
    worker = Worker.objects.get(code="GY001")
    assert worker.home_code == "640402" and worker.home_county is None
    assert not services.person(campaign.users["binhai_district"], worker).whole  # not Binhai's worker
    assert services.person(bureau, worker).whole
    client.force_login(bureau)
    page = client.get("/worker-return/").content.decode()
    assert "宁夏固原市原州区" in page
    bad = load(bureau, "labour_demand", [["统一社会信用代码", "岗位", "需求人数", "来源地区划代码", "需到岗日期"],
                                         [target, "焊工", 10, "6404", "2020-02-25"]])
    assert not bad.ok and bad.errors[0].column == "来源地区划代码"


def test_completed_trips_become_charter_bus_entitlements(campaign: City) -> None:
    from dualtrack.policies.models import Application, Measure, Policy

    policy = Policy.objects.create(doc_number="宁政发〔2020〕3号", title="若干意见", issuer="市政府",
                                   issued_on=D(2020, 2, 6), effective_from=D(2020, 2, 6))
    Measure.objects.create(code="ZC07", policy=policy, title="组织市外员工返岗包车费用补贴", support_type="charter_bus",
                           department=Department.objects.get(code="RSJ"), window_start=D(2020, 2, 10),
                           window_end=D(2020, 6, 30), amount_rule="per_head", amount_per_head=Decimal("0.02"),
                           headcount_basis="declared", cap=Decimal("20"))
    board_and_arrive(campaign)
    assert services.charter_bus_entitlements(campaign.users["hq"], "ZC07") == {"created": 1, "updated": 0,
                                                                              "unchanged": 0}
    entitlement = Application.objects.get(measure__code="ZC07", enterprise=campaign.e_jiangbei)
    assert entitlement.declared_headcount == 20 and entitlement.approved_amount == Decimal("0.40")
    assert entitlement.state == "approved" and entitlement.source == "entitlement"
    assert services.charter_bus_entitlements(campaign.users["hq"], "ZC07")["unchanged"] == 1  # idempotent
    with pytest.raises(ValidationError):
        services.charter_bus_entitlements(campaign.users["hq"], "NOPE")


def test_demand_workers_and_trips_on_pages(client: Any, campaign: City) -> None:
    target = campaign.e_jiangbei.uscc
    client.force_login(campaign.users["enterprise"])  # its own enterprise only
    response = client.post("/worker-return/demand/new/", {"enterprise": target, "position": "叉车工", "headcount": "5",
                                                          "origin_code": "640402", "origin_name": "宁夏固原市原州区",
                                                          "needed_by": "2020-03-01"})
    assert response.status_code == 302
    assert client.post("/worker-return/demand/new/", {"enterprise": campaign.e_binhai.uscc, "position": "x",
                                                      "headcount": "5", "origin_code": "640402",
                                                      "needed_by": "2020-03-01"}).status_code == 200  # not offered
    from dualtrack.workreturn.models import LabourDemand

    assert LabourDemand.objects.filter(enterprise=campaign.e_jiangbei, position="叉车工").count() == 1
    assert not LabourDemand.objects.filter(enterprise=campaign.e_binhai).exists()
    client.force_login(campaign.users["district"])  # Jiangbei may not register Binhai's villagers
    refused = client.post("/worker-return/workers/new/", {
        "code": "P1", "name": "杨帆", "phone": "13900002222", "id_number": "33910619900101222X",
        "village_code": "339106100201", "enterprise": target, "attestation_kind": "green_code",
        "attestation_date": "2020-02-20"})
    assert refused.status_code == 200 and "只能登记本区县户籍" in refused.content.decode()
    client.force_login(campaign.users["binhai_district"])
    ok = client.post("/worker-return/workers/new/", {
        "code": "P1", "name": "杨帆", "phone": "13900002222", "id_number": "33910619900101222X",
        "village_code": "339106100201", "enterprise": target, "attestation_kind": "green_code",
        "attestation_date": "2020-02-20", "poor_labourer": "on"})
    assert ok.status_code == 302 and Worker.objects.get(code="P1").poor_labourer
    assert client.get("/worker-return/trips/new/").status_code == 403  # planning is the bureau's and HQ's
    client.force_login(campaign.users["bureau"])
    planned = client.post("/worker-return/trips/new/", {
        "code": "T9", "origin_code": "339106", "enterprise": target, "departure": "2020-02-25T07:00",
        "plate": "宁B99999", "seats": "4"})
    assert planned.status_code == 302 and planned["Location"] == "/worker-return/trips/T9/"
    page = client.get("/worker-return/trips/T9/").content.decode()
    assert 'id="manifest-form"' in page and 'value="P1"' in page
    too_many = client.post("/worker-return/trips/T9/", {"action": "manifest", "worker": ["P1", "W004", "W005"]})
    assert too_many.status_code == 302 and ManifestEntry.objects.filter(trip__code="T9").count() == 0
    client.post("/worker-return/trips/T9/", {"action": "manifest", "worker": ["P1", "W004"]})
    assert set(ManifestEntry.objects.filter(trip__code="T9").values_list("worker__code", flat=True)) == {"P1", "W004"}


def test_a_receipt_due_across_the_may_holiday(campaign: City) -> None:
    """Arrival on 30 April 2020: 1–5 May are holidays, so the receipt is due at the end of 8 May; on 8 May it is
    on time, from 9 May 00:00 it is overdue."""
    hq = campaign.users["hq"]
    assert load(hq, "trips", [["车次编号", "出发地区划代码", "目的企业信用代码", "出发时间", "车牌号", "核载座位"],
                              ["T2", "339106", campaign.e_jiangbei.uscc, "2020-04-29 07:00", "宁B22222", 44]]).ok
    trip = Trip.objects.get(code="T2")
    workers = [Worker.objects.get(code="W005"), Worker.objects.get(code="W006")]
    for worker in workers:  # fresh attestations for the later trip
        worker.attestation_date = D(2020, 4, 25)
        worker.save()
    services.set_manifest(hq, trip, workers)
    for worker in workers:
        services.record_boarding(hq, trip, worker, Decimal("36.5"), at("2020-04-29 06:50"))
    services.record_arrival(hq, trip, at("2020-04-30 18:00"))
    services.record_receipt(hq, workers[0], at("2020-05-08 22:00"))
    on_the_day = {w.code: w for w in services.campaign(at("2020-05-08 23:59")).workers}
    assert on_the_day["W005"].state == "received" and on_the_day["W006"].receipt_overdue is False
    assert on_the_day["W006"].receipt_due_at == dt.datetime(2020, 5, 8, 23, 59, 59, tzinfo=SHANGHAI)
    after = {w.code: w for w in services.campaign(at("2020-05-09 00:00")).workers}
    assert after["W006"].receipt_overdue is True and after["W005"].receipt_overdue is False


# --- a recorded event is never rewritten (DOMAIN.md §15, issue #26 §2) ----------------------------------------------

def test_a_refusal_stays_in_the_history_when_the_worker_is_scanned_again(client: Any, campaign: City,
                                                                         settings: Any) -> None:
    """Refused at 37.4 ℃, re-checked at 36.8 ℃ with its note: two events; the worker is on board now, and the
    refusal stays in the trip's refusals, its history (page and ``worker-return --json``) and the database."""
    settings.DUALTRACK_CLOCK = "2020-02-15T06:45:00+08:00"  # the scan's moment
    hq = campaign.users["hq"]
    trip = Trip.objects.get(code="T1")
    services.set_manifest(hq, trip, list(Worker.objects.order_by("code"))[:3])
    client.force_login(campaign.users["binhai_district"])
    fever = client.post("/worker-return/scan/", {"mode": "boarding", "trip": "T1", "temperature": "37.4",
                                                 "code": "W001"})
    assert fever.context["outcome"]["ok"] is False
    settings.DUALTRACK_CLOCK = "2020-02-15T07:00:00+08:00"  # the re-check, then the figures, on the one clock
    services.record_boarding(hq, trip, Worker.objects.get(code="W001"), Decimal("36.8"), at("2020-02-15 06:55"),
                             note="休息后复测")
    events = list(Boarding.objects.filter(worker__code="W001").order_by("pk").values_list("allowed", "reason", "note"))
    assert events == [(False, "temperature", ""), (True, "", "休息后复测")]
    state = services.campaign(at("2020-02-15 07:00"))
    assert {w.code: w.state for w in state.workers}["W001"] == "boarded"
    assert state.trips[0].boarded == 1
    assert state.trips[0].refused == [{"worker": "W001", "reason": "temperature"}]
    out = io.StringIO()
    call_command("worker-return", "--json", stdout=out)  # now: both events, in order
    trip_json = json.loads(out.getvalue())["trips"][0]
    assert trip_json["refused"] == [{"worker": "W001", "reason": "temperature"}] and trip_json["boarded"] == 1
    assert [(e["worker"], e["allowed"], e["reason"], e["note"]) for e in trip_json["history"]] == [
        ("W001", False, "temperature", ""), ("W001", True, "", "休息后复测")]
    client.force_login(hq)
    page = client.get("/worker-return/trips/T1/").content.decode()
    assert "休息后复测" in page and "boarding-earlier" in page and "37.4℃" in page
    listing = client.get("/worker-return/trips/").content.decode()
    assert listing.count('<td class="num">1</td>') >= 2  # one on board, one refusal


def test_the_same_boarding_recorded_twice_is_one_event_and_a_new_file_row_adds_one(campaign: City) -> None:
    hq = campaign.users["hq"]
    services.set_manifest(hq, Trip.objects.get(code="T1"), list(Worker.objects.order_by("code"))[:3])
    header = ["登记编号", "车次编号", "上车时间", "体温"]
    assert load(hq, "boardings", [header, ["W003", "T1", "2020-02-15 06:42", "37.4"]]).ok
    again = load(hq, "boardings", [header, ["W003", "T1", "2020-02-15 06:42", "37.4"]])
    assert again.ok and again.unchanged == 1 and Boarding.objects.count() == 1
    recheck = load(hq, "boardings", [header, ["W003", "T1", "2020-02-15 06:58", "36.9"]])
    assert recheck.ok and Boarding.objects.filter(worker__code="W003").count() == 2
    assert list(services.current_boardings().values_list("allowed", flat=True)) == [True]
    assert Boarding.objects.filter(worker__code="W003", allowed=False, reason="temperature").exists()


def test_a_correction_that_refuses_takes_the_worker_off_board(campaign: City) -> None:
    """Allowed at first, then a correction refuses: the arrival counts only the workers on board now."""
    hq = campaign.users["hq"]
    trip = Trip.objects.get(code="T1")
    w1, w4 = Worker.objects.get(code="W001"), Worker.objects.get(code="W004")
    services.set_manifest(hq, trip, [w1, w4])
    services.record_boarding(hq, trip, w1, Decimal("36.5"), at("2020-02-15 06:40"))
    services.record_boarding(hq, trip, w4, Decimal("36.5"), at("2020-02-15 06:41"))
    services.record_boarding(hq, trip, w4, Decimal("37.5"), at("2020-02-15 06:41"), note="体温录错，复测37.5")
    assert services.record_arrival(hq, trip, at("2020-02-16 18:30")) == 1
    assert Worker.objects.get(code="W004").receipt_due_at is None
    assert services.day_figures(D(2020, 2, 16))["workers_today"] == 1


def test_an_arrival_once_recorded_is_never_moved(client: Any, campaign: City) -> None:
    """A second arrival (the domain action, the file, the trip page, the scan) is refused: the arrival time and
    the receipt deadline stay, and the overdue state with them."""
    board_and_arrive(campaign)
    hq = campaign.users["hq"]
    trip = Trip.objects.get(code="T1")
    due = Worker.objects.get(code="W001").receipt_due_at
    with pytest.raises(ValidationError, match="已于 2020-02-16 18:30 到达"):
        services.record_arrival(hq, trip, at("2020-02-25 10:00"))
    with pytest.raises(ValidationError, match="到达时间不能更改"):
        services.record_arrival(campaign.users["enterprise"], trip)  # the receiving enterprise, now
    moved = load(hq, "arrivals", [["车次编号", "到达时间"], ["T1", "2020-02-25 10:00"]])
    assert not moved.ok and "到达时间不能更改" in str(moved.errors[0])
    assert load(hq, "arrivals", [["车次编号", "到达时间"], ["T1", "2020-02-16 18:30"]]).unchanged == 1  # the same
    client.force_login(campaign.users["enterprise"])
    page = client.post("/worker-return/trips/T1/", {}, follow=True)
    assert "到达时间不能更改" in page.content.decode()
    trip.refresh_from_db()
    assert trip.arrived_at == at("2020-02-16 18:30") and Worker.objects.get(code="W001").receipt_due_at == due
    later = {w.code: w for w in services.campaign(at("2020-02-20 09:00")).workers}
    assert later["W001"].receipt_overdue is True


def test_an_overdue_receipts_task_from_the_worker_reads_in_the_readers_language(campaign: City, client: Any,
                                                                                 settings: Any) -> None:
    """#28 §3: the worker's overdue-receipt task keeps its text as a code with parameters: the stored description is
    the Chinese text (full-width punctuation), the 督办 list and the task's page write it in the reader's language."""
    from dualtrack.problems import services as problems
    from dualtrack.problems.models import Problem

    board_and_arrive(campaign)
    settings.DUALTRACK_CLOCK = "2020-02-20T08:00:00+08:00"
    assert services.worker_step()["overdue"] == 20  # the worker's step
    task = Problem.objects.get(source_key="receipt:W001")
    name = campaign.e_jiangbei.name
    assert task.text_code == services.RECEIPT_TASK_TEXT and task.text_params == {"worker": "W001", "enterprise": name}
    assert task.description == f"务工人员 W001 已随车到达 {name}，回执单逾期未返回，请驻企服务员督促企业回执"
    assert problems.escalate_due(task.next_action_at + dt.timedelta(minutes=1)) == 20  # on the 督办 list

    client.force_login(campaign.users["hq"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    listed = client.get("/problems/escalated/", {"kind": "tasks"}).content.decode()
    assert task.ref in listed and "Worker W001 arrived by charter bus at" in listed and "务工人员" not in listed
    page = client.get(f"/problems/{task.ref}/").content.decode()
    assert (f"Worker W001 arrived by charter bus at {name}, but the receipt is overdue: liaison officer, please press "
            "the enterprise to return it") in page
    assert "务工人员" not in page and "回执单逾期未返回" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    listed = client.get("/problems/escalated/", {"kind": "tasks"}).content.decode()
    assert "务工人员 W001 已随车到达" in listed and "Worker W0" not in listed
    page = client.get(f"/problems/{task.ref}/").content.decode()
    assert task.description in page and "arrived by charter bus" not in page
    task.refresh_from_db()
    assert task.description == f"务工人员 W001 已随车到达 {name}，回执单逾期未返回，请驻企服务员督促企业回执"
