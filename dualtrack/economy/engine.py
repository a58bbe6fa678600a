"""The formulas of DOMAIN.md §11, on exact rational numbers (Fractions of the stored Decimals), so that a growth
exactly at its target or a completion exactly at time progress (182/366 in June 2020) falls on the right side:
a Decimal division would round first and compare second.

Pure functions: the services read the rows, this module judges them."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from dualtrack.core.capability import Rules

from .choices import IndicatorKind, Light, ScopeKind


def time_progress(month: dt.date) -> Fraction:
    """τ: the days from 1 January through the last day of ``month``, both included, ÷ the days in the year
    (exactly 1 for December; a leap year has 366 days)."""
    last = dt.date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])
    days_in_year = 366 if calendar.isleap(month.year) else 365
    return Fraction((last - dt.date(month.year, 1, 1)).days + 1, days_in_year)


def exact(value: Decimal | None) -> Fraction | None:
    return None if value is None else Fraction(value)


def growth(reported: Decimal | None, cumulative: Decimal | None, prior: Decimal | None) -> Fraction | None:
    """g: as reported; else A / P − 1 when P > 0; else none."""
    if reported is not None:
        return Fraction(reported)
    if cumulative is not None and prior is not None and prior > 0:
        return Fraction(cumulative) / Fraction(prior) - 1
    return None


@dataclass(frozen=True)
class Figures:
    """What one row is judged from: the indicator's kind, the scope's kind, the target and the month's actual."""

    kind: str
    scope_kind: str
    target: Decimal | None
    target_growth: Decimal | None
    prior_year_total: Decimal | None
    cumulative: Decimal | None
    prior_cumulative: Decimal | None
    reported_growth: Decimal | None


@dataclass(frozen=True)
class Judgement:
    growth: Fraction | None
    completion: Fraction | None
    time_progress: Fraction
    on_schedule: bool | None
    double_half: bool | None
    light: str | None
    needed_growth: Fraction | None


def judge(f: Figures, month: dt.date, city_growth: Fraction | None, rules: Mapping[str, Any] | Rules) -> Judgement:
    """One indicator × scope × month. ``city_growth`` is the city's g for the same indicator and month (the bar a
    county or park must also reach for green)."""
    tau = time_progress(month)
    g = growth(f.reported_growth, f.cumulative, f.prior_cumulative)
    amount = f.kind == IndicatorKind.AMOUNT
    completion = Fraction(f.cumulative) / Fraction(f.target) if amount and f.cumulative is not None and f.target \
        else None
    on_schedule = None if completion is None else completion >= tau
    reaches = None if g is None or f.target_growth is None else g >= Fraction(f.target_growth)
    double_half: bool | None = None
    if month.month >= rules["double_half_from_month"]:
        if amount:
            half = Fraction(str(rules["double_half_completion"]))
            double_half = None if completion is None or reaches is None else bool(completion >= half and reaches)
        else:
            double_half = reaches
    light: str | None = None
    if g is not None:
        if g < 0:
            light = Light.RED
        elif reaches and (f.scope_kind == ScopeKind.CITY or (city_growth is not None and g >= city_growth)):
            light = Light.GREEN
        else:
            light = Light.YELLOW
    needed = None
    if amount and f.target is not None and f.cumulative is not None and f.prior_cumulative is not None \
            and f.prior_year_total is not None and f.prior_year_total > f.prior_cumulative:
        needed = (Fraction(f.target) - Fraction(f.cumulative)) / (
            Fraction(f.prior_year_total) - Fraction(f.prior_cumulative)) - 1
    return Judgement(g, completion, tau, on_schedule, double_half, light, needed)
