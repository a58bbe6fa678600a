"""Demo electricity readings and resumption reports (2019-10-01 … 2020-04-30), deterministic.

Every account gets a daily kWh: a level by size class, a weekly rhythm, the Spring Festival dip from mid
January (continuous production excepted), then a resumption curve whose date depends on the county's epidemic (the 江北区 and 丰和市
clusters resume later), the industry (catering, lodging and entertainment later; manufacturing and key
enterprises earlier). About 2% of enterprises have no readings in the baseline quarter (no baseline),
a few report resumption that their meters deny (虚报复工), and a few resume without reporting (未报复工).
Arrays are built with numpy over enterprises × days; nothing loops over readings in Python.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa

START = dt.date(2019, 10, 1)
END = dt.date(2020, 4, 30)
DIP = dt.date(2020, 1, 18)
LEVEL = {"规上工业": 3000.0, "限上服务业": 800.0, "农业龙头": 1500.0, "规下": 150.0, "其他": 40.0}
LATE_COUNTIES = {"339102": 12, "339181": 10, "339103": 6}  # days later than the rest
LATE_SECTIONS = {"H": 14, "R": 18, "O": 8, "P": 20, "L": 4}
PAPER, UNREPORTED = 25, 25


def generate(rows: list[dict[str, Any]], seed: int) -> tuple[pa.Table, list[dict[str, Any]]]:
    rng = np.random.default_rng(seed + 404)
    n = len(rows)
    days = (END - START).days + 1
    dates = np.array([START + dt.timedelta(days=i) for i in range(days)])
    t = np.arange(days)
    size = np.array([r["size_class"] for r in rows])
    level = np.vectorize(LEVEL.get)(size) * rng.lognormal(0, 0.6, n)
    weekday = np.array([d.weekday() for d in dates])
    industrial = np.array([r["industry_code"][0] in "BCDE" for r in rows])
    weekly = np.where(weekday[None, :] >= 5, np.where(industrial[:, None], 0.75, 1.05), 1.0)
    dip_start = (DIP - START).days
    resume = np.full(n, (dt.date(2020, 2, 10) - START).days, dtype=float)
    resume += np.array([LATE_COUNTIES.get(r["county_code"], 0) for r in rows])
    resume += np.array([LATE_SECTIONS.get(r["industry_code"][0], 0) for r in rows])
    resume -= np.array([5 if r["key"] == "是" else 0 for r in rows])
    resume += rng.gamma(2.0, 4.0, n)
    ramp = np.clip((t[None, :] - resume[:, None]) / 7.0, 0, 1)
    low = rng.uniform(0.05, 0.2, n)
    # Continuous production does not stop for the festival: power, gas and water supply (section D), and a
    # share of manufacturing (chemicals, steel, food) and of health care keep running at most of their load.
    sections = np.array([r["industry_code"][0] for r in rows])
    continuous = (sections == "D") | (np.isin(sections, ["C", "Q"]) & (rng.random(n) < 0.12))
    low[continuous] = rng.uniform(0.55, 0.9, continuous.sum())
    low = low[:, None]
    full = rng.uniform(0.75, 1.0, n)[:, None]
    factor = np.where(t[None, :] < dip_start, 1.0, low + (full - low) * ramp)
    kwh = level[:, None] * factor * weekly * rng.lognormal(0, 0.08, (n, days))
    # Enterprises without a baseline: no readings before 2020.
    no_baseline = rng.random(n) < 0.02
    kwh[no_baseline, : (dt.date(2020, 1, 1) - START).days] = np.nan
    # Resumed on paper: the meter stays low; resumed without reporting: reports say nothing.
    order = rng.permutation(n)
    paper = np.zeros(n, bool)
    paper[order[:PAPER]] = True
    unreported = np.zeros(n, bool)
    unreported[order[PAPER:PAPER + UNREPORTED]] = True
    kwh[paper, dip_start:] = level[paper, None] * rng.uniform(0.02, 0.07, (paper.sum(), days - dip_start))
    readings = _per_account(rows, kwh, dates, rng)
    reports = _reports(rows, resume, paper, unreported, continuous, rng)
    return readings, reports


def _per_account(rows: list[dict[str, Any]], kwh: np.ndarray, dates: np.ndarray, rng: np.random.Generator) -> pa.Table:
    owners, accounts = [], []
    for index, row in enumerate(rows):
        for account in filter(None, row["power_accounts"].split(";")):
            owners.append(index)
            accounts.append(account)
    owners_arr = np.array(owners)
    share = rng.uniform(0.5, 1.5, len(owners_arr))
    share /= np.bincount(owners_arr, weights=share, minlength=len(rows))[owners_arr]
    per_account = kwh[owners_arr, :] * share[:, None]
    days = len(dates)
    keep = ~np.isnan(per_account)
    account_index = np.repeat(np.arange(len(accounts)), days).reshape(len(accounts), days)
    day_index = np.tile(np.arange(days), (len(accounts), 1))
    day_numbers = (np.datetime64(START.isoformat(), "D") + day_index[keep]).astype("datetime64[D]")
    account_names = pa.DictionaryArray.from_arrays(pa.array(account_index[keep].astype(np.int32)), pa.array(accounts))
    return pa.table({
        "date": pa.array(day_numbers).cast(pa.date32()),
        "account": account_names.cast(pa.string()),
        "kwh": pa.array(np.round(per_account[keep], 2), pa.float64()),
    })


def _reports(rows: list[dict[str, Any]], resume: np.ndarray, paper: np.ndarray, unreported: np.ndarray,
             continuous: np.ndarray, rng: np.random.Generator) -> list[dict[str, Any]]:
    reports: list[dict[str, Any]] = []
    first_round = dt.date(2020, 2, 3)
    lag = rng.integers(0, 3, len(rows))
    silent = rng.random(len(rows)) < 0.04
    for index, row in enumerate(rows):
        if silent[index] or unreported[index]:
            continue
        headcount = int(row["normal_headcount"])
        day = START + dt.timedelta(days=int(resume[index]) + int(lag[index]))
        if continuous[index] and not paper[index]:  # never stopped: resumed from the first round on
            day = first_round
        else:
            reports.append({"date": first_round.isoformat(), "uscc": row["uscc"], "resumed": "否",
                            "workers_on_duty": 0, "capacity": ""})
        if paper[index]:
            day = dt.date(2020, 2, 12)
        if day > END:
            continue
        reports.append({"date": day.isoformat(), "uscc": row["uscc"], "resumed": "是",
                        "workers_on_duty": int(headcount * 0.55), "capacity": "0.5"})
        later = day + dt.timedelta(days=10)
        if later <= END:
            reports.append({"date": later.isoformat(), "uscc": row["uscc"], "resumed": "是",
                            "workers_on_duty": int(headcount * 0.85), "capacity": "0.8"})
    return reports


REPORT_HEADERS = [("date", "日期"), ("uscc", "统一社会信用代码"), ("resumed", "是否复工"), ("workers_on_duty", "在岗人数"),
                  ("capacity", "产能利用率")]
