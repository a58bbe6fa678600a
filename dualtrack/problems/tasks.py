"""The task API other apps call (督办任务): tasks set in motion by key projects and others, created already
assigned, idempotent by their source key."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from dualtrack.core import audit, calendar, dates, privacy
from dualtrack.core import rules as rule_sets
from dualtrack.core.actors import Viewer

from .addressing import escalation_addressees, tell
from .choices import OPEN_STATES, EventKind, State
from .models import Problem
from .rules import RULES_KEY
from .workflow import _event, next_ref


@transaction.atomic
def create_task(source_key: str, description: str, *, category: str = "其他", department: Any = None,
                complexity: str = "general", escalation_level: int = 0, project_code: str = "",
                enterprise: Any = None, county: Any = None, working_days: int | None = None,
                at: dt.datetime | None = None, text_code: str = "",
                text_params: dict[str, Any] | None = None) -> tuple[Problem, bool]:
    """A task another module sets in motion (督办任务, e.g. a key project's yellow light): created already
    assigned, with the deadline of its complexity and starting at ``escalation_level`` of the chain, so the
    problems module's deadlines, escalation and notifications apply. ``source_key`` makes it idempotent:
    the same key returns the existing task. ``county`` is where it is put right (整改: that county's operators
    handle it, the department follows and confirms it); ``working_days`` overrides the complexity's deadline.
    ``text_code`` and ``text_params`` keep the text as a code its module registered (``tasktexts``), shown in the
    reader's language; ``description`` is its Chinese text. Returns (task, created)."""
    from .models import Category

    existing = Problem.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing, False
    now = at or dates.now()
    definition = rule_sets.current(RULES_KEY).definition
    due = calendar.deadline(now, working_days or definition["deadline_days"][complexity]).due_at
    category_obj = Category.objects.filter(name=category).first() or Category.objects.filter(name="其他").first()
    problem = Problem.objects.create(
        ref=next_ref(now), description=description, category=category_obj, complexity=complexity,
        department=department, enterprise=enterprise, county=county, project_code=project_code, state=State.ASSIGNED,
        reported_at=now, assigned_at=now, due_at=due, next_action_at=due, escalation_level=escalation_level,
        source_key=source_key, text_code=text_code, text_params=text_params or {})
    level_name = definition["levels"][min(escalation_level, len(definition["levels"]) - 1)]
    _event(problem, None, "", State.ASSIGNED, f"系统生成督办任务，送{level_name}", level=escalation_level or None, at=now)
    audit.record_change(None, problem, None)
    # A notice is one text for every addressee (a leader too) and is kept: its numbers masked before the cut, whole
    # only on the problem's page, for whom the policy grants them (core.privacy).
    # A leader finds it in the day's digest (每日汇总), its handlers one by one (addressing.tell).
    tell(problem, escalation_addressees(max(escalation_level, 1), department_id=getattr(department, "pk", None)),
         f"督办任务 {problem.ref}：{privacy.mask(description)[:60]}", at=now)
    return problem, True


@transaction.atomic
def route_tasks_without_department(department: Any) -> int:
    """Open tasks created without a responsible department (a project whose responsible unit is a county
    government) go to ``department``: recorded in each task's history and the audit log, and its handlers
    are told. Returns how many were routed."""
    if department is None:
        return 0
    routed = 0
    for problem in Problem.objects.select_for_update().filter(
            department__isnull=True, state__in=OPEN_STATES).exclude(source_key=""):
        before = audit.snapshot(problem)
        problem.department, problem.version = department, problem.version + 1
        problem.save(update_fields=["department", "version"])
        _event(problem, None, problem.state, problem.state, f"无市级责任部门，交{department.name}跟踪督办",
               kind=EventKind.NOTE)
        audit.record_change(None, problem, before)
        tell(problem, escalation_addressees(max(problem.escalation_level, 1), department_id=department.pk),
             f"督办任务 {problem.ref}：{privacy.mask(problem.description)[:60]}")
        routed += 1
    return routed


def tasks_by_keys(keys: list[str]) -> dict[str, Problem]:
    """The tasks other modules created, by their source keys (only those asked for)."""
    return {p.source_key: p for p in Problem.objects.filter(source_key__in=keys)} if keys else {}


def tasks_for_project(user: Viewer, project_code: str) -> Any:
    """The problems and dispatch tasks of a project that ``user`` may see."""
    return Problem.objects.restrict(user).filter(project_code=project_code).select_related(
        "department").order_by("-reported_at")


def open_project_tasks(user: Viewer) -> Any:
    """Open dispatch tasks set in motion by key projects, most escalated first."""
    return Problem.objects.restrict(user).filter(source_key__startswith="project:", state__in=OPEN_STATES).select_related(
        "department").order_by("-escalation_level", "due_at")


def last_moved(source_prefix: str) -> dt.datetime | None:
    """When a task whose source key starts with ``source_prefix`` last moved (its latest history step)."""
    from django.db.models import Max

    from .models import ProblemEvent

    return ProblemEvent.objects.filter(problem__source_key__startswith=source_prefix).aggregate(at=Max("at"))["at"]
