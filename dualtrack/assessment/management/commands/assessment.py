"""``dualtrack assessment --year Y --json``: every enterprise in the year's assessment with its indicators, score,
class and rank in its county (or T with its reason), the counts per county and the parks' board (DOMAIN.md §18), as
the year stands (draft, published or final). The contract is derived from the measure."""

from __future__ import annotations

from dualtrack.core.capability_api import MeasureCommand


class Command(MeasureCommand):
    help = "亩均论英雄: the assessment of a year (--json: the contract of DOMAIN.md §18)."
    measure_key = "assessment"
