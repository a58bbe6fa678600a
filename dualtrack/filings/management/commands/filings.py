"""``dualtrack filings --date YYYY-MM-DD --json``: every filing applied on or before the date in its state on it, the
counts per county, 复工未备案 and the outbreaks in filed enterprises (DOMAIN.md §16), on the date (default: the
filings' as-of day, as the pages open on it). No personal data: the officer's name and phone are not in it. The
contract is derived from the measure (``measure.FilingsMeasure``)."""

from __future__ import annotations

from dualtrack.core.capability_api import MeasureCommand


class Command(MeasureCommand):
    help = "Safe resumption (复工备案) on a date (--json: the contract of DOMAIN.md §16)."
    measure_key = "filings"
