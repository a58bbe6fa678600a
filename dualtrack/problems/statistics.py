"""Statistics by category and department (on-time rate, mean handling time in working days) and the ledger
export of ``dualtrack problems export --json``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dualtrack.core import calendar, dates
from dualtrack.core.actors import Viewer
from dualtrack.core.choices import Action

from .choices import OPEN_STATES
from .models import Problem


def export_rows(now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The ledger for ``dualtrack problems export --json`` (times ISO 8601 with +08:00)."""
    now = now or dates.now()

    def iso(value: dt.datetime | None) -> str | None:
        return value.astimezone(dates.SHANGHAI).isoformat() if value else None

    rows = []
    for p in Problem.objects.select_related("category", "department").order_by("ref"):
        rows.append({
            "ref": p.ref, "state": p.state, "category": p.category.name if p.category else None,
            "complexity": p.complexity or None, "department": p.department.code if p.department else None,
            "assigned_at": iso(p.assigned_at), "due_at": iso(p.due_at), "escalation_level": p.escalation_level,
            "overdue": bool(p.due_at and p.state in OPEN_STATES and now > p.due_at),
        })
    return rows


def statistics(user: Viewer) -> dict[str, list[dict[str, Any]]]:
    """By category and by department: problems, resolved, on time, on-time rate, mean handling time in
    working days (assignment to resolution)."""
    rows = list(Problem.objects.restrict(user, Action.VIEW).filter(assigned_at__isnull=False).values_list(
        "category__name", "department__name", "assigned_at", "due_at", "resolved_at"))
    local_days = [(a.astimezone(dates.SHANGHAI).date(), r.astimezone(dates.SHANGHAI).date())
                  for _c, _d, a, _due, r in rows if r is not None]
    counter = calendar.WorkingDayCounter(min(a for a, _r in local_days), max(r for _a, r in local_days)) \
        if local_days else None
    groups: dict[str, dict[str, dict[str, Any]]] = {"category": {}, "department": {}}
    for category, department, assigned_at, due_at, resolved_at in rows:
        for kind, key in (("category", category or "—"), ("department", department or "—")):
            stats = groups[kind].setdefault(key, {"name": key, "total": 0, "resolved": 0, "on_time": 0, "days": 0})
            stats["total"] += 1
            if resolved_at is not None:
                stats["resolved"] += 1
                stats["on_time"] += int(due_at is None or resolved_at <= due_at)
                stats["days"] += counter.between(assigned_at.astimezone(dates.SHANGHAI).date(),  # type: ignore[union-attr]
                                                 resolved_at.astimezone(dates.SHANGHAI).date())
    result: dict[str, list[dict[str, Any]]] = {}
    for kind, table in groups.items():
        result[kind] = sorted(({**s, "on_time_rate": round(s["on_time"] / s["resolved"], 4) if s["resolved"] else None,
                                "mean_days": round(s["days"] / s["resolved"], 2) if s["resolved"] else None}
                               for s in table.values()), key=lambda s: -s["total"])
    return result
