"""A district operator in a real browser (Playwright driving Debian's chromium): sign in, upload a bad
file and read its errors, upload a good one and find the rows."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import expect

from dualtrack.registry.models import Enterprise
from dualtrack.registry.validators import make_uscc

from .conftest import PASSWORD, City
from .helpers import ENTERPRISE_HEADER, csv_bytes, enterprise_row, xlsx_bytes

# Live-server tests flush the database afterwards; serialized rollback puts back what migrations loaded
# (GB/T 4754 industries, default rule sets) for the tests that follow.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]


def sign_in(page: Any, base_url: str, username: str) -> None:
    """Sign in at the login page as ``username`` (any earlier session's cookies dropped) and wait for 总览."""
    page.context.clear_cookies()
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Any:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("DUALTRACK_SKIP_BROWSER") == "1":
            pytest.skip("DUALTRACK_SKIP_BROWSER=1 and no chromium")
        pytest.fail(f"chromium not found at {CHROMIUM}: `./run test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM is used beside Playwright's event loop
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        yield page
        browser.close()
        # ORM calls made beside Playwright's event loop open connections of their own: close them, or
        # PostgreSQL could not drop the test database afterwards.
        connections.close_all()


def test_district_operator_uploads_bad_then_good_file(live_server: Any, city: City,
                                                       browser_page: Any, tmp_path: Path) -> None:
    page = browser_page
    ARTIFACTS.mkdir(exist_ok=True)
    sign_in(page, live_server.url, "jiangbei")
    page.locator("header nav").get_by_role("link", name="数据导入").click()
    page.locator("main").get_by_role("link", name="企业名录").click()

    bad = tmp_path / "企业名录-有错.csv"
    wrong_check = make_uscc("91339102MA0000777")[:-1]
    wrong_check += "0" if make_uscc("91339102MA0000777")[-1] != "0" else "1"
    bad.write_bytes(csv_bytes([
        ENTERPRISE_HEADER,
        enterprise_row(wrong_check, "校验位错误有限公司"),
        enterprise_row(make_uscc("91339106MA0000778"), "滨海越权有限公司", county="339106"),
        enterprise_row(make_uscc("91339102MA0000779"), "日期错误有限公司", established="2020-13-01"),
    ]))
    page.set_input_files("input[type=file]", str(bad))
    page.click("text=上传并导入")
    errors = page.locator("#import-errors")
    errors.wait_for()
    rows = errors.locator("tbody tr")
    assert rows.count() == 3
    cells = [rows.nth(i).locator("td").all_inner_texts() for i in range(3)]
    assert [(c[0], c[1]) for c in cells] == [("2", "统一社会信用代码"), ("3", "区划代码"), ("4", "成立日期")]
    assert "校验位" in cells[0][3] and "无权" in cells[1][3] and "日期" in cells[2][3]
    page.screenshot(path=str(ARTIFACTS / "import-errors.png"), full_page=True)
    assert Enterprise.objects.count() == 3

    good = tmp_path / "企业名录.xlsx"
    codes = [make_uscc("91339102MA0000781"), make_uscc("91339102MA0000782")]
    good.write_bytes(xlsx_bytes([
        ENTERPRISE_HEADER,
        enterprise_row(codes[0], "江北瑞丰精密机械有限公司", park="GXQ", accounts="3302777001"),
        enterprise_row(codes[1], "江北永盛商贸有限公司", industry="F5123", size="限上服务业", headcount=36),
    ]))
    page.set_input_files("input[type=file]", str(good))
    page.click("text=上传并导入")
    page.locator("#import-result").wait_for()
    assert "新增 2" in page.locator("#import-result").inner_text()

    page.locator("header nav").get_by_role("link", name="企业名录").click()
    page.fill("input[name=q]", "江北瑞丰")
    page.keyboard.press("Enter")
    expect(page.locator("#enterprises tbody tr")).to_have_count(1)  # htmx swapped the filtered table in
    expect(page.locator("#enterprises tbody tr")).to_contain_text("江北瑞丰精密机械有限公司")
    assert "q=" in page.url  # the filter is in the address, so the page can be shared and reloaded
    # Enter sends the form's change and then its submit (queued one after the other, hx-sync): the table is
    # swapped twice, and a click can land on the row being swapped out. Follow the row's link instead.
    link = page.locator("#enterprises tbody a", has_text=codes[0])
    page.goto(live_server.url + link.get_attribute("href"))
    page.wait_for_selector("text=3302777001")
    page.screenshot(path=str(ARTIFACTS / "enterprise-detail.png"), full_page=True)
    assert set(Enterprise.objects.filter(uscc__in=codes).values_list("county__code", flat=True)) == {"339102"}


def test_map_shows_each_countys_colour(live_server: Any, city: City,
                                       browser_page: Any) -> None:
    import datetime as dt

    from dualtrack.epidemic.models import CaseReport, ClusterEvent
    from dualtrack.epidemic.services import situation

    day = dt.date(2020, 2, 12)
    CaseReport.objects.create(date=day - dt.timedelta(days=1), county=city.jiangbei, new_confirmed=3, new_local=3)
    ClusterEvent.objects.create(date=day - dt.timedelta(days=4), county=city.binhai, cases=3, description="聚集")
    square = {"type": "Polygon", "coordinates": [[[120, 29], [120.2, 29], [120.2, 29.2], [120, 29.2], [120, 29]]]}
    city.jiangbei.geometry = square
    city.jiangbei.save()
    expected = {r["code"]: r["risk"]["colour"] for r in situation(day)["regions"]}
    assert expected == {"339102": "yellow", "339106": "orange"}
    page = browser_page
    sign_in(page, live_server.url, "hq")
    page.goto(f"{live_server.url}/epidemic/?date={day.isoformat()}")
    page.locator("#epidemic-map[data-rendered=true]").wait_for()
    for code, colour in expected.items():
        row = page.locator(f"#situation-table tr[data-county='{code}']")
        assert row.get_attribute("data-colour") == colour
        assert row.locator(f".colour-cell .colour-{colour}").count() == 1
    assert page.locator("#epidemic-map canvas").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "epidemic-map.png"), full_page=True)


def test_a_problem_followed_to_closure(live_server: Any, city: City, browser_page: Any) -> None:
    """Enterprise reports → HQ triages and assigns → department resolves → enterprise confirms → closed."""
    page = browser_page

    def move(to_state: str, **fields: str) -> None:
        form = page.locator(f"form.move[data-to='{to_state}']")
        for name, value in fields.items():
            target = form.locator(f"[name={name}]")
            if target.evaluate("e => e.tagName") == "SELECT":
                target.select_option(value)
            else:
                target.fill(value)
        form.locator("button[type=submit]").click()
        expect(page.locator("#problem-state")).not_to_have_text("")

    sign_in(page, live_server.url, "enterprise")
    page.goto(f"{live_server.url}/problems/new/")
    page.fill("textarea[name=description]", "复工员工缺少口罩,请协调")
    page.click("text=提交")
    ref = page.locator("h1").inner_text().split(" ")[0]
    sign_in(page, live_server.url, "hq")
    page.goto(f"{live_server.url}/problems/{ref}/")
    move("triaged", department="JXJ", complexity="general")
    move("assigned", comment="请市经信局限时办结")
    expect(page.locator("#problem-state")).to_have_text("转办")
    sign_in(page, live_server.url, "jingxin")
    page.goto(f"{live_server.url}/problems/inbox/")
    page.click(f"text={ref}")
    move("resolved", answer="已协调口罩2万只")
    expect(page.locator("#problem-state")).to_have_text("办结")
    sign_in(page, live_server.url, "enterprise")
    page.goto(f"{live_server.url}/problems/{ref}/")
    move("closed", comment="问题已解决,满意")
    expect(page.locator("#problem-state")).to_have_text("销号")
    assert page.locator("#history tr").count() == 6  # header + five steps
    page.screenshot(path=str(ARTIFACTS / "problem-closed.png"), full_page=True)


def test_each_roles_overview_shows_the_situation_numbers(live_server: Any, power_city: City,
                                                         browser_page: Any) -> None:
    """总览 per role in a real browser: the figures are those of ``dualtrack situation --json`` for the day, the two
    maps draw, a day without readings says 数据未到, and no page logs a console error."""
    import datetime as dt
    import io
    import json

    from django.core.management import call_command

    from dualtrack.resumption import services as pictures

    from .conftest import D

    square = {"type": "Polygon", "coordinates": [[[120, 29], [120.2, 29], [120.2, 29.2], [120, 29.2], [120, 29]]]}
    for county in (power_city.jiangbei, power_city.binhai):
        county.geometry = square
        county.save()
    out = io.StringIO()
    call_command("situation", "--date", D.isoformat(), "--json", stdout=out)
    city_figures = json.loads(out.getvalue())["city"]
    district_figures = pictures.situation(D, user=power_city.users["district"])["city"]
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    def figure(key: str) -> str:
        return page.locator(f"[data-figure='{key}'] .n").first.inner_text().strip()

    for username, expected in (("hq", city_figures), ("jiangbei", district_figures)):
        sign_in(page, live_server.url, username)
        page.goto(f"{live_server.url}/?date={D.isoformat()}")
        page.locator("#map-colour-situation[data-rendered=true]").wait_for()
        page.locator("#map-index-situation[data-rendered=true]").wait_for()
        assert figure("resumption_rate") == f"{expected['resumption']['rate'] * 100:.1f}%"
        assert figure("power_index") == f"{expected['power']['index']:.2f}"
        assert figure("energy_share") == f"{expected['power']['energy_share'] * 100:.1f}%"
        assert figure("new_confirmed") == str(expected["risk"]["new_confirmed"])
        page.screenshot(path=str(ARTIFACTS / f"overview-{username}.png"), full_page=True)
    page.goto(f"{live_server.url}/?date={(D + dt.timedelta(days=1)).isoformat()}")  # no readings, no case reports
    assert figure("power_index") == "数据未到" and figure("new_confirmed") == "未报送"
    for username, card in (("liaison", "liaison-enterprises"), ("enterprise", "own-status")):
        sign_in(page, live_server.url, username)
        page.goto(f"{live_server.url}/?date={D.isoformat()}")
        assert page.locator(f"[data-card='{card}']").count() == 1
        assert page.locator("[data-card='situation']").count() == 0
    assert errors == []
