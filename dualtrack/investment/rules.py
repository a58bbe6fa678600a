"""The rule set ``investment`` (DOMAIN.md §14): when a signed lead that has not started turns yellow and red, and
when a lead before signing is stale. The fields, their bounds and their check are the frozen dataclass
``measure.InvestmentRules``."""

from __future__ import annotations

from typing import Any

RULES_KEY = "investment"
DEFAULT: dict[str, Any] = {
    "yellow_months": 6,  # calendar months after signing without a start
    "red_months": 9,
    "stale_days": 30,  # a lead before signing with no activity in the 30 days up to the date
}


def validate(definition: Any) -> None:
    """Checked by the measure's frozen rule set (``measure.InvestmentRules``), looked up where it was registered."""
    from dualtrack.core import capability

    capability.measure("investment").rules.parse(definition)
