"""亩均论英雄 (DOMAIN.md §18): the year the pages open on, the stored result read and narrowed, what other apps read
(an enterprise's classes over the years, the class as a policy's eligibility field)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from dualtrack.core.actors import Viewer
from dualtrack.core.choices import Action

from .choices import AssessmentStatus
from .models import Assessment, AssessmentRow, EnterpriseAnnual


def as_of_year(on: dt.date | None = None) -> int | None:
    """The year the pages open on: the latest year with annual figures or an assessment, not after the clock's
    year; None when there is none."""
    from dualtrack.core import dates

    limit = (on or dates.today()).year
    years = [y for y in (EnterpriseAnnual.objects.filter(year__lte=limit).order_by("-year").values_list(
        "year", flat=True).first(), Assessment.objects.filter(year__lte=limit).order_by("-year").values_list(
        "year", flat=True).first()) if y is not None]
    return max(years) if years else None


def _measure() -> Any:
    from dualtrack.core import capability

    return capability.measure("assessment")


def _period(year: int) -> Any:
    from dualtrack.core.capability import Period, PeriodKind

    return Period(PeriodKind.YEAR, dt.date(year, 1, 1))


def can_view(user: Viewer) -> bool:
    return Assessment.permits(user, Action.VIEW)


def in_menu(user: Viewer) -> bool:
    return Assessment.permits(user, Action.VIEW)


def narrowed(result: Any, user: Viewer) -> Any:
    """The whole city's result narrowed to the rows ``user`` may see: an enterprise only its own and only once the
    year is published (a draft is the office's); a county its enterprises'; the counts and parks stay."""
    if user is None:
        return result
    from dualtrack.core import policy

    if policy.scope(user, AssessmentRow, Action.VIEW) is policy.ALL:
        return result
    from dualtrack.registry import services as registry

    from .policy import is_enterprise

    if is_enterprise(user) and result.status == AssessmentStatus.DRAFT:
        return dataclasses.replace(result, enterprises=[], bases=[])
    seen = set(registry.enterprises_for(user).values_list("pk", flat=True))
    return dataclasses.replace(result, enterprises=[r for r in result.enterprises if r.enterprise_id in seen])


def evaluate(year: int, user: Viewer = None) -> Any:
    from dualtrack.core import judgements

    return narrowed(judgements.ensure(_measure(), _period(year)).result, user)


def read(year: int, user: Viewer) -> tuple[Any, Any]:
    from dualtrack.core import judgements

    found = judgements.read(_measure(), _period(year))
    if isinstance(found, judgements.Pending):
        return None, found
    return narrowed(found.result, user), found


def latest(year: int) -> Assessment | None:
    return Assessment.objects.filter(year=year).order_by("-version").first()


def classes_of(enterprise_id: int) -> list[tuple[int, str, str]]:
    """An enterprise's classes over the years, from the final (else published) assessments: (year, class, status)."""
    rows = AssessmentRow.objects.filter(enterprise_id=enterprise_id).exclude(
        assessment__status=AssessmentStatus.DRAFT).order_by("assessment__year", "assessment__version").values_list(
        "assessment__year", "grade", "assessment__status")
    found: dict[int, tuple[str, str]] = {}
    for year, grade, status in rows:
        found[year] = (grade, status)  # the latest version of the year wins
    return [(year, grade, status) for year, (grade, status) in sorted(found.items())]


def final_class(enterprise_id: int, year: int) -> str | None:
    """The class an enterprise was given in the final assessment of ``year`` (a policy's eligibility field)."""
    return AssessmentRow.objects.filter(enterprise_id=enterprise_id, assessment__year=year,
                                        assessment__status=AssessmentStatus.FINAL).order_by(
        "-assessment__version").values_list("grade", flat=True).first()


def enterprises_of_classes(classes: list[str]) -> Any:
    """The ids of the enterprises whose class in the latest final assessment is one of ``classes`` (a policy's
    eligibility, §8): the latest year with a final version, its latest final version; a subquery (one SQL query with
    the caller's)."""
    final = Assessment.objects.filter(status=AssessmentStatus.FINAL).order_by("-year", "-version").first()
    if final is None:
        return AssessmentRow.objects.none().values("enterprise_id")
    return AssessmentRow.objects.filter(assessment=final, grade__in=classes).values("enterprise_id")
