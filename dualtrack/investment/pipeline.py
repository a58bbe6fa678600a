"""The project pipeline (DOMAIN.md §14): the 四个一批 board (储备一批、建设一批、竣工一批、投产一批 per quarter and the
moves between them), 集中开工 events, bids for higher-level funds (争资) with their success rate and growth, and the
week's investment activity. Figures are aggregated in the database, never by a loop over rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, Count, DecimalField, F, Min, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from dualtrack.core.actors import Viewer
from dualtrack.core.choices import Action

from .choices import ActivityKind, BidState, FundKind, PipelineStage
from .models import FundBid, GroundbreakingEvent, Lead, LeadActivity

WAN_PER_YI = Decimal(10000)  # projects are in 万元, investment promotion speaks 亿元
QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))


def _visible(model: Any, user: Viewer) -> Any:
    """The rows of ``model`` that ``user`` may see; every row for ``None`` (the worker, the city's bulletin)."""
    return model.objects.all() if user is None else model.objects.restrict(user, Action.VIEW)


def quarter_ends(year: int) -> list[dt.date]:
    return [dt.date(year, m, d) for m, d in QUARTER_ENDS]


def _stage_on(day: dt.date, prefix: str = "") -> Case:
    """A key project's place in the 四个一批 on ``day``, from its dates: 投产 once it operates, 竣工 once completed,
    在建 once started (its start date, else its first report of work under way; a 续建 project without one was
    under construction already), else 储备."""
    f = prefix
    return Case(
        When(Q(**{f"{f}actual_operation__lte": day}), then=Value(PipelineStage.OPERATING.value)),
        When(Q(**{f"{f}actual_completion__lte": day}), then=Value(PipelineStage.COMPLETED.value)),
        When(Q(**{f"{f}started_on__lte": day}), then=Value(PipelineStage.CONSTRUCTION.value)),
        When(Q(**{f"{f}started_on__isnull": True, f"{f}nature": "continuing"}) &
             ~Q(**{f"{f}stage__in": ("reserve", "preparation")}), then=Value(PipelineStage.CONSTRUCTION.value)),
        default=Value(PipelineStage.RESERVE.value), output_field=CharField())


def quarter_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s quarter: 03-31, 06-30, 09-30 or 12-31 (30 April's is 30 June)."""
    month, last = QUARTER_ENDS[(day.month - 1) // 3]
    return dt.date(day.year, month, last)


@dataclass
class QuarterColumn:
    """One quarter of the board: its figures on ``end``, the quarter's last day, or the board's day when the quarter
    is still under way (then ``complete`` is false: 30 April is no quarter's end, it is 二季度 so far)."""

    end: dt.date
    counts: dict[str, int]
    amounts: dict[str, Decimal]  # 亿元
    moves: list[tuple[str, str, int]] = field(default_factory=list)  # (from, to, projects) since the last quarter

    @property
    def quarter(self) -> int:
        return (self.end.month - 1) // 3 + 1

    @property
    def complete(self) -> bool:
        """Whether the figures are the quarter's end's (not the quarter so far)."""
        return self.end == quarter_end(self.end)

    @property
    def key(self) -> str:
        return f"{self.end.year}-Q{self.quarter}"

    @property
    def label(self) -> str:
        """The column's name for people: 2020年一季度, or 2020年二季度（截至4月30日） while it is under way."""
        from django.utils import formats
        from django.utils.translation import gettext as _

        names = {1: _("一季度"), 2: _("二季度"), 3: _("三季度"), 4: _("四季度")}
        if self.complete:
            return _("%(year)s年%(quarter)s") % {"year": self.end.year, "quarter": names[self.quarter]}
        return _("%(year)s年%(quarter)s（截至%(day)s）") % {
            "year": self.end.year, "quarter": names[self.quarter], "day": formats.date_format(self.end, "MONTH_DAY_FORMAT")}


@dataclass
class Board:
    year: int
    quarters: list[QuarterColumn]
    events: list[Any]


def four_batches(user: Viewer, year: int, until: dt.date | None = None) -> Board:
    """The 四个一批 board of the key projects ``user`` may see: each quarter end of ``year`` (the quarter under way
    up to ``until``, none after it) with projects and total investment per stage, and how many moved between
    stages in the quarter."""
    from dualtrack.projects import services as projects

    visible = projects.with_start_dates(projects.projects_for(user))
    quarters: list[QuarterColumn] = []
    previous_end = dt.date(year - 1, 12, 31)
    for quarter_end in quarter_ends(year):
        if until is not None and previous_end >= until:
            break
        end = min(quarter_end, until) if until is not None else quarter_end  # the quarter so far
        grouped = visible.annotate(pipeline=_stage_on(end)).values("pipeline").annotate(
            n=Count("pk"), amount=Coalesce(Sum("total_investment"), Value(Decimal(0)), output_field=DecimalField()))
        counts = {s: 0 for s in PipelineStage.values}
        amounts = {s: Decimal(0) for s in PipelineStage.values}
        for row in grouped:
            counts[row["pipeline"]], amounts[row["pipeline"]] = row["n"], row["amount"] / WAN_PER_YI
        moved = visible.annotate(before=_stage_on(previous_end), after=_stage_on(end)).exclude(
            before=F("after")).values("before", "after").annotate(n=Count("pk")).order_by("before", "after")
        quarters.append(QuarterColumn(end, counts, amounts, [(m["before"], m["after"], m["n"]) for m in moved]))
        previous_end = end
    return Board(year, quarters, groundbreakings(user, year))


def groundbreakings(user: Viewer, year: int) -> list[Any]:
    """The year's 集中开工 events ``user`` may see, each with its projects (``n``) and their total in 亿元
    (``amount_yi``)."""
    events = list(_visible(GroundbreakingEvent, user).filter(date__year=year).annotate(
        n=Count("projects"), amount=Sum("projects__total_investment")).select_related("county").order_by("date"))
    for event in events:
        event.amount_yi = (event.amount or Decimal(0)) / WAN_PER_YI
    return events


@dataclass
class BidFigures:
    kind: str  # a FundKind value, or "" for all kinds
    bids: int
    decided: int
    won_bids: int
    requested: Decimal
    won: Decimal
    won_last_year: Decimal
    success_rate: float | None  # bids won ÷ bids decided (won or not)
    growth: float | None  # funds won this year against last year, as a fraction


def _ratio(part: Decimal | int, whole: Decimal | int) -> float | None:
    from .engine import ratio

    return ratio(part, whole)


def bid_figures(user: Viewer, year: int) -> list[BidFigures]:
    """争资 per fund kind and in all: bids, decided, won, requested and won amounts (万元), the success rate and the
    year-on-year growth of funds won."""
    bids = _visible(FundBid, user)
    this_year = {r["fund_kind"]: r for r in bids.filter(year=year).values("fund_kind").annotate(
        n=Count("pk"), decided=Count("pk", filter=~Q(state=BidState.PENDING)),
        won_bids=Count("pk", filter=Q(state=BidState.WON)), requested=Sum("requested"),
        won=Sum("won", filter=Q(state=BidState.WON)))}
    last_year = {r["fund_kind"]: r["won"] or Decimal(0) for r in bids.filter(year=year - 1, state=BidState.WON).values(
        "fund_kind").annotate(won=Sum("won"))}
    rows = []
    for kind in FundKind.values:
        r = this_year.get(kind, {})
        won, before = r.get("won") or Decimal(0), last_year.get(kind, Decimal(0))
        rows.append(BidFigures(kind, r.get("n", 0), r.get("decided", 0), r.get("won_bids", 0),
                               r.get("requested") or Decimal(0), won, before,
                               _ratio(r.get("won_bids", 0), r.get("decided", 0)),
                               _ratio(won - before, before) if before else None))
    total_won, total_before = sum((r.won for r in rows), Decimal(0)), sum((r.won_last_year for r in rows), Decimal(0))
    decided, won_bids = sum(r.decided for r in rows), sum(r.won_bids for r in rows)
    rows.append(BidFigures("", sum(r.bids for r in rows), decided, won_bids, sum((r.requested for r in rows),
                           Decimal(0)), total_won, total_before, _ratio(won_bids, decided),
                           _ratio(total_won - total_before, total_before) if total_before else None))
    return rows


@dataclass
class WeekActivity:
    monday: dt.date
    sunday: dt.date
    signed: int
    signed_amount: Decimal  # 亿元
    started: int
    started_amount: Decimal
    by_kind: dict[str, int]
    events: int  # 集中开工 events in the week
    event_projects: int


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_activity(user: Viewer, monday: dt.date) -> WeekActivity:
    """The week's investment activity among the leads ``user`` may see: signings and starts (with their planned
    investment), visits out and in, online negotiations, promotions and ceremonies, and 集中开工 events."""
    sunday = monday + dt.timedelta(days=6)
    leads = _visible(Lead, user).exclude(stage="stopped")
    signed = leads.filter(signed_on__range=(monday, sunday)).aggregate(n=Count("pk"), amount=Sum("amount"))
    started = leads.filter(started_on__range=(monday, sunday)).aggregate(n=Count("pk"), amount=Sum("amount"))
    kinds = dict(_visible(LeadActivity, user).filter(date__range=(monday, sunday)).values(
        "kind").annotate(n=Count("pk")).values_list("kind", "n"))
    events = _visible(GroundbreakingEvent, user).filter(date__range=(monday, sunday)).aggregate(
        n=Count("pk", distinct=True), projects=Count("projects"))
    return WeekActivity(monday, sunday, signed["n"], signed["amount"] or Decimal(0), started["n"],
                        started["amount"] or Decimal(0), {k: kinds.get(k, 0) for k in ActivityKind.values},
                        events["n"], events["projects"])


def pipeline_json(day: dt.date, user: Viewer = None) -> dict[str, Any]:
    """``dualtrack investment --pipeline --json`` (and ``/api/v1/investment/pipeline``): the year of ``day`` up to
    ``day``: the 四个一批 at each quarter's end (projects and 亿元 per stage, the moves; ``end`` the day the figures are
    for, ``quarter`` its quarter, ``complete`` false for the quarter so far), the 集中开工 events held and
    the 争资 figures per fund kind, of what ``user`` may see (the whole city for the console)."""
    board = four_batches(user, day.year, until=day)

    def amount(value: Decimal) -> float:
        return round(float(value), 4)

    return {
        "year": day.year, "date": day.isoformat(),
        "quarters": [{"end": q.end.isoformat(), "quarter": q.key, "complete": q.complete,
                      "stages": {s: {"projects": q.counts[s], "amount": amount(q.amounts[s])} for s in q.counts},
                      "moves": [{"from": a, "to": b, "projects": n} for a, b, n in q.moves]} for q in board.quarters],
        "events": [{"date": e.date.isoformat(), "title": e.title, "place": e.place, "projects": e.n,
                    "amount": amount(e.amount_yi)} for e in board.events if e.date <= day],
        "bids": [{"fund_kind": f.kind or None, "bids": f.bids, "decided": f.decided, "won_bids": f.won_bids,
                  "requested": amount(f.requested), "won": amount(f.won), "won_last_year": amount(f.won_last_year),
                  "success_rate": f.success_rate, "growth": f.growth} for f in bid_figures(user, day.year)],
    }


@dataclass
class Informant:
    name: str
    leads: int
    amount: Decimal  # 亿元, planned investment of their leads formally signed in the year
    lead: int = 0  # one of those leads (the first recorded): the record whose policy decides how the name is shown


def informants(user: Viewer, day: dt.date, limit: int = 20) -> list[Informant]:
    """第一信息人 to reward (重奖招商引资第一信息人): whose leads, among those ``user`` may see, were formally signed in
    ``day``'s year up to ``day``, by planned investment."""
    rows = _visible(Lead, user).exclude(stage="stopped").exclude(informant="").filter(
        signed_on__year=day.year, signed_on__lte=day).values("informant").annotate(
        n=Count("pk"), amount=Sum("amount"), lead=Min("pk")).order_by("-amount", "informant")[:limit]
    return [Informant(r["informant"], r["n"], r["amount"], r["lead"]) for r in rows]
