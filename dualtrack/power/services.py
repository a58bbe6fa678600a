"""What other apps use of the power store and pipeline (复工电力指数 computation): the engine (one analytics
connection, readings), the pipeline's definitions, the baselines, the store's import."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dualtrack.core.lazy import lazy

from . import engine
from .store import import_power

if TYPE_CHECKING:
    from . import baselines, pipeline
    from .pipeline import PowerRules
else:
    # The pipeline is Ibis expressions: loaded when first used, not when the apps are (#27 §4, start-up).
    baselines = lazy("dualtrack.power.baselines")
    pipeline = lazy("dualtrack.power.pipeline")

    def __getattr__(name: str) -> Any:
        if name == "PowerRules":
            return pipeline.PowerRules
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["PowerRules", "baselines", "engine", "import_power", "pipeline"]


def annual_kwh(year: int, accounts: Any) -> dict[int, float]:
    """Each enterprise's power of ``year`` summed from the stored readings of its accounts, in kWh, by enterprise id
    (``accounts``: the Arrow table of ``account`` → ``enterprise_id``). One query over the Parquet store (DuckDB, or
    Spark with ``POWER_ENGINE``); no loop over readings."""
    import datetime as dt

    con = engine.shared()
    readings = engine.readings(con, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    owners = engine.arrow_table(accounts)
    joined = readings.join(owners, readings.account == owners.account)
    summed = joined.group_by("enterprise_id").aggregate(kwh=joined.kwh.sum()).to_pyarrow()
    return {int(e): float(k or 0) for e, k in zip(summed["enterprise_id"].to_pylist(), summed["kwh"].to_pylist(),
                                                   strict=True)}
