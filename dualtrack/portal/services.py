"""The whole command picture for a date: the epidemic map with resumption, power and targets joined in
(``dualtrack situation``, the API and the bulletin read this)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dualtrack.core import rules as rule_sets
from dualtrack.epidemic import services as epidemic
from dualtrack.registry import services as registry
from dualtrack.resumption import services as resumption
from dualtrack.resumption.rules import RULES_KEY

EMPTY_RESUMPTION = {"scope_total": 0, "resumed": 0, "rate": None, "rate_change_pp": None, "workers_on_duty": 0,
                    "workers_normal": 0, "worker_return_rate": None}


def _names(by: str) -> dict[str, str]:
    if by == "park":
        return registry.park_names()
    if by == "industry":
        return registry.section_names()
    return registry.size_class_names()


def situation(day: dt.date, *, by: str = "county", size_scope: str = "all", user: Any = None,
              engine_name: str | None = None, epidemic_rules: str | None = None) -> dict[str, Any]:
    data = epidemic.situation(day, user, rules_label=epidemic_rules)
    version = rule_sets.current(RULES_KEY)
    definition = version.definition
    data["rules_version"] = f"{data['rules_version']},{version.label}"
    group = None if by == "city" else by
    today = resumption.with_change(resumption.reported(day, group, user, size_scope),
                                   resumption.reported(day - dt.timedelta(days=1), group, user, size_scope))
    city_today = resumption.with_change(resumption.reported(day, None, user, size_scope),
                                        resumption.reported(day - dt.timedelta(days=1), None, user, size_scope))
    from dualtrack.power import engine

    ctx = resumption.power_context(user, size_scope, definition, con=engine.connect(engine_name))
    power_rows = resumption.power(ctx, day, group)
    city_power = resumption.power(ctx, day, None).get("city", dict(resumption.EMPTY_POWER))
    colours = {r["code"]: r["risk"]["colour"] for r in data["regions"]}
    city_colour = data["city"]["risk"]["highest_colour"]
    data["city"]["resumption"] = city_today.get("city", dict(EMPTY_RESUMPTION))
    data["city"]["power"] = city_power
    data["city"]["target"] = resumption.target(city_colour, city_power["energy_share"], definition)
    data["city"]["power_without_baseline"] = len(resumption.no_baseline(ctx))
    if by == "county":
        for region in data["regions"]:
            code = region["code"]
            region["resumption"] = today.get(code, dict(EMPTY_RESUMPTION))
            region["power"] = power_rows.get(code, dict(resumption.EMPTY_POWER))
            region["target"] = resumption.target(colours.get(code), region["power"]["energy_share"], definition)
        return data
    names = _names(by)
    park_colours = {p: colours.get(c) for p, c in registry.park_counties().items()} if by == "park" else {}
    keys = sorted(set(names) | set(today) | set(power_rows))
    data["groups"] = [{
        "key": key, "name": names.get(key, key),
        "resumption": today.get(key, dict(EMPTY_RESUMPTION)),
        "power": power_rows.get(key, dict(resumption.EMPTY_POWER)),
        "target": resumption.target(park_colours.get(key), power_rows.get(key, {}).get("energy_share"), definition)
        if by == "park" else None,
    } for key in keys if key and (key in today or key in power_rows or by == "park")]
    del data["regions"]
    return data
