"""点对点返岗 as a measure (``core.capability``): the campaign as of a moment (DOMAIN.md §12): every trip, boarding
event, worker, labour demand and enterprise of the whole city (the facts) judged by the rule set ``worker-return``
(the receipt's deadline in working days) into flat rows; stored once per moment (named to the minute) and rules
version, narrowed to each reader's scope, then assembled into the contract of ``dualtrack worker-return --json``.

No personal data is stored: workers are kept by their registration number, a boarding note only masked (its phones
and ID numbers, ``core.privacy.mask``, the same for every reader, as the contract always showed it). Names and
phones are never read here; the pages show them through ``services.persons``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core.actors import Viewer
from dualtrack.core.capability import Measure, MenuEntry, Period, PeriodKind, Rules, Step, bound
from dualtrack.core.dates import SHANGHAI
from dualtrack.core.rules import RuleError

from . import bulletin, cards, engine, services
from .choices import WorkerState
from .rules import RULES_KEY

MAX_WORKING_DAYS = 60  # the rule's bound: the working calendar the facts carry reaches this far after an arrival


@dataclass(frozen=True)
class WorkReturnRules(Rules):
    """The rule set ``worker-return``: the attestation's age, the fever threshold, the seat rule, the receipt's
    deadline in working days and the campaign's end (from which the retention period runs)."""

    attestation_max_days: int = field(default=14, metadata=bound(
        0, 60, help=gettext_lazy("健康证明距出发日最多几天")))
    fever_celsius: float = field(default=37.3, metadata=bound(
        35, 40, help=gettext_lazy("体温不低于此值不准上车")))
    passenger_share: float = field(default=0.5, metadata=bound(
        0, 1, low_open=True, help=gettext_lazy("乘客不超过核载座位的比例")))
    receipt_working_days: int = field(default=3, metadata=bound(
        0, MAX_WORKING_DAYS, help=gettext_lazy("回执单于到达后第几个工作日结束前返回")))
    oversupply_ratio: float = field(default=1.2, metadata=bound(
        1, 10, help=gettext_lazy("接收人数超过需求人数的几倍视为超需求")))
    oversupply_min_extra: int = field(default=10, metadata=bound(
        0, 10000, help=gettext_lazy("超需求至少多接收几人")))
    campaign_end: str | None = field(default=None, metadata=bound(help=gettext_lazy("活动结束日(YYYY-MM-DD),进行中为空")))

    def check(self) -> None:
        if self.campaign_end is not None:
            try:
                dt.date.fromisoformat(self.campaign_end)
            except (TypeError, ValueError) as exc:
                raise RuleError(_("%(field)s须为 null（活动进行中）或日期（YYYY-MM-DD）") % {
                    "field": self.named("campaign_end")}) from exc


# --- facts (the whole city) ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TripFact:
    id: int
    code: str
    seats: int
    passengers: int  # on its manifest
    arrived_at: dt.datetime | None  # by the moment, else None
    enterprise_id: int = 0  # its scope keys (``policy``): the enterprise and the origin county (None: outside the city)
    origin_id: int | None = None


@dataclass(frozen=True)
class BoardingFact:
    trip_id: int
    worker_code: str
    at: dt.datetime
    allowed: bool
    reason: str
    note: str


@dataclass(frozen=True)
class WorkerFact:
    code: str
    poor_labourer: bool
    enterprise_id: int
    received: bool  # a receipt by the moment
    home_county_id: int | None = None  # a scope key (``policy``): the home county (None: outside the city)


@dataclass(frozen=True)
class DemandFact:
    id: int
    enterprise_id: int
    headcount: int


@dataclass(frozen=True)
class WorkReturnFacts:
    """What a moment is judged from: every trip, every boarding event by then (in order: boarding time, then the
    order of record), every worker and labour demand, the enterprises' credit codes and the working calendar from
    the first arrival on."""

    at: dt.datetime
    trips: list[TripFact]
    boardings: list[BoardingFact]
    workers: list[WorkerFact]
    demand: list[DemandFact]
    usccs: dict[int, str]
    working: dict[dt.date, bool] = field(default_factory=dict)


def moment(period: Period) -> dt.datetime:
    """The instant a moment's period is judged at: the start of the minute that names it (the store's key), so
    that a result is the same whoever asked for it first."""
    at = period.at or dt.datetime.combine(period.start, dt.time(18), SHANGHAI)
    return at.astimezone(SHANGHAI).replace(second=0, microsecond=0)


def load(period: Period, scope: Any = None) -> WorkReturnFacts:
    from dualtrack.core.calendar import WorkingCalendar
    from dualtrack.registry import services as registry

    from .models import Boarding, LabourDemand, ManifestEntry, Receipt, Trip, Worker

    at = moment(period)
    # What happened during the minute that names the moment counts (a scan at 12:03:25 is in the board "as of
    # 12:03" opened right after it); a later scan in that minute changes the data version, so the stored result
    # goes stale and is computed again.
    through = at + dt.timedelta(minutes=1)
    passengers = Counter(ManifestEntry.objects.values_list("trip_id", flat=True))
    trips = [TripFact(pk, code, seats, passengers.get(pk, 0), arrived if arrived is not None and arrived < through
                      else None, enterprise_id, origin_id)
             for pk, code, seats, arrived, enterprise_id, origin_id in Trip.objects.values_list(
                 "pk", "code", "seats", "arrived_at", "enterprise_id", "origin_id")]
    boardings = [BoardingFact(*row) for row in Boarding.objects.filter(boarded_at__lt=through).order_by(
        "boarded_at", "pk").values_list("trip_id", "worker__code", "boarded_at", "allowed", "reason", "note")]
    received = set(Receipt.objects.filter(receipt_at__lt=through).values_list("worker_id", flat=True))
    workers = [WorkerFact(code, poor, enterprise_id, pk in received, home) for pk, code, poor, enterprise_id, home in
               Worker.objects.values_list("pk", "code", "poor_labourer", "enterprise_id", "home_county_id")]
    demand = [DemandFact(*row) for row in LabourDemand.objects.values_list("pk", "enterprise_id", "headcount")]
    usccs = registry.usccs({d.enterprise_id for d in demand} | {w.enterprise_id for w in workers})
    working: dict[dt.date, bool] = {}
    arrivals = [t.arrived_at.astimezone(SHANGHAI).date() for t in trips if t.arrived_at is not None]
    if arrivals:  # every day a deadline may reach (``calendar.add_working_days`` reads as far)
        start, end = min(arrivals), max(arrivals) + dt.timedelta(days=MAX_WORKING_DAYS * 3 + 40)
        calendar = WorkingCalendar(start, end)
        working = {start + dt.timedelta(days=n): calendar.is_working(start + dt.timedelta(days=n))
                   for n in range((end - start).days + 1)}
    return WorkReturnFacts(at, trips, boardings, workers, demand, usccs, working)


# --- the stored result: flat rows ---------------------------------------------------------------------------------


@dataclass
class TripRow:
    code: str
    passengers: int
    seats: int
    arrived_at: str | None = None  # by the moment (Asia/Shanghai, ISO)
    receipt_due_at: str | None = None  # arrived by the moment: its workers' receipt deadline (Asia/Shanghai, ISO)
    overdue: bool = False  # the moment is past that deadline


@dataclass
class EventRow:
    """A boarding event by the moment, in order (no temperature; a note's phones and IDs masked)."""

    trip: str
    worker: str
    at: str
    allowed: bool
    reason: str
    note: str


@dataclass
class WorkerRow:
    code: str
    poor_labourer: bool
    enterprise_id: int
    received: bool


@dataclass
class DemandRow:
    id: int
    enterprise_id: int
    headcount: int


@dataclass
class EnterpriseRow:
    id: int
    uscc: str


@dataclass
class TallyRow:
    """The day's figures of the card on 总览 and of the bulletin (:data:`FIGURES`) for one group, as of the moment,
    summed for a reader over the groups in their scope (:func:`day_figures`). The policy scopes a trip by its
    enterprise and origin county and a worker by their enterprise and home county (``workreturn.policy``): a
    ``trip`` group holds the trips of one (enterprise, origin county) that arrived on the moment's day; a ``worker``
    group the workers brought back of one (enterprise, home county) whose current trip is of one (enterprise, origin
    county), counted for a reader who sees both. County None: outside the city."""

    kind: str  # "trip" or "worker"
    enterprise_id: int
    county_id: int | None
    trip_enterprise_id: int | None = None  # a worker group: their current trip's keys
    trip_county_id: int | None = None
    trips_today: int = 0
    workers_today: int = 0
    workers_total: int = 0
    poor_total: int = 0
    overdue: int = 0


FIGURES = ("trips_today", "workers_today", "workers_total", "poor_total", "overdue")


@dataclass
class WorkReturn:
    """The campaign as of a moment, whole city (or narrowed by :meth:`WorkReturnMeasure.visible`): the rows a
    reader's campaign is assembled from (:func:`assemble`), as the scoped computation did, and the day's figures
    by scope (``tallies``: the card and the bulletin read them without assembling the campaign)."""

    rules_version: str
    at: dt.datetime
    trips: list[TripRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    workers: list[WorkerRow] = field(default_factory=list)
    demand: list[DemandRow] = field(default_factory=list)
    enterprises: list[EnterpriseRow] = field(default_factory=list)
    tallies: list[TallyRow] = field(default_factory=list)


def receipt_due(arrived_at: dt.datetime, working_days: int, working: dict[dt.date, bool]) -> dt.datetime:
    """The end (23:59:59, Asia/Shanghai) of the Nth working day after the arrival day, on the facts' calendar
    (``engine.receipt_due`` without reading it)."""
    current, found = arrived_at.astimezone(SHANGHAI).date(), 0
    while found < working_days:
        current += dt.timedelta(days=1)
        if working.get(current, current.weekday() < 5):
            found += 1
    return dt.datetime.combine(current, dt.time(23, 59, 59), tzinfo=SHANGHAI)


def judge(facts: WorkReturnFacts, rules: WorkReturnRules) -> WorkReturn:
    """Each trip with its passengers, seats and (arrived by the moment) its receipt deadline under the rules and
    whether the moment is past it; every boarding event by then; each worker, the demand and the enterprises. Pure:
    the facts and the rules in, the rows out."""
    from dualtrack.core import privacy

    codes = {t.id: t.code for t in facts.trips}
    trips = []
    for t in facts.trips:
        row = TripRow(t.code, t.passengers, t.seats)
        if t.arrived_at is not None:
            due = receipt_due(t.arrived_at, rules.receipt_working_days, facts.working)
            row.arrived_at = t.arrived_at.astimezone(SHANGHAI).isoformat()
            row.receipt_due_at, row.overdue = due.astimezone(SHANGHAI).isoformat(), facts.at > due
        trips.append(row)
    events = [EventRow(codes[b.trip_id], b.worker_code, b.at.astimezone(SHANGHAI).isoformat(), b.allowed, b.reason,
                       privacy.mask(b.note)) for b in facts.boardings if b.trip_id in codes]
    result = WorkReturn(
        rules.label, facts.at, sorted(trips, key=lambda t: t.code), events,
        sorted((WorkerRow(w.code, w.poor_labourer, w.enterprise_id, w.received) for w in facts.workers),
               key=lambda w: w.code),
        [DemandRow(d.id, d.enterprise_id, d.headcount) for d in facts.demand],
        sorted((EnterpriseRow(pk, uscc) for pk, uscc in facts.usccs.items()), key=lambda e: e.id))
    result.tallies = tally(result, {t.code: (t.enterprise_id, t.origin_id) for t in facts.trips},
                           {w.code: (w.enterprise_id, w.home_county_id) for w in facts.workers})
    return result


def worker_state(worker: WorkerRow, boarding: EventRow | None, trips: dict[str, TripRow]) -> tuple[
        str, dt.datetime | None, bool]:
    """A worker's state as of the moment from their current boarding (the last of their events kept): registered,
    refused, boarded, arrived (with the receipt's deadline and whether it is overdue) or received."""
    state, due, overdue = WorkerState.REGISTERED.value, None, False
    if boarding is not None:
        state = WorkerState.BOARDED if boarding.allowed else WorkerState.REFUSED
        trip = trips.get(boarding.trip)
        if boarding.allowed and trip is not None and trip.receipt_due_at is not None:
            state = WorkerState.ARRIVED
            due = dt.datetime.fromisoformat(trip.receipt_due_at)
            if worker.received:
                state = WorkerState.RECEIVED
            else:
                overdue = trip.overdue
    return str(state), due, overdue


def tally(result: WorkReturn, trip_keys: dict[str, tuple[int, int | None]],
          worker_keys: dict[str, tuple[int, int | None]]) -> list[TallyRow]:
    """The day's figures by group (:class:`TallyRow`) of the whole city's rows: the trips that arrived on the
    moment's day by the moment, the workers brought back (on those trips, so far, poor labourers) and the receipts
    overdue, as :func:`day_figures` sums them for a reader. Pure."""
    start = dt.datetime.combine(result.at.astimezone(SHANGHAI).date(), dt.time(0, 0), tzinfo=SHANGHAI)
    trips = {t.code: t for t in result.trips}
    today = {t.code for t in result.trips
             if t.arrived_at is not None and start <= dt.datetime.fromisoformat(t.arrived_at) <= result.at}
    groups: dict[tuple[Any, ...], TallyRow] = {}
    for code in sorted(today):
        enterprise, county = trip_keys[code]
        groups.setdefault(("trip", enterprise, county), TallyRow("trip", enterprise, county)).trips_today += 1
    latest = {e.worker: e for e in result.events}
    for w in result.workers:
        boarding = latest.get(w.code)
        state, _due, overdue = worker_state(w, boarding, trips)
        arrived = state in (WorkerState.ARRIVED, WorkerState.RECEIVED)
        if boarding is None or not (arrived or overdue):
            continue  # counted in no figure
        enterprise, county = worker_keys[w.code]
        trip_enterprise, trip_county = trip_keys[boarding.trip]
        key = ("worker", enterprise, county, trip_enterprise, trip_county)
        row = groups.setdefault(key, TallyRow("worker", enterprise, county, trip_enterprise, trip_county))
        row.workers_total += int(arrived)
        row.workers_today += int(arrived and boarding.trip in today)
        row.poor_total += int(arrived and w.poor_labourer)
        row.overdue += int(overdue)
    return list(groups.values())


def assemble(result: WorkReturn) -> services.Campaign:
    """The campaign a reader is shown from (narrowed) rows: each worker's current boarding is the last of their
    events on the trips kept, each trip's workers on board counted once, the enterprises' requested workers the
    demand kept and their arrived workers the workers kept (as ``campaign(at, user)`` computed in the reader's
    scope)."""
    by_trip: dict[str, list[EventRow]] = defaultdict(list)
    latest: dict[str, EventRow] = {}
    for e in result.events:
        by_trip[e.trip].append(e)
        latest[e.worker] = e
    trips = {t.code: t for t in result.trips}
    on_board = Counter(e.trip for e in latest.values() if e.allowed)
    trip_states = [services.TripState(
        t.code, t.passengers, t.seats, on_board[t.code],
        [{"worker": e.worker, "reason": e.reason} for e in sorted(by_trip[t.code], key=lambda e: e.worker)
         if not e.allowed],
        [{"worker": e.worker, "at": e.at, "allowed": e.allowed, "reason": e.reason, "note": e.note}
         for e in by_trip[t.code]], None if t.arrived_at is None else dt.datetime.fromisoformat(t.arrived_at))
        for t in result.trips]
    statuses = []
    for w in result.workers:
        b = latest.get(w.code)
        state, due, overdue = worker_state(w, b, trips)
        statuses.append(services.WorkerStatus(w.code, state, due, overdue, w.poor_labourer, w.enterprise_id,
                                              b.trip if b else None))
    requested: Counter[int] = Counter()
    for d in result.demand:
        requested[d.enterprise_id] += d.headcount
    arrived = Counter(s.enterprise_id for s in statuses if s.state in (WorkerState.ARRIVED, WorkerState.RECEIVED))
    usccs = {e.id: e.uscc for e in result.enterprises}
    ids = set(requested) | set(arrived)
    enterprises = [{"uscc": usccs[pk], "requested": requested.get(pk, 0), "arrived": arrived.get(pk, 0),
                    "fulfilment": engine.fulfilment(arrived.get(pk, 0), requested.get(pk, 0))}
                   for pk in sorted(ids, key=lambda pk: usccs.get(pk, "")) if pk in usccs]
    return services.Campaign(result.rules_version, result.at, trip_states, statuses, enterprises)


def narrowed(result: WorkReturn, user: Viewer) -> WorkReturn:
    """The whole city's rows narrowed to ``user``'s scope: the trips (and their events), workers and demand their
    policy shows them; the console (None) keeps every row."""
    if user is None:
        return result
    from .models import LabourDemand, Trip, Worker

    trips = set(Trip.objects.restrict(user).values_list("code", flat=True))
    workers = set(Worker.objects.restrict(user).values_list("code", flat=True))
    demand = set(LabourDemand.objects.restrict(user).values_list("pk", flat=True))
    return WorkReturn(result.rules_version, result.at, [t for t in result.trips if t.code in trips],
                      [e for e in result.events if e.trip in trips], [w for w in result.workers if w.code in workers],
                      [d for d in result.demand if d.id in demand], result.enterprises)  # the groups: the whole city's


def _scope_keys(model: Any, user: Viewer, county: str) -> set[tuple[int, int | None]] | None:
    """The (enterprise, county) keys of the rows of ``model`` ``user`` sees (None: every row, the console and
    whoever the policy shows all)."""
    from dualtrack.core.choices import Action
    from dualtrack.core.policy import ALL

    if user is None or model.scope_q(user, Action.VIEW) is ALL:
        return None
    return set(model.objects.restrict(user).order_by().values_list("enterprise_id", county).distinct())


def day_figures(result: WorkReturn, user: Viewer, day: dt.date) -> dict[str, int]:
    """The card's and the bulletin's figures on ``day`` in ``user``'s scope (None: the whole city), summed from the
    stored groups (:class:`TallyRow`) over the keys of the trips and workers the reader sees: the same as counting
    the reader's assembled campaign (a worker whose current trip the reader does not see is not counted). The day's
    own figures are the moment's day's; a later day has none yet."""
    from .models import Trip, Worker

    trips, workers = _scope_keys(Trip, user, "origin_id"), _scope_keys(Worker, user, "home_county_id")
    out = dict.fromkeys(FIGURES, 0)
    for row in result.tallies:
        if row.kind == "trip":
            if trips is None or (row.enterprise_id, row.county_id) in trips:
                out["trips_today"] += row.trips_today
        elif (workers is None or (row.enterprise_id, row.county_id) in workers) and (
                trips is None or (row.trip_enterprise_id, row.trip_county_id) in trips):
            for name in ("workers_today", "workers_total", "poor_total", "overdue"):
                out[name] += getattr(row, name)
    if day != result.at.astimezone(SHANGHAI).date():
        out["trips_today"] = out["workers_today"] = 0
    return out


# --- the contract -------------------------------------------------------------------------------------------------


@dataclass
class RefusalContract:
    worker: str
    reason: str


@dataclass
class EventContract:
    worker: str
    at: str
    allowed: bool
    reason: str
    note: str


@dataclass
class TripContract:
    code: str
    passengers: int
    seats: int
    boarded: int
    refused: list[RefusalContract]
    history: list[EventContract]


@dataclass
class WorkerContract:
    code: str
    state: str
    receipt_due_at: str | None
    receipt_overdue: bool


@dataclass
class EnterpriseContract:
    uscc: str
    requested: int
    arrived: int
    fulfilment: float | None


@dataclass
class WorkReturnContract:
    """``/api/v1/worker-return`` and ``dualtrack worker-return --json``: no personal data."""

    rules_version: str
    trips: list[TripContract]
    workers: list[WorkerContract]
    enterprises: list[EnterpriseContract]


def can_view(user: Viewer) -> bool:
    from dualtrack.core.choices import Action

    from .models import Trip

    return Trip.permits(user, Action.VIEW)


class WorkReturnMeasure(Measure[WorkReturnFacts, WorkReturnRules, WorkReturn]):
    """点对点返岗 (DOMAIN.md §12): the campaign as of a moment."""

    key = "worker-return"
    label = gettext_lazy("点对点返岗")
    period_kind = PeriodKind.MOMENT
    rules_key = RULES_KEY
    rules = WorkReturnRules
    sources = ("worker-return", "calendar", "registry")
    result = WorkReturn
    contract = WorkReturnContract
    format = 2  # 2: the day's figures by scope (``tallies``)
    api_path = "worker-return"
    api_name = "api-worker-return"
    command = "worker-return"
    card = (45, cards.worker_return_card)
    section = (48, bulletin.section)
    menu = MenuEntry(gettext_lazy("点对点返岗"), "workreturn:board", can_view, order=14)
    steps = (Step("worker-return", services.worker_step, order=40),)
    row_key = ("code",)
    outcome_fields = ()  # the contract's first rows are the trips, which no rule of the set decides

    def load(self, period: Period, scope: Any = None) -> WorkReturnFacts:
        return load(period, scope)

    def judge(self, facts: WorkReturnFacts, rules: WorkReturnRules) -> WorkReturn:
        return judge(facts, rules)

    def as_of(self, actor: Viewer = None, on: dt.date | None = None) -> Period | None:
        return Period.of(PeriodKind.MOMENT, services.as_of(on))

    def can_view(self, actor: Viewer) -> bool:
        return can_view(actor)

    def visible(self, result: WorkReturn, actor: Viewer) -> WorkReturn:
        return narrowed(result, actor)

    def campaign(self, result: WorkReturn, actor: Viewer) -> Any:
        """The stored result narrowed to ``actor`` and assembled as the services' campaign (pages, card, bulletin)."""
        return assemble(narrowed(result, actor))

    def day_figures(self, result: WorkReturn, actor: Viewer, day: dt.date) -> dict[str, int]:
        """The card's and the bulletin's figures on ``day`` in ``actor``'s scope, read from the stored groups."""
        return day_figures(result, actor, day)

    def as_json(self, result: WorkReturn) -> dict[str, Any]:
        return assemble(result).as_json()

    def text_lines(self, result: WorkReturn) -> list[str]:
        campaign = assemble(result)
        lines = [f"{result.at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}  {result.rules_version}"]
        lines += [f"{trip.code:<16} {trip.passengers:>3}/{trip.seats:<3} boarded {trip.boarded:>3}"
                  f" refused {len(trip.refused)}" for trip in campaign.trips]
        return lines
