"""Access policy of policy fulfilment (DOMAIN.md §1, §8): policy documents are reference data; every
signed-in role reads measures, HQ and the responsible department manage theirs; an application is seen by
its enterprise (and whoever sees the enterprise), handled by the measure's department; outreach tasks go to
liaison officers."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action, Role
from dualtrack.core.policy import ALL, NOTHING, allows, declare, related, user_role
from dualtrack.core.scoping import REFERENCE_RULES

declare("policies.Policy", REFERENCE_RULES)


def own_measures(user: Actor) -> Any:
    return Q(department_id=user.department_id) if user.department_id else NOTHING


MANAGE_MEASURE = {Role.HQ: ALL, Role.DEPARTMENT: own_measures}
declare("policies.Measure", {
    Action.VIEW: {Role.HQ: ALL, Role.LEADER: ALL, Role.DISTRICT: ALL, Role.DEPARTMENT: ALL, Role.LIAISON: ALL,
                  Role.ENTERPRISE: ALL},
    Action.ADD: MANAGE_MEASURE,
    Action.CHANGE: MANAGE_MEASURE,  # entitlement lists, outreach tasks
    Action.PAY: MANAGE_MEASURE,  # batch payment
    Action.PUBLISH: MANAGE_MEASURE,  # public notices
    Action.EXPORT: {Role.HQ: ALL, Role.LEADER: ALL, Role.DEPARTMENT: own_measures},
})


def department_applications(user: Actor) -> Any:
    return Q(measure__department_id=user.department_id) if user.department_id else NOTHING


def applications_of_visible_enterprises(user: Actor) -> Any:
    return related(user, "enterprise", "registry.Enterprise", Action.VIEW)


def own_applications(user: Actor) -> Any:
    return Q(enterprise_id=user.enterprise_id) if user.enterprise_id else NOTHING


def liaison_applications(user: Actor) -> Any:
    return Q(enterprise__liaison_officers=user.pk)


SEE_APPLICATIONS = {Role.HQ: ALL, Role.LEADER: ALL, Role.DEPARTMENT: department_applications,
                    Role.DISTRICT: applications_of_visible_enterprises,
                    Role.LIAISON: applications_of_visible_enterprises, Role.ENTERPRISE: own_applications}
HANDLE = {Role.HQ: ALL, Role.DEPARTMENT: department_applications}
declare("policies.Application", {
    Action.VIEW: SEE_APPLICATIONS,
    Action.EXPORT: {Role.HQ: ALL, Role.LEADER: ALL, Role.DEPARTMENT: department_applications,
                    Role.DISTRICT: applications_of_visible_enterprises},
    Action.APPLY: {Role.HQ: ALL, Role.ENTERPRISE: own_applications, Role.LIAISON: liaison_applications},  # 申报
    Action.APPROVE: HANDLE,  # 审核: approve or reject
    Action.PAY: HANDLE,  # 兑现
    # Phone and ID numbers in a rejection's reason: HQ, the measure's department and the enterprise itself; masked
    # for everyone else (core.privacy, each whole view audited).
    Action.PERSONAL: {**HANDLE, Role.ENTERPRISE: own_applications},
})


def own_outreach(user: Actor) -> Any:
    return Q(officer_id=user.pk)


def outreach_of_visible_enterprises(user: Actor) -> Any:
    return related(user, "enterprise", "registry.Enterprise", Action.VIEW)


declare("policies.Outreach", {
    Action.VIEW: {Role.HQ: ALL, Role.LIAISON: own_outreach, Role.LEADER: outreach_of_visible_enterprises,
                  Role.DISTRICT: outreach_of_visible_enterprises, Role.DEPARTMENT: department_applications},
    Action.CHANGE: {Role.HQ: ALL, Role.LIAISON: own_outreach},  # 上门服务 done
    # Phone and ID numbers in the visit's note: the officer who wrote it, as for liaison visits (core.privacy).
    Action.PERSONAL: {Role.LIAISON: own_outreach},
})


# What a role is shown of policy fulfilment (pages, cards, menus): named here so views and cards ask by name.
def applies_itself(user: Viewer) -> bool:
    """An enterprise account: it applies for itself (no enterprise to pick; its own card, its own application)."""
    return user_role(user) == Role.ENTERPRISE


def sees_fulfilment(user: Viewer) -> bool:
    """The fulfilment card on 总览 (payments, the review queue): HQ, leaders, districts and departments."""
    return user_role(user) in (Role.HQ, Role.LEADER, Role.DISTRICT, Role.DEPARTMENT) \
        and allows(user, "policies.Application", Action.VIEW)


def reviews_for_department(user: Viewer) -> bool:
    """A department: the applications waiting are its own (本部门待审核)."""
    return user_role(user) == Role.DEPARTMENT


def sees_enterprises_not_applied(user: Viewer) -> bool:
    """A measure's qualifying enterprises that have not applied: every role that follows enterprises up."""
    return user_role(user) in (Role.HQ, Role.LEADER, Role.DISTRICT, Role.DEPARTMENT, Role.LIAISON)


def sees_eligible_count(user: Viewer) -> bool:
    """How many enterprises qualify, for a leader (those who manage the measure see it too)."""
    return user_role(user) == Role.LEADER


def applies_on_page(user: Viewer) -> bool:
    """The apply form on a measure's page: an enterprise, or a liaison officer for an enterprise in their care."""
    return user_role(user) in (Role.ENTERPRISE, Role.LIAISON)


def does_outreach(user: Viewer) -> bool:
    """上门服务: a liaison officer's tasks."""
    return user_role(user) == Role.LIAISON and allows(user, "policies.Outreach", Action.VIEW)
