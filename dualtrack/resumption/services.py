"""Resumption indicators for any date (DOMAIN.md §4.1–§4.4), per county, park, industry section, size
class and the city, and the matching with the epidemic map.

Reported resumption comes from the database (each enterprise's latest report on or before the day);
power indicators come from the power pipeline (DuckDB or Spark) over the columnar readings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dualtrack.core import dates
from dualtrack.core import rules as rule_sets
from dualtrack.core.actors import Actor, Viewer, as_user
from dualtrack.core.choices import Action
from dualtrack.core.lazy import lazy
from dualtrack.power.services import engine, pipeline
from dualtrack.registry import services as registry

from .models import ResumptionReport
from .rules import RULES_KEY, power_rules

if TYPE_CHECKING:
    import pyarrow as pa
else:
    pa = lazy("pyarrow")

GROUPS = {"county": "county__code", "park": "park__code", "industry": "industry_section", "size": "size_class"}
POWER_COLUMNS = {"county": "county", "park": "park", "industry": "section", "size": "size"}
SIZE_SCOPES = ("all", "规上工业", "限上服务业", "农业龙头")


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 6) if denominator else None


def enterprises_in(user: Viewer, size_scope: str = "all") -> QuerySet[Any]:
    queryset = registry.enterprises_for(user, Action.VIEW) if user is not None else registry.all_enterprises()
    queryset = queryset.filter(is_active=True)
    if size_scope and size_scope != "all":
        queryset = queryset.filter(size_class=size_scope)
    return queryset


def _latest_report(day: dt.date) -> QuerySet[ResumptionReport]:
    """Each enterprise's latest report on or before ``day``, as a correlated subquery (the carry-forward)."""
    return ResumptionReport.objects.filter(enterprise=OuterRef("pk"), date__lte=day).order_by("-date")


def reported_cells(day: dt.date, user: Viewer = None, size_scope: str = "all") -> list[dict[str, Any]]:
    """The sums of §4.1 per cell of county × park × industry section × size class, in one query: every
    grouping (and the city) adds cells up, so a page that shows five groupings asks once per day."""
    latest = _latest_report(day)
    queryset = enterprises_in(user, size_scope).annotate(
        report_resumed=Subquery(latest.values("resumed")[:1]),
        report_workers=Subquery(latest.values("workers_on_duty")[:1], output_field=IntegerField()),
    )
    return list(queryset.values(*GROUPS.values()).order_by().annotate(
        total=Count("id"), resumed=Count("id", filter=Q(report_resumed=True)),
        workers=Coalesce(Sum("report_workers"), 0),  # as reported, "not resumed" with staff on duty too (§4.1)
        headcount=Coalesce(Sum("normal_headcount"), 0),
    ))


def reported(day: dt.date, by: str | None, user: Viewer = None, size_scope: str = "all",
             cells: list[dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """§4.1 per group: scope_total, resumed, rate, workers_on_duty, workers_normal, worker_return_rate.
    A report carries forward until a later one; no report means not resumed. ``cells``: the day's
    ``reported_cells`` when the caller already has them."""
    if cells is None:
        cells = reported_cells(day, user, size_scope)
    sums: dict[str, list[int]] = {}
    for cell in cells:  # cells, not enterprises: a few hundred in a city
        group = (cell[GROUPS[by]] or "") if by else "city"
        running = sums.setdefault(group, [0, 0, 0, 0])
        for index, field_name in enumerate(("total", "resumed", "workers", "headcount")):
            running[index] += cell[field_name]
    return {
        group: {"scope_total": total, "resumed": resumed, "rate": _ratio(resumed, total),
                "workers_on_duty": workers, "workers_normal": headcount,
                "worker_return_rate": _ratio(workers, headcount)}
        for group, (total, resumed, workers, headcount) in sums.items()
    }


@dataclass
class PowerContext:
    """What the power step needs for one run: engine, rules, registry frames and baselines."""

    con: Any
    rules: pipeline.PowerRules
    enterprises: pa.Table
    accounts: pa.Table
    baselines: pa.Table


def power_context(user: Viewer = None, size_scope: str = "all", definition: dict[str, Any] | None = None,
                  con: Any = None) -> PowerContext:
    from .snapshot import account_frame, baseline_table

    definition = definition or rule_sets.current(RULES_KEY).definition
    rules = power_rules(definition)
    con = con or engine.shared()
    queryset = enterprises_in(user, size_scope)
    rows = list(queryset.values_list("id", "county__code", "park__code", "industry_section", "size_class"))
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [[], [], [], [], []]
    enterprises = pa.table({"enterprise_id": pa.array(columns[0], pa.int64()), "county": pa.array(columns[1], pa.string()),
                            "park": pa.array(columns[2], pa.string()), "section": pa.array(columns[3], pa.string()),
                            "size": pa.array(columns[4], pa.string())})
    return PowerContext(con=con, rules=rules, enterprises=enterprises, accounts=account_frame(),
                        baselines=baseline_table(con, rules))


def no_baseline(ctx: PowerContext) -> list[int]:
    """Enterprises left out of the power indicators for want of a baseline (data quality)."""
    with_baseline = set(pa.compute.filter(ctx.baselines["enterprise_id"], ctx.baselines["has_baseline"]).to_pylist())
    return sorted(set(ctx.enterprises["enterprise_id"].to_pylist()) - with_baseline)


def save_report(actor: Actor, enterprise: Any, day: dt.date, resumed: bool, workers_on_duty: int,
                capacity: Any = None, source: str = "self") -> tuple[ResumptionReport, bool]:
    """Create or correct an enterprise's report for a day (self-report page and API), audited; the writer
    must reach the enterprise."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from dualtrack.core import audit, policy
    from dualtrack.core.scoping import ensure_in_scope

    policy.authorize(actor, enterprise, Action.REPORT)
    if day > dates.today():
        raise ValidationError({"date": _("日期晚于今天")})
    if workers_on_duty < 0:
        raise ValidationError({"workers_on_duty": _("不能为负数")})
    from django.db import IntegrityError

    def upsert() -> tuple[ResumptionReport, bool]:
        with transaction.atomic():
            existing = ResumptionReport.objects.select_for_update().filter(enterprise=enterprise, date=day).first()
            before = audit.snapshot(existing) if existing else None
            obj = existing or ResumptionReport(enterprise=enterprise, date=day)
            obj.resumed, obj.workers_on_duty, obj.capacity, obj.source = resumed, workers_on_duty, capacity, source
            obj.reported_by = as_user(actor)
            if existing is not None and audit.snapshot(obj) == before:
                return obj, False
            obj.save()
            audit.record_change(actor, obj, before)
            ensure_in_scope(obj, actor, Action.REPORT)
        return obj, True

    try:
        return upsert()
    except IntegrityError:  # the same report sent twice at once: the second finds the first and updates it
        return upsert()


def inconsistent_reports(day: dt.date, user: Viewer) -> QuerySet[ResumptionReport]:
    """Reports of the day that say "not resumed" yet give workers on duty (数据质量). They are stored as reported,
    never corrected silently, and counted as reported: the worker-return rate sums every active enterprise's
    workers on duty (DOMAIN.md §4.1, guards and maintenance staff of an enterprise not resumed too)."""
    return (ResumptionReport.objects.restrict(user).filter(date=day, resumed=False, workers_on_duty__gt=0)
            .select_related("enterprise", "enterprise__county").order_by("enterprise__county__code", "enterprise__name"))


def not_resumed(day: dt.date, user: Viewer) -> QuerySet[Any]:
    """Enterprises in the user's scope whose carried-forward status on ``day`` is not resumed (or that
    never reported), for district operators to follow up."""
    latest = _latest_report(day)
    return (enterprises_in(user).annotate(report_resumed=Subquery(latest.values("resumed")[:1]),
                                          report_date=Subquery(latest.values("date")[:1]))
            .filter(Q(report_resumed=False) | Q(report_resumed__isnull=True))
            .select_related("county", "park").order_by("county__code", "-is_key", "name"))


def power_history(enterprise: Any, end: dt.date, days: int) -> dict[str, Any]:
    """One enterprise's daily kWh and ratio to its baseline over ``days`` days to ``end`` (一企一档): the store's
    files of those days only, its accounts only."""
    from ibis import _ as col

    from .snapshot import baseline_table

    definition = rule_sets.current(RULES_KEY).definition
    rules = power_rules(definition)
    con = engine.shared()
    accounts = list(enterprise.power_accounts.values_list("account_no", flat=True))
    base = baseline_table(con, rules)
    mine = base.filter(pa.compute.equal(base["enterprise_id"], enterprise.pk)).to_pylist()
    baseline = mine[0]["baseline_kwh"] if mine and mine[0]["has_baseline"] else None
    points: list[dict[str, Any]] = []
    if accounts:
        start = end - dt.timedelta(days=days - 1)
        daily = engine.readings(con, None, start, end).filter(col.account.isin(accounts)).group_by("date") \
            .agg(kwh=col.kwh.sum()).order_by("date")
        for row in con.to_pyarrow(daily).to_pylist():
            points.append({"date": row["date"].isoformat(), "kwh": round(row["kwh"], 1),
                           "ratio": round(row["kwh"] / baseline, 4) if baseline else None})
    return {"baseline_kwh": baseline, "points": points, "resumed_ratio": rules.resumed_ratio}


def with_resumed_status(queryset: QuerySet[Any], day: dt.date) -> QuerySet[Any]:
    """Enterprises annotated with ``report_resumed``: their carried-forward reported status on ``day``
    (None when they never reported), as one correlated subquery: for other modules' eligibility rules."""
    return queryset.annotate(report_resumed=Subquery(_latest_report(day).values("resumed")[:1]))


# The command picture (§4.3), for the dashboard, 总览, ``dualtrack situation``, the bulletin and the API: views of
# the day's stored picture. Imported last: the stored picture builds on the functions above.
from .legend import index_legend, index_step  # noqa: E402  (the power-index map's stepped legend)
from .picture import (  # noqa: E402
    EMPTY_POWER,
    EMPTY_RESUMPTION,
    Picture,
    counties,
    crosscheck_rows,
    groups,
    picture,
    situation,
    target,
    trend,
    with_change,
)
from .snapshot import computed_at as picture_computed_at  # noqa: E402
from .snapshot import worker_step as refresh_pictures  # noqa: E402

__all__ = ["EMPTY_POWER", "EMPTY_RESUMPTION", "Picture", "counties", "crosscheck_rows", "groups", "index_legend",
           "index_step", "picture", "picture_computed_at", "refresh_pictures", "situation", "target", "trend", "with_change"]


def latest_workers_on_duty(enterprise_ids: list[int]) -> dict[int, tuple[Any, int]]:
    """Each enterprise's latest self-reported workers on duty (the date and the figure), as reported: other
    counts (workers brought back point to point) are shown beside it and never change it."""
    from django.db.models import OuterRef, Subquery

    from .models import ResumptionReport

    latest = ResumptionReport.objects.filter(enterprise_id=OuterRef("enterprise_id")).order_by("-date")
    rows = ResumptionReport.objects.filter(enterprise_id__in=enterprise_ids, pk=Subquery(latest.values("pk")[:1]))
    return {r.enterprise_id: (r.date, r.workers_on_duty) for r in rows}


def workers_on_duty_on(day: dt.date, enterprise_ids: Any = None) -> dict[int, int]:
    """The workers on duty of every active enterprise resumed on ``day`` by its latest report on or before it
    (carried forward, §4.1), by id; ``enterprise_ids`` narrows it. An enterprise not resumed by report is absent."""
    later = ResumptionReport.objects.filter(enterprise=OuterRef("enterprise"), date__gt=OuterRef("date"),
                                            date__lte=day)
    rows = ResumptionReport.objects.filter(date__lte=day, resumed=True, enterprise__is_active=True) \
        .exclude(Exists(later))
    if enterprise_ids is not None:
        rows = rows.filter(enterprise_id__in=list(enterprise_ids))
    return dict(rows.values_list("enterprise_id", "workers_on_duty"))


def latest_report_on(enterprise_id: int, day: dt.date) -> tuple[dt.date, bool, int] | None:
    """An enterprise's latest report on or before ``day``: (its date, resumed, workers on duty), None if none."""
    row = ResumptionReport.objects.filter(enterprise_id=enterprise_id, date__lte=day).order_by("-date").values_list(
        "date", "resumed", "workers_on_duty").first()
    return (row[0], row[1], row[2]) if row else None


def resumed_sources(day: dt.date) -> dict[int, str]:
    """Every active enterprise resumed on ``day``, by id, with how it is known (DOMAIN.md §16 复工未备案): ``report``
    when its report carried forward to ``day`` says resumed, else ``power`` when its ratio was ≥ the power rules'
    resumed ratio on each of its last days with readings (§4.4's check, from the day's stored picture)."""
    from django.db.models import Exists

    from dualtrack.power.services import engine

    from . import snapshot

    later = ResumptionReport.objects.filter(enterprise=OuterRef("enterprise"), date__gt=OuterRef("date"),
                                            date__lte=day)
    latest_resumed = ResumptionReport.objects.filter(date__lte=day, resumed=True, enterprise__is_active=True) \
        .exclude(Exists(later)).values_list("enterprise_id", flat=True)
    found = dict.fromkeys(latest_resumed, "report")
    if engine.last_reading_day() is not None:  # no power readings at all: nothing known by power
        for flag in snapshot.stored(day).crosscheck:
            if flag.kind == "unreported":
                found.setdefault(flag.enterprise_id, "power")
    return found


# --- what other apps flag on 复工图 (the dashboard) ----------------------------------------------------------------
# An app that reads resumption (and so may not be imported by it) adds a flag to the dashboard by registering a
# builder here, as it registers a card on 总览: ``builder(day, user)`` answers a ``core.cards.Card`` (a title, a
# small table, a note saying its day) or None when there is nothing to flag for this user.

_DASHBOARD_FLAGS: dict[str, Any] = {}


def register_dashboard_flag(name: str, builder: Any) -> None:
    _DASHBOARD_FLAGS[name] = builder


def dashboard_flags(day: dt.date, user: Viewer) -> list[Any]:
    """The flags the apps raise on 复工图 for ``day`` and ``user``, in the order they were registered; one flag's
    failure is logged and does not take the page down."""
    import logging

    found = []
    for name, builder in _DASHBOARD_FLAGS.items():
        try:
            flag = builder(day, user)
        except Exception:  # noqa: BLE001 - a flag is an addition; the dashboard stands without it
            logging.getLogger(__name__).exception("dashboard flag %s failed", name)
            continue
        if flag is not None:
            found.append(flag)
    return found
