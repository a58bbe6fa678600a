"""``dualtrack worker``: scheduled work (the daily bulletin and its deliveries), durable and restartable.
``--once`` runs what is due and exits (for cron); without it the worker polls every ``--interval`` s."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dualtrack.bulletins import services


class Command(BaseCommand):
    help = "Run scheduled jobs: queue today's bulletin, run due jobs, retry failures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--interval", type=int, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            services.schedule_daily()
            counts = services.run_due()
            if any(counts.values()):
                self.stdout.write(f"jobs: {counts}")
            if options["once"]:
                return
            time.sleep(options["interval"])
