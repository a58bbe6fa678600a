"""Access policy of poverty alleviation (DOMAIN.md §13, §15): household rows (and their checks and labourers)
only for the poverty office 扶贫办 (a department, ``POVERTY_OFFICE``) and the operators of the household's county;
HQ and leaders see aggregates, never a household. The office and the county operators import their rows."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q

from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action, Role
from dualtrack.core.policy import ALL, NOTHING, declare, roles, user_role


def office(user: Actor) -> Any:
    department = getattr(user, "department", None)
    return ALL if department is not None and department.code == settings.POVERTY_OFFICE else NOTHING


def county_households(user: Actor) -> Any:
    return Q(county_id=user.county_id) if user.county_id else NOTHING


ROWS = {Role.DEPARTMENT: office, Role.DISTRICT: county_households}
declare("poverty.Household", {Action.VIEW: ROWS, Action.IMPORT: ROWS, Action.PERSONAL: ROWS})
for label in ("poverty.HouseholdCheck", "poverty.Labourer"):
    declare(label, via=("household", "poverty.Household"))
declare("poverty.RegionFlag", {
    Action.VIEW: roles(Role.HQ, Role.LEADER, Role.DISTRICT, Role.DEPARTMENT),
    Action.IMPORT: {Role.HQ: ALL, Role.DEPARTMENT: office},
})


def county_rows(user: Actor) -> Any:
    return Q(county_id=user.county_id) if user.county_id else NOTHING


# Findings, helpers and inspection teams name no household member: HQ and leaders see them all, the office all,
# a county's operators their own. The office (and HQ) raise findings and import teams; a county imports its own.
# Phone and ID numbers typed into a finding's text (PERSONAL) are read whole by those who see the households: the
# office and the finding's own county; masked for HQ and leaders (core.privacy.texts).
PLACES = {Role.HQ: ALL, Role.LEADER: ALL, Role.DEPARTMENT: office, Role.DISTRICT: county_rows}
declare("poverty.Finding", {Action.VIEW: PLACES, Action.ADD: {Role.HQ: ALL, Role.DEPARTMENT: office},
                            Action.IMPORT: {Role.HQ: ALL, Role.DEPARTMENT: office},
                            Action.PERSONAL: {Role.DEPARTMENT: office, Role.DISTRICT: county_rows}})
for label in ("poverty.Helper", "poverty.InspectionTeam"):
    declare(label, {Action.VIEW: PLACES, Action.IMPORT: {Role.HQ: ALL, Role.DEPARTMENT: office,
                                                          Role.DISTRICT: county_rows}})
# The census checklist and the weekly boards: everyone on the war map reads them; the office ticks the checklist
# and freezes the week (HQ too).
declare("poverty.CensusItem", {Action.VIEW: roles(Role.HQ, Role.LEADER, Role.DISTRICT, Role.DEPARTMENT),
                               Action.CHANGE: {Role.HQ: ALL, Role.DEPARTMENT: office}})
declare("poverty.WeeklyBoard", {Action.VIEW: roles(Role.HQ, Role.LEADER, Role.DISTRICT, Role.DEPARTMENT),
                                Action.ADD: {Role.HQ: ALL, Role.DEPARTMENT: office}})


def sees_own_county(user: Viewer) -> bool:
    """A county's operator: its own county's figures on the poverty card."""
    return user_role(user) == Role.DISTRICT
