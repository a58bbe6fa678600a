"""The rule set ``filing`` (DOMAIN.md §16): the decision's deadline and the outbreak task's in working days, the
on-site check's threshold (50 from outside the city, key enterprises) and the checklist items' risk levels. The
fields, their bounds and their check are the frozen dataclass ``measure.FilingRules``."""

from __future__ import annotations

from typing import Any

from .choices import RULES_KEY

DEFAULT: dict[str, Any] = {
    "decision_working_days": 1,  # decided by the end of the 1st working day after the application
    "outbreak_task_working_days": 1,  # an outbreak's task due at the end of the 1st working day after the cluster
    "inspection_outside_workers": 50,  # 现场查勘 before filing from 50 workers from outside the city
    "inspection_key_enterprises": True,  # … and for every key enterprise
    "levels": {"C2": ["medium", "high"]},  # 返岗人员隔离观察 only at medium and high risk (7 April 2020 revision)
    # The day HQ declares the filing work over (YYYY-MM-DD), from which the officers' names and phones are kept
    # ``FILINGS_RETENTION_DAYS``; none while it runs.
    "campaign_end": None,
}

__all__ = ["DEFAULT", "RULES_KEY"]
