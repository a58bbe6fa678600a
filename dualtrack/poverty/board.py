"""The command board of the fight against poverty (DOMAIN.md §13): per county the households' figures with the
poverty projects, help teams on site, findings, inspection teams and poor labourers; the census countdown with
its readiness checklist; and the weekly board 一周一调度, frozen like a released bulletin."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dualtrack.core import audit, dates, policy
from dualtrack.core.actors import Actor, as_user
from dualtrack.core.choices import Action, AuditAction

from . import findings, services
from .choices import CENSUS_CHECKLIST_DUE, CENSUS_DAY, INSPECTION_MIN_FULL_TIME
from .models import CensusItem, Helper, Household, InspectionTeam, RegionFlag, WeeklyBoard


@dataclass
class CountyBoard:
    """One county's line of the board (aggregates only: no household, no name)."""

    code: str
    name: str
    supervised: bool
    deep: bool
    households: int
    not_met: int
    monitored: int
    monitored_share: float | None
    warning: bool
    labourers: int
    away: int
    at_home: int
    outbound_rate: float | None
    projects: int
    projects_started: int
    projects_red: int
    projects_yellow: int
    helpers: int
    helpers_on_site: int
    findings_open: int
    findings_overdue: int
    teams: int
    teams_understaffed: int


@dataclass
class Census:
    """普查倒计时: days to the census and the readiness checklist (due 30 June)."""

    census_day: dt.date
    days_left: int
    due_on: dt.date
    items: int
    done: int
    late: list[str] = field(default_factory=list)  # not done and past due

    @property
    def ready(self) -> bool:
        return self.items > 0 and self.done == self.items


def as_of(on: dt.date | None = None) -> dt.date:
    """The fight against poverty's as-of day (数据截至) on a picture of ``on`` (default: the city's data-as-of day),
    never past the clock (``core.versions.bound``). The war map, the findings, the reconciliation, the forces, the
    census countdown, the week to freeze, the card on 总览 and the bulletin section all open on it.

    It is the city's day, not the latest poverty record: findings are overdue and the census comes on the clock's
    calendar, so a day with no new record still moves them; opened on the last check or finding, the war map said
    17 overdue and 72 days to the census while 总览 said 39 and 62, and one new finding moved the map's day away
    from 总览's (DOMAIN.md §15 "one source has one as-of day, whichever page shows it")."""
    from dualtrack.core import versions

    return versions.bound(on)


def as_of_year(on: dt.date | None = None) -> int:
    """The year of checks (年度核查) shown on the picture of ``on``: the latest year with checks up to the year of
    :func:`as_of`, else that year. The war map, the card, the bulletin, the API and ``dualtrack poverty`` default
    to it."""
    from .models import HouseholdCheck

    year = as_of(on).year
    return HouseholdCheck.objects.filter(year__lte=year).order_by("-year").values_list("year", flat=True).first() or year


def helpers_by_area(day: dt.date) -> dict[str, tuple[int, int]]:
    """Helpers (total, on site by ``day``) by county, township and village code."""
    out: dict[str, list[int]] = {}
    for county, township, village, arrived in Helper.objects.values_list(
            "county__code", "village__parent__code", "village__code", "arrived_on"):
        for key in (county, township, village):
            entry = out.setdefault(key, [0, 0])
            entry[0] += 1
            entry[1] += int(arrived is not None and arrived <= day)
    return {key: (total, on_site) for key, (total, on_site) in out.items()}


def teams_by_county() -> dict[str, tuple[int, int]]:
    """督战队 (teams, teams with fewer than 3 full-time members) by county code."""
    out: dict[str, list[int]] = {}
    for county, full_time in InspectionTeam.objects.values_list("county__code", "full_time_members"):
        entry = out.setdefault(county, [0, 0])
        entry[0] += 1
        entry[1] += int(full_time < INSPECTION_MIN_FULL_TIME)
    return {key: (teams, short) for key, (teams, short) in out.items()}


def understaffed(team: InspectionTeam) -> bool:
    return team.full_time_members < INSPECTION_MIN_FULL_TIME


def read_project_lights(day: dt.date) -> Any:
    """What the war map shows of the poverty projects on ``day``: their stored lights (the measure ``projects``), or
    ``core.judgements.Pending`` while the day is computed; never judged in the request."""
    from dualtrack.projects import services as projects

    return projects.poverty_lights_read(day)


def projects_by_county(day: dt.date, lights: list[Any] | None = None) -> dict[int, Counter[str]]:
    """Poverty projects (扶贫项目 of §7) per county id: total, started, red and yellow lights on ``day``, from their
    stored lights: ``lights`` as a page read them (:func:`read_project_lights`), else ensured (the bulletin, the
    weekly board)."""
    from dualtrack.projects import services as projects

    out: dict[int, Counter[str]] = {}
    for row in projects.poverty_lights_ensured(day) if lights is None else lights:
        entry = out.setdefault(row.county_id, Counter())
        entry["total"] += 1
        entry["started"] += int(row.started or row.resumed)
        if row.light in ("red", "yellow"):
            entry[row.light] += 1
    return out


def county_board(year: int, day: dt.date, evaluation: services.Evaluation | None = None,
                 lights: list[Any] | None = None) -> list[CountyBoard]:
    """Every county with registered households: the year's checks (rule set ``poverty-2020``, ``evaluation``: the
    year's stored result a page read, else the stored one, ensured) with the other figures as of ``day`` (the poverty
    projects' stored lights: ``lights`` a page read, else ensured)."""
    from dualtrack.registry import services as registry

    evaluation = evaluation or services.evaluate(year)
    end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dates.SHANGHAI)
    labour = services.labour_by_county(end)
    projects = projects_by_county(day, lights)
    helpers = helpers_by_area(day)
    open_findings = findings.counts_by_area(day)
    teams = teams_by_county()
    flags = {code: (s, d) for code, s, d in RegionFlag.objects.values_list("region__code", "supervised", "deep")}
    ids = registry.county_ids_by_code()
    out = []
    for c in evaluation.counties:
        pk = ids.get(c.code)
        work = labour.get(pk or 0, {})
        p = projects.get(pk or 0, Counter())
        supervised, deep = flags.get(c.code, (False, False))
        total_helpers, on_site = helpers.get(c.code, (0, 0))
        f = open_findings.get(c.code, {})
        team_count, short = teams.get(c.code, (0, 0))
        out.append(CountyBoard(
            c.code, c.name, supervised, deep, c.households, c.not_met, c.monitored, c.monitored_share, c.warning,
            work.get("labourers", 0), work.get("away", 0), work.get("at_home", 0),
            services._fraction(services.engine.share(work.get("away", 0), work.get("away_last_year", 0))),
            p["total"], p["started"], p["red"], p["yellow"], total_helpers, on_site, f.get("open", 0),
            f.get("overdue", 0), team_count, short))
    return out


def census(day: dt.date) -> Census:
    census_day = dt.date.fromisoformat(CENSUS_DAY)
    items = list(CensusItem.objects.order_by("order"))
    return Census(census_day, (census_day - day).days, dt.date.fromisoformat(CENSUS_CHECKLIST_DUE), len(items),
                  sum(1 for i in items if i.done_on is not None and i.done_on <= day),
                  [i.title for i in items if (i.done_on is None or i.done_on > day) and i.due_on < day])


@transaction.atomic
def tick_census_item(actor: Actor, item: CensusItem, *, done: bool, on: dt.date | None = None) -> CensusItem:
    """The office marks a readiness item done (or not yet), audited."""
    policy.authorize(actor, item, Action.CHANGE)
    on = on or dates.today()
    if on > dates.today():
        raise ValidationError({"done_on": _("完成日期不能晚于今天")})
    before = audit.snapshot(item)
    item.done_on, item.done_by = (on, as_user(actor)) if done else (None, None)
    item.save(update_fields=["done_on", "done_by"])
    audit.record_change(actor, item, before)
    return item


# --- 一周一调度: the weekly board, frozen ---------------------------------------------------------------------------

def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def figures(week: dt.date, as_of: dt.date) -> dict[str, Any]:
    """What the week's board holds: the counties' lines, the totals and the census; JSON-ready."""
    year = as_of.year
    rows = county_board(year, as_of)
    totals = {key: sum(getattr(r, key) for r in rows) for key in (
        "households", "not_met", "monitored", "labourers", "away", "at_home", "projects", "projects_started",
        "projects_red", "projects_yellow", "helpers", "helpers_on_site", "findings_open", "findings_overdue", "teams",
        "teams_understaffed")}
    count = census(as_of)
    return {"week": week.isoformat(), "as_of": as_of.isoformat(), "year": year,
            "counties": [asdict(r) for r in rows], "totals": totals,
            "census": {"census_day": count.census_day.isoformat(), "days_left": count.days_left,
                       "due_on": count.due_on.isoformat(), "items": count.items, "done": count.done,
                       "late": count.late}}


HEADER = ["区县", "挂牌督战", "建档立卡户", "未达标", "监测对象", "监测占比", "预警", "贫困劳动力", "已外出", "在家待岗",
          "外出务工率", "扶贫项目", "已开工", "红灯", "黄灯", "帮扶力量", "已到岗", "未销号问题", "逾期问题", "督战队",
          "专职不足3人"]


def _workbook(data: dict[str, Any]) -> bytes:
    from dualtrack.core.exports import Sheet, write_xlsx

    def pct(value: float | None) -> Any:
        return "" if value is None else round(value * 100, 1)

    lines = [[r["name"], "是" if r["supervised"] else "", r["households"], r["not_met"], r["monitored"],
              pct(r["monitored_share"]), "超过预警线" if r["warning"] else "", r["labourers"], r["away"], r["at_home"],
              pct(r["outbound_rate"]), r["projects"], r["projects_started"], r["projects_red"], r["projects_yellow"],
              r["helpers"], r["helpers_on_site"], r["findings_open"], r["findings_overdue"], r["teams"],
              r["teams_understaffed"]] for r in data["counties"]]
    t = data["totals"]
    lines.append(["合计", "", t["households"], t["not_met"], t["monitored"], "", "", t["labourers"], t["away"],
                  t["at_home"], "", t["projects"], t["projects_started"], t["projects_red"], t["projects_yellow"],
                  t["helpers"], t["helpers_on_site"], t["findings_open"], t["findings_overdue"], t["teams"],
                  t["teams_understaffed"]])
    c = data["census"]
    census_rows = [["普查开始", c["census_day"]], ["倒计时(天)", c["days_left"]], ["准备事项", c["items"]],
                   ["已完成", c["done"]], ["完成时限", c["due_on"]], *[["逾期未完成", title] for title in c["late"]]]
    out = io.BytesIO()
    write_xlsx([Sheet(f"一周一调度 {data['week']}", HEADER, lines),
                Sheet("普查准备", ["事项", "内容"], census_rows)], out)
    return out.getvalue()


def freeze_week(actor: Actor | None, week: dt.date, *, as_of: dt.date | None = None,
                at: dt.datetime | None = None) -> WeeklyBoard:
    """Freeze the week's board (一周一调度): its figures as of the week's Sunday (or today, if earlier), the rule
    version and the Excel file, stored and never recomputed. A week already frozen is refused (``actor`` None:
    the worker)."""
    if actor is not None:
        policy.authorize_create(actor, WeeklyBoard, Action.ADD)
    week = monday(week)
    as_of = as_of or min(week + dt.timedelta(days=6), dates.today())
    if as_of < week:
        raise ValidationError({"week": _("该周尚未开始")})
    if WeeklyBoard.objects.filter(week=week).exists():
        raise ValidationError({"week": _("%(week)s 这一周的调度已冻结，不再变更") % {"week": week.isoformat()}})
    data = figures(week, as_of)
    content = _workbook(data)
    try:
        with transaction.atomic():
            board = WeeklyBoard.objects.create(
                week=week, as_of=as_of, year=data["year"], frozen_at=at or dates.now(), frozen_by=actor,
                rules_version=services.evaluate(data["year"]).rules_version, figures=data, xlsx=content,
                sha256=hashlib.sha256(content).hexdigest())
            audit.record(actor, AuditAction.CREATE, board, after={
                "week": week.isoformat(), "as_of": as_of.isoformat(), "rules_version": board.rules_version,
                "sha256": board.sha256})
    except IntegrityError as exc:  # frozen by someone else meanwhile
        raise ValidationError({"week": _("%(week)s 这一周的调度已冻结，不再变更") % {"week": week.isoformat()}}) from exc
    return board


def freeze_due(today: dt.date | None = None) -> int:
    """The worker: freeze the week that ended (last Monday to Sunday) once, if there are households."""
    today = today or dates.today()
    week = monday(today) - dt.timedelta(days=7)
    if not Household.objects.exists() or WeeklyBoard.objects.filter(week=week).exists():
        return 0
    try:
        freeze_week(None, week, as_of=week + dt.timedelta(days=6))
    except ValidationError:
        return 0
    return 1
