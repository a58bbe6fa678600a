"""Key-project dispatch (重点项目调度): lights for any date, month-end consequences as tasks in the problems
module, rankings of responsible units and counties, progress reports (DOMAIN.md §7)."""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dualtrack.core import audit, calendar, dates, policy
from dualtrack.core import rules as rule_sets
from dualtrack.core.actors import Actor
from dualtrack.core.choices import Action, AuditAction
from dualtrack.core.scoping import ensure_in_scope
from dualtrack.problems import services as problems

from .choices import CONSEQUENCE_LEVEL, LEVEL_GROUPS, Consequence, Light, Nature
from .models import MonthlyLight, Project, ProjectPlan, ProjectProgress, ReportKind
from .rules import RULES_KEY


@dataclass
class ProjectStatus:
    """A project's light on a date with what it was computed from."""

    code: str
    name: str
    light: str | None
    progress_ratio: float | None
    reasons: list[str]
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
    escalation: dict[str, Any] | None = field(default=None)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "light": self.light, "progress_ratio": self.progress_ratio,
                "reasons": self.reasons, "resumed": self.resumed, "stage": self.stage,
                "escalation": self.escalation}


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


def _facts(projects: QuerySet[Project], day: dt.date) -> tuple[dict[int, list[tuple[dt.date, Decimal]]],
                                                                dict[int, tuple[Any, ...]], set[int]]:
    ids = list(projects.values_list("pk", flat=True))
    plans: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for project_id, month, cumulative in ProjectPlan.objects.filter(project_id__in=ids).order_by(
            "project_id", "month").values_list("project_id", "month", "planned_cumulative"):
        plans[project_id].append((month, cumulative))
    latest: dict[int, tuple[Any, ...]] = {}
    ever_resumed: set[int] = set()
    for project_id, date, resumed, completed, workers in ProjectProgress.objects.filter(
            project_id__in=ids, date__lte=day).order_by("project_id", "date").values_list(
            "project_id", "date", "resumed", "completed_cumulative", "workers_on_site"):
        latest[project_id] = (date, resumed, completed, workers)
        if resumed:
            ever_resumed.add(project_id)
    return plans, latest, ever_resumed


def statuses(projects: QuerySet[Project], day: dt.date, rules: dict[str, Any] | None = None) -> list[ProjectStatus]:
    """The light of every project of ``projects`` on ``day`` (红黄灯), with its reasons."""
    rules = rules or rule_sets.current(RULES_KEY).definition
    deadline = dt.date.fromisoformat(rules["resumption_deadline"])
    grace = rules["start_grace_days"]
    plans, latest, ever_resumed = _facts(projects, day)
    out = []
    for p in projects.order_by("code"):
        report = latest.get(p.pk)
        completed = report[2] if report else Decimal(0)
        resumed = bool(report and report[1])
        started = bool((p.actual_start and p.actual_start <= day) or p.pk in ever_resumed)
        reasons: list[str] = []
        light: str | None = None
        ratio: float | None = None
        target: Decimal | None = None
        if plans.get(p.pk):
            target = plan_to_date(plans[p.pk], day)
            if target > 0:
                exact = completed / target  # compared unrounded: 599.99 / 1000 is red, not a rounded 0.6
                ratio = round(float(exact), 4)
                if exact < Decimal(str(rules["red_below"])):
                    light = Light.RED
                    reasons.append(f"投资完成率{ratio:.1%},低于{rules['red_below']:.0%}")
                elif exact < Decimal(str(rules["yellow_below"])):
                    light = Light.YELLOW
                    reasons.append(f"投资完成率{ratio:.1%},低于{rules['yellow_below']:.0%}")
                else:
                    light = Light.GREEN
            else:
                reasons.append("截至当日计划投资为0,不亮灯")
        else:
            reasons.append("缺少月度计划数据")
        if p.nature == Nature.CONTINUING and day > deadline and not resumed:
            light = Light.RED
            reasons.append(f"续建项目{deadline:%-m月%-d日}复工时限后仍未复工")
        if p.nature == Nature.NEW and p.planned_start and not started and (day - p.planned_start).days > grace:
            light = Light.RED
            reasons.append(f"新开工项目计划开工({p.planned_start:%Y-%m-%d}){grace}天后仍未开工")
        out.append(ProjectStatus(
            code=p.code, name=p.name, light=light, progress_ratio=ratio, reasons=reasons,
            resumed=resumed if p.nature == Nature.CONTINUING else started, started=started, stage=p.stage,
            plan_to_date=float(target) if target is not None else None, completed=float(completed),
            missing_plan=not plans.get(p.pk), county_id=p.county_id, responsible_unit=p.responsible_unit,
            level=p.level, nature=p.nature, workers_on_site=report[3] if report else 0))
    _attach_escalations(out, day)
    return out


def _attach_escalations(rows: list[ProjectStatus], day: dt.date) -> None:
    """Each project's latest month-end consequence on or before ``day`` with its task."""
    # A month's consequence is known once the month has ended before ``day``: the months before ``day``'s own.
    # Plain values, ordered by month: the last one seen per project is its latest (no model per light).
    latest: dict[str, tuple[dt.date, str, str]] = {}
    for code, month, consequence, task_ref in MonthlyLight.objects.filter(
            project__code__in=[r.code for r in rows], month__lt=month_start(day)).exclude(
            consequence="").order_by("month").values_list("project__code", "month", "consequence", "task_ref"):
        latest[code] = (month, consequence, task_ref)
    tasks = problems.tasks_by_keys([_task_key(code, month, consequence)
                                    for code, (month, consequence, _ref) in latest.items()])
    for row in rows:
        found = latest.get(row.code)
        if found is not None:
            month, consequence, task_ref = found
            task = tasks.get(_task_key(row.code, month, consequence))
            row.escalation = {"consequence": consequence, "month": f"{month:%Y-%m}", "task": task_ref or None,
                              "task_state": task.state if task else None,
                              "task_escalation_level": task.escalation_level if task else None}


def _task_key(code: str, month: dt.date, consequence: str) -> str:
    return f"project:{code}:{month:%Y-%m}:{consequence}"


CONSEQUENCE_TEXT: dict[str, str] = {
    Consequence.TALK: "项目“{name}”{month}亮黄灯,请约谈项目责任人,督促加快进度。原因:{reasons}",
    Consequence.VICE_MAYOR: "项目“{name}”连续两个月亮黄灯,报分管副市长督办。原因:{reasons}",
    Consequence.CITY_LEADER: "项目“{name}”{month}亮红灯,报联系市领导({leader})协调推进。原因:{reasons}",
    Consequence.EXIT_REVIEW: "项目“{name}”{why},启动退出评审。原因:{reasons}",
}


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
        if consequence:
            reasons = ";".join(status.reasons) or "—"
            text = CONSEQUENCE_TEXT[consequence].format(name=project.name, month=f"{month:%Y年%-m月}",
                                                        reasons=reasons, leader=project.contact_leader or "—",
                                                        why=why)
            task, created = problems.create_task(
                _task_key(project.code, month, consequence), text, category="其他",
                department=project.responsible_department or fallback, complexity="general",
                escalation_level=CONSEQUENCE_LEVEL[consequence], project_code=project.code,
                enterprise=project.owner, at=at)
            task_ref = task.ref
            counts["tasks"] += int(created)
        MonthlyLight.objects.update_or_create(project=project, month=month, defaults={
            "light": status.light, "progress_ratio": status.progress_ratio, "reasons": status.reasons,
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
                 end: dt.date) -> tuple[str | None, str]:
    previous = previous_month(month)
    if project.nature == Nature.NEW and project.planned_start and not status.started:
        limit = project.planned_start
        for _month in range(rules["exit_no_start_months"]):
            limit = month_end(limit) + dt.timedelta(days=1)
        limit = limit.replace(day=min(project.planned_start.day, month_calendar.monthrange(limit.year,
                                                                                          limit.month)[1]))
        if end >= limit:
            return Consequence.EXIT_REVIEW, f"计划开工{rules['exit_no_start_months']}个月后仍未开工"
    if status.light == Light.RED:
        months = [month]
        for _month in range(rules["exit_red_months"] - 1):
            months.append(previous_month(months[-1]))
        if all(history.get((project.pk, m), Light.RED if m == month else None) == Light.RED for m in months):
            return Consequence.EXIT_REVIEW, f"连续{rules['exit_red_months']}个月亮红灯"
        return Consequence.CITY_LEADER, ""
    if status.light == Light.YELLOW:
        if history.get((project.pk, previous)) == Light.YELLOW:
            return Consequence.VICE_MAYOR, ""
        return Consequence.TALK, ""
    return None, ""


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


# --- rankings -------------------------------------------------------------------------------------------------

def _should_work(row: ProjectStatus, project_planned_start: dt.date | None, day: dt.date) -> bool:
    return row.nature == Nature.CONTINUING or (project_planned_start is not None and project_planned_start <= day)


def rankings(projects: QuerySet[Project], day: dt.date, rows: list[ProjectStatus] | None = None) -> dict[str, Any]:
    """Responsible units and counties ranked by resumption rate, then mean progress ratio, with the lists for
    the text: those all resumed (均100%复工) and those below the rule set's low mark (不到XX%)."""
    from dualtrack.registry import services as registry

    starts = dict(projects.values_list("code", "planned_start"))
    rows = rows if rows is not None else statuses(projects, day)
    county_names = dict(registry.counties().values_list("pk", "name"))
    low = rule_sets.current(RULES_KEY).definition.get("ranking_low_rate", 0.6)
    result: dict[str, Any] = {"low_rate": low}
    for kind, key in (("units", lambda r: r.responsible_unit), ("counties", lambda r: county_names.get(r.county_id, "—"))):
        groups: dict[str, dict[str, Any]] = {}
        for row in rows:
            g = groups.setdefault(key(row), {"name": key(row), "projects": 0, "due": 0, "resumed": 0, "ratios": []})
            g["projects"] += 1
            if _should_work(row, starts.get(row.code), day):
                g["due"] += 1
                g["resumed"] += int(row.resumed)
            if row.progress_ratio is not None:
                g["ratios"].append(row.progress_ratio)
        table = []
        for g in groups.values():
            ratios = g.pop("ratios")
            g["rate"] = round(g["resumed"] / g["due"], 4) if g["due"] else None
            g["mean_ratio"] = round(sum(ratios) / len(ratios), 4) if ratios else None
            table.append(g)
        table.sort(key=lambda g: (-(g["rate"] if g["rate"] is not None else -1),
                                  -(g["mean_ratio"] if g["mean_ratio"] is not None else -1), g["name"]))
        for rank, g in enumerate(table, start=1):
            g["rank"] = rank
        result[kind] = table
        result[f"{kind}_all_resumed"] = [g["name"] for g in table if g["rate"] == 1]
        result[f"{kind}_below"] = [g["name"] for g in table if g["rate"] is not None and g["rate"] < low]
    return result


def level_summary(projects: QuerySet[Project], day: dt.date,
                  rows: list[ProjectStatus] | None = None) -> list[dict[str, Any]]:
    """Resumption by level group (省重点续建, 市重点续建) on ``day``."""
    rows = rows if rows is not None else statuses(projects, day)
    out = []
    for name, (level, nature) in LEVEL_GROUPS.items():
        group = [r for r in rows if r.level == level and r.nature == nature]
        resumed = sum(r.resumed for r in group)
        out.append({"name": name, "projects": len(group), "resumed": resumed,
                    "rate": round(resumed / len(group), 4) if group else None,
                    "workers_on_site": sum(r.workers_on_site for r in group)})
    return out


def light_counts(rows: list[ProjectStatus]) -> dict[str, int]:
    counts = {"red": 0, "yellow": 0, "green": 0, "none": 0, "missing_plan": 0}
    for r in rows:
        counts[r.light or "none"] += 1
        counts["missing_plan"] += int(r.missing_plan)
    return counts


# --- progress reports -----------------------------------------------------------------------------------------

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
        errors["completed_cumulative"] = _("累计完成投资超过总投资(%(total)s万元)的1.5倍,请核对") % {
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


def poverty_project_statuses(day: dt.date) -> list[ProjectStatus]:
    """The poverty projects (扶贫项目, DOMAIN.md §13) on ``day``: started or not and their lights, for the
    poverty war map's counties (aggregates; the war map does not list a project its viewer could not see)."""
    return statuses(Project.objects.filter(poverty=True), day)


def status_json(user: Any, day: dt.date) -> list[dict[str, Any]]:
    """What ``dualtrack projects --date D --json`` prints."""
    return [row.as_json() for row in statuses(Project.objects.restrict(user), day)]



def as_of(on: dt.date | None = None) -> dt.date:
    """The key projects' as-of day (数据截至) on a picture of ``on`` (default: the city's data-as-of day), never past
    the clock (``core.versions.bound``). A project's light is a judgement on the day: the latest progress report by
    then against the plan to that day, and the resumption and start deadlines on that day. The register, the board,
    the map, a project's page, the card on 总览, the bulletin section, the API and ``dualtrack projects`` all open
    on it: they opened on the last report day (04-24 in the demo) while 总览 judged 04-30, so one project read
    67.0% on the list and 61.8% on 总览 (the same cumulative against the plans of two days)."""
    from dualtrack.core import versions

    return versions.bound(on)


def assign_demo_liaisons(officer: Any, county_code: str) -> int:
    """The demo: the login ``liaison`` looks after the projects of one county (audited)."""
    mine = list(Project.objects.filter(county__code=county_code).exclude(liaison_officers=officer))
    if mine:
        officer.assigned_projects.add(*mine)
        audit.record(None, AuditAction.UPDATE, officer, before={"assigned_projects_added": []},
                     after={"assigned_projects_added": [p.code for p in mine]})
    return len(mine)


def liaison_coverage(user: Any) -> dict[str, Any]:
    """全覆盖 for key projects: those in the user's scope without a liaison officer."""
    projects = Project.objects.restrict(user)
    total = projects.count()
    uncovered = projects.filter(liaison_officers__isnull=True).select_related("county").order_by("county__code", "code")
    missing = uncovered.count()
    return {"label": "重点项目", "total": total, "covered": total - missing,
            "rate": round((total - missing) / total, 4) if total else None,
            "uncovered": [(p.code, p.name, p.county.name) for p in uncovered[:200]]}


# --- hand-over from investment promotion (招商引资, DOMAIN.md §14) ---------------------------------------------------

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
    return project, True


def project_exists(code: str) -> bool:
    return Project.objects.filter(code=code).exists()


def visible_project_ids(user: Any, codes: list[str]) -> dict[str, int]:
    """Code → id of the key projects among ``codes`` that ``user`` may see."""
    return dict(Project.objects.restrict(user, Action.VIEW).filter(code__in=codes).values_list("code", "pk"))


def projects_for(user: Any) -> QuerySet[Project]:
    """The key projects ``user`` may see (the restricted queryset other apps start from); all for ``None`` (the
    worker, the city's bulletin)."""
    return Project.objects.all() if user is None else Project.objects.restrict(user, Action.VIEW)


def with_start_dates(projects: QuerySet[Project]) -> QuerySet[Project]:
    """``projects`` annotated with ``started_on``: the actual start date, else, for a new project (新开工), the first
    progress report that says work is under way (its start is often known only from its reports). A 续建 project's
    first report after the Spring Festival is its resumption, not its start: it has no ``started_on`` then."""
    from django.db.models import Case, DateField, OuterRef, Subquery, When
    from django.db.models.functions import Coalesce

    first = ProjectProgress.objects.filter(project=OuterRef("pk"), resumed=True).order_by("date").values("date")[:1]
    return projects.annotate(started_on=Coalesce("actual_start", Case(
        When(nature=Nature.NEW, then=Subquery(first)), default=None, output_field=DateField())))
