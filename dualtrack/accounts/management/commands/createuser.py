"""``dualtrack createuser USERNAME --role ROLE [scope]``: create or update a user (audited)."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dualtrack.accounts import services
from dualtrack.core.actors import SystemActor
from dualtrack.core.choices import Role
from dualtrack.registry import services as registry


class Command(BaseCommand):
    help = "Create or update a user with a role and its scope."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--name", default="", help="full name (姓名)")
        parser.add_argument("--county", help="county code, for district operators")
        parser.add_argument("--park", help="park code, for park operators")
        parser.add_argument("--department", help="department code, for department handlers")
        parser.add_argument("--enterprise", help="credit code, for enterprise users")
        parser.add_argument("--password", help="default: asked on the terminal")
        parser.add_argument("--no-password", action="store_true", help="create without a usable password")

    def handle(self, *args: Any, **options: Any) -> None:
        scope: dict[str, Any] = {}
        lookups = [("county", registry.region_by_code), ("park", registry.park_by_code),
                   ("department", registry.department_by_code), ("enterprise", registry.enterprise_by_uscc)]
        for option, find in lookups:
            if options[option]:
                obj = find(options[option])
                if obj is None:
                    raise CommandError(f"no {option} {options[option]!r}")
                scope[option] = obj
        password = options["password"]
        if not password and not options["no_password"]:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("passwords differ")
        try:
            user = services.create_user(SystemActor(), username=options["username"], password=password,
                                        role=options["role"], full_name=options["name"], **scope)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in exc.message_dict.items())) \
                from exc
        self.stdout.write(self.style.SUCCESS(f"user {user.username} ({user.get_role_display()}) saved"))
