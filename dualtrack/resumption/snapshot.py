"""The stored daily picture (每日态势): computed once per day and rule-set version, read by every page.

:func:`compute` runs the whole city's numbers for a day (the epidemic situation, the sums of §4.1 and §4.2 per
county × park × industry section × size class, the power trend, the cross-check flags, what has been
reported); :func:`stored` answers the stored picture, computing it the first time a day is asked for. The
worker (step ``pictures``) keeps the data-as-of day's picture fresh and recomputes those marked stale by a
late import (``core.versions``). A scope (a district, a park) and a size class are sums of cells, so every
user reads the same stored picture.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dualtrack.core import columnar, judgements, versions
from dualtrack.core.capability import Period, PeriodKind
from dualtrack.core.lazy import lazy
from dualtrack.core.models import Judgement, JudgementState
from dualtrack.epidemic import services as epidemic
from dualtrack.power.services import baselines as power_baselines
from dualtrack.power.services import engine, pipeline
from dualtrack.registry import services as registry

from .rules import power_rules

if TYPE_CHECKING:
    import ibis
    import pyarrow as pa
else:
    ibis = lazy("ibis")
    pa = lazy("pyarrow")

logger = logging.getLogger(__name__)
TREND_DAYS = 30
FORMAT = 2  # bumped when the payload's shape changes: older stored pictures are recomputed


@dataclass
class ReportedCell:
    """§4.1 sums of one county × park × section × size cell: active enterprises, resumed (carried forward),
    workers on duty of the resumed, normal headcount, enterprises with a report dated the day, enterprises
    without a power baseline."""

    county: str
    park: str
    section: str
    size: str
    total: int
    resumed: int
    workers: int
    headcount: int
    reported_today: int = 0
    no_baseline: int = 0


@dataclass
class PowerCell:
    """§4.2 sums of one cell: enterprises with a baseline and a reading, power-resumed, their kWh, baselines."""

    county: str
    park: str
    section: str
    size: str
    enterprises: int
    resumed: int
    resumed_kwh: float
    baseline_kwh: float


@dataclass
class TrendCell:
    date: str
    county: str
    park: str
    size: str
    enterprises: int
    resumed: int
    resumed_kwh: float
    baseline_kwh: float


@dataclass
class CrossFlag:
    """One §4.4 flag: ``paper`` (reported resumed, no power) or ``unreported`` (power, not reported)."""

    enterprise_id: int
    kind: str
    min_ratio: float
    max_ratio: float
    last_date: str
    county: str
    park: str
    size: str


@dataclass
class Snapshot:
    """One day's stored picture, whole city (scoped views are made from it in ``picture``)."""

    day: dt.date
    rules_version: str
    definition: dict[str, Any]
    epidemic: dict[str, Any]
    reported: list[ReportedCell]
    reported_before: list[ReportedCell]
    power: list[PowerCell]
    power_earlier: list[PowerCell]
    trend: list[TrendCell]
    crosscheck: list[CrossFlag]
    day_trend: list[TrendCell]  # this day's part of every later day's trend
    power_arrived: bool
    power_through: str | None
    computed_at: str = ""
    seconds: float = 0.0
    stale: bool = False
    format: int = FORMAT
    extra: dict[str, Any] = field(default_factory=dict)


# --- frames cached by data version --------------------------------------------------------------------

_FRAMES: dict[str, tuple[Any, Any]] = {}
SOURCES = frozenset({"epidemic", "resumption", "registry", "power"})  # the data a day's picture is computed from


def forget() -> None:
    """Drop what this process keeps (a test's database is rolled back under it; a restored database too)."""
    _FRAMES.clear()


def _cached(name: str, key: Any, build: Any) -> Any:
    hit = _FRAMES.get(name)
    if hit is not None and hit[0] == key:
        return hit[1]
    value = build()
    _FRAMES[name] = (key, value)
    return value


def enterprise_frame() -> pa.Table:
    """Active enterprises with their grouping columns, rebuilt only when the registry's version changes."""
    def build() -> pa.Table:
        rows = list(registry.all_enterprises().filter(is_active=True).values_list(
            "id", "county__code", "park__code", "industry_section", "size_class", "normal_headcount"))
        columns: list[Any] = list(zip(*rows, strict=True)) if rows else [[], [], [], [], [], []]
        return pa.table({"enterprise_id": pa.array(columns[0], pa.int64()),
                         "county": pa.array(columns[1], pa.string()), "park": pa.array(columns[2], pa.string()),
                         "section": pa.array(columns[3], pa.string()), "size": pa.array(columns[4], pa.string()),
                         "headcount": pa.array(columns[5], pa.int64())})
    return _cached("enterprises", versions.version("registry"), build)


def account_frame() -> pa.Table:
    return _cached("accounts", versions.version("registry"), registry.account_frame)


def baseline_table(con: Any, rules: pipeline.PowerRules) -> pa.Table:
    """The baselines, re-checked against the store only when power or registry data changed."""
    key = (rules, str(engine.store_path()), versions.version("power"), versions.version("registry"))
    return _cached("baselines", key, lambda: power_baselines.ensure(con, rules, account_frame())[0])


# --- computing ------------------------------------------------------------------------------------------


def latest_reports_and_day_before(day: dt.date) -> tuple[pa.Table, pa.Table]:
    """Each enterprise's latest report on or before ``day`` (the carry-forward of §4.1), and the same for the day
    before: ``enterprise_id``, ``resumed``, ``workers``, ``date``. One pass over the (enterprise, date) index to the
    day before, then the day's own reports replace theirs (the picture needs both days: two passes were a third of a
    new day's time at 100,000 enterprises); shared by the cells and the cross-check."""
    import pyarrow.compute as pc
    from django.db import connection

    from .models import ResumptionReport

    table = connection.ops.quote_name(ResumptionReport._meta.db_table)
    columns = "r.enterprise_id, r.resumed, r.workers_on_duty, r.date"
    latest = (f"SELECT {columns} FROM {table} r JOIN (SELECT enterprise_id, MAX(date) AS latest "  # noqa: S608 - names
              f"FROM {table} WHERE date <= %s GROUP BY enterprise_id) m "
              "ON r.enterprise_id = m.enterprise_id AND r.date = m.latest")
    before = _report_table(latest, day - dt.timedelta(days=1))
    today = _report_table(f"SELECT {columns} FROM {table} r WHERE r.date = %s", day)  # noqa: S608 - names only
    kept = before.filter(pc.invert(pc.is_in(before["enterprise_id"], value_set=today["enterprise_id"])))
    return pa.concat_tables([kept, today]), before


def _report_table(sql: str, day: dt.date) -> pa.Table:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, [day])
        rows = cursor.fetchall()
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [[], [], [], []]
    dates = pa.array(columns[3])
    dates = dates.cast(pa.date32()) if pa.types.is_string(dates.type) or pa.types.is_null(dates.type) \
        else pa.array(columns[3], pa.date32())  # SQLite answers text, PostgreSQL dates
    return pa.table({"enterprise_id": pa.array(columns[0], pa.int64()), "resumed": pa.array(columns[1], pa.bool_()),
                     "workers": pa.array(columns[2], pa.int64()), "date": dates})


def _reported_cells(day: dt.date, latest: pa.Table) -> list[ReportedCell]:
    """§4.1's sums per cell: the active enterprises (the registry frame) joined to their latest reports."""
    import pyarrow.compute as pc

    joined = enterprise_frame().join(latest, "enterprise_id", join_type="left outer")
    resumed = pc.fill_null(joined["resumed"], False)
    joined = joined.append_column("resumed_n", pc.cast(resumed, pa.int64()))
    # Workers on duty as reported, "not resumed" with staff on duty too (§4.1: listed in data quality, still counted)
    joined = joined.append_column("workers_r", pc.fill_null(joined["workers"], 0))
    joined = joined.append_column("today_n", pc.cast(pc.fill_null(pc.equal(joined["date"], pa.scalar(day, pa.date32())),
                                                                   False), pa.int64()))
    grouped = joined.group_by(["county", "park", "section", "size"]).aggregate([
        ("enterprise_id", "count"), ("resumed_n", "sum"), ("workers_r", "sum"), ("headcount", "sum"),
        ("today_n", "sum")])
    return [ReportedCell(county=r["county"] or "", park=r["park"] or "", section=r["section"] or "",
                         size=r["size"] or "", total=r["enterprise_id_count"], resumed=r["resumed_n_sum"] or 0,
                         workers=r["workers_r_sum"] or 0, headcount=r["headcount_sum"] or 0,
                         reported_today=r["today_n_sum"] or 0)
            for r in grouped.to_pylist()]


def _cell_key(row: dict[str, Any]) -> tuple[str, str, str, str]:
    return (row["county"] or "", row["park"] or "", row["section"] or "", row["size"] or "")


def _power_cells(con: Any, ratios: Any) -> list[PowerCell]:
    table = con.to_pyarrow(pipeline.cell_sums(ratios))
    return [PowerCell(county=r["county"] or "", park=r["park"] or "", section=r["section"] or "", size=r["size"] or "",
                      enterprises=int(r["enterprises"]), resumed=int(r["resumed"] or 0),
                      resumed_kwh=float(r["resumed_kwh"] or 0.0), baseline_kwh=float(r["baseline_kwh"] or 0.0))
            for r in table.to_pylist()]


def compute(day: dt.date, *, engine_name: str | None = None, epidemic_rules: str | None = None,
            rules: Any = None) -> Snapshot:
    """The whole city's picture of ``day`` under ``rules`` (the typed rule set ``resumption``, default the current
    one); nothing stored (``refresh`` stores it)."""
    started = time.perf_counter()
    if rules is None:
        rules = measure().current_rules()[1]
    situation = epidemic.situation(day, None, rules_label=epidemic_rules)
    definition = rules.definition()
    version_label = rules.label
    rules = power_rules(definition)
    con = engine.shared() if engine_name is None else engine.connect(engine_name)
    enterprises = enterprise_frame()
    accounts = account_frame()
    base = baseline_table(con, rules) if engine_name is None else power_baselines.ensure(con, rules, accounts)[0]
    ent, acc, bas = engine.arrow_table(enterprises), engine.arrow_table(accounts), engine.arrow_table(base)

    def ratios(on: dt.date) -> Any:
        day_ratios = pipeline.day_ratios(engine.readings(con, None, on, on), acc, bas, on, rules)
        return engine.arrow_table(con.to_pyarrow(pipeline.with_groups(day_ratios, ent)))

    latest, latest_before = latest_reports_and_day_before(day)
    reported = _reported_cells(day, latest)
    has_baseline = pa.compute.filter(base["enterprise_id"], base["has_baseline"])
    without = enterprises.filter(pa.compute.invert(pa.compute.is_in(enterprises["enterprise_id"], value_set=has_baseline)))
    missing_baseline = {
        _cell_key(row): row["enterprise_id_count"]
        for row in without.group_by(["county", "park", "section", "size"]).aggregate([("enterprise_id", "count")]).to_pylist()}
    for cell in reported:
        cell.no_baseline = missing_baseline.get((cell.county, cell.park, cell.section, cell.size), 0)
    earlier = day - dt.timedelta(days=definition["fast_rise_days"])
    label = f"{situation['rules_version']},{version_label}"
    power_today = _power_cells(con, ratios(day))
    # What earlier days' stored pictures already hold is not computed again: each picture keeps its own day's
    # trend cells, so a day's computation reads one day of readings for the trend, not thirty.
    stored_trend = _stored_parts(version_label, day - dt.timedelta(days=TREND_DAYS - 1), day - dt.timedelta(days=1),
                                 "day_trend")
    stored_power = _stored_parts(version_label, earlier, earlier, "power")
    trend = [c for cells in stored_trend.values() for c in cells]
    trend += _day_trend(day, power_today)
    missing = [day - dt.timedelta(days=n) for n in range(1, TREND_DAYS) if day - dt.timedelta(days=n) not in stored_trend]
    if missing:
        readings = engine.readings(con, None, min(missing), max(missing))
        readings = readings.filter(readings.date.isin([ibis.date(d) for d in missing]))
        trend_table = con.to_pyarrow(pipeline.cell_sums_by_day(readings, acc, bas, ent, rules))
        trend += [TrendCell(date=r["date"].isoformat(), county=r["county"] or "", park=r["park"] or "",
                            size=r["size"] or "", enterprises=int(r["enterprises"]), resumed=int(r["resumed"] or 0),
                            resumed_kwh=float(r["resumed_kwh"] or 0.0), baseline_kwh=float(r["baseline_kwh"] or 0.0))
                  for r in trend_table.to_pylist()]
    trend.sort(key=lambda c: (c.date, c.county, c.park, c.size))
    power_earlier = stored_power[earlier] if earlier in stored_power \
        else _power_cells(con, ratios(earlier))
    power_through = engine.last_reading_day()
    snapshot = Snapshot(
        day=day, rules_version=label, definition=definition,
        epidemic=situation, reported=reported, reported_before=_reported_cells(day - dt.timedelta(days=1), latest_before),
        power=power_today, power_earlier=power_earlier, trend=trend, day_trend=_day_trend(day, power_today),
        crosscheck=_crosscheck(con, day, acc, bas, enterprises, rules, latest),
        power_arrived=(engine.readings_path() / day.isoformat()).is_dir(),
        power_through=min(power_through, day).isoformat() if power_through else None,
    )
    snapshot.seconds = round(time.perf_counter() - started, 3)
    return snapshot


def _day_trend(day: dt.date, power: list[PowerCell]) -> list[TrendCell]:
    """The day's power cells summed over industry sections: its part of the trend (county × park × size)."""
    sums: dict[tuple[str, str, str], list[float]] = {}
    for cell in power:
        running = sums.setdefault((cell.county, cell.park, cell.size), [0, 0, 0.0, 0.0])
        running[0] += cell.enterprises
        running[1] += cell.resumed
        running[2] += cell.resumed_kwh
        running[3] += cell.baseline_kwh
    return [TrendCell(date=day.isoformat(), county=county, park=park, size=size, enterprises=int(v[0]),
                      resumed=int(v[1]), resumed_kwh=v[2], baseline_kwh=v[3])
            for (county, park, size), v in sorted(sums.items())]


def _stored_parts(label: str, first: dt.date, last: dt.date, key: str) -> dict[dt.date, list[Any]]:
    """One table of the fresh stored pictures of ``first``…``last`` under the rule set version ``label`` (only that
    table is decompressed and read): what a day's computation reuses of the days before it."""
    found = measure()
    rows = Judgement.objects.filter(
        measure=found.key, rules_version=label, state=JudgementState.READY, format=found.format,
        data_version=judgements.data_version(found), period__gte=first.isoformat(), period__lte=last.isoformat(),
    ).values_list("period", "payload")
    return {dt.date.fromisoformat(period): columnar.decode_part(Snapshot, bytes(payload), key)
            for period, payload in rows if payload}


def _crosscheck(con: Any, day: dt.date, accounts: Any, base: Any, enterprises: pa.Table,
                rules: pipeline.PowerRules, latest: pa.Table) -> list[CrossFlag]:
    start = day - dt.timedelta(days=rules.crosscheck_lookback_days - 1)
    reported_table = engine.arrow_table(latest.select(["enterprise_id", "resumed"]))
    recent = pipeline.recent_ratios(engine.readings(con, None, start, day), accounts, base, day, rules)
    flags = pipeline.crosscheck(recent, reported_table, rules).join(engine.arrow_table(enterprises), "enterprise_id")
    return [CrossFlag(enterprise_id=int(r["enterprise_id"]), kind=r["kind"], min_ratio=float(r["min_ratio"]),
                      max_ratio=float(r["max_ratio"]), last_date=r["last_date"].isoformat(), county=r["county"] or "",
                      park=r["park"] or "", size=r["size"] or "")
            for r in con.to_pyarrow(flags).to_pylist()]


# --- storing and reading: thin functions over the judgement store (core.judgements) ------------------------


def measure() -> Any:
    """The day's picture as a measure, looked up where it was registered (``measure.py`` builds on this module)."""
    from dualtrack.core import capability

    return capability.measure("resumption")


def _period(day: dt.date) -> Period:
    return Period.of(PeriodKind.DAY, day)


class NotReady(Exception):  # noqa: N818 - a state, not a fault
    """A page asked for a day's picture that is being computed: ``answer`` is the store's ``Pending``."""

    def __init__(self, answer: judgements.Pending) -> None:
        super().__init__(answer.period.key)
        self.answer = answer


def refresh(day: dt.date) -> judgements.Stored[Snapshot]:
    """Compute and store the picture of ``day`` now (the worker's)."""
    return judgements.refresh(measure(), _period(day))


def stored(day: dt.date, *, allow_stale: bool = False, page: bool = False) -> Snapshot:
    """The stored picture of ``day`` for the current rule sets. Without ``allow_stale`` (the API, the CLI, the
    bulletin) a fresh one, computed now when there is none or it is stale. With it, the stored one, stale or not
    (an update then runs in the background); a day never computed is computed now, or, for a ``page``, queued and
    :class:`NotReady` raised: the page says 计算中 and asks again."""
    found: judgements.Stored[Snapshot] | judgements.Pending
    if allow_stale:
        found = judgements.read(measure(), _period(day))
        if isinstance(found, judgements.Pending):
            if page:
                raise NotReady(found)
            found = judgements.ensure(measure(), _period(day))
    else:
        found = judgements.ensure(measure(), _period(day))
    snap = found.result
    snap.computed_at, snap.seconds, snap.stale = found.computed_at.isoformat(), found.seconds, found.stale
    return snap


def _row(day: dt.date) -> tuple[Any, bool] | None:
    """The stored picture of ``day`` under the current rule set (when it was computed, whether it is stale)."""
    found = measure()
    label, _rules = found.current_rules()
    row = Judgement.objects.filter(measure=found.key, period=day.isoformat(), rules_version=label,
                                   state=JudgementState.READY, format=found.format) \
        .values_list("computed_at", "data_version").first()
    return None if row is None else (row[0], row[1] != judgements.data_version(found))


def is_stale(day: dt.date) -> bool | None:
    """Whether the stored picture of ``day`` is stale (None: there is none)."""
    row = _row(day)
    return None if row is None else row[1]


def computed_at(day: dt.date) -> dt.datetime | None:
    """When the current picture of ``day`` was computed (None: none yet, or stale)."""
    row = _row(day)
    return None if row is None or row[1] else row[0]


def mark_stale(day: dt.date | None) -> int:
    """Pictures of ``day`` and later (every day when None) are stale: they are recomputed before they are read
    fresh again."""
    rows = Judgement.objects.filter(measure=measure().key).exclude(data_version="")
    if day is not None:
        rows = rows.filter(period__gte=day.isoformat())
    return rows.update(data_version="")


def worker_step() -> dict[str, Any]:
    """Keep the pictures fresh: the data-as-of day and the day before it, then every stale one (latest first).
    Each picture is recomputed only if it is still stale when its turn comes."""
    found = measure()
    as_of = versions.data_day()  # the pages' default day (today while nothing has arrived)
    done: list[str] = []
    label, _rules = found.current_rules()
    if as_of is not None:
        for day in (as_of, as_of - dt.timedelta(days=1)):
            if is_stale(day) is not False:
                refresh(day)
                done.append(day.isoformat())
    stale = Judgement.objects.filter(measure=found.key, rules_version=label, state=JudgementState.READY) \
        .exclude(data_version=judgements.data_version(found)).order_by("-period").values_list("period", flat=True)
    for key in list(stale):
        day = dt.date.fromisoformat(key)
        if is_stale(day):
            refresh(day)
            done.append(day.isoformat())
    Judgement.objects.filter(measure=found.key).exclude(rules_version=label) \
        .exclude(data_version=judgements.data_version(found)).delete()  # stale under superseded rule sets
    return {"recomputed": done}
