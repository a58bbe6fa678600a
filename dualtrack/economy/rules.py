"""The rule set ``economy`` (DOMAIN.md §11): from which month 双过半 is judged and the completion it needs. The
formulas themselves are those of §11 (``engine.py``); every result names the version it was computed under. The
fields, their bounds and their check are the frozen dataclass ``measure.EconomyRules`` (validated there)."""

from __future__ import annotations

from typing import Any

RULES_KEY = "economy"
DEFAULT: dict[str, Any] = {
    "double_half_from_month": 6,  # 双过半 is judged from June on
    "double_half_completion": 0.5,  # … completion of at least half the year's target
}
