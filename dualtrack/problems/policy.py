"""Access policy of problems (DOMAIN.md §1, §6): who sees a problem, who reports, triages, assigns, handles
and confirms it, and who sees the liaison officers' visits."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action, Role
from dualtrack.core.policy import ALL, NOTHING, declare, related, roles, user_role


def department_problems(user: Actor) -> Any:
    return Q(department_id=user.department_id) if user.department_id else NOTHING


def district_problems(user: Actor) -> Any:
    """A district operator's problems: those of the enterprises it sees (its county's, or its park's), and those
    to be put right in its county (a poverty finding 问题整改, DOMAIN.md §13)."""
    enterprises = related(user, "enterprise", "registry.Enterprise", Action.VIEW)
    if not user.county_id or enterprises is ALL:
        return enterprises
    here = Q(county_id=user.county_id)
    if enterprises is NOTHING:
        return here
    # As a subquery, not a join: an OR across a join makes it an outer join, which rows locked for update
    # (FOR UPDATE on PostgreSQL) may not be read through.
    from django.apps import apps

    from dualtrack.core.policy import scope

    enterprise = apps.get_model("registry", "Enterprise")
    return Q(enterprise__in=enterprise.objects.filter(scope(user, enterprise, Action.VIEW)).values("pk")) | here


def county_problems(user: Actor) -> Any:
    """Problems to be put right in the operator's county (整改): the county handles them."""
    return Q(county_id=user.county_id) if user.county_id else NOTHING


def followed_problems(user: Actor) -> Any:
    """Problems put right in a county that a department follows (督办): it confirms them closed (销号)."""
    return Q(department_id=user.department_id, county__isnull=False) if user.department_id else NOTHING


def liaison_problems(user: Actor) -> Any:
    return Q(enterprise__liaison_officers=user.pk)


def own_problems(user: Actor) -> Any:
    """An enterprise's own problems: those raised by it or for it (发现), never the internal supervision tasks other
    modules set in motion about it (a key project's "请约谈项目责任人", "报分管副市长督办", a receipt reminder to its
    liaison officer): those are the departments' and leaders' work, not its file (#28 §2)."""
    return Q(enterprise_id=user.enterprise_id, source_key="") if user.enterprise_id else NOTHING


def escalated_problems(user: Actor) -> Any:
    from .choices import OPEN_STATES

    return Q(escalation_level__gt=0, state__in=OPEN_STATES)


SEE = {Role.HQ: ALL, Role.LEADER: ALL, Role.DEPARTMENT: department_problems, Role.DISTRICT: district_problems,
       Role.LIAISON: liaison_problems, Role.ENTERPRISE: own_problems}

declare("problems.Problem", {
    Action.VIEW: SEE,
    Action.EXPORT: SEE,
    # 发现: an enterprise for itself, a liaison officer for an enterprise in their care, HQ for anyone.
    Action.REPORT: {Role.HQ: ALL, Role.LIAISON: liaison_problems, Role.ENTERPRISE: own_problems},
    Action.TRIAGE: roles(Role.HQ),  # 梳理, and merging duplicates
    Action.ASSIGN: roles(Role.HQ),  # 转办
    # 协调, 办结, 退回: the department; for a problem put right in a county (整改), that county's operators too.
    Action.RESOLVE: {Role.HQ: ALL, Role.DEPARTMENT: department_problems, Role.DISTRICT: county_problems},
    # 销号: the enterprise or its liaison officer; for a problem put right in a county, the department following it.
    Action.CONFIRM: {Role.HQ: ALL, Role.LIAISON: liaison_problems, Role.ENTERPRISE: own_problems,
                     Role.DEPARTMENT: followed_problems},
    # Attaching files to an open problem.
    Action.CHANGE: {Role.HQ: ALL, Role.DEPARTMENT: department_problems, Role.LIAISON: liaison_problems,
                    Role.ENTERPRISE: own_problems, Role.DISTRICT: county_problems},
    Action.IMPORT: roles(Role.HQ),
    # 批示: a leader on a problem escalated past the department (open, escalation level ≥ 1).
    Action.INSTRUCT: {Role.LEADER: escalated_problems},
    # Phone and ID numbers typed into descriptions, answers and comments: HQ, the handling department and the
    # enterprise that reported its own problem (its own contacts); masked for everyone else (core.privacy.texts).
    Action.PERSONAL: {Role.HQ: ALL, Role.DEPARTMENT: department_problems, Role.ENTERPRISE: own_problems},
})


# What a role is shown of problems (pages, cards, menus): named here so views and cards ask by name.
def reports_own_problems(user: Viewer) -> bool:
    """An enterprise account: it reports its own problems (no enterprise to pick) and its card lists them."""
    return user_role(user) == Role.ENTERPRISE


def has_inbox(user: Viewer) -> bool:
    """A department: its problems arrive in 本部门待办 (the inbox), its ledger link and card figures say so."""
    return user_role(user) == Role.DEPARTMENT


def sees_statistics(user: Viewer) -> bool:
    """问题统计: HQ, leaders and departments."""
    return user_role(user) in (Role.HQ, Role.LEADER, Role.DEPARTMENT)


def receives_escalations(user: Viewer) -> bool:
    """领导督办: leaders (the problems escalated to their level) and HQ (every escalated problem)."""
    return user_role(user) in (Role.HQ, Role.LEADER)


def sees_every_escalation(user: Viewer) -> bool:
    """HQ: every escalated problem, whatever its level."""
    return user_role(user) == Role.HQ


def leader_level(user: Viewer) -> int | None:
    """The level a leader is escalated to (1 the mayor's, 2 a vice-mayor in charge …); ``None`` for other roles."""
    return getattr(user, "leader_level", None) if user_role(user) == Role.LEADER else None


def escalations_in_menu(user: Viewer) -> bool:
    """The 领导督办 menu entry: a leader's own page (HQ reaches it from its card)."""
    return user_role(user) == Role.LEADER
