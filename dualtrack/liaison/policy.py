"""Access policy of liaison officers' records: an officer logs and reads their own visits; HQ and leaders read
all; a district (or park) operator reads its enterprises' visits. Assigning enterprises to officers is HQ's
(``accounts.User`` CHANGE)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action, Role
from dualtrack.core.policy import ALL, allows, declare, related, user_role


def district_visits(user: Actor) -> Any:
    """A district operator reads the visits to the enterprises it sees (its county's, or its park's)."""
    return related(user, "enterprise", "registry.Enterprise", Action.VIEW)


def own_visits(user: Actor) -> Any:
    return Q(officer_id=user.pk)


declare("liaison.Visit", {
    Action.VIEW: {Role.HQ: ALL, Role.LEADER: ALL, Role.DISTRICT: district_visits, Role.LIAISON: own_visits},
    Action.ADD: {Role.LIAISON: own_visits},
    Action.CHANGE: {Role.HQ: ALL, Role.LIAISON: own_visits},
    # Phone and ID numbers in the notes: whole for the officer who wrote them, masked for everyone else
    # (core.privacy, each whole view audited).
    Action.PERSONAL: {Role.LIAISON: own_visits},
})


# What a role is shown of liaison work (pages, cards, menus): named here so views and cards ask by name.
def logs_visits(user: Viewer) -> bool:
    """A liaison officer: logs visits (the form, the 走访记录 menu, the 走访服务 card) — the declared ADD rule."""
    return allows(user, "liaison.Visit", Action.ADD)


def sees_coverage(user: Viewer) -> bool:
    """全覆盖 (key enterprises without an officer): HQ, leaders and districts."""
    return user_role(user) in (Role.HQ, Role.LEADER, Role.DISTRICT)
