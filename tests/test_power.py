"""Power readings store and the power pipeline: baselines, indicators, cross-check, DuckDB = Spark."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from dualtrack.core.choices import AuditAction
from dualtrack.core.models import AuditLog
from dualtrack.power import engine, pipeline
from dualtrack.power.store import import_power

from .conftest import City
from .helpers import csv_bytes

RULES = pipeline.PowerRules(baseline_start=dt.date(2019, 12, 1), baseline_end=dt.date(2019, 12, 10))
DAY = dt.date(2020, 2, 10)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POWER_STORE", str(tmp_path / "power"))
    return tmp_path / "power" / "readings"


def write(tmp_path: Path, name: str, rows: list[list[Any]], encoding: str = "utf-8-sig") -> Path:
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows, encoding))
    return path


def stored(store: Path) -> dict[tuple[str, str], float]:
    table = pq.read_table([str(p) for p in sorted(store.glob("*/*.parquet"))]) if store.exists() else None
    if table is None:
        return {}
    return {(d.isoformat(), a): k for d, a, k in zip(*(table[c].to_pylist() for c in ("date", "account", "kwh")),
                                                     strict=True)}


class TestStore:
    def test_daily_import_is_idempotent_and_replaces(self, city: City, store: Path, tmp_path: Path) -> None:
        rows = [["日期", "电力户号", "用电量"], ["2020-02-10", "A1", "100.5"], ["2020-02-10", "A2", "7"],
                ["2020-02-11", "A1", "90"]]
        result = import_power(write(tmp_path, "p.csv", rows), city.users["hq"])
        assert result.ok and (result.rows, result.created) == (3, 3)
        assert stored(store) == {("2020-02-10", "A1"): 100.5, ("2020-02-10", "A2"): 7.0, ("2020-02-11", "A1"): 90.0}
        again = import_power(write(tmp_path, "p.csv", rows), city.users["hq"])
        assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
        fix = import_power(write(tmp_path, "fix.csv", [["date", "account", "kwh"], ["2020-02-10", "A2", "8"]]),
                           city.users["hq"])
        assert (fix.created, fix.updated) == (0, 1)
        assert stored(store)[("2020-02-10", "A2")] == 8.0 and len(stored(store)) == 3
        assert AuditLog.objects.filter(action=AuditAction.IMPORT, object_type="import.power").count() == 3

    def test_interval_readings_are_summed_per_day(self, city: City, store: Path, tmp_path: Path) -> None:
        rows = [["电力户号", "时间", "用电量"]] + [["B1", f"2020-02-10 {h:02d}:{m:02d}", "1.25"]
                                                for h in range(24) for m in (0, 15, 30, 45)]
        result = import_power(write(tmp_path, "i.csv", rows, encoding="gb18030"), city.users["hq"])
        assert result.ok, result.errors
        assert stored(store) == {("2020-02-10", "B1"): 120.0}

    def test_parquet_files(self, city: City, store: Path, tmp_path: Path) -> None:
        path = tmp_path / "p.parquet"
        pq.write_table(pa.table({"date": ["2020-02-10", "2020-02-10"], "account": ["C1", "C2"], "kwh": [1.0, 2.0]}),
                       path)
        assert import_power(path, city.users["hq"]).created == 2

    def test_errors_by_row_and_column_and_nothing_written(self, city: City, store: Path, tmp_path: Path) -> None:
        rows = [["日期", "电力户号", "用电量"], ["2020-02-10", "A1", "1"], ["2020-02-31", "A2", "1"],
                ["2020-02-10", "", "1"], ["2020-02-10", "A3", "abc"], ["2020-02-10", "A4", "-5"],
                ["2020-02-10", "A1", "2"]]
        result = import_power(write(tmp_path, "bad.csv", rows), city.users["hq"])
        assert [(e.row, e.column) for e in result.errors] == [(3, "日期"), (4, "电力户号"), (5, "用电量"), (6, "用电量"),
                                                             (7, "电力户号")]
        assert stored(store) == {}
        missing = import_power(write(tmp_path, "m.csv", [["日期", "户号", "用电量"], ["2020-02-10", "A", "1"]]),
                               city.users["hq"])
        assert [(e.row, e.column) for e in missing.errors] == [(1, "电力户号")]

    def test_only_hq_imports_power(self, city: City, store: Path, tmp_path: Path) -> None:
        rows = [["日期", "电力户号", "用电量"], ["2020-02-10", "A1", "1"]]
        assert not import_power(write(tmp_path, "p.csv", rows), city.users["district"]).ok

    def test_cli(self, city: City, store: Path, tmp_path: Path) -> None:
        out = io.StringIO()
        call_command("import", "power", str(write(tmp_path, "p.csv", [["日期", "电力户号", "用电量"],
                                                                       ["2020-02-10", "A1", "1"]])), stdout=out)
        assert "1 created" in out.getvalue()


def _tables(con: Any, readings: pa.Table, accounts: dict[str, int], enterprises: dict[int, str]) -> tuple[Any, ...]:
    acc = pa.table({"account": list(accounts), "enterprise_id": pa.array(list(accounts.values()), pa.int64())})
    ent = pa.table({"enterprise_id": pa.array(list(enterprises), pa.int64()), "county": list(enterprises.values())})
    return (engine.arrow_table(readings), engine.arrow_table(acc),
            engine.arrow_table(ent))


def readings_table(rows: list[tuple[dt.date, str, float]]) -> pa.Table:
    return pa.table({"date": pa.array([r[0] for r in rows], pa.date32()), "account": [r[1] for r in rows],
                     "kwh": pa.array([r[2] for r in rows], pa.float64())})


def constructed() -> tuple[pa.Table, dict[str, int], dict[int, str]]:
    """Five enterprises: 1 (two accounts, resumed), 2 (low, not resumed), 3 (no baseline: 4 of 10 window
    days), 4 (resumed on paper), 5 (power-resumed, not reported)."""
    rows: list[tuple[dt.date, str, float]] = []
    window = [RULES.baseline_start + dt.timedelta(days=i) for i in range(10)]
    for day in window:
        rows += [(day, "A1a", 60.0), (day, "A1b", 40.0), (day, "A2", 100.0), (day, "A4", 100.0), (day, "A5", 100.0)]
    rows += [(day, "A3", 100.0) for day in window[:4]]
    for k in range(3):
        day = DAY - dt.timedelta(days=k)
        rows += [(day, "A1a", 30.0), (day, "A1b", 20.0), (day, "A2", 10.0), (day, "A3", 80.0), (day, "A4", 5.0),
                 (day, "A5", 45.0)]
    accounts = {"A1a": 1, "A1b": 1, "A2": 2, "A3": 3, "A4": 4, "A5": 5}
    enterprises = {1: "339102", 2: "339102", 3: "339102", 4: "339106", 5: "339106"}
    return readings_table(rows), accounts, enterprises


def run_pipeline(con: Any) -> dict[str, Any]:
    readings, accounts, enterprises = constructed()
    r, a, e = _tables(con, readings, accounts, enterprises)
    base = pipeline.baselines(r, a, RULES)
    ratios = pipeline.day_ratios(r, a, base, DAY, RULES)
    reported = engine.arrow_table(pa.table({
        "enterprise_id": pa.array([1, 2, 4], pa.int64()), "resumed": [True, False, True]}))
    recent = pipeline.recent_ratios(r, a, base, DAY, RULES)
    return {
        "baselines": con.to_pyarrow(base.order_by("enterprise_id")).to_pylist(),
        "ratios": con.to_pyarrow(ratios.order_by("enterprise_id")).to_pylist(),
        "county": con.to_pyarrow(pipeline.indicators(ratios, e, "county", RULES).order_by("group")).to_pylist(),
        "city": con.to_pyarrow(pipeline.indicators(ratios, e, None, RULES)).to_pylist(),
        "crosscheck": con.to_pyarrow(pipeline.crosscheck(recent, reported, RULES).order_by("enterprise_id")
                                     .select("enterprise_id", "kind")).to_pylist(),
    }


def union_case(con: Any) -> dict[int, dict[str, Any]]:
    """A 150-day window (three mask words of 63 days): 7 has two accounts overlapping on days 90..99 (union
    0..139: 140 days); 8 has two accounts on days 0..30 and 110..149 (71 days together, under half); 9 has
    readings on every other day (75, exactly half); 10 on 74 days (one under half)."""
    rules = pipeline.PowerRules(baseline_start=dt.date(2019, 10, 1), baseline_end=dt.date(2020, 2, 27))
    assert rules.window_days == 150

    def on(days: range, account: str, kwh: float) -> list[tuple[dt.date, str, float]]:
        return [(rules.baseline_start + dt.timedelta(days=i), account, kwh) for i in days]

    rows = on(range(100), "A7a", 10.0) + on(range(90, 140), "A7b", 5.0)
    rows += on(range(31), "A8a", 1.0) + on(range(110, 150), "A8b", 1.0)
    rows += on(range(0, 150, 2), "A9", 2.0) + on(range(1, 148, 2), "A10", 2.0)
    rows += [(dt.date(2020, 2, 28), "A7a", 999.0), (dt.date(2019, 9, 30), "A9", 999.0)]  # outside the window
    accounts = {"A7a": 7, "A7b": 7, "A8a": 8, "A8b": 8, "A9": 9, "A10": 10}
    r, a, _e = _tables(con, readings_table(rows), accounts, {})
    return {b["enterprise_id"]: b for b in con.to_pyarrow(pipeline.baselines(r, a, rules)).to_pylist()}


class TestPipeline:
    def test_constructed_cases_on_duckdb(self) -> None:
        got = run_pipeline(engine.connect("duckdb"))
        base = {b["enterprise_id"]: b for b in got["baselines"]}
        assert base[1]["baseline_kwh"] == 100.0 and base[1]["has_baseline"]  # two accounts summed
        assert base[3]["days"] == 4 and not base[3]["has_baseline"]  # under half of the window: no baseline
        ratios = {r["enterprise_id"]: r for r in got["ratios"]}
        assert sorted(ratios) == [1, 2, 4, 5]  # 3 is left out
        assert ratios[1]["ratio"] == 0.5 and ratios[1]["resumed"] and not ratios[2]["resumed"]
        city = got["city"][0]
        assert (city["enterprises"], city["resumed"]) == (4, 2)
        assert city["count_share"] == 0.5 and city["energy_share"] == pytest.approx(95 / 400)
        assert city["index"] == pytest.approx((0.5 * 0.5 + 0.5 * 95 / 400) * 100)
        county = {c["group"]: c for c in got["county"]}
        assert (county["339102"]["enterprises"], county["339102"]["resumed"]) == (2, 1)
        assert got["crosscheck"] == [{"enterprise_id": 4, "kind": "paper"}, {"enterprise_id": 5, "kind": "unreported"}]

    def test_last_days_with_readings_skip_a_missing_day(self) -> None:
        """§4.4's "last 3 days with readings": one enterprise read every day, one whose meter skipped days (its
        last three are D, D-2, D-4), one with only two readings in the lookback (no flag)."""
        con = engine.connect("duckdb")
        rows: list[tuple[dt.date, str, float]] = []
        window = [RULES.baseline_start + dt.timedelta(days=i) for i in range(10)]
        for day in window:
            rows += [(day, "E1", 100.0), (day, "E2", 100.0), (day, "E3", 100.0)]
        for k in range(6):  # E1 every day at 5 %; E2 on D, D-2, D-4 at 50 % (and 1 % on D-6, outside its last 3)
            rows.append((DAY - dt.timedelta(days=k), "E1", 5.0))
        rows += [(DAY - dt.timedelta(days=k), "E2", 50.0) for k in (0, 2, 4)] + [(DAY - dt.timedelta(days=6), "E2", 1.0)]
        rows += [(DAY, "E3", 90.0), (DAY - dt.timedelta(days=1), "E3", 90.0)]
        r, a, _e = _tables(con, readings_table(rows), {"E1": 1, "E2": 2, "E3": 3}, {1: "x", 2: "x", 3: "x"})
        base = pipeline.baselines(r, a, RULES)
        recent = {row["enterprise_id"]: row for row in con.to_pyarrow(
            pipeline.recent_ratios(r, a, base, DAY, RULES)).to_pylist()}
        assert (recent[1]["days"], recent[1]["max_ratio"], recent[1]["last_date"]) == (3, 0.05, DAY)
        assert (recent[2]["days"], recent[2]["min_ratio"], recent[2]["max_ratio"]) == (3, 0.5, 0.5)  # not D-6's 1 %
        assert recent[3]["days"] == 2
        reported = engine.arrow_table(pa.table({"enterprise_id": pa.array([1], pa.int64()), "resumed": [True]}))
        flags = {row["enterprise_id"]: row["kind"] for row in con.to_pyarrow(
            pipeline.crosscheck(pipeline.recent_ratios(r, a, base, DAY, RULES), reported, RULES)).to_pylist()}
        assert flags == {1: "paper", 2: "unreported"}  # E3: two readings are not three days

    def test_days_of_several_accounts_are_their_union(self) -> None:
        base = union_case(engine.connect("duckdb"))
        assert (base[7]["days"], base[7]["baseline_kwh"], base[7]["has_baseline"]) == (140, (100 * 10 + 50 * 5) / 140,
                                                                                       True)
        assert (base[8]["days"], base[8]["has_baseline"]) == (71, False)
        assert (base[9]["days"], base[9]["baseline_kwh"], base[9]["has_baseline"]) == (75, 2.0, True)
        assert (base[10]["days"], base[10]["has_baseline"]) == (74, False)

    def test_zhejiang_figures(self) -> None:
        """10 February 2020, Zhejiang: 64,590 of 333,427 firms (19.37%) with 405.42 GWh against a 1,288.07 GWh
        baseline (31.47%) gave an index of 25.42 (DOMAIN.md §4.2)."""
        n, resumed = 333_427, 64_590
        baseline_each = 1_288.07e6 / n
        kwh = np.full(n, 0.1 * baseline_each)
        kwh[:resumed] = 405.42e6 / resumed
        assert (kwh[:resumed] / baseline_each).min() >= 0.3
        con = engine.connect("duckdb")
        ids = pa.array(np.arange(n), pa.int64())
        readings = pa.table({"date": pa.array([DAY] * n, pa.date32()), "account": pa.array(np.arange(n).astype(str)),
                             "kwh": pa.array(kwh)})
        r = engine.arrow_table(readings)
        a = engine.arrow_table(pa.table({"account": pa.array(np.arange(n).astype(str)), "enterprise_id": ids}))
        base = engine.arrow_table(pa.table({"enterprise_id": ids, "baseline_kwh": np.full(n, baseline_each),
                                                       "days": np.full(n, 92), "has_baseline": np.full(n, True)}))
        e = engine.arrow_table(pa.table({"enterprise_id": ids, "county": ["330000"] * n}))
        city = con.to_pyarrow(pipeline.indicators(pipeline.day_ratios(r, a, base, DAY, pipeline.PowerRules()), e, None,
                                                  pipeline.PowerRules())).to_pylist()[0]
        assert round(city["count_share"] * 100, 2) == 19.37
        assert round(city["energy_share"] * 100, 2) == 31.47
        assert round(city["index"], 2) == 25.42

    @pytest.mark.spark
    def test_spark_agrees_with_duckdb(self) -> None:
        assert union_case(engine.connect("spark")) == union_case(engine.connect("duckdb"))
        duck = run_pipeline(engine.connect("duckdb"))
        spark = run_pipeline(engine.connect("spark"))
        assert duck["crosscheck"] == spark["crosscheck"]
        for part in ("baselines", "ratios", "county", "city"):
            assert len(duck[part]) == len(spark[part])
            for a, b in zip(duck[part], spark[part], strict=True):
                assert a.keys() == b.keys()
                for key in a:
                    assert a[key] == pytest.approx(b[key]), (part, key)
