"""Versioned rule sets (规则集): risk grading, thresholds, targets, deadlines, lights.

A rule set has a key (``national-2020``, ``five-colour`` …) and numbered versions; a change makes a new
version and old versions stay, so every computed result can name the version that produced it. Apps
register a validator per key; definitions are plain JSON checked by it.

Decision lists (first match wins) are the common shape of grading rules::

    [{"outcome": "red", "all": [["cumulative", ">", 50], ["cluster14", "==", true]]},
     {"outcome": "orange", "any": [["cluster14", "==", true], ["local14", ">", 10]]},
     {"outcome": "green", "all": []}]
"""

from __future__ import annotations

import json
import operator
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from . import audit
from .actors import Actor
from .choices import AuditAction
from .models import RuleSet

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne,
}

_VALIDATORS: dict[str, Callable[[Any], None]] = {}


class RuleError(ValueError):
    """A rule-set definition is not acceptable; the message says where, in the reader's language (Chinese first):
    the messages are made when the error is raised, in the request that asked."""


# --- messages -------------------------------------------------------------------------------------------------


def named(name: str, label: Any = "") -> str:
    """A rule field for people: its label and its JSON name (「双过半自几月起研判」（double_half_from_month）), or
    its name alone (「rules[2]」) when it has no label."""
    if label:
        return _("「%(label)s」（%(name)s）") % {"label": label, "name": name}
    return _("「%(name)s」") % {"name": name}


def listed(items: Iterable[Any]) -> str:
    """Names joined as a list (、 in Chinese)."""
    return _("、").join(str(item) for item in items)


def _figure(value: float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def out_of_bounds(field: str, *, whole: bool, low: float | None = None, high: float | None = None,
                  low_open: bool = False) -> str:
    """The message for a number outside its bounds: "「…」（name）须为 0 到 1 之间的数" (``field``: :func:`named`)."""
    params = {"field": field, "low": "" if low is None else _figure(low), "high": "" if high is None else _figure(high)}
    if low is not None and high is not None and low_open:
        text = _("%(field)s须为大于 %(low)s、不大于 %(high)s 的整数") if whole else \
            _("%(field)s须为大于 %(low)s、不大于 %(high)s 的数")
    elif low is not None and high is not None:
        text = _("%(field)s须为 %(low)s 到 %(high)s 之间的整数") if whole else _("%(field)s须为 %(low)s 到 %(high)s 之间的数")
    elif low is not None and low_open:
        text = _("%(field)s须为大于 %(low)s 的整数") if whole else _("%(field)s须为大于 %(low)s 的数")
    elif low is not None:
        text = _("%(field)s须为不小于 %(low)s 的整数") if whole else _("%(field)s须为不小于 %(low)s 的数")
    elif high is not None:
        text = _("%(field)s须为不大于 %(high)s 的整数") if whole else _("%(field)s须为不大于 %(high)s 的数")
    else:
        text = _("%(field)s须为整数") if whole else _("%(field)s须为数")
    return text % params


def a_date(field: str) -> str:
    return _("%(field)s须为日期（YYYY-MM-DD）") % {"field": field}


def register_rules(key: str, validator: Callable[[Any], None]) -> None:
    _VALIDATORS[key] = validator


def registered_keys() -> list[str]:
    """Every rule set an app registered a validator for (and so can be revised)."""
    return sorted(_VALIDATORS)


CURRENT_TTL = 2.0  # seconds a process reuses the current version it read (a page asks a dozen times)
_CURRENT: dict[str, tuple[float, RuleSet]] = {}


def current(key: str) -> RuleSet:
    """The latest version of ``key``. Read once per ``CURRENT_TTL`` seconds in a process: a revision made in
    another process is seen within that time, one made in this process at once."""
    cached = _CURRENT.get(key)
    now = time.monotonic()
    if cached is not None and cached[0] > now:
        return cached[1]
    found = RuleSet.objects.filter(key=key).order_by("-version").first()
    if found is None:
        raise RuleError(_("规则集 %(key)s 尚无版本") % {"key": key})
    _CURRENT[key] = (now + CURRENT_TTL, found)
    return found


def forget() -> None:
    """Drop the versions this process keeps (a revision here; a test's rolled-back database)."""
    _CURRENT.clear()


def version(key: str, number: int) -> RuleSet:
    found = RuleSet.objects.filter(key=key, version=number).first()
    if found is None:
        raise RuleError(_("规则集 %(key)s 没有第 %(number)s 版") % {"key": key, "number": number})
    return found


@transaction.atomic
def revise(key: str, definition: Any, actor: Actor, comment: str) -> RuleSet:
    """Make a new version of ``key`` (validated, audited); earlier versions stay as they were."""
    validator = _VALIDATORS.get(key)
    if validator is None:
        raise RuleError(_("未知的规则集 %(key)s") % {"key": key})
    validator(definition)
    if not comment.strip():
        raise RuleError(_("修订须写明修订说明"))
    latest = RuleSet.objects.select_for_update().filter(key=key).order_by("-version").first()
    if latest is not None and latest.definition == definition:
        raise RuleError(_("规则定义与现行版本相同，未生成新版本"))
    forget()
    transaction.on_commit(forget)
    created = RuleSet.objects.create(
        key=key, version=(latest.version + 1) if latest else 1, definition=definition, comment=comment,
        created_by_username=actor.get_username() if actor is not None else "",
    )
    audit.record(actor, AuditAction.CREATE, created, before={"version": latest.version if latest else None},
                 after={"version": created.version, "definition": definition, "comment": comment})
    return created


# --- decision lists ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    outcome: str
    rule_index: int
    conditions: list[dict[str, Any]]  # each: fact, op, threshold, value, holds


def validate_decision_list(rules: Any, facts: set[str], outcomes: set[str], where: str, label: Any = "") -> None:
    """A decision list as the grading rules need it; ``where`` its field (``label`` its name for people)."""
    field = named(where, label)
    if not isinstance(rules, list) or not rules:
        raise RuleError(_("%(field)s须为非空的规则列表") % {"field": field})
    for index, rule in enumerate(rules):
        at = f"{where}[{index}]"
        if not isinstance(rule, dict) or rule.get("outcome") not in outcomes:
            raise RuleError(_("%(at)s：outcome 须为 %(outcomes)s 之一") % {
                "at": at, "outcomes": listed(sorted(outcomes))})
        modes = [m for m in ("all", "any") if m in rule]
        if len(modes) != 1 or not isinstance(rule[modes[0]], list):
            raise RuleError(_("%(at)s：须给出 all 或 any 之一（一个条件列表），不能两个都给") % {"at": at})
        for condition in rule[modes[0]]:
            if (not isinstance(condition, list) or len(condition) != 3 or condition[0] not in facts
                    or condition[1] not in OPERATORS or not isinstance(condition[2], bool | int | float)):
                raise RuleError(_("%(at)s：条件 %(condition)s 须为 [事实，运算符，数值]；事实：%(facts)s；"
                                  "运算符：%(operators)s") % {
                    "at": at, "condition": json.dumps(condition, ensure_ascii=False, default=str)[:200],
                    "facts": listed(sorted(facts)), "operators": listed(sorted(OPERATORS))})
    if rules[-1].get("all") != []:
        raise RuleError(_("%(field)s的最后一条须为兜底规则 {\"all\": []}") % {"field": field})


def decide(rules: list[dict[str, Any]], facts: Mapping[str, Any]) -> Decision:
    """The first rule whose conditions hold; with each condition's value, for the "why"."""
    for index, rule in enumerate(rules):
        mode = "all" if "all" in rule else "any"
        checked = [{"fact": f, "op": op, "threshold": t, "value": facts[f], "holds": OPERATORS[op](facts[f], t)}
                   for f, op, t in rule[mode]]
        holds = all(c["holds"] for c in checked) if mode == "all" else any(c["holds"] for c in checked)
        if holds:
            return Decision(outcome=rule["outcome"], rule_index=index, conditions=checked)
    raise RuleError(_("没有一条规则成立（最后一条应为兜底规则）"))
