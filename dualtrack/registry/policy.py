"""Access policy of the registry (DOMAIN.md §1): reference data for every signed-in role, enterprises by
district, park, liaison assignment or ownership."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action, Role
from dualtrack.core.policy import ALL, NOTHING, allows, declare, roles, user_role
from dualtrack.core.scoping import REFERENCE_RULES


def district_enterprises(user: Actor) -> Any:
    """A district operator's enterprises: its county's, or its park's (a park operator, 园区)."""
    q = Q()
    if user.county_id:
        q |= Q(county_id=user.county_id)
    if user.park_id:
        q |= Q(park_id=user.park_id)
    return q


def liaison_enterprises(user: Actor) -> Any:
    return Q(liaison_officers=user.pk)


def own_enterprise(user: Actor) -> Any:
    return Q(pk=user.enterprise_id) if user.enterprise_id else NOTHING


for label in ("registry.Region", "registry.Park", "registry.Industry", "registry.Department", "registry.KeyList"):
    declare(label, REFERENCE_RULES)

declare("registry.Enterprise", {
    Action.VIEW: {Role.HQ: ALL, Role.LEADER: ALL, Role.DISTRICT: district_enterprises,
                  Role.LIAISON: liaison_enterprises, Role.ENTERPRISE: own_enterprise},
    Action.EXPORT: {Role.HQ: ALL, Role.LEADER: ALL, Role.DISTRICT: district_enterprises,
                    Role.LIAISON: liaison_enterprises},
    Action.ADD: {Role.HQ: ALL, Role.DISTRICT: district_enterprises},
    Action.CHANGE: {Role.HQ: ALL, Role.DISTRICT: district_enterprises, Role.ENTERPRISE: own_enterprise},
    Action.IMPORT: {Role.HQ: ALL, Role.DISTRICT: district_enterprises},
    Action.DELETE: roles(Role.HQ),
    # Reporting for an enterprise: its resumption status, its problems.
    Action.REPORT: {Role.HQ: ALL, Role.DISTRICT: district_enterprises, Role.LIAISON: liaison_enterprises,
                    Role.ENTERPRISE: own_enterprise},
})
declare("registry.ElectricityAccount", via=("enterprise", "registry.Enterprise"))


# What a role is shown of the registry (pages, menus): named here so views and menus ask by name.
def has_own_file(user: Viewer) -> bool:
    """An enterprise account: its own file (本企业档案), never a directory of one."""
    return user_role(user) == Role.ENTERPRISE


def sees_directory(user: Viewer) -> bool:
    """企业名录: every role that views enterprises, but an enterprise (which has its own file)."""
    return allows(user, "registry.Enterprise", Action.VIEW) and not has_own_file(user)


def keeps_reference(user: Viewer) -> bool:
    """The code lists' menus (regions, parks, departments, industries): whoever changes reference data (HQ)."""
    return allows(user, "registry.Region", Action.CHANGE)


def sees_liaisons(user: Viewer) -> bool:
    """An enterprise's liaison officers on its file: HQ, leaders and its district (or park)."""
    return user_role(user) in (Role.HQ, Role.LEADER, Role.DISTRICT)
