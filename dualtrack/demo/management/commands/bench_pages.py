"""``dualtrack bench_pages``: the morning pages through the whole Django stack, on the loaded city (the demo by
default), with a warm server: 总览, 疫情图, 复工图, 每日通报, 数据核验, 调度会 and the investment pages, for HQ and a district operator,
p50/p95 over repeated requests; and the time to compute the day's picture (what the worker does once a day).
Figures for docs/benchmarks.md; ``--json`` prints them as JSON."""

from __future__ import annotations

import atexit
import gc
import json
import platform
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import Client

from dualtrack.accounts.models import User
from dualtrack.core import versions
from dualtrack.core.choices import Role
from dualtrack.resumption import snapshot

PAGES = [("总览", "/"), ("疫情图", "/epidemic/"), ("复工图", "/resumption/"), ("每日通报", "/bulletins/"),
         ("数据核验", "/resumption/crosscheck/"), ("调度会", "/projects/board/"),
         # 招商引资: leads change with every activity logged, so these are judged per request (no daily snapshot).
         ("招商项目", "/investment/"), ("目标进度", "/investment/league/"), ("四个一批", "/investment/pipeline/"),
         ("争资", "/investment/bids/"), ("经济运行", "/economy/"), ("点对点返岗", "/worker-return/"),
         ("脱贫攻坚", "/poverty/")]


def card_timings(user: User, day: Any, requests: int, role: str) -> list[dict[str, Any]]:
    """Each 总览 card's builder timed alone for ``user`` (after one warm call): what a card costs a request."""
    from dualtrack.core import cards

    found = []
    for _order, name, builder in cards._CARDS:  # noqa: SLF001 - the benchmark times each registered builder
        if builder(user, day) is None:
            continue
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            builder(user, day)
            timings.append((time.perf_counter() - started) * 1000)
        found.append({"card": name, "user": role, "p50_ms": round(statistics.median(timings), 1),
                      "p95_ms": round(percentile(timings, 0.95), 1)})
    return found


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Benchmark the morning pages (p50/p95, whole Django stack) and the day's picture on the loaded city."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=30, help="requests per page and user")
        parser.add_argument("--hq", default="hq", help="an HQ account (default: the demo's)")
        parser.add_argument("--district", default="jiangbei", help="a district operator (default: the demo's)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        gc.freeze()  # as dualtrack.wsgi does once the application is loaded (a server's process, not a console's)
        atexit.register(gc.unfreeze)
        day = versions.as_of().day
        if day is None:
            raise CommandError("no data loaded: run ./run demo (or import a city) first")
        users = {role: User.objects.filter(username=options[role], role=role_value).first()
                 for role, role_value in (("hq", Role.HQ), ("district", Role.DISTRICT))}
        missing = [name for name, user in users.items() if user is None]
        if missing:
            raise CommandError(f"no such account: {', '.join(options[m] for m in missing)}")
        computes = []
        for _ in range(3):
            started = time.perf_counter()
            snapshot.refresh(day)
            computes.append(time.perf_counter() - started)
        snapshot.refresh(day.fromordinal(day.toordinal() - 1))
        results: dict[str, Any] = {"day": day.isoformat(), "machine": f"{platform.processor() or platform.machine()}, "
                                   f"Python {platform.python_version()}", "picture_seconds": round(min(computes), 3),
                                   "pages": []}
        for role, found in users.items():
            assert found is not None  # noqa: S101 - checked above
            user: User = found
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            for name, path in PAGES:
                first = client.get(path)  # warm: the process's caches, as on a running server
                if first.status_code == 403:  # not this role's page (a district has no bulletin)
                    results["pages"].append({"page": name, "path": path, "user": role, "p50_ms": None, "p95_ms": None})
                    continue
                if first.status_code != 200:
                    raise CommandError(f"{path} as {user.username}: HTTP {first.status_code}")
                timings = []
                for _ in range(options["requests"]):
                    started = time.perf_counter()
                    response = client.get(path)
                    timings.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        raise CommandError(f"{path} as {user.username}: HTTP {response.status_code}")
                results["pages"].append({"page": name, "path": path, "user": role,
                                         "p50_ms": round(statistics.median(timings), 1),
                                         "p95_ms": round(percentile(timings, 0.95), 1)})
            results.setdefault("cards", []).extend(card_timings(user, versions.data_day(), options["requests"], role))
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"day {results['day']} · picture computed in {results['picture_seconds']:.2f} s · "
                          f"{results['machine']}")
        for row in results["pages"]:
            if row["p50_ms"] is None:
                self.stdout.write(f"  {row['page']:<6} {row['user']:<9} (not this role's page)")
                continue
            self.stdout.write(f"  {row['page']:<6} {row['user']:<9} p50 {row['p50_ms']:>7.1f} ms   "
                              f"p95 {row['p95_ms']:>7.1f} ms")
        self.stdout.write("cards of 总览 (each builder alone, warm):")
        for row in results.get("cards", []):
            self.stdout.write(f"  {row['card']:<12} {row['user']:<9} p50 {row['p50_ms']:>7.1f} ms   "
                              f"p95 {row['p95_ms']:>7.1f} ms")
