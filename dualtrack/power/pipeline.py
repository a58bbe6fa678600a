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


def baselines(readings: Table, accounts: Table, rules: PowerRules) -> Table:
    """B_e: mean daily kWh over the window's days with a reading; ``has_baseline`` is false when those
    days are fewer than ``min_coverage`` of the window (DOMAIN.md §4.2).

    The store holds at most one reading per account and day, so the window is aggregated per account
    first (one pass, a group per account); only enterprises with several accounts need the distinct days
    of the union of their accounts' readings."""
    window = readings.filter(_.date.between(ibis.date(rules.baseline_start), ibis.date(rules.baseline_end)))
    per_account = window.group_by("account").agg(kwh=_.kwh.sum(), days=_.count())
    per_enterprise = per_account.join(accounts, "account").group_by("enterprise_id").agg(
        total_kwh=_.kwh.sum(), single_days=_.days.max())
    several = accounts.group_by("enterprise_id").agg(n=_.count()).filter(_.n > 1).select("enterprise_id")
    union_days = window.join(accounts.join(several, "enterprise_id"), "account").group_by("enterprise_id").agg(
        union_days=_.date.nunique())
    joined = per_enterprise.left_join(union_days, "enterprise_id")
    days = joined.union_days.fill_null(joined.single_days)
    return joined.select(
        enterprise_id=joined.enterprise_id, baseline_kwh=joined.total_kwh / days, days=days,
        has_baseline=days >= rules.min_coverage * rules.window_days,
    )


def day_ratios(readings: Table, accounts: Table, base: Table, day: dt.date, rules: PowerRules) -> Table:
    """Per enterprise with a baseline and a reading on ``day``: kWh, baseline, ratio, power-resumed."""
    daily = enterprise_daily(readings.filter(_.date == ibis.date(day)), accounts)
    usable = base.filter(_.has_baseline & (_.baseline_kwh > 0))
    joined = daily.join(usable, "enterprise_id")
    return joined.select("enterprise_id", "kwh", "baseline_kwh", ratio=_.kwh / _.baseline_kwh).mutate(
        resumed=(_.ratio >= rules.resumed_ratio))


def indicators(ratios: Table, enterprises: Table, by: str | None, rules: PowerRules) -> Table:
    """Per group (``by`` one of the enterprise columns, or None for the whole city): enterprises, resumed,
    count share, energy share (复产率) and the index (DOMAIN.md §4.2)."""
    joined = ratios.join(enterprises, "enterprise_id")
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
    """Each enterprise's ratios on its last ``crosscheck_days`` days with readings up to ``day``."""
    start = day - dt.timedelta(days=rules.crosscheck_lookback_days - 1)
    daily = enterprise_daily(readings.filter(_.date.between(ibis.date(start), ibis.date(day))), accounts)
    usable = base.filter(_.has_baseline & (_.baseline_kwh > 0)).select("enterprise_id", "baseline_kwh")
    ranked = daily.join(usable, "enterprise_id").mutate(
        ratio=_.kwh / _.baseline_kwh,
        rank=ibis.row_number().over(group_by="enterprise_id", order_by=ibis.desc("date")),
    )
    last = ranked.filter(_.rank < rules.crosscheck_days)
    return last.group_by("enterprise_id").agg(
        days=_.date.count(), max_ratio=_.ratio.max(), min_ratio=_.ratio.min(), last_date=_.date.max())


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


def indicators_by_day(readings: Table, accounts: Table, base: Table, enterprises: Table, rules: PowerRules) -> Table:
    """The whole-scope index for every day of ``readings`` (trend charts), in one query."""
    daily = enterprise_daily(readings, accounts)
    usable = base.filter(_.has_baseline & (_.baseline_kwh > 0)).select("enterprise_id", "baseline_kwh")
    scoped = enterprises.select("enterprise_id")
    joined = daily.join(usable, "enterprise_id").join(scoped, "enterprise_id").mutate(
        resumed=(_.kwh / _.baseline_kwh) >= rules.resumed_ratio)
    grouped = joined.group_by("date").agg(
        enterprises=_.enterprise_id.count(), resumed=_.resumed.cast("int64").sum(),
        resumed_kwh=_.resumed.ifelse(_.kwh, 0.0).sum(), baseline_kwh=_.baseline_kwh.sum())
    return grouped.mutate(count_share=_.resumed.cast("float64") / _.enterprises,
                          energy_share=_.resumed_kwh / _.baseline_kwh).mutate(
        index=(rules.count_weight * _.count_share + (1 - rules.count_weight) * _.energy_share) * 100).order_by("date")
