"""The whole command picture for a date (§4.3, 疫情图与复工图匹配): the epidemic map with resumption, power and
targets joined in (``dualtrack situation``, the resumption dashboard, 总览, the API and the bulletin read this).
Other apps reach it through ``resumption.services``.

Every view is made from the day's stored picture (``snapshot``): a user's scope and a size class select cells,
a grouping adds them up. Nothing here reads the enterprises or the power store.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from dualtrack.core import policy
from dualtrack.core.actors import Viewer
from dualtrack.core.choices import Action
from dualtrack.epidemic import services as epidemic
from dualtrack.registry import services as registry

from . import policy as access
from . import snapshot as snapshots
from .snapshot import PowerCell, ReportedCell, Snapshot

EMPTY_RESUMPTION = {"scope_total": 0, "resumed": 0, "rate": None, "rate_change_pp": None, "workers_on_duty": 0,
                    "workers_normal": 0, "worker_return_rate": None}
EMPTY_POWER = {"enterprises": 0, "resumed": 0, "count_share": None, "energy_share": None, "index": None}
CELL_KEYS: dict[str | None, Callable[[Any], str]] = {
    None: lambda c: "city", "county": lambda c: c.county, "park": lambda c: c.park,
    "industry": lambda c: c.section, "size": lambda c: c.size,
}


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 6) if denominator else None


@dataclass
class Scope:
    """Which cells and counties of the stored picture a user sees (None: all)."""

    counties: set[str] | None = None
    parks: set[str] | None = None
    nothing: bool = False
    enterprise_ids: set[int] | None = None  # a liaison officer's or an enterprise's own (no cells: no sums)

    def admits(self, cell: Any) -> bool:
        if self.nothing:
            return False
        if self.counties is None and self.parks is None:
            return True
        return cell.county in (self.counties or ()) or cell.park in (self.parks or ())

    @property
    def whole(self) -> bool:
        return not self.nothing and self.counties is None and self.parks is None


def scope_of(user: Viewer) -> Scope:
    """The enterprises a user sees, as cells: everything, a district's county (or a park's park), or nothing."""
    if user is None or policy.scope(user, "registry.Enterprise", Action.VIEW) is policy.ALL:
        return Scope()
    if access.sees_by_area(user):
        county = getattr(user, "county", None)
        park = getattr(user, "park", None)
        return Scope(counties={county.code} if county else set(), parks={park.code} if park else set())
    return Scope(nothing=True, enterprise_ids=set(registry.enterprises_for(user).values_list("pk", flat=True)))


@dataclass
class Picture:
    """One user's view of a day's stored picture."""

    day: dt.date
    snapshot: Snapshot
    scope: Scope
    size_scope: str
    data: dict[str, Any]
    definition: dict[str, Any] = field(default_factory=dict)

    @property
    def stale(self) -> bool:
        return self.snapshot.stale

    @property
    def colours(self) -> dict[str, str]:
        return {r["code"]: r["risk"]["colour"] for r in self.data["regions"]}

    def cells(self, cells: Iterable[Any]) -> list[Any]:
        return [c for c in cells if self.scope.admits(c) and (self.size_scope in ("all", "") or c.size == self.size_scope)]


def picture(day: dt.date, *, size_scope: str = "all", user: Viewer = None, engine_name: str | None = None,
            epidemic_rules: str | None = None, allow_stale: bool = False, page: bool = False) -> Picture:
    """``user``'s view of ``day``: the stored picture (computed the first time the day is asked for, except for a
    ``page``: ``snapshot.NotReady`` while it is computed); with another engine or other epidemic rules than the
    current ones, computed for the occasion and not stored."""
    if engine_name or epidemic_rules:
        snap = snapshots.compute(day, engine_name=engine_name, epidemic_rules=epidemic_rules)
    else:
        snap = snapshots.stored(day, allow_stale=allow_stale, page=page)
    return view(snap, size_scope=size_scope, user=user, epidemic_rules=epidemic_rules)


def view(snap: Snapshot, *, size_scope: str = "all", user: Viewer = None, epidemic_rules: str | None = None) -> Picture:
    """``user``'s view of the stored picture ``snap``."""
    day = snap.day
    scope = scope_of(user)
    data = copy.deepcopy(snap.epidemic)
    if not scope.whole:
        visible = {c.code for c in epidemic.counties_for(user)} if user is not None else set()
        data["regions"] = [r for r in data["regions"] if r["code"] in visible]
        names = epidemic.scope_names(user)  # a park operator's county row and map area carry the park's name
        for region in data["regions"]:
            region["name"] = names.get(region["code"], region["name"])
        data["city"] = epidemic.scope_summary(data["regions"], epidemic.strategies(epidemic_rules)) \
            if data["regions"] else data["city"] | {"reporting": {"counties_reported": 0, "counties": 0, "missing": []}}
    data["rules_version"] = snap.rules_version
    pic = Picture(day=day, snapshot=snap, scope=scope, size_scope=size_scope, data=data, definition=snap.definition)
    _add_city(pic)
    return pic


def reported_sums(cells: list[ReportedCell], by: str | None) -> dict[str, dict[str, Any]]:
    """§4.1 per group from cells: scope_total, resumed, rate, workers_on_duty, workers_normal, worker_return_rate."""
    key = CELL_KEYS[by]
    sums: dict[str, list[int]] = {}
    for cell in cells:  # cells, not enterprises: a few hundred in a city
        running = sums.setdefault(key(cell), [0, 0, 0, 0])
        running[0] += cell.total
        running[1] += cell.resumed
        running[2] += cell.workers
        running[3] += cell.headcount
    return {group: {"scope_total": total, "resumed": resumed, "rate": _ratio(resumed, total),
                    "workers_on_duty": workers, "workers_normal": headcount,
                    "worker_return_rate": _ratio(workers, headcount)}
            for group, (total, resumed, workers, headcount) in sums.items()}


def with_change(today: dict[str, dict[str, Any]], yesterday: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``rate_change_pp`` = (rate on d − rate on d−1) × 100."""
    for group, row in today.items():
        before = yesterday.get(group, {}).get("rate")
        row["rate_change_pp"] = round((row["rate"] - before) * 100, 4) if row["rate"] is not None and \
            before is not None else None
    return today


def power_sums(cells: Iterable[PowerCell], by: str | None, count_weight: float) -> dict[str, dict[str, Any]]:
    """§4.2 per group from cells: enterprises, resumed, count_share, energy_share (复产率), index."""
    key = CELL_KEYS[by]
    sums: dict[str, list[float]] = {}
    for cell in cells:
        running = sums.setdefault(key(cell), [0, 0, 0.0, 0.0])
        running[0] += cell.enterprises
        running[1] += cell.resumed
        running[2] += cell.resumed_kwh
        running[3] += cell.baseline_kwh
    result = {}
    for group, (enterprises, resumed, resumed_kwh, baseline_kwh) in sums.items():
        count_share = resumed / enterprises if enterprises else None
        energy_share = resumed_kwh / baseline_kwh if baseline_kwh else None
        index = (count_weight * count_share + (1 - count_weight) * energy_share) * 100 \
            if count_share is not None and energy_share is not None else None
        result[group] = {"enterprises": int(enterprises), "resumed": int(resumed),
                         "count_share": round(count_share, 6) if count_share is not None else None,
                         "energy_share": round(energy_share, 6) if energy_share is not None else None,
                         "index": round(index, 4) if index is not None else None}
    return result


def _weight(pic: Picture) -> float:
    return float(pic.definition.get("count_weight", 0.5))


def _reported(pic: Picture, by: str | None) -> dict[str, dict[str, Any]]:
    return with_change(reported_sums(pic.cells(pic.snapshot.reported), by),
                       reported_sums(pic.cells(pic.snapshot.reported_before), by))


def _power(pic: Picture, by: str | None, earlier: bool = False) -> dict[str, dict[str, Any]]:
    return power_sums(pic.cells(pic.snapshot.power_earlier if earlier else pic.snapshot.power), by, _weight(pic))


def target(colour: str | None, energy_share: float | None, definition: dict[str, Any]) -> dict[str, Any]:
    """§4.3: the capacity target of the colour, met or not, gap in percentage points (red: no target). No
    power data for the day: the target is there, whether it is met is unknown (None), never "not met"."""
    capacity = definition["targets"].get(colour) if colour else None
    if capacity is None or energy_share is None:
        return {"colour": colour, "capacity_target": capacity, "met": None, "gap_pp": None}
    return {"colour": colour, "capacity_target": capacity, "met": energy_share >= capacity,
            "gap_pp": round((energy_share - capacity) * 100, 4)}


def _add_city(pic: Picture) -> None:
    city = pic.data["city"]
    city["resumption"] = _reported(pic, None).get("city", dict(EMPTY_RESUMPTION))
    city["power"] = _power(pic, None).get("city", dict(EMPTY_POWER))
    city["target"] = target(city["risk"]["highest_colour"], city["power"]["energy_share"], pic.definition)
    cells = pic.cells(pic.snapshot.reported)
    city["power_without_baseline"] = sum(c.no_baseline for c in cells)
    city.setdefault("reporting", {})
    city["reporting"].update({
        "enterprises": sum(c.total for c in cells), "enterprises_reported": sum(c.reported_today for c in cells),
        "power_arrived": pic.snapshot.power_arrived, "power_through": pic.snapshot.power_through})


def counties(pic: Picture) -> list[dict[str, Any]]:
    """The county rows: risk, resumption, power, target (and the fast-rise flag of §4.3)."""
    reported = _reported(pic, "county")
    power = _power(pic, "county")
    earlier = _power(pic, "county", earlier=True)
    for region in pic.data["regions"]:
        code = region["code"]
        region["resumption"] = reported.get(code, dict(EMPTY_RESUMPTION))
        region["power"] = power.get(code, dict(EMPTY_POWER))
        region["target"] = target(region["risk"]["colour"], region["power"]["energy_share"], pic.definition)
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
    power = _power(pic, by)
    if by == "park":
        park_counties = registry.park_counties()
        colours = {r["code"]: r["risk"]["colour"] for r in pic.snapshot.epidemic["regions"]}
        park_colours = {p: colours.get(c) for p, c in park_counties.items()}
        visible_parks = set(names) if pic.scope.whole else (
            {p for p, c in park_counties.items() if c in (pic.scope.counties or ())} | (pic.scope.parks or set()))
    else:
        park_colours, visible_parks = {}, set()
    rows = []
    for key in sorted(set(names) | set(reported) | set(power)):
        if not key or not (key in reported or key in power or (by == "park" and key in visible_parks)):
            continue
        row_power = power.get(key, dict(EMPTY_POWER))
        rows.append({
            "key": key, "name": names.get(key, key), "resumption": reported.get(key, dict(EMPTY_RESUMPTION)),
            "power": row_power,
            "target": target(park_colours.get(key), row_power["energy_share"], pic.definition)
            if by == "park" else None,
        })
    return rows


def trend(pic: Picture) -> list[dict[str, Any]]:
    """The scope's power index day by day over the stored trend window (30 days up to the day)."""
    by_day: dict[str, list[Any]] = {}
    for cell in pic.cells(pic.snapshot.trend):
        by_day.setdefault(cell.date, []).append(cell)
    result = []
    for day in sorted(by_day):
        sums = power_sums(by_day[day], None, _weight(pic)).get("city", dict(EMPTY_POWER))
        result.append({"date": day, "index": round(sums["index"], 2) if sums["index"] is not None else None,
                       "count_share": sums["count_share"], "energy_share": sums["energy_share"]})
    return result


def crosscheck_rows(pic: Picture) -> list[dict[str, Any]]:
    """§4.4 lists of the day in the user's scope, with each enterprise's name, code, county and liaison officers."""
    ids = pic.scope.enterprise_ids
    flags = pic.cells(pic.snapshot.crosscheck) if ids is None else [
        f for f in pic.snapshot.crosscheck if f.enterprise_id in ids]
    details = registry.enterprise_details([f.enterprise_id for f in flags])
    rows = [{"enterprise_id": f.enterprise_id, "kind": f.kind, "min_ratio": f.min_ratio, "max_ratio": f.max_ratio,
             "last_date": dt.date.fromisoformat(f.last_date), **details[f.enterprise_id]}
            for f in flags if f.enterprise_id in details]
    return sorted(rows, key=lambda r: (r["kind"], r["county"], r["uscc"]))


def situation(day: dt.date, *, by: str = "county", size_scope: str = "all", user: Viewer = None,
              engine_name: str | None = None, epidemic_rules: str | None = None) -> dict[str, Any]:
    pic = picture(day, size_scope=size_scope, user=user, engine_name=engine_name, epidemic_rules=epidemic_rules)
    return _situation(pic, by)


def situation_of(snap: Snapshot) -> dict[str, Any]:
    """The whole city's situation by county of a stored picture (``dualtrack situation --json``'s)."""
    return _situation(view(snap), "county")


def _situation(pic: Picture, by: str) -> dict[str, Any]:
    if by == "county":
        counties(pic)
        for region in pic.data["regions"]:
            region["target"].pop("fast_rise")
        return pic.data
    pic.data["groups"] = groups(pic, by)
    del pic.data["regions"]
    return pic.data
