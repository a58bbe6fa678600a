"""Access policy of 亩均论英雄 (DOMAIN.md §1, §15, §18).

HQ and the department in charge of the assessment (``ASSESSMENT_OFFICE``, 经信局 by default) import the land, the
annual figures and the parks' ranks, compute the draft, publish it for 公示, answer objections and finalise it.
Leaders see everything; a county sees its enterprises' rows (and imports their land and figures); an enterprise sees
its own row once published, and objects to it during the notice. Out of scope answers 404."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q

from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action, Role
from dualtrack.core.policy import ALL, NOTHING, allows, declare, roles, user_role


def office(user: Actor) -> Any:
    """The assessment office's staff (a department account of ``ASSESSMENT_OFFICE``): every row."""
    department = getattr(user, "department", None)
    return ALL if department is not None and department.code == settings.ASSESSMENT_OFFICE else NOTHING


def county_firms(path: str) -> Any:
    def rule(user: Actor) -> Any:
        if user.park_id:
            return Q(**{f"{path}__park_id": user.park_id})
        return Q(**{f"{path}__county_id": user.county_id}) if user.county_id else NOTHING
    return rule


def own_firm(path: str) -> Any:
    def rule(user: Actor) -> Any:
        return Q(**{f"{path}_id": user.enterprise_id}) if user.enterprise_id else NOTHING
    return rule


RUNS = {Role.HQ: ALL, Role.DEPARTMENT: office}
FIRM_DATA = {Role.HQ: ALL, Role.LEADER: ALL, Role.DEPARTMENT: office, Role.DISTRICT: county_firms("enterprise"),
             Role.ENTERPRISE: own_firm("enterprise")}
FIRM_IMPORT = {Role.HQ: ALL, Role.DEPARTMENT: office, Role.DISTRICT: county_firms("enterprise")}
for model in ("assessment.LandUse", "assessment.EnterpriseAnnual"):
    declare(model, {Action.VIEW: FIRM_DATA, Action.EXPORT: FIRM_DATA, Action.IMPORT: FIRM_IMPORT})
declare("assessment.ParkRank", {
    Action.VIEW: roles(Role.HQ, Role.LEADER, Role.DISTRICT, Role.DEPARTMENT), Action.IMPORT: RUNS})
declare("assessment.Assessment", {
    Action.VIEW: roles(Role.HQ, Role.LEADER, Role.DISTRICT, Role.DEPARTMENT, Role.ENTERPRISE),
    Action.APPROVE: RUNS, Action.PUBLISH: RUNS, Action.REVISE: RUNS})
declare("assessment.AssessmentRow", {Action.VIEW: FIRM_DATA, Action.EXPORT: FIRM_DATA})
declare("assessment.Objection", {
    Action.VIEW: {Role.HQ: ALL, Role.DEPARTMENT: office, Role.DISTRICT: county_firms("enterprise"),
                  Role.ENTERPRISE: own_firm("enterprise")},
    Action.APPLY: {Role.ENTERPRISE: own_firm("enterprise")}, Action.APPROVE: RUNS})


def runs_assessment(user: Viewer) -> bool:
    """Who computes, publishes, answers and finalises (HQ, the assessment office)."""
    return allows(user, "assessment.Assessment", Action.APPROVE)


def is_enterprise(user: Viewer) -> bool:
    return user_role(user) == Role.ENTERPRISE


def adopts_presets(user: Viewer) -> bool:
    """Who adopts another preset (黄岩, 山东) as a new version of the rule set: who may revise rule sets (HQ)."""
    return allows(user, "core.RuleSet", Action.REVISE)


def sees_parks(user: Viewer) -> bool:
    """The parks' rank board and their 亩产 figures (aggregates of a park's enterprises)."""
    return allows(user, "assessment.ParkRank", Action.VIEW)


def sees_objections(user: Viewer) -> bool:
    """The objections page: who answers them and the counties (their enterprises' objections, read only)."""
    return allows(user, "assessment.Objection", Action.VIEW) and not is_enterprise(user)


# --- what the pages, the card and the report ask (named here so they never compare roles themselves) -------------


def sees_city(user: Viewer) -> bool:
    """Who reads every enterprise's row of the city (HQ, the assessment office, leaders): the yearly report and its
    Excel, the city-wide figures of the card."""
    from dualtrack.core import policy

    return policy.scope(user, "assessment.AssessmentRow", Action.EXPORT) is ALL


def county_side(user: Viewer) -> bool:
    """A county's or a park's account: its enterprises' counts on the card."""
    return user_role(user) == Role.DISTRICT
