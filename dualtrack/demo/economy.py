"""The demo city's economy against its 2020 targets (DOMAIN.md §11): twelve indicators for the city, its counties
and parks; 2019 totals, 2020 targets, and cumulative figures for 1—2月 through 1—6月 shaped by the epidemic (a
deep first quarter, then recovery), with some counties and parks behind schedule. Written as the three import
files and imported through the import framework, as a city would."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

from .city import COUNTIES, PARKS

# code, name, unit, kind, department, target growth (%), city's 2019 total (亿元; growth indicators: none),
# scopes ("all": city, counties, parks; "counties": city and counties; "parks": city and parks)
INDICATORS = [
    ("GDP", "地区生产总值增速", "%", "增速", "TJJ", 7.0, None, "counties"),
    ("GYZJZ", "规上工业增加值增速", "%", "增速", "TJJ", 7.5, None, "counties"),
    ("FWYZJZ", "服务业增加值增速", "%", "增速", "TJJ", 7.0, None, "counties"),
    ("GDZC", "固定资产投资", "亿元", "总量", "FGW", 10.0, 1157.4, "all"),
    ("GYTZ", "工业投资", "亿元", "总量", "JXJ", 12.0, 326.8, "counties"),
    ("GYZCZ", "规上工业总产值", "亿元", "总量", "JXJ", 8.0, 4862.0, "all"),
    ("SLZE", "社会消费品零售总额", "亿元", "总量", "SWJ", 8.5, 1893.5, "counties"),
    ("WMJCK", "外贸进出口总额", "亿元", "总量", "SWJ", 5.0, 1306.2, "counties"),
    ("ZSYZ", "招商引资到位资金", "亿元", "总量", "SWJ", 15.0, 421.0, "all"),
    ("YBGGYS", "一般公共预算收入", "亿元", "总量", "CZJ", 6.0, 402.3, "counties"),
    ("SSSR", "税收收入", "亿元", "总量", "SWU", 6.0, 338.9, "all"),
    ("JGMSR", "技工贸总收入", "亿元", "总量", "JXJ", 12.0, 2350.0, "parks"),
]
# The share of a year's total reached by the end of each month in 2019 (cumulative), and 2020's cumulative
# growth by month for an average scope: the epidemic's trough in February, recovery through June.
SHARE_2019 = {2: 0.135, 3: 0.225, 4: 0.31, 5: 0.40, 6: 0.505}
GROWTH_2020 = {2: -0.245, 3: -0.152, 4: -0.082, 5: -0.031, 6: 0.006}
# The demo city's clock stands at 30 April 2020 (DOMAIN.md §15 "One clock"): the months reported by then, 1—2月 to
# 1—4月; May and June would be figures from the future, which an import refuses.
DEMO_LAST_MONTH = 4
REPORTED_2020 = {month: growth for month, growth in GROWTH_2020.items() if month <= DEMO_LAST_MONTH}
# Counties and parks that lag (the epidemic hit them hardest) or lead, in percentage points of growth.
# Indicators that fared better than the average (exports of protective supplies, investment promotion).
INDICATOR_SHIFT = {"WMJCK": 0.07, "ZSYZ": 0.19, "GDZC": 0.03, "YBGGYS": -0.02}
OFFSET = {"339102": -0.06, "339181": -0.045, "339106": 0.02, "339105": 0.025, "GXQ": 0.03, "FHY": -0.05}
HEADERS = {
    "indicators": ["指标代码", "指标名称", "单位", "类型", "责任部门"],
    "economy_targets": ["年度", "范围代码", "指标代码", "年度目标", "目标增速", "上年全年"],
    "economy_actuals": ["月份", "范围代码", "指标代码", "累计值", "上年同期累计", "累计增速"],
}
CITY_CODE = "339100"


def _weights(rng: random.Random, codes: list[str]) -> dict[str, float]:
    raw = {code: rng.uniform(0.6, 1.6) for code in codes}
    total = sum(raw.values())
    return {code: value / total for code, value in raw.items()}


def rows(seed: int) -> dict[str, list[list[Any]]]:
    """The three files' rows."""
    rng = random.Random(seed * 7 + 11)
    counties = [county.code for county in COUNTIES]
    parks = [code for code, *_rest in PARKS]
    county_weights = _weights(rng, counties)
    park_weights = _weights(rng, parks)
    out: dict[str, list[list[Any]]] = {"indicators": [], "economy_targets": [], "economy_actuals": []}
    for code, name, unit, kind, department, target_growth, total, scopes in INDICATORS:
        out["indicators"].append([code, name, unit, kind, department])
        members = (counties if scopes in ("all", "counties") else []) + (parks if scopes in ("all", "parks") else [])
        for scope in [CITY_CODE, *members]:
            bias = OFFSET.get(scope, 0.0) + INDICATOR_SHIFT.get(code, 0.0) + (
                rng.uniform(-0.015, 0.015) if scope != CITY_CODE else 0.0)
            goal = target_growth + (0 if scope == CITY_CODE else rng.choice([-0.5, 0, 0, 0.5, 1.0]))
            if total is None:  # a growth indicator: the target growth, then the reported cumulative growth
                out["economy_targets"].append([2020, scope, code, "", f"{goal:.1f}", ""])
                for month, growth in REPORTED_2020.items():
                    depth = 0.35 if code == "GDP" else 0.5 if code == "GYZJZ" else 0.4
                    value = (growth * depth + bias * 0.6) * 100
                    out["economy_actuals"].append([f"2020-{month:02d}", scope, code, "", "", f"{value:.1f}"])
                continue
            weight = 1.0 if scope == CITY_CODE else (county_weights.get(scope) or park_weights[scope] * 0.35)
            prior_year = round(total * weight, 2)
            out["economy_targets"].append([2020, scope, code, f"{prior_year * (1 + goal / 100):.2f}", f"{goal:.1f}",
                                           f"{prior_year:.2f}"])
            for month, growth in REPORTED_2020.items():
                prior = prior_year * SHARE_2019[month]
                actual = prior * (1 + growth + bias + (rng.uniform(-0.01, 0.01) if scope != CITY_CODE else 0))
                # the city reports its totals and the prior year's; growth is computed (A / P − 1)
                out["economy_actuals"].append([f"2020-{month:02d}", scope, code, f"{max(actual, 0):.2f}",
                                               f"{prior:.2f}", ""])
    return out


def write(folder: Path, seed: int) -> dict[str, Path]:
    """The three files, UTF-8 with BOM as Excel saves them."""
    paths = {}
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in rows(seed).items():
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS[name])
            writer.writerows(data)
        paths[name] = path
    return paths
