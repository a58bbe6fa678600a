"""Access policy of user accounts: HQ manages them (and whose care a liaison officer has); everyone sees
their own."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from dualtrack.core.actors import Actor
from dualtrack.core.choices import Action, Role
from dualtrack.core.policy import ALL, declare, roles


def themselves(user: Actor) -> Any:
    return Q(pk=user.pk)


declare("accounts.User", {
    Action.VIEW: {Role.HQ: ALL, Role.LEADER: themselves, Role.DISTRICT: themselves, Role.DEPARTMENT: themselves,
                  Role.LIAISON: themselves, Role.ENTERPRISE: themselves, Role.PUBLIC: themselves},
    Action.ADD: roles(Role.HQ),
    Action.CHANGE: roles(Role.HQ),  # roles, scopes, and the enterprises in a liaison officer's care
    Action.DELETE: roles(Role.HQ),
    Action.IMPORT: roles(Role.HQ),
})


def is_staff_role(role: str) -> bool:
    """Whether accounts of ``role`` are staff: the admin site (/admin/) is HQ's."""
    return role == Role.HQ
