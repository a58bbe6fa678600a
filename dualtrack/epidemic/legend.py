"""The five-colour map's legend (DOMAIN.md §3.2): each colour, its name and what it means, read from the rule set
``five-colour`` in force (a revised rule set changes the legend with it), with the colour its county names are
written in (``core.colours``: contrast at least 4.5 on the fill).

The rule set is a decision list read from the top, the first rule that holds giving the colour; the legend lists the
colours in that order, each with its own rule in words. The last rule is the fallback (``{"all": []}``): its meaning
is the previous rule's single condition negated when it has one (the default: green, 近14天无新增确诊), else
"none of the above".
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dualtrack.core import rules
from dualtrack.core.colours import MISSING, label_colour

from .choices import COLOUR_HEX, FIVE_COLOUR_RULES, Colour

NEGATED = {">": "<=", ">=": "<", "<": ">=", "<=": ">", "==": "!=", "!=": "=="}


def _windows(definition: dict[str, Any]) -> dict[str, int]:
    window, recent = int(definition.get("window_days", 14)), int(definition.get("recent_days", 3))
    return {"cumulative": 0, "new14": window, "new3": recent, "local14": window, "cluster14": window}


def _fact(fact: str, days: int) -> str:
    """The fact's name where it is compared with a number (累计确诊超过50例)."""
    return {
        "cumulative": _("累计确诊"),
        "new14": _("近%(days)d天新增确诊") % {"days": days},
        "new3": _("近%(days)d天新增确诊") % {"days": days},
        "local14": _("近%(days)d天本地确诊") % {"days": days},
    }[fact]


def _presence(fact: str, days: int, present: bool) -> str:
    """The fact said as there being some or none (近3天有新增确诊, 近14天无新增确诊)."""
    if fact == "cumulative":
        return _("有确诊病例") if present else _("无确诊病例")
    if fact == "cluster14":
        return (_("近%(days)d天有聚集性疫情") if present else _("近%(days)d天无聚集性疫情")) % {"days": days}
    if fact == "local14":
        return (_("近%(days)d天有本地确诊") if present else _("近%(days)d天无本地确诊")) % {"days": days}
    return (_("近%(days)d天有新增确诊") if present else _("近%(days)d天无新增确诊")) % {"days": days}


def condition_text(condition: list[Any], windows: dict[str, int]) -> str:
    """One condition ``[fact, op, threshold]`` of the rule set in words."""
    fact, op, threshold = condition
    days = windows.get(fact, 0)
    if isinstance(threshold, bool) or fact == "cluster14":
        present = bool(threshold) if op == "==" else not bool(threshold)
        return _presence(fact, days, present)
    if (op == ">" and threshold == 0) or (op == ">=" and threshold == 1) or (op == "!=" and threshold == 0):
        return _presence(fact, days, True)
    if (op in ("==", "<=") and threshold == 0) or (op == "<" and threshold == 1):
        return _presence(fact, days, False)
    words = {">": _("%(fact)s超过%(n)s例"), ">=": _("%(fact)s不少于%(n)s例"), "<": _("%(fact)s少于%(n)s例"),
             "<=": _("%(fact)s不超过%(n)s例"), "==": _("%(fact)s为%(n)s例"), "!=": _("%(fact)s不为%(n)s例")}
    return words[op] % {"fact": _fact(fact, days), "n": f"{threshold:g}"}


def rule_text(rule: dict[str, Any], windows: dict[str, int], previous: dict[str, Any] | None) -> str:
    """A rule of the decision list in words: its conditions joined by 且 (all) or 或 (any)."""
    mode = "all" if "all" in rule else "any"
    conditions = rule[mode]
    if not conditions:  # the fallback
        earlier = (previous or {}).get("all") or (previous or {}).get("any") or []
        if len(earlier) == 1:
            fact, op, threshold = earlier[0]
            if isinstance(threshold, bool):
                return condition_text([fact, "==", not threshold if op == "==" else threshold], windows)
            return condition_text([fact, NEGATED[op], threshold], windows)
        return _("不属于以上任一情形")
    joiner = _("%(a)s且%(b)s") if mode == "all" else _("%(a)s或%(b)s")
    text = condition_text(conditions[0], windows)
    for condition in conditions[1:]:
        text = joiner % {"a": text, "b": condition_text(condition, windows)}
    return text


def colour_legend(definition: dict[str, Any] | None = None, *, missing: bool = False) -> list[dict[str, Any]]:
    """The legend of the five-colour map: one entry per colour in the rule set's order (the first rule first), each
    ``{"key", "fill", "ink", "name", "meaning"}``; with ``missing`` also the grey of 未报送. ``definition``: the
    rule set's definition (default: the version in force)."""
    if definition is None:
        definition = rules.current(FIVE_COLOUR_RULES).definition
    windows = _windows(definition)
    labels = dict(Colour.choices)
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    previous: dict[str, Any] | None = None
    for rule in definition["rules"]:
        colour = rule["outcome"]
        text = rule_text(rule, windows, previous)
        previous = rule
        if colour in seen:  # a colour reached by two rules: its meanings joined
            entry = next(e for e in entries if e["key"] == colour)
            entry["meaning"] = _("%(a)s或%(b)s") % {"a": entry["meaning"], "b": text}
            continue
        seen.add(colour)
        entries.append({"key": colour, "fill": COLOUR_HEX[colour], "ink": label_colour(COLOUR_HEX[colour]),
                        "name": str(labels[colour]), "meaning": text})
    for colour in Colour.values:  # a colour no rule gives still has its place (never reached: said so)
        if colour not in seen:
            entries.append({"key": colour, "fill": COLOUR_HEX[colour], "ink": label_colour(COLOUR_HEX[colour]),
                            "name": str(labels[colour]), "meaning": _("现行规则不判定此色")})
    if missing:
        entries.append({"key": "missing", "fill": MISSING, "ink": label_colour(MISSING), "name": _("未报送"),
                        "meaning": _("当日无病例日报"), "missing": True})
    return entries
