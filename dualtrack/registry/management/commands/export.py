"""``dualtrack export enterprises --output FILE.xlsx [filters]``: the enterprise list as on the page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dualtrack.core.actors import SystemActor, Viewer
from dualtrack.core.choices import Action
from dualtrack.registry import exports
from dualtrack.registry.filters import EnterpriseFilterSet
from dualtrack.registry.models import Enterprise


class Command(BaseCommand):
    help = "Export the enterprise list to .xlsx with the filters of the list page (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dataset", choices=["enterprises"])
        parser.add_argument("--output", required=True)
        parser.add_argument("--user", help="export within this user's scope; default the console operator (HQ)")
        for name in ("q", "county", "park", "industry", "size_class", "is_key", "key_list"):
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name)

    def handle(self, *args: Any, **options: Any) -> None:
        user: Viewer = SystemActor()
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"no active user {options['user']!r}")
        if not Enterprise.permits(user, Action.EXPORT):
            raise CommandError("this user may not export enterprises")
        data = {k: options[k] for k in ("q", "county", "park", "industry", "size_class", "is_key", "key_list")
                if options[k] is not None}
        queryset = Enterprise.objects.restrict(user, Action.EXPORT).select_related("county", "park")
        filterset = EnterpriseFilterSet(data or None, queryset=queryset)
        if data and not filterset.is_valid():
            raise CommandError("; ".join(f"{k}: {', '.join(v)}" for k, v in filterset.errors.items()))
        with open(options["output"], "wb") as out:
            rows = exports.write_enterprises_xlsx(user, filterset, out)
        self.stdout.write(self.style.SUCCESS(f"wrote {rows} enterprises to {options['output']}"))
