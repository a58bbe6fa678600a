"""``dualtrack worker-return --at "YYYY-MM-DD HH:MM" --json``: every trip, worker and enterprise of the campaign as
of a moment (DOMAIN.md §12). No personal data."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dualtrack.core import dates
from dualtrack.core.dates import SHANGHAI
from dualtrack.workreturn import services


class Command(BaseCommand):
    help = "Point-to-point worker return as of a moment (--json: the contract)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", help="YYYY-MM-DD HH:MM, Asia/Shanghai (default: now)")
        parser.add_argument("--json", action="store_true")
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
        at = dates.now()
        if options["at"]:
            try:
                at = dt.datetime.strptime(options["at"].strip(), "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)
            except ValueError as exc:
                raise CommandError('--at: "YYYY-MM-DD HH:MM"') from exc
        result = services.campaign(at)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"{at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}  {result.rules_version}")
        for trip in result.trips:
            self.stdout.write(f"{trip.code:<16} {trip.passengers:>3}/{trip.seats:<3} boarded {trip.boarded:>3}"
                              f" refused {len(trip.refused)}")
