"""Who a problem is addressed to at each level of the escalation chain (分级调度), and how they are told: a problem
an enterprise raised reaches a leader as a notice of its own; an automatic task (one another module set in motion)
reaches a leader in the day's digest (每日汇总), its handlers one by one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dualtrack.accounts import services as accounts
from dualtrack.core import dates, notifications, policy
from dualtrack.core.choices import NoticeKind, Role


def escalation_addressees(level: int, department_id: int | None) -> list[Any]:
    """Level 1: the department's users; level 2: the vice-mayor(s) in charge of the department (分管副市长) — a
    department nobody is in charge of goes to the vice-mayors without departments in charge, and when every
    vice-mayor has a portfolio, to the executive vice-mayor (level 3), who stands in: a vice-mayor is told only of
    his own departments; level 3 and up: the leaders kept at that level (常务副市长, the secretariats of the two
    meetings)."""
    if level <= 0:
        return []
    if level == 1:
        return list(accounts.active_users(Role.DEPARTMENT, department_id=department_id)) if department_id else []
    leaders = accounts.active_users(Role.LEADER, leader_level=level)
    if level == 2:
        if department_id:
            in_charge = list(leaders.filter(supervised_departments=department_id))
            if in_charge:
                return in_charge
        without_portfolio = list(leaders.filter(supervised_departments=None))
        if without_portfolio:
            return without_portfolio
        return list(accounts.active_users(Role.LEADER, leader_level=3))
    return list(leaders)


def settle_leaders(problem: Any) -> int:
    """A leader's escalation notices of ``problem`` that no longer need him are marked read: it was escalated past
    his level, or it is no longer open. The bell counts what needs a leader (#28 §2)."""
    from .choices import OPEN_STATES

    current = (escalation_addressees(problem.escalation_level, problem.department_id)
               if problem.state in OPEN_STATES and problem.escalation_level >= 2 else [])
    keep = {u.pk for u in current}
    leaders = accounts.active_users(Role.LEADER).exclude(pk__in=keep).values_list("pk", flat=True)
    return notifications.settle(f"/problems/{problem.ref}/", leaders)


def digest_group(source_key: str) -> str:
    """A task's group in a digest: a key project's (``project:``) or another module's."""
    return notifications.DIGEST_PROJECT if source_key.startswith("project:") else "other"


def tell(problem: Any, people: list[Any], title: str, *, at: dt.datetime | None = None,
         kind: str = NoticeKind.ESCALATION) -> None:
    """Tell ``people`` about ``problem``: an automatic task (it has a source key) goes into each leader's digest of
    the day (one notice a day, linked to the 督办 list's tasks) and to everyone else as a task notice; a problem
    an enterprise raised to each of them as a notice of ``kind``."""
    from django.urls import reverse

    link = f"/problems/{problem.ref}/"
    if not problem.source_key:
        notifications.notify(people, title, link, kind=kind)
        return
    leaders = [u for u in people if policy.receives_digest(u)]
    others = [u for u in people if not policy.receives_digest(u)]
    notifications.notify(others, title, link, kind=NoticeKind.TASK)
    if leaders:
        day = (at or dates.now()).astimezone(dates.SHANGHAI).date()
        notifications.add_to_digest(leaders, day, problem.ref, digest_group(problem.source_key),
                                    reverse("problems:escalated") + "?kind=tasks")
