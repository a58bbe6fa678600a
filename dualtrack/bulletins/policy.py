"""Access policy of the daily bulletin (DOMAIN.md §1, §5): HQ compiles, signs off (签发) and subscribes
people; leaders and departments read released and draft bulletins."""

from __future__ import annotations

from dualtrack.core.actors import Viewer
from dualtrack.core.choices import Action, Role
from dualtrack.core.policy import allows, declare, roles, user_role

declare("bulletins.StoredBulletin", {
    Action.VIEW: roles(Role.HQ, Role.LEADER, Role.DEPARTMENT),
    Action.EXPORT: roles(Role.HQ, Role.LEADER, Role.DEPARTMENT),
    Action.ADD: roles(Role.HQ),  # generate a draft
    Action.PUBLISH: roles(Role.HQ),  # sign off and release
})
declare("bulletins.Subscription", {
    Action.VIEW: roles(Role.HQ), Action.ADD: roles(Role.HQ), Action.CHANGE: roles(Role.HQ),
    Action.DELETE: roles(Role.HQ),
})


def reads_bulletins(user: Viewer) -> bool:
    """每日通报 in the menu: whoever reads the stored bulletins (HQ, leaders, departments)."""
    return allows(user, "bulletins.StoredBulletin", Action.VIEW)


def tends_the_queue(user: Viewer) -> bool:
    """HQ: sees the failed delivery and rendering jobs and sends them back to the queue."""
    return user_role(user) == Role.HQ
