"""Access policy of resumption reports (DOMAIN.md §1, §4): a report follows its enterprise; reporting
(复工填报) is for the enterprise itself, its liaison officer, its district (or park) and HQ. The stored daily
picture (the judgement store's ``resumption`` results) is read through the scoped views of ``resumption.picture``
(a district sees its rows of it)."""

from __future__ import annotations

from dualtrack.core.actors import Viewer
from dualtrack.core.choices import Action, Role
from dualtrack.core.policy import allows, declare, user_role

declare("resumption.ResumptionReport", via=("enterprise", "registry.Enterprise"))


# What a role is shown of resumption (pages, cards, menus): named here so views and cards ask by name.
COMMAND_PICTURE_ROLES = (Role.HQ, Role.LEADER, Role.DISTRICT, Role.DEPARTMENT)
SITUATION_ROLES = (Role.HQ, Role.LEADER, Role.DISTRICT)
NOT_RESUMED_ROLES = (Role.HQ, Role.DISTRICT)
CROSSCHECK_ROLES = (Role.HQ, Role.LEADER, Role.DISTRICT, Role.LIAISON)


def _reads_reports(user: Viewer) -> bool:
    return allows(user, "resumption.ResumptionReport", Action.VIEW)


def sees_command_picture(user: Viewer) -> bool:
    """复工图 (the dashboard, data quality): HQ, leaders, a district (or park) operator and a department."""
    return user_role(user) in COMMAND_PICTURE_ROLES and _reads_reports(user)


def sees_situation(user: Viewer) -> bool:
    """The two maps on 总览 (疫情图与复工图): HQ, leaders and a district (or park) operator."""
    return user_role(user) in SITUATION_ROLES and _reads_reports(user)


def reports_for_itself(user: Viewer) -> bool:
    """An enterprise account: it reports its own status (自报); everyone else reports on an enterprise's behalf."""
    return user_role(user) == Role.ENTERPRISE


def sees_not_resumed(user: Viewer) -> bool:
    """未复工企业: HQ and a district (or park) operator."""
    return user_role(user) in NOT_RESUMED_ROLES


def sees_crosscheck(user: Viewer) -> bool:
    """用电核验 (reports against power): HQ, leaders, a district (or park) operator and a liaison officer."""
    return user_role(user) in CROSSCHECK_ROLES


def follows_own_enterprises(user: Viewer) -> bool:
    """A liaison officer: sees the cross-check rows and the card of the enterprises in their care."""
    return user_role(user) == Role.LIAISON


def sees_by_area(user: Viewer) -> bool:
    """A district (or park) operator: the stored picture's cells of their county (or park)."""
    return user_role(user) == Role.DISTRICT
