"""Problem states, complexities and the escalation chain (DOMAIN.md §6)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    REPORTED = "reported", _("发现")
    TRIAGED = "triaged", _("梳理")
    ASSIGNED = "assigned", _("转办")
    IN_PROGRESS = "in_progress", _("协调")
    RESOLVED = "resolved", _("办结")
    CLOSED = "closed", _("销号")
    RETURNED = "returned", _("退回")


class Complexity(models.TextChoices):
    POLICY = "policy", _("政策咨询")
    SIMPLE = "simple", _("简单")
    GENERAL = "general", _("一般")
    COMPLEX = "complex", _("复杂")


# Who may move a problem from one state to another.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (State.REPORTED, State.TRIAGED): frozenset({"hq"}),
    (State.RETURNED, State.TRIAGED): frozenset({"hq"}),
    (State.TRIAGED, State.ASSIGNED): frozenset({"hq"}),
    (State.ASSIGNED, State.IN_PROGRESS): frozenset({"hq", "department"}),
    (State.ASSIGNED, State.RESOLVED): frozenset({"hq", "department"}),
    (State.IN_PROGRESS, State.RESOLVED): frozenset({"hq", "department"}),
    (State.ASSIGNED, State.RETURNED): frozenset({"hq", "department"}),
    (State.IN_PROGRESS, State.RETURNED): frozenset({"hq", "department"}),
    (State.RESOLVED, State.CLOSED): frozenset({"hq", "enterprise", "liaison"}),
    (State.RESOLVED, State.IN_PROGRESS): frozenset({"hq", "enterprise", "liaison"}),  # reopened: not satisfied
}
OPEN_STATES = (State.ASSIGNED, State.IN_PROGRESS)
DEFAULT_CATEGORIES = ["用工", "物流运输", "防疫物资", "资金", "原材料", "用地", "用电", "审批", "政策咨询", "其他"]
