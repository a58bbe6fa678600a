"""Access policy of point-to-point worker return (DOMAIN.md §1, §12, §15).

Who sees what: HQ, leaders and the human-resources bureau (人社局) every trip and worker; a district the workers
of its county (their home) and the trips leaving from it or going to its enterprises; a park operator the trips
to its park's enterprises; an enterprise its own demand, trips and workers; a liaison officer those of the
enterprises in their care. Names, phones and ID numbers (``Action.PERSONAL``) only for the home county's
operators, the bureau and the receiving enterprise. A manifest (the workers on a trip) is seen by HQ, the bureau,
the origin county and the receiving enterprise: anyone else gets 404."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q

from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action, Role
from dualtrack.core.policy import ALL, NOTHING, allows, declare, roles, user_role


def is_bureau(user: Viewer) -> bool:
    department = getattr(user, "department", None)
    return department is not None and department.code == settings.WORKER_RETURN_BUREAU


def bureau(user: Actor) -> Any:
    return ALL if is_bureau(user) else NOTHING


def own_enterprise(path: str) -> Any:
    def rule(user: Actor) -> Any:
        return Q(**{f"{path}_id": user.enterprise_id}) if user.enterprise_id else NOTHING
    return rule


def liaison_enterprise(path: str) -> Any:
    def rule(user: Actor) -> Any:
        return Q(**{f"{path}__liaison_officers": user.pk})
    return rule


def district_workers(user: Actor) -> Any:
    if user.county_id:
        return Q(home_county_id=user.county_id) | Q(enterprise__county_id=user.county_id)
    if user.park_id:
        return Q(enterprise__park_id=user.park_id)
    return NOTHING


def home_county(user: Actor) -> Any:
    return Q(home_county_id=user.county_id) if user.county_id else NOTHING


def district_trips(user: Actor) -> Any:
    if user.county_id:
        return Q(origin_id=user.county_id) | Q(enterprise__county_id=user.county_id)
    if user.park_id:
        return Q(enterprise__park_id=user.park_id)
    return NOTHING


def origin_county(user: Actor) -> Any:
    return Q(origin_id=user.county_id) if user.county_id else NOTHING


def district_demand(user: Actor) -> Any:
    if user.county_id:
        return Q(enterprise__county_id=user.county_id) | Q(origin_id=user.county_id)
    if user.park_id:
        return Q(enterprise__park_id=user.park_id)
    return NOTHING


declare("workreturn.LabourDemand", {
    Action.VIEW: {Role.HQ: ALL, Role.LEADER: ALL, Role.DEPARTMENT: bureau, Role.DISTRICT: district_demand,
                  Role.ENTERPRISE: own_enterprise("enterprise"), Role.LIAISON: liaison_enterprise("enterprise")},
    Action.REPORT: {Role.HQ: ALL, Role.DEPARTMENT: bureau, Role.ENTERPRISE: own_enterprise("enterprise"),
                    Role.LIAISON: liaison_enterprise("enterprise")},
    Action.IMPORT: {Role.HQ: ALL, Role.DEPARTMENT: bureau},
})
declare("workreturn.Worker", {
    Action.VIEW: {Role.HQ: ALL, Role.LEADER: ALL, Role.DEPARTMENT: bureau, Role.DISTRICT: district_workers,
                  Role.ENTERPRISE: own_enterprise("enterprise"), Role.LIAISON: liaison_enterprise("enterprise")},
    Action.PERSONAL: {Role.DEPARTMENT: bureau, Role.DISTRICT: home_county, Role.ENTERPRISE: own_enterprise("enterprise")},
    Action.IMPORT: {Role.HQ: ALL, Role.DEPARTMENT: bureau, Role.DISTRICT: home_county},  # the home county registers
    Action.EXPORT: {Role.HQ: ALL, Role.DEPARTMENT: bureau, Role.DISTRICT: home_county},
})
declare("workreturn.Trip", {
    Action.VIEW: {Role.HQ: ALL, Role.LEADER: ALL, Role.DEPARTMENT: bureau, Role.DISTRICT: district_trips,
                  Role.ENTERPRISE: own_enterprise("enterprise"), Role.LIAISON: liaison_enterprise("enterprise")},
    # the manifest: the origin county, the bureau, the receiving enterprise (and HQ)
    Action.EXPORT: {Role.HQ: ALL, Role.DEPARTMENT: bureau, Role.DISTRICT: origin_county,
                    Role.ENTERPRISE: own_enterprise("enterprise")},
    Action.IMPORT: {Role.HQ: ALL, Role.DEPARTMENT: bureau},
    Action.REPORT: {Role.HQ: ALL, Role.DEPARTMENT: bureau, Role.DISTRICT: district_trips,
                    Role.ENTERPRISE: own_enterprise("enterprise")},  # scanning at boarding and arrival
})
for label in ("workreturn.ManifestEntry", "workreturn.Boarding"):
    declare(label, via=("trip", "workreturn.Trip"))
declare("workreturn.Receipt", via=("worker", "workreturn.Worker"))
__all__ = ["roles"]


# What a role is shown of worker return (forms, files): named here so services and imports ask by name.
def bound_to_home_county(user: Viewer) -> bool:
    """A district operator registers (by form or file) only the workers whose home is its own county."""
    return user_role(user) == Role.DISTRICT


def plans_demand(user: Viewer) -> bool:
    """Whoever imports labour demand (HQ and the human-resources bureau, the declared IMPORT rule): plans for
    every enterprise, and imports demand and trips."""
    return allows(user, "workreturn.LabourDemand", Action.IMPORT)
