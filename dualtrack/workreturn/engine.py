"""The rules of DOMAIN.md §12 as pure functions, on exact numbers (a Decimal temperature, whole days)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

from dualtrack.core import calendar

from .choices import RefusalReason


def boarding(attestation_date: dt.date, departure_day: dt.date, temperature: Decimal,
             rules: dict[str, Any]) -> tuple[bool, str]:
    """Allowed when the attestation is dated at most ``attestation_max_days`` before the departure day (and not
    after it) and the temperature is below ``fever_celsius``. The attestation is checked first."""
    age = (departure_day - attestation_date).days
    if age < 0 or age > rules["attestation_max_days"]:
        return False, RefusalReason.ATTESTATION
    if temperature >= Decimal(str(rules["fever_celsius"])):
        return False, RefusalReason.TEMPERATURE
    return True, ""


def capacity(seats: int, rules: dict[str, Any]) -> int:
    """The most passengers a trip may carry: ⌊share × seats⌋ (22 on a 44-seat bus)."""
    return math.floor(Fraction(str(rules["passenger_share"])) * seats)


def receipt_due(arrived_at: dt.datetime, rules: dict[str, Any]) -> dt.datetime:
    """The end (23:59:59, Asia/Shanghai) of the Nth working day after the arrival day (the §6 calendar)."""
    return calendar.deadline(arrived_at, rules["receipt_working_days"]).due_at


def fulfilment(arrived: int, requested: int) -> float | None:
    return None if requested <= 0 else round(arrived / requested, 6)


def oversupplied(arrived: int, requested: int, rules: dict[str, Any]) -> bool:
    """超需求接收: an enterprise received far more workers than it asked for: more than ``oversupply_ratio`` ×
    requested and at least ``oversupply_min_extra`` more (113 for 65 is flagged; 13 for 10 and 78 for 65 are not).
    Exact: the ratio is compared as a fraction. An enterprise that asked for none and received some is flagged
    from ``oversupply_min_extra`` on (at least one)."""
    extra = arrived - requested
    if extra < max(1, rules["oversupply_min_extra"]):
        return False
    return Fraction(arrived) > Fraction(str(rules["oversupply_ratio"])) * requested
