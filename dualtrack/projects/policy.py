"""Access policy of key projects (DOMAIN.md §1, §7): HQ all; leaders read all; a district its county's
projects, a park operator its park's; the responsible unit (责任单位) its projects; the owner (业主) and
the liaison officers in charge their own. Plans, progress and month-end lights follow their project."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action, Role
from dualtrack.core.policy import ALL, NOTHING, declare, roles, user_role


def district_projects(user: Actor) -> Any:
    q = Q()
    if user.county_id:
        q |= Q(county_id=user.county_id)
    if user.park_id:
        q |= Q(park_id=user.park_id) | Q(owner__park_id=user.park_id)
    return q


def unit_projects(user: Actor) -> Any:
    return Q(responsible_department_id=user.department_id) if user.department_id else NOTHING


def owned_projects(user: Actor) -> Any:
    return Q(owner_id=user.enterprise_id) if user.enterprise_id else NOTHING


def liaison_projects(user: Actor) -> Any:
    return Q(liaison_officers=user.pk)


SEE = {Role.HQ: ALL, Role.LEADER: ALL, Role.DISTRICT: district_projects, Role.DEPARTMENT: unit_projects,
       Role.ENTERPRISE: owned_projects, Role.LIAISON: liaison_projects}
MANAGE = {Role.HQ: ALL, Role.DISTRICT: district_projects, Role.DEPARTMENT: unit_projects}

declare("projects.Project", {
    Action.VIEW: SEE,
    Action.EXPORT: {Role.HQ: ALL, Role.LEADER: ALL, Role.DISTRICT: district_projects, Role.DEPARTMENT: unit_projects},
    Action.REPORT: {**MANAGE, Role.ENTERPRISE: owned_projects, Role.LIAISON: liaison_projects},  # 周报/月报
    Action.CHANGE: MANAGE,
    Action.IMPORT: MANAGE,
    Action.ADD: roles(Role.HQ),
    Action.DELETE: roles(Role.HQ),
})
for label in ("projects.ProjectPlan", "projects.ProjectProgress", "projects.MonthlyLight"):
    declare(label, via=("project", "projects.Project"))


def follows_the_board(user: Viewer) -> bool:
    """调度会 (the weekly board) and the projects card: HQ, leaders, districts and departments."""
    return user_role(user) in (Role.HQ, Role.LEADER, Role.DISTRICT, Role.DEPARTMENT)
