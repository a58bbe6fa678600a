"""Access policy of the economy track (DOMAIN.md §1, §11): HQ, leaders and departments read every scope; a
district its county (with the parks in it) and the city; a park operator its park and the city. HQ imports
everything; a department the figures of the indicators it reports. HQ keeps the indicators and signs off the
monthly report."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action, Role
from dualtrack.core.policy import ALL, NOTHING, declare, roles, scope, user_role

from .choices import ScopeKind


def district_figures(user: Actor) -> Any:
    if user.county_id:
        return Q(scope_kind=ScopeKind.CITY) | Q(county_id=user.county_id)
    if user.park_id:
        return Q(scope_kind=ScopeKind.CITY) | Q(park_id=user.park_id)
    return NOTHING


def own_indicators(user: Actor) -> Any:
    return Q(indicator__department_id=user.department_id) if user.department_id else NOTHING


def own_indicator_rows(user: Actor) -> Any:
    return Q(department_id=user.department_id) if user.department_id else NOTHING


READ = {Role.HQ: ALL, Role.LEADER: ALL, Role.DEPARTMENT: ALL, Role.DISTRICT: district_figures}
for label in ("economy.Target", "economy.Actual"):
    declare(label, {
        Action.VIEW: READ,
        Action.EXPORT: READ,
        Action.IMPORT: {Role.HQ: ALL, Role.DEPARTMENT: own_indicators},
    })
declare("economy.Indicator", {
    Action.VIEW: {Role.HQ: ALL, Role.LEADER: ALL, Role.DEPARTMENT: ALL, Role.DISTRICT: ALL},
    Action.IMPORT: roles(Role.HQ),
    Action.CHANGE: {Role.HQ: ALL, Role.DEPARTMENT: own_indicator_rows},  # its targets and actuals
})
declare("economy.MonthlyReport", {
    Action.VIEW: {Role.HQ: ALL, Role.LEADER: ALL, Role.DEPARTMENT: ALL},
    Action.ADD: roles(Role.HQ),
    Action.PUBLISH: roles(Role.HQ),
})


# What a role is shown of the economy (pages, cards, files): named here so views and cards ask by name.
def sees_economy_card(user: Viewer) -> bool:
    """The economy card on 总览: HQ, leaders, departments and districts."""
    return user_role(user) in (Role.HQ, Role.LEADER, Role.DEPARTMENT, Role.DISTRICT)


def sees_own_area(user: Viewer) -> bool:
    """A district (or park) operator: its own county's (or park's) rows first, not the city's."""
    return user_role(user) == Role.DISTRICT


def imports_every_indicator(user: Viewer) -> bool:
    """Whoever imports targets and actuals of every indicator (HQ); a department imports those it reports."""
    return scope(user, "economy.Target", Action.IMPORT) is ALL
