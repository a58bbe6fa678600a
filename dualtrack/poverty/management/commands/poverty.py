"""``dualtrack poverty --year YYYY --json``: every household's exit standard and monitoring, and every county's
aggregates and warning (DOMAIN.md §13), of the year's checks (default: the year the war map opens on,
``board.as_of_year``). No names. Derived from the measure; ``--freeze-week`` and ``--week`` are the weekly board's
(一周一调度)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from dualtrack.core.capability_api import MeasureCommand


class Command(MeasureCommand):
    help = "Poverty alleviation for a year (--json: the contract)."
    measure_key = "poverty"
    empty = "no poverty checks yet"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--freeze-week", metavar="YYYY-MM-DD",
                            help="freeze the board of the week holding this day (一周一调度), once")
        parser.add_argument("--week", metavar="YYYY-MM-DD", help="print a frozen weekly board")

    def handle(self, *args: Any, **options: Any) -> None:
        import datetime as dt

        from django.core.exceptions import ValidationError
        from django.core.management.base import CommandError

        from dualtrack.poverty import board
        from dualtrack.poverty.models import WeeklyBoard

        try:
            freeze = dt.date.fromisoformat(options["freeze_week"]) if options["freeze_week"] else None
            week = dt.date.fromisoformat(options["week"]) if options["week"] else None
        except ValueError as exc:
            raise CommandError("dates are YYYY-MM-DD") from exc
        if freeze is not None:
            try:
                week = board.freeze_week(None, freeze).week
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
        if week is not None:
            found = WeeklyBoard.objects.filter(week=board.monday(week)).first()
            if found is None:
                raise CommandError(f"no frozen board for the week of {week}")
            figures = {"week": found.figures["week"], "as_of": found.figures["as_of"],
                       "rules_version": found.rules_version, "frozen_at": found.frozen_at.isoformat(),
                       "sha256": found.sha256, **{k: v for k, v in found.figures.items() if k not in ("week", "as_of")}}
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=1) if options["json"] else
                              f"week {figures['week']} as of {figures['as_of']} frozen {figures['frozen_at']}")
            return
        super().handle(*args, **options)
