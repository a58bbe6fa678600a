"""The rules of DOMAIN.md §13 as pure functions on exact numbers (Decimal money, Fraction shares), so that an
income of exactly 4000 or a drop of exactly 30% falls on the side the rule says."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .choices import GUARANTEES


@dataclass(frozen=True)
class Check:
    """One year's check of a household (年度核查)."""

    income: Decimal
    last_income: Decimal | None
    rigid_spending: Decimal | None
    members: int
    guarantees: dict[str, bool]  # food, clothing, education, medical, housing, water
    housing_grade: str


def exit_standard(check: Check, rules: Any) -> tuple[bool, list[str]]:
    """达标: income above S and all six guarantees met; housing grade C or D fails 住房安全 whatever its flag.
    The reasons in the order income, food, clothing, education, medical, housing, water."""
    reasons = []
    if not check.income > Decimal(str(rules["standard"])):
        reasons.append("income")
    for key in GUARANTEES:
        met = check.guarantees.get(key, False)
        if key == "housing" and check.housing_grade in ("C", "D"):
            met = False
        if not met:
            reasons.append(key)
    return not reasons, reasons


def monitoring(check: Check, rules: Any) -> tuple[bool, list[str]]:
    """监测对象 when any of: income < 1.5 × S; rigid spending > last year's per-capita income × members; income
    fell by 30% or more from last year."""
    reasons = []
    standard = Decimal(str(rules["standard"]))
    if check.income < standard * Decimal(str(rules["low_income_multiple"])):
        reasons.append("low_income")
    if check.rigid_spending is not None and check.last_income is not None and \
            check.rigid_spending > check.last_income * check.members:
        reasons.append("rigid_spending")
    if check.last_income is not None and check.last_income > 0 and \
            Fraction(check.last_income - check.income) / Fraction(check.last_income) >= Fraction(str(rules["income_drop"])):
        reasons.append("income_drop")
    return bool(reasons), reasons


def share(part: int, whole: int) -> Fraction | None:
    return None if whole <= 0 else Fraction(part, whole)


def county_warning(monitored: int, households: int, deep: bool, rules: Any) -> bool:
    """A county's warning: monitoring cases over 5% of its households (10% for a 深度贫困 county); exactly at
    the share is no warning."""
    found = share(monitored, households)
    limit = Fraction(str(rules["warning_share_deep" if deep else "warning_share"]))
    return found is not None and found > limit
