"""Key-project dispatch (重点项目调度, DOMAIN.md §7), the app's public face: other apps reach key projects only
through here. What it offers lives by concern beside it: ``lights`` (a project's light on any date), ``monthend``
(month-end lights and their dispatch tasks), ``rankings``, ``progress`` (progress reports) and ``handover`` (from
investment promotion); the demo's seeding lives in ``dualtrack.demo``."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db.models import QuerySet

from dualtrack.core.actors import Viewer
from dualtrack.core.choices import Action

from .handover import HandoverProject, create_for_handover, project_exists
from .lights import (
    ProjectStatus,
    as_of,
    light_counts,
    month_end,
    month_start,
    plan_to_date,
    previous_month,
    statuses,
)
from .models import Project
from .monthend import dispatch_department, evaluate_due, evaluate_month, months_to_evaluate
from .progress import investment_curve, save_progress, with_start_dates
from .rankings import level_summary, rankings

__all__ = ["HandoverProject", "ProjectStatus", "as_of", "create_for_handover",
           "dispatch_department", "evaluate_due", "evaluate_month", "investment_curve", "level_summary",
           "liaison_coverage", "light_counts", "lights_by_code", "lights_ensured", "lights_read", "month_end",
           "month_start", "months_to_evaluate", "plan_to_date", "poverty_lights_ensured", "poverty_lights_read",
           "previous_month", "project_exists", "projects_for", "rankings", "save_progress",
           "statuses", "visible_project_ids", "with_start_dates"]

MEASURE = "projects"  # the lights of a day, stored (``measure.ProjectsMeasure``)


def liaison_coverage(user: Viewer) -> dict[str, Any]:
    """全覆盖 for key projects: those in the user's scope without a liaison officer."""
    projects = Project.objects.restrict(user)
    total = projects.count()
    uncovered = projects.filter(liaison_officers__isnull=True).select_related("county").order_by("county__code", "code")
    missing = uncovered.count()
    return {"label": "重点项目", "total": total, "covered": total - missing,
            "rate": round((total - missing) / total, 4) if total else None,
            "uncovered": [(p.code, p.name, p.county.name) for p in uncovered[:200]]}


def visible_project_ids(user: Viewer, codes: list[str]) -> dict[str, int]:
    """Code → id of the key projects among ``codes`` that ``user`` may see."""
    return dict(Project.objects.restrict(user, Action.VIEW).filter(code__in=codes).values_list("code", "pk"))


def projects_for(user: Viewer) -> QuerySet[Project]:
    """The key projects ``user`` may see (the restricted queryset other apps start from); all for ``None`` (the
    worker, the city's bulletin)."""
    return Project.objects.all() if user is None else Project.objects.restrict(user, Action.VIEW)


def lights_read(day: Any, user: Viewer, codes: Any = None) -> Any:
    """What a page or a card shows of the lights on ``day``: the stored whole-city result narrowed to the projects
    ``user`` sees (``measure.ProjectLights``), or ``core.judgements.Pending`` while it is computed. ``codes``: the
    codes ``user`` sees when the caller has read them already."""
    from dualtrack.core import capability, judgements
    from dualtrack.core.capability import Period, PeriodKind

    measure = capability.measure(MEASURE)
    answer = judgements.read(measure, Period.of(PeriodKind.DAY, day))
    if isinstance(answer, judgements.Pending):
        return answer
    if codes is not None:
        return dataclasses.replace(answer.result, projects=[r for r in answer.result.projects if r.code in codes])
    return measure.visible(answer.result, user)


def lights_by_code(day: Any, codes: Any = None, fresh: bool = False) -> Any:
    """The stored lights on ``day`` by project code (the register, the map, a project's page and the API read
    them; nothing is computed in the request): the whole city, or only ``codes`` (the codes the caller read from
    a queryset already scoped to its reader), in code order; ``core.judgements.Pending`` while the day is computed,
    or while one of ``codes`` is newer than the stored (stale) result, which is computed again meanwhile; ``fresh``
    (the API, as every measure's): ``Pending`` whenever the stored result is stale."""
    from dualtrack.core import capability, judgements
    from dualtrack.core.capability import Period, PeriodKind

    period = Period.of(PeriodKind.DAY, day)
    answer = judgements.read(capability.measure(MEASURE), period)
    if isinstance(answer, judgements.Pending):
        return answer
    if fresh and answer.stale:
        return judgements.Pending(MEASURE, period, answer.rules_version)
    rows = {row.code: row for row in answer.result.projects}
    if codes is None:
        return rows
    wanted = set(codes)
    if not wanted <= rows.keys():  # a project added since: the stale result is being computed again
        return judgements.Pending(MEASURE, period, answer.rules_version)
    return {code: row for code, row in rows.items() if code in wanted}


def lights_ensured(day: Any, user: Viewer = None) -> Any:
    """The lights on ``day`` (``measure.ProjectLights``), computed now if not stored fresh, narrowed to ``user``
    (None: the whole city): the console and the worker."""
    from dualtrack.core import capability, judgements
    from dualtrack.core.capability import Period, PeriodKind

    measure = capability.measure(MEASURE)
    return measure.visible(judgements.ensure(measure, Period.of(PeriodKind.DAY, day)).result, user)


def _poverty_codes() -> list[str]:
    return list(Project.objects.filter(poverty=True).order_by("code").values_list("code", flat=True))


def poverty_lights_read(day: Any) -> Any:
    """The stored lights on ``day`` of the poverty projects (扶贫项目, DOMAIN.md §13) for the poverty war map's
    counties (aggregates; whoever sees the war map sees them, as before): a list in code order, or
    ``core.judgements.Pending`` while the day is computed (or a poverty project is newer than the stored, stale,
    result). Nothing is judged here; no poverty project, nothing read."""
    codes = _poverty_codes()
    if not codes:
        return []
    found = lights_by_code(day, codes)
    return found if not isinstance(found, dict) else list(found.values())


def poverty_lights_ensured(day: Any) -> list[ProjectStatus]:
    """The poverty projects' lights on ``day``, computed now if not stored fresh (the bulletin, the frozen weekly
    board of the fight against poverty)."""
    codes = set(_poverty_codes())
    if not codes:
        return []
    return [row for row in lights_ensured(day).projects if row.code in codes]


def project_by_code(code: str) -> Project | None:
    return Project.objects.select_related("county", "park", "owner").filter(code=code).first()


def owned_by(enterprise: Any, liaison_id: int | None = None) -> list[Project]:
    """The key projects ``enterprise`` owns (项目业主), in code order; with ``liaison_id``, those that officer serves."""
    found = Project.objects.filter(owner=enterprise).order_by("code")
    if liaison_id is not None:
        found = found.filter(liaison_officers=liaison_id)
    return list(found)
