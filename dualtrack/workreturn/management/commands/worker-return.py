"""``dualtrack worker-return --at "YYYY-MM-DD HH:MM" --json``: every trip, worker and enterprise of the campaign as
of a moment (DOMAIN.md §12; default: now). No personal data. Derived from the measure; ``--entitle`` turns the
completed trips into entitlements of a charter-bus subsidy measure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError, CommandParser

from dualtrack.core.capability_api import MeasureCommand
from dualtrack.core.dates import SHANGHAI
from dualtrack.workreturn import services


class Command(MeasureCommand):
    help = "Point-to-point worker return as of a moment (--json: the contract)."
    measure_key = "worker-return"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--entitle", metavar="MEASURE",
                            help="turn the completed trips into entitlements of this charter-bus subsidy measure")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["entitle"]:
            from django.core.exceptions import ValidationError

            from dualtrack.core.actors import SystemActor

            try:
                counts = services.charter_bus_entitlements(SystemActor(), options["entitle"])
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            self.stdout.write(f"{options['entitle']}: {counts}")
            return
        if options["period"]:
            try:  # the moment as it has always been asked
                dt.datetime.strptime(options["period"].strip(), "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)
            except ValueError as exc:
                raise CommandError('--at: "YYYY-MM-DD HH:MM"') from exc
        super().handle(*args, **options)
