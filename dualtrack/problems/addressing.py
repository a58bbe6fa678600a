"""Who a problem is addressed to at each level of the escalation chain (分级调度)."""

from __future__ import annotations

from typing import Any

from dualtrack.accounts import services as accounts
from dualtrack.core.choices import Role


def escalation_addressees(level: int, department_id: int | None) -> list[Any]:
    """Level 1: the department's users; level 2: the vice-mayor(s) in charge of the department (else every
    level-2 leader); level 3 and up: the leaders kept at that level (常务副市长, the secretariats of the two
    meetings)."""
    if level <= 0:
        return []
    if level == 1:
        return list(accounts.active_users(Role.DEPARTMENT, department_id=department_id)) if department_id else []
    leaders = accounts.active_users(Role.LEADER, leader_level=level)
    if level == 2 and department_id:
        in_charge = list(leaders.filter(supervised_departments=department_id))
        if in_charge:
            return in_charge
    return list(leaders)
