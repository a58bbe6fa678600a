"""Access to the power readings (DOMAIN.md §1, §4): the readings are not a scoped model (they live in the
columnar store, read through each user's picture); their file is HQ's to import."""

from __future__ import annotations

from dualtrack.core.actors import Viewer
from dualtrack.core.choices import Role
from dualtrack.core.policy import user_role


def imports_readings(user: Viewer) -> bool:
    """HQ imports the power company's daily readings."""
    return user_role(user) == Role.HQ
