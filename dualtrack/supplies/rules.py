"""The rule set ``supplies`` (DOMAIN.md §17): an enterprise's cap in days of use (15), one request per 7 days, the
cover warning under 3 days and the allocation order. The fields, their bounds and their check are the frozen
dataclass ``measure.SupplyRules``."""

from __future__ import annotations

from typing import Any

from .choices import ALLOCATION_RANK, RULES_KEY

DEFAULT: dict[str, Any] = {
    "cap_days": 15,  # 莆田: at most half a month of use per batch
    "request_interval_days": 7,  # 泉州: one reservation a week
    "cover_warning_days": 3,
    "order": {str(k): v for k, v in ALLOCATION_RANK.items()},
}

__all__ = ["DEFAULT", "RULES_KEY"]
