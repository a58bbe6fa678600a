"""The rule set ``worker-return`` (DOMAIN.md §12): the attestation's age, the fever threshold, the seat rule,
the receipt's deadline in working days and when an enterprise received far more workers than it asked for. The fields, their bounds and their check are the frozen dataclass
``measure.WorkReturnRules``."""

from __future__ import annotations

from typing import Any

RULES_KEY = "worker-return"
DEFAULT: dict[str, Any] = {
    "attestation_max_days": 14,  # at most 14 days before the departure day
    "fever_celsius": 37.3,  # boarding needs a temperature below this
    "passenger_share": 0.5,  # passengers ≤ ⌊0.5 × seats⌋: one passenger for two seats
    "receipt_working_days": 3,  # 回执单 due at the end of the 3rd working day after arrival
    # An enterprise that received far more workers than it asked for is flagged (超需求接收): more than
    # ``oversupply_ratio`` × requested and at least ``oversupply_min_extra`` more (113 for 65 is; 13 for 10 is not).
    "oversupply_ratio": 1.2,
    "oversupply_min_extra": 10,
    # The day HQ declares the campaign over (YYYY-MM-DD), from which the retention period runs; none while it runs.
    "campaign_end": None,
}


def validate(definition: Any) -> None:
    """Checked by the measure's frozen rule set (``measure.WorkReturnRules``), looked up where it was registered."""
    from dualtrack.core import capability

    capability.measure("worker-return").rules.parse(definition)
