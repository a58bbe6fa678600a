"""What other apps use of the power store and pipeline (复工电力指数 computation): the engine (one analytics
connection, readings), the pipeline's definitions, the baselines, the store's import."""

from __future__ import annotations

from . import baselines, engine, pipeline
from .pipeline import PowerRules
from .store import import_power

__all__ = ["PowerRules", "baselines", "engine", "import_power", "pipeline"]
