"""``dualtrack economy --month YYYY-MM --json``: every indicator against the year's targets for a month (the
contract of DOMAIN.md §11); without --json, one line per indicator and scope."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dualtrack.core import dates
from dualtrack.economy import services


class Command(BaseCommand):
    help = "Economy against the year's targets for a month (--json: the contract)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: the latest month ended with data)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = dates.parse_month(options["month"]) or services.as_of_month()
        except dates.BadDay as exc:
            raise CommandError(f"--month: {exc}") from exc
        if month is None:
            raise CommandError("no economy figures yet: import indicators, economy_targets and economy_actuals")
        evaluation = services.evaluate(month, None, with_trend=False)
        if options["json"]:
            self.stdout.write(json.dumps(evaluation.as_json(), ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"{month:%Y-%m}  {evaluation.rules_version}")
        for row in evaluation.rows:
            growth = "—" if row.growth is None else f"{float(row.growth):+.1%}"
            completion = "—" if row.completion is None else f"{float(row.completion):.1%}"
            self.stdout.write(f"{row.indicator:<8} {row.scope:<8} {row.light or '—':<6} {growth:>7} {completion:>7}")
