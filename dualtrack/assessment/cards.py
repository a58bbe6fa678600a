"""The 亩均论英雄 card on 总览. STUB: being written."""

from __future__ import annotations

import datetime as dt

from dualtrack.core.actors import Viewer
from dualtrack.core.cards import Card


def assessment_card(user: Viewer, day: dt.date) -> Card | None:
    return None
