"""``dualtrack demo [--seed N]``: load (or refresh) the demo city and print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dualtrack.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the deterministic demo city 宁江市 (idempotent) and print one login per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--enterprises", type=int, default=20000)

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo(seed=options["seed"], enterprises=options["enterprises"], log=self.stdout.write)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("demo logins (账号 / 密码 / 角色):"))
        for username, password, role in logins:
            self.stdout.write(f"  {username:<12} {password:<20} {role}")
