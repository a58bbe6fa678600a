"""``dualtrack investment --date YYYY-MM-DD --json``: every lead's stage and light, and the scopes' figures
against their targets (DOMAIN.md §14)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dualtrack.investment import services


class Command(BaseCommand):
    help = "Investment promotion on a date (--json: the contract); --raise-tasks raises the red leads' tasks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--raise-tasks", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["date"])
        except ValueError as exc:
            raise CommandError("--date YYYY-MM-DD") from exc
        if options["raise_tasks"]:
            self.stderr.write(f"red leads' tasks raised: {services.raise_red_tasks(day)}")
        result = services.evaluate(day)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
            return
        for scope in result.scopes:
            self.stdout.write(f"{scope.scope} {scope.name} signed {scope.signed_amount} 亿元 / {scope.amount_target}")
