"""``dualtrack bulletin --date D --format docx|xlsx|pdf|html|json --output PATH``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dualtrack.bulletins import content, render


class Command(BaseCommand):
    help = "Write the daily bulletin for a date (Word, Excel or JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", required=True, help="YYYY-MM-DD")
        parser.add_argument("--format", choices=["docx", "xlsx", "pdf", "html", "json"], required=True)
        parser.add_argument("--output", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["date"])
        except ValueError as exc:
            raise CommandError("--date: YYYY-MM-DD") from exc
        bulletin = content.build(day)
        path = Path(options["output"])
        if options["format"] == "json":
            path.write_text(json.dumps(bulletin.as_dict(), ensure_ascii=False, indent=1, sort_keys=True),
                            encoding="utf-8")
        elif options["format"] == "html":
            path.write_text(render.html(bulletin), encoding="utf-8")
        elif options["format"] == "pdf":
            try:
                path.write_bytes(render.pdf(bulletin))
            except render.PdfUnavailable as exc:
                raise CommandError(str(exc)) from exc
        else:
            path.write_bytes(render.docx(bulletin) if options["format"] == "docx" else render.xlsx(bulletin))
        self.stdout.write(self.style.SUCCESS(f"wrote {path}"))
