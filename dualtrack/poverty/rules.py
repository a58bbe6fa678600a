"""The rule set ``poverty-2020`` (DOMAIN.md §13): the exit standard S, the monitoring triggers and the county
warning thresholds. The fields, their bounds and their messages are the frozen dataclass
``measure.PovertyRules`` (validated there; no ``validate`` here, which would import the measure back)."""

from __future__ import annotations

from typing import Any

RULES_KEY = "poverty-2020"
DEFAULT: dict[str, Any] = {
    "standard": 4000,  # S, yuan per head and year: income must be above it
    "low_income_multiple": 1.5,  # monitoring when income < 1.5 × S
    "income_drop": 0.3,  # monitoring when income fell by 30% or more
    "warning_share": 0.05,  # a county warns when monitoring cases exceed 5% of its households
    "warning_share_deep": 0.10,  # … 10% for a 深度贫困 county
}

