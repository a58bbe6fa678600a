"""The rule set ``resumption`` (DOMAIN.md §4.2–§4.4): baseline window, thresholds, colour targets."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from dualtrack.core.rules import RuleError

if TYPE_CHECKING:
    from dualtrack.power.services import PowerRules

RULES_KEY = "resumption"
COLOURS = ("green", "blue", "yellow", "orange", "red")

DEFAULT: dict[str, Any] = {
    "baseline_start": "2019-10-01",
    "baseline_end": "2019-12-31",
    "min_coverage": 0.5,
    "resumed_ratio": 0.3,
    "paper_ratio": 0.1,
    "crosscheck_days": 3,
    "count_weight": 0.5,
    "targets": {"green": 0.9, "blue": 0.8, "yellow": 0.7, "orange": 0.5, "red": None},
    "fast_rise_pp": 10,
    "fast_rise_days": 3,
}


def validate(definition: Any) -> None:
    if not isinstance(definition, dict):
        raise RuleError("the definition must be a JSON object")
    try:
        start = dt.date.fromisoformat(definition["baseline_start"])
        end = dt.date.fromisoformat(definition["baseline_end"])
    except (KeyError, TypeError, ValueError) as exc:
        raise RuleError("baseline_start and baseline_end: dates YYYY-MM-DD") from exc
    if end < start:
        raise RuleError("baseline_end is before baseline_start")
    for key in ("min_coverage", "resumed_ratio", "paper_ratio", "count_weight"):
        value = definition.get(key)
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
            raise RuleError(f"{key}: a number from 0 to 1")
    for key in ("crosscheck_days", "fast_rise_days"):
        value = definition.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 30:
            raise RuleError(f"{key}: a whole number from 1 to 30")
    if not isinstance(definition.get("fast_rise_pp"), int | float):
        raise RuleError("fast_rise_pp: a number of percentage points")
    targets = definition.get("targets")
    if not isinstance(targets, dict) or set(targets) != set(COLOURS):
        raise RuleError("targets: one value (0–1, or null for none) for each of " + ", ".join(COLOURS))
    for colour, value in targets.items():
        if value is not None and (not isinstance(value, int | float) or not 0 <= value <= 1):
            raise RuleError(f"targets.{colour}: a number from 0 to 1, or null")


def power_rules(definition: dict[str, Any]) -> PowerRules:
    from dualtrack.power.services import PowerRules  # the pipeline (Ibis) loaded when first used

    return PowerRules(
        baseline_start=dt.date.fromisoformat(definition["baseline_start"]),
        baseline_end=dt.date.fromisoformat(definition["baseline_end"]),
        min_coverage=definition["min_coverage"], resumed_ratio=definition["resumed_ratio"],
        paper_ratio=definition["paper_ratio"], crosscheck_days=definition["crosscheck_days"],
        count_weight=definition["count_weight"],
    )
