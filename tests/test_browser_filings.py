"""复工备案 on a real phone (DOMAIN.md §16), Chromium at 390×844: the enterprise signs in, applies with the seven
checklist items answered by thumb (one unmet with a note, one with a photo), sees 待审核 with its due day; keeps
today's 防疫台账; no page wider than the phone, no script or console error (tests/test_filings_phone.py holds the
access checks)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from .conftest import City
from .test_browser import ARTIFACTS, sign_in
from .test_browser_pages import fits, phone_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CODES = ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]


def _photo(path: Path) -> Path:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def test_an_enterprise_applies_on_its_phone(live_server: Any, city: City, settings: Any, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from playwright.sync_api import expect

    from dualtrack.filings.models import EnterpriseHealth, Filing, FilingItem

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.DUALTRACK_CLOCK = "2020-02-07T10:00:00+08:00"  # a Friday: due at the end of Monday
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = _photo(tmp_path / "测温.jpg")
    with phone_page(console_errors=True) as (page, errors):
        sign_in(page, live_server.url, "enterprise")
        page.goto(f"{live_server.url}/filings/")
        expect(page.locator("#filing-state")).to_have_attribute("data-state", "none")
        fits(page)
        page.locator("#filing-apply").click()
        page.wait_for_url(f"{live_server.url}/filings/apply/")
        expect(page.locator("fieldset.check-item")).to_have_count(7)
        fits(page)

        page.fill("#id_planned_on", "2020-02-10")
        page.fill("#id_planned_workers", "40")
        page.fill("#id_workers_from_outside", "6")
        page.fill("#id_officer", "王防控")
        page.fill("#id_phone", "13800001111")
        for code in CODES:
            choice = page.locator(f"#item-{code} label.met-{'0' if code == 'C2' else '1'}")
            box = choice.bounding_box()
            assert box is not None and box["height"] >= 44 and box["width"] >= 120  # a thumb's target
            choice.click()  # the label, not the tiny circle
            expect(choice.locator("input")).to_be_checked()
        page.fill("#id_note_C2", "低风险地区，无须隔离观察")
        # a photo above 5 MB is said at once and taken off, before a slow upload (filings.js)
        page.set_input_files("#id_photo_C5", files=[{"name": "大图.jpg", "mimeType": "image/jpeg",
                                                     "buffer": b"\xff\xd8\xff" + b"\0" * (5 * 1024 * 1024)}])
        expect(page.locator("#item-C5 .photo-too-big")).to_be_visible()
        assert page.evaluate("document.querySelector('#id_photo_C5').files.length") == 0
        page.set_input_files("#id_photo_C4", str(photo))
        fits(page)
        page.screenshot(path=str(ARTIFACTS / "phone-filing-apply.png"), full_page=True)
        page.get_by_role("button", name="提交申请").click()

        page.wait_for_url(f"{live_server.url}/filings/")
        state = page.locator("#filing-state")
        expect(state).to_have_attribute("data-state", "applied")
        expect(state.locator(".state-word")).to_have_text("待审核")
        expect(page.locator("#filing-due")).to_contain_text("2020-02-10")
        expect(page.locator("#filing-answers li")).to_have_count(7)
        expect(page.locator("#filing-apply")).to_have_count(0)  # pending: no second application
        fits(page)
        page.screenshot(path=str(ARTIFACTS / "phone-filing-applied.png"), full_page=True)

        # today's 防疫台账, one screen, beside 今日复工
        page.goto(f"{live_server.url}/resumption/report/")
        page.locator("#ledger-link a").click()
        page.wait_for_url(f"{live_server.url}/filings/ledger/")
        for name, value in (("on_duty", "38"), ("from_outside", "6"), ("under_observation", "6"), ("fever", "0"),
                            ("masks", "800"), ("disinfectant_kg", "20")):
            page.fill(f"#id_{name}", value)
        button = page.get_by_role("button", name="保存")
        box = button.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 844  # the whole day on one screen
        fits(page)
        page.screenshot(path=str(ARTIFACTS / "phone-filing-ledger.png"))
        button.click()
        expect(page.locator("#ledger-status .tag")).to_have_text("今日已填报")
        expect(page.locator("#id_on_duty")).to_have_value("38")
        fits(page)
    assert errors == []
    filing = Filing.objects.get(enterprise=city.e_jiangbei)
    assert (filing.state, filing.due_on, filing.planned_workers) == ("applied", dt.date(2020, 2, 10), 40)
    assert not FilingItem.objects.get(filing=filing, item__code="C2").met
    assert FilingItem.objects.get(filing=filing, item__code="C4").photo
    assert EnterpriseHealth.objects.get(enterprise=city.e_jiangbei).on_duty == 38


def test_a_liaison_officer_closes_a_visit_on_its_phone(live_server: Any, city: City, settings: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The officer's enterprises with their state and links, the open visit counted; closed on the visits page."""
    from playwright.sync_api import expect

    from dualtrack.filings.models import UnfiledVisit

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.DUALTRACK_CLOCK = "2020-02-10T10:00:00+08:00"
    city.users["liaison"].assigned_enterprises.add(city.e_jiangbei_park)
    visit = UnfiledVisit.objects.create(enterprise=city.e_jiangbei_park, source="power", found_on=dt.date(2020, 2, 9),
                                        officer=city.users["liaison"])
    with phone_page(console_errors=True) as (page, errors):
        sign_in(page, live_server.url, "liaison")
        page.goto(f"{live_server.url}/filings/")
        expect(page.locator("#filing-enterprises li")).to_have_count(2)
        expect(page.locator("#open-visits")).to_contain_text("1")
        expect(page.locator(f"li[data-uscc='{city.e_jiangbei_park.uscc}']")).to_contain_text("复工未备案")
        fits(page)
        page.screenshot(path=str(ARTIFACTS / "phone-filing-liaison.png"), full_page=True)
        page.locator("#open-visits a").click()
        page.wait_for_url(f"{live_server.url}/filings/visits/")
        item = page.locator(f"li[data-visit='{visit.pk}']")
        expect(item).to_contain_text("用电监测")
        fits(page)
        item.locator("textarea").fill("已上门，企业当日申请备案")
        item.get_by_role("button", name="核查完毕").click()
        expect(page.locator(f"li[data-visit='{visit.pk}']")).to_have_attribute("data-state", "done")
        fits(page)
        page.screenshot(path=str(ARTIFACTS / "phone-filing-visits.png"), full_page=True)
    assert errors == []
    visit.refresh_from_db()
    assert (visit.state, visit.note) == ("done", "已上门，企业当日申请备案")
