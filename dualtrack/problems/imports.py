"""The ``problems`` dataset: ledgers cities already keep in Excel (DOMAIN.md §6, issue 6)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core import audit, calendar, dates
from dualtrack.core import rules as rule_sets
from dualtrack.core.actors import Actor, as_user
from dualtrack.core.choices import AuditAction
from dualtrack.core.imports import Column, Dataset, ImportResult, RowContext, register
from dualtrack.core.imports import parsers as p
from dualtrack.registry import services as registry

from .choices import DESCRIPTION_MAX, OPEN_STATES, Complexity, State
from .models import Category, Problem, ProblemEvent
from .rules import RULES_KEY

STATE_NAMES = {str(s.label): s.value for s in State} | {s.value: s.value for s in State}
COMPLEXITY_NAMES = {str(c.label): c.value for c in Complexity} | {c.value: c.value for c in Complexity}


def _local_time(value: Any) -> dt.datetime:
    """``YYYY-MM-DD HH:MM`` (or an Excel date-time cell, or a date) as Asia/Shanghai local time."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=calendar.SHANGHAI)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(9, 0), tzinfo=calendar.SHANGHAI)
    raw = p.text(value)
    match = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?", raw)
    if not match:
        raise p.CellError(_("“%(value)s”不是有效时间(格式 YYYY-MM-DD HH:MM)") % {"value": raw})
    try:
        return dt.datetime(int(match[1]), int(match[2]), int(match[3]), int(match[4] or 9), int(match[5] or 0),
                           int(match[6] or 0), tzinfo=calendar.SHANGHAI)
    except ValueError as exc:
        raise p.CellError(_("“%(value)s”不是有效时间(格式 YYYY-MM-DD HH:MM)") % {"value": raw}) from exc


_choice = p.choice


def _due_at(assigned_at: dt.datetime, working_days: int, known: dict[tuple[dt.date, int], dt.datetime]) -> dt.datetime:
    """The deadline of :func:`calendar.deadline`, worked out once per day of assignment and number of working
    days in a file (a ledger of thousands of rows has a few hundred such pairs)."""
    key = (assigned_at.astimezone(dates.SHANGHAI).date(), working_days)
    if key not in known:
        known[key] = calendar.deadline(assigned_at, working_days).due_at
    return known[key]


@register
class ProblemDataset(Dataset):
    name = "problems"
    model = Problem
    label = gettext_lazy("问题台账")
    natural_key = ("ref",)
    batch_size = None
    columns = [
        Column("ref", "编号", p.code, example="WT2020-00001", max_length=30),
        Column("reported_at", "提出日期", _local_time, example="2020-02-10"),
        Column("uscc", "统一社会信用代码", p.code, required=False, blank=True, default="", example="91339102MA2CF0QX4T"),
        Column("project_code", "项目代码", p.code, required=False, blank=True, default=""),
        Column("category", "类别", required=False, blank=True, default="", example="用工", max_length=50),
        Column("complexity", "复杂程度", _choice(COMPLEXITY_NAMES, "复杂程度"), required=False, blank=True, default="",
               example="一般"),
        Column("description", "描述", example="复工员工返岗交通困难", max_length=DESCRIPTION_MAX),
        Column("department", "责任部门", required=False, blank=True, default="", example="JXJ", max_length=20),
        Column("assigned_at", "交办时间", _local_time, required=False, blank=True, default=None,
               example="2020-02-10 15:30"),
        Column("state", "状态", _choice(STATE_NAMES, "状态"), example="转办"),
        Column("resolved_at", "办结时间", _local_time, required=False, blank=True, default=None),
    ]

    def prepare(self, user: Actor) -> dict[str, Any]:
        departments = {d.code: d for d in registry.departments()} | {d.name: d for d in registry.departments()}
        return {"categories": {c.name: c for c in Category.objects.all()}, "departments": departments,
                "enterprises": dict(registry.all_enterprises().values_list("uscc", "id")),
                "deadline_days": rule_sets.current(RULES_KEY).definition["deadline_days"], "now": dates.now(),
                "due_days": {},
                "recorded": {ref: (st, resolved) for ref, st, resolved in
                             Problem.objects.values_list("ref", "state", "resolved_at")}}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        if values["uscc"] and values["uscc"] not in state["enterprises"]:
            ctx.error("uscc", _("企业不存在"), values["uscc"])
        if values["category"] and values["category"] not in state["categories"]:
            ctx.error("category", _("类别不存在(可在系统管理中增加)"), values["category"])
        if values["department"] and values["department"] not in state["departments"]:
            ctx.error("department", _("部门不存在"), values["department"])
        advanced = values["state"] not in (State.REPORTED, State.TRIAGED, State.RETURNED)
        if advanced and not (values["assigned_at"] and values["department"] and values["complexity"]):
            ctx.error("assigned_at", _("已转办的问题须有交办时间、责任部门和复杂程度"))
        if values["state"] in (State.RESOLVED, State.CLOSED) and not values["resolved_at"]:
            ctx.error("resolved_at", _("已办结的问题须有办结时间"))
        if values["reported_at"] > state["now"]:
            ctx.error("reported_at", _("日期晚于今天"))
        # A move is an event (DOMAIN.md §15): a closed problem stays closed, a recorded 办结 keeps its time.
        recorded_state, resolved_at = state["recorded"].get(values["ref"], (None, None))
        if recorded_state == State.CLOSED and (values["state"] != State.CLOSED or values["resolved_at"] != resolved_at):
            ctx.error("state", _("问题 %(ref)s 已销号，不能更改状态或办结时间") % {"ref": values["ref"]},
                      State(values["state"]).label)
        elif resolved_at is not None and values["resolved_at"] is not None and values["resolved_at"] != resolved_at:
            ctx.error("resolved_at", _("办结时间已记录为 %(at)s，不能更改") % {
                "at": resolved_at.astimezone(dates.SHANGHAI).strftime("%Y-%m-%d %H:%M")}, values["resolved_at"])

    def write_batch(self, rows: list[tuple[int, dict[str, Any]]], ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        existing = {pr.ref: pr for pr in Problem.objects.filter(ref__in=[v["ref"] for _r, v in rows])}
        # next_action_at is the escalation worker's: a re-import compares the ledger's own fields and resets
        # the schedule only when the state or the deadline changes (an escalated problem stays escalated).
        fields = ["description", "reported_at", "enterprise_id", "project_code", "category_id", "complexity",
                  "department_id", "assigned_at", "due_at", "state", "resolved_at", "closed_at"]
        for number, values in rows:
            due = _due_at(values["assigned_at"], state["deadline_days"][values["complexity"]], state["due_days"]) \
                if values["assigned_at"] and values["complexity"] else None
            target = {
                "description": values["description"], "reported_at": values["reported_at"],
                "enterprise_id": state["enterprises"].get(values["uscc"]), "project_code": values["project_code"],
                "category_id": state["categories"][values["category"]].pk if values["category"] else None,
                "complexity": values["complexity"],
                "department_id": state["departments"][values["department"]].pk if values["department"] else None,
                "assigned_at": values["assigned_at"], "due_at": due, "state": values["state"],
                "resolved_at": values["resolved_at"],
                "closed_at": values["resolved_at"] if values["state"] == State.CLOSED else None,
                "next_action_at": due if values["state"] in OPEN_STATES else None,
            }
            problem = existing.get(values["ref"])
            if problem is not None and not ctx.may_change(user, problem, (number, values)):
                continue
            if problem is None:
                problem = Problem.objects.create(ref=values["ref"], **target)
                ProblemEvent.objects.create(problem=problem, at=values["reported_at"], actor_name=user.get_username(),
                                            to_state=values["state"], comment=_("从台账导入"))
                audit.record(user, AuditAction.CREATE, problem, after={k: v for k, v in target.items()})
                result.created += 1
                continue
            before = {f: getattr(problem, f) for f in fields}
            changed = [f for f in fields if before[f] != target[f]]
            if not changed:
                result.unchanged += 1
                continue
            for f in changed:
                setattr(problem, f, target[f])
            if "state" in changed or "due_at" in changed:
                problem.next_action_at = target["next_action_at"]
            problem.version += 1
            problem.save()
            if "state" in changed:  # the move is a new step of the problem's history, beside the earlier ones
                ProblemEvent.objects.create(problem=problem, at=state["now"], actor=as_user(user),
                                            actor_name=user.get_username(), from_state=before["state"],
                                            to_state=target["state"], comment=_("从台账导入"))
            audit.record(user, AuditAction.UPDATE, problem, before={f: before[f] for f in changed},
                         after={f: target[f] for f in changed})
            result.updated += 1
        from .services import refresh_recurrence

        refresh_recurrence()
