"""``dualtrack situation --date YYYY-MM-DD --json [--by …] [--scope …]``: the command picture on a date:
each county's epidemic risk with its resumption, power index and target (or groups by park, industry
section or size class)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dualtrack.core import versions
from dualtrack.core.rules import RuleError
from dualtrack.epidemic import services as epidemic
from dualtrack.resumption import services
from dualtrack.resumption.services import SIZE_SCOPES


class Command(BaseCommand):
    help = "Print the epidemic situation of every county on a date (JSON with --json)."
    requires_system_checks: list[str] = []  # a reading command (see core.capability_api.MeasureCommand)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD (default: the data-as-of day, the latest day every source "
                                                    "has reached; else today, Asia/Shanghai)")
        parser.add_argument("--json", action="store_true", help="machine-readable JSON")
        parser.add_argument("--rules", help="rule-set versions, e.g. national-2020:v1,five-colour:v1 "
                                            "(default: the current ones)")
        parser.add_argument("--why", action="store_true", help="include the rule and facts behind each level")
        parser.add_argument("--by", choices=["county", "park", "industry", "size"], default="county")
        parser.add_argument("--scope", choices=SIZE_SCOPES, default="all", help="size classes counted")
        parser.add_argument("--engine", choices=["duckdb", "spark"], help="power engine (default POWER_ENGINE)")
        parser.add_argument("--epidemic-only", action="store_true", help="only the epidemic map, no resumption")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["date"]) if options["date"] else versions.data_day()
        except ValueError as exc:
            raise CommandError(f"--date: {options['date']!r} is not YYYY-MM-DD") from exc
        try:
            if options["epidemic_only"] or options["why"]:
                data = epidemic.situation(day, rules_label=options["rules"], with_why=options["why"])
            else:
                data = services.situation(day, by=options["by"], size_scope=options["scope"],
                                          engine_name=options["engine"], epidemic_rules=options["rules"])
        except (RuleError, KeyError, ValueError) as exc:
            raise CommandError(f"--rules: {exc}") from exc
        if options["json"]:
            self.stdout.write(epidemic.situation_json(data))
            return
        if "groups" in data:
            for group in data["groups"]:
                rate, index = group["resumption"]["rate"], group["power"]["index"]
                self.stdout.write(f"  {group['key']:<6} {group['name'][:16]:<16} 复工率 "
                                  f"{'—' if rate is None else f'{rate:.1%}'}  电力指数 {'—' if index is None else f'{index:.2f}'}")
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
