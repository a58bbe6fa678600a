"""A key project's light on any date (红黄灯, DOMAIN.md §7): the plan to the day against the latest progress report,
the resumption and start deadlines, with its reasons and its latest month-end consequence; the as-of day the
pages, cards, API and CLI open on."""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from dualtrack.core import rules as rule_sets
from dualtrack.problems import services as problems

from . import reasons as reason_codes
from .choices import Light, Nature
from .models import MonthlyLight, Project, ProjectPlan, ProjectProgress
from .rules import RULES_KEY


@dataclass
class ProjectStatus:
    """A project's light on a date with what it was computed from: a flat row (stored columnar by the measure
    ``projects``); its latest month-end consequence known on the date in the ``consequence…``/``task…`` fields."""

    code: str
    name: str
    light: str | None
    progress_ratio: float | None
    reason_data: list[str]  # each a reason's code and parameters (``reasons.encode``), shown in the reader's language
    resumed: bool
    started: bool
    stage: str
    plan_to_date: float | None
    completed: float
    missing_plan: bool
    county_id: int
    responsible_unit: str
    level: str
    nature: str
    workers_on_site: int
    consequence: str | None = None
    consequence_month: str | None = None
    task_ref: str | None = None
    task_state: str | None = None
    task_escalation_level: int | None = None

    @property
    def reasons(self) -> list[str]:
        """The reasons in the reader's language (#28 §3)."""
        return reason_codes.texts(self.reason_data)

    @property
    def reason_text(self) -> str:
        return reason_codes.joined(self.reason_data)

    @property
    def escalation(self) -> dict[str, Any] | None:
        """The latest month-end consequence on or before the date with its task (None: none yet)."""
        if self.consequence is None:
            return None
        return {"consequence": self.consequence, "month": self.consequence_month, "task": self.task_ref,
                "task_state": self.task_state, "task_escalation_level": self.task_escalation_level}

    def as_json(self) -> dict[str, Any]:
        """The contract row: ``reasons`` in Chinese as it always was (whoever asks), ``reason_codes`` beside it."""
        return {"code": self.code, "light": self.light, "progress_ratio": self.progress_ratio,
                "reasons": reason_codes.chinese(reason_codes.texts, self.reason_data),
                "reason_codes": reason_codes.codes(self.reason_data), "resumed": self.resumed, "stage": self.stage,
                "escalation": self.escalation}


@dataclass(frozen=True)
class ProjectFact:
    """What a project's light on a day is judged from: the project, its monthly plans (by month), its latest
    progress report by the day, whether any report by then said it had resumed, and its latest month-end
    consequence known on the day with its task."""

    code: str
    name: str
    nature: str
    stage: str
    level: str
    county_id: int
    responsible_unit: str
    planned_start: dt.date | None
    actual_start: dt.date | None
    plans: tuple[tuple[dt.date, Decimal], ...]
    report: tuple[dt.date, bool, Decimal, int] | None  # date, resumed, completed cumulative, workers on site
    ever_resumed: bool
    consequence: str | None = None
    consequence_month: str | None = None
    task_ref: str | None = None
    task_state: str | None = None
    task_escalation_level: int | None = None


@dataclass(frozen=True)
class LightFacts:
    """The projects (in code order) a day's lights are judged from."""

    day: dt.date
    projects: list[ProjectFact] = field(default_factory=list)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=month_calendar.monthrange(month.year, month.month)[1])


def previous_month(month: dt.date) -> dt.date:
    return month_start(month_start(month) - dt.timedelta(days=1))


def plan_to_date(plans: list[tuple[dt.date, Decimal]], day: dt.date) -> Decimal:
    """The cumulative plan on ``day``: linear inside the month, by day of month, from the previous month's
    planned cumulative (0 before the first planned month) to this month's; flat after the last planned
    month. ``plans`` is sorted by month."""
    this_month = month_start(day)
    last_month = previous_month(this_month)
    previous = current = Decimal(0)
    for month, cumulative in plans:
        if month <= last_month:
            previous = cumulative
        if month <= this_month:
            current = cumulative
    days = month_calendar.monthrange(day.year, day.month)[1]
    return previous + (current - previous) * Decimal(day.day) / Decimal(days)


def load_facts(projects: QuerySet[Project], day: dt.date) -> LightFacts:
    """The facts of ``projects``' lights on ``day`` (the whole city for the measure; a page's few otherwise)."""
    ids = list(projects.values_list("pk", flat=True))
    plans: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for project_id, month, cumulative in ProjectPlan.objects.filter(project_id__in=ids).order_by(
            "project_id", "month").values_list("project_id", "month", "planned_cumulative"):
        plans[project_id].append((month, cumulative))
    latest: dict[int, tuple[dt.date, bool, Decimal, int]] = {}
    ever_resumed: set[int] = set()
    for project_id, date, resumed, completed, workers in ProjectProgress.objects.filter(
            project_id__in=ids, date__lte=day).order_by("project_id", "date").values_list(
            "project_id", "date", "resumed", "completed_cumulative", "workers_on_site"):
        latest[project_id] = (date, resumed, completed, workers)
        if resumed:
            ever_resumed.add(project_id)
    # A month's consequence is known once the month has ended before ``day``: the months before ``day``'s own.
    # Plain values, ordered by month: the last one seen per project is its latest (no model per light).
    consequences: dict[int, tuple[dt.date, str, str]] = {}
    for project_id, month, consequence, task_ref in MonthlyLight.objects.filter(
            project_id__in=ids, month__lt=month_start(day)).exclude(consequence="").order_by("month").values_list(
            "project_id", "month", "consequence", "task_ref"):
        consequences[project_id] = (month, consequence, task_ref)
    rows = list(projects.order_by("code").values_list(
        "pk", "code", "name", "nature", "stage", "level", "county_id", "responsible_unit", "planned_start",
        "actual_start"))
    codes = {pk: code for pk, code, *_rest in rows}
    tasks = problems.tasks_by_keys([task_key(codes[pk], month, consequence)
                                    for pk, (month, consequence, _ref) in consequences.items() if pk in codes])
    facts = []
    for pk, code, name, nature, stage, level, county_id, unit, planned_start, actual_start in rows:
        found = consequences.get(pk)
        extra: dict[str, Any] = {}
        if found is not None:
            month, consequence, task_ref = found
            task = tasks.get(task_key(code, month, consequence))
            extra = {"consequence": consequence, "consequence_month": f"{month:%Y-%m}", "task_ref": task_ref or None,
                     "task_state": task.state if task else None,
                     "task_escalation_level": task.escalation_level if task else None}
        facts.append(ProjectFact(code, name, nature, stage, level, county_id, unit, planned_start, actual_start,
                                 tuple(plans.get(pk, ())), latest.get(pk), pk in ever_resumed, **extra))
    return LightFacts(day, facts)


def judge(facts: LightFacts, rules: Any) -> list[ProjectStatus]:
    """Every project's light on the facts' day (红黄灯) with its reasons: the plan to the day against the latest
    report, the resumption deadline of a 续建 project and the start grace of a 新开工 one. Pure: ``rules`` is the
    rule set ``projects`` (its JSON dict or a ``ProjectRules``)."""
    day = facts.day
    deadline = dt.date.fromisoformat(rules["resumption_deadline"])
    grace = rules["start_grace_days"]
    out = []
    for p in facts.projects:
        report = p.report
        completed = report[2] if report else Decimal(0)
        resumed = bool(report and report[1])
        started = bool((p.actual_start and p.actual_start <= day) or p.ever_resumed)
        reasons: list[dict[str, Any]] = []
        light: str | None = None
        ratio: float | None = None
        target: Decimal | None = None
        if p.plans:
            target = plan_to_date(list(p.plans), day)
            if target > 0:
                exact = completed / target  # compared unrounded: 599.99 / 1000 is red, not a rounded 0.6
                ratio = round(float(exact), 4)
                if exact < Decimal(str(rules["red_below"])):
                    light = Light.RED
                    reasons.append(reason_codes.reason(reason_codes.RATIO_BELOW, ratio=ratio,
                                                       limit=float(rules["red_below"])))
                elif exact < Decimal(str(rules["yellow_below"])):
                    light = Light.YELLOW
                    reasons.append(reason_codes.reason(reason_codes.RATIO_BELOW, ratio=ratio,
                                                       limit=float(rules["yellow_below"])))
                else:
                    light = Light.GREEN
            else:
                reasons.append(reason_codes.reason(reason_codes.ZERO_PLAN))
        else:
            reasons.append(reason_codes.reason(reason_codes.MISSING_PLAN))
        if p.nature == Nature.CONTINUING and day > deadline and not resumed:
            light = Light.RED
            reasons.append(reason_codes.reason(reason_codes.NOT_RESUMED, deadline=deadline.isoformat()))
        if p.nature == Nature.NEW and p.planned_start and not started and (day - p.planned_start).days > grace:
            light = Light.RED
            reasons.append(reason_codes.reason(reason_codes.NOT_STARTED, planned=p.planned_start.isoformat(),
                                               days=grace))
        out.append(ProjectStatus(
            code=p.code, name=p.name, light=str(light) if light is not None else None, progress_ratio=ratio,
            reason_data=[reason_codes.encode(r) for r in reasons], resumed=resumed if p.nature == Nature.CONTINUING else started, started=started,
            stage=p.stage, plan_to_date=float(target) if target is not None else None, completed=float(completed),
            missing_plan=not p.plans, county_id=p.county_id, responsible_unit=p.responsible_unit, level=p.level,
            nature=p.nature, workers_on_site=report[3] if report else 0, consequence=p.consequence,
            consequence_month=p.consequence_month, task_ref=p.task_ref, task_state=p.task_state,
            task_escalation_level=p.task_escalation_level))
    return out


def statuses(projects: QuerySet[Project], day: dt.date, rules: dict[str, Any] | None = None) -> list[ProjectStatus]:
    """The light of every project of ``projects`` on ``day`` (红黄灯), with its reasons."""
    return judge(load_facts(projects, day), rules or rule_sets.current(RULES_KEY).definition)


def task_key(code: str, month: dt.date, consequence: str) -> str:
    return f"project:{code}:{month:%Y-%m}:{consequence}"


def light_counts(rows: list[ProjectStatus]) -> dict[str, int]:
    counts = {"red": 0, "yellow": 0, "green": 0, "none": 0, "missing_plan": 0}
    for r in rows:
        counts[r.light or "none"] += 1
        counts["missing_plan"] += int(r.missing_plan)
    return counts


def as_of(on: dt.date | None = None) -> dt.date:
    """The key projects' as-of day (数据截至) on a picture of ``on`` (default: the city's data-as-of day), never past
    the clock (``core.versions.bound``). A project's light is a judgement on the day: the latest progress report by
    then against the plan to that day, and the resumption and start deadlines on that day. The register, the board,
    the map, a project's page, the card on 总览, the bulletin section, the API and ``dualtrack projects`` all open
    on it: they opened on the last report day (04-24 in the demo) while 总览 judged 04-30, so one project read
    67.0% on the list and 61.8% on 总览 (the same cumulative against the plans of two days)."""
    from dualtrack.core import versions

    return versions.bound(on)
