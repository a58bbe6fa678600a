"""Where the pipeline runs: DuckDB in-process (default) or Spark, chosen by ``POWER_ENGINE``.

``POWER_ENGINE=spark`` with ``SPARK_MASTER`` (default ``local[*]``) points the same pipeline at Spark; a
city that outgrows one machine sets ``SPARK_MASTER=spark://…`` and a shared ``POWER_STORE`` path.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

from dualtrack.core.lazy import lazy

if TYPE_CHECKING:
    import ibis
    import pyarrow as pa
else:
    ibis = lazy("ibis")
    pa = lazy("pyarrow")


def store_path() -> Path:
    return Path(os.environ.get("POWER_STORE") or Path(settings.HOME) / "power")


def readings_path() -> Path:
    return store_path() / "readings"


def connect(engine: str | None = None) -> Any:
    engine = engine or os.environ.get("POWER_ENGINE", "duckdb")
    if engine == "duckdb":
        options: dict[str, Any] = {"threads": int(os.environ.get("POWER_THREADS", os.cpu_count() or 2))}
        if os.environ.get("POWER_MEMORY_LIMIT"):
            options["memory_limit"] = os.environ["POWER_MEMORY_LIMIT"]
        return ibis.duckdb.connect(**options)
    if engine == "spark":
        from pyspark.sql import SparkSession

        session = (SparkSession.builder.master(os.environ.get("SPARK_MASTER", "local[*]"))
                   .appName("dualtrack-power").config("spark.ui.enabled", "false")
                   .config("spark.sql.session.timeZone", "UTC")
                   .config("spark.sql.warehouse.dir", str(store_path() / "spark-warehouse")).getOrCreate())
        return ibis.pyspark.connect(session)
    raise ValueError(f"POWER_ENGINE must be duckdb or spark, not {engine!r}")


def readings(con: Any, path: Path | None = None, start: dt.date | None = None, end: dt.date | None = None) -> Any:
    """The stored readings (``date``, ``account``, ``kwh``) of the days from ``start`` to ``end`` (only
    those days' files are opened), or an empty table."""
    root = path or readings_path()
    files = sorted(root.glob("*/*.parquet")) if root.exists() else []
    if start or end:
        low, high = (start or dt.date.min).isoformat(), (end or dt.date.max).isoformat()
        files = [f for f in files if low <= f.parent.name <= high]
    if not files:
        empty = pa.table({"date": pa.array([], pa.date32()), "account": pa.array([], pa.string()),
                          "kwh": pa.array([], pa.float64())})
        return ibis.memtable(empty)
    return con.read_parquet([str(f) for f in files])


def arrow_table(table: pa.Table) -> Any:
    """An in-memory Arrow table as an Ibis table; the backend that runs the query registers it (no connection
    or name is needed)."""
    return ibis.memtable(table)


def last_reading_day(path: Path | None = None) -> dt.date | None:
    """The latest day with readings in the store (a day is a folder), None when there are none."""
    root = path or readings_path()
    days = sorted(p.name for p in root.iterdir() if p.is_dir() and p.name[:1].isdigit()) if root.exists() else []
    for name in reversed(days):
        try:
            return dt.date.fromisoformat(name)
        except ValueError:
            continue
    return None


_WARM = threading.local()


def shared() -> Any:
    """The process's warm analytics connection for ``POWER_ENGINE`` (one per thread: a DuckDB connection runs
    one query at a time), opened once and reused by every computation instead of one per request."""
    key = os.environ.get("POWER_ENGINE", "duckdb")
    cached = getattr(_WARM, "connections", None)
    if cached is None:
        cached = _WARM.connections = {}
    if key not in cached:
        cached[key] = connect(key)
    return cached[key]
