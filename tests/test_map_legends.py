"""Maps a leader reads in two seconds (#28 §1): the contrast rule for county names on every fill, the five-colour
legend read from the rule set in force, the power index's fixed numeric steps, 总览's first screen (the maps and,
beside them, what needs the reader), and the bulletin's pictures (the same legends; the trend's axis from 0)."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from django.utils import translation

from dualtrack.bulletins import figures as bulletin_figures
from dualtrack.core.colours import BLACK, INK, MIN_CONTRAST, MISSING, WHITE, contrast_ratio, label_colour
from dualtrack.epidemic import services as epidemic
from dualtrack.epidemic.choices import COLOUR_HEX
from dualtrack.epidemic.rules import FIVE_COLOUR
from dualtrack.resumption import services as resumption

from .conftest import City, D

CJK = re.compile(r"[\u4e00-\u9fff]")


# --- the contrast rule ------------------------------------------------------------------------------------------


def test_contrast_ratio_is_wcag_s() -> None:
    assert contrast_ratio(WHITE, BLACK) == pytest.approx(21.0)
    assert contrast_ratio("#123456", "#123456") == pytest.approx(1.0)
    assert contrast_ratio("#777777", WHITE) == pytest.approx(4.48, abs=0.01)  # the classic just-failing grey
    assert contrast_ratio("#767676", WHITE) == pytest.approx(4.54, abs=0.01)  # and the just-passing one
    assert contrast_ratio("#2e7d32", WHITE) == contrast_ratio(WHITE, "#2e7d32")
    assert contrast_ratio("#fff", WHITE) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        contrast_ratio("green", WHITE)


def test_every_map_fill_gets_a_label_colour_of_at_least_4_5() -> None:
    fills = [*COLOUR_HEX.values(), MISSING, *(e["fill"] for e in resumption.index_legend())]
    for fill in fills:
        assert contrast_ratio(label_colour(fill), fill) >= MIN_CONTRAST, fill
    # and any fill at all: a grid over the RGB cube, 4,096 colours
    for r, g, b in itertools.product(range(0, 256, 17), repeat=3):
        fill = f"#{r:02x}{g:02x}{b:02x}"
        assert contrast_ratio(label_colour(fill), fill) >= MIN_CONTRAST, fill


def test_the_label_colour_prefers_the_page_ink_or_white_then_black() -> None:
    assert label_colour(COLOUR_HEX["yellow"]) == INK  # 8.9 : 1
    assert label_colour(COLOUR_HEX["green"]) == WHITE and label_colour(COLOUR_HEX["red"]) == WHITE
    # the map's blue: white gives 3.7 and the ink 4.0, both too little; black gives 5.7
    assert contrast_ratio(WHITE, COLOUR_HEX["blue"]) < MIN_CONTRAST
    assert contrast_ratio(INK, COLOUR_HEX["blue"]) < MIN_CONTRAST
    assert label_colour(COLOUR_HEX["blue"]) == BLACK


# --- the five-colour legend -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_five_colour_legend_says_what_each_colour_means_from_the_rule_set() -> None:
    with translation.override("zh-hans"):
        legend = epidemic.colour_legend()
    assert [e["key"] for e in legend] == ["red", "orange", "yellow", "blue", "green"]  # the rule set's order
    meanings = {e["key"]: e["meaning"] for e in legend}
    assert meanings == {  # DOMAIN.md §3.2
        "red": "累计确诊超过50例且近14天有聚集性疫情",
        "orange": "近14天有聚集性疫情或近14天本地确诊超过10例",
        "yellow": "近3天有新增确诊",
        "blue": "近14天有新增确诊",
        "green": "近14天无新增确诊",  # the fallback: the rule above it negated
    }
    assert [e["name"] for e in legend][:2] == ["红（高风险）", "橙（较高风险）"]
    for entry in legend:
        assert entry["fill"] == COLOUR_HEX[entry["key"]]
        assert contrast_ratio(entry["ink"], entry["fill"]) >= MIN_CONTRAST
    assert "missing" not in {e["key"] for e in legend}
    grey = epidemic.colour_legend(missing=True)[-1]
    assert grey["missing"] and grey["fill"] == MISSING and contrast_ratio(grey["ink"], MISSING) >= MIN_CONTRAST


def test_a_revised_rule_set_changes_the_legend() -> None:
    revised = {**FIVE_COLOUR, "window_days": 7, "rules": [
        {"outcome": "red", "all": [["cumulative", ">=", 100], ["cluster14", "==", True]]},
        {"outcome": "orange", "any": [["local14", ">", 5]]},
        {"outcome": "yellow", "all": [["new3", ">", 2]]},
        {"outcome": "green", "all": []},
    ]}
    with translation.override("zh-hans"):
        legend = {e["key"]: e["meaning"] for e in epidemic.colour_legend(revised)}
    assert legend["red"] == "累计确诊不少于100例且近7天有聚集性疫情"
    assert legend["orange"] == "近7天本地确诊超过5例"
    assert legend["yellow"] == "近3天新增确诊超过2例"
    assert legend["green"] == "近3天新增确诊不超过2例"
    assert legend["blue"] == "现行规则不判定此色"  # no rule gives blue: still in the legend, and says so


@pytest.mark.django_db
def test_the_legend_in_english_has_no_chinese() -> None:
    with translation.override("en"):
        legend = epidemic.colour_legend(missing=True) + resumption.index_legend(missing=True)
    for entry in legend:
        assert not CJK.search(entry["name"] + entry.get("meaning", "")), entry
    with translation.override("en"):
        meanings = {e["key"]: e["meaning"] for e in epidemic.colour_legend()}
    assert "50" in meanings["red"] and "14" in meanings["red"]


# --- the power index's steps ------------------------------------------------------------------------------------


def test_the_power_index_legend_is_stepped_with_numbers() -> None:
    legend = resumption.index_legend()
    assert [e["name"] for e in legend] == ["<30", "30–50", "50–70", "70–90", "≥90"]
    assert [(e["min"], e["max"]) for e in legend] == [(None, 30), (30, 50), (50, 70), (70, 90), (90, None)]
    assert len({e["fill"] for e in legend}) == 5
    for entry in legend:
        assert contrast_ratio(entry["ink"], entry["fill"]) >= MIN_CONTRAST
    assert resumption.index_step(legend, 0)["name"] == "<30"
    assert resumption.index_step(legend, 29.99)["name"] == "<30"
    assert resumption.index_step(legend, 30)["name"] == "30–50"
    assert resumption.index_step(legend, 95.81)["name"] == "≥90"
    assert resumption.index_step(legend, 120)["name"] == "≥90"  # kWh above the baseline: still the top step
    assert resumption.index_step(legend, None) is None
    with_grey = resumption.index_legend(missing=True)
    assert resumption.index_step(with_grey, None)["fill"] == MISSING


# --- 总览: the legends in the card's data, the first screen -------------------------------------------------------


@pytest.mark.django_db
class TestOverview:
    def test_the_situation_card_carries_both_legends(self, client: Any, power_city: City) -> None:
        client.force_login(power_city.users["leader"])
        page = client.get("/", {"date": D.isoformat()})
        card = next(c for c in page.context["picture"] if c.key == "situation")
        colour_keys = [e["key"] for e in card.chart["colour_legend"]]
        assert colour_keys == ["red", "orange", "yellow", "blue", "green", "missing"]  # 滨海 sent no case report
        assert [e["name"] for e in card.chart["index_legend"]] == ["<30", "30–50", "50–70", "70–90", "≥90"]
        body = page.content.decode()
        assert body.count('data-legend="colour"') == 1 and body.count('data-legend="index"') == 1
        assert "近3天有新增确诊" in body and "30–50" in body

    def test_what_needs_the_leader_stands_beside_the_maps(self, client: Any, power_city: City) -> None:
        client.force_login(power_city.users["leader"])
        page = client.get("/", {"date": D.isoformat()})
        assert [c.key for c in page.context["picture"]] == ["situation"]
        assert {"problems", "notices"} <= {c.key for c in page.context["beside"]}
        assert not {c.key for c in page.context["rest"]} & {"situation", "problems", "notices"}
        body = page.content.decode()
        assert body.index('class="first-beside"') < body.index('class="cards"')

    def test_without_maps_the_cards_stay_in_their_grid(self, client: Any, power_city: City) -> None:
        client.force_login(power_city.users["enterprise"])
        page = client.get("/", {"date": D.isoformat()})
        assert page.context["picture"] == [] and page.context["beside"] == []
        assert [c.key for c in page.context["rest"]] == [c.key for c in page.context["cards"]]
        assert "first-screen" not in page.content.decode()


# --- the bulletin's pictures ------------------------------------------------------------------------------------


SQUARES = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"code": code, "name": name},
     "geometry": {"type": "Polygon", "coordinates": [[[x, 29], [x + 0.3, 29], [x + 0.3, 29.3], [x, 29.3], [x, 29]]]}}
    for code, name, x in (("1", "甲区", 120.0), ("2", "乙区", 120.3), ("3", "丙区", 120.6))]}
REGIONS = [{"code": "1", "name": "甲区", "colour": "blue", "reported": True, "index": 95.2},
           {"code": "2", "name": "乙区", "colour": "yellow", "reported": True, "index": 42.0},
           {"code": "3", "name": "丙区", "colour": "green", "reported": False, "index": None}]


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The matplotlib figures the bulletin draws, kept for reading instead of written to PNG."""
    kept: list[Any] = []

    def keep(plt: Any, fig: Any, tight: bool = True) -> bytes:
        kept.append(fig)
        return b"png"

    monkeypatch.setattr(bulletin_figures, "_png", keep)
    return kept


def _hex(rgba: Any) -> str:
    from matplotlib.colors import to_hex

    return to_hex(rgba)


@pytest.mark.django_db
def test_the_bulletin_maps_carry_the_same_legends_and_readable_names(drawn: list[Any]) -> None:
    trend = [{"date": f"2020-04-{d:02d}", "index": 88.5 + d % 7} for d in range(1, 31)]
    made = bulletin_figures.figures({"regions": REGIONS, "trend": trend}, SQUARES, "4月30日")
    assert [f.is_map for f in made] == [True, True, False]
    colour_map, index_map, trend_chart = drawn
    texts = [t.get_text().replace("\n", "") for t in colour_map.legends[0].get_texts()]
    assert texts == ["红（高风险）：累计确诊超过50例且近14天有聚集性疫情",
                     "橙（较高风险）：近14天有聚集性疫情或近14天本地确诊超过10例",
                     "黄（中风险）：近3天有新增确诊", "蓝（较低风险）：近14天有新增确诊", "绿（低风险）：近14天无新增确诊",
                     "未报送：当日无病例日报"]
    steps = [t.get_text() for t in index_map.legends[0].get_texts()]  # two rows of three, read across
    assert steps == ["<30", "70–90", "30–50", "≥90", "50–70", "数据未到"]  # the five steps, and grey (丙区)
    # each county's name is written in its legend entry's ink on its fill: contrast at least 4.5
    for fig in (colour_map, index_map):
        ax = fig.axes[0]
        for patch, text in zip(ax.patches, ax.texts, strict=True):
            fill, ink = _hex(patch.get_facecolor()), _hex(text.get_color())
            assert contrast_ratio(fill, ink) >= MIN_CONTRAST, (text.get_text(), fill, ink)
    fills = [_hex(p.get_facecolor()) for p in index_map.axes[0].patches]
    assert fills == ["#08306b", "#9ecae1", MISSING]  # 95.2: ≥90; 42.0: 30–50; no readings: grey
    # the trend from 0: a dip from 95 to 88 is not drawn as a collapse
    low, high = trend_chart.axes[0].get_ylim()
    assert low == 0 and high >= 100


def test_the_war_maps_names_read_on_their_fills_too() -> None:
    """脱贫攻坚作战图 writes its county names in fixed pairs: the same rule holds for them."""
    from dualtrack.poverty.warmap import FILLS

    for fill, ink in FILLS.values():
        assert contrast_ratio(fill, ink) >= MIN_CONTRAST, (fill, ink)
