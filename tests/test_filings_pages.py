"""复工备案's pages (DOMAIN.md §16): the county's queue (overdue first), a filing's page with its decision, on-site
check, lifting and revocation, the board and its Excel, 复工未备案, the ledger and 一企一档; scope (404), the officer's
phone masked or whole (audited), and the board's query count pinned."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dualtrack.core.models import AuditLog
from dualtrack.epidemic.models import ClusterEvent
from dualtrack.filings import actions, services
from dualtrack.filings.actions import Answer, HealthDay
from dualtrack.filings.models import Filing, FilingEvent

from .conftest import City, report
from .test_filings import CODES, spec

pytestmark = pytest.mark.django_db
# The board's queries for a user and a stored day, whatever the number of filings: the session and the user, the
# rule set, the stored judgement and the data versions, the user's enterprises (narrowing), the checklist, the day's
# fever flags, the bell, and the session's save (3).
BOARD_QUERIES = 12


@pytest.fixture
def clock(settings: Any) -> Any:
    def set_clock(day: dt.date) -> None:
        settings.DUALTRACK_CLOCK = f"{day.isoformat()}T18:00:00+08:00"
    set_clock(dt.date(2020, 4, 30))
    return set_clock


@pytest.fixture(autouse=True)
def _media(tmp_path: Any, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def signed_in(city: City, role: str) -> Client:
    client = Client()
    client.force_login(city.users[role])
    return client


def test_queue_lists_overdue_first_and_links_each(city: City, clock: Any) -> None:
    clock(dt.date(2020, 2, 12))  # a Wednesday
    later = actions.apply(city.users["hq"], city.e_jiangbei_park, spec(applied_on=dt.date(2020, 2, 12)))
    earlier = actions.apply(city.users["enterprise"], city.e_jiangbei, spec(applied_on=dt.date(2020, 2, 10)))
    assert (earlier.due_on, later.due_on) == (dt.date(2020, 2, 11), dt.date(2020, 2, 13))
    page = signed_in(city, "district").get("/filings/queue/")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.index(f'data-code="{earlier.code}"') < body.index(f'data-code="{later.code}"')
    row = body[body.index(f'data-code="{earlier.code}"'):body.index(f'data-code="{later.code}"')]
    assert "超期" in row and f"/filings/{earlier.code}/" in row
    assert signed_in(city, "district_binhai").get("/filings/queue/").content.decode().count("data-code=") == 0
    assert signed_in(city, "leader").get("/filings/queue/").status_code == 403


def test_decide_refused_names_the_items_and_the_on_site_check(city: City, clock: Any) -> None:
    clock(dt.date(2020, 2, 10))
    filing = actions.apply(city.users["enterprise"], city.e_jiangbei, spec(unmet=("C3",)))
    client = signed_in(city, "district")
    page = client.get(f"/filings/{filing.code}/").content.decode()
    assert 'id="filing-missing"' in page and "C3" in page and 'id="inspection-form"' in page
    refused = client.post(f"/filings/{filing.code}/decide/", {"decision": "filed"})
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "C3 健康监测" in text and "现场查勘" in text
    assert Filing.objects.get(pk=filing.pk).state == "applied"
    no_reason = client.post(f"/filings/{filing.code}/decide/", {"decision": "returned", "note": ""})
    assert no_reason.status_code == 200 and "退回须写明理由" in no_reason.content.decode()
    returned = client.post(f"/filings/{filing.code}/decide/", {"decision": "returned", "note": "C3未落实，请补充"})
    assert returned.status_code == 302
    assert Filing.objects.get(pk=filing.pk).state == "returned"


def test_inspection_then_filed(city: City, clock: Any) -> None:
    clock(dt.date(2020, 2, 10))
    filing = actions.apply(city.users["liaison"], city.e_jiangbei, spec())
    client = signed_in(city, "district")
    recorded = client.post(f"/filings/{filing.code}/inspection/", {
        "inspected_on": "2020-02-10", "inspectors": "李四、张三",
        "photo": SimpleUploadedFile("现场.png", _png(), content_type="image/png")})
    assert recorded.status_code == 302, recorded.content.decode()[:2000]
    filing.refresh_from_db()
    assert filing.inspected_on == dt.date(2020, 2, 10) and filing.inspection_photo
    thumb = client.get(f"/filings/{filing.code}/items/_inspection/photo?view=thumb")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    filed = client.post(f"/filings/{filing.code}/decide/", {"decision": "filed", "note": ""})
    assert filed.status_code == 302
    assert Filing.objects.get(pk=filing.pk).state == "filed"
    assert FilingEvent.objects.filter(filing=filing, kind="filed").exists()
    page = client.get(f"/filings/{filing.code}/").content.decode()
    assert 'id="decide-form"' not in page and 'id="revoke-form"' in page


def test_lift_and_revoke_need_a_reason(city: City, clock: Any) -> None:
    clock(dt.date(2020, 2, 10))
    filing = actions.apply(city.users["hq"], city.e_jiangbei_park, spec())
    actions.decide(city.users["district"], filing, "filed")
    ClusterEvent.objects.create(date=dt.date(2020, 2, 10), county=city.jiangbei, cases=3, description="车间聚集",
                                enterprise=city.e_jiangbei_park)
    services.suspend_for_outbreaks()
    assert Filing.objects.get(pk=filing.pk).state == "suspended"
    clock(dt.date(2020, 2, 12))
    client = signed_in(city, "park")  # the park's operator decides for its park's enterprise
    assert 'id="lift-form"' in client.get(f"/filings/{filing.code}/").content.decode()
    assert client.post(f"/filings/{filing.code}/lift/", {"reason": ""}).status_code == 200
    assert Filing.objects.get(pk=filing.pk).state == "suspended"
    assert client.post(f"/filings/{filing.code}/lift/", {"reason": "全员核酸阴性，消杀完毕"}).status_code == 302
    assert Filing.objects.get(pk=filing.pk).state == "filed"
    assert FilingEvent.objects.get(filing=filing, kind="lifted").reason == "全员核酸阴性，消杀完毕"
    assert client.post(f"/filings/{filing.code}/revoke/", {"reason": ""}).status_code == 200
    assert client.post(f"/filings/{filing.code}/revoke/", {"reason": "企业停产"}).status_code == 302
    assert Filing.objects.get(pk=filing.pk).state == "revoked"
    assert signed_in(city, "leader").post(f"/filings/{filing.code}/revoke/", {"reason": "x"}).status_code == 403


def test_out_of_scope_is_404(city: City, clock: Any) -> None:
    clock(dt.date(2020, 2, 10))
    answers = {c: Answer(True, photo=SimpleUploadedFile(f"{c}.png", _png(), "image/png") if c == "C1" else None)
               for c in CODES}
    filing = actions.apply(city.users["enterprise"], city.e_jiangbei, dataclasses.replace(spec(), answers=answers))
    actions.record_health(city.users["enterprise"], city.e_jiangbei, dt.date(2020, 2, 10), HealthDay(on_duty=30))
    binhai = signed_in(city, "district_binhai")
    for url in (f"/filings/{filing.code}/", f"/filings/{filing.code}/items/C1/photo?view=thumb",
                f"/filings/ledger/{city.e_jiangbei.uscc}/"):
        assert binhai.get(url).status_code == 404, url
    for action, data in (("decide", {"decision": "filed"}), ("inspection", {"inspectors": "x"}),
                         ("lift", {"reason": "x"}), ("revoke", {"reason": "x"})):
        assert binhai.post(f"/filings/{filing.code}/{action}/", data).status_code == 404, action
    district = signed_in(city, "district")
    thumb = district.get(f"/filings/{filing.code}/items/C1/photo?view=thumb")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert district.get(f"/filings/{filing.code}/items/C2/photo").status_code == 404  # no photo
    assert signed_in(city, "enterprise").get(f"/filings/{filing.code}/").status_code == 200  # its own, read-only
    assert 'id="decide-form"' not in signed_in(city, "enterprise").get(f"/filings/{filing.code}/").content.decode()
    # The ledger is not the leader's either (the officer's phone's policy): 404.
    assert signed_in(city, "leader").get(f"/filings/ledger/{city.e_jiangbei.uscc}/").status_code == 404


def test_phone_masked_for_the_leader_whole_for_the_district_with_an_audit_row(city: City, clock: Any) -> None:
    clock(dt.date(2020, 2, 10))
    filing = actions.apply(city.users["enterprise"], city.e_jiangbei, spec())
    leader = signed_in(city, "leader").get(f"/filings/{filing.code}/").content.decode()
    assert "138****1111" in leader and "13800001111" not in leader and "王**" in leader and "王防控" not in leader
    assert not AuditLog.objects.filter(action="view_personal", object_type="filings.filing").exists()
    district = signed_in(city, "district").get(f"/filings/{filing.code}/").content.decode()
    assert "13800001111" in district and "王防控" in district
    entry = AuditLog.objects.get(action="view_personal", object_type="filings.filing")
    assert entry.actor == city.users["district"] and set(entry.detail["fields"]) == {"officer", "phone"}


def _some_filings(city: City) -> tuple[Filing, Filing, Filing]:
    filed = actions.apply(city.users["hq"], city.e_jiangbei_park, spec(applied_on=dt.date(2020, 2, 7)))
    actions.decide(city.users["district"], filed, "filed", on=dt.date(2020, 2, 7))
    pending_ = actions.apply(city.users["enterprise"], city.e_jiangbei, spec(unmet=("C5",),
                                                                              applied_on=dt.date(2020, 2, 7)))
    other = actions.apply(city.users["hq"], city.e_binhai, spec(applied_on=dt.date(2020, 2, 10)))
    actions.decide(city.users["district_binhai"], other, "returned", "材料不全", on=dt.date(2020, 2, 10))
    return filed, pending_, other


def test_board_counts_and_excel(city: City, clock: Any) -> None:
    clock(dt.date(2020, 2, 11))
    _some_filings(city)
    report(city.e_binhai, dt.date(2020, 2, 11), True, 8)  # resumed, its filing returned: 复工未备案
    client = signed_in(city, "leader")
    page = client.get("/filings/board/?date=2020-02-11")
    assert page.status_code == 200
    body = page.content.decode()
    assert "数据截至" in body and "2020" in body
    row = body[body.index(f'data-code="{city.jiangbei.code}"'):]
    row = row[:row.index("</tr>")]
    assert "<td class=\"num\">2</td>" in row  # applied
    xlsx = client.get("/filings/board.xlsx?date=2020-02-11")
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    assert "%E5%A4%8D%E5%B7%A5%E5%A4%87%E6%A1%88" in xlsx["Content-Disposition"]  # 复工备案… in the file's name
    book = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    jiangbei, binhai, city_row = rows[city.jiangbei.code], rows[city.binhai.code], rows["city"]
    assert (jiangbei["申请"], jiangbei["已备案"], jiangbei["待审核"], jiangbei["超期未审核"]) == (2, 1, 1, 1)
    assert (binhai["申请"], binhai["退回"], binhai["复工未备案"]) == (1, 1, 1)
    assert city_row["申请"] == 3 and rows[city.park.code]["已备案"] == 1
    assert jiangbei["C5落实率"] == pytest.approx(0.5) and city_row["C1落实率"] == 1
    assert AuditLog.objects.filter(action="export", object_type="filings.filing").exists()
    assert signed_in(city, "liaison").get("/filings/board/").status_code == 403


def test_unfiled_lists_the_enterprise_with_its_source_and_officers(city: City, clock: Any) -> None:
    clock(dt.date(2020, 2, 11))
    report(city.e_jiangbei, dt.date(2020, 2, 11), True, 12)
    services.raise_unfiled_visits(dt.date(2020, 2, 11))
    page = signed_in(city, "district").get("/filings/unfiled/?date=2020-02-11").content.decode()
    row = page[page.index(f'data-uscc="{city.e_jiangbei.uscc}"'):]
    row = row[:row.index("</tr>")]
    assert "企业报送" in row and "liaison" in row and "待核查" in row
    assert city.e_jiangbei.uscc not in signed_in(city, "district_binhai").get(
        "/filings/unfiled/?date=2020-02-11").content.decode()
    xlsx = signed_in(city, "hq").get("/filings/unfiled.xlsx?date=2020-02-11")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).worksheets[0]
    values = [r for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert [(r[1], r[3]) for r in values] == [(city.e_jiangbei.uscc, "企业报送")]
    from dualtrack.filings.models import UnfiledVisit

    UnfiledVisit.objects.filter(enterprise=city.e_jiangbei).update(note="已电话联系厂长 13912345678")
    leader = signed_in(city, "leader").get("/filings/unfiled/?date=2020-02-11").content.decode()
    assert "139****5678" in leader and "13912345678" not in leader  # a finding is the visit's makers' whole
    assert "13912345678" in signed_in(city, "district").get("/filings/unfiled/?date=2020-02-11").content.decode()


def test_ledger_says_unreported_days_and_audits(city: City, clock: Any) -> None:
    clock(dt.date(2020, 2, 11))
    actions.record_health(city.users["enterprise"], city.e_jiangbei, dt.date(2020, 2, 11),
                          HealthDay(on_duty=40, fever=2, masks=1200))
    page = signed_in(city, "district").get(f"/filings/ledger/{city.e_jiangbei.uscc}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count("未报送") >= 29 and 'data-day="2020-02-11"' in body
    entry = AuditLog.objects.get(action="view_personal", object_type="registry.enterprise")
    assert entry.detail["fields"] == ["health_ledger"]
    board = signed_in(city, "district").get("/filings/board/?date=2020-02-11").content.decode()
    assert city.e_jiangbei.name in board[board.index('id="fevers"'):]  # 发热预警
    assert signed_in(city, "liaison").get(f"/filings/ledger/{city.e_jiangbei.uscc}/").status_code == 200
    assert signed_in(city, "department").get(f"/filings/ledger/{city.e_jiangbei.uscc}/").status_code == 404


def test_enterprise_file_shows_the_filing(city: City, clock: Any) -> None:
    clock(dt.date(2020, 2, 10))
    filing = actions.apply(city.users["enterprise"], city.e_jiangbei, spec())
    actions.record_health(city.users["enterprise"], city.e_jiangbei, dt.date(2020, 2, 10),
                          HealthDay(on_duty=31, fever=1))
    page = signed_in(city, "district").get(f"/registry/enterprises/{city.e_jiangbei.uscc}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f"/filings/{filing.code}/" in body and f"/filings/ledger/{city.e_jiangbei.uscc}/" in body
    assert AuditLog.objects.filter(action="view_personal", object_type="registry.enterprise",
                                   actor=city.users["district"]).exists()  # the ledger's figures: audited
    leader = signed_in(city, "leader").get(f"/registry/enterprises/{city.e_jiangbei.uscc}/").content.decode()
    assert f"/filings/{filing.code}/" in leader and f"/filings/ledger/{city.e_jiangbei.uscc}/" not in leader


def test_board_query_count_is_pinned(city: City, clock: Any, django_assert_max_num_queries: Any) -> None:
    clock(dt.date(2020, 2, 11))
    _some_filings(city)
    client = signed_in(city, "district")
    client.get("/filings/board/?date=2020-02-11")  # the day computed and stored
    with django_assert_max_num_queries(BOARD_QUERIES):
        assert client.get("/filings/board/?date=2020-02-11").status_code == 200
    again = actions.apply(city.users["hq"], city.e_binhai, spec(applied_on=dt.date(2020, 2, 11)))  # more rows
    actions.decide(city.users["district_binhai"], again, "filed", on=dt.date(2020, 2, 11))
    client.get("/filings/board/?date=2020-02-11")
    with django_assert_max_num_queries(BOARD_QUERIES):
        assert client.get("/filings/board/?date=2020-02-11").status_code == 200



def test_board_says_pending_while_the_day_is_computed(city: City, clock: Any, settings: Any) -> None:
    clock(dt.date(2020, 2, 11))
    _some_filings(city)
    settings.DUALTRACK_JUDGE_INLINE = False
    client = signed_in(city, "hq")
    for url in ("/filings/board/?date=2020-02-11", "/filings/unfiled/?date=2020-02-11"):
        page = client.get(url)
        assert page.status_code == 200 and "正在计算" in page.content.decode(), url
        assert 'id="board"' not in page.content.decode()


def test_a_bad_date_is_said_and_the_as_of_day_shown(city: City, clock: Any) -> None:
    clock(dt.date(2020, 2, 11))
    page = signed_in(city, "hq").get("/filings/board/?date=2020-13-45")
    body = page.content.decode()
    assert page.status_code == 200 and "格式不正确" in body
    assert f'data-day="{services.as_of().isoformat()}"' in body


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_district_decides_on_a_phone(live_server: Any, city: City, clock: Any, tmp_path: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """On a 390×844 phone: the district opens its queue, records the on-site check with a photo and files the
    application; the enterprise then reads its filing (its officer's phone whole). Every page fits."""
    from playwright.sync_api import expect

    from .test_browser import ARTIFACTS, sign_in
    from .test_browser_pages import fits, phone_page

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    clock(dt.date(2020, 2, 10))
    filing = actions.apply(city.users["enterprise"], city.e_jiangbei, spec())
    photo = tmp_path / "现场.png"
    photo.write_bytes(_png())
    with phone_page() as (page, errors):
        sign_in(page, live_server.url, "jiangbei")
        page.goto(f"{live_server.url}/filings/queue/")
        fits(page)
        page.get_by_role("link", name=filing.code).click()
        page.wait_for_load_state("load")
        fits(page)
        expect(page.locator("#filing-inspection")).to_contain_text("须现场查勘")
        form = page.locator("#inspection-form")
        form.locator("[name=inspectors]").fill("李四、张三")
        form.locator("[name=photo]").set_input_files(str(photo))
        form.locator("button[type=submit]").click()
        expect(page.locator("#filing-inspection")).to_contain_text("李四、张三")
        expect(page.locator("#filing-inspection img")).to_be_visible()
        decide = page.locator("#decide-form")
        decide.get_by_label("已备案").check()
        decide.locator("button[type=submit]").click()
        expect(page.locator("#filing-state")).to_contain_text("已备案")
        fits(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "phone-district-filing-filed.png"), full_page=True)
        sign_in(page, live_server.url, "enterprise")
        page.goto(f"{live_server.url}/filings/{filing.code}/")
        expect(page.locator("#filing-phone")).to_have_text("13800001111")
        assert page.locator("#decide-form").count() == 0
        fits(page)
        assert errors == []
    assert Filing.objects.get(pk=filing.pk).state == "filed"


def test_an_on_site_photo_is_checked_as_an_answer_s(city: City, clock: Any) -> None:
    clock(dt.date(2020, 2, 10))
    filing = actions.apply(city.users["enterprise"], city.e_jiangbei, spec())
    refused = signed_in(city, "district").post(f"/filings/{filing.code}/inspection/", {
        "inspected_on": "2020-02-10", "inspectors": "李四",
        "photo": SimpleUploadedFile("现场.png", b"GIF89a not a photo", content_type="image/png")})
    assert refused.status_code == 200 and "只接受 JPG、PNG" in refused.content.decode()
    assert Filing.objects.get(pk=filing.pk).inspected_on is None
