"""脱贫攻坚作战图 as a map that drills down (#28 §1): the counties coloured by their warning and 挂牌督战, with a legend;
a county opens its townships, each folding its villages; a township its villages; the county named at the top
(全市 › 县 › 乡镇); every 未销号 link filtered to its area; another county's areas 404 to a county's operator; the
figures read from the stored year, never judged in the request. And the English words of #28 §5."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from dualtrack.core import judgements
from dualtrack.core.dates import SHANGHAI
from dualtrack.poverty import findings, warmap
from dualtrack.poverty.models import RegionFlag
from dualtrack.registry.models import Region

from .conftest import City
from .test_poverty import CHECKS, HOUSEHOLDS, load, villages  # noqa: F401 - the fixture

DAY = "2020-05-11"
MONDAY = dt.datetime(2020, 5, 11, 9, 0, tzinfo=SHANGHAI)
ASKED = {"year": "2020", "date": DAY}


def square(x: float, y: float) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]}


@pytest.fixture
def drilled(villages: City) -> City:  # noqa: F811 - the fixture imported above
    """滨海区 (挂牌督战, 深度贫困): 滨海一镇 with 2 villages, 滨海二镇 with 2 villages; 江北区: one village; 临海区 without
    households. 滨海区 warns (a household monitored of four), 江北区 does not. Findings: two in 滨海一镇一村, one in
    滨海二镇一村, one in 江北区."""
    binhai = villages.binhai
    first = Region.objects.get(code="339106001")
    second = Region.objects.create(code="339106002", name="滨海二镇", level="township", parent=binhai)
    Region.objects.create(code="339106001202", name="滨海一镇二村", level="village", parent=first)
    Region.objects.create(code="339106002201", name="滨海二镇一村", level="village", parent=second)
    Region.objects.create(code="339106002202", name="滨海二镇二村", level="village", parent=second)
    Region.objects.create(code="339181", name="临海区", level="county", parent=villages.city, geometry=square(2, 0))
    Region.objects.filter(code="339102").update(geometry=square(0, 0))
    Region.objects.filter(code="339106").update(geometry=square(1, 0))
    office = villages.users["office"]
    assert load(office, "households", [
        HOUSEHOLDS, ["H1", "马福", "339102196501011234", "339102001201", 4, "脱贫户", 2015, "", ""],
        ["H2", "杨春", "339106196501011235", "339106001201", 3, "贫困户", 2016, "", ""],
        ["H3", "杨夏", "339106196501011236", "339106001202", 3, "贫困户", 2016, "", ""],
        ["H4", "杨秋", "339106196501011237", "339106002201", 3, "贫困户", 2016, "", ""],
        ["H5", "杨冬", "339106196501011238", "339106002202", 3, "贫困户", 2016, "", ""]]).ok
    ok = ["是"] * 6
    assert load(office, "household_checks", [
        CHECKS, ["H1", 2020, "9000", "9000", "", *ok, "B", "2020-04-10"],
        ["H2", 2020, "3900", "", "", "是", "是", "是", "否", "是", "是", "A", "2020-04-10"],  # below, monitored
        ["H3", 2020, "9000", "9000", "", *ok, "B", "2020-04-10"],
        ["H4", 2020, "5000", "5000", "", *ok, "B", "2020-04-10"],  # meets it, monitored (below 1.5 × S)
        ["H5", 2020, "9000", "9000", "", *ok, "B", "2020-04-10"]]).ok
    for village, household in (("339106001201", "H2"), ("339106001201", "H2"), ("339106002201", "H4"),
                               ("339102001201", "H1")):
        findings.raise_finding(office, source="inspection", village_code=village, household_code=household,
                               description="住房等级C级，危房改造未完成", found_on=MONDAY.date(), working_days=5,
                               at=MONDAY)
    return villages


def unwrap(page: Any) -> str:
    assert page.status_code == 200, page.status_code
    return str(page.content.decode())


def payload(body: str) -> dict[str, Any]:
    found = re.search(r'<script id="poverty-map-data" type="application/json">(.*?)</script>', body, re.S)
    assert found is not None
    return dict(json.loads(found.group(1)))


def crumbs(body: str) -> list[str]:
    nav = re.search(r'<nav class="crumbs" id="war-map-crumbs"[^>]*>(.*?)</nav>', body, re.S)
    assert nav is not None
    return [re.sub(r"<[^>]+>", "", part).strip() for part in nav.group(1).split('<span class="sep" aria-hidden="true"> › </span>')]


def codes_in(fragment: str) -> list[str]:
    return re.findall(r'<tr data-code="(\d+)"', fragment)


def details(body: str) -> dict[str, str]:
    """Each township's <details> block by its code."""
    return dict(re.findall(r'<details class="pv-node" id="township-(\d+)".*?>(.*?)</details>', body, re.S))


def query(href: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(html.unescape(href)).query).items()}


def test_the_city_shows_counties_only_and_a_county_nests_its_townships_over_their_villages(
        drilled: City, client: Any) -> None:
    client.force_login(drilled.users["hq"])
    city = unwrap(client.get("/poverty/", ASKED))
    assert crumbs(city) == ["全市"]
    assert codes_in(city.split('id="war-map"')[1].split("</table>")[0]) == ["339102", "339106"]  # counties only
    assert "339106001" not in city and "township-" not in city
    drill = re.search(r'<a href="([^"]+)">滨海区</a>', city)
    assert drill is not None and query(drill.group(1)) == {"year": "2020", "date": DAY, "area": "339106"}

    county = unwrap(client.get("/poverty/", {**ASKED, "area": "339106"}))
    assert crumbs(county) == ["全市", "滨海区"]  # the county named at the top
    assert re.search(r'<a href="[^"]*">全市</a><span class="sep"', county)  # back to the city
    folded = details(county)
    assert list(folded) == ["339106001", "339106002"]
    assert codes_in(folded["339106001"]) == ["339106001201", "339106001202"]
    assert codes_in(folded["339106002"]) == ["339106002201", "339106002202"]
    assert "<details class=\"pv-node\" id=\"township-339106001\" data-code=\"339106001\">" in county  # folded: closed
    assert "339102001201" not in county  # not another county's villages

    township = unwrap(client.get("/poverty/", {**ASKED, "area": "339106002"}))
    assert crumbs(township) == ["全市", "滨海区", "滨海二镇"]
    county_link = re.search(r'<a href="([^"]+)">滨海区</a><span class="sep"', township)
    assert county_link is not None and query(county_link.group(1))["area"] == "339106"
    assert codes_in(township.split('id="war-map-tree"')[1]) == ["339106002201", "339106002202"]
    assert "滨海一镇二村" not in township


def test_villages_open_their_households_for_the_office_and_their_findings_for_hq(drilled: City, client: Any) -> None:
    client.force_login(drilled.users["office"])
    body = unwrap(client.get("/poverty/", {**ASKED, "area": "339106002"}))
    href = re.search(r'<a href="([^"]+)">滨海二镇一村</a>', body)
    assert href is not None and query(href.group(1)) == {"year": "2020", "village": "339106002201"}
    listed = client.get(html.unescape(href.group(1)))
    assert [h.code for h in listed.context["page"]] == ["H4"]  # the village's households only
    assert "滨海区" in unwrap(listed) and "滨海二镇" in listed.content.decode()  # the path named
    client.force_login(drilled.users["hq"])  # HQ sees no household: the village's findings
    body = unwrap(client.get("/poverty/", {**ASKED, "area": "339106002"}))
    href = re.search(r'<a href="([^"]+)">滨海二镇一村</a>', body)
    assert href is not None and query(href.group(1)) == {"area": "339106002201", "date": DAY}
    assert [r.village for r in client.get(html.unescape(href.group(1))).context["page"]] == ["滨海二镇一村"]


def test_every_open_findings_link_is_filtered_to_its_area_and_narrows_the_list(drilled: City, client: Any) -> None:
    client.force_login(drilled.users["hq"])
    everything = len(client.get("/poverty/findings/", {"state": "open", "date": DAY}).context["page"].object_list)
    assert everything == 4
    seen: dict[str, str] = {}
    for area in ("", "339106", "339106001", "339106002"):
        body = unwrap(client.get("/poverty/", {**ASKED, **({"area": area} if area else {})}))
        links = re.findall(r'<a href="([^"]+)" data-open="(\d+)">(\d+)</a>', body)
        assert links, area
        for href, code, shown in links:
            asked = query(href)
            assert asked == {"state": "open", "area": code, "date": DAY}
            assert seen.setdefault(code, href) == href  # one area, one link; no two areas share one
            rows = client.get(html.unescape(href)).context["page"].object_list
            assert len(rows) == int(shown), (code, shown)  # what the map says is what the list holds
            assert len(rows) < everything, code  # narrowed to the area
            expected = {"339102": {"江北区一村"}, "339106": {"滨海区一村", "滨海二镇一村"},
                        "339106001": {"滨海区一村"}, "339106001201": {"滨海区一村"},
                        "339106002": {"滨海二镇一村"}, "339106002201": {"滨海二镇一村"}}[code]
            assert {r.village for r in rows} == expected, code
    city = unwrap(client.get("/poverty/", ASKED))  # the city's own line: every finding, none left out
    total = re.search(r'id="area-summary" data-code="city">.*?<a href="([^"]+)" data-open="">(\d+)</a>', city, re.S)
    assert total is not None and query(total.group(1)) == {"state": "open", "date": DAY} and total.group(2) == "4"
    assert set(seen) >= {"339102", "339106", "339106001", "339106002", "339106001201", "339106002201"}
    assert len(set(seen.values())) == len(seen)
    narrowed = client.get("/poverty/findings/", {"state": "open", "area": "339106002", "date": DAY})
    assert len(narrowed.context["page"].object_list) == 1 < everything  # the filter narrows the list
    assert "滨海二镇" in narrowed.content.decode() and "全部区划" in narrowed.content.decode()


def test_a_county_operator_drills_only_into_its_own_county(drilled: City, client: Any) -> None:
    client.force_login(drilled.users["district_binhai"])
    assert client.get("/poverty/", {**ASKED, "area": "339106"}).status_code == 200
    assert client.get("/poverty/", {**ASKED, "area": "339106002"}).status_code == 200
    client.force_login(drilled.users["district"])  # 江北区's operator
    for area in ("339106", "339106001", "339106002", "339181", "999999", "339102001201"):
        assert client.get("/poverty/", {**ASKED, "area": area}).status_code == 404, area
    assert client.get("/poverty/", {**ASKED, "county": "339106"}).status_code == 404  # the former parameter too
    own = unwrap(client.get("/poverty/", {**ASKED, "area": "339102"}))
    assert crumbs(own) == ["全市", "江北区"]
    city = unwrap(client.get("/poverty/", ASKED))  # every county's aggregates; only its own drills down
    regions = {r["code"]: r for r in payload(city)["regions"]}
    assert regions["339106"]["url"] is None and regions["339102"]["url"] is not None
    assert not re.search(r'<a href="[^"]*">滨海区</a>', city) and re.search(r'<a href="[^"]*">江北区</a>', city)
    client.force_login(drilled.users["hq"])
    assert client.get("/poverty/", {**ASKED, "area": "339181"}).status_code == 404  # no households: nothing to show
    assert client.get("/poverty/", {**ASKED, "area": "339106001201"}).status_code == 404  # a village opens its list


def test_the_map_colours_counties_by_warning_and_supervision_and_townships_by_their_households(
        drilled: City, client: Any) -> None:
    red, amber, green, grey = (warmap.FILLS[k][0] for k in ("red", "amber", "green", "none"))
    client.force_login(drilled.users["leader"])
    body = unwrap(client.get("/poverty/", ASKED))
    layer = payload(body)
    regions = {r["code"]: r for r in layer["regions"]}
    assert layer["level"] == "county" and len(layer["geojson"]["features"]) == 3
    assert (regions["339106"]["fill"], regions["339106"]["supervised"]) == (red, True)  # warns, 挂牌督战
    assert (regions["339102"]["fill"], regions["339102"]["supervised"]) == (green, False)
    assert (regions["339181"]["fill"], regions["339181"]["url"]) == (grey, None)  # no households: not clickable
    assert query(regions["339106"]["url"])["area"] == "339106"
    legend = body.split('id="poverty-map-legend"')[1].split("</p>")[0]
    for label in ("预警", "未预警", "无建档立卡户", "挂牌督战"):
        assert label in legend
    assert 'id="poverty-map"' in body and "js/poverty.js" in body and "vendor/echarts.min.js" in body

    # No township boundaries: the county's page draws the counties, the county outlined, and says why.
    county = unwrap(client.get("/poverty/", {**ASKED, "area": "339106"}))
    layer = payload(county)
    assert layer["level"] == "county" and [r["code"] for r in layer["regions"] if r["selected"]] == ["339106"]
    assert 'id="poverty-map-note"' in county and "当前区划" in county
    # With them: the townships, each by its households' state.
    Region.objects.filter(code="339106001").update(geometry=square(1, 0))
    Region.objects.filter(code="339106002").update(geometry=square(1, 1))
    layer = payload(unwrap(client.get("/poverty/", {**ASKED, "area": "339106"})))
    fills = {r["code"]: (r["fill"], query(r["url"])["area"]) for r in layer["regions"]}
    assert layer["level"] == "township" and fills == {"339106001": (red, "339106001"),
                                                      "339106002": (amber, "339106002")}
    # A township without village boundaries: its county's townships, itself outlined; with them, its villages.
    layer = payload(unwrap(client.get("/poverty/", {**ASKED, "area": "339106002"})))
    assert layer["level"] == "township" and [r["code"] for r in layer["regions"] if r["selected"]] == ["339106002"]
    Region.objects.filter(code="339106002201").update(geometry=square(1, 1))
    Region.objects.filter(code="339106002202").update(geometry=square(2, 1))
    RegionFlag.objects.create(region=Region.objects.get(code="339106002201"), supervised=True)
    layer = payload(unwrap(client.get("/poverty/", {**ASKED, "area": "339106002"})))
    villages_shown = {r["code"]: (r["fill"], r["supervised"]) for r in layer["regions"]}
    assert layer["level"] == "village" and villages_shown == {"339106002201": (amber, True),
                                                              "339106002202": (green, False)}


def test_a_drilled_page_reads_the_stored_year_and_waits_while_it_is_computed(drilled: City, client: Any,
                                                                              settings: Any, monkeypatch: Any) -> None:
    from dualtrack.poverty import engine

    judged: list[Any] = []
    real = engine.exit_standard
    monkeypatch.setattr(engine, "exit_standard", lambda *args: judged.append(args) or real(*args))
    settings.DUALTRACK_JUDGE_INLINE = False
    client.force_login(drilled.users["hq"])
    waiting = unwrap(client.get("/poverty/", {**ASKED, "area": "339106"}))
    assert "正在计算" in waiting and "township-" not in waiting and judged == []
    judgements.worker_step()
    judged.clear()
    shown = unwrap(client.get("/poverty/", {**ASKED, "area": "339106"}))
    assert list(details(shown)) == ["339106001", "339106002"] and judged == []


# --- #28 §5: the English words --------------------------------------------------------------------------------

def test_english_says_listed_for_close_supervision_and_100_million_yuan(drilled: City, client: Any) -> None:
    from django.conf import settings
    from django.utils import translation

    from dualtrack.core.templatetags.dualtrack import unit_suffix

    client.force_login(drilled.users["hq"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = unwrap(client.get("/poverty/", {**ASKED, "area": "339106"}))
    assert "Listed for close supervision" in body and "挂牌督战" not in body.split("<main")[1]
    assert "combat" not in body.lower() and "battle" not in body.lower()
    with translation.override("en"):
        assert unit_suffix("亿元") == "(100 million yuan)" and translation.gettext("（亿元）") == "(100 million yuan)"
        assert unit_suffix("%") == "(%)" and unit_suffix("") == ""
    with translation.override("zh-hans"):
        assert unit_suffix("亿元") == "（亿元）" and unit_suffix("个") == "（个）"


# --- in a real browser: the map drawn with its legend, a click drills down, nothing wider than the screen ---------

@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_war_map_in_a_browser_on_a_desk_and_a_phone(live_server: Any, drilled: City,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import connections
    from playwright.sync_api import sync_playwright

    from .test_browser import ARTIFACTS, CHROMIUM, LAUNCH_ARGS, sign_in

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = f"{live_server.url}/poverty/?year=2020&date={DAY}"
    errors: list[str] = []

    def drawn(page: Any, width: int) -> None:
        page.wait_for_selector("#poverty-map[data-rendered=true] canvas")
        assert page.locator("#poverty-map-legend .swatch").count() >= 4  # the fills and 挂牌督战
        assert page.locator("#poverty-map-legend").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url  # no sideways scroll

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            for width, height in ((1366, 768), (390, 844)):
                page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN",
                                        is_mobile=width < 500, has_touch=width < 500)
                page.on("pageerror", lambda error: errors.append(str(error)))
                sign_in(page, live_server.url, drilled.users["hq"].username)
                page.goto(base)
                drawn(page, width)
                # a click on 滨海区's shape (the square from x 1 to 2) drills down
                box = page.locator("#poverty-map").bounding_box()
                x, y = page.evaluate("echarts.getInstanceByDom(document.getElementById('poverty-map'))"
                                     ".convertToPixel({seriesIndex: 0}, [1.5, 0.5])")
                page.mouse.click(box["x"] + x, box["y"] + y)
                page.wait_for_url("**area=339106**")
                drawn(page, width)
                assert page.locator("#war-map-crumbs").inner_text().split() == ["全市", "›", "滨海区"]
                assert page.locator("details.pv-node").count() == 2
                villages = page.locator("#villages-339106001")
                assert not villages.is_visible()  # folded until asked for
                page.locator("#township-339106001 > summary").click(position={"x": 4, "y": 4})
                assert villages.is_visible() and villages.locator("tbody tr").count() == 2
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                if width == 1366:
                    ARTIFACTS.mkdir(exist_ok=True)
                    page.screenshot(path=str(ARTIFACTS / "poverty-war-map-county.png"), full_page=True)
                page.locator("#township-339106002 .pv-node-name a").click()
                page.wait_for_url("**area=339106002**")
                drawn(page, width)
                assert page.locator("#war-map-crumbs").inner_text().split() == ["全市", "›", "滨海区", "›", "滨海二镇"]
                page.close()
            browser.close()
    finally:
        connections.close_all()
    assert errors == []
