"""Periodic work that ``dualtrack worker`` runs: apps register a step; core knows no app."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)
_STEPS: dict[str, tuple[int, Callable[[], Any]]] = {}


def register(name: str, step: Callable[[], Any], order: int = 50) -> None:
    """``order``: steps run from the lowest (what others read, such as the day's pictures, comes first)."""
    _STEPS[name] = (order, step)


def run_all() -> dict[str, Any]:
    """Run every registered step once; one step's failure is logged and does not stop the others."""
    results: dict[str, Any] = {}
    for name, (_order, step) in sorted(_STEPS.items(), key=lambda item: (item[1][0], item[0])):
        try:
            results[name] = step()
        except Exception as exc:  # noqa: BLE001 - a worker keeps going; the failure is reported
            logger.exception("periodic step %s failed", name)
            results[name] = f"failed: {exc}"
    return results
