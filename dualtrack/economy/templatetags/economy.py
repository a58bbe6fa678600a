"""Template helpers of the economy pages: percent of a fraction, percentage points, and a sparkline (an inline
SVG drawn on the server: no script, so it prints and reads on a phone)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()


@register.filter
def frac_pct(value: Any) -> str:
    """0.065 → "6.5%"; None → "—"."""
    return "—" if value is None else f"{float(value) * 100:.1f}%"


@register.filter
def signed_pp(value: Any) -> str:
    return "—" if value is None else f"{value:+.1f}"


@register.filter
def sparkline(values: list[float | None] | None, width: int = 64) -> SafeString | str:
    """Growth month by month as a small line; the zero line dashed when the series crosses it."""
    points = [(i, v) for i, v in enumerate(values or []) if v is not None]
    if len(points) < 2:
        return ""
    height, pad = 18, 2
    low, high = min(min(v for _i, v in points), 0.0), max(max(v for _i, v in points), 0.0)
    span = (high - low) or 1.0
    step = (width - 2 * pad) / max(len(values or []) - 1, 1)

    def y(v: float) -> float:
        return round(pad + (high - v) / span * (height - 2 * pad), 1)

    line = " ".join(f"{round(pad + i * step, 1)},{y(v)}" for i, v in points)
    colour = "#c62828" if points[-1][1] < 0 else "#1e6b34"
    return format_html(
        '<svg class="spark" width="{}" height="{}" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        '<line x1="0" x2="{}" y1="{}" y2="{}" stroke="#cbd2d9" stroke-dasharray="2 2"/>'
        '<polyline fill="none" stroke="{}" stroke-width="1.5" points="{}"/></svg>',
        width, height, width, height, gettext("逐月累计增速"), width, y(0.0), y(0.0), colour, line)
