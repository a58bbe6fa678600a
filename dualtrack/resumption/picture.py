"""The whole command picture for a date (§4.3, 疫情图与复工图匹配): the epidemic map with resumption, power and
targets joined in (``dualtrack situation``, the resumption dashboard, the API and the bulletin read this).
Other apps reach it through ``resumption.services``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dualtrack.core import rules as rule_sets
from dualtrack.epidemic import services as epidemic
from dualtrack.power.services import engine
from dualtrack.registry import services as registry

from . import services as resumption
from .rules import RULES_KEY

EMPTY_RESUMPTION = {"scope_total": 0, "resumed": 0, "rate": None, "rate_change_pp": None, "workers_on_duty": 0,
                    "workers_normal": 0, "worker_return_rate": None}


@dataclass
class Picture:
    """One computation's shared inputs: the epidemic situation, the resumption rules, the power context."""

    day: dt.date
    user: Any
    size_scope: str
    data: dict[str, Any]
    definition: dict[str, Any]
    ctx: resumption.PowerContext
    cells: dict[dt.date, list[dict[str, Any]]] = field(default_factory=dict)

    def reported(self, day: dt.date, by: str | None) -> dict[str, dict[str, Any]]:
        """§4.1 by ``by`` on ``day``, from the day's cells (one query per day however many groupings)."""
        if day not in self.cells:
            self.cells[day] = resumption.reported_cells(day, self.user, self.size_scope)
        return resumption.reported(day, by, cells=self.cells[day])

    @property
    def colours(self) -> dict[str, str]:
        return {r["code"]: r["risk"]["colour"] for r in self.data["regions"]}


def picture(day: dt.date, *, size_scope: str = "all", user: Any = None, engine_name: str | None = None,
            epidemic_rules: str | None = None) -> Picture:
    data = epidemic.situation(day, user, rules_label=epidemic_rules)
    version = rule_sets.current(RULES_KEY)
    data["rules_version"] = f"{data['rules_version']},{version.label}"
    ctx = resumption.power_context(user, size_scope, version.definition, con=engine.connect(engine_name))
    pic = Picture(day=day, user=user, size_scope=size_scope, data=data, definition=version.definition, ctx=ctx)
    _add_city(pic)
    return pic


def _reported(pic: Picture, by: str | None) -> dict[str, dict[str, Any]]:
    today = pic.reported(pic.day, by)
    yesterday = pic.reported(pic.day - dt.timedelta(days=1), by)
    return resumption.with_change(today, yesterday)


def _add_city(pic: Picture) -> None:
    city = pic.data["city"]
    city["resumption"] = _reported(pic, None).get("city", dict(EMPTY_RESUMPTION))
    city["power"] = resumption.power(pic.ctx, pic.day, None).get("city", dict(resumption.EMPTY_POWER))
    city["target"] = resumption.target(city["risk"]["highest_colour"], city["power"]["energy_share"], pic.definition)
    city["power_without_baseline"] = len(resumption.no_baseline(pic.ctx))


def counties(pic: Picture) -> list[dict[str, Any]]:
    """The county rows: risk, resumption, power, target (and the fast-rise flag of §4.3)."""
    reported = _reported(pic, "county")
    power = resumption.power(pic.ctx, pic.day, "county")
    earlier_day = pic.day - dt.timedelta(days=pic.definition["fast_rise_days"])
    earlier = resumption.power(pic.ctx, earlier_day, "county")
    for region in pic.data["regions"]:
        code = region["code"]
        region["resumption"] = reported.get(code, dict(EMPTY_RESUMPTION))
        region["power"] = power.get(code, dict(resumption.EMPTY_POWER))
        region["target"] = resumption.target(region["risk"]["colour"], region["power"]["energy_share"], pic.definition)
        before, now = earlier.get(code, {}).get("index"), region["power"]["index"]
        region["target"]["fast_rise"] = bool(
            region["risk"]["colour"] in ("red", "orange") and before is not None and now is not None
            and now - before >= pic.definition["fast_rise_pp"])
    return pic.data["regions"]


def groups(pic: Picture, by: str) -> list[dict[str, Any]]:
    """Rows by park, industry section or size class (key, name, resumption, power; parks get a target from
    their county's colour)."""
    names = (registry.park_names() if by == "park" else registry.section_names() if by == "industry"
             else registry.size_class_names())
    reported = _reported(pic, by)
    power = resumption.power(pic.ctx, pic.day, by)
    park_colours = {p: pic.colours.get(c) for p, c in registry.park_counties().items()} if by == "park" else {}
    rows = []
    for key in sorted(set(names) | set(reported) | set(power)):
        if not key or not (key in reported or key in power or by == "park"):
            continue
        row_power = power.get(key, dict(resumption.EMPTY_POWER))
        rows.append({
            "key": key, "name": names.get(key, key), "resumption": reported.get(key, dict(EMPTY_RESUMPTION)),
            "power": row_power,
            "target": resumption.target(park_colours.get(key), row_power["energy_share"], pic.definition)
            if by == "park" else None,
        })
    return rows


def situation(day: dt.date, *, by: str = "county", size_scope: str = "all", user: Any = None,
              engine_name: str | None = None, epidemic_rules: str | None = None) -> dict[str, Any]:
    pic = picture(day, size_scope=size_scope, user=user, engine_name=engine_name, epidemic_rules=epidemic_rules)
    if by == "county":
        counties(pic)
        for region in pic.data["regions"]:
            region["target"].pop("fast_rise")
        return pic.data
    pic.data["groups"] = groups(pic, by)
    del pic.data["regions"]
    return pic.data
