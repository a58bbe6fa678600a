"""The power-index map's stepped legend (DOMAIN.md §4.2): the index 复工电力指数 in five steps, each with its numbers
and a blue (red means risk on the five-colour map beside it), with the colour its county names are written in
(``core.colours``: contrast at least 4.5 on the fill). One definition for every drawing of the map: 总览, 复工图, the
bulletin's page and its pictures (Word, PDF), and the ECharts ``visualMap`` pieces.

The steps are fixed, not stretched over the day's values, so a colour means the same on every day and in every
bulletin: below 30 (little more than guards and maintenance), 30–50, 50–70, 70–90, 90 and above (back to normal).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dualtrack.core.colours import MISSING, label_colour

INDEX_STEPS = (30, 50, 70, 90)  # the bounds between steps: [0, 30), [30, 50), [50, 70), [70, 90), [90, ∞)
INDEX_FILLS = ("#deebf7", "#9ecae1", "#4292c6", "#2171b5", "#08306b")  # low → high (ColorBrewer Blues)


def _name(low: float | None, high: float | None) -> str:
    if low is None:
        return f"<{high:g}"
    if high is None:
        return f"≥{low:g}"
    return f"{low:g}–{high:g}"


def index_legend(*, missing: bool = False) -> list[dict[str, Any]]:
    """The steps from low to high, each ``{"key", "min", "max", "fill", "ink", "name"}`` (``min`` included, ``max``
    excluded, None: open); with ``missing`` also the grey of 数据未到."""
    bounds: list[float | None] = [None, *INDEX_STEPS, None]
    entries: list[dict[str, Any]] = []
    for step, fill in enumerate(INDEX_FILLS):
        low, high = bounds[step], bounds[step + 1]
        entries.append({"key": f"step{step + 1}", "min": low, "max": high, "fill": fill, "ink": label_colour(fill),
                        "name": _name(low, high)})
    if missing:
        entries.append({"key": "missing", "min": None, "max": None, "fill": MISSING, "ink": label_colour(MISSING),
                        "name": _("数据未到"), "missing": True})
    return entries


def index_step(legend: list[dict[str, Any]], value: float | None) -> dict[str, Any] | None:
    """The legend's entry for an index ``value`` (None: the 数据未到 entry when the legend has one)."""
    if value is None:
        return next((e for e in legend if e.get("missing")), None)
    for entry in legend:
        if entry.get("missing"):
            continue
        if (entry["min"] is None or value >= entry["min"]) and (entry["max"] is None or value < entry["max"]):
            return entry
    return None
