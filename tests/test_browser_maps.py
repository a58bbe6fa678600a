"""The leader's first screen in a real browser (#28 §1, "Done when"): at 1366×768, without scrolling, 总览 shows the
day, both maps with their legends (the five colours with their meanings; the power index in numeric steps) and
beside them what needs the reader; every county's name is written in a colour of at least 4.5:1 on its fill; on a
390 px phone nothing is wider than the screen. The maps' other pages (疫情图, 复工图, 每日通报) carry the same legends."""

from __future__ import annotations

import re
from typing import Any

import pytest

from dualtrack.core import notifications, zh
from dualtrack.core.colours import MIN_CONTRAST, contrast_ratio
from dualtrack.epidemic.choices import COLOUR_HEX

from .conftest import City, D
from .test_browser import ARTIFACTS, browser_page, sign_in  # noqa: F401  (browser_page: the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
STEP = re.compile(r"^(<\d+|\d+–\d+|≥\d+)$")


def _hex(css: str) -> str:
    """``rgb(46, 125, 50)`` (a computed style) or ``#2e7d32`` as ``#2e7d32``."""
    if css.startswith("#"):
        return css.lower()
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def _boundaries(city: City) -> None:
    for county, x in ((city.jiangbei, 120.0), (city.binhai, 120.3)):
        county.geometry = {"type": "Polygon", "coordinates": [[[x, 29], [x + 0.3, 29], [x + 0.3, 29.25], [x, 29.25],
                                                               [x, 29]]]}
        county.save()


def _box(page: Any, selector: str) -> dict[str, float]:
    locator = page.locator(selector).first
    assert locator.is_visible(), selector
    box = locator.bounding_box()
    assert box is not None, selector
    return box


def _above_the_fold(page: Any, selector: str) -> None:
    box = _box(page, selector)
    assert box["y"] >= 0 and box["y"] + box["height"] <= DESKTOP["height"], (selector, box)
    assert box["x"] >= 0 and box["x"] + box["width"] <= DESKTOP["width"], (selector, box)


def _legends(page: Any) -> None:
    """The two legends as drawn: five colours (with what each means) in the rule set's order, and the power index's
    steps, each a number or a range of numbers; the swatches the colours of the map."""
    colour = page.locator("[data-legend=colour] li[data-entry]:not([data-missing])")
    assert colour.count() == 5
    keys = [colour.nth(i).get_attribute("data-entry") for i in range(5)]
    assert keys == ["red", "orange", "yellow", "blue", "green"]
    for i, key in enumerate(keys):
        entry = colour.nth(i)
        assert entry.locator(".name").inner_text().strip() and entry.locator(".meaning").inner_text().strip()
        swatch = entry.locator(".swatch").evaluate("el => getComputedStyle(el).backgroundColor")
        assert _hex(swatch) == COLOUR_HEX[key]
    assert "近3天有新增确诊" in page.locator("[data-legend=colour]").inner_text()  # yellow's meaning (§3.2)
    steps = page.locator("[data-legend=index] li[data-entry]:not([data-missing])")
    assert steps.count() == 5
    names = [steps.nth(i).locator(".name").inner_text().strip() for i in range(5)]
    assert all(STEP.match(n) for n in names), names
    assert names[0].startswith("<") and names[-1].startswith("≥")


def _chart_option(page: Any, element_id: str) -> dict[str, Any]:
    return page.evaluate(f"""() => {{
        const option = echarts.getInstanceByDom(document.getElementById({element_id!r})).getOption();
        return {{visualMap: option.visualMap || [], data: option.series[0].data}};
    }}""")


def _labels_readable(option: dict[str, Any], fills: dict[str, str] | None = None) -> int:
    """Every county's label colour against its fill (its own, or the fill of its step for the index map): ≥ 4.5."""
    checked = 0
    for item in option["data"]:
        fill = (item.get("itemStyle") or {}).get("areaColor") or (fills or {}).get(item["name"])
        ink = (item.get("label") or {}).get("color")
        assert fill and ink, item
        assert contrast_ratio(_hex(fill), _hex(ink)) >= MIN_CONTRAST, (item["name"], fill, ink)
        checked += 1
    return checked


def _index_fills(option: dict[str, Any]) -> dict[str, str]:
    """The fill of each county of the power-index map: the visualMap piece its value falls in (grey for none)."""
    pieces = option["visualMap"][0]["pieces"]
    fills = {}
    for item in option["data"]:
        value = item.get("value")
        piece = next((p for p in pieces if value is not None and value == value
                      and ("gte" not in p or value >= p["gte"]) and ("lt" not in p or value < p["lt"])), None)
        fills[item["name"]] = piece["color"] if piece else "#bdbdbd"
    return fills


def test_the_leaders_first_screen_holds_the_day_both_maps_with_legends_and_what_needs_him(
        live_server: Any, power_city: City, browser_page: Any) -> None:  # noqa: F811
    _boundaries(power_city)
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    ARTIFACTS.mkdir(exist_ok=True)
    # three automatic tasks of the day reach the leader as one digest (#28 §2), counted once by the bell
    leader = power_city.users["leader"]
    for ref in ("WT2020-00001", "WT2020-00002", "WT2020-00003"):
        notifications.add_to_digest([leader], D, ref, "project", "/problems/escalated/?kind=tasks")
    for username in ("leader", "hq"):
        page.set_viewport_size(DESKTOP)
        sign_in(page, live_server.url, username)
        page.goto(f"{live_server.url}/?date={D.isoformat()}")
        page.locator("#map-colour-situation[data-rendered=true]").wait_for()
        page.locator("#map-index-situation[data-rendered=true]").wait_for()
        assert page.evaluate("window.scrollY") == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
        # the day
        _above_the_fold(page, "#as-of")
        assert D.isoformat() in page.locator("#as-of").inner_text()
        # both maps and both legends, whole, inside the first 768 px
        for selector in ("#map-colour-situation", "#map-index-situation", "[data-legend=colour]",
                         "[data-legend=index]"):
            _above_the_fold(page, selector)
        maps = [_box(page, s) for s in ("#map-colour-situation", "#map-index-situation")]
        assert all(b["width"] >= 400 and b["height"] >= 200 for b in maps), maps  # large enough to read
        _legends(page)
        grey = page.locator("[data-legend=colour] li[data-missing]")  # 滨海区 sent no case report for the day
        assert grey.count() == 1 and "未报送" in grey.inner_text()
        # the index map is stepped (a piecewise visualMap with the legend's numbers), not a gradient
        index = _chart_option(page, "map-index-situation")
        pieces = index["visualMap"][0]["pieces"]
        assert index["visualMap"][0]["type"] == "piecewise" and len(pieces) == 5
        assert [p.get("gte") for p in pieces] == [None, 30, 50, 70, 90]
        assert [p.get("lt") for p in pieces] == [30, 50, 70, 90, None]
        # every county's name legible on its colour
        assert _labels_readable(_chart_option(page, "map-colour-situation")) == 2
        assert _labels_readable(index, _index_fills(index)) == 2
        # what needs the reader: beside the maps, each card's title and count blocks above the fold
        beside = page.locator(".first-beside [data-card]")
        keys = [beside.nth(i).get_attribute("data-card") for i in range(beside.count())]
        assert {"problems", "notices"} <= set(keys), keys
        for key in keys:
            _above_the_fold(page, f".first-beside [data-card='{key}'] h2")
            _above_the_fold(page, f".first-beside [data-card='{key}'] .figures")
        if username == "leader":  # the digest on the first screen, and the bell counting what needs him
            notices = page.locator(".first-beside [data-card='notices']")
            assert "有3项重点项目任务待督办" in notices.inner_text(), notices.inner_text()
            assert page.locator(".bell .badge").inner_text().strip() == str(notifications.unread_count(leader))
        # what the platform wrote on the first screen (the day, legends, card titles, figures and notes): full-width
        written = "\n".join(page.locator(selector).all_inner_texts() and "\n".join(page.locator(selector)
                                                                                 .all_inner_texts())
                            for selector in ("#as-of", "[data-legend]", ".first-beside [data-card] h2",
                                             ".first-beside .figures", "[data-card] .card-note"))
        assert "数据截至" in written and zh.ascii_punctuation(written) == [], zh.ascii_punctuation(written)
        page.screenshot(path=str(ARTIFACTS / f"first-screen-{username}.png"))
    # the same page on a phone: nothing wider than the screen, the legends there
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/?date={D.isoformat()}")
    page.locator("#map-index-situation[data-rendered=true]").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _legends(page)
    page.screenshot(path=str(ARTIFACTS / "first-screen-phone.png"), full_page=True)
    assert errors == []


def test_the_maps_other_pages_carry_the_same_legends(live_server: Any, power_city: City,
                                                     browser_page: Any) -> None:  # noqa: F811
    _boundaries(power_city)
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server.url, "hq")
    page.goto(f"{live_server.url}/epidemic/?date={D.isoformat()}")
    page.locator("#epidemic-map[data-rendered=true]").wait_for()
    assert page.locator("[data-legend=colour] li[data-entry]:not([data-missing])").count() == 5
    assert _labels_readable(_chart_option(page, "epidemic-map")) == 2
    page.goto(f"{live_server.url}/resumption/?date={D.isoformat()}")
    page.locator("#index-map[data-rendered=true]").wait_for()
    assert page.locator("[data-legend=index] li[data-entry]:not([data-missing])").count() == 5
    index = _chart_option(page, "index-map")
    assert index["visualMap"][0]["type"] == "piecewise" and len(index["visualMap"][0]["pieces"]) == 5
    assert _labels_readable(index, _index_fills(index)) == 2
    trend = page.evaluate("() => echarts.getInstanceByDom(document.getElementById('index-trend')).getOption().yAxis[0]")
    assert trend["min"] == 0  # the 30-day trend from 0
    page.goto(f"{live_server.url}/bulletins/?date={D.isoformat()}")
    page.locator("#epidemic-map[data-rendered=true]").wait_for()
    page.locator("#index-map[data-rendered=true]").wait_for()
    _legends(page)
    assert errors == []
