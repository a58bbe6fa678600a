"""复工备案 on a phone (DOMAIN.md §16): the enterprise (or its liaison officer) applies with the checklist answered
item by item and a photo where it likes, sees the state and the reason of a return, applies again; the daily
epidemic ledger beside 今日复工; the liaison officer's 复工未备案 visits. Pages through the Django test client."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dualtrack.core.models import AuditLog
from dualtrack.filings import actions
from dualtrack.filings.actions import Answer, NewFiling
from dualtrack.filings.models import EnterpriseHealth, Filing, FilingItem, UnfiledVisit

from .conftest import City

CODES = ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]
DAY = dt.date(2020, 2, 10)  # a Monday


@pytest.fixture
def clock(settings: Any, tmp_path: Any) -> None:
    settings.DUALTRACK_CLOCK = f"{DAY.isoformat()}T10:00:00+08:00"
    settings.MEDIA_ROOT = tmp_path / "media"


def as_user(client: Client, city: City, role: str) -> Client:
    client.force_login(city.users[role])
    return client


def form(*, skip: tuple[str, ...] = (), unmet: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"planned_on": "2020-02-12", "planned_workers": "30", "workers_from_outside": "4",
                            "officer": "王防控", "phone": "13800001111"}
    for code in CODES:
        if code not in skip:
            data[f"item_{code}"] = "0" if code in unmet else "1"
        data[f"note_{code}"] = ""
    data.update(extra)
    return data


def png(size: tuple[int, int] = (8, 6)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def returned_filing(city: City) -> Filing:
    filing = actions.apply(city.users["enterprise"], city.e_jiangbei, NewFiling(
        planned_on=dt.date(2020, 2, 11), planned_workers=20, workers_from_outside=2, officer="李负责",
        phone="13900002222", answers={c: Answer(c != "C5", "通风记录待补" if c == "C5" else "") for c in CODES}))
    return actions.decide(city.users["district"], filing, "returned", "C5 通风消毒未落实，请补充消毒记录")


# --- applying --------------------------------------------------------------------------------------------------


def test_enterprise_applies_and_sees_pending(client: Client, city: City, clock: None) -> None:
    as_user(client, city, "enterprise")
    page = client.get("/filings/")
    assert page.status_code == 200 and "申请复工备案" in page.content.decode()
    assert "数据截至" in page.content.decode()
    page = client.get("/filings/apply/")
    body = page.content.decode()
    assert page.status_code == 200 and all(f'name="item_{c}"' in body for c in CODES)
    assert 'enctype="multipart/form-data"' in body
    response = client.post("/filings/apply/", form())
    assert response.status_code == 302 and response["Location"] == "/filings/"
    filing = Filing.objects.get(enterprise=city.e_jiangbei)
    assert (filing.state, filing.planned_workers, filing.workers_from_outside, filing.applied_by) == (
        "applied", 30, 4, city.users["enterprise"])
    assert filing.items.count() == 7 and filing.items.filter(met=True).count() == 7
    body = client.get("/filings/").content.decode()
    assert "待审核" in body and filing.code in body and "2020-02-11" in body  # due: the next working day
    assert "王防控" in body and "13800001111" in body  # its own officer and phone, whole
    assert AuditLog.objects.filter(action="view_personal", object_id=str(filing.pk),
                                   actor=city.users["enterprise"]).exists()  # seen whole: audited
    assert "申请复工备案</a>" not in body  # pending: no second application


def test_a_missing_answer_is_refused_naming_the_item(client: Client, city: City, clock: None) -> None:
    as_user(client, city, "enterprise")
    response = client.post("/filings/apply/", form(skip=("C3",), phone="12345"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "请逐项作答：C3" in body and "联系电话应为11位手机号" in body
    assert 'id="item-C3"' in body and "has-error" in body
    assert not Filing.objects.exists()
    assert 'value="王防控"' in body and body.count("checked") == 6  # what was typed is kept


def test_a_typing_slip_and_a_missing_answer_are_told_at_once(client: Client, city: City, clock: None) -> None:
    as_user(client, city, "enterprise")
    body = client.post("/filings/apply/", form(skip=("C7",), planned_workers="三十", officer="")).content.decode()
    assert "请逐项作答：C7" in body and "请填写防控负责人" in body and "planned_workers" in body
    assert body.count('class="errorlist"') >= 4  # the summary, the number, the officer, C7
    body = client.post("/filings/ledger/", {**LEDGER, "masks": "很多", "on_duty": ""}).content.decode()
    assert "请填写不小于0的整数" in body
    assert not Filing.objects.exists() and not EnterpriseHealth.objects.exists()


def test_an_unmet_item_is_accepted_as_an_answer(client: Client, city: City, clock: None) -> None:
    as_user(client, city, "enterprise")
    response = client.post("/filings/apply/", form(unmet=("C2",), note_C2="低风险地区，无市外返岗隔离要求"))
    assert response.status_code == 302
    row = FilingItem.objects.get(item__code="C2")
    assert (row.met, row.note) == (False, "低风险地区，无市外返岗隔离要求")


def test_reapply_after_a_return(client: Client, city: City, clock: None) -> None:
    first = returned_filing(city)
    as_user(client, city, "enterprise")
    body = client.get("/filings/").content.decode()
    assert "退回" in body and "C5 通风消毒未落实，请补充消毒记录" in body and "重新申请" in body
    page = client.get("/filings/apply/")
    body = page.content.decode()
    assert "重新申请复工备案" in body and "请补充消毒记录" in body
    assert 'value="李负责"' in body and 'value="13900002222"' in body  # started from the returned one
    response = client.post("/filings/apply/", form())
    assert response.status_code == 302
    second = Filing.objects.exclude(pk=first.pk).get()
    assert second.previous == first and second.state == "applied"
    # pending again: a third application is refused on the page, and by the action if posted
    assert "不能重复申请" in client.get("/filings/apply/").content.decode()
    response = client.post("/filings/apply/", form())
    assert response.status_code == 200 and "不能重复申请" in response.content.decode()
    assert Filing.objects.count() == 2


def test_liaison_applies_for_its_enterprise_not_anothers(client: Client, city: City, clock: None) -> None:
    as_user(client, city, "liaison")
    home = client.get("/filings/").content.decode()
    assert city.e_jiangbei.name in home and city.e_binhai.name not in home
    assert f"/filings/apply/?uscc={city.e_jiangbei.uscc}" in home
    assert client.get("/filings/apply/").status_code == 302  # pick an enterprise first
    assert client.get(f"/filings/apply/?uscc={city.e_jiangbei.uscc}").status_code == 200
    response = client.post(f"/filings/apply/?uscc={city.e_jiangbei.uscc}", form())
    assert response.status_code == 302
    filing = Filing.objects.get()
    assert filing.enterprise == city.e_jiangbei and filing.applied_by == city.users["liaison"]
    assert client.get(f"/filings/apply/?uscc={city.e_binhai.uscc}").status_code == 404
    assert client.post(f"/filings/apply/?uscc={city.e_binhai.uscc}", form()).status_code == 404
    assert client.post("/filings/apply/", {**form(), "uscc": city.e_binhai.uscc}).status_code == 404
    assert Filing.objects.count() == 1


@pytest.mark.parametrize("role", ["district", "park", "leader", "department", "public"])
def test_who_cannot_apply(client: Client, city: City, clock: None, role: str) -> None:
    as_user(client, city, role)
    for url in ("/filings/apply/", f"/filings/apply/?uscc={city.e_jiangbei.uscc}"):
        assert client.get(url).status_code in (403, 404)
        assert client.post(url, form()).status_code in (403, 404)
    assert client.post(f"/filings/ledger/?uscc={city.e_jiangbei.uscc}", {"on_duty": "5"}).status_code in (403, 404)
    assert not Filing.objects.exists() and not EnterpriseHealth.objects.exists()


def test_anonymous_is_sent_to_sign_in(client: Client, city: City, clock: None) -> None:
    for url in ("/filings/", "/filings/apply/", "/filings/ledger/", "/filings/visits/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_enterprise_applies_only_for_itself(client: Client, city: City, clock: None) -> None:
    as_user(client, city, "enterprise")
    client.post(f"/filings/apply/?uscc={city.e_binhai.uscc}", {**form(), "uscc": city.e_binhai.uscc})
    assert Filing.objects.get().enterprise == city.e_jiangbei


@pytest.mark.parametrize(("role", "target"), [("district", "/filings/queue/"), ("park", "/filings/queue/"),
                                              ("hq", "/filings/queue/"), ("leader", "/filings/board/"),
                                              ("department", "/filings/board/")])
def test_the_county_and_hq_go_to_their_queue_or_board(client: Client, city: City, clock: None, role: str,
                                                      target: str) -> None:
    as_user(client, city, role)
    response = client.get("/filings/?date=2020-02-09")
    assert response.status_code == 302 and response["Location"] == f"{target}?date=2020-02-09"


def test_the_public_has_no_filings(client: Client, city: City, clock: None) -> None:
    as_user(client, city, "public")
    assert client.get("/filings/").status_code == 403


# --- photos ------------------------------------------------------------------------------------------------------


def test_a_photo_is_kept_with_its_answer(client: Client, city: City, clock: None) -> None:
    as_user(client, city, "enterprise")
    photo = SimpleUploadedFile("门口测温.png", png(), content_type="image/png")
    response = client.post("/filings/apply/", {**form(), "photo_C4": photo})
    assert response.status_code == 302
    row = FilingItem.objects.get(item__code="C4")
    assert row.photo and row.photo.name.startswith("filings/items/")
    assert not FilingItem.objects.get(item__code="C1").photo


def test_a_photo_that_is_not_an_image_or_too_large_is_refused(client: Client, city: City, clock: None) -> None:
    as_user(client, city, "enterprise")
    fake = SimpleUploadedFile("消毒记录.jpg", b"not a picture at all", content_type="image/jpeg")
    response = client.post("/filings/apply/", {**form(), "photo_C5": fake})
    assert response.status_code == 200 and "只接受 JPG、PNG 格式的照片" in response.content.decode()
    big = SimpleUploadedFile("大图.png", png() + b"\0" * (5 * 1024 * 1024), content_type="image/png")
    response = client.post("/filings/apply/", {**form(), "photo_C5": big})
    assert response.status_code == 200 and "上限 5 MB" in response.content.decode()
    broken = SimpleUploadedFile("坏图.png", png()[:30], content_type="image/png")
    response = client.post("/filings/apply/", {**form(), "photo_C5": broken})
    assert response.status_code == 200 and "照片文件已损坏或不是图片" in response.content.decode()
    assert not Filing.objects.exists()


# --- 防疫台账 ------------------------------------------------------------------------------------------------------


LEDGER = {"on_duty": "28", "from_outside": "4", "under_observation": "2", "fever": "0", "masks": "600",
          "disinfectant_kg": "12.5"}


def test_ledger_saved_and_corrected(client: Client, city: City, clock: None) -> None:
    from dualtrack.resumption.models import ResumptionReport

    as_user(client, city, "enterprise")
    page = client.get("/filings/ledger/")
    assert page.status_code == 200 and "今日未填报" in page.content.decode()
    assert "2020-02-10" in page.content.decode()
    response = client.post("/filings/ledger/", LEDGER)
    assert response.status_code == 302 and response["Location"] == "/filings/ledger/"
    row = EnterpriseHealth.objects.get()
    assert (row.date, row.on_duty, row.masks, str(row.disinfectant_kg)) == (DAY, 28, 600, "12.5")
    body = client.get("/filings/ledger/").content.decode()
    assert "今日已填报" in body and 'value="28"' in body and 'value="12.5"' in body  # prefilled
    response = client.post("/filings/ledger/", {**LEDGER, "on_duty": "30", "fever": "1"})
    assert response.status_code == 302
    row = EnterpriseHealth.objects.get()
    assert (row.on_duty, row.fever) == (30, 1)
    assert not ResumptionReport.objects.exists()  # beside the resumption report, never changing it
    assert "今日已填报" in client.get("/filings/").content.decode()


def test_ledger_refuses_with_the_fields_message(client: Client, city: City, clock: None) -> None:
    as_user(client, city, "enterprise")
    response = client.post("/filings/ledger/", {**LEDGER, "on_duty": "", "from_outside": "3"})
    assert response.status_code == 200 and "请填写不小于0的整数" in response.content.decode()
    response = client.post("/filings/ledger/", {**LEDGER, "on_duty": "2", "from_outside": "3"})
    assert response.status_code == 200 and "市外返岗人数不能多于在岗人数" in response.content.decode()
    assert not EnterpriseHealth.objects.exists()


def test_liaison_keeps_the_ledger_of_its_enterprise_only(client: Client, city: City, clock: None) -> None:
    as_user(client, city, "liaison")
    assert client.get("/filings/ledger/").status_code == 302
    response = client.post(f"/filings/ledger/?uscc={city.e_jiangbei.uscc}", LEDGER)
    assert response.status_code == 302 and response["Location"] == f"/filings/ledger/?uscc={city.e_jiangbei.uscc}"
    assert EnterpriseHealth.objects.get().enterprise == city.e_jiangbei
    assert client.post(f"/filings/ledger/?uscc={city.e_binhai.uscc}", LEDGER).status_code == 404


def test_the_ledger_link_stands_beside_todays_resumption(client: Client, city: City, clock: None) -> None:
    as_user(client, city, "enterprise")
    body = client.get("/resumption/report/").content.decode()
    assert 'href="/filings/ledger/"' in body
    client.logout()
    as_user(client, city, "liaison")
    body = client.get(f"/resumption/report/?uscc={city.e_jiangbei.uscc}").content.decode()
    assert f'href="/filings/ledger/?uscc={city.e_jiangbei.uscc}"' in body
    client.logout()
    as_user(client, city, "district")  # reports resumption for the county's firms, not their staff's health
    body = client.get(f"/resumption/report/?uscc={city.e_jiangbei.uscc}").content.decode()
    assert "/filings/ledger/" not in body


# --- 复工未备案 visits --------------------------------------------------------------------------------------------


def test_visits_listed_open_first_and_closed(client: Client, city: City, clock: None) -> None:
    done = UnfiledVisit.objects.create(enterprise=city.e_jiangbei_park, source="power", found_on=dt.date(2020, 2, 5),
                                       state="done", done_on=dt.date(2020, 2, 6), note="已督促申请")
    city.users["liaison"].assigned_enterprises.add(city.e_jiangbei_park)
    visit = UnfiledVisit.objects.create(enterprise=city.e_jiangbei, source="report", found_on=dt.date(2020, 2, 9),
                                        officer=city.users["liaison"])
    other = UnfiledVisit.objects.create(enterprise=city.e_binhai, source="power", found_on=dt.date(2020, 2, 9))
    as_user(client, city, "liaison")
    home = client.get("/filings/").content.decode()
    assert "复工未备案核查 1 件待办" in home
    body = client.get("/filings/visits/").content.decode()
    assert body.index(city.e_jiangbei.name) < body.index(city.e_jiangbei_park.name)  # open first
    assert "企业报送" in body and "用电监测" in body and "2020-02-09" in body
    assert city.e_binhai.name not in body
    response = client.post(f"/filings/visits/{visit.pk}/", {"note": ""})
    assert response.status_code == 302
    assert UnfiledVisit.objects.get(pk=visit.pk).state == "open"
    assert "请填写核查情况" in client.get("/filings/visits/").content.decode()
    response = client.post(f"/filings/visits/{visit.pk}/", {"note": "已上门，企业当日申请备案"})
    assert response.status_code == 302 and response["Location"] == "/filings/visits/"
    visit.refresh_from_db()
    assert (visit.state, visit.done_on, visit.note) == ("done", DAY, "已上门，企业当日申请备案")
    assert client.post(f"/filings/visits/{other.pk}/", {"note": "x"}).status_code == 404
    assert client.get(f"/filings/visits/{visit.pk}/").status_code == 405
    assert UnfiledVisit.objects.get(pk=done.pk).note == "已督促申请"


def test_visits_for_whom(client: Client, city: City, clock: None) -> None:
    visit = UnfiledVisit.objects.create(enterprise=city.e_jiangbei, source="report", found_on=dt.date(2020, 2, 9))
    as_user(client, city, "enterprise")
    assert client.get("/filings/visits/").status_code == 403
    assert client.post(f"/filings/visits/{visit.pk}/", {"note": "x"}).status_code == 404
    client.logout()
    as_user(client, city, "district_binhai")
    assert city.e_jiangbei.name not in client.get("/filings/visits/").content.decode()
    assert client.post(f"/filings/visits/{visit.pk}/", {"note": "x"}).status_code == 404
    client.logout()
    as_user(client, city, "leader")  # follows, never closes
    body = client.get("/filings/visits/").content.decode()
    assert city.e_jiangbei.name in body and "核查完毕" not in body
    assert client.post(f"/filings/visits/{visit.pk}/", {"note": "x"}).status_code == 403
    assert UnfiledVisit.objects.get(pk=visit.pk).state == "open"
