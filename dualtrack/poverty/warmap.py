"""脱贫攻坚作战图 drilled (#28 §1): where a page stands (全市 › 县 › 乡镇), each area's links (drill down, its
households or its findings, its open and overdue findings filtered to it) and the map's layer: the regions with a
boundary at the level shown, counties coloured by their warning, townships and villages by their households' state,
挂牌督战 hatched and outlined. Figures are the year's stored result the page read: nothing is judged here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from dualtrack.core.actors import Viewer

from . import services
from .policy import sees_own_county

# A fill's colour and the colour its name is written in on the map (white on the dark fills, ink on the light ones).
FILLS = {"red": ("#c62828", "#ffffff"), "amber": ("#f9a825", "#1f2933"), "green": ("#2e7d32", "#ffffff"),
         "none": ("#e4e7eb", "#3e4c59")}
SUPERVISED_BORDER = "#1f2933"
SELECTED_BORDER = "#0b5cad"


def own_county(user: Viewer) -> str | None:
    """The county a district or park operator may drill into (its code; "" when it has none), None for the roles
    that see every county's aggregates (HQ, leaders, departments)."""
    if user is None or not sees_own_county(user):
        return None
    county = getattr(user, "county", None)
    if county is None:
        park = getattr(user, "park", None)
        county = getattr(park, "county", None) if park is not None else None
    return county.code if county is not None else ""


def in_scope(user: Viewer, county_code: str) -> bool:
    own = own_county(user)
    return own is None or own == county_code


@dataclass
class Drill:
    """Where the page stands: the city, a county, or one of its townships."""

    level: str  # "city", "county" or "township"
    county: services.Area | None = None  # the county's own line (drilled)
    township: services.Area | None = None
    crumbs: list[tuple[str, str]] = field(default_factory=list)  # (name, link; "" for the page itself)

    @property
    def focus(self) -> services.Area | None:
        return self.township or self.county


def page_url(year: int, day: dt.date, area: str = "") -> str:
    query = {"year": year, "date": day.isoformat()} | ({"area": area} if area else {})
    return reverse("poverty:war_map") + "?" + urlencode(query)


def findings_url(day: dt.date, area: str, state: str) -> str:
    """The findings of ``area`` (every one the user may see for "") in ``state`` on ``day``."""
    query = {"state": state} | ({"area": area} if area else {}) | {"date": day.isoformat()}
    return reverse("poverty:findings") + "?" + urlencode(query)


def village_url(year: int, day: dt.date, code: str, households: bool) -> str:
    """A village opens its households (those who may see them), else its findings."""
    if households:
        return reverse("poverty:households") + "?" + urlencode({"year": year, "village": code})
    return reverse("poverty:findings") + "?" + urlencode({"area": code, "date": day.isoformat()})


def link(areas: list[services.Area], *, year: int, day: dt.date, user: Viewer, households: bool) -> None:
    """Each area's links: ``url`` (a county or township drills down, a village opens its list; "" out of the user's
    scope) and ``open_url``/``overdue_url`` (its findings, filtered to it)."""
    for a in areas:
        if a.level == "village":
            a.url = village_url(year, day, a.code, households)  # type: ignore[attr-defined]
        else:
            county = a.code if a.level == "county" else a.parent
            a.url = page_url(year, day, a.code) if in_scope(user, county) else ""  # type: ignore[attr-defined]
        a.open_url = findings_url(day, a.code, "open")  # type: ignore[attr-defined]
        a.overdue_url = findings_url(day, a.code, "overdue")  # type: ignore[attr-defined]


def resolve(code: str, *, year: int, day: dt.date, user: Viewer, counties: list[services.Area],
            evaluation: services.Evaluation) -> tuple[Drill, list[services.Area], list[services.Area]]:
    """``?area=``: "" the city (its counties); a county's code (its townships and villages); a township's code (its
    county's townships and villages, the township shown). Returns where the page stands, the areas listed and the
    county's townships. 404 for a code that is not a county or township with households, or out of ``user``'s
    scope (another county, to a county's operator)."""
    from dualtrack.registry import services as registry

    if not code:
        return Drill("city", crumbs=[(_("全市"), "")]), counties, []
    region = registry.region_by_code(code)
    county_code = ""
    if region is not None and region.level == "county":
        county_code = region.code
    elif region is not None and region.level == "township" and region.parent is not None:
        county_code = region.parent.code
    county = next((c for c in counties if c.code == county_code), None)
    if county is None or not in_scope(user, county_code):
        raise Http404
    areas = services.war_map(year, county_code, evaluation)  # its townships, then their villages
    townships = [a for a in areas if a.level == "township"]
    township = next((t for t in townships if t.code == code), None)
    if code != county_code and township is None:
        raise Http404
    crumbs = [(_("全市"), page_url(year, day)), (county.name, page_url(year, day, county.code) if township else "")]
    if township is not None:
        crumbs.append((township.name, ""))
    return Drill("township" if township else "county", county, township, crumbs), areas, townships


def city_total(counties: list[services.Area], day: dt.date) -> services.Area:
    """The city's line: the counties' figures added up (after :func:`link` and the view's findings and helpers);
    its findings' links are the whole list's."""
    from collections import Counter

    total = services.Area("", str(_("全市")), "city", failed=Counter())
    for c in counties:
        total.households += c.households
        total.checked += c.checked
        total.not_met += c.not_met
        total.monitored += c.monitored
        total.failed.update(c.failed or {})  # type: ignore[union-attr]
        total.helpers = (total.helpers[0] + c.helpers[0], total.helpers[1] + c.helpers[1])
        for key, n in c.findings.items():
            total.findings[key] = total.findings.get(key, 0) + n
    total.open_url = findings_url(day, "", "open")  # type: ignore[attr-defined]
    total.overdue_url = findings_url(day, "", "overdue")  # type: ignore[attr-defined]
    return total


def state_of(area: services.Area | None) -> str:
    """A township's or village's fill: red with a household below the standard, amber with monitoring cases only,
    green when every checked household meets it and none is monitored, none without households checked."""
    if area is None or not area.checked:
        return "none"
    return "red" if area.not_met else "amber" if area.monitored else "green"


def county_fill(status: services.CountyStatus | None) -> str:
    if status is None or not status.households:
        return "none"
    return "red" if status.warning else "green"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _tip(name: str, fill_label: str, supervised: bool, households: int, not_met: int, monitored: int,
         share: float | None) -> list[str]:
    lines = [name, fill_label]
    if supervised:
        lines.append(str(_("挂牌督战")))
    if households:
        lines.append(_("建档立卡户 %(households)s，未达标 %(not_met)s，监测对象 %(monitored)s（%(share)s）") % {
            "households": households, "not_met": not_met, "monitored": monitored, "share": _pct(share)})
    return lines


def county_legend() -> list[tuple[str, str]]:
    return [("red", _("预警：监测对象占比超过预警线")), ("green", _("未预警")), ("none", _("无建档立卡户"))]


def area_legend() -> list[tuple[str, str]]:
    return [("red", _("有未达标户")), ("amber", _("均达标，有监测对象")), ("green", _("均达标，无监测对象")),
            ("none", _("无建档立卡户"))]


def _region(code: str, name: str, fill: str, *, supervised: bool, url: str,
            selected: bool, tip: list[str]) -> dict[str, Any]:
    colour, text = FILLS[fill]
    return {"code": code, "name": name, "fill": colour, "text": text, "supervised": supervised, "url": url or None,
            "selected": selected, "tip": tip}


def map_layer(drill: Drill, *, counties: list[services.Area], statuses: list[services.CountyStatus],
              townships: list[services.Area], flags: dict[str, tuple[bool, bool]]) -> dict[str, Any]:
    """The map of the page: the deepest level with boundaries among the area's children, else its siblings (the
    area outlined), else the counties (its county outlined). The payload the script draws (``poverty.js``) and the
    legend the page writes beside it."""
    from dualtrack.registry import services as registry

    shown = drill.focus
    # 1. the children of the area shown: a county's townships, a township's villages
    if drill.level != "city" and shown is not None:
        children = shown.children if drill.level == "township" else townships
        shapes = registry.shapes(shown.code)
        if shapes:
            return _area_layer(shapes, children, None, flags, "village" if drill.level == "township" else "township")
    # 2. a township's siblings: the county's townships, the township outlined
    if drill.level == "township" and drill.county is not None and drill.township is not None:
        shapes = registry.shapes(drill.county.code)
        if shapes:
            return _area_layer(shapes, townships, drill.township.code, flags, "township")
    # 3. the counties, the county outlined
    selected = drill.county.code if drill.county is not None else None
    by_code = {c.code: c for c in statuses}
    areas = {a.code: a for a in counties}
    legend = dict(county_legend())
    regions = []
    features = []
    for code, name, geometry in registry.shapes(None):
        status = by_code.get(code)
        fill = county_fill(status)
        supervised = flags.get(code, (False, False))[0]
        area = areas.get(code)
        url = getattr(area, "url", "") if area is not None and area.households else ""
        features.append({"type": "Feature", "properties": {"name": name, "code": code}, "geometry": geometry})
        regions.append(_region(code, name, fill, supervised=supervised, url=url, selected=code == selected,
                               tip=_tip(name, legend[fill], supervised, status.households if status else 0,
                                        status.not_met if status else 0, status.monitored if status else 0,
                                        status.monitored_share if status else None)))
    return {"level": "county", "geojson": {"type": "FeatureCollection", "features": features}, "regions": regions,
            "legend": county_legend(), "selected": selected is not None}


def _area_layer(shapes: list[tuple[str, str, Any]], areas: list[services.Area], selected: str | None,
                flags: dict[str, tuple[bool, bool]], level: str) -> dict[str, Any]:
    by_code = {a.code: a for a in areas}
    legend = dict(area_legend())
    regions = []
    features = []
    for code, name, geometry in shapes:
        area = by_code.get(code)
        fill = state_of(area)
        supervised = area.supervised if area is not None else flags.get(code, (False, False))[0]
        features.append({"type": "Feature", "properties": {"name": name, "code": code}, "geometry": geometry})
        regions.append(_region(code, name, fill, supervised=supervised,
                               url=getattr(area, "url", "") if area is not None else "", selected=code == selected,
                               tip=_tip(name, legend[fill], supervised, area.households if area else 0,
                                        area.not_met if area else 0, area.monitored if area else 0,
                                        area.monitored_share if area else None)))
    return {"level": level, "geojson": {"type": "FeatureCollection", "features": features}, "regions": regions,
            "legend": area_legend(), "selected": selected is not None}
