"""The rule set ``investment`` (DOMAIN.md §14): when a signed lead that has not started turns yellow and red, and
when a lead before signing is stale."""

from __future__ import annotations

from typing import Any

from dualtrack.core.rules import RuleError

RULES_KEY = "investment"
DEFAULT: dict[str, Any] = {
    "yellow_months": 6,  # calendar months after signing without a start
    "red_months": 9,
    "stale_days": 30,  # a lead before signing with no activity in the 30 days up to the date
}


def validate(definition: Any) -> None:
    if not isinstance(definition, dict):
        raise RuleError("the definition must be a JSON object")
    for key, low, high in (("yellow_months", 1, 60), ("red_months", 1, 120), ("stale_days", 1, 365)):
        value = definition.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise RuleError(f"{key}: a whole number from {low} to {high}")
    if definition["red_months"] <= definition["yellow_months"]:
        raise RuleError("red_months must be greater than yellow_months")
