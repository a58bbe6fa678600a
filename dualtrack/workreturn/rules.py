"""The rule set ``worker-return`` (DOMAIN.md §12): the attestation's age, the fever threshold, the seat rule
and the receipt's deadline in working days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dualtrack.core.rules import RuleError

RULES_KEY = "worker-return"
DEFAULT: dict[str, Any] = {
    "attestation_max_days": 14,  # at most 14 days before the departure day
    "fever_celsius": 37.3,  # boarding needs a temperature below this
    "passenger_share": 0.5,  # passengers ≤ ⌊0.5 × seats⌋: one passenger for two seats
    "receipt_working_days": 3,  # 回执单 due at the end of the 3rd working day after arrival
    # The day HQ declares the campaign over (YYYY-MM-DD), from which the retention period runs; none while it runs.
    "campaign_end": None,
}


def validate(definition: Any) -> None:
    if not isinstance(definition, dict):
        raise RuleError("the definition must be a JSON object")
    for key in ("attestation_max_days", "receipt_working_days"):
        value = definition.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 60:
            raise RuleError(f"{key}: a whole number of days, 0–60")
    fever = definition.get("fever_celsius")
    if not isinstance(fever, int | float) or isinstance(fever, bool) or not 35 <= fever <= 40:
        raise RuleError("fever_celsius: a temperature between 35 and 40")
    end = definition.get("campaign_end")
    if end is not None:
        try:
            dt.date.fromisoformat(end)
        except (TypeError, ValueError) as exc:
            raise RuleError("campaign_end: null while the campaign runs, else a date YYYY-MM-DD") from exc
    share = definition.get("passenger_share")
    if not isinstance(share, int | float) or isinstance(share, bool) or not 0 < share <= 1:
        raise RuleError("passenger_share: a share with 0 < share ≤ 1")
