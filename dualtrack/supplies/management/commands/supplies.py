"""``dualtrack supplies --date YYYY-MM-DD --json``: the figures per item (received, committed, issued, on hand,
available, daily need, days of cover, warning), every request made on or before the date with its lines and its two
statuses, and the allocation queue (DOMAIN.md §17), as of the end of the date (default: the supplies' as-of day, as
the pages open on it). No personal data: the receivers' names are not in it. The contract is derived from the
measure (``measure.SuppliesMeasure``)."""

from __future__ import annotations

from dualtrack.core.capability_api import MeasureCommand


class Command(MeasureCommand):
    help = "Anti-epidemic supplies (防疫物资) on a date (--json: the contract of DOMAIN.md §17)."
    measure_key = "supplies"
