"""Rankings of responsible units and counties by resumption and progress, and resumption by level group
(DOMAIN.md §7), from the lights of a day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from dualtrack.core import rules as rule_sets

from .choices import LEVEL_GROUPS, Nature
from .lights import ProjectStatus, statuses
from .models import Project
from .rules import RULES_KEY


def _should_work(row: ProjectStatus, project_planned_start: dt.date | None, day: dt.date) -> bool:
    return row.nature == Nature.CONTINUING or (project_planned_start is not None and project_planned_start <= day)


def rankings(projects: QuerySet[Project], day: dt.date, rows: list[ProjectStatus] | None = None) -> dict[str, Any]:
    """Responsible units and counties ranked by resumption rate, then mean progress ratio, with the lists for
    the text: those all resumed (均100%复工) and those below the rule set's low mark (不到XX%)."""
    from dualtrack.registry import services as registry

    starts = dict(projects.values_list("code", "planned_start"))
    rows = rows if rows is not None else statuses(projects, day)
    county_names = dict(registry.counties().values_list("pk", "name"))
    low = rule_sets.current(RULES_KEY).definition.get("ranking_low_rate", 0.6)
    result: dict[str, Any] = {"low_rate": low}
    for kind, key in (("units", lambda r: r.responsible_unit), ("counties", lambda r: county_names.get(r.county_id, "—"))):
        groups: dict[str, dict[str, Any]] = {}
        for row in rows:
            g = groups.setdefault(key(row), {"name": key(row), "projects": 0, "due": 0, "resumed": 0, "ratios": []})
            g["projects"] += 1
            if _should_work(row, starts.get(row.code), day):
                g["due"] += 1
                g["resumed"] += int(row.resumed)
            if row.progress_ratio is not None:
                g["ratios"].append(row.progress_ratio)
        table = []
        for g in groups.values():
            ratios = g.pop("ratios")
            g["rate"] = round(g["resumed"] / g["due"], 4) if g["due"] else None
            g["mean_ratio"] = round(sum(ratios) / len(ratios), 4) if ratios else None
            table.append(g)
        table.sort(key=lambda g: (-(g["rate"] if g["rate"] is not None else -1),
                                  -(g["mean_ratio"] if g["mean_ratio"] is not None else -1), g["name"]))
        for rank, g in enumerate(table, start=1):
            g["rank"] = rank
        result[kind] = table
        result[f"{kind}_all_resumed"] = [g["name"] for g in table if g["rate"] == 1]
        result[f"{kind}_below"] = [g["name"] for g in table if g["rate"] is not None and g["rate"] < low]
    return result


def level_summary(projects: QuerySet[Project], day: dt.date,
                  rows: list[ProjectStatus] | None = None) -> list[dict[str, Any]]:
    """Resumption by level group (省重点续建, 市重点续建) on ``day``."""
    rows = rows if rows is not None else statuses(projects, day)
    out = []
    for name, (level, nature) in LEVEL_GROUPS.items():
        group = [r for r in rows if r.level == level and r.nature == nature]
        resumed = sum(r.resumed for r in group)
        out.append({"name": name, "projects": len(group), "resumed": resumed,
                    "rate": round(resumed / len(group), 4) if group else None,
                    "workers_on_site": sum(r.workers_on_site for r in group)})
    return out
