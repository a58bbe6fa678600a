"""Materialised baselines (基期日均用电量).

Baselines do not change from day to day, so they are computed once and kept as Parquet beside the
readings, with a fingerprint of what they were built from: the rule parameters, the readings files of the
window (names, sizes, modification times) and the account-to-enterprise mapping. A different
fingerprint (the window changed, late readings landed in it, accounts were re-mapped) rebuilds them;
otherwise the daily step only reads the day's readings.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dualtrack.core.lazy import lazy

from . import engine, pipeline

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq
else:
    pa = lazy("pyarrow")
    pq = lazy("pyarrow.parquet")


def _fingerprint(rules: pipeline.PowerRules, readings_root: Path, accounts: pa.Table) -> str:
    digest = hashlib.sha256(json.dumps(asdict(rules), default=str, sort_keys=True).encode())
    day = rules.baseline_start
    while day <= rules.baseline_end:
        for file in sorted((readings_root / day.isoformat()).glob("*.parquet")):
            stat = file.stat()
            digest.update(f"{file.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        day = day.fromordinal(day.toordinal() + 1)
    sorted_accounts = accounts.sort_by([("account", "ascending")])
    for column in ("account", "enterprise_id"):
        for buffer in sorted_accounts[column].combine_chunks().buffers():
            if buffer is not None:
                digest.update(buffer)
    return digest.hexdigest()


def ensure(con: Any, rules: pipeline.PowerRules, accounts: pa.Table, *, store: Path | None = None,
           readings_root: Path | None = None) -> tuple[pa.Table, bool]:
    """The baselines for ``rules``: read from the store when still valid, else built and stored.
    Returns the table and whether it was (re)built."""
    root = store or engine.store_path()
    readings_root = readings_root or engine.readings_path()
    fingerprint = _fingerprint(rules, readings_root, accounts)
    target = root / "baselines" / f"{rules.baseline_start}_{rules.baseline_end}.parquet"
    meta = target.with_suffix(".json")
    if target.exists() and meta.exists() and json.loads(meta.read_text())["fingerprint"] == fingerprint:
        return pq.read_table(target), False
    readings = engine.readings(con, readings_root, rules.baseline_start, rules.baseline_end)
    built = con.to_pyarrow(pipeline.baselines(readings, engine.arrow_table(accounts), rules))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    pq.write_table(built, tmp)
    os.replace(tmp, target)
    meta.write_text(json.dumps({"fingerprint": fingerprint, "rows": built.num_rows}))
    return built, True
