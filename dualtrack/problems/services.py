"""Writes on problems: report, move (with the full history), escalate; the ledger export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from dualtrack.core import audit, calendar
from dualtrack.core import rules as rule_sets
from dualtrack.core.choices import Action, AuditAction
from dualtrack.core.scoping import ensure_in_scope, user_role

from .choices import OPEN_STATES, TRANSITIONS, State
from .models import Problem, ProblemEvent
from .rules import RULES_KEY


class ConcurrentChange(Exception):
    """Someone else moved the problem first."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(f"该问题已被他人处理,当前状态为“{problem.get_state_display()}”,请刷新后再试。")
        self.problem = problem


def _event(problem: Problem, actor: Any, from_state: str, to_state: str, comment: str,
           level: int | None = None, at: dt.datetime | None = None) -> None:
    ProblemEvent.objects.create(
        problem=problem, at=at or timezone.now(), actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor.get_username() if actor is not None else "system", from_state=from_state,
        to_state=to_state, escalation_level=level, comment=comment)


def next_ref(now: dt.datetime) -> str:
    year = now.astimezone(calendar.SHANGHAI).year
    count = Problem.objects.filter(ref__startswith=f"WT{year}-").count()
    return f"WT{year}-{count + 1:05d}"


@transaction.atomic
def report(actor: Any, description: str, enterprise: Any = None, project_code: str = "") -> Problem:
    """An enterprise or a liaison officer reports a problem (发现)."""
    if not description.strip():
        raise ValidationError({"description": "请描述问题"})
    now = timezone.now()
    problem = Problem.objects.create(ref=next_ref(now), description=description.strip(), enterprise=enterprise,
                                     project_code=project_code, reported_at=now)
    _event(problem, actor, "", State.REPORTED, "", at=now)
    audit.record_change(actor, problem, None)
    return problem


@transaction.atomic
def move(problem_id: int, expected_version: int, to_state: str, actor: Any, comment: str = "",
         **fields: Any) -> Problem:
    """Move a problem along §6. The caller says which version it saw: if someone moved the problem in the
    meantime, :class:`ConcurrentChange` says so and nothing is written."""
    problem = Problem.objects.restrict(actor, Action.VIEW).select_for_update().filter(pk=problem_id).first()
    if problem is None:
        raise Problem.DoesNotExist
    if problem.version != expected_version:
        raise ConcurrentChange(problem)
    allowed = TRANSITIONS.get((problem.state, to_state))
    if allowed is None:
        raise ValidationError({"state": f"不能从“{problem.get_state_display()}”转为“{State(to_state).label}”"})
    if user_role(actor) not in allowed:
        raise PermissionDenied
    before = audit.snapshot(problem)
    now = timezone.now()
    if to_state == State.TRIAGED:
        for field in ("category", "department", "complexity"):
            if not fields.get(field):
                raise ValidationError({field: "梳理时须确定类别、责任部门和复杂程度"})
            setattr(problem, field, fields[field])
    if to_state == State.ASSIGNED:
        definition = rule_sets.current(RULES_KEY).definition
        due = calendar.deadline(now, definition["deadline_days"][problem.complexity])
        problem.assigned_at, problem.due_at, problem.next_action_at = now, due.due_at, due.due_at
        problem.escalation_level = 0
    if to_state == State.RESOLVED:
        if not (fields.get("answer") or "").strip():
            raise ValidationError({"answer": "办结须填写答复"})
        problem.answer, problem.resolved_at, problem.next_action_at = fields["answer"].strip(), now, None
    if to_state == State.CLOSED:
        problem.closed_at = now
    if to_state == State.RETURNED:
        problem.next_action_at = None
    if to_state == State.IN_PROGRESS and problem.state == State.RESOLVED:  # reopened
        problem.resolved_at, problem.next_action_at = None, problem.due_at
    from_state = problem.state
    problem.state, problem.version = to_state, problem.version + 1
    problem.save()
    _event(problem, actor, from_state, to_state, comment, at=now)
    audit.record_change(actor, problem, before)
    ensure_in_scope(problem, actor, Action.VIEW)
    return problem


def escalate_due(now: dt.datetime | None = None) -> int:
    """Raise every open problem past its current deadline one level up the chain (分级调度), with a new
    deadline for that level; ``due_at`` never moves. Each row is locked and re-checked before it changes,
    so two workers running at once escalate it once."""
    now = now or timezone.now()
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
            _event(locked, None, locked.state, locked.state, f"逾期,调度至:{definition['levels'][level + 1]}",
                   level=level + 1, at=now)
            audit.record(None, AuditAction.UPDATE, locked, before={"escalation_level": level},
                         after={"escalation_level": level + 1, "next_action_at": deadline.due_at})
            escalated += 1
    return escalated


def _skip_locked() -> dict[str, bool]:
    return {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}


def export_rows(now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The ledger for ``dualtrack problems export --json`` (times ISO 8601 with +08:00)."""
    now = now or timezone.now()

    def iso(value: dt.datetime | None) -> str | None:
        return value.astimezone(calendar.SHANGHAI).isoformat() if value else None

    rows = []
    for p in Problem.objects.select_related("category", "department").order_by("ref"):
        rows.append({
            "ref": p.ref, "state": p.state, "category": p.category.name if p.category else None,
            "complexity": p.complexity or None, "department": p.department.code if p.department else None,
            "assigned_at": iso(p.assigned_at), "due_at": iso(p.due_at), "escalation_level": p.escalation_level,
            "overdue": bool(p.due_at and p.state in OPEN_STATES and now > p.due_at),
        })
    return rows


def statistics(user: Any) -> dict[str, list[dict[str, Any]]]:
    """By category and by department: problems, resolved, on time, on-time rate, mean handling time in
    working days (assignment to resolution)."""
    rows = Problem.objects.restrict(user, Action.VIEW).filter(assigned_at__isnull=False).values_list(
        "category__name", "department__name", "assigned_at", "due_at", "resolved_at")
    groups: dict[str, dict[str, dict[str, Any]]] = {"category": {}, "department": {}}
    for category, department, assigned_at, due_at, resolved_at in rows:
        for kind, key in (("category", category or "—"), ("department", department or "—")):
            stats = groups[kind].setdefault(key, {"name": key, "total": 0, "resolved": 0, "on_time": 0, "days": 0})
            stats["total"] += 1
            if resolved_at is not None:
                stats["resolved"] += 1
                stats["on_time"] += int(due_at is None or resolved_at <= due_at)
                stats["days"] += calendar.working_days_between(assigned_at.astimezone(calendar.SHANGHAI).date(),
                                                               resolved_at.astimezone(calendar.SHANGHAI).date())
    result: dict[str, list[dict[str, Any]]] = {}
    for kind, table in groups.items():
        result[kind] = sorted(({**s, "on_time_rate": round(s["on_time"] / s["resolved"], 4) if s["resolved"] else None,
                                "mean_days": round(s["days"] / s["resolved"], 2) if s["resolved"] else None}
                               for s in table.values()), key=lambda s: -s["total"])
    return result
