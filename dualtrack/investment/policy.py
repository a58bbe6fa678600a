"""Access policy of investment promotion (DOMAIN.md §14, §15): a county's or park's investment staff (district
operators) see and work their own leads; HQ and leaders see all; the chief service officer sees the leads in
their care. Another county's lead answers 404."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q

from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action, Role
from dualtrack.core.policy import ALL, NOTHING, allows, declare, roles, scope, user_role


def own_leads(user: Actor) -> Any:
    if user.park_id:
        return Q(park_id=user.park_id)
    return Q(county_id=user.county_id) if user.county_id else NOTHING


def officer_leads(user: Actor) -> Any:
    return Q(officer_id=user.pk)


SEE = {Role.HQ: ALL, Role.LEADER: ALL, Role.DISTRICT: own_leads, Role.DEPARTMENT: officer_leads,
       Role.LIAISON: officer_leads}
WORK = {Role.HQ: ALL, Role.DISTRICT: own_leads}
# REPORT: logging an activity (a visit, an online negotiation): the staff and the lead's chief service officer.
REPORT = {Role.HQ: ALL, Role.DISTRICT: own_leads, Role.DEPARTMENT: officer_leads, Role.LIAISON: officer_leads}
# PERSONAL: the first informant's name (第一信息人, often a private person): HQ, which awards them, and the lead's own
# staff, who recorded it; masked for leaders, departments and liaison officers.
declare("investment.Lead", {Action.VIEW: SEE, Action.EXPORT: SEE, Action.IMPORT: WORK, Action.ADD: WORK,
                            Action.CHANGE: WORK, Action.REPORT: REPORT, Action.PERSONAL: WORK})
for label in ("investment.LeadActivity", "investment.FundArrival"):
    declare(label, via=("lead", "investment.Lead"))
declare("investment.InvestmentTarget", {Action.VIEW: roles(Role.HQ, Role.LEADER, Role.DISTRICT, Role.DEPARTMENT),
                                        Action.IMPORT: roles(Role.HQ)})


def own_county(user: Actor) -> Any:
    return Q(county_id=user.county_id) if user.county_id and not user.park_id else NOTHING


def own_county_projects(user: Actor) -> Any:
    return Q(project__county_id=user.county_id) if user.county_id else NOTHING


# 集中开工 events: everyone who follows projects sees them; HQ records the city's, a county its own.
declare("investment.GroundbreakingEvent", {
    Action.VIEW: roles(Role.HQ, Role.LEADER, Role.DISTRICT, Role.DEPARTMENT),
    Action.ADD: {Role.HQ: ALL, Role.DISTRICT: own_county}})
def fund_bid_office(user: Actor) -> Any:
    department = getattr(user, "department", None)
    return ALL if department is not None and department.code == settings.FUND_BID_OFFICE else NOTHING


# 争资 bids: HQ and the development and reform commission (发改委, ``FUND_BID_OFFICE``) import them; the other
# departments see them (each follows its own sector's bids), a county its own projects'.
BIDS_SEE = {Role.HQ: ALL, Role.LEADER: ALL, Role.DEPARTMENT: ALL, Role.DISTRICT: own_county_projects}
declare("investment.FundBid", {Action.VIEW: BIDS_SEE, Action.EXPORT: BIDS_SEE,
                               Action.IMPORT: {Role.HQ: ALL, Role.DEPARTMENT: fund_bid_office}})


# What a role is shown of investment (pages, cards, menus): named here so views and cards ask by name.
def sees_as_officer(user: Viewer) -> bool:
    """A department or liaison officer: sees only the leads in their care as chief service officer."""
    return user_role(user) in (Role.DEPARTMENT, Role.LIAISON)


def adds_anywhere(user: Viewer) -> bool:
    """Whoever may add a lead in any county (HQ): names the county (and any park) on the form."""
    return scope(user, "investment.Lead", Action.ADD) is ALL


def sees_pipeline(user: Viewer) -> bool:
    """The investment card on 总览: HQ, leaders, districts and departments who see leads."""
    return user_role(user) in (Role.HQ, Role.LEADER, Role.DISTRICT, Role.DEPARTMENT) \
        and allows(user, "investment.Lead", Action.VIEW)


def menu_waits_for_a_lead(user: Viewer) -> bool:
    """A liaison officer's phone menu is short: 招商引资 shows only once they are a lead's chief service officer."""
    return user_role(user) == Role.LIAISON
