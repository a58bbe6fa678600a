"""``dualtrack bench``: the benchmarks of docs/benchmarks.md, on the database DATABASE_URL points at.

``./run bench`` points it at a throw-away SQLite file (var/bench/) unless DATABASE_URL is set.
Measured: importing N enterprises (default 200,000) through the import framework, re-importing the same
file (idempotent, nothing changes), and the enterprise list page at that size (p50/p95 over repeated
requests through the whole Django stack, for several filters).
"""

from __future__ import annotations

import platform
import statistics
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client

from dualtrack.accounts.models import User
from dualtrack.demo.city import DemoCity
from dualtrack.demo.loader import HEADERS, import_file, write_csv
from dualtrack.registry.models import Enterprise


class Command(BaseCommand):
    help = "Benchmarks: enterprise import and the enterprise list page at scale."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprises", type=int, default=200_000)
        parser.add_argument("--requests", type=int, default=40, help="requests per list-page scenario")
        parser.add_argument("--seed", type=int, default=2020)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", verbosity=0)
        if Enterprise.objects.exists():
            raise CommandError("the benchmark needs an empty database: ./run bench uses var/bench/ by default")
        n = options["enterprises"]
        city = DemoCity(seed=options["seed"], enterprise_count=n)
        folder = Path(settings.HOME) / "bench"
        for name, rows in (("regions", city.region_rows()), ("parks", city.park_rows()),
                           ("departments", city.department_rows())):
            write_csv(folder / f"{name}.csv", rows, HEADERS[name])
            import_file(name, folder / f"{name}.csv", lambda _m: None)
        path = folder / "enterprises.csv"
        started = time.perf_counter()
        write_csv(path, city.enterprise_rows(), HEADERS["enterprises"])
        self.stdout.write(f"generated {n:,} enterprises in {time.perf_counter() - started:.1f} s "
                          f"({path.stat().st_size / 1e6:.1f} MB)")
        results: list[tuple[str, str]] = []
        for label in ("import (new rows)", "re-import (unchanged)"):
            started = time.perf_counter()
            import_file("enterprises", path, self.stdout.write)
            results.append((f"{label}, {n:,} enterprises", f"{time.perf_counter() - started:.1f} s"))
        hq = User.objects.create(username="bench-hq", role="hq")
        district = User.objects.create(username="bench-district", role="district", county_id=Enterprise.objects
                                       .values_list("county_id", flat=True).first())
        sample = Enterprise.objects.order_by("uscc")[n // 2]
        scenarios: list[tuple[str, User, dict[str, Any]]] = [
            ("HQ, page 1, no filter", hq, {}),
            ("HQ, page 1000", hq, {"page": 1000}),
            ("HQ, county filter", hq, {"county": "339106"}),
            ("HQ, industry C + 规上工业 + key", hq, {"industry": "C", "size_class": "规上工业", "is_key": "1"}),
            ("HQ, search name 精密", hq, {"q": "精密"}),
            ("HQ, search credit code prefix", hq, {"q": sample.uscc[:12]}),
            ("district operator, page 1", district, {}),
            ("district operator, search name 机械", district, {"q": "机械"}),
        ]
        page_rows: list[tuple[str, float, float]] = []
        for label, user, params in scenarios:
            client = Client(HTTP_HOST="localhost")
            client.force_login(user)
            client.get("/registry/enterprises/", params)  # warm-up
            times = []
            for _ in range(options["requests"]):
                started = time.perf_counter()
                response = client.get("/registry/enterprises/", params)
                times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{label}: HTTP {response.status_code}")
            times.sort()
            p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
            page_rows.append((label, statistics.median(times), p95))
        self.stdout.write("")
        self.stdout.write(f"machine: {platform.machine()}, {platform.python_implementation()} "
                          f"{platform.python_version()}, database {connection.vendor}")
        self.stdout.write("| measurement | result |\n|---|---|")
        for label, value in results:
            self.stdout.write(f"| {label} | {value} |")
        self.stdout.write("")
        self.stdout.write(f"| enterprise list page ({n:,} enterprises, {options['requests']} requests) | p50 ms | p95 ms |")
        self.stdout.write("|---|---|---|")
        for label, p50, p95 in page_rows:
            self.stdout.write(f"| {label} | {p50:.0f} | {p95:.0f} |")
        self._policies(n)

    def _policies(self, n: int) -> None:
        """Matching every enterprise against the 30 demo measures (one query per measure), with half of the
        enterprises holding a resumption report so that the "resumed" criterion has work to do."""
        import datetime as dt
        import random

        from dualtrack.core.actors import SystemActor
        from dualtrack.demo import policies as demo_policies
        from dualtrack.policies import services as policies
        from dualtrack.registry.models import Department
        from dualtrack.resumption.models import ResumptionReport

        actor = SystemActor("bench")
        day = dt.date(2020, 3, 10)
        rng = random.Random(5)
        ids = list(Enterprise.objects.values_list("pk", flat=True))
        ResumptionReport.objects.bulk_create(
            [ResumptionReport(enterprise_id=pk, date=day - dt.timedelta(days=rng.randrange(10)), resumed=rng.random() < 0.8)
             for pk in ids if rng.random() < 0.5], batch_size=5000)
        departments = {d.code: d for d in Department.objects.all()}
        docs = [policies.save_policy(actor, doc, title=title, issuer=issuer, issued_on=dt.date.fromisoformat(d),
                                     effective_from=dt.date.fromisoformat(d)) for doc, title, issuer, d in demo_policies.POLICIES]
        measures = [policies.save_measure(actor, row["code"], policy=docs[row["policy"]],
                                          department=departments[row["department"]],
                                          **{k: v for k, v in row.items() if k not in ("code", "policy", "department")})
                    for row in demo_policies.measure_rows()]
        timings = []
        for _round in range(3):
            started = time.perf_counter()
            matched = sum(len(list(policies.eligible(m, day).values_list("pk", flat=True))) for m in measures)
            timings.append(time.perf_counter() - started)
        self.stdout.write("")
        self.stdout.write(f"| policy matching: {n:,} enterprises × {len(measures)} measures ({matched:,} matches) | "
                          f"best {min(timings):.2f} s, worst {max(timings):.2f} s of 3 |")
        self._picture(n, day)

    def _picture(self, n: int, day: Any) -> None:
        """The database side of a day's stored picture at this size (the reported resumption summed per cell
        for the day and the day before, each enterprise's carried-forward status for the cross-check, the
        epidemic situation), with an empty power store: ``bench_power`` measures the power side."""
        import os
        import tempfile

        from dualtrack.resumption import snapshot

        with tempfile.TemporaryDirectory() as empty:
            previous = os.environ.get("POWER_STORE")
            os.environ["POWER_STORE"] = empty
            try:
                snapshot.forget()
                started = time.perf_counter()
                snapshot.compute(day)  # cold: the registry frames are built (once per registry change)
                cold = time.perf_counter() - started
                timings = []
                for _round in range(3):  # warm: the worker's every morning
                    started = time.perf_counter()
                    snapshot.compute(day)
                    timings.append(time.perf_counter() - started)
            finally:
                if previous is None:
                    os.environ.pop("POWER_STORE", None)
                else:
                    os.environ["POWER_STORE"] = previous
        self.stdout.write(f"| the day's picture, database side: {n:,} enterprises | warm: best {min(timings):.2f} s, "
                          f"worst {max(timings):.2f} s of 3; cold (frames built): {cold:.2f} s |")
