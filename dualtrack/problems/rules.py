"""The rule set ``problems``: deadlines in working days per complexity and the escalation chain."""

from __future__ import annotations

from typing import Any

from dualtrack.core.rules import RuleError

from .choices import Complexity

RULES_KEY = "problems"
DEFAULT: dict[str, Any] = {
    "deadline_days": {"policy": 1, "simple": 1, "general": 3, "complex": 15},
    "levels": ["责任人/驻企服务员", "行业主管部门", "分管副市长", "常务副市长", "市政府常务会", "市委常委会"],
    "due_soon_hours": 24,
    "recurrence": {"count": 3, "days": 30},
}


def validate(definition: Any) -> None:
    if not isinstance(definition, dict):
        raise RuleError("the definition must be a JSON object")
    days = definition.get("deadline_days")
    if not isinstance(days, dict) or set(days) != set(Complexity.values) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 < v <= 60 for v in days.values()):
        raise RuleError("deadline_days: a whole number of working days (1–60) for each of " +
                        ", ".join(Complexity.values))
    levels = definition.get("levels")
    if not isinstance(levels, list) or len(levels) < 2 or not all(isinstance(x, str) and x for x in levels):
        raise RuleError("levels: the escalation chain, at least two names")
