"""Poverty alleviation (脱贫攻坚, DOMAIN.md §13): each household's exit standard and monitoring for a year under the
rule set ``poverty-2020``, and the counties' aggregates and warnings. Other apps call these."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from dualtrack.core import privacy
from dualtrack.core import rules as rule_sets

from . import engine
from .choices import EXIT_REASONS, GUARANTEES, LabourerStatus
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
        """The contract of ``dualtrack poverty --json``: the year of the checks, no names."""
        return {"year": self.year, "rules_version": self.rules_version,
                "households": [{"code": h.code, "status": "met" if h.met else "not_met", "reasons": h.reasons,
                                "monitored": h.monitored, "monitor_reasons": h.monitor_reasons}
                               for h in self.households],
                "counties": [{"code": c.code, "households": c.households, "not_met": c.not_met,
                              "monitored": c.monitored, "monitored_share": c.monitored_share, "warning": c.warning,
                              "outbound_rate": c.outbound_rate} for c in self.counties]}


def current_rules() -> dict[str, Any]:
    return dict(rule_sets.current(RULES_KEY).definition)


def facts_of(check: HouseholdCheck) -> engine.Check:
    return engine.Check(check.income, check.last_income, check.rigid_spending, check.household.members,
                        {key: getattr(check, key) for key in GUARANTEES}, check.housing_grade)


_EVALUATIONS: dict[int, tuple[Any, Evaluation]] = {}
SOURCE = "poverty"  # the data version the imports and the flags bump (``core.versions``)


def forget() -> None:
    """Drop the evaluations this process keeps (a test's database is rolled back under them)."""
    _EVALUATIONS.clear()


def evaluate(year: int, user: Any = None) -> Evaluation:
    """Every household checked in ``year`` that ``user`` may see (every one for the console), and every county's
    aggregates (which everyone with a view of the war map may see). Judged once per rule version and data version
    in a process: the 总览 card and the bulletin read it, they do not judge 3,000 households per request."""
    from dualtrack.core import versions

    key = (rule_sets.current(RULES_KEY).label, versions.version(SOURCE), frozenset(arrived_workers()))
    hit = _EVALUATIONS.get(year)
    if hit is None or hit[0] != key:
        hit = (key, _judge(year))
        _EVALUATIONS[year] = hit
    full = hit[1]
    if user is None:
        return full
    codes = set(Household.objects.restrict(user).values_list("code", flat=True))
    return Evaluation(year, full.rules_version, [s for s in full.households if s.code in codes], full.counties)


def _judge(year: int) -> Evaluation:
    current = rule_sets.current(RULES_KEY)
    rules = current.definition
    checks = HouseholdCheck.objects.filter(year=year).select_related("household", "household__county")
    statuses = []
    for check in checks.order_by("household__code"):
        facts = facts_of(check)
        met, reasons = engine.exit_standard(facts, rules)
        monitored, why = engine.monitoring(facts, rules)
        statuses.append(HouseholdStatus(check.household.code, check.household.county_id, met, reasons, monitored, why))
    return Evaluation(year, current.label, statuses, _counties(statuses, rules))


def _counties(statuses: list[HouseholdStatus], rules: dict[str, Any]) -> list[CountyStatus]:
    from dualtrack.registry import services as registry

    households = Counter(Household.objects.values_list("county_id", flat=True))
    not_met = Counter(s.county_id for s in statuses if not s.met)
    monitored = Counter(s.county_id for s in statuses if s.monitored)
    deep = set(RegionFlag.objects.filter(deep=True).values_list("region_id", flat=True))
    labour = labour_by_county()
    away = Counter({pk: figures["away"] for pk, figures in labour.items()})
    away_before = Counter({pk: figures["away_last_year"] for pk, figures in labour.items()})
    counties = {c.pk: c for c in registry.counties().filter(pk__in=list(households))}
    out = []
    for pk, county in sorted(counties.items(), key=lambda item: item[1].code):
        out.append(CountyStatus(
            county.code, county.name, households[pk], not_met[pk], monitored[pk],
            _fraction(engine.share(monitored[pk], households[pk])),
            engine.county_warning(monitored[pk], households[pk], pk in deep, rules),
            _fraction(engine.share(away[pk], away_before[pk]))))
    return out


def arrived_workers(until: Any = None) -> set[int]:
    """Poor labourers brought back by the point-to-point return (§12), as the workers' ids: the labourers linked to
    them count as 已外出."""
    from dualtrack.workreturn import services as workreturn

    return workreturn.arrived_poor_labourers(until)


# --- the match with the point-to-point return (§12), kept as a link --------------------------------------------

def match_labourer(labourer: Labourer, id_number: str) -> None:
    """A labourer written with an ID number: linked to the worker registered with the same number (any known key).
    The link stays when the worker's personal data is erased."""
    from dualtrack.workreturn import services as workreturn

    found = workreturn.worker_ids_with_id_number(id_number)
    if found and labourer.worker_id not in found:
        Labourer.objects.filter(pk=labourer.pk).update(worker_id=found[0])
        labourer.worker_id = found[0]


def match_worker(sender: Any, worker: Any, id_number: str, **kwargs: Any) -> None:
    """A worker registered with an ID number (``workreturn.services.worker_identified``): the labourers with the same
    number are linked to it, any linked before under another number are let go."""
    chains = Labourer.objects.exclude(id_hash="").values_list("id_key", flat=True).distinct()
    same = privacy.matching(id_number, chains)
    from dualtrack.core import versions

    let_go = Labourer.objects.filter(worker_id=worker.pk).exclude(same).update(worker=None)
    if let_go + Labourer.objects.filter(same).exclude(worker_id=worker.pk).update(worker_id=worker.pk):
        versions.changed(SOURCE)  # the figures read the links


def labour_by_county(until: Any = None) -> dict[int, dict[str, int]]:
    """Per county id: labourers, 已外出 (as imported, or arrived on a trip of §12 by ``until``), 在家待岗 (and not
    arrived), 就近就业, and those who worked away last year (the outbound rate's base)."""
    arrived = arrived_workers(until)
    out: dict[int, dict[str, int]] = {}
    for county, status, before, worker in Labourer.objects.values_list(
            "household__county_id", "status", "away_last_year", "worker_id"):
        entry = out.setdefault(county, {"labourers": 0, "away": 0, "at_home": 0, "nearby": 0, "away_last_year": 0})
        if worker is not None and worker in arrived:
            status = LabourerStatus.AWAY
        entry["labourers"] += 1
        entry["away" if status == LabourerStatus.AWAY else "at_home" if status == LabourerStatus.AT_HOME
              else "nearby"] += 1
        entry["away_last_year"] += int(before)
    return out


@dataclass
class Area:
    """A county, township or village on the war map, with its households' figures for the year."""

    code: str
    name: str
    level: str
    households: int = 0
    checked: int = 0
    not_met: int = 0
    monitored: int = 0
    failed: Counter[str] | None = None
    supervised: bool = False
    deep: bool = False
    findings: dict[str, int] = field(default_factory=dict)  # open and overdue findings (the view fills them in)
    helpers: tuple[int, int] = (0, 0)  # helpers, of whom on site

    @property
    def monitored_share(self) -> float | None:
        return _fraction(engine.share(self.monitored, self.households))


def war_map(year: int, county_code: str | None = None) -> list[Area]:
    """作战图: the counties (or one county's townships and villages) with households not meeting the standard,
    failed guarantees by kind and monitoring cases; flagged ones (挂牌督战, 深度贫困) marked. Aggregates only: no
    household, no name."""
    from dualtrack.registry import services as registry

    statuses = evaluate(year).households
    by_code = {s.code: s for s in statuses}
    rows = Household.objects.values_list("code", "county__code", "village__code", "village__parent__code")
    flags = {code: (supervised, deep) for code, supervised, deep in RegionFlag.objects.values_list(
        "region__code", "supervised", "deep")}
    areas: dict[str, Area] = {}
    names = registry.region_names()
    for code, county, village, township in rows:
        if county_code is None:
            keys = [(county, "county")]
        elif county == county_code:
            keys = [(township, "township"), (village, "village")]
        else:
            continue
        status = by_code.get(code)
        for key, level in keys:
            area = areas.get(key)
            if area is None:
                # Every reason present (0 when none failed it): the page reads each by key.
                area = areas[key] = Area(key, names.get(key, key), level, failed=Counter(dict.fromkeys(EXIT_REASONS, 0)))
                area.supervised, area.deep = flags.get(key, (False, False))
            area.households += 1
            if status is not None:
                area.checked += 1
                area.not_met += int(not status.met)
                area.monitored += int(status.monitored)
                assert area.failed is not None  # noqa: S101 - set above
                area.failed.update(status.reasons)
    return sorted(areas.values(), key=lambda a: (a.level != "county", a.level != "township", a.code))


def set_flags(actor: Any, region_code: str, *, supervised: bool, deep: bool) -> RegionFlag:
    """挂牌督战 / 深度贫困 on a county or village (HQ or the poverty office), audited."""
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from dualtrack.core import audit, policy
    from dualtrack.core.choices import Action
    from dualtrack.registry import services as registry

    region = registry.region_by_code(region_code)
    if region is None:
        raise ValidationError({"region": f"{region_code}"})
    policy.authorize_create(actor, RegionFlag, Action.IMPORT)
    from dualtrack.core import versions

    with transaction.atomic():
        flag, _created = RegionFlag.objects.get_or_create(region=region)
        before = audit.snapshot(flag)
        flag.supervised, flag.deep = supervised, deep
        flag.save()
        audit.record_change(actor, flag, before)
        versions.changed(SOURCE)
    return flag
