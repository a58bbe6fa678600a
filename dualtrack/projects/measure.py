"""重点项目亮灯 as a measure (``core.capability``): every key project's light on a day (DOMAIN.md §7), judged from the
whole city's projects, plans, progress reports and month-end consequences by the rule set ``projects``; stored once
per day and rules version, narrowed to the projects each reader sees. The month-end evaluation and its dispatch
tasks (``monthend``) stay where they are: they judge a month's last day and act on it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _lazy

from dualtrack.core.actors import Viewer
from dualtrack.core.capability import Measure, MenuEntry, Period, PeriodKind
from dualtrack.core.choices import Action

from . import cards, lights
from .lights import LightFacts, ProjectStatus
from .models import Project
from .rules import RULES_KEY, ProjectRules
from .services import MEASURE

KEY = MEASURE


@dataclass
class ProjectLights:
    """The lights of a day: every project in code order."""

    day: dt.date
    rules_version: str
    projects: list[ProjectStatus]


@dataclass
class ProjectsContractRow:
    """One project of ``dualtrack projects --json``: its light, completion ratio, reasons and latest consequence."""

    code: str
    light: str | None
    progress_ratio: float | None
    reasons: list[str]  # in Chinese, as the contract always had them
    reason_codes: list[str]  # each reason's code (``projects.reasons``): ratio_below, not_resumed …
    resumed: bool
    stage: str
    escalation: dict[str, Any] | None


@dataclass
class ProjectsContract:
    """The lights of a day (``dualtrack projects --date D --json`` prints its ``projects``)."""

    date: str
    rules_version: str
    projects: list[ProjectsContractRow]


def load(period: Period, scope: Any = None) -> LightFacts:
    return lights.load_facts(Project.objects.all(), period.start)


def judge(facts: LightFacts, rules: ProjectRules) -> ProjectLights:
    return ProjectLights(facts.day, rules.label, lights.judge(facts, rules))


def visible_codes(actor: Viewer) -> set[str] | None:
    """The codes of the projects ``actor`` sees (None: all, the console)."""
    if actor is None:
        return None
    return set(Project.objects.restrict(actor, Action.VIEW).values_list("code", flat=True))


def narrowed(result: ProjectLights, actor: Viewer) -> ProjectLights:
    codes = visible_codes(actor)
    if codes is None:
        return result
    return ProjectLights(result.day, result.rules_version, [r for r in result.projects if r.code in codes])


def _in_menu(user: Viewer) -> bool:
    return Project.permits(user, Action.VIEW)


class ProjectsMeasure(Measure[LightFacts, ProjectRules, ProjectLights]):
    """重点项目亮灯 (DOMAIN.md §7): each key project's light on a day."""

    key = KEY
    label = _lazy("重点项目亮灯")
    period_kind = PeriodKind.DAY
    rules_key = RULES_KEY
    rules = ProjectRules
    # the projects, plans, reports and month-end lights ("projects") and the dispatch tasks' states ("problems")
    sources = ("projects", "problems")
    result = ProjectLights
    contract = ProjectsContract
    format = 2  # 2: reasons kept as codes with parameters (#28 §3)
    card = (30, cards.projects_card)
    menu = MenuEntry(_lazy("重点项目"), "projects:register", _in_menu, order=8)
    row_key = ("code",)
    outcome_fields = ("light",)

    def load(self, period: Period, scope: Any = None) -> LightFacts:
        return load(period, scope)

    def judge(self, facts: LightFacts, rules: ProjectRules) -> ProjectLights:
        return judge(facts, rules)

    def as_of(self, actor: Viewer = None, on: dt.date | None = None) -> Period | None:
        return Period.of(PeriodKind.DAY, lights.as_of(on))

    def can_view(self, actor: Viewer) -> bool:
        return actor is None or Project.permits(actor, Action.VIEW)

    def visible(self, result: ProjectLights, actor: Viewer) -> ProjectLights:
        return narrowed(result, actor)

    def as_json(self, result: ProjectLights) -> dict[str, Any]:
        return {"date": result.day.isoformat(), "rules_version": result.rules_version,
                "projects": [row.as_json() for row in result.projects]}

    def text_lines(self, result: ProjectLights) -> list[str]:
        lines = []
        for row in result.projects:
            ratio = "—" if row.progress_ratio is None else f"{row.progress_ratio:.1%}"
            lines.append(f"{row.code} {row.light or '—':<6} {ratio:>7} {row.reason_text}")
        return lines
