"""``dualtrack token USERNAME [--json]``: make (or rotate) a user's API token, audited; the old one stops
working at once. Prints the new key once, and when it expires."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dualtrack.accounts import services
from dualtrack.core.actors import SystemActor


class Command(BaseCommand):
    help = "Create or rotate a user's API token (the old token stops working); audited."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--json", action="store_true", help='print {"username", "token", "expires_at"}')

    def handle(self, *args: Any, **options: Any) -> None:
        user = services.user_by_username(options["username"])
        if user is None or not user.is_active:
            raise CommandError(f"no active user {options['username']!r}")
        key = services.rotate_api_token(user, actor=SystemActor())
        expires = services.token_expires_at(user)
        payload = {"username": user.username, "token": key, "expires_at": expires.isoformat() if expires else None}
        if options["json"]:
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self.stdout.write(f"{user.username}: {key} (expires {payload['expires_at']})")
