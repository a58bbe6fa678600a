"""防疫物资 as a measure (``core.capability``): what every depot received (by source), committed and issued up to a
day, every request made on or before it with its lines, and the workers on duty of the enterprises resumed on the
day (the facts, whole city, summed by the database), judged by the rule set ``supplies`` (DOMAIN.md §17) into the
figures per item and per depot (received, committed, issued, on hand, available; the daily need and days of cover
of what is used per head), each request's commit and fulfil statuses and lateness, the allocation queue and the
coverage per county. Stored once per day and rules version, narrowed to the requests each reader sees. No personal
data: the receivers' names are never read here."""

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
from .choices import ALLOCATION_RANK, ENTERPRISE_KINDS, FULFIL_STATUS_LABELS, RULES_KEY, RequestKind, Status


@dataclass(frozen=True)
class SupplyRules(Rules):
    """The rule set ``supplies``: an enterprise's cap in days of use, the interval between its requests, the cover
    under which a warning is raised, and the allocation order's ranks per kind of applicant."""

    cap_days: int = field(default=15, metadata=bound(
        1, 90, help=gettext_lazy("企业每批申请上限：在岗人数×每人每日用量×天数")))
    request_interval_days: int = field(default=7, metadata=bound(
        1, 60, help=gettext_lazy("同一企业两次申请至少间隔天数")))
    cover_warning_days: float = field(default=3, metadata=bound(
        0, 60, help=gettext_lazy("库存可保障天数低于几天预警")))
    order: dict = field(default_factory=lambda: {str(k): v for k, v in ALLOCATION_RANK.items()},  # type: ignore[type-arg]
                        metadata=bound(help=gettext_lazy("分配顺序（申请方类型 → 序位，小者优先）")))

    def check(self) -> None:
        if not isinstance(self.order, dict) or set(self.order) != set(RequestKind.values) or any(
                not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 9 for v in self.order.values()):
            raise RuleError(_("%(field)s须为每种申请方类型（%(kinds)s）各给一个 0 到 9 的整数") % {
                "field": self.named("order"), "kinds": "、".join(RequestKind.values)})

    def rank(self, kind: str) -> int:
        return int(self.order.get(kind, 9))


# --- facts ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemFact:
    code: str
    name: str
    unit: str
    per_head_day: float | None


@dataclass(frozen=True)
class LineFact:
    item: str
    requested: int
    needed_by: dt.date


@dataclass(frozen=True)
class RequestFact:
    code: str
    kind: str
    date: dt.date
    applicant: str
    applicant_name: str
    county: str  # the requester's county code ("" when city-wide)
    enterprise_id: int | None
    project_id: int | None
    lines: tuple[LineFact, ...]


@dataclass(frozen=True)
class SupplyFacts:
    """What a day is judged from: the items and depots, the sums received per (depot, item, source) and committed and
    issued per (request, item, depot) on or before the day, the requests made on or before it, the workers on duty of
    each enterprise resumed on the day (its latest report), and the counties with their resumed enterprises."""

    day: dt.date
    items: list[ItemFact]
    depots: list[tuple[str, str]]
    received: dict[tuple[str, str, str], int]  # (depot, item, source) → quantity
    committed: dict[tuple[str, str, str], int]  # (request, item, depot) → quantity
    issued: dict[tuple[str, str, str], int]
    requests: list[RequestFact]
    on_duty: dict[int, int]  # enterprise id → workers on duty (resumed on the day)
    counties: list[tuple[str, str]]
    resumed_by_county: dict[str, int] = field(default_factory=dict)


def load(period: Period, scope: Any = None) -> SupplyFacts:
    from django.db.models import Sum

    from dualtrack.registry import services as registry
    from dualtrack.resumption import services as resumption

    from .models import Commitment, Depot, Issue, Receipt, RequestLine, SupplyItem, SupplyRequest

    day = period.start
    items = [ItemFact(code, name, unit, float(per) if per is not None else None) for code, name, unit, per in
             SupplyItem.objects.order_by("code").values_list("code", "name", "unit", "per_head_day")]
    depots = list(Depot.objects.order_by("code").values_list("code", "name"))
    received = {(d, i, s): int(q) for d, i, s, q in Receipt.objects.filter(date__lte=day).values_list(
        "depot__code", "item__code", "source").annotate(q=Sum("quantity")).values_list(
        "depot__code", "item__code", "source", "q")}

    def summed(model: Any) -> dict[tuple[str, str, str], int]:
        rows = model.objects.filter(date__lte=day).values("line__request__code", "line__item__code",
                                                          "depot__code").annotate(q=Sum("quantity"))
        return {(r["line__request__code"], r["line__item__code"], r["depot__code"]): int(r["q"]) for r in rows}

    lines: dict[int, list[LineFact]] = defaultdict(list)
    for request_id, item, requested, needed_by in RequestLine.objects.filter(request__date__lte=day).order_by(
            "request_id", "item__code").values_list("request_id", "item__code", "requested", "needed_by"):
        lines[request_id].append(LineFact(item, requested, needed_by))
    requests = [RequestFact(code, kind, date, applicant, name, county or "", enterprise, project,
                            tuple(lines.get(pk, ())))
                for pk, code, kind, date, applicant, name, county, enterprise, project in
                SupplyRequest.objects.filter(date__lte=day).order_by("code").values_list(
                    "pk", "code", "kind", "date", "applicant", "applicant_name", "county__code", "enterprise_id",
                    "project_id")]
    on_duty = resumption.workers_on_duty_on(day)
    places = registry.enterprise_places(on_duty)
    resumed_by_county: dict[str, int] = defaultdict(int)
    for enterprise in on_duty:
        if enterprise in places:
            resumed_by_county[places[enterprise][1]] += 1
    counties = list(registry.counties().order_by("code").values_list("code", "name"))
    return SupplyFacts(day, items, depots, received, summed(Commitment), summed(Issue), requests, on_duty, counties,
                       dict(resumed_by_county))


# --- the judgement ----------------------------------------------------------------------------------------------


@dataclass
class ItemFigures:
    """An item's figures at the end of the day, all depots together."""

    code: str
    name: str
    unit: str
    received: int
    committed: int
    issued: int
    on_hand: int
    available: int
    daily_need: float | None
    days_of_cover: float | None
    warning: bool | None


@dataclass
class DepotFigures:
    """An item's figures at one depot (``available`` is what may still be committed there)."""

    depot: str
    item: str
    received: int
    committed: int
    issued: int
    on_hand: int
    available: int


@dataclass
class SourceFigures:
    """What an item's receipts came from (入库来源), to the day."""

    item: str
    source: str
    quantity: int


@dataclass
class RequestRow:
    code: str
    kind: str
    date: dt.date
    applicant: str
    applicant_name: str
    county: str
    enterprise_id: int | None
    project_id: int | None
    needed_by: dt.date  # its earliest line's
    commit_status: str
    fulfil_status: str
    overdue: bool
    position: int | None  # its place in the queue (1 = first), None when completely issued


@dataclass
class LineRow:
    request: str
    item: str
    requested: int
    committed: int
    issued: int
    needed_by: dt.date
    overdue: bool


@dataclass
class Coverage:
    """A county's requesters of a group (``enterprises``: 重点企业 and 复工企业; ``projects``; ``grassroots``): how many
    asked, how many received something, how many received all they asked for; for enterprises, how many are
    resumed on the day (the denominator of the coverage)."""

    county: str
    group: str
    requesters: int
    served: int
    complete: int
    resumed: int | None = None


@dataclass
class SupplyResult:
    day: dt.date
    rules_version: str
    items: list[ItemFigures]
    depots: list[DepotFigures]
    sources: list[SourceFigures]
    requests: list[RequestRow]
    lines: list[LineRow]
    coverage: list[Coverage]
    queue: list[str] = field(default_factory=list)

    def item(self, code: str) -> ItemFigures | None:
        return next((i for i in self.items if i.code == code), None)

    def lines_of(self, code: str) -> list[LineRow]:
        return [line for line in self.lines if line.request == code]


def status(reached: list[int], requested: list[int]) -> str:
    """``complete`` when every line's quantity reaches its requested quantity, ``none`` when it is 0 on every line,
    else ``partial`` (a request without lines: ``none``)."""
    if reached and all(r >= q for r, q in zip(reached, requested, strict=True)):
        return Status.COMPLETE
    if not any(reached):
        return Status.NONE
    return Status.PARTIAL


GROUPS = {RequestKind.KEY_ENTERPRISE: "enterprises", RequestKind.RESUMED: "enterprises",
          RequestKind.KEY_PROJECT: "projects", RequestKind.GRASSROOTS: "grassroots"}


def judge(facts: SupplyFacts, rules: SupplyRules) -> SupplyResult:
    """The figures per item and depot at the end of the day (on hand = received − issued; available = on hand −
    (committed − issued)); the daily need of an item used per head (Σ workers on duty of the enterprises resumed on
    the day × its use per head) and its days of cover (on hand ÷ need, none when the need is 0, a warning under
    ``cover_warning_days``); each request's lines with requested, committed and issued kept apart, its commit and
    fulfil statuses, whether it is overdue (a line committed but not fully issued after its needed-by day); the
    queue of requests not completely issued in allocation order (the kind's rank, needed-by, request day, code); the
    coverage per county. Pure: the facts and the rules in, the result out."""
    day = facts.day
    per_depot: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])  # received, committed, issued
    per_source: dict[tuple[str, str], int] = defaultdict(int)
    for (depot, item, source), quantity in facts.received.items():
        per_depot[(depot, item)][0] += quantity
        per_source[(item, source)] += quantity
    per_line: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])  # committed, issued
    for (code, item, depot), quantity in facts.committed.items():
        per_depot[(depot, item)][1] += quantity
        per_line[(code, item)][0] += quantity
    for (code, item, depot), quantity in facts.issued.items():
        per_depot[(depot, item)][2] += quantity
        per_line[(code, item)][1] += quantity
    depots = [DepotFigures(depot, item, r, c, i, r - i, r - i - (c - i))
              for (depot, item), (r, c, i) in sorted(per_depot.items())]
    workers = sum(facts.on_duty.values())
    items = []
    for fact in facts.items:
        received = sum(d.received for d in depots if d.item == fact.code)
        committed = sum(d.committed for d in depots if d.item == fact.code)
        issued = sum(d.issued for d in depots if d.item == fact.code)
        on_hand = received - issued
        need = cover = warning = None
        if fact.per_head_day is not None:
            need = round(workers * fact.per_head_day, 2)
            cover = round(on_hand / need, 1) if need > 0 else None
            warning = cover is not None and cover < rules.cover_warning_days
        items.append(ItemFigures(fact.code, fact.name, fact.unit, received, committed, issued, on_hand,
                                 on_hand - (committed - issued), need, cover, warning))
    requests, lines = [], []
    for request in facts.requests:
        rows = []
        for line in request.lines:
            committed, issued = per_line.get((request.code, line.item), (0, 0))
            rows.append(LineRow(request.code, line.item, line.requested, committed, issued, line.needed_by,
                                day > line.needed_by and committed > 0 and issued < committed))
        lines.extend(rows)
        requested = [r.requested for r in rows]
        needed_by = min((r.needed_by for r in rows), default=request.date)
        requests.append(RequestRow(
            request.code, request.kind, request.date, request.applicant, request.applicant_name, request.county,
            request.enterprise_id, request.project_id, needed_by, status([r.committed for r in rows], requested),
            status([r.issued for r in rows], requested), any(r.overdue for r in rows), None))
    waiting = sorted((r for r in requests if r.fulfil_status != Status.COMPLETE),
                     key=lambda r: (rules.rank(r.kind), r.needed_by, r.date, r.code))
    for position, row in enumerate(waiting, start=1):
        row.position = position
    sources = [SourceFigures(item, source, quantity) for (item, source), quantity in sorted(per_source.items())]
    return SupplyResult(day, rules.label, items, depots, sources, requests, lines, _coverage(facts, requests),
                        [r.code for r in waiting])


def _coverage(facts: SupplyFacts, requests: list[RequestRow]) -> list[Coverage]:
    asked: dict[tuple[str, str], set[str]] = defaultdict(set)
    served: dict[tuple[str, str], set[str]] = defaultdict(set)
    incomplete: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in requests:
        group = GROUPS.get(RequestKind(row.kind)) if row.kind in RequestKind.values else None
        if group is None or not row.county:
            continue
        key = (row.county, group)
        asked[key].add(row.applicant)
        if row.fulfil_status != Status.NONE:
            served[key].add(row.applicant)
        if row.fulfil_status != Status.COMPLETE:
            incomplete[key].add(row.applicant)
    found = []
    for code, _name in facts.counties:
        for group in ("enterprises", "projects", "grassroots"):
            key = (code, group)
            found.append(Coverage(code, group, len(asked[key]), len(served[key]), len(asked[key] - incomplete[key]),
                                  facts.resumed_by_county.get(code, 0) if group == "enterprises" else None))
    return found


# --- the contract -------------------------------------------------------------------------------------------


@dataclass
class SuppliesContractItem:
    code: str = field(metadata=label(gettext_lazy("物资代码")))
    received: int = field(metadata=label(gettext_lazy("累计入库")))
    committed: int = field(metadata=label(gettext_lazy("累计承诺")))
    issued: int = field(metadata=label(gettext_lazy("累计发放")))
    on_hand: int = field(metadata=label(gettext_lazy("库存")))
    available: int = field(metadata=label(gettext_lazy("可分配")))
    daily_need: float | None = field(metadata=label(gettext_lazy("日需求量")))
    days_of_cover: float | None = field(metadata=label(gettext_lazy("可保障天数")))
    warning: bool | None = field(metadata=label(gettext_lazy("预警")))


@dataclass
class SuppliesContractLine:
    item: str
    requested: int
    committed: int
    issued: int


@dataclass
class SuppliesContractRequest:
    code: str = field(metadata=label(gettext_lazy("申请编号")))
    kind: str = field(metadata=label(gettext_lazy("申请方类型")))
    lines: list[SuppliesContractLine] = field(metadata=label(gettext_lazy("明细")))
    commit_status: str = field(metadata=label(gettext_lazy("承诺状态")))
    fulfil_status: str = field(metadata=label(gettext_lazy("发放状态")))
    overdue: bool = field(metadata=label(gettext_lazy("超期")))


@dataclass
class SuppliesContract:
    """``/api/v1/supplies`` and ``dualtrack supplies --json`` (DOMAIN.md §17), as of the end of the date."""

    date: str
    rules_version: str
    items: list[SuppliesContractItem]
    requests: list[SuppliesContractRequest]
    queue: list[str]


def as_contract(result: SupplyResult) -> dict[str, Any]:
    by_request: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in result.lines:
        by_request[line.request].append({"item": line.item, "requested": line.requested,
                                         "committed": line.committed, "issued": line.issued})
    return {
        "date": result.day.isoformat(), "rules_version": result.rules_version,
        "items": [{"code": i.code, "received": i.received, "committed": i.committed, "issued": i.issued,
                   "on_hand": i.on_hand, "available": i.available, "daily_need": i.daily_need,
                   "days_of_cover": i.days_of_cover, "warning": i.warning} for i in result.items],
        "requests": [{"code": r.code, "kind": r.kind, "lines": by_request.get(r.code, []),
                      "commit_status": r.commit_status, "fulfil_status": r.fulfil_status, "overdue": r.overdue}
                     for r in result.requests],
        "queue": list(result.queue),
    }


class SuppliesMeasure(Measure[SupplyFacts, SupplyRules, SupplyResult]):
    """防疫物资 (DOMAIN.md §17): stock, requests, commitments and issues kept apart, allocation in order."""

    key = "supplies"
    label = gettext_lazy("防疫物资")
    period_kind = PeriodKind.DAY
    rules_key = RULES_KEY
    rules = SupplyRules
    sources = ("supplies", "resumption", "registry")
    result = SupplyResult
    contract = SuppliesContract
    api_path = "supplies"
    api_name = "api-supplies"
    command = "supplies"
    card = (24, cards.supplies_card)
    section = (24, bulletin.section)
    menu = MenuEntry(gettext_lazy("防疫物资"), "supplies:home", services.in_menu, order=7)
    steps = (Step("supplies-overdue", services.escalate_overdue, order=55),)
    row_key = ("code",)
    outcome_fields = ("fulfil_status", "overdue", "position")
    outcome_labels = {str(k): v for k, v in FULFIL_STATUS_LABELS.items()}

    def load(self, period: Period, scope: Any = None) -> SupplyFacts:
        return load(period, scope)

    def judge(self, facts: SupplyFacts, rules: SupplyRules) -> SupplyResult:
        return judge(facts, rules)

    def as_of(self, actor: Viewer = None, on: dt.date | None = None) -> Period | None:
        return Period.of(PeriodKind.DAY, services.as_of(on))

    def can_view(self, actor: Viewer) -> bool:
        return services.can_view(actor)

    def visible(self, result: SupplyResult, actor: Viewer) -> SupplyResult:
        return services.narrowed(result, actor)

    def as_json(self, result: SupplyResult) -> dict[str, Any]:
        return as_contract(result)

    def comparison_rows(self, result: SupplyResult) -> list[dict[str, Any]]:
        """The what-if page compares the requests (their place in the queue, lateness), with the item figures'
        warnings before them."""
        positions = {r.code: r.position for r in result.requests}
        return [{"code": r.code, "fulfil_status": r.fulfil_status, "overdue": r.overdue,
                 "position": positions.get(r.code)} for r in result.requests]

    def text_lines(self, result: SupplyResult) -> list[str]:
        lines = [f"{i.code} {i.name} received {i.received} committed {i.committed} issued {i.issued} "
                 f"on-hand {i.on_hand} available {i.available} cover {i.days_of_cover if i.days_of_cover is not None else '-'}"
                 f"{' WARNING' if i.warning else ''}" for i in result.items]
        lines.append(f"queue ({len(result.queue)}): {' '.join(result.queue[:20])}")
        return lines


__all__ = ["ENTERPRISE_KINDS", "SuppliesMeasure", "SupplyRules", "judge", "load", "status"]
