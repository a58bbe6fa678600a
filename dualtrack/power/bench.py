"""Benchmarks of the power pipeline at two sizes (``dualtrack bench_power``).

A synthetic city or province is generated straight into the store layout with DuckDB (one Parquet file
per day, an accounts file and an enterprises file), then each measurement runs in a fresh process so that
its peak memory is its own: (1) building the baselines, (2) every indicator for one day, (3) a bare
DuckDB scan of the rows of (1), (4) a plain pandas baseline at a size pandas holds, beside the pipeline
on the same rows.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from . import engine, pipeline

START = dt.date(2019, 10, 1)
SIZES = {"demo": (20_000, 213), "province": (3_000_000, 120)}


def generate(root: Path, enterprises: int, days: int) -> dict[str, Any]:
    """Readings for ``enterprises`` × ``days`` (2% of enterprises have none before 2020, 1% have a second
    account), with a Spring Festival dip and recovery; deterministic."""
    root.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"SET threads = {os.cpu_count() or 2}")
    started = time.perf_counter()
    con.execute(f"""COPY (SELECT range AS enterprise_id, '33' || lpad((range % 100)::VARCHAR, 4, '0') AS county,
            CASE WHEN range % 7 = 0 THEN 'P' || (range % 20)::VARCHAR END AS park,
            chr(65 + (range % 20)::INTEGER) AS section,
            CASE WHEN range % 10 = 0 THEN '规上工业' WHEN range % 10 = 1 THEN '限上服务业' ELSE '规下' END AS size
        FROM range({enterprises})) TO '{root / "enterprises.parquet"}' (FORMAT parquet)""")
    con.execute(f"""COPY (SELECT 'A' || lpad(range::VARCHAR, 9, '0') AS account, range AS enterprise_id FROM range({enterprises})
        UNION ALL SELECT 'B' || lpad(range::VARCHAR, 9, '0'), range FROM range({enterprises}) WHERE range % 100 = 7)
        TO '{root / "accounts.parquet"}' (FORMAT parquet)""")
    readings = root / "readings"
    rows = 0
    for offset in range(days):
        day = START + dt.timedelta(days=offset)
        folder = readings / day.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        factor = 0.2 if dt.date(2020, 1, 18) <= day <= dt.date(2020, 2, 9) else 1.0
        skip = "AND range % 50 <> 3" if day < dt.date(2020, 1, 1) else ""
        con.execute(f"""COPY (
            SELECT DATE '{day}' AS date, 'A' || lpad(range::VARCHAR, 9, '0') AS account,
                   round((50 + hash(range) % 5000) * {factor} * (0.9 + (hash(range * 31 + {offset}) % 200) / 1000.0), 2) AS kwh
            FROM range({enterprises}) WHERE true {skip}
            UNION ALL
            SELECT DATE '{day}', 'B' || lpad(range::VARCHAR, 9, '0'), 40.0 * {factor} FROM range({enterprises})
            WHERE range % 100 = 7) TO '{folder / "readings.parquet"}' (FORMAT parquet, COMPRESSION zstd)""")
        rows += con.execute(f"SELECT count(*) FROM read_parquet('{folder / 'readings.parquet'}')").fetchone()[0]  # type: ignore[index]
    return {"enterprises": enterprises, "days": days, "rows": rows, "seconds": round(time.perf_counter() - started, 1),
            "bytes": sum(f.stat().st_size for f in readings.glob("*/*.parquet"))}


def _rules(days: int) -> pipeline.PowerRules:
    end = min(dt.date(2019, 12, 31), START + dt.timedelta(days=days - 1))
    return pipeline.PowerRules(baseline_start=START, baseline_end=end)


def _window_files(root: Path, rules: pipeline.PowerRules) -> list[str]:
    return [str(f) for f in sorted((root / "readings").glob("*/*.parquet"))
            if rules.baseline_start.isoformat() <= f.parent.name <= rules.baseline_end.isoformat()]


def _count(sql: str) -> int:
    """The first value of the first row of ``sql`` (a count)."""
    return int(duckdb.connect().execute(sql).fetchall()[0][0])


def measure(kind: str, root: Path, days: int, pandas_days: int) -> dict[str, Any]:
    """One measurement, in this process (the parent runs each in a fresh one)."""
    rules = _rules(days)
    started = time.perf_counter()
    rows = 0
    parts: dict[str, float] = {}
    if kind == "baselines":
        con = engine.connect("duckdb")
        readings = engine.readings(con, root / "readings", rules.baseline_start, rules.baseline_end)
        accounts = con.read_parquet(str(root / "accounts.parquet"))
        con.to_parquet(pipeline.baselines(readings, accounts, rules), str(root / "baselines.parquet"))
        rows = _count(f"SELECT count(*) FROM read_parquet({_window_files(root, rules)})")
    elif kind == "scan":
        files = _window_files(root, rules)
        rows = _count(f"SELECT count(*), sum(kwh), sum(length(account)) FROM read_parquet({files})")
    elif kind == "day":
        con = engine.connect("duckdb")
        day = START + dt.timedelta(days=days - 1)
        readings = engine.readings(con, root / "readings", day, day)
        accounts = con.read_parquet(str(root / "accounts.parquet"))
        base = con.read_parquet(str(root / "baselines.parquet"))
        enterprises = con.read_parquet(str(root / "enterprises.parquet"))
        ratios = pipeline.with_groups(pipeline.day_ratios(readings, accounts, base, day, rules), enterprises)
        cached = con.create_table("ratios", ratios, temp=True)  # computed once, grouped five ways
        for by in ("county", "park", "section", "size", None):
            con.to_pyarrow(pipeline.indicators(cached, None, by, rules))
        rows = con.to_pyarrow(readings.count().as_table()).column(0)[0].as_py()
    elif kind == "picture":
        # The power side of a day's stored picture (resumption.snapshot.compute) once the days before it are
        # stored, as every morning: the day's cells (its trend part is their sum), and the cross-check over
        # the last 14 days against a reported status (two thirds reported resumed). The earlier day's cells
        # and the 29 other trend days are read from the stored pictures.
        con = engine.connect("duckdb")
        day = START + dt.timedelta(days=days - 1)
        accounts = con.read_parquet(str(root / "accounts.parquet"))
        base = con.read_parquet(str(root / "baselines.parquet"))
        enterprises = con.read_parquet(str(root / "enterprises.parquet"))
        ratios = pipeline.with_groups(pipeline.day_ratios(engine.readings(con, root / "readings", day, day), accounts,
                                                          base, day, rules), enterprises)
        con.to_pyarrow(pipeline.cell_sums(ratios))
        parts["cells"] = round(time.perf_counter() - started, 2)
        reported = enterprises.select("enterprise_id", resumed=(enterprises.enterprise_id % 3) != 0)
        recent = pipeline.recent_ratios(engine.readings(con, root / "readings", day - dt.timedelta(days=13), day),
                                        accounts, base, day, rules)
        con.to_pyarrow(pipeline.crosscheck(recent, reported, rules).join(enterprises, "enterprise_id"))
        parts["crosscheck"] = round(time.perf_counter() - started - parts["cells"], 2)
        window = pipeline.PowerRules(baseline_start=day - dt.timedelta(days=13), baseline_end=day)
        rows = _count(f"SELECT count(*) FROM read_parquet({_window_files(root, window)})")
    elif kind in ("pandas", "pipeline_small"):
        small = pipeline.PowerRules(baseline_start=START, baseline_end=START + dt.timedelta(days=pandas_days - 1))
        files = _window_files(root, small)
        if kind == "pandas":
            import pandas as pd  # only here: the comparison, never the product

            frame = pd.concat([pd.read_parquet(f) for f in files])
            accounts = pd.read_parquet(root / "accounts.parquet")
            merged = frame.merge(accounts, on="account")
            daily = merged.groupby(["enterprise_id", "date"], as_index=False)["kwh"].sum()
            result = daily.groupby("enterprise_id")["kwh"].agg(["mean", "count"])
            result["has_baseline"] = result["count"] >= small.min_coverage * small.window_days
            rows = len(frame)
        else:
            con = engine.connect("duckdb")
            readings = con.read_parquet(files)
            accounts = con.read_parquet(str(root / "accounts.parquet"))
            con.to_parquet(pipeline.baselines(readings, accounts, small), str(root / "baselines-small.parquet"))
            rows = _count(f"SELECT count(*) FROM read_parquet({files})")
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"kind": kind, "seconds": round(seconds, 2), "rows": int(rows), "rows_per_s": int(rows / seconds),
            "peak_mb": round(peak_mb), **({"parts": parts} if parts else {})}


def run_child(kind: str, root: Path, days: int, pandas_days: int) -> dict[str, Any]:
    output = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "dualtrack.cli", "bench_power", "--measure", kind, "--root", str(root),
         "--days", str(days), "--pandas-days", str(pandas_days)],
        check=True, capture_output=True, text=True, env={**os.environ, "POWER_MEMORY_LIMIT": os.environ.get(
            "POWER_MEMORY_LIMIT", "3GB")})
    return json.loads(output.stdout.strip().splitlines()[-1])
