"""The hand-over from investment promotion (招商引资, DOMAIN.md §14): a lead that starts (开工) becomes, or is linked
to, a key project."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from dualtrack.core import audit, calendar, versions
from dualtrack.core.actors import Actor

from .choices import Nature
from .lights import month_start
from .models import Project, ProjectPlan
from .monthend import dispatch_department


@dataclass(frozen=True)
class HandoverProject:
    """What a lead brings to the key project it becomes when it starts (开工)."""

    code: str
    name: str
    county_id: int
    park_id: int | None
    owner_id: int | None
    total_investment: Decimal  # 万元
    started_on: dt.date
    plan_months: int
    responsible_unit: str  # the county's (or park's) government, which follows the lead


@transaction.atomic
def create_for_handover(actor: Actor, spec: HandoverProject) -> tuple[Project, bool]:
    """The key project of a lead that starts: linked when one with ``spec.code`` exists (its start date is filled
    in if it had none), otherwise created as a new city key project with a default monthly plan (the planned
    investment spread evenly over ``plan_months`` months from the start month) so that it carries a light on
    the next evaluation. The caller has authorised the hand-over on its lead; this records and audits."""
    existing = Project.objects.select_for_update().filter(code=spec.code).first()
    if existing is not None:
        if existing.actual_start is None:
            before = audit.snapshot(existing)
            existing.actual_start = spec.started_on
            existing.save(update_fields=["actual_start"])
            audit.record_change(actor, existing, before)
        return existing, False
    department = dispatch_department()
    project = Project.objects.create(
        code=spec.code, name=spec.name, level="city_key", nature=Nature.NEW, stage="construction",
        county_id=spec.county_id, park_id=spec.park_id, owner_id=spec.owner_id,
        responsible_unit=spec.responsible_unit, responsible_department=department,
        total_investment=spec.total_investment, annual_plan=min(spec.total_investment, (
            spec.total_investment * 12 / spec.plan_months).quantize(Decimal("0.01"))),
        planned_start=spec.started_on, actual_start=spec.started_on)
    audit.record_change(actor, project, None)
    first = month_start(spec.started_on)
    ProjectPlan.objects.bulk_create(ProjectPlan(
        project=project, month=calendar.add_months(first, k - 1),
        planned_cumulative=(spec.total_investment * k / spec.plan_months).quantize(Decimal("0.01")))
        for k in range(1, spec.plan_months + 1))
    versions.changed("projects")  # a bulk write: the stored lights read the plans
    return project, True


def project_exists(code: str) -> bool:
    return Project.objects.filter(code=code).exists()
