"""``dualtrack economy --month YYYY-MM --json``: every indicator against the year's targets for a month (the
contract of DOMAIN.md §11); without --json, one line per indicator and scope. Derived from the measure."""

from __future__ import annotations

from dualtrack.core.capability_api import MeasureCommand


class Command(MeasureCommand):
    help = "Economy against the year's targets for a month (--json: the contract)."
    measure_key = "economy"
    empty = "no economy figures yet: import indicators, economy_targets and economy_actuals"
