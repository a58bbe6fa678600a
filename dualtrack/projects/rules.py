"""The rule set ``projects``: light thresholds, the resumption deadline, the start grace period and the
consequences' thresholds (DOMAIN.md §7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dualtrack.core.rules import RuleError

RULES_KEY = "projects"
DEFAULT: dict[str, Any] = {
    "red_below": 0.6,
    "yellow_below": 0.8,
    "resumption_deadline": "2020-03-15",
    "start_grace_days": 30,
    "exit_red_months": 3,
    "exit_no_start_months": 6,
    "ranking_low_rate": 0.6,
    # The department (its code) that follows the dispatch tasks of a project with no responsible city
    # department: a county government or an enterprise as the responsible unit.
    "dispatch_department": "FGW",
}


def validate(definition: Any) -> None:
    if not isinstance(definition, dict):
        raise RuleError("the definition must be a JSON object")
    red, yellow = definition.get("red_below"), definition.get("yellow_below")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and 0 < v <= 2 for v in (red, yellow)) or \
            red > yellow:  # type: ignore[operator]
        raise RuleError("red_below and yellow_below: ratios with 0 < red_below ≤ yellow_below")
    try:
        dt.date.fromisoformat(definition.get("resumption_deadline", ""))
    except (TypeError, ValueError) as exc:
        raise RuleError("resumption_deadline: a date YYYY-MM-DD") from exc
    dispatch = definition.get("dispatch_department", "")
    if not isinstance(dispatch, str) or len(dispatch) > 20:
        raise RuleError("dispatch_department: a department's code")
    for key in ("start_grace_days", "exit_red_months", "exit_no_start_months"):
        value = definition.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise RuleError(f"{key}: a whole number ≥ 1")
