"""``dualtrack bench_bulletin --date D``: time one bulletin in every format on the loaded data."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dualtrack.bulletins import content, render


class Command(BaseCommand):
    help = "Benchmark: build the bulletin for a date and render it as HTML, Word, Excel and PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", default="2020-02-19")

    def handle(self, *args: Any, **options: Any) -> None:
        day = dt.date.fromisoformat(options["date"])
        timings = []
        started = time.perf_counter()
        bulletin = content.build(day)
        timings.append(("content (one computation)", time.perf_counter() - started))
        for name, fn in (("html", render.html), ("docx", render.docx), ("xlsx", render.xlsx), ("pdf", render.pdf)):
            step = time.perf_counter()
            fn(bulletin)
            timings.append((name, time.perf_counter() - step))
        total = time.perf_counter() - started
        self.stdout.write(f"| bulletin {day} step | seconds |\n|---|---|")
        for name, seconds in timings:
            self.stdout.write(f"| {name} | {seconds:.2f} |")
        self.stdout.write(f"| all formats | {total:.2f} |")
