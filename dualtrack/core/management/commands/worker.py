"""``dualtrack worker``: the scheduled work of every app (the daily bulletin and its deliveries, problem
escalation …), durable and restartable. ``--once`` runs what is due and exits (for cron); without it the
worker runs every ``--interval`` seconds."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dualtrack.core import periodic
from dualtrack.core.checks import require_personal_data_key


class Command(BaseCommand):
    help = "Run the scheduled work of every app once (--once) or every --interval seconds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--interval", type=int, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        require_personal_data_key()  # production does not start without the keys for personal data
        while True:
            results = periodic.run_all()
            self.stdout.write(" ".join(f"{name}={value}" for name, value in results.items()))
            if options["once"]:
                return
            time.sleep(options["interval"])
