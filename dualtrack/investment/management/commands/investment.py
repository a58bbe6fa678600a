"""``dualtrack investment --date YYYY-MM-DD --json``: every lead's stage and light, and the scopes' figures
against their targets (DOMAIN.md §14), on the date (default: the pipeline's as-of day, ``services.as_of``, as the
pages open on it); ``--pipeline``: the project pipeline of the year up to the date. A date past the clock is
refused (no light is judged, no red lead's task raised, for a day that has not come)."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dualtrack.core import dates
from dualtrack.investment import services


class Command(BaseCommand):
    help = ("Investment promotion on a date (--json: the contract); --raise-tasks raises the red leads' tasks; "
            "--pipeline: 四个一批, 集中开工 and 争资 (JSON).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="default: the pipeline's as-of day")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--raise-tasks", action="store_true")
        parser.add_argument("--pipeline", action="store_true",
                            help="the year's 四个一批, 集中开工 events and 争资 figures up to --date instead")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dates.parse_day(options["date"]) or services.as_of()
        except dates.BadDay as exc:
            raise CommandError(f"--date: {exc}") from exc
        if options["raise_tasks"]:
            try:
                raised = services.raise_red_tasks(day)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            self.stderr.write(f"red leads' tasks raised: {raised}")
        if options["pipeline"]:
            from dualtrack.investment import pipeline

            self.stdout.write(json.dumps(pipeline.pipeline_json(day), ensure_ascii=False, indent=1))
            return
        result = services.evaluate(day)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
            return
        for scope in result.scopes:
            self.stdout.write(f"{scope.scope} {scope.name} signed {scope.signed_amount} 亿元 / {scope.amount_target}")
