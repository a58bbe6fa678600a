"""Economy against the year's targets (经济运行监测, 双过半, DOMAIN.md §11): a month's rows judged by the rule set
``economy``, in a user's scope; the series behind a trend; the monthly report. Other apps (the command picture, the
bulletin) call these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Max

from dualtrack.core import rules as rule_sets
from dualtrack.core.actors import Viewer
from dualtrack.core.choices import Action

from .choices import IndicatorKind, Light, ScopeKind
from .models import Actual, Indicator, Target
from .rules import RULES_KEY

__all__ = ["Evaluation", "Row", "evaluate", "indicator_series", "latest_month", "month_label", "months_offered",
           "published", "scopes_for"]


def _fraction(value: Any) -> float | None:
    """A fraction for JSON: six decimals, as stored."""
    return None if value is None else round(float(value), 6)


@dataclass
class Row:
    """One indicator × scope in a month, with what §11 says of it."""

    indicator: str
    indicator_name: str
    unit: str
    kind: str
    scope: str
    scope_name: str
    scope_kind: str
    target: Decimal | None
    target_growth: Fraction | None
    actual: Decimal | None
    growth: Fraction | None  # exact (a Fraction of the stored figures); fractions, not percent
    completion: Fraction | None
    time_progress: float
    on_schedule: bool | None
    double_half: bool | None
    light: str | None
    needed_growth: Fraction | None
    reported: bool  # an actual was reported for the month
    rank: int | None = None  # among the counties, by growth (1 = highest)
    trend: list[float | None] = field(default_factory=list)  # growth, January through the month

    @property
    def gap_pp(self) -> float | None:
        """Growth minus target growth, in percentage points."""
        if self.growth is None or self.target_growth is None:
            return None
        return round(float(self.growth - self.target_growth) * 100, 1)

    @property
    def schedule_gap_pp(self) -> float | None:
        """Completion minus time progress, in percentage points."""
        return None if self.completion is None else round((float(self.completion) - self.time_progress) * 100, 1)

    def as_json(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "scope": self.scope, "kind": self.kind,
                "target": None if self.target is None else float(self.target),
                "target_growth": _fraction(self.target_growth),
                "actual": None if self.actual is None else float(self.actual), "growth": _fraction(self.growth),
                "completion": _fraction(self.completion), "time_progress": _fraction(self.time_progress),
                "on_schedule": self.on_schedule, "double_half": self.double_half, "light": self.light,
                "needed_growth": _fraction(self.needed_growth)}


@dataclass
class Evaluation:
    month: dt.date
    rules_version: str
    rows: list[Row]

    def as_json(self) -> dict[str, Any]:
        return {"month": f"{self.month:%Y-%m}", "rules_version": self.rules_version,
                "rows": [r.as_json() for r in self.rows]}

    def row(self, indicator: str, scope: str) -> Row | None:
        return next((r for r in self.rows if r.indicator == indicator and r.scope == scope), None)

    def lights(self, scope: str | None = None) -> dict[str, int]:
        counts = {Light.GREEN.value: 0, Light.YELLOW.value: 0, Light.RED.value: 0, "none": 0}
        for r in self.rows:
            if scope is None or r.scope == scope:
                counts[r.light or "none"] += 1
        return counts


FIRST_MONTH = 2  # statistics publish January with February (1—2月): no month of its own is offered


def published(month: dt.date) -> dt.date:
    """The month as statistics publish it: January is merged into February (1—2月, "as the statistics bureau
    publishes it"); any other month is itself."""
    return month.replace(month=FIRST_MONTH) if month.month < FIRST_MONTH else month


def months_offered(year: int, last: dt.date | None) -> list[dt.date]:
    """The cumulative periods a page offers for ``year``: 1—2月 through ``last`` (or December)."""
    end = last.month if last is not None and last.year == year else 12
    return [dt.date(year, n, 1) for n in range(FIRST_MONTH, max(end, FIRST_MONTH) + 1)]


def month_label(month: dt.date) -> str:
    """"1—5月" (the seeds' way of naming a cumulative period); January and February are "1—2月" (GB/T 15835: an em
    dash between the months, as statistics publish them)."""
    return f"1—{published(month).month}月"


def period_label(month: dt.date) -> str:
    """The cumulative period in the user's language, for pages ("1—5月" / "Jan–May"); documents in Chinese use
    :func:`month_label`."""
    from django.utils.translation import gettext as _

    return _("1—%(n)s月") % {"n": published(month).month}


def scope_names() -> dict[str, str]:
    from dualtrack.registry import services as registry

    city = registry.city()
    names = {city.code: city.name} if city is not None else {}
    names |= dict(registry.counties().values_list("code", "name"))
    return names | registry.park_names()


def scopes_for(user: Viewer, year: int) -> list[tuple[str, str, str]]:
    """(code, name, kind) of the scopes with a target in ``year`` that ``user`` sees: the city first, then the
    counties and the parks in code order."""
    names = scope_names()
    order = {ScopeKind.CITY: 0, ScopeKind.COUNTY: 1, ScopeKind.PARK: 2}
    found = set(Target.objects.restrict(user).filter(year=year).values_list("scope_code", "scope_kind"))
    return [(code, names.get(code, code), kind) for code, kind in sorted(found, key=lambda s: (order[s[1]], s[0]))]


def latest_month(user: Viewer = None, on_or_before: dt.date | None = None) -> dt.date | None:
    """The latest month with an actual in ``user``'s scope (not after ``on_or_before``'s month, if given)."""
    actuals = Actual.objects.restrict(user) if user is not None else Actual.objects.all()
    if on_or_before is not None:
        actuals = actuals.filter(month__lte=on_or_before.replace(day=1))
    return actuals.aggregate(m=Max("month"))["m"]


def latest_month_ended(user: Viewer, day: dt.date) -> dt.date | None:
    """The latest month with an actual in ``user``'s scope among the months that ended before ``day``: a month's
    cumulative figures cannot exist before it is over (the card and the bulletin of ``day`` say only those)."""
    return latest_month(user, day.replace(day=1) - dt.timedelta(days=1))


def as_of_month(user: Viewer = None, on: dt.date | None = None) -> dt.date | None:
    """The economy's as-of month (数据截至) in ``user``'s scope: :func:`latest_month_ended` by ``on`` (default: the
    city's data-as-of day), never past the clock (``core.versions.bound``). The pages without ``?month=``, the card
    on 总览, the bulletin section, the API and ``dualtrack economy`` all open on it."""
    from dualtrack.core import versions

    return latest_month_ended(user, versions.bound(on))


def _measure() -> Any:
    from dualtrack.core import capability

    return capability.measure("economy")


def narrowed(evaluation: Evaluation, user: Viewer) -> Evaluation:
    """The whole city's evaluation narrowed to the rows ``user`` sees (the indicator × scope pairs of the targets
    in their scope); ranks stay the places among all the counties. The console (None) sees every row."""
    if user is None:
        return evaluation
    allowed = set(Target.objects.restrict(user).filter(year=evaluation.month.year).values_list(
        "indicator__code", "scope_code"))
    return Evaluation(evaluation.month, evaluation.rules_version,
                      [r for r in evaluation.rows if (r.indicator, r.scope) in allowed])


def evaluate(month: dt.date, user: Viewer = None, *, with_trend: bool = True) -> Evaluation:
    """Every indicator × scope with a target for ``month``'s year that ``user`` sees (every one for the console),
    judged under the current ``economy`` rule set: the stored result, computed now if it is missing or its data
    changed (the console, the bulletin, the monthly report; pages read :func:`read` and never compute). Each row
    carries its growth trend January through the month (``with_trend`` is kept for the callers that said they do
    not need it)."""
    from dualtrack.core import judgements
    from dualtrack.core.capability import Period, PeriodKind

    stored = judgements.ensure(_measure(), Period.of(PeriodKind.MONTH, month))
    return narrowed(stored.result, user)


def read(month: dt.date, user: Viewer) -> tuple[Evaluation | None, Any]:
    """What a page or the card shows for ``month``: (the stored evaluation narrowed to ``user``, the store's
    answer); the evaluation is None while the month is being computed (the answer is then ``Pending``)."""
    from dualtrack.core import judgements
    from dualtrack.core.capability import Period, PeriodKind

    found = judgements.read(_measure(), Period.of(PeriodKind.MONTH, month))
    if isinstance(found, judgements.Pending):
        return None, found
    return narrowed(found.result, user), found


def indicator_series(indicator: Indicator, scope: str, month: dt.date, user: Viewer) -> tuple[list[Row], Any]:
    """The indicator in one scope, 1—2月 through ``month``: each month judged as it was then (each month's stored
    result). The second value is None when every month is stored; else the page waits: a failed month's answer, or
    ``Pending`` for ``month``, the month asked for, while any of them is computed (all queued at once)."""
    import dataclasses

    from dualtrack.core.capability import Period, PeriodKind

    series, waiting = [], []
    for number in range(FIRST_MONTH, published(month).month + 1):  # January is in 1—2月
        evaluation, answer = read(dt.date(month.year, number, 1), user)  # a missing month is queued
        if evaluation is None:
            waiting.append(answer)
            continue
        found = evaluation.row(indicator.code, scope)
        if found is not None:
            series.append(found)
    if not waiting:
        return series, None
    failed = next((answer for answer in waiting if answer.failed), None)
    return [], failed or dataclasses.replace(waiting[0], period=Period.of(PeriodKind.MONTH, month))


def current_rules() -> dict[str, Any]:
    return dict(rule_sets.current(RULES_KEY).definition)


def _pct(value: Any) -> str:
    return f"{float(value) * 100:.1f}%"


def sentence(row: Row, month: dt.date) -> str:
    """The seeds' sentence for a row: "1—5月全市固定资产投资完成412.6亿元,同比下降9.5%,完成年度目标的33.0%,
    低于时序进度8.4个百分点" (amount), "1—5月全市地区生产总值增长2.1%,低于年度目标3.9个百分点" (growth)."""
    period = month_label(month)
    if row.growth is None and row.actual is None:
        return f"{period}{row.scope_name}{row.indicator_name}尚未报送"
    parts = []
    if row.kind == IndicatorKind.AMOUNT and row.actual is not None:
        parts.append(f"{period}{row.scope_name}{row.indicator_name}完成{float(row.actual):,.1f}{row.unit}")
        if row.growth is not None:
            parts.append(f"同比{'增长' if row.growth >= 0 else '下降'}{abs(float(row.growth)) * 100:.1f}%")
        if row.completion is not None:
            gap = row.schedule_gap_pp or 0.0
            parts.append(f"完成年度目标的{_pct(row.completion)}"
                         + (f"，{'高于' if gap > 0 else '低于'}时序进度{abs(gap):.1f}个百分点" if abs(gap) >= 0.05
                            else "，与时序进度持平"))
        if row.needed_growth is not None and month.month < 12:
            parts.append(f"后{12 - month.month}个月需增长{_pct(row.needed_growth)}方能完成全年目标")
    else:
        direction = "增长" if (row.growth or 0) >= 0 else "下降"
        parts.append(f"{period}{row.scope_name}{row.indicator_name.removesuffix('增速')}{direction}"
                     f"{abs(float(row.growth or 0)) * 100:.1f}%")
        if row.gap_pp is not None:
            parts.append(f"{'高于' if row.gap_pp > 0 else '低于'}年度目标{abs(row.gap_pp):.1f}个百分点"
                         if abs(row.gap_pp) >= 0.05 else "与年度目标持平")
    return "，".join(parts)


def indicator_by_code(code: str) -> Indicator | None:
    return Indicator.objects.filter(code=code).first()


def can_view(user: Viewer) -> bool:
    return Target.permits(user, Action.VIEW)
