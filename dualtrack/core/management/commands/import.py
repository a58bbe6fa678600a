"""``dualtrack import <dataset> <file>``: the same all-or-nothing import as the upload page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dualtrack.core.actors import Actor, SystemActor
from dualtrack.core.imports import get_dataset, registered_datasets, run_import
from dualtrack.core.imports.base import file_importer_names, get_file_importer


class Command(BaseCommand):
    help = "Import a CSV or XLSX file into a dataset (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        names = sorted([d.name for d in registered_datasets()] + file_importer_names())
        parser.add_argument("dataset", help=f"one of: {', '.join(names)}")
        parser.add_argument("file")
        parser.add_argument("--user", help="act as this user (scope and audit); default: the console operator "
                                           "with HQ rights")
        parser.add_argument("--dry-run", action="store_true", help="check the file, write nothing")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        dataset = get_dataset(options["dataset"])
        file_importer = get_file_importer(options["dataset"])
        if dataset is None and file_importer is None:
            names = ", ".join(sorted([d.name for d in registered_datasets()] + file_importer_names()))
            raise CommandError(f"unknown dataset {options['dataset']!r}; datasets: {names}")
        user: Actor
        if options["user"]:
            found = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if found is None:
                raise CommandError(f"no active user {options['user']!r}")
            user = found
        else:
            user = SystemActor()
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"cannot open {options['file']}: no such file")
        if file_importer is not None:
            if options["dry_run"]:
                raise CommandError(f"--dry-run is not available for {options['dataset']}")
            result = file_importer(path, user)
        else:
            assert dataset is not None  # noqa: S101 - one of the two was found above
            with path.open("rb") as fh:
                result = run_import(dataset, fh, options["file"], user, dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
        elif result.ok:
            verb = "checked" if options["dry_run"] else "imported"
            self.stdout.write(self.style.SUCCESS(
                f"{verb} {result.rows} rows: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged"))
        else:
            for error in result.errors:
                self.stderr.write(str(error))
            if result.unlisted_errors:
                self.stderr.write(f"… and {result.unlisted_errors} more")
        if not result.ok:
            raise CommandError(f"{result.error_count} errors; nothing was written")
