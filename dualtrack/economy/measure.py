"""经济运行监测 as a measure (``core.capability``): a month's targets and actuals (the facts, whole city) judged by
the rule set ``economy`` (DOMAIN.md §11) into one row per indicator × scope; stored once per month and rules
version, narrowed to each reader's scope."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext_lazy

from dualtrack.core.actors import Viewer
from dualtrack.core.capability import Measure, MenuEntry, Period, PeriodKind, Rules, bound, label

from . import bulletin, cards, engine, services
from .choices import IndicatorKind, Light, ScopeKind
from .rules import RULES_KEY
from .services import Evaluation, Row, _fraction


@dataclass(frozen=True)
class EconomyRules(Rules):
    """The rule set ``economy``: from which month 双过半 is judged and the completion it needs."""

    double_half_from_month: int = field(default=6, metadata=bound(
        1, 12, help=gettext_lazy("双过半自几月起研判")))
    double_half_completion: float = field(default=0.5, metadata=bound(
        0, 1, low_open=True, help=gettext_lazy("双过半所需的年度目标完成率")))


@dataclass(frozen=True)
class IndicatorFact:
    id: int
    code: str
    name: str
    unit: str
    kind: str
    order: int


@dataclass(frozen=True)
class TargetFact:
    indicator_id: int
    scope_code: str
    scope_kind: str
    target: Decimal | None
    target_growth: Decimal | None
    prior_year_total: Decimal | None


@dataclass(frozen=True)
class ActualFact:
    indicator_id: int
    scope_code: str
    scope_kind: str
    month: dt.date
    cumulative: Decimal | None
    prior_cumulative: Decimal | None
    growth: Decimal | None


@dataclass(frozen=True)
class EconomyFacts:
    """What a month is judged from: the year's targets, the actuals January through the month (every scope), the
    indicators and the scopes' names."""

    month: dt.date
    indicators: dict[int, IndicatorFact]
    targets: list[TargetFact]
    actuals: list[ActualFact]
    names: dict[str, str] = field(default_factory=dict)


def load(period: Period, scope: Any = None) -> EconomyFacts:
    from .models import Actual, Indicator, Target

    month = period.start
    targets = [TargetFact(*t) for t in Target.objects.filter(year=month.year).values_list(
        "indicator_id", "scope_code", "scope_kind", "target", "target_growth", "prior_year_total")]
    actuals = [ActualFact(*a) for a in Actual.objects.filter(
        month__gte=dt.date(month.year, 1, 1), month__lte=month).values_list(
        "indicator_id", "scope_code", "scope_kind", "month", "cumulative", "prior_cumulative", "growth")]
    wanted = {t.indicator_id for t in targets} | {a.indicator_id for a in actuals}
    indicators = {i.id: i for i in (IndicatorFact(*row) for row in Indicator.objects.filter(pk__in=wanted).values_list(
        "id", "code", "name", "unit", "kind", "order"))}
    return EconomyFacts(month, indicators, targets, actuals, services.scope_names())


def judge(facts: EconomyFacts, rules: EconomyRules) -> Evaluation:
    """Every indicator × scope with a target for the month's year, judged by §11; the city's growth is the bar for
    counties and parks; counties ranked by growth among all the counties; each row's growth trend January
    through the month. Pure: the facts and the rules in, the result out."""

    month = facts.month
    by_key: dict[tuple[int, str], dict[dt.date, ActualFact]] = defaultdict(dict)
    city: dict[tuple[int, dt.date], ActualFact] = {}
    county_growths: dict[str, list[Fraction]] = defaultdict(list)
    for fact in facts.actuals:
        by_key[(fact.indicator_id, fact.scope_code)][fact.month] = fact
        if fact.scope_kind == ScopeKind.CITY:
            city[(fact.indicator_id, fact.month)] = fact
        if fact.scope_kind == ScopeKind.COUNTY and fact.month == month and fact.indicator_id in facts.indicators:
            g = engine.growth(fact.growth, fact.cumulative, fact.prior_cumulative)
            if g is not None:
                county_growths[facts.indicators[fact.indicator_id].code].append(g)

    def growth_of(found: ActualFact | None) -> Fraction | None:
        return None if found is None else engine.growth(found.growth, found.cumulative, found.prior_cumulative)

    rows = []
    for target in facts.targets:
        indicator = facts.indicators[target.indicator_id]
        months = by_key.get((target.indicator_id, target.scope_code), {})
        actual = months.get(month)
        figures = engine.Figures(
            kind=indicator.kind, scope_kind=target.scope_kind, target=target.target,
            target_growth=target.target_growth, prior_year_total=target.prior_year_total,
            cumulative=actual.cumulative if actual else None,
            prior_cumulative=actual.prior_cumulative if actual else None,
            reported_growth=actual.growth if actual else None)
        verdict = engine.judge(figures, month, growth_of(city.get((target.indicator_id, month))), rules)
        trend = [_fraction(growth_of(months.get(dt.date(month.year, n, 1))))  # from 1—2月: January is in it
                 for n in range(min(services.FIRST_MONTH, month.month), month.month + 1)]
        row = Row(
            indicator=indicator.code, indicator_name=indicator.name, unit=indicator.unit, kind=indicator.kind,
            scope=target.scope_code, scope_name=facts.names.get(target.scope_code, target.scope_code),
            scope_kind=target.scope_kind, target=target.target if indicator.kind == IndicatorKind.AMOUNT else None,
            target_growth=engine.exact(target.target_growth), actual=actual.cumulative if actual else None,
            growth=verdict.growth, completion=verdict.completion, time_progress=float(verdict.time_progress),
            on_schedule=verdict.on_schedule, double_half=verdict.double_half, light=verdict.light,
            needed_growth=verdict.needed_growth, reported=actual is not None, trend=trend)
        if row.scope_kind == ScopeKind.COUNTY and row.growth is not None:
            row.rank = 1 + sum(1 for g in county_growths.get(row.indicator, []) if g > row.growth)
        rows.append(row)
    order = {ScopeKind.CITY: 0, ScopeKind.COUNTY: 1, ScopeKind.PARK: 2}
    position = {i.code: (i.order, i.code) for i in facts.indicators.values()}
    rows.sort(key=lambda r: (position[r.indicator], order[ScopeKind(r.scope_kind)], r.scope))
    return Evaluation(month, rules.label, rows)


@dataclass
class EconomyContractRow:
    """One indicator × scope of ``dualtrack economy --json`` (fractions, not percent; null where §11 gives none)."""

    indicator: str = field(metadata=label(gettext_lazy("指标代码")))
    scope: str = field(metadata=label(gettext_lazy("范围代码")))
    kind: str = field(metadata=label(gettext_lazy("类型")))
    target: float | None = field(metadata=label(gettext_lazy("年度目标")))
    target_growth: float | None = field(metadata=label(gettext_lazy("目标增速")))
    actual: float | None = field(metadata=label(gettext_lazy("累计值")))
    growth: float | None = field(metadata=label(gettext_lazy("累计增速")))
    completion: float | None = field(metadata=label(gettext_lazy("完成率")))
    time_progress: float | None = field(metadata=label(gettext_lazy("时序进度")))
    on_schedule: bool | None = field(metadata=label(gettext_lazy("达到时序进度")))
    double_half: bool | None = field(metadata=label(gettext_lazy("双过半")))
    light: str | None = field(metadata=label(gettext_lazy("亮灯")))
    needed_growth: float | None = field(metadata=label(gettext_lazy("后续需增长")))


@dataclass
class EconomyContract:
    """``/api/v1/economy`` and ``dualtrack economy --json``."""

    month: str
    rules_version: str
    rows: list[EconomyContractRow]


class EconomyMeasure(Measure[EconomyFacts, EconomyRules, Evaluation]):
    """经济运行监测 (DOMAIN.md §11)."""

    key = "economy"
    label = gettext_lazy("经济运行监测")
    period_kind = PeriodKind.MONTH
    rules_key = RULES_KEY
    rules = EconomyRules
    sources = ("economy",)
    result = Evaluation
    contract = EconomyContract
    format = 1
    api_path = "economy"
    api_name = "api-economy"
    command = "economy"
    card = (25, cards.economy_card)
    section = (45, bulletin.section)
    menu = MenuEntry(gettext_lazy("经济运行"), "economy:overview", services.can_view, order=7)
    row_key = ("indicator", "scope")
    outcome_fields = ("light", "on_schedule", "double_half")
    outcome_labels = dict(Light.choices)

    def load(self, period: Period, scope: Any = None) -> EconomyFacts:
        return load(period, scope)

    def judge(self, facts: EconomyFacts, rules: EconomyRules) -> Evaluation:
        return judge(facts, rules)

    def as_of(self, actor: Viewer = None, on: dt.date | None = None) -> Period | None:
        month = services.as_of_month(actor, on)
        return None if month is None else Period.of(PeriodKind.MONTH, month)

    def can_view(self, actor: Viewer) -> bool:
        return services.can_view(actor)

    def visible(self, result: Evaluation, actor: Viewer) -> Evaluation:
        return services.narrowed(result, actor)

    def as_json(self, result: Evaluation) -> dict[str, Any]:
        return result.as_json()

    def comparison_rows(self, result: Evaluation) -> list[dict[str, Any]]:
        return [r.as_json() | {"name": f"{r.indicator_name} · {r.scope_name}"} for r in result.rows]

    def text_lines(self, result: Evaluation) -> list[str]:
        lines = [f"{result.month:%Y-%m}  {result.rules_version}"]
        for row in result.rows:
            growth = "—" if row.growth is None else f"{float(row.growth):+.1%}"
            completion = "—" if row.completion is None else f"{float(row.completion):.1%}"
            lines.append(f"{row.indicator:<8} {row.scope:<8} {row.light or '—':<6} {growth:>7} {completion:>7}")
        return lines
