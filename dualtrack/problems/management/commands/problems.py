"""``dualtrack problems export --json`` and ``dualtrack problems escalate``."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dualtrack.problems import services


class Command(BaseCommand):
    help = "Problems: export the ledger, or escalate overdue problems (the escalation worker's step)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export", "escalate"])
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "escalate":
            self.stdout.write(f"escalated {services.escalate_due()}")
            return
        rows = services.export_rows()
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
        else:
            for row in rows:
                self.stdout.write(f"{row['ref']} {row['state']:<11} L{row['escalation_level']} due {row['due_at']}")
