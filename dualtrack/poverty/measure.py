"""脱贫攻坚 as a measure (``core.capability``): a year's household checks (年度核查, the facts, whole city) judged by
the rule set ``poverty-2020`` (DOMAIN.md §13) into each household's exit standard and monitoring and each county's
aggregates and warning; stored once per year and rules version, narrowed to each reader's households.

The stored result names no one: a household is its code and county, never its head's name or ID number; the pages
that show names read them from the households in the reader's scope, masked as before, when they show them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy

from dualtrack.core.actors import Viewer
from dualtrack.core.capability import Measure, MenuEntry, Period, PeriodKind, Rules, Step, bound

from . import bulletin, cards, engine, services
from .rules import RULES_KEY
from .services import CountyStatus, Evaluation, HouseholdStatus, _fraction


@dataclass(frozen=True)
class PovertyRules(Rules):
    """The rule set ``poverty-2020``: the exit standard S, the monitoring triggers and the county warning lines."""

    standard: float = field(default=4000, metadata=bound(
        1, 100000, help=gettext_lazy("脱贫标准S（元/人·年），收入须高于它")))
    low_income_multiple: float = field(default=1.5, metadata=bound(
        1, 10, help=gettext_lazy("收入低于S的几倍列为监测对象")))
    income_drop: float = field(default=0.3, metadata=bound(
        0.01, 1, help=gettext_lazy("收入较上年下降多少（比例）列为监测对象")))
    warning_share: float = field(default=0.05, metadata=bound(
        0.001, 1, help=gettext_lazy("区县监测对象占比超过此值预警")))
    warning_share_deep: float = field(default=0.10, metadata=bound(
        0.001, 1, help=gettext_lazy("深度贫困区县的预警占比")))


@dataclass(frozen=True)
class CheckFact:
    """One household's check of the year (no name: the code, the county and the figures)."""

    household: str
    county_id: int
    check: engine.Check


@dataclass(frozen=True)
class CountyFact:
    id: int
    code: str
    name: str
    deep: bool


@dataclass(frozen=True)
class LabourerFact:
    county_id: int
    status: str
    away_last_year: bool
    worker_id: int | None


@dataclass(frozen=True)
class PovertyFacts:
    """What a year is judged from: its checks (by household code), the households per county, the counties with
    households (深度贫困 or not), the poor labourers and the workers of §12 who arrived on a trip."""

    year: int
    checks: list[CheckFact]
    households: dict[int, int]
    counties: list[CountyFact]
    labourers: list[LabourerFact] = field(default_factory=list)
    arrived: frozenset[int] = frozenset()


def load(period: Period, scope: Any = None) -> PovertyFacts:
    from dualtrack.registry import services as registry

    from .models import Household, HouseholdCheck, Labourer, RegionFlag

    year = period.start.year
    checks = [CheckFact(c.household.code, c.household.county_id, services.facts_of(c)) for c in
              HouseholdCheck.objects.filter(year=year).select_related("household").order_by("household__code")]
    households = Counter(Household.objects.values_list("county_id", flat=True))
    deep = set(RegionFlag.objects.filter(deep=True).values_list("region_id", flat=True))
    counties = [CountyFact(pk, code, name, pk in deep) for pk, code, name in
                registry.counties().filter(pk__in=list(households)).values_list("pk", "code", "name")]
    labourers = [LabourerFact(*row) for row in Labourer.objects.values_list(
        "household__county_id", "status", "away_last_year", "worker_id")]
    return PovertyFacts(year, checks, dict(households), counties, labourers, frozenset(services.arrived_workers()))


def judge(facts: PovertyFacts, rules: PovertyRules) -> Evaluation:
    """Each household's exit standard and monitoring (§13), and each county with households: its households, not
    met, monitoring cases, their share, the warning (10% for a 深度贫困 county) and the poor labourers' outbound
    rate. Pure: the facts and the rules in, the result out."""
    statuses = []
    for fact in facts.checks:
        met, reasons = engine.exit_standard(fact.check, rules)
        monitored, why = engine.monitoring(fact.check, rules)
        statuses.append(HouseholdStatus(fact.household, fact.county_id, met, reasons, monitored, why))
    not_met = Counter(s.county_id for s in statuses if not s.met)
    watched = Counter(s.county_id for s in statuses if s.monitored)
    labour = services.count_labour(((f.county_id, f.status, f.away_last_year, f.worker_id) for f in facts.labourers),
                                   facts.arrived)
    counties = []
    for county in sorted(facts.counties, key=lambda c: c.code):
        pk, households = county.id, facts.households.get(county.id, 0)
        work = labour.get(pk, {})
        counties.append(CountyStatus(
            county.code, county.name, households, not_met[pk], watched[pk],
            _fraction(engine.share(watched[pk], households)),
            engine.county_warning(watched[pk], households, county.deep, rules),
            _fraction(engine.share(work.get("away", 0), work.get("away_last_year", 0)))))
    return Evaluation(facts.year, rules.label, statuses, counties)


@dataclass
class PovertyContractHousehold:
    """One household of ``dualtrack poverty --json`` (its code only: no name, no ID number)."""

    code: str
    status: str
    reasons: list[str]
    monitored: bool
    monitor_reasons: list[str]


@dataclass
class PovertyContractCounty:
    code: str
    households: int
    not_met: int
    monitored: int
    monitored_share: float | None
    warning: bool
    outbound_rate: float | None


@dataclass
class PovertyContract:
    """``/api/v1/poverty`` and ``dualtrack poverty --json``: the households the caller may see, every county."""

    year: int
    rules_version: str
    households: list[PovertyContractHousehold]
    counties: list[PovertyContractCounty]


def _freeze_due() -> dict[str, int]:
    from . import board

    return {"frozen": board.freeze_due()}


def _can_view(user: Viewer) -> bool:
    from dualtrack.core.choices import Action

    from .models import RegionFlag

    return RegionFlag.permits(user, Action.VIEW)


class PovertyMeasure(Measure[PovertyFacts, PovertyRules, Evaluation]):
    """脱贫攻坚 (DOMAIN.md §13): each household's exit standard and monitoring, each county's warning."""

    key = "poverty"
    label = gettext_lazy("脱贫攻坚")
    period_kind = PeriodKind.YEAR
    rules_key = RULES_KEY
    rules = PovertyRules
    # the households, checks, labourers and flags (poverty), the trips of §12 that bring poor labourers back
    sources = (services.SOURCE, services.ARRIVALS_SOURCE)
    result = Evaluation
    contract = PovertyContract
    format = 1
    api_path = "poverty"
    api_name = "api-poverty"
    command = "poverty"
    card = (50, cards.poverty_card)
    section = (55, bulletin.section)
    menu = MenuEntry(gettext_lazy("脱贫攻坚"), "poverty:war_map", _can_view, order=15)
    # After the problems' escalation (its findings' states are read): last week's board is frozen once.
    steps = (Step("poverty-week", _freeze_due, order=60),)
    row_key = ("code",)
    outcome_fields = ("status", "monitored")

    def load(self, period: Period, scope: Any = None) -> PovertyFacts:
        return load(period, scope)

    def judge(self, facts: PovertyFacts, rules: PovertyRules) -> Evaluation:
        return judge(facts, rules)

    def as_of(self, actor: Viewer = None, on: dt.date | None = None) -> Period | None:
        from . import board

        return Period.of(PeriodKind.YEAR, dt.date(board.as_of_year(on), 1, 1))

    def can_view(self, actor: Viewer) -> bool:
        return _can_view(actor)

    def visible(self, result: Evaluation, actor: Viewer) -> Evaluation:
        return services.narrowed(result, actor)

    def as_json(self, result: Evaluation) -> dict[str, Any]:
        return result.as_json()

    def text_lines(self, result: Evaluation) -> list[str]:
        lines = [f"{result.year}  {result.rules_version}"]
        for county in result.counties:
            lines.append(f"{county.code} {county.name} households {county.households} not met {county.not_met} "
                         f"monitored {county.monitored}{' WARNING' if county.warning else ''}")
        return lines
