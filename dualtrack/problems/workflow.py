"""The problem loop as a state machine (问题闭环, DOMAIN.md §6): report, triage, assign, handle, confirm, merge
duplicates, recurrence flags; every move checked against the access policy, versioned and kept in the history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from dualtrack.core import audit, calendar, dates, errors, notifications, policy, privacy
from dualtrack.core import rules as rule_sets
from dualtrack.core.actors import Actor, Viewer, as_user
from dualtrack.core.choices import Action, AuditAction, NoticeKind, Role
from dualtrack.core.scoping import ensure_in_scope

from .addressing import escalation_addressees, settle_leaders, tell
from .choices import DESCRIPTION_MAX, INSTRUCTION_MAX, OPEN_STATES, TRANSITIONS, EventKind, State
from .models import Problem, ProblemEvent
from .rules import RULES_KEY


class ConcurrentChange(errors.ConcurrentChange):
    """Someone else moved the problem first."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem, _("该问题已被他人处理，当前状态为“%(state)s”，请刷新后再试。") % {
            "state": problem.get_state_display()})


def _event(problem: Problem, actor: Actor | None, from_state: str, to_state: str, comment: str,
           level: int | None = None, at: dt.datetime | None = None, kind: str = EventKind.MOVE) -> None:
    ProblemEvent.objects.create(
        problem=problem, at=at or dates.now(), actor=as_user(actor),
        actor_name=actor.get_username() if actor is not None else "system", from_state=from_state,
        to_state=to_state, escalation_level=level, comment=comment, kind=kind)


def next_ref(now: dt.datetime) -> str:
    """WT<year>-<number>: numbered per year from a sequence (safe when many enterprises report at once),
    skipping any number an imported ledger already uses."""
    from dualtrack.core.sequences import next_value

    year = now.astimezone(dates.SHANGHAI).year
    prefix = f"WT{year}-"

    def highest() -> int:
        refs = Problem.objects.filter(ref__regex=rf"^{prefix}[0-9]+$").values_list("ref", flat=True)
        return max((int(r[len(prefix):]) for r in refs), default=0)

    while True:
        ref = f"{prefix}{next_value(f'problem-ref-{year}', highest):05d}"
        if not Problem.objects.filter(ref=ref).exists():
            return ref


@transaction.atomic
def report(actor: Actor, description: str, enterprise: Any = None, project_code: str = "") -> Problem:
    """An enterprise or a liaison officer reports a problem (发现). The enterprise must be one the actor may
    report for (its own, one in the officer's care); HQ may report without one."""
    policy.authorize_create(actor, Problem, Action.REPORT)
    if enterprise is not None:
        policy.authorize(actor, enterprise, Action.REPORT)
    if not description.strip():
        raise ValidationError({"description": _("请描述问题")})
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError({"description": _("问题描述不能超过 %(n)d 字") % {"n": DESCRIPTION_MAX}})
    now = dates.now()
    problem = Problem.objects.create(ref=next_ref(now), description=description.strip(), enterprise=enterprise,
                                     project_code=project_code, reported_at=now)
    if not policy.may(actor, problem, Action.REPORT):
        raise ValidationError({"enterprise": _("请填写反映问题的企业")})
    _event(problem, actor, "", State.REPORTED, "", at=now)
    audit.record_change(actor, problem, None)
    return problem


def texts_for(user: Viewer, problem: Problem) -> dict[str, Any]:
    """The problem's description, answer and history comments as ``user`` may see them (``core.privacy.shown``: whole
    where the policy grants ``PERSONAL``, the view audited once)."""
    from dualtrack.core import privacy

    events = list(problem.events.select_related("actor"))
    values = {"description": problem.text, "answer": problem.answer,
              **{f"comment:{e.pk}": e.comment for e in events}}
    shown = privacy.shown(user, [(problem, values)])[0]
    from .tasktexts import system_step

    for event in events:
        event.comment = shown[f"comment:{event.pk}"]
        if event.by_system:  # the platform's own steps in the reader's language
            event.comment = system_step(event.comment)
    return {"description": shown["description"], "answer": shown["answer"], "events": events}


def report_for(actor: Actor, description: str, uscc: str = "") -> Problem:
    """Report a problem for the enterprise with credit code ``uscc`` (a liaison officer, HQ), or for the
    actor's own enterprise. The page and the API both come here."""
    from dualtrack.registry import services as registry

    policy.authorize_create(actor, Problem, Action.REPORT)
    enterprise = None
    if uscc.strip():
        enterprise = registry.enterprises_for(actor, Action.REPORT).filter(uscc=uscc.strip().upper()).first()
        if enterprise is None:
            raise ValidationError({"enterprise": _("企业不存在或不在您的联系范围内")})
    elif own := getattr(actor, "enterprise_id", None):
        enterprise = registry.enterprises_for(actor, Action.REPORT).filter(pk=own).first()
    return report(actor, description, enterprise=enterprise)


@transaction.atomic
def move(problem_id: int, expected_version: int, to_state: str, actor: Actor, comment: str = "",
         **fields: Any) -> Problem:
    """Move a problem along §6. The caller says which version it saw: if someone moved the problem in the
    meantime, :class:`ConcurrentChange` says so and nothing is written. ``at`` (among ``fields``) is the moment of
    the move when history is replayed (the demo); default now."""
    problem = Problem.objects.restrict(actor, Action.VIEW).select_for_update().filter(pk=problem_id).first()
    if problem is None:
        raise Http404
    if problem.version != expected_version:
        raise ConcurrentChange(problem)
    verb = TRANSITIONS.get((problem.state, to_state))
    if verb is None:
        raise ValidationError({"state": _("不能从“%(from)s”转为“%(to)s”") % {
            "from": problem.get_state_display(), "to": State(to_state).label}})
    policy.authorize(actor, problem, verb)
    before = audit.snapshot(problem)
    now = fields.pop("at", None) or dates.now()
    if to_state == State.TRIAGED:
        for field in ("category", "department", "complexity"):
            if not fields.get(field):
                raise ValidationError({field: _("梳理时须确定类别、责任部门和复杂程度")})
            setattr(problem, field, fields[field])
    if to_state == State.ASSIGNED:
        definition = rule_sets.current(RULES_KEY).definition
        due = calendar.deadline(now, definition["deadline_days"][problem.complexity])
        problem.assigned_at, problem.due_at, problem.next_action_at = now, due.due_at, due.due_at
        problem.escalation_level = 0
    if to_state == State.RESOLVED:
        if not (fields.get("answer") or "").strip():
            raise ValidationError({"answer": _("办结须填写答复")})
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
    if to_state == State.TRIAGED:
        flag_recurrence(problem)
    if to_state == State.ASSIGNED:
        local_due = problem.due_at.astimezone(dates.SHANGHAI) if problem.due_at else None
        tell(problem, escalation_addressees(1, problem.department_id),
             f"新交办问题 {problem.ref}，限 {local_due:%m月%d日} 前办结" if local_due else f"新交办问题 {problem.ref}")
    if to_state in (State.RESOLVED, State.RETURNED):
        _tell_reporter(problem, to_state)
    if to_state not in OPEN_STATES and from_state in OPEN_STATES and problem.escalation_level >= 2:
        settle_leaders(problem)  # resolved or returned: the leaders' escalation notices need them no more
    ensure_in_scope(problem, actor, Action.VIEW)
    return problem


@transaction.atomic
def instruct(problem_id: int, actor: Actor, text: str) -> ProblemEvent:
    """领导批示: a leader's written instruction on an escalated problem. Kept in the problem's history (the
    state does not change), audited, and sent to the handling department and to HQ."""
    problem = Problem.objects.restrict(actor, Action.VIEW).select_for_update().filter(pk=problem_id).first()
    if problem is None:
        raise Http404
    policy.authorize(actor, problem, Action.INSTRUCT)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"instruction": _("请填写批示内容")})
    if len(text) > INSTRUCTION_MAX:
        raise ValidationError({"instruction": _("批示不能超过 %(n)s 字") % {"n": INSTRUCTION_MAX}})
    _event(problem, actor, problem.state, problem.state, text, level=problem.escalation_level or None,
           kind=EventKind.INSTRUCTION)
    event = problem.events.order_by("-id").first()
    assert event is not None  # noqa: S101 - written just above
    audit.record(actor, AuditAction.CREATE, event, after={"problem": problem.ref, "instruction": text})
    from django.contrib.auth import get_user_model

    users = get_user_model()
    handlers = users.objects.filter(Q(role=Role.HQ) | Q(role=Role.DEPARTMENT, department_id=problem.department_id)
                                    if problem.department_id else Q(role=Role.HQ), is_active=True)
    # masked before the cut, as every notice (problems.tasks): whole on the problem's page for whom the policy grants
    notifications.notify(list(handlers), f"{actor}对问题 {problem.ref} 作出批示：{privacy.mask(text)[:60]}",
                         f"/problems/{problem.ref}/", kind=NoticeKind.INSTRUCTION)
    return event


def _tell_reporter(problem: Problem, to_state: str) -> None:
    """The enterprise (its users) and whoever reported the problem learn that it was answered or returned."""
    from django.contrib.auth import get_user_model

    reporter_id = problem.events.filter(from_state="").order_by("at").values_list("actor_id", flat=True).first()
    users = get_user_model().objects.filter(
        Q(enterprise_id=problem.enterprise_id) if problem.enterprise_id else Q(pk__in=[]))
    people = list(users) + list(get_user_model().objects.filter(pk=reporter_id)) if reporter_id else list(users)
    title = (f"您反映的问题 {problem.ref} 已办结，请确认是否满意" if to_state == State.RESOLVED
             else f"您反映的问题 {problem.ref} 被退回，请查看原因")
    notifications.notify(people, title, f"/problems/{problem.ref}/", kind=NoticeKind.REPLY)


def flag_recurrence(problem: Problem) -> int:
    """反复出现: the same category for the same enterprise or project ``count`` times within ``days`` days
    (rule set) flags every problem of that run for a root-cause review. Returns how many are flagged."""
    if problem.category_id is None or not (problem.enterprise_id or problem.project_code):
        return 0
    rule = rule_sets.current(RULES_KEY).definition.get("recurrence", {"count": 3, "days": 30})
    window = dt.timedelta(days=rule["days"])
    same = Problem.objects.filter(category_id=problem.category_id, duplicate_of__isnull=True,
                                  reported_at__gt=problem.reported_at - window,
                                  reported_at__lt=problem.reported_at + window)
    same = same.filter(enterprise_id=problem.enterprise_id) if problem.enterprise_id else same.filter(
        project_code=problem.project_code)
    times = sorted(same.values_list("pk", "reported_at"), key=lambda row: row[1])
    flagged: set[int] = set()
    for i in range(len(times)):  # every run of `count` problems that fits in the window
        j = i + rule["count"] - 1
        if j < len(times) and times[j][1] - times[i][1] < window:
            flagged.update(pk for pk, _at in times[i:j + 1])
    if flagged:
        Problem.objects.filter(pk__in=flagged, recurring=False).update(recurring=True)
    return len(flagged)


def refresh_recurrence() -> int:
    """Recompute every recurrence flag (after an import): one ordered pass over (enterprise or project,
    category, time), no query per problem."""
    rule = rule_sets.current(RULES_KEY).definition.get("recurrence", {"count": 3, "days": 30})
    window = dt.timedelta(days=rule["days"])
    rows = Problem.objects.filter(category__isnull=False, duplicate_of__isnull=True).exclude(
        enterprise__isnull=True, project_code="").values_list("pk", "enterprise_id", "project_code", "category_id",
                                                              "reported_at")
    runs: dict[tuple[Any, ...], list[tuple[dt.datetime, int]]] = {}
    for pk, enterprise_id, project_code, category_id, reported_at in rows:
        runs.setdefault((enterprise_id or project_code, category_id), []).append((reported_at, pk))
    flagged: set[int] = set()
    for times in runs.values():
        times.sort()
        for i in range(len(times) - rule["count"] + 1):
            j = i + rule["count"] - 1
            if times[j][0] - times[i][0] < window:
                flagged.update(pk for _at, pk in times[i:j + 1])
    Problem.objects.exclude(pk__in=flagged).filter(recurring=True).update(recurring=False)
    Problem.objects.filter(pk__in=flagged, recurring=False).update(recurring=True)
    return len(flagged)


@transaction.atomic
def merge(problem_id: int, into_ref: str, actor: Actor, comment: str = "") -> Problem:
    """Merge a duplicate into an earlier problem (梳理时合并重复问题): the duplicate is closed with a link to the
    one that is followed; its history says so, and so does the other's."""
    problem = Problem.objects.restrict(actor, Action.VIEW).select_for_update().filter(pk=problem_id).first()
    if problem is None:
        raise Http404
    policy.authorize(actor, problem, Action.TRIAGE)
    target = Problem.objects.restrict(actor, Action.VIEW).select_for_update().filter(ref=into_ref.strip()).first()
    if target is None:
        raise ValidationError({"into": _("找不到编号为“%(ref)s”的问题") % {"ref": into_ref}})
    if target.pk == problem.pk or target.duplicate_of_id:
        raise ValidationError({"into": _("不能合并到自身或已合并的问题")})
    if problem.state not in (State.REPORTED, State.RETURNED, State.TRIAGED):
        raise ValidationError({"state": _("只有待梳理的问题可以合并")})
    before = audit.snapshot(problem)
    now = dates.now()
    from_state = problem.state
    problem.duplicate_of, problem.state, problem.closed_at = target, State.CLOSED, now
    problem.next_action_at, problem.version = None, problem.version + 1
    problem.save()
    Problem.objects.filter(duplicates=problem).update(duplicate_of=target)  # earlier merges follow along
    _event(problem, actor, from_state, State.CLOSED, f"与 {target.ref} 重复，合并。{comment}".strip(), at=now)
    _event(target, actor, target.state, target.state, f"合并重复问题 {problem.ref}", at=now)
    audit.record_change(actor, problem, before)
    return problem
