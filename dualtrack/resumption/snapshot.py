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
import json
import logging
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from dualtrack.core import dates, versions
from dualtrack.core import rules as rule_sets
from dualtrack.core.lazy import lazy
from dualtrack.epidemic import services as epidemic
from dualtrack.power.services import baselines as power_baselines
from dualtrack.power.services import engine, pipeline
from dualtrack.registry import services as registry

from .models import DayPicture
from .rules import RULES_KEY, power_rules

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

    def as_payload(self) -> dict[str, Any]:
        data = asdict(self)
        data["day"] = self.day.isoformat()
        for transient in ("stale", "computed_at", "seconds"):
            data.pop(transient)
        return data

    @classmethod
    def from_payload(cls, data: dict[str, Any], *, stale: bool = False, computed_at: str = "",
                     seconds: float = 0.0) -> Snapshot:
        return cls(
            day=dt.date.fromisoformat(data["day"]), rules_version=data["rules_version"],
            definition=data["definition"], epidemic=data["epidemic"],
            reported=[ReportedCell(**c) for c in data["reported"]],
            reported_before=[ReportedCell(**c) for c in data["reported_before"]],
            power=[PowerCell(**c) for c in data["power"]], power_earlier=[PowerCell(**c) for c in data["power_earlier"]],
            trend=[TrendCell(**c) for c in data["trend"]], crosscheck=[CrossFlag(**c) for c in data["crosscheck"]],
            day_trend=[TrendCell(**c) for c in data["day_trend"]],
            power_arrived=data["power_arrived"], power_through=data["power_through"], computed_at=computed_at,
            seconds=seconds, stale=stale, format=data.get("format", 0), extra=data.get("extra", {}))


# --- frames cached by data version --------------------------------------------------------------------

_FRAMES: dict[str, tuple[Any, Any]] = {}
SOURCES = frozenset({"epidemic", "resumption", "registry", "power"})  # the data a day's picture is computed from


def forget() -> None:
    """Drop what this process keeps (a test's database is rolled back under it; a restored database too)."""
    _FRAMES.clear()
    _PARSED.clear()


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


def latest_reports(day: dt.date) -> pa.Table:
    """Each enterprise's latest report on or before ``day`` (the carry-forward of §4.1): ``enterprise_id``,
    ``resumed``, ``workers``, ``date``. One pass over the (enterprise, date) index, whatever the number of
    enterprises; shared by the cells and the cross-check."""
    from django.db import connection

    from .models import ResumptionReport

    table = connection.ops.quote_name(ResumptionReport._meta.db_table)
    sql = (f"SELECT r.enterprise_id, r.resumed, r.workers_on_duty, r.date FROM {table} r "  # noqa: S608 - names only
           f"JOIN (SELECT enterprise_id, MAX(date) AS latest FROM {table} WHERE date <= %s GROUP BY enterprise_id) m "
           "ON r.enterprise_id = m.enterprise_id AND r.date = m.latest")
    with connection.cursor() as cursor:
        cursor.execute(sql, [day])
        rows = cursor.fetchall()
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [[], [], [], []]
    dates = [d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)) for d in columns[3]]
    return pa.table({"enterprise_id": pa.array(columns[0], pa.int64()), "resumed": pa.array(columns[1], pa.bool_()),
                     "workers": pa.array(columns[2], pa.int64()), "date": pa.array(dates, pa.date32())})


def _reported_cells(day: dt.date, latest: pa.Table | None = None) -> list[ReportedCell]:
    """§4.1's sums per cell: the active enterprises (the registry frame) joined to their latest reports."""
    import pyarrow.compute as pc

    latest = latest if latest is not None else latest_reports(day)
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


def compute(day: dt.date, *, engine_name: str | None = None, epidemic_rules: str | None = None) -> Snapshot:
    """The whole city's picture of ``day`` (nothing stored)."""
    started = time.perf_counter()
    situation = epidemic.situation(day, None, rules_label=epidemic_rules)
    version = rule_sets.current(RULES_KEY)
    definition = version.definition
    rules = power_rules(definition)
    con = engine.shared() if engine_name is None else engine.connect(engine_name)
    enterprises = enterprise_frame()
    accounts = account_frame()
    base = baseline_table(con, rules) if engine_name is None else power_baselines.ensure(con, rules, accounts)[0]
    ent, acc, bas = engine.arrow_table(enterprises), engine.arrow_table(accounts), engine.arrow_table(base)

    def ratios(on: dt.date) -> Any:
        day_ratios = pipeline.day_ratios(engine.readings(con, None, on, on), acc, bas, on, rules)
        return engine.arrow_table(con.to_pyarrow(pipeline.with_groups(day_ratios, ent)))

    latest = latest_reports(day)
    reported = _reported_cells(day, latest)
    has_baseline = pa.compute.filter(base["enterprise_id"], base["has_baseline"])
    without = enterprises.filter(pa.compute.invert(pa.compute.is_in(enterprises["enterprise_id"], value_set=has_baseline)))
    missing_baseline = {
        _cell_key(row): row["enterprise_id_count"]
        for row in without.group_by(["county", "park", "section", "size"]).aggregate([("enterprise_id", "count")]).to_pylist()}
    for cell in reported:
        cell.no_baseline = missing_baseline.get((cell.county, cell.park, cell.section, cell.size), 0)
    earlier = day - dt.timedelta(days=definition["fast_rise_days"])
    label = f"{situation['rules_version']},{version.label}"
    power_today = _power_cells(con, ratios(day))
    # What earlier days' stored pictures already hold is not computed again: each picture keeps its own day's
    # trend cells, so a day's computation reads one day of readings for the trend, not thirty.
    stored_trend = _stored_parts(label, day - dt.timedelta(days=TREND_DAYS - 1), day - dt.timedelta(days=1), "day_trend")
    stored_power = _stored_parts(label, earlier, earlier, "power")
    trend = [TrendCell(**c) for cells in stored_trend.values() for c in cells]
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
    power_earlier = [PowerCell(**c) for c in stored_power[earlier]] if earlier in stored_power \
        else _power_cells(con, ratios(earlier))
    power_through = engine.last_reading_day()
    snapshot = Snapshot(
        day=day, rules_version=label, definition=definition,
        epidemic=situation, reported=reported, reported_before=_reported_cells(day - dt.timedelta(days=1)),
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


def _stored_parts(label: str, first: dt.date, last: dt.date, key: str) -> dict[dt.date, list[dict[str, Any]]]:
    """One part of the fresh stored pictures of ``first``…``last`` (only that part is read from the database)."""
    rows = DayPicture.objects.filter(rules_version=label, stale=False, day__range=(first, last),
                                     payload__format=FORMAT).values_list("day", f"payload__{key}")
    return {day: part for day, part in rows if part is not None}


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


# --- storing and reading -------------------------------------------------------------------------------


def current_label() -> str:
    from dualtrack.epidemic.services import RuleVersions

    return f"{RuleVersions.resolve(None).label},{rule_sets.current(RULES_KEY).label}"


_PARSED: dict[int, tuple[str, Snapshot]] = {}  # stored picture id -> (computed_at, parsed): parsed once per process


def save(snapshot: Snapshot) -> DayPicture:
    """Store ``snapshot`` as its day's picture (replacing an older computation of the same versions)."""
    payload = json.loads(json.dumps(snapshot.as_payload(), default=str))
    values = {"payload": payload, "computed_at": dates.real_now(), "seconds": snapshot.seconds, "stale": False}
    try:
        with transaction.atomic():
            row, _created = DayPicture.objects.update_or_create(day=snapshot.day, rules_version=snapshot.rules_version,
                                                                defaults=values)
    except IntegrityError:  # computed by another process at the same moment: theirs is as good
        row = DayPicture.objects.get(day=snapshot.day, rules_version=snapshot.rules_version)
    return row


def refresh(day: dt.date) -> DayPicture:
    return save(compute(day))


def stored(day: dt.date, *, allow_stale: bool = False) -> Snapshot:
    """The stored picture of ``day`` for the current rule sets: computed and stored when there is none (or
    when it is stale and ``allow_stale`` is false: the API, the CLI and the bulletin never read stale numbers;
    pages do, saying an update is running, while the worker recomputes it)."""
    label = current_label()
    found = DayPicture.objects.filter(day=day, rules_version=label).values("pk", "computed_at", "stale", "seconds").first()
    head: dict[str, Any] | None = dict(found) if found else None
    if head is None or (head["stale"] and not allow_stale):
        row = refresh(day)
        head = {"pk": row.pk, "computed_at": row.computed_at, "stale": False, "seconds": row.seconds}
    stamp = head["computed_at"].isoformat()
    cached = _PARSED.get(head["pk"])
    if cached is None or cached[0] != stamp:
        payload = DayPicture.objects.filter(pk=head["pk"]).values_list("payload", flat=True).first()
        if payload is None or payload.get("format") != FORMAT:  # an older shape: compute it again
            row = refresh(day)
            head = {"pk": row.pk, "stale": False, "seconds": row.seconds}
            payload, stamp = row.payload, row.computed_at.isoformat()
        snapshot = Snapshot.from_payload(payload, computed_at=stamp, seconds=head["seconds"])
        if len(_PARSED) > 64:
            _PARSED.clear()
        _PARSED[head["pk"]] = (stamp, snapshot)
        cached = _PARSED[head["pk"]]
    snap = cached[1]
    snap.stale = bool(head["stale"])
    return snap


def computed_at(day: dt.date) -> dt.datetime | None:
    """When the current picture of ``day`` was computed (None: none yet, or stale)."""
    return DayPicture.objects.filter(day=day, rules_version=current_label(), stale=False) \
        .values_list("computed_at", flat=True).first()


def mark_stale(day: dt.date | None) -> int:
    """Pictures of ``day`` and later (every day when None) are stale: their data changed."""
    queryset = DayPicture.objects.filter(stale=False)
    if day is not None:
        queryset = queryset.filter(day__gte=day)
    return queryset.update(stale=True)


def worker_step() -> dict[str, Any]:
    """Keep the pictures fresh: the data-as-of day and the day before it, then every stale one (latest
    first). Each picture is recomputed only if it is still stale when its turn comes."""
    as_of = versions.data_day()  # the pages' default day (today while nothing has arrived)
    done: list[str] = []
    label = current_label()
    if as_of is not None:
        for day in (as_of, as_of - dt.timedelta(days=1)):
            if not DayPicture.objects.filter(day=day, rules_version=label, stale=False).exists():
                refresh(day)
                done.append(day.isoformat())
    for day in DayPicture.objects.filter(stale=True, rules_version=label).order_by("-day").values_list("day", flat=True):
        if DayPicture.objects.filter(day=day, rules_version=label, stale=True).exists():
            refresh(day)
            done.append(day.isoformat())
    DayPicture.objects.exclude(rules_version=label).filter(stale=True).delete()  # superseded rule sets
    return {"recomputed": done}
