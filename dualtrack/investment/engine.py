"""The rules of DOMAIN.md §14 as pure functions on dates and exact amounts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from dualtrack.core.calendar import add_months

from .choices import BEFORE_SIGNING, SIGNED_NOT_STARTED, STARTED_STAGES, Reason, Stage


@dataclass(frozen=True)
class LeadFacts:
    stage: str
    signed_on: dt.date | None
    started_on: dt.date | None
    last_activity: dt.date | None  # the latest activity on or before the date judged


def formally_signed(facts: LeadFacts, day: dt.date) -> bool:
    """正式签约 by ``day``: a signed stage (or later) with its signing date on or before the day."""
    return facts.stage not in (*BEFORE_SIGNING, Stage.STOPPED) and facts.signed_on is not None and \
        facts.signed_on <= day


def started(facts: LeadFacts, day: dt.date) -> bool:
    if facts.started_on is not None:
        return facts.started_on <= day
    return facts.stage in STARTED_STAGES


def light(facts: LeadFacts, day: dt.date, rules: Any) -> tuple[str | None, list[str]]:
    """A signed lead not started: yellow from ``yellow_months`` calendar months after signing (the month's last
    day when the day does not exist: 31 August + 6 = 28 February, 29 in a leap year), red from ``red_months``.
    A lead before signing with no activity in the ``stale_days`` days up to ``day`` (the day itself and the 29
    before), or none at all: yellow, stale. A 终止 lead has no light. ``rules``: the rule set read by name
    (``measure.InvestmentRules`` or its JSON definition)."""
    if facts.stage == Stage.STOPPED:
        return None, []
    if facts.stage in SIGNED_NOT_STARTED and formally_signed(facts, day) and not started(facts, day):
        assert facts.signed_on is not None  # noqa: S101 - formally_signed says so
        if day >= add_months(facts.signed_on, rules["red_months"]):
            return "red", [Reason.NOT_STARTED_9M]
        if day >= add_months(facts.signed_on, rules["yellow_months"]):
            return "yellow", [Reason.NOT_STARTED_6M]
        return None, []
    stale = facts.last_activity is None or (day - facts.last_activity).days >= rules["stale_days"]
    if facts.stage in BEFORE_SIGNING and stale:
        return "yellow", [Reason.STALE]
    return None, []


def ratio(part: Decimal | int, whole: Decimal | int) -> float | None:
    """An exact share rounded for the contract; None when there is nothing to divide by."""
    if not whole:
        return None
    return round(float(Fraction(part) / Fraction(whole)), 6)
