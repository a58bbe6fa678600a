"""Template filters shared by every page."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django import template
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from .. import zh

register = template.Library()

_ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


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


@register.simple_tag
def day_input(value: Any = None, name: str = "date", **attrs: Any) -> SafeString:
    """A page's day picker (a GET filter's ``<input type="date">``): the picker offers only the days a page may show,
    from ``DATA_EARLIEST_DAY`` to the one clock's today (read when drawn, never past it), and opens on ``value``.
    A page whose days are narrower (the epidemic map: the days with cases) passes ``min``/``max`` (days, kept within
    those bounds); other keyword
    attributes are written as given (``aria_label`` as ``aria-label``)."""
    from dualtrack.core.choices import DateKind
    from dualtrack.core.imports.parsers import day_bounds

    low, high = day_bounds(DateKind.EVENT)
    shown = value.strftime("%Y-%m-%d") if isinstance(value, dt.date) else ("" if value is None else str(value))
    first, last = attrs.pop("min", None), attrs.pop("max", None)
    bounds = {"min": max(first, low) if isinstance(first, dt.date) else low,  # narrower, never wider
              "max": min(last, high) if isinstance(last, dt.date) else high}
    extra = {key.replace("_", "-"): v for key, v in attrs.items()}
    extra.update({key: day.strftime("%Y-%m-%d") if isinstance(day, dt.date) else str(day)
                  for key, day in bounds.items()})
    return format_html('<input type="date" name="{}" value="{}"{}>', name, shown, flatatt(extra))


@register.filter(needs_autoescape=True)
def one_line_days(value: Any, autoescape: bool = True) -> SafeString:
    """A day, or each YYYY-MM-DD in a plain text, kept on one line (a phone broke "数据截至 2020-04-" / "30" at
    the hyphen): ``<span class="nowrap">``. For a value or a text, never for markup (a date in an attribute)."""
    if isinstance(value, dt.datetime):
        value = value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, dt.date):
        value = value.strftime("%Y-%m-%d")
    text = str(conditional_escape(value) if autoescape else value)
    return mark_safe(_ISO_DAY.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', text))  # noqa: S308


# Units an indicator is kept in (经济运行: data, typed in Chinese) as a title's or a column's suffix in the reader's
# language: "(亿元)" was left in the English pages (#28 §5).
UNIT_LABELS = {"亿元": gettext_lazy("（亿元）"), "万元": gettext_lazy("（万元）"), "元": gettext_lazy("（元）")}


@register.filter
def unit_suffix(value: Any) -> str:
    """亿元 → "（亿元）", in English "(100 million yuan)"; a unit not known here as it was typed, in brackets
    (full-width around Chinese); "" for none."""
    text = str(value or "").strip()
    if not text:
        return ""
    label = UNIT_LABELS.get(text)
    if label is not None:
        return str(label)
    return zh.paren(text) if re.search(f"[{zh.CJK}]", text) else f"({text})"
