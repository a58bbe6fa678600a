"""Template filters shared by every page."""

from __future__ import annotations

import json
from typing import Any

from django import template

register = template.Library()


@register.filter
def thousands(value: Any) -> str:
    """12345 → 12,345 (the grouping Chinese statistical tables use), whatever the language."""
    if value is None or value == "":
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{int(number):,}" if number.is_integer() else f"{number:,.2f}"


@register.filter
def as_json(value: Any) -> str:
    """A before/after record as compact JSON with Chinese kept readable."""
    if value in (None, "", {}):
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` in a template (labels by code, or an item of a list by position)."""
    if isinstance(mapping, list | tuple):
        return mapping[key] if isinstance(key, int) and 0 <= key < len(mapping) else key
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key


@register.filter
def percent(value: Any, digits: int = 1) -> str:
    """0.6174 → 61.7% (a fraction shown as a percentage); None → —."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


@register.filter
def pp(value: Any) -> str:
    """Percentage points with their sign: +2.3 个百分点 → "+2.3"; None → —."""
    if value is None or value == "":
        return "—"
    return f"{float(value):+.1f}"


@register.inclusion_tag("core/_as_of.html")
def as_of_note(day: Any, stale: bool = False) -> dict[str, Any]:
    """"数据截至 2020-04-30 · 病例日报至 … · 用电数据至 …" under a dashboard's title (DOMAIN.md §15), or, for
    another day, which day is shown and the way back; "数据更新中" while the worker recomputes the day."""
    from dualtrack.core import versions

    as_of = versions.as_of()
    return {"day": day, "as_of": as_of, "is_as_of": as_of.day == day, "stale": stale,
            "sources": [(as_of.labels.get(name, name), latest) for name, latest in as_of.sources.items()]}


@register.filter
def reported_or(value: Any, missing: str = "") -> Any:
    """A reported figure, or 未报送 where it was not reported (None), never 0."""
    from django.utils.translation import gettext

    return gettext("未报送") if value is None else value
