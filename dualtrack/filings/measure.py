"""复工备案 as a measure (``core.capability``): every filing applied on or before a day, with its answers, decision,
on-site check and events, the clusters that name enterprises, the counties' risk levels on the days that matter and
who is resumed (the facts, whole city), judged by the rule set ``filing`` (DOMAIN.md §16) into each filing's state
on the day, its due day and whether it is overdue, the unmet mandatory items, whether an on-site check is required,
the counts per county and park, 复工未备案 and the outbreaks in filed enterprises. Stored once per day and rules
version, narrowed to the filings each reader sees. No personal data: the officer's name and phone are never read
here."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core.actors import Viewer
from dualtrack.core.capability import Measure, MenuEntry, Period, PeriodKind, Rules, Step, bound, label
from dualtrack.core.rules import RuleError

from . import bulletin, cards, services
from .choices import LEVELS, RULES_KEY, Decision, FilingState, UnfiledSource

MAX_WORKING_DAYS = 10  # the rules' bound: the working calendar the facts carry reaches this far after a day


@dataclass(frozen=True)
class FilingRules(Rules):
    """The rule set ``filing``: the decision's deadline and the outbreak task's in working days, when an on-site
    check is required, and the risk levels the rule set names for checklist items (an item it does not name applies
    at the levels its checklist row gives)."""

    decision_working_days: int = field(default=1, metadata=bound(
        1, MAX_WORKING_DAYS, help=gettext_lazy("审核期限：申请后第几个工作日结束前")))
    outbreak_task_working_days: int = field(default=1, metadata=bound(
        1, MAX_WORKING_DAYS, help=gettext_lazy("企业发生聚集性疫情后，区县处置期限（第几个工作日结束前）")))
    inspection_outside_workers: int = field(default=50, metadata=bound(
        1, 100000, help=gettext_lazy("市外返岗人数达到几人须现场查勘")))
    inspection_key_enterprises: bool = field(default=True, metadata=bound(
        help=gettext_lazy("重点企业须现场查勘")))
    levels: dict = field(default_factory=lambda: {"C2": ["medium", "high"]}, metadata=bound(  # type: ignore[type-arg]
        help=gettext_lazy("各事项适用的风险等级（事项代码 → low/medium/high）")))
    campaign_end: str | None = field(default=None, metadata=bound(
        help=gettext_lazy("复工备案工作结束日（YYYY-MM-DD），进行中为空；结束后防控负责人姓名和电话按期删除")))

    def check(self) -> None:
        if self.campaign_end is not None:
            try:
                dt.date.fromisoformat(self.campaign_end)
            except (TypeError, ValueError) as exc:
                raise RuleError(_("%(field)s须为 null（进行中）或日期（YYYY-MM-DD）") % {
                    "field": self.named("campaign_end")}) from exc
        if not isinstance(self.levels, dict):
            raise RuleError(_("%(field)s须为 JSON 对象，如 {\"C2\": [\"medium\", \"high\"]}") % {
                "field": self.named("levels")})
        for code, levels in self.levels.items():
            if not isinstance(code, str) or not code.strip() or len(code) > 10:
                raise RuleError(_("%(field)s中的事项代码“%(code)s”无效") % {"field": self.named("levels"),
                                                                     "code": str(code)[:20]})
            if not isinstance(levels, list) or not levels or any(v not in LEVELS for v in levels):
                raise RuleError(_("%(field)s中%(code)s的风险等级须为 low、medium、high 中的一个或几个") % {
                    "field": self.named("levels"), "code": code})

    def item_levels(self, code: str, own: tuple[str, ...]) -> tuple[str, ...]:
        """The levels item ``code`` applies at: as this rule set names them, else as its checklist row gives."""
        named = self.levels.get(code)
        return tuple(named) if named else own


# --- facts ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemFact:
    code: str
    mandatory: bool
    levels: tuple[str, ...]


@dataclass(frozen=True)
class FilingFact:
    code: str
    enterprise_id: int
    uscc: str
    county: str
    park: str
    is_key: bool
    applied_on: dt.date
    workers_from_outside: int
    decision: str | None  # filed / returned, None while undecided
    decided_on: dt.date | None
    inspected_on: dt.date | None
    answers: dict[str, bool]  # item code → met
    lifted: tuple[dt.date, ...] = ()  # days a suspension was lifted
    revoked_on: dt.date | None = None


@dataclass(frozen=True)
class ClusterFact:
    cluster_id: int
    date: dt.date
    enterprise_id: int


@dataclass(frozen=True)
class FilingFacts:
    """What a day is judged from: the filings applied on or before it (code order), the active checklist, each
    county's risk level on the days a checklist is judged at, the clusters that name an enterprise, who is resumed
    on the day and how, the enterprises' codes and places, and the working calendar from the first application."""

    day: dt.date
    filings: list[FilingFact]
    items: list[ItemFact]
    levels: dict[tuple[str, dt.date], str]
    clusters: list[ClusterFact]
    resumed: dict[int, str]  # enterprise id → report / power
    places: dict[int, tuple[str, str, str]]  # enterprise id → (uscc, county code, park code) of those named above
    counties: list[tuple[str, str]]  # (code, name) in code order
    parks: list[tuple[str, str, str]]  # (code, name, county code)
    working: dict[dt.date, bool] = field(default_factory=dict)


def load(period: Period, scope: Any = None) -> FilingFacts:
    from dualtrack.core.calendar import WorkingCalendar
    from dualtrack.epidemic import services as epidemic
    from dualtrack.registry import services as registry
    from dualtrack.resumption import services as resumption

    from .choices import EventKind
    from .models import ChecklistItem, Filing, FilingEvent, FilingItem

    day = period.start
    # the decision is read from the events (dated), not the filing's current state
    rows = list(Filing.objects.filter(applied_on__lte=day).order_by("code").values_list(
        "pk", "code", "enterprise_id", "applied_on", "workers_from_outside", "inspected_on"))
    answers: dict[int, dict[str, bool]] = defaultdict(dict)
    for filing_id, code, met in FilingItem.objects.filter(filing__applied_on__lte=day).values_list(
            "filing_id", "item__code", "met"):
        answers[filing_id][code] = met
    decisions: dict[int, tuple[str, dt.date]] = {}
    lifted: dict[int, list[dt.date]] = defaultdict(list)
    revoked: dict[int, dt.date] = {}
    for filing_id, kind, date in FilingEvent.objects.filter(filing__applied_on__lte=day).order_by(
            "date", "pk").values_list("filing_id", "kind", "date"):
        if kind in (EventKind.FILED, EventKind.RETURNED):
            decisions.setdefault(filing_id, (kind, date))
        elif kind == EventKind.LIFTED:
            lifted[filing_id].append(date)
        elif kind == EventKind.REVOKED:
            revoked.setdefault(filing_id, date)
    clusters = [ClusterFact(pk, date, enterprise) for pk, date, enterprise, _county in
                epidemic.clusters_in_enterprises(day)]
    resumed = resumption.resumed_sources(day)
    wanted = {r[2] for r in rows} | {c.enterprise_id for c in clusters} | set(resumed)
    places = registry.enterprise_places(wanted)
    filings = []
    for pk, code, enterprise, applied_on, outside, inspected in rows:
        uscc, county, park, key = places[enterprise]
        decision = decisions.get(pk)
        filings.append(FilingFact(code, enterprise, uscc, county, park, key, applied_on, outside,
                                  decision[0] if decision and decision[1] <= day else None,
                                  decision[1] if decision and decision[1] <= day else None,
                                  inspected if inspected and inspected <= day else None, answers.get(pk, {}),
                                  tuple(d for d in lifted.get(pk, ()) if d <= day),
                                  revoked[pk] if pk in revoked and revoked[pk] <= day else None))
    judged_on = {f.decided_on or day for f in filings}
    _label, levels = epidemic.risk_levels(judged_on)
    items = [ItemFact(code, mandatory, tuple(v for v in levels_text.split(";") if v)) for code, mandatory, levels_text
             in ChecklistItem.objects.filter(is_active=True).order_by("code").values_list("code", "mandatory",
                                                                                           "levels")]
    starts = [f.applied_on for f in filings] + [c.date for c in clusters]
    working: dict[dt.date, bool] = {}
    if starts:  # every day a deadline may reach (``due_day`` reads as far)
        start, end = min(starts), max(max(starts), day) + dt.timedelta(days=MAX_WORKING_DAYS * 3 + 40)
        calendar = WorkingCalendar(start, end)
        working = {start + dt.timedelta(days=n): calendar.is_working(start + dt.timedelta(days=n))
                   for n in range((end - start).days + 1)}
    counties = [(code, name) for code, name in registry.counties().order_by("code").values_list("code", "name")]
    parks = [(p.code, p.name, p.county.code) for p in registry.parks()]
    return FilingFacts(day, filings, items, levels, clusters, resumed,
                       {pk: (v[0], v[1], v[2]) for pk, v in places.items()}, counties, parks, working)


# --- the judgement ----------------------------------------------------------------------------------------------


def due_day(day: dt.date, working_days: int, working: dict[dt.date, bool]) -> dt.date:
    """The ``working_days``-th working day after ``day`` (the day itself does not count), on the facts' calendar
    (a day it does not hold: Monday to Friday)."""
    current, found = day, 0
    while found < working_days:
        current += dt.timedelta(days=1)
        if working.get(current, current.weekday() < 5):
            found += 1
    return current


@dataclass
class ScopeCount:
    """A county's or park's filings on the day (``kind``: county / park / city)."""

    code: str
    name: str
    kind: str
    applied: int = 0
    filed: int = 0
    returned: int = 0
    pending: int = 0
    overdue: int = 0
    suspended: int = 0
    revoked: int = 0
    resumed_unfiled: int = 0
    inspections_required: int = 0
    inspected: int = 0


@dataclass
class FilingRow:
    code: str
    enterprise_id: int
    uscc: str
    county: str
    park: str
    state: str
    applied_on: dt.date
    due_on: dt.date
    overdue: bool
    missing_items: list[str]
    inspection_required: bool
    inspected: bool
    level: str  # the county's risk level the checklist was judged at
    decided_on: dt.date | None = None
    suspended_on: dt.date | None = None


@dataclass
class UnfiledRow:
    enterprise_id: int
    uscc: str
    county: str
    park: str
    source: str


@dataclass
class OutbreakRow:
    cluster_id: int
    enterprise_id: int
    uscc: str
    county: str
    park: str
    date: dt.date
    filing: str
    task_due_on: dt.date
    lifted_on: dt.date | None = None


@dataclass
class ItemRate:
    """How many answers of item ``item`` in scope ``scope`` (a county's or park's code, or ``city``) say met."""

    scope: str
    item: str
    answered: int
    met: int


@dataclass
class FilingsResult:
    day: dt.date
    rules_version: str
    scopes: list[ScopeCount]
    filings: list[FilingRow]
    unfiled: list[UnfiledRow]
    outbreaks: list[OutbreakRow]
    items: list[ItemRate]

    def counties(self) -> list[ScopeCount]:
        return [s for s in self.scopes if s.kind == "county"]

    def city(self) -> ScopeCount | None:
        return next((s for s in self.scopes if s.kind == "city"), None)


def _suspension(filing: FilingFact, clusters: list[ClusterFact], day: dt.date) -> tuple[dt.date | None,
                                                                                       dict[int, dt.date | None]]:
    """When the filed ``filing`` is suspended on ``day`` (None: it is not), and for each cluster that suspended it
    the day the suspension was lifted (None: not yet). A cluster on or after the filing day suspends it; a lift on or
    after the suspension's first day ends it; a later cluster suspends it again."""
    assert filing.decided_on is not None  # noqa: S101 - only a filed filing is suspended
    lifts = sorted(filing.lifted)
    current: dt.date | None = None
    suspended_by: dict[int, dt.date | None] = {}
    open_clusters: list[int] = []
    events = sorted([(c.date, 0, c.cluster_id) for c in clusters if filing.decided_on <= c.date <= day]
                    + [(d, 1, 0) for d in lifts if d <= day])
    for date, kind, cluster_id in events:
        if filing.revoked_on is not None and date >= filing.revoked_on:
            break
        if kind == 0:
            if current is None:
                current = date
            suspended_by[cluster_id] = None
            open_clusters.append(cluster_id)
        elif current is not None and date >= current:
            for cid in open_clusters:
                suspended_by[cid] = date
            open_clusters, current = [], None
    return current, suspended_by


def judge(facts: FilingFacts, rules: FilingRules) -> FilingsResult:
    """Every filing applied on or before the day in its state on the day (applied, filed, returned, suspended,
    revoked), its due day (the ``decision_working_days``-th working day after the application) and whether it is
    undecided after it, the unmet mandatory items that apply at its county's risk level on its decision day (on the
    day while undecided), whether an on-site check is required (a key enterprise, or ≥ ``inspection_outside_workers``
    from outside the city); the counts per county, park and city; 复工未备案 (resumed on the day, no filing filed on or
    before it; the source ``report`` before ``power``); the outbreaks (a cluster naming an enterprise whose filing was
    filed on or before the cluster's day) with their task's due day. Pure: the facts and the rules in, the result
    out; everything is judged on the day and the clusters' days, never on the clock."""
    day = facts.day
    rows: list[FilingRow] = []
    by_enterprise: dict[int, list[ClusterFact]] = defaultdict(list)
    for cluster in facts.clusters:
        by_enterprise[cluster.enterprise_id].append(cluster)
    outbreaks: list[OutbreakRow] = []
    filed_enterprises: set[int] = set()
    for f in facts.filings:
        due = due_day(f.applied_on, rules.decision_working_days, facts.working)
        decided = f.decision is not None
        suspended_on = None
        if not decided:
            state = FilingState.APPLIED
        elif f.decision == Decision.RETURNED:
            state = FilingState.RETURNED
        elif f.revoked_on is not None:
            state = FilingState.REVOKED
        else:
            suspended_on, by_cluster = _suspension(f, by_enterprise.get(f.enterprise_id, []), day)
            state = FilingState.SUSPENDED if suspended_on is not None else FilingState.FILED
            for cluster in by_enterprise.get(f.enterprise_id, []):
                if cluster.cluster_id in by_cluster:
                    outbreaks.append(OutbreakRow(
                        cluster.cluster_id, f.enterprise_id, f.uscc, f.county, f.park, cluster.date, f.code,
                        due_day(cluster.date, rules.outbreak_task_working_days, facts.working),
                        by_cluster[cluster.cluster_id]))
        if state in (FilingState.FILED, FilingState.SUSPENDED):
            filed_enterprises.add(f.enterprise_id)
        judged_on = f.decided_on if decided and f.decided_on is not None else day
        level = facts.levels.get((f.county, judged_on), "low")
        missing = sorted(i.code for i in facts.items
                         if i.mandatory and level in rules.item_levels(i.code, i.levels) and not f.answers.get(i.code))
        required = (rules.inspection_key_enterprises and f.is_key) \
            or f.workers_from_outside >= rules.inspection_outside_workers
        rows.append(FilingRow(f.code, f.enterprise_id, f.uscc, f.county, f.park, str(state), f.applied_on, due,
                              not decided and day > due, missing, required, f.inspected_on is not None, level,
                              f.decided_on, suspended_on))
    unfiled = []
    for enterprise, source in sorted(facts.resumed.items(), key=lambda kv: facts.places.get(kv[0], ("",))[0]):
        if enterprise in filed_enterprises or enterprise not in facts.places:
            continue
        uscc, county, park = facts.places[enterprise]
        unfiled.append(UnfiledRow(enterprise, uscc, county, park,
                                  UnfiledSource.REPORT if source == "report" else UnfiledSource.POWER))
    scopes = _counts(facts, rows, unfiled)
    outbreaks.sort(key=lambda o: (o.date, o.uscc, o.cluster_id))
    return FilingsResult(day, rules.label, scopes, rows, unfiled, outbreaks, _item_rates(facts))


def _counts(facts: FilingFacts, rows: list[FilingRow], unfiled: list[UnfiledRow]) -> list[ScopeCount]:
    city = ScopeCount("city", _("全市"), "city")
    counties = {code: ScopeCount(code, name, "county") for code, name in facts.counties}
    parks = {code: ScopeCount(code, name, "park") for code, name, _county in facts.parks}

    def scopes_of(county: str, park: str) -> list[ScopeCount]:
        found = [city]
        if county in counties:
            found.append(counties[county])
        if park in parks:
            found.append(parks[park])
        return found

    for row in rows:
        for scope in scopes_of(row.county, row.park):
            scope.applied += 1
            scope.filed += row.state == FilingState.FILED
            scope.returned += row.state == FilingState.RETURNED
            scope.pending += row.state == FilingState.APPLIED
            scope.overdue += row.overdue
            scope.suspended += row.state == FilingState.SUSPENDED
            scope.revoked += row.state == FilingState.REVOKED
            scope.inspections_required += row.inspection_required
            scope.inspected += row.inspection_required and row.inspected
    for found in unfiled:
        for scope in scopes_of(found.county, found.park):
            scope.resumed_unfiled += 1
    return [city, *counties.values(), *parks.values()]


def _item_rates(facts: FilingFacts) -> list[ItemRate]:
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for f in facts.filings:
        for code, met in f.answers.items():
            for scope in ("city", f.county, *([f.park] if f.park else [])):
                entry = counts[(scope, code)]
                entry[0] += 1
                entry[1] += bool(met)
    return [ItemRate(scope, item, answered, met) for (scope, item), (answered, met) in sorted(counts.items())]


# --- the contract -------------------------------------------------------------------------------------------


@dataclass
class FilingsContractCounty:
    """A county's filings on the day: counts of those applied on or before it, each in its state on the day."""

    code: str = field(metadata=label(gettext_lazy("区划代码")))
    applied: int = field(metadata=label(gettext_lazy("申请")))
    filed: int = field(metadata=label(gettext_lazy("已备案")))
    returned: int = field(metadata=label(gettext_lazy("退回")))
    pending: int = field(metadata=label(gettext_lazy("待审核")))
    overdue: int = field(metadata=label(gettext_lazy("超期未审核")))
    suspended: int = field(metadata=label(gettext_lazy("暂停")))
    resumed_unfiled: int = field(metadata=label(gettext_lazy("复工未备案")))


@dataclass
class FilingsContractFiling:
    code: str = field(metadata=label(gettext_lazy("备案编号")))
    uscc: str = field(metadata=label(gettext_lazy("统一社会信用代码")))
    state: str = field(metadata=label(gettext_lazy("状态")))
    due_on: str = field(metadata=label(gettext_lazy("审核期限")))
    overdue: bool = field(metadata=label(gettext_lazy("超期")))
    missing_items: list[str] = field(metadata=label(gettext_lazy("未落实的必须事项")))
    inspection_required: bool = field(metadata=label(gettext_lazy("须现场查勘")))


@dataclass
class FilingsContractUnfiled:
    uscc: str
    source: str


@dataclass
class FilingsContractOutbreak:
    uscc: str
    date: str
    filing: str
    task_due_on: str


@dataclass
class FilingsContract:
    """``/api/v1/filings`` and ``dualtrack filings --json`` (DOMAIN.md §16)."""

    date: str
    rules_version: str
    counties: list[FilingsContractCounty]
    filings: list[FilingsContractFiling]
    resumed_unfiled: list[FilingsContractUnfiled]
    outbreaks: list[FilingsContractOutbreak]


def as_contract(result: FilingsResult) -> dict[str, Any]:
    return {
        "date": result.day.isoformat(), "rules_version": result.rules_version,
        "counties": [{"code": s.code, "applied": s.applied, "filed": s.filed, "returned": s.returned,
                      "pending": s.pending, "overdue": s.overdue, "suspended": s.suspended,
                      "resumed_unfiled": s.resumed_unfiled} for s in result.counties()],
        "filings": [{"code": f.code, "uscc": f.uscc, "state": f.state, "due_on": f.due_on.isoformat(),
                     "overdue": f.overdue, "missing_items": list(f.missing_items),
                     "inspection_required": f.inspection_required} for f in result.filings],
        "resumed_unfiled": [{"uscc": u.uscc, "source": u.source} for u in result.unfiled],
        "outbreaks": [{"uscc": o.uscc, "date": o.date.isoformat(), "filing": o.filing,
                       "task_due_on": o.task_due_on.isoformat()} for o in result.outbreaks],
    }


class FilingsMeasure(Measure[FilingFacts, FilingRules, FilingsResult]):
    """复工备案 (DOMAIN.md §16): each filing's state on a day, what it lacks, the counts per county and park,
    复工未备案 and the outbreaks in filed enterprises."""

    key = "filings"
    label = gettext_lazy("复工备案")
    period_kind = PeriodKind.DAY
    rules_key = RULES_KEY
    rules = FilingRules
    sources = ("filings", "epidemic", "resumption", "power", "registry")
    result = FilingsResult
    contract = FilingsContract
    api_path = "filings"
    api_name = "api-filings"
    command = "filings"
    card = (23, cards.filings_card)
    section = (23, bulletin.section)
    menu = MenuEntry(gettext_lazy("复工备案"), "filings:home", services.in_menu, order=6)
    steps = (Step("filings-outbreaks", services.suspend_for_outbreaks, order=52),
             Step("filings-overdue", services.escalate_overdue, order=53),
             Step("filings-unfiled", services.raise_unfiled_visits, order=54),
             Step("filings-erase-personal-data", services.erase_personal_data, order=90))
    row_key = ("code",)
    outcome_fields = ("state", "overdue", "missing_items", "inspection_required")
    outcome_labels = {s.value: s.label for s in FilingState}

    def load(self, period: Period, scope: Any = None) -> FilingFacts:
        return load(period, scope)

    def judge(self, facts: FilingFacts, rules: FilingRules) -> FilingsResult:
        return judge(facts, rules)

    def as_of(self, actor: Viewer = None, on: dt.date | None = None) -> Period | None:
        return Period.of(PeriodKind.DAY, services.as_of(on))

    def can_view(self, actor: Viewer) -> bool:
        return services.can_view(actor)

    def visible(self, result: FilingsResult, actor: Viewer) -> FilingsResult:
        return services.narrowed(result, actor)

    def as_json(self, result: FilingsResult) -> dict[str, Any]:
        return as_contract(result)

    def comparison_rows(self, result: FilingsResult) -> list[dict[str, Any]]:
        """The what-if page compares the filings (their state, lateness, missing items, on-site check), not the
        counties' counts that come first in the contract."""
        return list(as_contract(result)["filings"])

    def text_lines(self, result: FilingsResult) -> list[str]:
        return [f"{s.code} {s.name} applied {s.applied} filed {s.filed} returned {s.returned} pending {s.pending} "
                f"overdue {s.overdue} suspended {s.suspended} resumed-unfiled {s.resumed_unfiled}"
                for s in result.scopes if s.kind != "park"]
