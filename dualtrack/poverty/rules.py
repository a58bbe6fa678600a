"""The rule set ``poverty-2020`` (DOMAIN.md §13): the exit standard S, the monitoring triggers and the county
warning thresholds."""

from __future__ import annotations

from typing import Any

from dualtrack.core.rules import RuleError

RULES_KEY = "poverty-2020"
DEFAULT: dict[str, Any] = {
    "standard": 4000,  # S, yuan per head and year: income must be above it
    "low_income_multiple": 1.5,  # monitoring when income < 1.5 × S
    "income_drop": 0.3,  # monitoring when income fell by 30% or more
    "warning_share": 0.05,  # a county warns when monitoring cases exceed 5% of its households
    "warning_share_deep": 0.10,  # … 10% for a 深度贫困 county
}


def validate(definition: Any) -> None:
    if not isinstance(definition, dict):
        raise RuleError("the definition must be a JSON object")
    for key, low, high in (("standard", 1, 100000), ("low_income_multiple", 1, 10), ("income_drop", 0.01, 1),
                           ("warning_share", 0.001, 1), ("warning_share_deep", 0.001, 1)):
        value = definition.get(key)
        if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
            raise RuleError(f"{key}: a number from {low} to {high}")
