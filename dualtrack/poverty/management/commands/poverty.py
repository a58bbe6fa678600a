"""``dualtrack poverty --year YYYY --json``: every household's exit standard and monitoring, and every county's
aggregates and warning (DOMAIN.md §13). No names."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dualtrack.poverty import services


class Command(BaseCommand):
    help = "Poverty alleviation for a year (--json: the contract)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.evaluate(options["year"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"{options['year']}  {result.rules_version}")
        for county in result.counties:
            self.stdout.write(f"{county.code} {county.name} households {county.households} not met {county.not_met} "
                              f"monitored {county.monitored}{' WARNING' if county.warning else ''}")
