"""Every page, every role, in a real browser (#15 §1).

- The console-error crawl: each page pattern (with the hostile sweep's valid parameters) is opened by every role
  that signs in; a page the role may open must log no console error and throw no script error.
- The phone width test: for the roles that work on phones (enterprise, liaison officer, district and park
  operators), every page they can open is measured on a 390×844 viewport and must not be wider than it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import reverse

from .conftest import City
from .test_browser import ARTIFACTS, CHROMIUM, LAUNCH_ARGS, sign_in
from .test_economy import economy  # noqa: F401  (the fixture)
from .test_hostile_sweep import SKIPPED, _objects, _patterns, _valid_paths

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE_ROLES = {"enterprise", "liaison", "district", "park"}
ROLES = ["hq", "leader", "district", "park", "department", "liaison", "enterprise", "public"]
PHONE = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1366, "height": 768}  # the common office screen
# Downloads, not pages (a browser saves them; nothing is drawn).
DOWNLOADS = ("export", "file", "template", "attachment", "retry_job", "javascript-catalog", "xlsx", "docx")


@contextmanager
def phone_page(args: Sequence[str] = (), init: str | None = None,
               console_errors: bool = False) -> Iterator[tuple[Any, list[str]]]:
    """A 390×844 touch phone in chromium, and the script errors its pages throw (checked by the caller after the
    flow; with ``console_errors`` the console's errors too); ``args`` go to chromium, ``init`` runs before every
    page's scripts. The ORM's connections opened beside Playwright are closed afterwards."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[*LAUNCH_ARGS, *args])
        try:
            context = browser.new_context(viewport=PHONE, locale="zh-CN", has_touch=True, is_mobile=True)
            if init is not None:
                context.add_init_script(init)
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            if console_errors:
                page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            yield page, errors
        finally:
            browser.close()
            connections.close_all()


def fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def _page_urls(city: City) -> list[str]:
    objects = _objects(city)
    valid = _valid_paths(city, objects)
    urls = []
    for name, route in _patterns():
        if name in SKIPPED or "format" in route or any(word in name for word in DOWNLOADS):
            continue
        url = reverse(name, kwargs=valid.get(name, {}))
        if not url.startswith("/api/") and not url.startswith("/admin/"):
            urls.append(url)
    urls.append(reverse("admin:index"))  # HQ's; the others are sent to sign in there
    return sorted(set(urls))


@pytest.mark.parametrize("role", ROLES)
def test_every_page_draws_without_script_errors_and_fits_a_phone(live_server: Any, city: City, role: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from playwright.sync_api import sync_playwright

    from dualtrack.bulletins import services as bulletins
    from dualtrack.resumption import services as resumption

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    urls = _page_urls(city)
    resumption.refresh_pictures()
    bulletins.keep_drafts_current()
    phone = role in PHONE_ROLES
    errors: list[str] = []
    too_wide: list[str] = []
    opened = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(viewport=PHONE if phone else {"width": 1280, "height": 900}, locale="zh-CN")
        current = {"url": ""}
        page.on("console", lambda message: errors.append(f"{current['url']}: {message.text}")
                if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(f"{current['url']}: {error}"))
        sign_in(page, live_server.url, city.users[role].username)
        for url in urls:
            current["url"] = url
            # The status first, from the same session: a page the role may not open (403/404) or a POST-only
            # address (405) is not drawn, and the browser would log its failed load as a console error.
            status = page.request.get(f"{live_server.url}{url}", max_redirects=0).status
            assert status < 500, f"{role} {url}: {status}"
            if status != 200:
                continue
            page.goto(f"{live_server.url}{url}", wait_until="load")
            opened += 1
            # htmx fragments and charts: wait until no request is in flight and every chart has drawn.
            page.wait_for_function("!document.querySelector('.htmx-request')")
            page.wait_for_timeout(50)
            if phone:
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    too_wide.append(f"{url}: {width}px")
                    ARTIFACTS.mkdir(exist_ok=True)
                    page.screenshot(path=str(ARTIFACTS / f"too-wide-{role}-{url.strip('/').replace('/', '-')}.png"))
        browser.close()
    from django.db import connections

    connections.close_all()
    assert opened >= 3, f"{role} opened only {opened} pages"
    assert errors == [], "\n".join(errors)
    assert too_wide == [], f"{role} on a 390 px phone: " + ", ".join(too_wide)


def test_phone_flows_of_enterprise_liaison_and_district(live_server: Any, city: City, tmp_path: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """On a 390×844 phone: the enterprise reports resumption and a problem with a photo from the menu, is told
    when it is answered and closes it (满意，销号); the liaison officer reports for an enterprise in their care
    and logs a visit; the district operator finds the problem as a card in the ledger. Every page fits."""
    from PIL import Image
    from playwright.sync_api import expect

    from dualtrack.problems import services as problems
    from dualtrack.problems.models import Category, Problem
    from dualtrack.resumption.models import ResumptionReport

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    photo = tmp_path / "现场照片.png"
    Image.new("RGB", (64, 48), (200, 40, 40)).save(photo)
    ARTIFACTS.mkdir(exist_ok=True)
    with phone_page() as (page, errors):

        def menu(label: str) -> None:
            nav = page.locator("header nav")
            expect(nav).to_be_hidden()  # folded away on a phone
            page.click("[data-menu-toggle]")
            expect(nav).to_be_visible()
            nav.get_by_role("link", name=label, exact=True).click()
            page.wait_for_load_state("load")
            fits(page)

        sign_in(page, live_server.url, "enterprise")
        assert page.locator("header.top").bounding_box()["height"] <= 60  # one line: title, bell, menu
        menu("今日复工")
        page.fill("#id_workers_on_duty", "35")
        page.get_by_role("button", name="今日已复工").click()
        expect(page.locator(".messages")).to_contain_text("已报送")
        report = ResumptionReport.objects.get(enterprise=city.e_jiangbei)
        assert report.resumed and report.workers_on_duty == 35
        menu("反映问题")
        page.fill("textarea[name=description]", "厂区门口道路封闭,货车进不来,请协调")
        page.set_input_files("input[type=file]", str(photo))
        page.get_by_role("button", name="提交").click()
        expect(page.locator("#attachments")).to_contain_text("现场照片.png")
        fits(page)
        problem = Problem.objects.get(enterprise=city.e_jiangbei)
        assert problem.attachments.count() == 1
        hq, handler = city.users["hq"], city.users["department"]
        problem = problems.move(problem.pk, problem.version, "triaged", hq, "归类",
                                category=Category.objects.first(), department=city.department, complexity="simple")
        problem = problems.move(problem.pk, problem.version, "assigned", hq, "转办")
        problems.move(problem.pk, problem.version, "resolved", handler, "", answer="已协调交警临时放行")
        page.goto(f"{live_server.url}/notifications/")
        fits(page)
        page.get_by_text(f"您反映的问题 {problem.ref} 已办结").click()
        expect(page.locator("#problem-state")).to_have_text("办结")
        fits(page)
        form = page.locator("form.move[data-to='closed']")
        expect(form.locator("button[type=submit]")).to_have_text("满意，销号")
        expect(page.locator("form.move[data-to='in_progress'] button[type=submit]")).to_have_text("不满意，重新办理")
        form.locator("[name=comment]").fill("满意")
        form.locator("button[type=submit]").click()
        expect(page.locator("#problem-state")).to_have_text("销号")
        page.screenshot(path=str(ARTIFACTS / "phone-enterprise-problem-closed.png"), full_page=True)

        sign_in(page, live_server.url, "liaison")
        menu("今日复工")
        expect(page.locator("#report-for")).to_contain_text("今日已报")  # the enterprise's own report
        page.locator("#report-for").get_by_role("link", name=city.e_jiangbei.name).click()
        page.get_by_role("button", name="今日未复工").click()
        expect(page.locator(".messages")).to_contain_text("已报送")
        assert ResumptionReport.objects.get(enterprise=city.e_jiangbei).source == "on_behalf"
        menu("走访记录")
        page.select_option("select[name=enterprise]", label=city.e_jiangbei.name)
        page.fill("textarea[name=notes]", "了解道路封闭问题办理情况,企业满意")
        page.get_by_role("button", name="保存").click()
        expect(page.locator("#visits")).to_contain_text("了解道路封闭问题办理情况")
        fits(page)
        page.screenshot(path=str(ARTIFACTS / "phone-liaison-visits.png"), full_page=True)

        sign_in(page, live_server.url, "jiangbei")
        menu("问题闭环")
        row = page.locator("table.stack tbody tr", has_text=problem.ref)
        expect(row).to_be_visible()
        # a card: each value under its column's name, one column wide
        assert row.bounding_box()["width"] <= PHONE["width"]
        page.screenshot(path=str(ARTIFACTS / "phone-district-problems.png"), full_page=False)
    assert errors == []


def test_phone_scans_close_the_worker_return_loop(live_server: Any, city: City, tmp_path: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """On a 390×844 phone: the origin county scans the slip at boarding (a fever is refused), the enterprise scans
    it at arrival and again for the receipt, and the worker's state is received."""
    from playwright.sync_api import expect

    from dualtrack.workreturn import services
    from dualtrack.workreturn.models import Trip, Worker

    from .test_workreturn import WORKER_HEADER, load

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    hq, target = city.users["hq"], city.e_jiangbei.uscc
    rows = [WORKER_HEADER, ["W001", "马建军", "13900000001", "33910619900101001X", "339106100201", target, "否",
                            "14天无外出证明", "2020-02-10"],
            ["W002", "马海", "13900000002", "33910619900101002X", "339106100201", target, "否", "健康证明", "2020-02-10"]]
    assert load(hq, "workers", rows).ok
    assert load(hq, "trips", [["车次编号", "出发地区划代码", "目的企业信用代码", "出发时间", "车牌号", "核载座位"],
                              ["T1", "339106", target, "2020-02-15 07:00", "宁B12345", 44]]).ok
    services.set_manifest(hq, Trip.objects.get(code="T1"), list(Worker.objects.order_by("code")))
    token = Worker.objects.get(code="W001").slip_token
    with phone_page() as (page, errors):

        def scan(mode: str, code: str, temperature: str = "") -> str:
            page.goto(f"{live_server.url}/worker-return/scan/?mode={mode}&trip=T1")
            if temperature:
                page.fill("#id_temperature", temperature)
            page.fill("#id_code", code)
            page.get_by_role("button", name="确认").click()
            fits(page)
            return page.locator("#scan-outcome").inner_text()

        sign_in(page, live_server.url, "binhai")
        assert "准予上车" in scan("boarding", token, "36.6")
        assert "不准上车" in scan("boarding", "W002", "37.5")
        page.screenshot(path=str(ARTIFACTS / "phone-worker-return-refused.png"))
        sign_in(page, live_server.url, "enterprise")
        assert "车次 T1 已到达" in scan("arrival", token)
        expect(page.locator("[data-for-mode=boarding]")).to_be_hidden()  # no trip or temperature at arrival
        assert "闭环完成" in scan("receipt", token)
        page.screenshot(path=str(ARTIFACTS / "phone-worker-return-receipt.png"))
    assert errors == []
    states = {w.code: w.state for w in services.campaign(dt_now()).workers}
    assert states == {"W001": "received", "W002": "refused"}


def dt_now() -> Any:
    from django.utils import timezone

    return timezone.now()


def test_phone_flow_of_a_countys_investment_staff(live_server: Any, city: City,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """On a 390×844 phone the district's investment staff record a lead from the 招商引资 menu, log an online
    negotiation (云招商), sign it with another at one ceremony, register the company and start it: the lead becomes
    a key project. Every page fits the screen."""
    from playwright.sync_api import expect

    from dualtrack.investment.models import Lead, LeadActivity
    from dualtrack.projects.models import Project

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    Lead.objects.create(code="ZS2020-0900", name="冷链物流中心", investor="某物流", amount=Decimal(6),
                        county=city.jiangbei, stage="talks")
    with phone_page() as (page, errors):

        sign_in(page, live_server.url, city.users["district"].username)
        page.click("text=菜单")
        page.click("nav >> text=招商引资")
        page.click("text=登记招商线索")
        fits(page)
        page.fill("#id_name", "新能源汽车零部件产业园")
        page.fill("#id_investor", "某汽车集团")
        page.select_option("#id_investor_class", "private500")
        page.fill("#id_amount", "12.5")
        page.fill("#id_informant", "王明")
        page.click("#lead-form button[type=submit]")
        expect(page.locator("h1")).to_have_text("新能源汽车零部件产业园")
        fits(page)
        lead = Lead.objects.get(name="新能源汽车零部件产业园")
        assert (lead.county, lead.informant, lead.stage) == (city.jiangbei, "王明", "lead")
        page.fill("#id_activity_date", "2020-03-02")
        page.select_option("#id_activity_kind", "online")
        page.fill("#id_activity_note", "视频洽谈,确定签约意向")
        page.click("#activity-form button[type=submit]")
        expect(page.locator("#activities")).to_contain_text("视频洽谈")
        page.goto(f"{live_server.url}/investment/signing/")
        fits(page)
        page.fill("#id_date", "2020-03-20")
        page.fill("#id_place", "2020年一季度云签约仪式")
        page.check(f"input[value='{lead.code}']")
        page.check("input[value='ZS2020-0900']")
        page.click("#signing-form button[type=submit]")
        expect(page.locator(".messages")).to_contain_text("2 个项目已正式签约")
        assert set(Lead.objects.values_list("stage", flat=True)) == {"signed"}
        assert LeadActivity.objects.filter(kind="signing").count() == 2
        page.goto(f"{live_server.url}/investment/leads/{lead.code}/")
        page.select_option("#id_stage_stage", "registered")
        page.fill("#id_stage_uscc", city.e_jiangbei.uscc)
        page.click("#stage-form button[type=submit]")
        expect(page.locator("#lead-enterprise")).to_have_text(city.e_jiangbei.name)
        page.select_option("#id_stage_stage", "started")
        page.fill("#id_stage_date", "2020-04-15")
        page.click("#stage-form button[type=submit]")
        expect(page.locator("#lead-project")).to_have_text(f"ZS-{lead.code}")
        fits(page)
        assert Project.objects.get(code=f"ZS-{lead.code}").owner == city.e_jiangbei
    assert errors == []


# What reaches past the viewport's right edge, other than what a scroll container of its own clips.
PAST_THE_EDGE = """() => [...document.querySelectorAll("body *")].filter(e => {
    let box = e.getBoundingClientRect();
    if (box.width === 0 || box.right <= innerWidth + 0.5) return false;
    for (let up = e.parentElement; up; up = up.parentElement) {
        if (getComputedStyle(up).overflowX !== "visible" && up !== document.body && up !== document.documentElement) {
            return up.getBoundingClientRect().right > innerWidth + 0.5;
        }
    }
    return true;
}).map(e => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""} ${Math.round(e.getBoundingClientRect().right)}px`)"""


def test_the_english_economy_page_fits_a_1366_px_desktop(live_server: Any, economy: City,  # noqa: F811
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """经济运行 in English on a 1366 px office screen: the long English headings made the indicators' table 11 px wider
    than the screen, and the whole page scrolled sideways. The headings wrap: the table fits its card, and nothing on
    the page reaches past the screen's edge."""
    from django.conf import settings
    from django.db import connections
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport=DESKTOP, locale="en-GB")
            sign_in(page, live_server.url, economy.users["hq"].username)
            page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
            page.goto(f"{live_server.url}/economy/?month=2020-05", wait_until="load")
            assert page.locator("html").get_attribute("lang") == "en"
            table = page.locator("#scope-rows")
            assert table.locator("th").first.inner_text() == "Indicator"
            width = page.evaluate("document.documentElement.scrollWidth")
            past = page.evaluate(PAST_THE_EDGE)
            fits_card = page.evaluate("(() => { const t = document.querySelector('#scope-rows'); "
                                      "return t.getBoundingClientRect().right <= "
                                      "t.closest('.card').getBoundingClientRect().right; })()")
            if width > DESKTOP["width"] or past or not fits_card:
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "economy-en-1366.png"), full_page=True)
        finally:
            browser.close()
            connections.close_all()
    assert width <= DESKTOP["width"] and past == [], (width, past)
    assert fits_card

