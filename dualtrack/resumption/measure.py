"""The day's command picture (每日态势, DOMAIN.md §4.1–§4.4) as a measure (``core.capability``): the whole city's
epidemic situation, the sums of reported resumption and of power per county × park × industry section × size
class, the power trend and the cross-check flags of a day (``snapshot.Snapshot``), judged by the rule set
``resumption`` and stored columnar in the one judgement store, a table per cell list. Views of it (a user's scope,
a size class, a grouping) are sums of cells (``picture``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy

from dualtrack.core import versions
from dualtrack.core.actors import Viewer
from dualtrack.core.capability import Measure, Period, PeriodKind, Rules, bound

from . import policy as access
from . import snapshot
from .rules import HELP, RULES_KEY, validate


@dataclass(frozen=True)
class ResumptionRules(Rules):
    """The rule set ``resumption``: the power baseline window and thresholds, the index's weight, each colour's
    capacity target and the fast-rise flag."""

    baseline_start: str = field(default="2019-10-01", metadata=bound(help=HELP["baseline_start"]))
    baseline_end: str = field(default="2019-12-31", metadata=bound(help=HELP["baseline_end"]))
    min_coverage: float = field(default=0.5, metadata=bound(0, 1, help=HELP["min_coverage"]))
    resumed_ratio: float = field(default=0.3, metadata=bound(0, 1, help=HELP["resumed_ratio"]))
    paper_ratio: float = field(default=0.1, metadata=bound(0, 1, help=HELP["paper_ratio"]))
    crosscheck_days: int = field(default=3, metadata=bound(1, 30, help=HELP["crosscheck_days"]))
    count_weight: float = field(default=0.5, metadata=bound(0, 1, help=HELP["count_weight"]))
    targets: dict[str, Any] = field(default_factory=dict, metadata=bound(help=HELP["targets"]))
    fast_rise_pp: float = field(default=10, metadata=bound(help=HELP["fast_rise_pp"]))
    fast_rise_days: int = field(default=3, metadata=bound(1, 30, help=HELP["fast_rise_days"]))

    @classmethod
    def parse(cls, definition: Any) -> ResumptionRules:
        validate(definition)  # the messages the rule set has always given
        return super().parse(definition)


@dataclass(frozen=True)
class PictureFacts:
    """A day's picture is computed where its facts are: the registry frames and the reports in the database, the
    power readings in the columnar store (DuckDB or Spark); the facts name the day."""

    day: dt.date


class ResumptionMeasure(Measure[PictureFacts, ResumptionRules, snapshot.Snapshot]):
    """每日态势: the command picture of a day, whole city."""

    key = "resumption"
    label = gettext_lazy("每日态势")
    period_kind = PeriodKind.DAY
    rules_key = RULES_KEY
    rules = ResumptionRules
    result = snapshot.Snapshot
    sources = tuple(sorted(snapshot.SOURCES | {"rules:national-2020", "rules:five-colour"}))
    format = snapshot.FORMAT

    def load(self, period: Period, scope: Any = None) -> PictureFacts:
        return PictureFacts(period.start)

    def judge(self, facts: PictureFacts, rules: ResumptionRules) -> snapshot.Snapshot:
        return snapshot.compute(facts.day, rules=rules)

    def as_of(self, actor: Viewer = None, on: dt.date | None = None) -> Period | None:
        return Period.of(PeriodKind.DAY, versions.bound(on))

    def can_view(self, actor: Viewer) -> bool:
        return bool(access.sees_situation(actor))

    def as_json(self, result: snapshot.Snapshot) -> dict[str, Any]:
        from .picture import situation_of

        return situation_of(result)

    def text_lines(self, result: snapshot.Snapshot) -> list[str]:
        return [f"{result.day}  {result.rules_version}  {len(result.reported)} cells"]


_MEASURE = ResumptionMeasure()


def measure() -> ResumptionMeasure:
    return _MEASURE
