"""``dualtrack projects --date D --json``: every key project's light on a date (the stored lights, the measure
``projects``); ``dualtrack projects evaluate --month YYYY-MM``: the month-end lights and their consequences (the worker does this after each month)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dualtrack.core import dates
from dualtrack.projects import services


class Command(BaseCommand):
    help = "Key projects: lights on a date (--json), or evaluate a month's lights and consequences."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", choices=["status", "evaluate"], default="status")
        parser.add_argument("--date", help="YYYY-MM-DD (default: the data-as-of day)")
        parser.add_argument("--month", help="YYYY-MM, for evaluate")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "evaluate":
            try:
                month = dt.date.fromisoformat(f"{options['month']}-01")
            except (TypeError, ValueError) as exc:
                raise CommandError("--month YYYY-MM is required") from exc
            try:
                counts = services.evaluate_month(month)
            except ValueError as exc:
                raise CommandError(f"--month: {exc}") from exc
            self.stdout.write(f"{month:%Y-%m}: {counts['projects']} projects, {counts['tasks']} new tasks")
            return
        try:
            day = dates.parse_day(options["date"]) or services.as_of()
        except dates.BadDay as exc:
            raise CommandError(f"--date: {exc}") from exc
        # the stored whole-city lights of the day (computed now if not stored fresh: core.judgements.ensure)
        rows = [row.as_json() for row in services.lights_ensured(day).projects]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for row in rows:
            ratio = "—" if row["progress_ratio"] is None else f"{row['progress_ratio']:.1%}"
            self.stdout.write(f"{row['code']} {row['light'] or '—':<6} {ratio:>7} {'；'.join(row['reasons'])}")
