"""Access policy of case data (DOMAIN.md §1, §3): HQ enters, imports and publishes; leaders and departments
(卫健委 among them) read everything; a district operator reads its own county (a park operator the county
its park lies in); enterprises and the public see no case data."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action, Role
from dualtrack.core.policy import ALL, NOTHING, allows, declare, roles, user_role


def district_counties(user: Actor) -> Any:
    if user.county_id:
        return Q(county_id=user.county_id)
    if user.park_id:
        return Q(county__parks__id=user.park_id)
    return NOTHING


READ = {Role.HQ: ALL, Role.LEADER: ALL, Role.DEPARTMENT: ALL, Role.DISTRICT: district_counties}

# PERSONAL: a cluster's description (描述) may name a private person or a phone. Only HQ, which imports the health
# commission's reports, reads it whole (core.privacy, each view audited); leaders, departments and counties need
# the count and the day, never the person, so any page, export or bulletin that shows it shows it masked.
for label in ("epidemic.CaseReport", "epidemic.ClusterEvent"):
    declare(label, {
        Action.VIEW: READ,
        Action.REPORT: roles(Role.HQ),
        Action.CHANGE: roles(Role.HQ),
        Action.IMPORT: roles(Role.HQ),
        Action.EXPORT: READ,
        Action.PERSONAL: roles(Role.HQ),
    })
declare("epidemic.PublishedLevel", {
    Action.VIEW: READ,
    Action.PUBLISH: roles(Role.HQ),
    Action.CHANGE: roles(Role.HQ),
})


# What a role is shown of case data (pages, maps): named here so views and services ask by name.
def publishes_levels(user: Viewer) -> bool:
    """Whoever publishes a county's risk level (the declared PUBLISH rule: HQ) sees the publish forms."""
    return allows(user, "epidemic.PublishedLevel", Action.PUBLISH)


def sees_own_county(user: Viewer) -> bool:
    """A district (or park) operator: its own county's figures (a park's under the park's name)."""
    return user_role(user) == Role.DISTRICT
