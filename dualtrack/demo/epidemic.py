"""A plausible, deterministic epidemic for the demo city, 20 January – 30 April 2020: imported cases
first, local spread peaking in early February, two cluster outbreaks (江北区, 丰和市), then every county
moving from orange/yellow down to green. Written as the ``cases`` and ``clusters`` import files."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

START = dt.date(2020, 1, 20)
END = dt.date(2020, 4, 30)

# county code: (imported cases, local cases, peak day after START)
SIZES = {
    "339102": (9, 52, 17), "339103": (6, 14, 15), "339104": (4, 9, 16), "339105": (3, 5, 18),
    "339106": (5, 11, 16), "339107": (2, 4, 19), "339121": (2, 3, 17), "339122": (1, 2, 20),
    "339181": (4, 22, 21), "339182": (3, 6, 18),
}
CLUSTERS = [
    ("2020-02-02", "339102", 9, "江北区某小区家庭聚集性疫情"),
    ("2020-02-09", "339181", 7, "丰和市某企业员工聚集性疫情"),
]
MISSING_REPORTS = {("339182", "2020-02-14"), ("339182", "2020-02-15"), ("339122", "2020-03-02")}


def _spread(rng: np.random.Generator, total: int, peak: int, width: float, days: int) -> np.ndarray:
    """``total`` cases spread over ``days`` as a gamma-shaped curve around ``peak`` (deterministic)."""
    t = np.arange(days, dtype=float)
    shape = (peak / width) ** 2 + 1
    scale = peak / (shape - 1)
    density = np.where(t > 0, t ** (shape - 1) * np.exp(-t / scale), 0.0)
    counts = rng.multinomial(total, density / density.sum())
    return counts.astype(int)


def epidemic_rows(seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = np.random.default_rng(seed)
    days = (END - START).days + 1
    case_rows: list[dict[str, Any]] = []
    for code, (imported, local, peak) in SIZES.items():
        imported_daily = _spread(rng, imported, 6, 3.5, days)
        local_daily = _spread(rng, local, peak, 5.0, days)
        confirmed = imported_daily + local_daily
        cured = np.zeros(days, dtype=int)
        cured[16:] = confirmed[:-16]
        deaths = np.zeros(days, dtype=int)
        if code == "339102":
            peak_day = int(np.argmax(confirmed))
            deaths[peak_day + 20] = 1
            cured[peak_day + 16] = max(0, cured[peak_day + 16] - 1)
        asymptomatic = rng.binomial(confirmed, 0.15)
        suspected = np.roll(rng.binomial(confirmed * 2, 0.6), -1)
        suspected[-1] = 0
        for i in range(days):
            day = (START + dt.timedelta(days=i)).isoformat()
            if (code, day) in MISSING_REPORTS:
                continue
            case_rows.append({
                "date": day, "county_code": code, "new_confirmed": int(confirmed[i]), "new_local": int(local_daily[i]),
                "new_asymptomatic": int(asymptomatic[i]), "new_suspected": int(suspected[i]),
                "new_cured": int(cured[i]), "new_deaths": int(deaths[i]),
            })
    cluster_rows = [{"date": d, "county_code": c, "cases": n, "description": text} for d, c, n, text in CLUSTERS]
    return case_rows, cluster_rows


CASE_HEADERS = [("date", "日期"), ("county_code", "区划代码"), ("new_confirmed", "新增确诊"), ("new_local", "其中本地"),
                ("new_asymptomatic", "新增无症状"), ("new_suspected", "新增疑似"), ("new_cured", "新增治愈"),
                ("new_deaths", "新增死亡")]
CLUSTER_HEADERS = [("date", "日期"), ("county_code", "区划代码"), ("cases", "病例数"), ("description", "描述")]
