"""The operator at the console (``dualtrack import`` without ``--user``): HQ rights, audited by name."""

from __future__ import annotations

import getpass

from .choices import Role


class SystemActor:
    """Acts with HQ scope; audit rows name it ``system:<os user>`` and have no user link."""

    role = Role.HQ
    is_authenticated = True
    is_active = True
    is_anonymous = False
    pk = None
    id = None
    county_id = park_id = department_id = enterprise_id = None

    def __init__(self, name: str | None = None) -> None:
        try:
            os_user = getpass.getuser()
        except (KeyError, OSError):
            os_user = "unknown"
        self.name = name or f"system:{os_user}"

    def get_username(self) -> str:
        return self.name

    def __str__(self) -> str:
        return self.name
