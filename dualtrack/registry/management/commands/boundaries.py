"""``dualtrack boundaries FILE.geojson``: region boundaries from GeoJSON (all features or none)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dualtrack.core.actors import SystemActor
from dualtrack.registry.boundaries import import_boundaries


class Command(BaseCommand):
    help = "Set region boundaries from a GeoJSON FeatureCollection keyed by region code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--code-property", help="the feature property holding the region code "
                                                    "(default: code, adcode, 区划代码 or gb)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            fh = open(options["file"], "rb")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot open {options['file']}: {exc.strerror}") from exc
        with fh:
            result = import_boundaries(fh, options["file"], SystemActor(), options["code_property"])
        if not result.ok:
            for error in result.errors:
                self.stderr.write(f"feature {error.row or '-'} {error.column or ''} {error.value or ''}: "
                                  f"{error.message}")
            raise CommandError(f"{result.error_count} errors; nothing was written")
        self.stdout.write(self.style.SUCCESS(f"{result.rows} features: {result.updated} boundaries set, "
                                             f"{result.unchanged} unchanged"))
