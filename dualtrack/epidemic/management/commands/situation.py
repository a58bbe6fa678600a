"""``dualtrack situation --date YYYY-MM-DD --json``: the situation of every county on a date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dualtrack.core.rules import RuleError
from dualtrack.epidemic import services


class Command(BaseCommand):
    help = "Print the epidemic situation of every county on a date (JSON with --json)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD (default: today, Asia/Shanghai)")
        parser.add_argument("--json", action="store_true", help="machine-readable JSON")
        parser.add_argument("--rules", help="rule-set versions, e.g. national-2020:v1,five-colour:v1 "
                                            "(default: the current ones)")
        parser.add_argument("--why", action="store_true", help="include the rule and facts behind each level")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date: {options['date']!r} is not YYYY-MM-DD") from exc
        try:
            data = services.situation(day, rules_label=options["rules"], with_why=options["why"])
        except (RuleError, KeyError, ValueError) as exc:
            raise CommandError(f"--rules: {exc}") from exc
        if options["json"]:
            self.stdout.write(services.situation_json(data))
            return
        city = data["city"]["risk"]
        self.stdout.write(f"{data['date']}  {data['city']['name']}: {city['level']} ({city['strategy']})  "
                          f"rules {data['rules_version']}")
        for region in data["regions"]:
            r = region["risk"]
            rt = f"{r['rt_mean']:.2f} [{r['rt_low']:.2f}, {r['rt_high']:.2f}]" if r["rt_mean"] is not None else "—"
            self.stdout.write(f"  {region['code']} {region['name']:<6} {r['colour']:<6}{'*' if r['published'] else ' '} "
                              f"{r['level']:<6} cumulative {r['cumulative_confirmed']:>4}  14d {r['new_confirmed_14d']:>3}"
                              f"  Rt {rt}")
