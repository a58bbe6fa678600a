"""Access policy of safe resumption (DOMAIN.md §1, §15, §16).

A filing follows its enterprise: the enterprise applies for itself, its liaison officer on its behalf; the county (or
the park) of the enterprise decides, records the on-site check and lifts a suspension; HQ may do all of it. Leaders
and departments follow filings with the officer's name and phone masked: those (``Action.PERSONAL``) and the daily
epidemic ledger are for the enterprise, its liaison officer, its county (or park) and HQ only. Out of scope answers
404."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action, Role
from dualtrack.core.policy import ALL, NOTHING, allows, declare, roles, user_role


def district_enterprises(path: str) -> Any:
    def rule(user: Actor) -> Any:  # as the registry's: its county's enterprises, or its park's (园区)
        q = Q()
        if user.county_id:
            q |= Q(**{f"{path}__county_id": user.county_id})
        if user.park_id:
            q |= Q(**{f"{path}__park_id": user.park_id})
        return q if (user.county_id or user.park_id) else NOTHING
    return rule


def liaison_enterprises(path: str) -> Any:
    def rule(user: Actor) -> Any:
        return Q(**{f"{path}__liaison_officers": user.pk})
    return rule


def own_enterprise(path: str) -> Any:
    def rule(user: Actor) -> Any:
        return Q(**{f"{path}_id": user.enterprise_id}) if user.enterprise_id else NOTHING
    return rule


def _rows(path: str) -> dict[str, Any]:
    return {"district": district_enterprises(path), "liaison": liaison_enterprises(path),
            "own": own_enterprise(path)}


F = _rows("enterprise")
SEE = {Role.HQ: ALL, Role.LEADER: ALL, Role.DEPARTMENT: ALL, Role.DISTRICT: F["district"],
       Role.LIAISON: F["liaison"], Role.ENTERPRISE: F["own"]}
APPLY = {Role.HQ: ALL, Role.LIAISON: F["liaison"], Role.ENTERPRISE: F["own"]}
DECIDE = {Role.HQ: ALL, Role.DISTRICT: F["district"]}
PERSONAL = {Role.HQ: ALL, Role.DISTRICT: F["district"], Role.LIAISON: F["liaison"], Role.ENTERPRISE: F["own"]}
declare("filings.Filing", {Action.VIEW: SEE, Action.EXPORT: SEE, Action.APPLY: APPLY, Action.APPROVE: DECIDE,
                           Action.IMPORT: DECIDE, Action.PERSONAL: PERSONAL})
declare("filings.FilingItem", via=("filing", "filings.Filing"))
declare("filings.FilingEvent", via=("filing", "filings.Filing"))
declare("filings.ChecklistItem", {
    Action.VIEW: roles(Role.HQ, Role.LEADER, Role.DISTRICT, Role.DEPARTMENT, Role.LIAISON, Role.ENTERPRISE),
    Action.IMPORT: roles(Role.HQ)})
# 防疫台账: numbers about the staff's health, seen only where the officer's phone is (PERSONAL above).
declare("filings.EnterpriseHealth", {Action.VIEW: PERSONAL, Action.EXPORT: PERSONAL, Action.PERSONAL: PERSONAL,
                                     Action.REPORT: APPLY, Action.IMPORT: DECIDE})
VISIT_WORK = {Role.HQ: ALL, Role.DISTRICT: F["district"], Role.LIAISON: F["liaison"]}
# A visit's finding is free text (it may name a person or a phone): whole for those who do and follow the visit.
declare("filings.UnfiledVisit", {
    Action.VIEW: {Role.HQ: ALL, Role.LEADER: ALL, Role.DISTRICT: F["district"], Role.LIAISON: F["liaison"]},
    Action.CHANGE: VISIT_WORK, Action.PERSONAL: VISIT_WORK})


# What a role is shown of safe resumption (pages, cards, menus): named here so views and cards ask by name.
def applies_for_itself(user: Viewer) -> bool:
    """An enterprise account: its own filing and ledger on its phone."""
    return user_role(user) == Role.ENTERPRISE


def works_for_enterprises(user: Viewer) -> bool:
    """An enterprise or its liaison officer: the phone flow (apply, answer, the ledger)."""
    return user_role(user) in (Role.ENTERPRISE, Role.LIAISON)


def decides(user: Viewer) -> bool:
    """Who has a queue to decide (a county's or park's operators, HQ)."""
    return allows(user, "filings.Filing", Action.APPROVE)


def sees_board(user: Viewer) -> bool:
    """The filing board per county and park: HQ, leaders, departments and districts."""
    return user_role(user) in (Role.HQ, Role.LEADER, Role.DEPARTMENT, Role.DISTRICT)
