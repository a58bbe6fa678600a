"""Poverty alleviation (脱贫攻坚, DOMAIN.md §13): each household's exit standard and monitoring for a year under the
rule set ``poverty-2020``, and the counties' aggregates and warnings. Other apps call these."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from dualtrack.core import privacy
from dualtrack.core import rules as rule_sets
from dualtrack.core.actors import Actor, Viewer

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


SOURCE = "poverty"  # the data version the imports, the flags and the households' saves bump (``core.versions``)
ARRIVALS_SOURCE = "worker-return"  # the trips of §12 (a poor labourer brought back counts as 已外出): worker return's source


def forget() -> None:
    """Drop the results this process decoded from the judgement store (a test's database is rolled back under
    them); the store itself is the only cache of the judged year."""
    from dualtrack.core import judgements

    judgements.forget()


def _measure() -> Any:
    from dualtrack.core import capability

    return capability.measure("poverty")


def _period(year: int) -> Any:
    from dualtrack.core.capability import Period, PeriodKind

    return Period(PeriodKind.YEAR, dt.date(year, 1, 1))


def narrowed(evaluation: Evaluation, user: Viewer) -> Evaluation:
    """The whole city's evaluation narrowed to the households ``user`` may see (the poverty office all, a county's
    operators their county's, everyone else none); every county's aggregates stay (everyone with a view of the war
    map sees them). The console (None) sees every household."""
    if user is None:
        return evaluation
    codes = set(Household.objects.restrict(user).values_list("code", flat=True))
    return Evaluation(evaluation.year, evaluation.rules_version, [s for s in evaluation.households if s.code in codes],
                      evaluation.counties)


def evaluate(year: int, user: Viewer = None) -> Evaluation:
    """Every household checked in ``year`` that ``user`` may see (every one for the console), and every county's
    aggregates, under the current ``poverty-2020`` rule set: the stored result (judgement store), computed now if
    it is missing or its data changed (the console, the bulletin, the weekly board; pages and the card read
    :func:`read` and never compute)."""
    from dualtrack.core import judgements

    return narrowed(judgements.ensure(_measure(), _period(year)).result, user)


def read(year: int, user: Viewer) -> tuple[Evaluation | None, Any]:
    """What a page or the card shows for ``year``: (the stored evaluation narrowed to ``user``, the store's answer);
    the evaluation is None while the year is being computed (the answer is then ``Pending``)."""
    from dualtrack.core import judgements

    found = judgements.read(_measure(), _period(year))
    if isinstance(found, judgements.Pending):
        return None, found
    return narrowed(found.result, user), found


def household_status(year: int, code: str) -> HouseholdStatus | Any:
    """What a household's page shows of its check of ``year``: its status in the year's stored result (stale or
    not, as every page reads it), or ``core.judgements.Pending`` while the year is computed or the stored (stale)
    result does not hold the household yet, then computed again. Nothing is judged here."""
    from dualtrack.core import judgements

    found = judgements.read(_measure(), _period(year))
    if isinstance(found, judgements.Pending):
        return found
    status = next((s for s in found.result.households if s.code == code), None)
    return status if status is not None else judgements.Pending(found.measure, found.period, found.rules_version)


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
    return count_labour(Labourer.objects.values_list("household__county_id", "status", "away_last_year", "worker_id"),
                        arrived_workers(until))


def count_labour(rows: Iterable[tuple[int, str, bool, int | None]], arrived: Collection[int]) -> dict[int, dict[str, int]]:
    """The labourers' figures per county id from (county id, status, away last year, worker id) rows; a labourer
    linked to a worker in ``arrived`` counts as 已外出. Pure."""
    out: dict[int, dict[str, int]] = {}
    for county, status, before, worker in rows:
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
    parent: str = ""  # the code of the area it lies in (a village's township, a township's county)
    children: list[Area] = field(default_factory=list)  # a township's villages, in code order

    @property
    def reasons(self) -> list[tuple[str, int]]:
        """The reasons households fail the standard, with how many fail each (``income`` first), only those that
        some household fails."""
        return [(key, n) for key in EXIT_REASONS if (n := (self.failed or Counter()).get(key, 0))]

    @property
    def monitored_share(self) -> float | None:
        return _fraction(engine.share(self.monitored, self.households))


def war_map(year: int, county_code: str | None = None, evaluation: Evaluation | None = None) -> list[Area]:
    """作战图: the counties (or one county's townships and villages) with households not meeting the standard,
    failed guarantees by kind and monitoring cases; flagged ones (挂牌督战, 深度贫困) marked. Aggregates only: no
    household, no name. ``evaluation``: the year's stored result the page read (else the stored one, ensured).
    A county's list holds its townships, then its villages, each village also among its township's ``children``
    (the nested tables: county → townships → each township's villages)."""
    from dualtrack.registry import services as registry

    statuses = (evaluation or evaluate(year)).households
    by_code = {s.code: s for s in statuses}
    rows = Household.objects.values_list("code", "county__code", "village__code", "village__parent__code")
    flags = {code: (supervised, deep) for code, supervised, deep in RegionFlag.objects.values_list(
        "region__code", "supervised", "deep")}
    areas: dict[str, Area] = {}
    names = registry.region_names()
    for code, county, village, township in rows:
        if county_code is None:
            keys = [(county, "county", "")]
        elif county == county_code:
            keys = [(township, "township", county), (village, "village", township)]
        else:
            continue
        status = by_code.get(code)
        for key, level, parent in keys:
            area = areas.get(key)
            if area is None:
                # Every reason present (0 when none failed it): the page reads each by key.
                area = areas[key] = Area(key, names.get(key, key), level, failed=Counter(dict.fromkeys(EXIT_REASONS, 0)),
                                         parent=parent)
                area.supervised, area.deep = flags.get(key, (False, False))
            area.households += 1
            if status is not None:
                area.checked += 1
                area.not_met += int(not status.met)
                area.monitored += int(status.monitored)
                assert area.failed is not None  # noqa: S101 - set above
                area.failed.update(status.reasons)
    ordered = sorted(areas.values(), key=lambda a: (a.level != "county", a.level != "township", a.code))
    for area in ordered:
        if area.level == "village" and area.parent in areas:
            areas[area.parent].children.append(area)
    return ordered


def region_flags() -> dict[str, tuple[bool, bool]]:
    """挂牌督战 and 深度贫困 (supervised, deep) by region code: the counties and villages flagged."""
    return {code: (supervised, deep) for code, supervised, deep in RegionFlag.objects.values_list(
        "region__code", "supervised", "deep")}


def set_flags(actor: Actor, region_code: str, *, supervised: bool, deep: bool) -> RegionFlag:
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
