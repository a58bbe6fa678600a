"""Deadlines and escalation (分级调度): due-soon and overdue states, one level up the chain per overdue period,
run by the worker (``dualtrack worker``) with rows locked and re-checked; the leader's escalated list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from dualtrack.accounts import services as accounts
from dualtrack.core import audit, calendar, dates
from dualtrack.core import rules as rule_sets
from dualtrack.core.actors import Viewer
from dualtrack.core.choices import AuditAction

from . import policy as access
from .addressing import escalation_addressees, settle_leaders, tell
from .choices import OPEN_STATES
from .models import Problem
from .rules import RULES_KEY
from .workflow import _event


def escalate_due(now: dt.datetime | None = None) -> int:
    """Raise every open problem past its current deadline one level up the chain (分级调度), with a new
    deadline for that level; ``due_at`` never moves. Each row is locked and re-checked before it changes,
    so two workers running at once escalate it once."""
    now = now or dates.now()
    definition = rule_sets.current(RULES_KEY).definition
    top = len(definition["levels"]) - 1
    escalated = 0
    due = Problem.objects.filter(state__in=OPEN_STATES, next_action_at__lte=now, escalation_level__lt=top)
    for problem_id, level in list(due.values_list("pk", "escalation_level")):
        with transaction.atomic():
            locked = Problem.objects.select_for_update(**_skip_locked()).filter(
                pk=problem_id, state__in=OPEN_STATES, escalation_level=level, next_action_at__lte=now).first()
            if locked is None:
                continue  # moved, resolved or escalated by someone else meanwhile
            deadline = calendar.deadline(now, definition["deadline_days"][locked.complexity or "general"])
            locked.escalation_level = level + 1
            locked.next_action_at = deadline.due_at
            locked.version += 1
            locked.save(update_fields=["escalation_level", "next_action_at", "version"])
            _event(locked, None, locked.state, locked.state, f"逾期，调度至：{definition['levels'][level + 1]}",
                   level=level + 1, at=now)
            audit.record(None, AuditAction.UPDATE, locked, before={"escalation_level": level},
                         after={"escalation_level": level + 1, "next_action_at": deadline.due_at})
            _notify_escalation(locked, definition["levels"][level + 1], deadline.due_at, now)
            escalated += 1
    return escalated


def _skip_locked() -> dict[str, bool]:
    return {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}


def _notify_escalation(problem: Problem, level_name: str, due_at: dt.datetime, now: dt.datetime) -> None:
    local = due_at.astimezone(dates.SHANGHAI)
    title = f"问题 {problem.ref} 逾期未办结，已调度至{level_name}，请于 {local:%m月%d日} 前督办"
    # An automatic task reaches a leader in the day's digest, a problem an enterprise raised as a notice of its own.
    tell(problem, escalation_addressees(problem.escalation_level, problem.department_id), title, at=now)
    settle_leaders(problem)  # the leaders it was escalated past: no longer theirs to act on


def deadline_flags(now: dt.datetime | None = None) -> dict[str, Any]:
    """The Q objects for the due-soon (临期) and overdue (逾期) states of open problems, as of ``now``."""

    now = now or dates.now()
    hours = rule_sets.current(RULES_KEY).definition.get("due_soon_hours", 24)
    return {
        "overdue": Q(state__in=OPEN_STATES, due_at__lt=now),
        "due_soon": Q(state__in=OPEN_STATES, due_at__gte=now, due_at__lte=now + dt.timedelta(hours=hours)),
    }


def deadline_status(problem: Problem, now: dt.datetime | None = None) -> str | None:
    """``"overdue"``, ``"due_soon"`` or None for one problem (the same rule as :func:`deadline_flags`)."""
    now = now or dates.now()
    if problem.state not in OPEN_STATES or problem.due_at is None:
        return None
    if problem.due_at < now:
        return "overdue"
    hours = rule_sets.current(RULES_KEY).definition.get("due_soon_hours", 24)
    return "due_soon" if problem.due_at <= now + dt.timedelta(hours=hours) else None


def escalation_levels() -> list[str]:
    return list(rule_sets.current(RULES_KEY).definition["levels"])


def level_names() -> list[str]:
    """The chain's levels in the reader's language (the default names are in the catalogue; a city's own as written)."""
    from .tasktexts import translated

    return [translated(name) for name in escalation_levels()]


def escalated_for(user: Viewer) -> Any:
    """The open problems escalated to ``user`` (the same addressing as the notifications, ``addressing``): HQ sees
    them all; a leader those at their level — a vice-mayor in charge (level 2) those of his departments (one without
    departments in charge those of the departments nobody is in charge of), the executive vice-mayor (level 3) his
    level and, when every vice-mayor has a portfolio, the level-2 problems of departments nobody is in charge of.
    Unordered: :func:`by_urgency` orders them."""
    escalated = Problem.objects.restrict(user).filter(state__in=OPEN_STATES, escalation_level__gt=0)
    if access.sees_every_escalation(user):
        return escalated
    level = access.leader_level(user)
    if not level:
        return escalated.none()
    mine = Q(escalation_level=level)
    if level == 2:
        supervised = accounts.supervised_departments(user)
        mine &= Q(department_id__in=supervised) if supervised else _unsupervised()
    elif level == 3 and not accounts.level2_leaders_without_portfolio():
        mine |= Q(escalation_level=2) & _unsupervised()
    return escalated.filter(mine)


def _unsupervised() -> Any:
    """Problems of a department no vice-mayor is in charge of (or of none)."""
    return Q(department__isnull=True) | ~Q(department_id__in=accounts.departments_with_level2_leader())


def by_urgency(problems: Any, now: dt.datetime | None = None) -> Any:
    """Most urgent first (领导督办): the most days overdue (past the original deadline), then the highest level,
    then the nearest deadline of the current level. Each problem gets ``overdue_since`` (the deadline's day in
    Shanghai while overdue, else None)."""
    from django.db.models import Case, DateField, F, When
    from django.db.models.functions import TruncDate

    now = now or dates.now()
    return problems.annotate(overdue_since=Case(
        When(due_at__lt=now, then=TruncDate("due_at", tzinfo=dates.SHANGHAI)), default=None,
        output_field=DateField())).order_by(F("overdue_since").asc(nulls_last=True), "-escalation_level",
                                            F("next_action_at").asc(nulls_last=True), "pk")


def days_overdue(problem: Problem, now: dt.datetime | None = None) -> int:
    """Calendar days since the original deadline (办结时限) passed, in Shanghai: 0 until the deadline, 1 from the
    moment it passes on its own day … (an open problem; 0 for a closed one or one without a deadline)."""
    now = now or dates.now()
    if problem.state not in OPEN_STATES or problem.due_at is None or problem.due_at >= now:
        return 0
    return max(1, (now.astimezone(dates.SHANGHAI).date() - problem.due_at.astimezone(dates.SHANGHAI).date()).days)


def replay_escalation(start: dt.date, end: dt.date) -> int:
    """Run the escalation step as the worker would have at 08:00 on every day from ``start`` to ``end`` (for
    the demo, or to catch up after the worker was stopped). Idempotent like the worker."""
    total = 0
    day = start
    while day <= end:
        total += escalate_due(dt.datetime.combine(day, dt.time(8, 0), tzinfo=calendar.SHANGHAI))
        day += dt.timedelta(days=1)
    return total


SUPERVISION_KINDS = ("problems", "tasks")  # what enterprises raised; the tasks other modules set in motion


def supervision_list(user: Viewer, kind: str = "problems", now: dt.datetime | None = None) -> tuple[Any, dict[str, int]]:
    """领导督办: the problems escalated to ``user`` of one kind — ``problems`` (raised by enterprises and people, the
    default) or ``tasks`` (automatic tasks of key projects and other modules) — most urgent first (:func:`by_urgency`),
    each with ``instructed`` (a leader's 批示 exists); and how many of each kind there are."""
    from django.db.models import Count, Exists, OuterRef

    from .choices import EventKind
    from .models import ProblemEvent

    mine = escalated_for(user)
    counts = mine.aggregate(problems=Count("pk", filter=Q(source_key="")), tasks=Count("pk", filter=~Q(source_key="")))
    chosen = mine.exclude(source_key="") if kind == "tasks" else mine.filter(source_key="")
    chosen = by_urgency(chosen, now).annotate(instructed=Exists(ProblemEvent.objects.filter(
        problem=OuterRef("pk"), kind=EventKind.INSTRUCTION)))
    return chosen, counts
