# ruff: noqa: S311  (load-test pacing and choices, not security)
"""``dualtrack loadtest``: the problems load test of docs/benchmarks.md, on loopback against a real app server.

``./run loadtest`` does the whole thing on PostgreSQL: a throw-away database, the demo city's registry and
problems, ``prepare`` (the users), gunicorn, ``run``, then stops the server. By hand::

    dualtrack loadtest prepare --enterprises 2000 --officials 200
    gunicorn dualtrack.wsgi -b 127.0.0.1:8765 -w 5
    dualtrack loadtest run --url http://127.0.0.1:8765 --minutes 10

``run`` plays 2,000 enterprises (one every 0.3 s) that each sign in on the phone form and report one
problem, spread evenly over the window, while 200 officials (HQ, districts, departments, leaders, liaison
officers), arriving over the first minute, sign in and browse their pages with a think time between
clicks (exponential, mean ``--think`` seconds, default 15). Every request's latency is recorded from the
client side, overall, per kind and per minute of the run; any status other than the expected one, or a
connection failure, counts as an error.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import secrets
import statistics
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

PASSWORD_FILE = "loadtest-password"  # noqa: S105 - a file name, the password is generated
REF = re.compile(r'data-ref="(WT[^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
OFFICIAL_PAGES = {
    "hq": ["/problems/", "/problems/triage/", "/problems/?deadline=overdue", "/problems/statistics/", "DETAIL",
           "/problems/escalated/"],
    "district": ["/problems/", "/problems/?state=assigned", "DETAIL", "/liaison/coverage/", "/liaison/visits/"],
    "department": ["/problems/inbox/", "/problems/", "DETAIL", "/problems/statistics/"],
    "leader": ["/problems/escalated/", "/problems/statistics/", "/problems/", "DETAIL"],
    "liaison": ["/problems/", "/liaison/visits/", "DETAIL", "/problems/new/"],
}
OFFICIAL_MIX = [("hq", 0.1), ("district", 0.4), ("department", 0.3), ("leader", 0.05), ("liaison", 0.15)]
TEXTS = ["复工后员工返岗困难,需要协调包车", "原材料运输车辆通行受阻", "口罩等防疫物资缺口较大", "流动资金紧张,申请贷款展期",
         "用电报装需要加快", "复工备案审批流程繁琐", "咨询稳岗补贴申领条件", "上游供应商未复工,原材料断供"]


class Command(BaseCommand):
    help = "Load test of the problems loop: prepare the users, or run the load against a server."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="step", required=True)
        prepare = sub.add_parser("prepare", help="create the load test's users (on the current database)")
        prepare.add_argument("--enterprises", type=int, default=2000)
        prepare.add_argument("--officials", type=int, default=200)
        run = sub.add_parser("run", help="run the load against --url")
        run.add_argument("--url", default="http://127.0.0.1:8765")
        run.add_argument("--minutes", type=float, default=10.0)
        run.add_argument("--enterprises", type=int, default=2000)
        run.add_argument("--officials", type=int, default=200)
        run.add_argument("--think", type=float, default=15.0, help="officials' mean seconds between clicks")
        run.add_argument("--out", default="", help="write the figures as JSON here")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["step"] == "prepare":
            self.prepare(options["enterprises"], options["officials"])
        else:
            result = asyncio.run(LoadRun(options).run())
            text = json.dumps(result, ensure_ascii=False, indent=1)
            self.stdout.write(text)
            if options["out"]:
                Path(options["out"]).write_text(text, encoding="utf-8")
            if result["errors"]:
                raise CommandError(f"{result['errors']} requests failed")

    def prepare(self, enterprises: int, officials: int) -> None:
        from django.contrib.auth.hashers import make_password

        from dualtrack.accounts.models import User
        from dualtrack.registry import services as registry

        password = secrets.token_urlsafe(12)
        path = Path(settings.HOME) / PASSWORD_FILE
        path.write_text(password, encoding="utf-8")
        path.chmod(0o600)
        hashed = make_password(password)
        User.objects.filter(username__startswith="lt-").delete()
        firms = list(registry.all_enterprises().order_by("uscc").values_list("pk", flat=True)[:enterprises])
        if len(firms) < enterprises:
            raise CommandError(f"only {len(firms)} enterprises in the registry; load the demo city first")
        counties = list(registry.counties().values_list("pk", flat=True))
        departments = list(registry.departments().values_list("pk", flat=True))
        users = [User(username=f"lt-ent-{i:04d}", role="enterprise", enterprise_id=pk, password=hashed)
                 for i, pk in enumerate(firms)]
        rng = random.Random(7)
        for i in range(officials):
            role = rng.choices([r for r, _w in OFFICIAL_MIX], weights=[w for _r, w in OFFICIAL_MIX])[0]
            user = User(username=f"lt-{role}-{i:03d}", role=role, password=hashed, leader_level=2 if role == "leader"
                        else None)
            if role == "district":
                user.county_id = counties[i % len(counties)]
            if role == "department":
                user.department_id = departments[i % len(departments)]
            users.append(user)
        User.objects.bulk_create(users, batch_size=1000)
        liaisons = User.objects.filter(username__startswith="lt-liaison-")
        for n, officer in enumerate(liaisons):
            officer.assigned_enterprises.set(firms[n * 30:(n + 1) * 30])
        self.stdout.write(f"{len(firms)} enterprise users and {officials} officials (password in {path})")


class LoadRun:
    def __init__(self, options: dict[str, Any]) -> None:
        self.url = options["url"].rstrip("/")
        self.seconds = options["minutes"] * 60
        self.enterprises = options["enterprises"]
        self.officials = options["officials"]
        self.think = options["think"]
        self.password = (Path(settings.HOME) / PASSWORD_FILE).read_text(encoding="utf-8").strip()
        self.latencies: dict[str, list[float]] = {}
        self.timeline: dict[int, list[float]] = {}  # minute of the run → latencies of requests started in it
        self.errors: list[str] = []
        self.submitted = 0

    async def request(self, client: Any, kind: str, method: str, path: str, expect: int = 200,
                      **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            response = await client.request(method, self.url + path, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a failure of any kind is an error of the run
            self.errors.append(f"{kind} {path}: {type(exc).__name__} {exc}")
            return None
        self.latencies.setdefault(kind, []).append(time.perf_counter() - start)
        self.timeline.setdefault(int((start - self.start) // 60), []).append(time.perf_counter() - start)
        if response.status_code != expect:
            self.errors.append(f"{kind} {path}: HTTP {response.status_code}")
            return None
        return response

    async def login(self, client: Any, username: str) -> bool:
        page = await self.request(client, "login page", "GET", "/login/")
        if page is None:
            return False
        token = CSRF.search(page.text)
        done = await self.request(client, "login", "POST", "/login/", expect=302, data={
            "username": username, "password": self.password, "csrfmiddlewaretoken": token[1] if token else ""})
        return done is not None

    async def enterprise(self, number: int, at: float) -> None:
        import httpx

        await asyncio.sleep(max(0.0, at - (time.perf_counter() - self.start)))
        async with httpx.AsyncClient(timeout=30) as client:
            if not await self.login(client, f"lt-ent-{number:04d}"):
                return
            form = await self.request(client, "report form", "GET", "/problems/new/")
            if form is None:
                return
            token = CSRF.search(form.text)
            text = f"{random.choice(TEXTS)}(压测 {number})"
            done = await self.request(client, "report submit", "POST", "/problems/new/", expect=302, data={
                "description": text, "csrfmiddlewaretoken": token[1] if token else ""})
            if done is None:
                return
            self.submitted += 1
            await self.request(client, "problem page", "GET", done.headers["location"])

    async def official(self, username: str, role: str) -> None:
        import httpx

        rng = random.Random(username)
        await asyncio.sleep(rng.uniform(0, max(self.think, 60.0)))  # officials arrive over the first minute
        async with httpx.AsyncClient(timeout=30) as client:
            if not await self.login(client, username):
                return
            refs: list[str] = []
            while time.perf_counter() - self.start < self.seconds:
                page = rng.choice(OFFICIAL_PAGES[role])
                if page == "DETAIL":
                    if not refs:
                        continue
                    page = f"/problems/{rng.choice(refs)}/"
                response = await self.request(client, "official pages", "GET", page)
                if response is not None and page.startswith("/problems/") and "data-ref" in response.text:
                    refs = REF.findall(response.text)[:50] or refs
                await asyncio.sleep(rng.expovariate(1 / self.think))

    async def run(self) -> dict[str, Any]:
        from dualtrack.accounts.models import User

        officials = await asyncio.to_thread(lambda: list(User.objects.filter(username__startswith="lt-").exclude(
            role="enterprise").values_list("username", "role")[: self.officials]))
        self.start = time.perf_counter()
        spread = self.seconds * 0.95
        tasks = [self.enterprise(i, spread * i / self.enterprises) for i in range(self.enterprises)]
        tasks += [self.official(username, role) for username, role in officials]
        await asyncio.gather(*tasks)
        wall = time.perf_counter() - self.start
        everything = [x for values in self.latencies.values() for x in values]

        def figures(values: list[float]) -> dict[str, Any]:
            ordered = sorted(values)
            return {"requests": len(values), "p50_ms": round(statistics.median(ordered) * 1000, 1),
                    "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1) if ordered else None,
                    "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 1) if ordered else None,
                    "max_ms": round(ordered[-1] * 1000, 1) if ordered else None}

        return {"url": self.url, "wall_s": round(wall, 1), "enterprises": self.enterprises,
                "officials": len(officials), "submitted": self.submitted, "errors": len(self.errors),
                "error_samples": self.errors[:10], "requests_per_s": round(len(everything) / wall, 1),
                "all": figures(everything), "by_kind": {k: figures(v) for k, v in sorted(self.latencies.items())},
                "by_minute": {str(m): figures(v) for m, v in sorted(self.timeline.items())}}
