"""``dualtrack bench_power --size demo|province``: the power pipeline benchmarks of docs/benchmarks.md."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from dualtrack.power import bench


class Command(BaseCommand):
    help = "Power pipeline benchmarks: baselines, one day's indicators, a bare scan, pandas."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(bench.SIZES), default="demo")
        parser.add_argument("--enterprises", type=int)
        parser.add_argument("--days", type=int)
        parser.add_argument("--pandas-days", type=int, help="days of readings given to pandas (default: 3 for "
                                                            "the demo size, 30 for the province: 89 M rows, ~16 GB "
                                                            "of the machine's 24)")
        parser.add_argument("--root", help="where the generated data goes (default var/bench-power/SIZE)")
        parser.add_argument("--keep", action="store_true", help="reuse generated data when present")
        parser.add_argument("--measure", help=argparse_suppress())

    def handle(self, *args: Any, **options: Any) -> None:
        enterprises, days = bench.SIZES[options["size"]]
        enterprises = options["enterprises"] or enterprises
        days = options["days"] or days
        options["pandas_days"] = options["pandas_days"] or (30 if options["size"] == "province" else 3)
        root = Path(options["root"] or Path(settings.HOME) / "bench-power" / options["size"])
        if options["measure"]:  # a child process: one measurement, one JSON line
            self.stdout.write(json.dumps(bench.measure(options["measure"], root, days, options["pandas_days"])))
            return
        if not (options["keep"] and (root / "accounts.parquet").exists()):
            shutil.rmtree(root, ignore_errors=True)
            generated = bench.generate(root, enterprises, days)
            self.stdout.write(f"generated {generated['rows']:,} readings ({enterprises:,} enterprises × {days} days, "
                              f"{generated['bytes'] / 1e9:.2f} GB) in {generated['seconds']} s")
        results = [bench.run_child(kind, root, days, options["pandas_days"])
                   for kind in ("baselines", "scan", "day", "picture", "pipeline_small", "pandas")]
        self.stdout.write(f"| measurement ({enterprises:,} enterprises × {days} days) | wall s | rows | rows/s | peak MB |")
        self.stdout.write("|---|---|---|---|---|")
        labels = {"baselines": "(1) build baselines", "scan": "(3) bare DuckDB scan of the rows of (1)",
                  "day": "(2) all indicators for one day (5 groupings)",
                  "picture": "(5) the power side of a day's stored picture (the day's cells, 14-day cross-check)",
                  "pipeline_small": f"pipeline baselines on {options['pandas_days']} days (for (4))",
                  "pandas": f"(4) plain pandas baselines on the same {options['pandas_days']} days"}
        for r in results:
            self.stdout.write(f"| {labels[r['kind']]} | {r['seconds']} | {r['rows']:,} | {r['rows_per_s']:,} | "
                              f"{r['peak_mb']:,} |")
        by = {r["kind"]: r for r in results}
        self.stdout.write(f"(1)/(3) = {by['baselines']['seconds'] / max(by['scan']['seconds'], 1e-9):.1f}×; "
                          f"pandas/pipeline at equal size = "
                          f"{by['pandas']['seconds'] / max(by['pipeline_small']['seconds'], 1e-9):.1f}×")


def argparse_suppress() -> str:
    import argparse

    return argparse.SUPPRESS
