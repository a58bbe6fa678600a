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
    registered_on: dt.date | None = None  # the day the lead was registered (None: unknown, a file without it)


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
    before), the clock starting on the day it was registered (:func:`stale`): yellow, stale. A 终止 lead has no light. ``rules``: the rule set read by name
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
    if facts.stage in BEFORE_SIGNING and stale(facts, day, rules):
        return "yellow", [Reason.STALE]
    return None, []


def stale(facts: LeadFacts, day: dt.date, rules: Any) -> bool:
    """No activity in the ``stale_days`` days up to ``day``, counted from the later of the last activity and the
    registration day: a lead registered today, with no activity yet, is not stale (30 days after it is); one not
    yet registered on ``day`` has no clock running. A lead whose registration day is unknown (a file without
    登记日期) and with no activity at all is stale."""
    if facts.registered_on is not None and facts.registered_on > day:
        return False
    since = max((d for d in (facts.last_activity, facts.registered_on) if d is not None), default=None)
    return since is None or (day - since).days >= rules["stale_days"]


def ratio(part: Decimal | int, whole: Decimal | int) -> float | None:
    """An exact share rounded for the contract; None when there is nothing to divide by."""
    if not whole:
        return None
    return round(float(Fraction(part) / Fraction(whole)), 6)
