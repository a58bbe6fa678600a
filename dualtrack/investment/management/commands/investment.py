"""``dualtrack investment --date YYYY-MM-DD --json``: every lead's stage and light, and the scopes' figures
against their targets (DOMAIN.md §14), on the date (default: the pipeline's as-of day, ``services.as_of``, as the
pages open on it); ``--pipeline``: the project pipeline of the year up to the date. A date past the clock is
refused (no light is judged, no red lead's task raised, for a day that has not come). The contract is derived
from the measure (``measure.InvestmentMeasure``)."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from dualtrack.core import dates, judgements
from dualtrack.core.capability_api import MeasureCommand
from dualtrack.investment import services


class Command(MeasureCommand):
    help = ("Investment promotion on a date (--json: the contract); --raise-tasks raises the red leads' tasks; "
            "--pipeline: 四个一批, 集中开工 and 争资 (JSON).")
    measure_key = "investment"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)  # --date (default: the pipeline's as-of day) and --json
        parser.add_argument("--raise-tasks", action="store_true")
        parser.add_argument("--pipeline", action="store_true",
                            help="the year's 四个一批, 集中开工 events and 争资 figures up to --date instead")

    def handle(self, *args: Any, **options: Any) -> None:
        measure = self.measure
        try:
            period = measure.parse(options["period"]) or measure.as_of(None)
        except dates.BadDay as exc:
            raise CommandError(f"--{measure.parameter}: {exc}") from exc
        assert period is not None  # noqa: S101 - the pipeline's as-of day is always a day
        day = period.start
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
        result = judgements.ensure(measure, period).result
        if options["json"]:
            self.stdout.write(json.dumps(measure.as_json(result), ensure_ascii=False, indent=1))
            return
        for line in measure.text_lines(result):
            self.stdout.write(line)
