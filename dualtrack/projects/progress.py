"""Progress reports (周报, 月报) of a key project: saving one, the investment curve, and start dates read from them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dualtrack.core import audit, dates, policy
from dualtrack.core.actors import Actor
from dualtrack.core.choices import Action
from dualtrack.core.scoping import ensure_in_scope

from .choices import Nature
from .lights import month_start
from .models import Project, ProjectProgress, ReportKind


@transaction.atomic
def save_progress(actor: Actor, project: Project, *, date: dt.date, resumed: bool, workers_on_site: int,
                  completed_cumulative: Decimal, physical_progress: str = "",
                  kind: str = ReportKind.WEEKLY) -> ProjectProgress:
    """A weekly or monthly progress report by the project's owner, responsible unit or liaison officer (or
    HQ): validated, upserted for the date, audited, and re-checked in scope."""
    policy.authorize(actor, project, Action.REPORT)
    errors: dict[str, str] = {}
    today = dates.today()
    if date > today:
        errors["date"] = _("日期不能晚于今天")
    if completed_cumulative < 0:
        errors["completed_cumulative"] = _("累计完成投资不能为负")
    elif completed_cumulative > project.total_investment * Decimal("1.5"):
        errors["completed_cumulative"] = _("累计完成投资超过总投资（%(total)s万元）的1.5倍，请核对") % {
            "total": project.total_investment}
    earlier = ProjectProgress.objects.filter(project=project, date__lt=date).order_by("-date").first()
    if earlier is not None and completed_cumulative < earlier.completed_cumulative:
        errors["completed_cumulative"] = _("累计完成投资不能少于%(date)s已报的%(amount)s万元") % {
            "date": earlier.date.isoformat(), "amount": earlier.completed_cumulative}
    if errors:
        raise ValidationError(errors)
    existing = ProjectProgress.objects.filter(project=project, date=date).first()
    before = audit.snapshot(existing) if existing else None
    report, _created = ProjectProgress.objects.update_or_create(project=project, date=date, defaults={
        "resumed": resumed, "workers_on_site": workers_on_site, "completed_cumulative": completed_cumulative,
        "physical_progress": physical_progress.strip(), "kind": kind, "reported_by": actor})
    if resumed and project.nature == Nature.NEW and project.actual_start is None:
        project_before = audit.snapshot(project)
        project.actual_start = date
        project.save(update_fields=["actual_start"])
        audit.record_change(actor, project, project_before)
    audit.record_change(actor, report, before)
    ensure_in_scope(report, actor, Action.REPORT)
    return report


def investment_curve(project: Project, until: dt.date) -> dict[str, list[Any]]:
    """Month by month: planned cumulative against completed (latest report in the month)."""
    plans = list(project.plans.order_by("month").values_list("month", "planned_cumulative"))
    progress = list(project.progress.filter(date__lte=until).order_by("date").values_list("date",
                                                                                         "completed_cumulative"))
    months = sorted({m for m, _v in plans} | {month_start(d) for d, _v in progress})
    completed_by_month: dict[dt.date, float] = {}
    for d, value in progress:
        completed_by_month[month_start(d)] = float(value)
    last = None
    completed = []
    for m in months:
        last = completed_by_month.get(m, last)
        completed.append(last if m <= until else None)
    planned = {m: float(v) for m, v in plans}
    return {"months": [f"{m:%Y-%m}" for m in months], "planned": [planned.get(m) for m in months],
            "completed": completed}


def with_start_dates(projects: QuerySet[Project]) -> QuerySet[Project]:
    """``projects`` annotated with ``started_on``: the actual start date, else, for a new project (新开工), the first
    progress report that says work is under way (its start is often known only from its reports). A 续建 project's
    first report after the Spring Festival is its resumption, not its start: it has no ``started_on`` then."""
    from django.db.models import Case, DateField, OuterRef, Subquery, When
    from django.db.models.functions import Coalesce

    first = ProjectProgress.objects.filter(project=OuterRef("pk"), resumed=True).order_by("date").values("date")[:1]
    return projects.annotate(started_on=Coalesce("actual_start", Case(
        When(nature=Nature.NEW, then=Subquery(first)), default=None, output_field=DateField())))
