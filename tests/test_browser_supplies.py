"""防疫物资 on a real phone (DOMAIN.md §17), Chromium at 390×844: the enterprise signs in, sees what it may still ask
for, asks over its cap and is told the limit beside the masks' row, asks within it and sees its request with 申请 /
已承诺 / 已发放 apart; once the office commits and issues, the figures and statuses follow and the issue is in its
records. A liaison officer and a county on the same phone. No page wider than the phone, no script or console
error (tests/test_supplies_phone.py holds the access checks)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from .conftest import City, report
from .test_browser import ARTIFACTS, sign_in
from .test_browser_pages import fits, phone_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

D = dt.date(2020, 2, 10)


def _figures(page: Any, code: str, item: str) -> list[str]:
    row = page.locator(f"li[data-code='{code}'] tr[data-item='{item}']")
    return [row.locator(f"[data-figure='{name}']").inner_text() for name in ("requested", "committed", "issued")]


def test_an_enterprise_asks_for_masks_on_its_phone(live_server: Any, city: City, settings: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from playwright.sync_api import expect

    from dualtrack.supplies import actions
    from dualtrack.supplies.actions import NewReceipt
    from dualtrack.supplies.models import SupplyRequest

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.DUALTRACK_CLOCK = f"{D.isoformat()}T10:00:00+08:00"
    report(city.e_jiangbei, D - dt.timedelta(days=1), True, 100)  # 100 × 2 masks × 15 days = 3000
    office = city.users["department"]
    actions.save_depot(office, "CK01", "市应急物资储备库")
    actions.receive(office, NewReceipt(D, "CK01", "KZ", "allocated", 10000, code="RK-1"))
    with phone_page(console_errors=True) as (page, errors):
        sign_in(page, live_server.url, "enterprise")
        page.goto(f"{live_server.url}/supplies/")
        expect(page.locator("#supply-as-of")).to_contain_text("数据截至 2020-02-10")
        expect(page.locator("#next-day")).to_contain_text("现在可以申请")
        expect(page.locator("#workers")).to_contain_text("在岗 100 人")
        expect(page.locator("#caps li[data-item='KZ']")).to_contain_text("每批最多 3000只")
        fits(page)
        page.locator("#supply-apply").click()
        page.wait_for_url(f"{live_server.url}/supplies/apply/")
        expect(page.locator("fieldset.supply-item")).to_have_count(5)
        expect(page.locator("#item-KZ .cap")).to_contain_text("上限 3000只")
        expect(page.locator("#id_needed_by_KZ")).to_have_value("2020-02-11")
        fits(page)
        for field in ("#id_requested_KZ", "#id_needed_by_KZ"):
            box = page.locator(field).bounding_box()
            assert box is not None and box["height"] >= 44  # a thumb's target

        page.fill("#id_requested_KZ", "3001")
        page.fill("#id_requested_XDY", "20")
        page.get_by_role("button", name="提交申请").click()
        expect(page.locator("#item-KZ .errorlist")).to_contain_text("超过上限3000只（在岗100人×每人每日2只×15天）")
        expect(page.locator("#item-XDY .errorlist")).to_have_count(0)
        expect(page.locator("#id_requested_XDY")).to_have_value("20")  # what was typed is kept
        fits(page)
        page.screenshot(path=str(ARTIFACTS / "phone-supplies-refused.png"), full_page=True)
        assert not SupplyRequest.objects.exists()

        page.fill("#id_requested_KZ", "3000")
        page.get_by_role("button", name="提交申请").click()
        page.wait_for_url(f"{live_server.url}/supplies/")
        made = SupplyRequest.objects.get()
        card = page.locator(f"li[data-code='{made.code}']")
        expect(card).to_have_attribute("data-commit", "none")
        expect(card.locator("[data-status='commit']")).to_have_text("未承诺")
        expect(card.locator("[data-status='fulfil']")).to_have_text("未发放")
        expect(card.locator(".queue-position")).to_contain_text("分配队列第 1 位")
        assert _figures(page, made.code, "KZ") == ["3000只", "0只", "0只"]
        assert _figures(page, made.code, "XDY") == ["20公斤", "0公斤", "0公斤"]
        expect(page.locator("#next-day")).to_contain_text("2020-02-17 起可再申请")
        expect(page.locator("#supply-apply")).to_have_count(0)  # asked this week: no form to fill in vain
        fits(page)
        page.screenshot(path=str(ARTIFACTS / "phone-supplies-home.png"), full_page=True)

        line = made.lines.get(item__code="KZ")
        actions.commit(office, line, "CK01", 3000)
        actions.issue(office, line, "CK01", 1000, "张三")
        page.reload()
        assert _figures(page, made.code, "KZ") == ["3000只", "3000只", "1000只"]
        expect(card.locator("[data-status='commit']")).to_have_text("部分承诺")  # the disinfectant: none yet
        expect(card.locator("[data-status='fulfil']")).to_have_text("部分发放")
        fits(page)

        page.locator("#supply-mine-link").click()
        page.wait_for_url(f"{live_server.url}/supplies/mine/")
        entry = page.locator(f"#supply-list li[data-code='{made.code}']")
        summary = entry.locator("summary")
        box = summary.bounding_box()
        assert box is not None and box["height"] >= 44
        expect(entry.locator(".supply-issues")).not_to_be_visible()
        summary.click()
        expect(entry.locator(".supply-issues li")).to_have_text("2020-02-10 · 口罩 1000只 · 市应急物资储备库 · 签收人 张三")
        fits(page)
        page.screenshot(path=str(ARTIFACTS / "phone-supplies-mine.png"), full_page=True)
    assert errors == []


def test_a_liaison_officer_and_a_county_on_their_phones(live_server: Any, city: City, settings: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from playwright.sync_api import expect

    from dualtrack.supplies.models import SupplyRequest

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.DUALTRACK_CLOCK = f"{D.isoformat()}T10:00:00+08:00"
    with phone_page(console_errors=True) as (page, errors):
        sign_in(page, live_server.url, "liaison")
        page.goto(f"{live_server.url}/supplies/")
        expect(page.locator("#supply-enterprises li")).to_have_count(1)
        fits(page)
        page.locator(f"li[data-uscc='{city.e_jiangbei.uscc}'] a").click()
        expect(page.locator("#workers")).to_contain_text("尚未报送在岗人数")  # and says where to report
        expect(page.locator("#workers a")).to_have_attribute("href", f"/resumption/report/?uscc={city.e_jiangbei.uscc}")
        fits(page)
        page.locator("#supply-apply").click()
        page.fill("#id_requested_FHF", "30")
        fits(page)
        page.get_by_role("button", name="提交申请").click()
        page.wait_for_url(f"{live_server.url}/supplies/?uscc={city.e_jiangbei.uscc}")
        expect(page.locator("#supply-requests li.supply-request")).to_have_count(1)
        fits(page)

        sign_in(page, live_server.url, "jiangbei")
        page.goto(f"{live_server.url}/supplies/")
        expect(page.locator("#supply-requests li.supply-request")).to_have_count(1)  # its enterprise's
        fits(page)
        page.locator("#supply-apply").click()
        page.wait_for_url(f"{live_server.url}/supplies/apply/")
        page.select_option("#id_applicant", city.township.code)
        page.fill("#id_requested_KZ", "5000")
        fits(page)
        page.screenshot(path=str(ARTIFACTS / "phone-supplies-county-apply.png"), full_page=True)
        page.get_by_role("button", name="提交申请").click()
        page.wait_for_url(f"{live_server.url}/supplies/")
        expect(page.locator("#supply-requests li.supply-request")).to_have_count(2)
        expect(page.locator("#supply-summary")).to_contain_text("本地申请 2 次")
        fits(page)
        page.goto(f"{live_server.url}/supplies/mine/")
        fits(page)
    assert errors == []
    grassroots = SupplyRequest.objects.get(kind="grassroots")
    assert (grassroots.applicant, grassroots.requested_by) == (city.township.code, city.users["district"])
    assert SupplyRequest.objects.get(kind="key_enterprise").requested_by == city.users["liaison"]
