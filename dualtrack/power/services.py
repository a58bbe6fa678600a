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
