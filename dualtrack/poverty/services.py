"""Poverty alleviation (脱贫攻坚, DOMAIN.md §13): each household's exit standard and monitoring for a year under the
rule set ``poverty-2020``, and the counties' aggregates and warnings. Other apps call these."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from dualtrack.core import rules as rule_sets

from . import engine
from .choices import GUARANTEES, LabourerStatus
from .models import Household, HouseholdCheck, Labourer, RegionFlag
from .rules import RULES_KEY


def _fraction(value: Any) -> float | None:
    return None if value is None else round(float(value), 6)


@dataclass
class HouseholdStatus:
    code: str
    county_id: int
    met: bool
    reasons: list[str]
    monitored: bool
    monitor_reasons: list[str]


@dataclass
class CountyStatus:
    code: str
    name: str
    households: int
    not_met: int
    monitored: int
    monitored_share: float | None
    warning: bool
    outbound_rate: float | None


@dataclass
class Evaluation:
    year: int
    rules_version: str
    households: list[HouseholdStatus]
    counties: list[CountyStatus]

    def as_json(self) -> dict[str, Any]:
        """The contract of ``dualtrack poverty --json``: no names."""
        return {"rules_version": self.rules_version,
                "households": [{"code": h.code, "status": "met" if h.met else "not_met", "reasons": h.reasons,
                                "monitored": h.monitored, "monitor_reasons": h.monitor_reasons}
                               for h in self.households],
                "counties": [{"code": c.code, "households": c.households, "not_met": c.not_met,
                              "monitored": c.monitored, "monitored_share": c.monitored_share, "warning": c.warning,
                              "outbound_rate": c.outbound_rate} for c in self.counties]}


def evaluate(year: int, user: Any = None) -> Evaluation:
    """Every household checked in ``year`` that ``user`` may see (every one for the console), and every county's
    aggregates (which everyone with a view of the war map may see)."""
    current = rule_sets.current(RULES_KEY)
    rules = current.definition
    checks = HouseholdCheck.objects.filter(year=year).select_related("household", "household__county")
    statuses = []
    for check in checks.order_by("household__code"):
        facts = engine.Check(check.income, check.last_income, check.rigid_spending, check.household.members,
                             {key: getattr(check, key) for key in GUARANTEES}, check.housing_grade)
        met, reasons = engine.exit_standard(facts, rules)
        monitored, why = engine.monitoring(facts, rules)
        statuses.append(HouseholdStatus(check.household.code, check.household.county_id, met, reasons, monitored, why))
    visible = statuses
    if user is not None:
        codes = set(Household.objects.restrict(user).values_list("code", flat=True))
        visible = [s for s in statuses if s.code in codes]
    return Evaluation(year, current.label, visible, _counties(statuses, rules))


def _counties(statuses: list[HouseholdStatus], rules: dict[str, Any]) -> list[CountyStatus]:
    from dualtrack.registry import services as registry

    households = Counter(Household.objects.values_list("county_id", flat=True))
    not_met = Counter(s.county_id for s in statuses if not s.met)
    monitored = Counter(s.county_id for s in statuses if s.monitored)
    deep = set(RegionFlag.objects.filter(deep=True).values_list("region_id", flat=True))
    away = Counter(Labourer.objects.filter(status=LabourerStatus.AWAY).values_list("household__county_id", flat=True))
    away_before = Counter(Labourer.objects.filter(away_last_year=True).values_list("household__county_id", flat=True))
    counties = {c.pk: c for c in registry.counties().filter(pk__in=list(households))}
    out = []
    for pk, county in sorted(counties.items(), key=lambda item: item[1].code):
        out.append(CountyStatus(
            county.code, county.name, households[pk], not_met[pk], monitored[pk],
            _fraction(engine.share(monitored[pk], households[pk])),
            engine.county_warning(monitored[pk], households[pk], pk in deep, rules),
            _fraction(engine.share(away[pk], away_before[pk]))))
    return out
