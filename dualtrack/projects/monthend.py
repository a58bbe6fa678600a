"""Month-end lights (月末亮灯) and their consequences as tasks in the problems module (DOMAIN.md §7): yellow → talk,
two yellows → vice-mayor, red → the contact city leader, red running or no start → exit review; the worker's step."""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from typing import Any

from django.db import transaction

from dualtrack.core import calendar, dates
from dualtrack.core import rules as rule_sets
from dualtrack.problems import services as problems

from . import reasons as reason_codes
from .choices import CONSEQUENCE_LEVEL, Consequence, Light, Nature
from .lights import ProjectStatus, month_end, month_start, previous_month, statuses, task_key
from .models import MonthlyLight, Project, ProjectPlan, ProjectProgress
from .rules import RULES_KEY


@transaction.atomic
def evaluate_month(month: dt.date, at: dt.datetime | None = None) -> dict[str, int]:
    """The month-end lights of every project (kept with reasons and rule-set version) and their
    consequences as tasks in the problems module: yellow → talk (约谈), two yellows running → vice-mayor,
    red → the contact city leader, red three months running or no start six months after plan → exit review
    (退出). Idempotent: re-running a month changes nothing that has not changed."""
    month = month_start(month)
    rule_set = rule_sets.current(RULES_KEY)
    rules = rule_set.definition
    end = month_end(month)
    if end >= dates.today():  # a month-end light is judged once the month is over, never ahead of the clock
        raise ValueError(f"{month:%Y-%m} has not ended by {dates.today().isoformat()}")
    at = at or dt.datetime.combine(end + dt.timedelta(days=1), dt.time(9, 0), tzinfo=calendar.SHANGHAI)
    at = min(at, dates.now())  # the tasks are raised when the worker judges, at the latest now
    projects = Project.objects.select_related("responsible_department", "owner")
    by_code = {p.code: p for p in projects}
    history: dict[tuple[int, dt.date], str | None] = {
        (pid, m): light for pid, m, light in MonthlyLight.objects.filter(
            month__gte=month_start(month - dt.timedelta(days=31 * rules["exit_red_months"])),
            month__lt=month).values_list("project_id", "month", "light")}
    counts = {"projects": 0, "tasks": 0}
    fallback = dispatch_department(rules)
    for status in statuses(projects, end, rules):
        project = by_code[status.code]
        consequence, why = _consequence(project, status, month, history, rules, end)
        task_ref = ""
        stored_reasons = [reason_codes.decode(r) for r in status.reason_data]
        if consequence:
            # kept as a code with parameters, shown in the reader's language; the description is its Chinese text
            params = {"consequence": consequence, "name": project.name, "month": f"{month:%Y-%m}",
                      "leader": project.contact_leader, "why": why, "reasons": stored_reasons}
            text = reason_codes.chinese(reason_codes.task_text, params)
            task, created = problems.create_task(
                task_key(project.code, month, consequence), text, category="其他",
                department=project.responsible_department or fallback, complexity="general",
                escalation_level=CONSEQUENCE_LEVEL[consequence], project_code=project.code,
                enterprise=project.owner, at=at, text_code=reason_codes.TASK_TEXT, text_params=params)
            task_ref = task.ref
            counts["tasks"] += int(created)
        MonthlyLight.objects.update_or_create(project=project, month=month, defaults={
            "light": status.light, "progress_ratio": status.progress_ratio, "reasons": stored_reasons,
            "consequence": consequence or "", "task_ref": task_ref, "rules_version": rule_set.label})
        history[(project.pk, month)] = status.light
        counts["projects"] += 1
    return counts


def dispatch_department(rules: dict[str, Any] | None = None) -> Any:
    """The department that follows dispatch tasks of projects with no responsible city department (the rule
    set's ``dispatch_department``), or None when the registry has no such department."""
    from dualtrack.registry import services as registry

    rules = rules if rules is not None else rule_sets.current(RULES_KEY).definition
    code = rules.get("dispatch_department") or ""
    return registry.department_by_code(code) if code else None


def _consequence(project: Project, status: ProjectStatus, month: dt.date,
                 history: dict[tuple[int, dt.date], str | None], rules: dict[str, Any],
                 end: dt.date) -> tuple[str | None, dict[str, Any] | None]:
    previous = previous_month(month)
    if project.nature == Nature.NEW and project.planned_start and not status.started:
        limit = project.planned_start
        for _month in range(rules["exit_no_start_months"]):
            limit = month_end(limit) + dt.timedelta(days=1)
        limit = limit.replace(day=min(project.planned_start.day, month_calendar.monthrange(limit.year,
                                                                                          limit.month)[1]))
        if end >= limit:
            return Consequence.EXIT_REVIEW, {"code": "no_start", "months": rules["exit_no_start_months"]}
    if status.light == Light.RED:
        months = [month]
        for _month in range(rules["exit_red_months"] - 1):
            months.append(previous_month(months[-1]))
        if all(history.get((project.pk, m), Light.RED if m == month else None) == Light.RED for m in months):
            return Consequence.EXIT_REVIEW, {"code": "red_months", "months": rules["exit_red_months"]}
        return Consequence.CITY_LEADER, None
    if status.light == Light.YELLOW:
        if history.get((project.pk, previous)) == Light.YELLOW:
            return Consequence.VICE_MAYOR, None
        return Consequence.TALK, None
    return None, None


def months_to_evaluate(today: dt.date) -> list[dt.date]:
    """Months that have ended, have progress reports and have no month-end lights yet (for the worker)."""
    if not Project.objects.exists():
        return []
    last_done = MonthlyLight.objects.order_by("-month").values_list("month", flat=True).first()
    first_plan = ProjectPlan.objects.order_by("month").values_list("month", flat=True).first()
    if last_done is None:
        start = first_plan or previous_month(month_start(today))
    else:
        start = month_start(month_end(last_done) + dt.timedelta(days=1))
    months = []
    month = start
    reported = {month_start(d) for d in ProjectProgress.objects.filter(date__gte=start).dates("date", "month")}
    while month_end(month) < today:
        if month in reported:  # a month nobody reported in is not judged (the dispatch was not running)
            months.append(month)
        month = month_start(month_end(month) + dt.timedelta(days=1))
    return months


def evaluate_due(now: dt.datetime | None = None) -> int:
    """The worker's step: evaluate every month that has ended since the last evaluation."""

    today = (now or dates.now()).astimezone(dates.SHANGHAI).date()
    months = months_to_evaluate(today)
    for month in months:
        evaluate_month(month)
    # Tasks created before the rule set named a dispatch department (or while the registry lacked it).
    problems.route_tasks_without_department(dispatch_department())
    return len(months)
