"""The rule set ``economy`` (DOMAIN.md §11): from which month 双过半 is judged and the completion it needs. The
formulas themselves are those of §11 (``engine.py``); every result names the version it was computed under."""

from __future__ import annotations

from typing import Any

from dualtrack.core.rules import RuleError

RULES_KEY = "economy"
DEFAULT: dict[str, Any] = {
    "double_half_from_month": 6,  # 双过半 is judged from June on
    "double_half_completion": 0.5,  # … completion of at least half the year's target
}


def validate(definition: Any) -> None:
    if not isinstance(definition, dict):
        raise RuleError("the definition must be a JSON object")
    month = definition.get("double_half_from_month")
    if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
        raise RuleError("double_half_from_month: a month number 1–12")
    share = definition.get("double_half_completion")
    if not isinstance(share, int | float) or isinstance(share, bool) or not 0 < share <= 1:
        raise RuleError("double_half_completion: a share with 0 < share ≤ 1")
