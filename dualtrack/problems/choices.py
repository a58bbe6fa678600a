"""Problem states, complexities and the escalation chain (DOMAIN.md §6)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from dualtrack.core.choices import Action


class State(models.TextChoices):
    REPORTED = "reported", _("发现")
    TRIAGED = "triaged", _("梳理")
    ASSIGNED = "assigned", _("转办")
    IN_PROGRESS = "in_progress", _("协调")
    RESOLVED = "resolved", _("办结")
    CLOSED = "closed", _("销号")
    RETURNED = "returned", _("退回")


class EventKind(models.TextChoices):
    """What a step of a problem's history is."""

    MOVE = "move", _("流转")
    INSTRUCTION = "instruction", _("领导批示")
    NOTE = "note", _("记录")


INSTRUCTION_MAX = 2000  # characters of a leader's instruction


class Complexity(models.TextChoices):
    POLICY = "policy", _("政策咨询")
    SIMPLE = "simple", _("简单")
    GENERAL = "general", _("一般")
    COMPLEX = "complex", _("复杂")


# The verb each move is (the access policy in ``policy.py`` says who may take it, and where).
TRANSITIONS: dict[tuple[str, str], str] = {
    (State.REPORTED, State.TRIAGED): Action.TRIAGE,
    (State.RETURNED, State.TRIAGED): Action.TRIAGE,
    (State.TRIAGED, State.ASSIGNED): Action.ASSIGN,
    (State.ASSIGNED, State.IN_PROGRESS): Action.RESOLVE,
    (State.ASSIGNED, State.RESOLVED): Action.RESOLVE,
    (State.IN_PROGRESS, State.RESOLVED): Action.RESOLVE,
    (State.ASSIGNED, State.RETURNED): Action.RESOLVE,
    (State.IN_PROGRESS, State.RETURNED): Action.RESOLVE,
    (State.RESOLVED, State.CLOSED): Action.CONFIRM,
    (State.RESOLVED, State.IN_PROGRESS): Action.CONFIRM,  # reopened: not satisfied
}
# The buttons that are not just the new state's name: the enterprise's two answers to a resolved problem.
TRANSITION_LABELS: dict[tuple[str, str], Any] = {
    (State.RESOLVED, State.CLOSED): _("满意，销号"),
    (State.RESOLVED, State.IN_PROGRESS): _("不满意，重新办理"),
}
DESCRIPTION_MAX = 5000  # characters of a problem's description
OPEN_STATES = (State.ASSIGNED, State.IN_PROGRESS)
# Marked for the catalogue: the English interface shows the default categories translated (see Category.__str__).
DEFAULT_CATEGORIES = [gettext_noop("用工"), gettext_noop("物流运输"), gettext_noop("防疫物资"), gettext_noop("资金"),
                      gettext_noop("原材料"), gettext_noop("用地"), gettext_noop("用电"), gettext_noop("审批"),
                      gettext_noop("政策咨询"), gettext_noop("其他")]
