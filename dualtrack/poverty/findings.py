"""Findings 问题整改 (DOMAIN.md §13): problems found by 督战, 巡视回头看 or 成效考核 in a village or one of its
households, each followed as a task of the closed loop (§6) with a working-day deadline and escalation; and the
reconciliation 对账销号 that lists each household's findings until all are closed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from dualtrack.core import audit, dates, policy, privacy
from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action

from .choices import FINDING_KEY, FINDING_WORKING_DAYS, FindingSource
from .models import Finding, Household

DESCRIPTION_MAX = 2000


def office_department() -> Any:
    from dualtrack.registry import services as registry

    return registry.department_by_code(settings.POVERTY_OFFICE)


def next_code(day: dt.date) -> str:
    """ZG20200406-001: the day's next finding number."""
    stem = f"ZG{day:%Y%m%d}-"
    taken = Finding.objects.filter(code__startswith=stem).count()
    return f"{stem}{taken + 1:03d}"


def open_task(finding: Finding, at: dt.datetime) -> Any:
    """The finding's task in the closed loop: assigned at ``at`` to the finding's county (整改), followed by the
    poverty office, due at the end of the finding's Nth working day. Idempotent by the finding's code."""
    from dualtrack.problems import services as problems

    where = finding.village.name + (f" {finding.household.code}" if finding.household is not None else "")
    task, _created = problems.create_task(
        FINDING_KEY + finding.code,
        f"【{FindingSource(finding.source).label}】{where}：{finding.description}"[:2000],
        category="其他", department=office_department(), county=finding.county, complexity="general",
        working_days=finding.working_days, at=at)
    if finding.task_ref != task.ref:
        Finding.objects.filter(pk=finding.pk).update(task_ref=task.ref)
        finding.task_ref = task.ref
    return task


def raise_finding(actor: Actor, *, source: str, village_code: str, description: str, found_on: dt.date,
                  household_code: str = "", working_days: int = FINDING_WORKING_DAYS,
                  at: dt.datetime | None = None) -> Finding:
    """列出问题清单: the office (or HQ) records a finding on a village or a household; its task is assigned to the
    county at once. Refused with the field named when the village or household is unknown."""
    from dualtrack.registry import services as registry

    policy.authorize_create(actor, Finding, Action.ADD)
    errors: dict[str, str] = {}
    if source not in FindingSource.values:
        errors["source"] = _("问题来源应为督战、巡视回头看或成效考核")
    villages = registry.villages_with_counties()
    if village_code not in villages:
        errors["village"] = _("村代码不存在")
    household = None
    if household_code:
        household = Household.objects.filter(code=household_code).first()
        if household is None:
            errors["household"] = _("户编号不存在")
        elif village_code in villages and household.village_id != villages[village_code][0]:
            errors["household"] = _("该户不在所选村")
    description = description.strip()
    if not description:
        errors["description"] = _("请填写问题描述")
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = _("问题描述不超过 %(n)s 字") % {"n": DESCRIPTION_MAX}
    if not 1 <= working_days <= 60:
        errors["working_days"] = _("整改时限应为 1 到 60 个工作日")
    if found_on > dates.today():
        errors["found_on"] = _("发现日期不能晚于今天")
    if errors:
        raise ValidationError(errors)
    village_id, county_id = villages[village_code]
    with transaction.atomic():
        finding = Finding.objects.create(
            code=next_code(found_on), source=source, household=household, village_id=village_id,
            county_id=county_id, description=description, found_on=found_on, working_days=working_days)
        audit.record_change(actor, finding, None)
        open_task(finding, at or dates.now())
    return finding


@dataclass
class FindingRow:
    """A finding with its task's state (read from the closed loop)."""

    code: str
    source: str
    household: str
    village: str
    county: str
    description: str
    found_on: dt.date
    task_ref: str
    state: str
    due_at: dt.datetime | None
    escalation_level: int
    closed: bool
    overdue: bool


def rows(user: Viewer, *, now: dt.datetime | None = None, county: str = "", state: str = "",
         household: str = "", area: str = "") -> list[FindingRow]:
    """The findings ``user`` may see, newest first, with their tasks; ``state`` is ``open``, ``overdue`` or
    ``closed``; ``area`` a county's, township's or village's code (the war map's links: the findings in it)."""
    from dualtrack.problems import services as problems

    now = now or dates.now()
    found = Finding.objects.restrict(user).select_related("household", "village", "county")
    if county:
        found = found.filter(county__code=county)
    if household:
        found = found.filter(household__code=household)
    if area:
        found = found.filter(Q(county__code=area) | Q(village__parent__code=area) | Q(village__code=area))
    found_list = list(found.order_by("-found_on", "code")[:2000])
    tasks = problems.tasks_by_keys([FINDING_KEY + f.code for f in found_list])
    kept = []
    for f in found_list:
        task = tasks.get(FINDING_KEY + f.code)
        closed = task is not None and task.state == "closed"
        # Overdue while being put right (assigned, in progress) past its due time; resolved awaits the office's 销号.
        overdue = bool(task is not None and task.state in ("assigned", "in_progress") and task.due_at
                       and task.due_at < now)
        if state == "open" and closed or state == "closed" and not closed or state == "overdue" and not overdue:
            continue
        kept.append((f, task, closed, overdue))
    # The text as the user may read it: phone and ID numbers masked unless the policy grants them (audited if whole).
    shown = privacy.texts(user, [f for f, *_rest in kept], "description")
    out = []
    for (f, task, closed, overdue), texts in zip(kept, shown, strict=True):
        out.append(FindingRow(f.code, f.source, f.household.code if f.household_id else "", f.village.name,
                              f.county.name, texts["description"], f.found_on, task.ref if task else "",
                              task.state if task else "", task.due_at if task else None,
                              task.escalation_level if task else 0, closed, overdue))
    return out


@dataclass
class Reconciliation:
    """对账销号 of one household: its findings until every one is closed (销号)."""

    household: str
    village: str
    total: int
    open: int
    overdue: int

    @property
    def cleared(self) -> bool:
        return self.open == 0


def reconciliation(user: Viewer, now: dt.datetime | None = None) -> list[Reconciliation]:
    """一户一户对账销号: each household with findings that ``user`` may see (the office, its county), the open
    ones first."""
    households = set(Household.objects.restrict(user).values_list("code", flat=True))
    by_household: dict[str, Reconciliation] = {}
    for row in rows(user, now=now):
        if not row.household or row.household not in households:
            continue
        entry = by_household.setdefault(row.household, Reconciliation(row.household, row.village, 0, 0, 0))
        entry.total += 1
        entry.open += int(not row.closed)
        entry.overdue += int(row.overdue)
    return sorted(by_household.values(), key=lambda r: (r.cleared, -r.overdue, -r.open, r.household))


def counts_by_area(day: dt.date) -> dict[str, dict[str, int]]:
    """Findings open and overdue at the end of ``day``, by county, township and village code (the war map and
    the weekly board): a finding is open from its task's assignment until its 销号, overdue once past due."""
    from dualtrack.problems import services as problems

    end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dates.SHANGHAI)
    found = list(Finding.objects.values_list("code", "county__code", "village__code", "village__parent__code"))
    tasks = problems.tasks_by_keys([FINDING_KEY + code for code, *_rest in found])
    counts: dict[str, dict[str, int]] = {}
    for code, county, village, township in found:
        task = tasks.get(FINDING_KEY + code)
        if task is None or task.assigned_at is None or task.assigned_at > end:
            continue
        is_open = task.closed_at is None or task.closed_at > end
        being_put_right = task.resolved_at is None or task.resolved_at > end
        overdue = is_open and being_put_right and task.due_at is not None and task.due_at < end
        for key in (county, township, village):
            entry = counts.setdefault(key, {"findings": 0, "open": 0, "overdue": 0})
            entry["findings"] += 1
            entry["open"] += int(is_open)
            entry["overdue"] += int(overdue)
    return counts
