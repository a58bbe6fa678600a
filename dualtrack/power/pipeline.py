"""The power pipeline, defined once in Ibis (DOMAIN.md §4.2, §4.4).

Every function takes and returns Ibis table expressions, so the same definition runs on whichever
backend the tables come from: in-process DuckDB (default) or Spark (local or a cluster).

Inputs:
- ``readings``: ``date`` (date), ``account`` (string), ``kwh`` (float64): daily kWh per account;
- ``accounts``: ``account``, ``enterprise_id`` (int64): which enterprise an account belongs to;
- ``enterprises``: ``enterprise_id`` and the grouping columns (``county``, ``park``, ``section``, ``size``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import ibis.expr.datatypes as dtypes
from ibis import _
from ibis.expr.types import Table


@dataclass(frozen=True)
class PowerRules:
    """The parameters of the rule set ``power-index`` (defaults of DOMAIN.md §4.2, §4.4)."""

    baseline_start: dt.date = dt.date(2019, 10, 1)
    baseline_end: dt.date = dt.date(2019, 12, 31)
    min_coverage: float = 0.5  # readings on at least half of the window's days, else no baseline
    resumed_ratio: float = 0.30
    paper_ratio: float = 0.10  # "resumed on paper" below this on each of the last days
    crosscheck_days: int = 3
    crosscheck_lookback_days: int = 14
    count_weight: float = 0.5

    @property
    def window_days(self) -> int:
        return (self.baseline_end - self.baseline_start).days + 1


def enterprise_daily(readings: Table, accounts: Table) -> Table:
    """kWh per enterprise and day: the sum over its accounts; a day has a reading when any account has."""
    joined = readings.join(accounts, "account")
    return joined.group_by(["enterprise_id", "date"]).agg(kwh=_.kwh.sum())


# Functions that DuckDB and Spark both have under these names; Ibis calls them as they are.
@ibis.udf.agg.builtin
def bit_or(value: int) -> int:  # type: ignore[empty-body]
    """Bitwise OR over a group."""


@ibis.udf.scalar.builtin
def bit_count(value: int) -> dtypes.int8:  # type: ignore[empty-body]
    """The number of bits set (DuckDB answers an INT8: cast before adding words up)."""


DAY_BITS = 63  # days per int64 mask word (bit 63 would be the sign)


def baselines(readings: Table, accounts: Table, rules: PowerRules) -> Table:
    """B_e: mean daily kWh over the window's days with a reading; ``has_baseline`` is false when those
    days are fewer than ``min_coverage`` of the window (DOMAIN.md §4.2).

    One pass over the window's readings, grouped per account (the store holds at most one reading per
    account and day, so an account's days are its row count). An enterprise with several accounts has a
    reading on the days of the union of its accounts' days; each account also keeps the set of its days as
    bit masks (one int64 word per 63 days of the window), ORed per enterprise and counted, so the readings
    are read once whatever the number of accounts."""
    window = readings.filter(_.date.between(ibis.date(rules.baseline_start), ibis.date(rules.baseline_end)))
    offset = window.date.delta(ibis.date(rules.baseline_start), unit="day").cast("int64")
    words = range((rules.window_days + DAY_BITS - 1) // DAY_BITS)
    # 1 << k written as 2**62 >> (62 - k): Spark types a bare literal 1 as a 32-bit INT, whose shifts wrap
    # at 32, while 2**62 can only be a BIGINT on every backend.
    top = ibis.literal(1 << (DAY_BITS - 1), "int64")
    masks = {f"mask{w}": offset.between(w * DAY_BITS, w * DAY_BITS + DAY_BITS - 1).ifelse(
        top >> (w * DAY_BITS + DAY_BITS - 1 - offset), ibis.literal(0, "int64")) for w in words}
    per_account = window.mutate(**masks).group_by("account").agg(
        kwh=_.kwh.sum(), days=_.count(), **{f"mask{w}": bit_or(_[f"mask{w}"]) for w in words})
    per_enterprise = per_account.join(accounts, "account").group_by("enterprise_id").agg(
        total_kwh=_.kwh.sum(), single_days=_.days.max(), accounts=_.count(),
        **{f"mask{w}": bit_or(_[f"mask{w}"]) for w in words})
    union_days = sum((bit_count(per_enterprise[f"mask{w}"]).cast("int64") for w in words),
                     ibis.literal(0, "int64"))
    days = (per_enterprise.accounts > 1).ifelse(union_days, per_enterprise.single_days)
    return per_enterprise.select(
        enterprise_id=per_enterprise.enterprise_id, baseline_kwh=per_enterprise.total_kwh / days, days=days,
        has_baseline=days >= rules.min_coverage * rules.window_days,
    )


def day_ratios(readings: Table, accounts: Table, base: Table, day: dt.date, rules: PowerRules) -> Table:
    """Per enterprise with a baseline and a reading on ``day``: kWh, baseline, ratio, power-resumed."""
    daily = enterprise_daily(readings.filter(_.date == ibis.date(day)), accounts)
    usable = base.filter(_.has_baseline & (_.baseline_kwh > 0))
    joined = daily.join(usable, "enterprise_id")
    return joined.select("enterprise_id", "kwh", "baseline_kwh", ratio=_.kwh / _.baseline_kwh).mutate(
        resumed=(_.ratio >= rules.resumed_ratio))


def with_groups(ratios: Table, enterprises: Table) -> Table:
    """The day's ratios of the enterprises in ``enterprises`` (the scope), with their grouping columns: computed
    once, then grouped each way by ``indicators``."""
    return ratios.join(enterprises, "enterprise_id")


def indicators(ratios: Table, enterprises: Table | None, by: str | None, rules: PowerRules) -> Table:
    """Per group (``by`` one of the enterprise columns, or None for the whole city): enterprises, resumed,
    count share, energy share (复产率) and the index (DOMAIN.md §4.2). ``enterprises`` None: ``ratios``
    already carries the grouping columns (``with_groups``)."""
    joined = ratios if enterprises is None else with_groups(ratios, enterprises)
    key = joined[by] if by else ibis.literal("city")
    grouped = joined.mutate(group=key).group_by("group").agg(
        enterprises=_.enterprise_id.count(),
        resumed=_.resumed.cast("int64").sum(),
        resumed_kwh=(_.resumed.ifelse(_.kwh, 0.0)).sum(),
        baseline_kwh=_.baseline_kwh.sum(),
    )
    return grouped.mutate(
        count_share=_.resumed.cast("float64") / _.enterprises,
        energy_share=_.resumed_kwh / _.baseline_kwh,
    ).mutate(index=(rules.count_weight * _.count_share + (1 - rules.count_weight) * _.energy_share) * 100)


def recent_ratios(readings: Table, accounts: Table, base: Table, day: dt.date, rules: PowerRules) -> Table:
    """Each enterprise's ratios on its last ``crosscheck_days`` days with readings up to ``day`` (looking back at
    most ``crosscheck_lookback_days``).

    Most enterprises have a reading on each of the last ``crosscheck_days`` days: those are their last days
    with readings, found from those few days' rows. Only the others (a meter that skipped a day) are looked
    for further back, ranked by date; the two parts are one table. At a province's size this reads 3 days of
    rows for nearly everyone instead of ranking 14 days of them."""
    start = day - dt.timedelta(days=rules.crosscheck_lookback_days - 1)
    short = day - dt.timedelta(days=rules.crosscheck_days - 1)
    usable = base.filter(_.has_baseline & (_.baseline_kwh > 0)).select("enterprise_id", "baseline_kwh")
    latest = enterprise_daily(readings.filter(_.date.between(ibis.date(short), ibis.date(day))), accounts) \
        .join(usable, "enterprise_id").mutate(ratio=_.kwh / _.baseline_kwh)
    complete = latest.group_by("enterprise_id").agg(
        days=_.date.count(), max_ratio=_.ratio.max(), min_ratio=_.ratio.min(), last_date=_.date.max()) \
        .filter(_.days == rules.crosscheck_days)
    gaps = accounts.semi_join(usable.select("enterprise_id"), "enterprise_id") \
        .anti_join(complete.select("enterprise_id"), "enterprise_id")  # with a baseline, a day missing
    daily = enterprise_daily(readings.filter(_.date.between(ibis.date(start), ibis.date(day))), gaps)
    ranked = daily.join(usable, "enterprise_id").mutate(
        ratio=_.kwh / _.baseline_kwh,
        rank=ibis.row_number().over(group_by="enterprise_id", order_by=ibis.desc("date")),
    )
    last = ranked.filter(_.rank < rules.crosscheck_days)
    rest = last.group_by("enterprise_id").agg(
        days=_.date.count(), max_ratio=_.ratio.max(), min_ratio=_.ratio.min(), last_date=_.date.max())
    return complete.union(rest)


def crosscheck(recent: Table, reported_resumed: Table, rules: PowerRules) -> Table:
    """§4.4: ``paper`` (reported resumed, ratio < 0.10 on each of the last 3 days with readings) and
    ``unreported`` (reported not resumed or no report, ratio ≥ 0.30 on each of them).
    ``reported_resumed``: ``enterprise_id``, ``resumed`` (bool) as carried forward to the day."""
    full = recent.filter(_.days == rules.crosscheck_days).left_join(reported_resumed, "enterprise_id")
    status = full.resumed.fill_null(False)
    kind = ibis.cases(
        (status & (full.max_ratio < rules.paper_ratio), "paper"),
        (~status & (full.min_ratio >= rules.resumed_ratio), "unreported"),
        else_=None,
    )
    return full.mutate(kind=kind).filter(_.kind.notnull()).select(
        "enterprise_id", "kind", "min_ratio", "max_ratio", "last_date")


CELL = ["county", "park", "section", "size"]


def _sums(grouped: Table) -> Table:
    return grouped.agg(
        enterprises=_.enterprise_id.count(), resumed=_.resumed.cast("int64").sum(),
        resumed_kwh=_.resumed.ifelse(_.kwh, 0.0).sum(), baseline_kwh=_.baseline_kwh.sum())


def cell_sums(ratios: Table) -> Table:
    """The additive parts of §4.2 per county × park × section × size cell (``ratios`` from ``with_groups``):
    any grouping of any scope is a sum of cells, and its shares and index follow from the sums."""
    return _sums(ratios.mutate(park=_.park.fill_null(""), section=_.section.fill_null(""),
                               size=_.size.fill_null("")).group_by(CELL))


def cell_sums_by_day(readings: Table, accounts: Table, base: Table, enterprises: Table, rules: PowerRules) -> Table:
    """``cell_sums`` per day of ``readings`` over county × park × size (the trend of any scope), in one query."""
    daily = enterprise_daily(readings, accounts)
    usable = base.filter(_.has_baseline & (_.baseline_kwh > 0)).select("enterprise_id", "baseline_kwh")
    joined = daily.join(usable, "enterprise_id").join(enterprises, "enterprise_id").mutate(
        resumed=(_.kwh / _.baseline_kwh) >= rules.resumed_ratio, park=_.park.fill_null(""), size=_.size.fill_null(""))
    return _sums(joined.group_by(["date", "county", "park", "size"]))
