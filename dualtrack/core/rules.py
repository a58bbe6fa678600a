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

import operator
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from . import audit
from .actors import Actor
from .choices import AuditAction
from .models import RuleSet

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne,
}

_VALIDATORS: dict[str, Callable[[Any], None]] = {}


class RuleError(ValueError):
    """A rule-set definition is not acceptable; the message says where."""


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
        raise RuleError(f"no rule set {key!r}")
    _CURRENT[key] = (now + CURRENT_TTL, found)
    return found


def forget() -> None:
    """Drop the versions this process keeps (a revision here; a test's rolled-back database)."""
    _CURRENT.clear()


def version(key: str, number: int) -> RuleSet:
    found = RuleSet.objects.filter(key=key, version=number).first()
    if found is None:
        raise RuleError(f"no version {number} of rule set {key!r}")
    return found


@transaction.atomic
def revise(key: str, definition: Any, actor: Actor, comment: str) -> RuleSet:
    """Make a new version of ``key`` (validated, audited); earlier versions stay as they were."""
    validator = _VALIDATORS.get(key)
    if validator is None:
        raise RuleError(f"unknown rule set {key!r}")
    validator(definition)
    if not comment.strip():
        raise RuleError("a revision needs a comment saying why")
    latest = RuleSet.objects.select_for_update().filter(key=key).order_by("-version").first()
    if latest is not None and latest.definition == definition:
        raise RuleError("the definition is unchanged")
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


def validate_decision_list(rules: Any, facts: set[str], outcomes: set[str], where: str) -> None:
    if not isinstance(rules, list) or not rules:
        raise RuleError(f"{where}: a non-empty list of rules is needed")
    for index, rule in enumerate(rules):
        at = f"{where}[{index}]"
        if not isinstance(rule, dict) or rule.get("outcome") not in outcomes:
            raise RuleError(f"{at}: outcome must be one of {sorted(outcomes)}")
        modes = [m for m in ("all", "any") if m in rule]
        if len(modes) != 1 or not isinstance(rule[modes[0]], list):
            raise RuleError(f"{at}: give exactly one of 'all' or 'any', a list of conditions")
        for condition in rule[modes[0]]:
            if (not isinstance(condition, list) or len(condition) != 3 or condition[0] not in facts
                    or condition[1] not in OPERATORS or not isinstance(condition[2], bool | int | float)):
                raise RuleError(f"{at}: condition {condition!r} should be [fact, operator, number]; facts: "
                                f"{sorted(facts)}, operators: {sorted(OPERATORS)}")
    if rules[-1].get("all") != []:
        raise RuleError(f"{where}: the last rule should be the fallback with \"all\": []")


def decide(rules: list[dict[str, Any]], facts: Mapping[str, Any]) -> Decision:
    """The first rule whose conditions hold; with each condition's value, for the "why"."""
    for index, rule in enumerate(rules):
        mode = "all" if "all" in rule else "any"
        checked = [{"fact": f, "op": op, "threshold": t, "value": facts[f], "holds": OPERATORS[op](facts[f], t)}
                   for f, op, t in rule[mode]]
        holds = all(c["holds"] for c in checked) if mode == "all" else any(c["holds"] for c in checked)
        if holds:
            return Decision(outcome=rule["outcome"], rule_index=index, conditions=checked)
    raise RuleError("no rule matched (the last rule should be a fallback)")
