"""Working the supplies (DOMAIN.md §17): the items and depots, a receipt, a request with its lines (the enterprise's
cap and one request per interval refused with the limit named), a commitment within what is available at its depot,
an issue within what is committed there and not yet issued, signed for by the receiver. Pages, import rows, the API
and the console all change through these: each checks the access policy on the record as it is, validates, changes
and audits in one transaction, and re-checks the scope afterwards. A commitment or an issue is never changed: a
correction is a new record."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from dualtrack.core import audit, dates, policy, sequences
from dualtrack.core.actors import Actor, as_user
from dualtrack.core.choices import Action
from dualtrack.core.scoping import ensure_in_scope

from .choices import CODE_PREFIX, ENTERPRISE_KINDS, MAX_LINES, MAX_QUANTITY, RequestKind, Source
from .models import Commitment, Depot, Issue, Receipt, RequestLine, SupplyItem, SupplyRequest
from .policy import kinds_for


def _rules() -> Any:
    from dualtrack.core import capability

    return capability.measure("supplies").current_rules()[1]


def _day(errors: dict[str, str], name: str, day: dt.date | None) -> None:
    if day is None:
        errors[name] = _("请填写日期")
    elif day > dates.today():
        errors[name] = _("日期不能晚于今天（%(today)s）") % {"today": dates.today().isoformat()}
    elif day < dates.earliest_day():
        errors[name] = _("日期早于 %(day)s") % {"day": dates.earliest_day().isoformat()}


def _quantity(errors: dict[str, str], name: str, value: int | None) -> None:
    if value is None or isinstance(value, bool) or not 0 < value <= MAX_QUANTITY:
        errors[name] = _("数量应为大于0的整数（不超过%(max)s）") % {"max": f"{MAX_QUANTITY:,}"}


def _created(actor: Actor | None, obj: Any, action: str) -> Any:
    audit.record_change(actor, obj, None)
    if actor is not None:
        ensure_in_scope(obj, actor, action)
    return obj


def _number(value: Any) -> str:
    """A quantity as people write it (2, 0.5, 3000)."""
    return f"{Decimal(str(value)).normalize():f}"


# --- items and depots ------------------------------------------------------------------------------------------


@transaction.atomic
def save_item(actor: Actor | None, code: str, name: str, unit: str, per_head_day: Decimal | None, *,
              action: str = Action.IMPORT) -> SupplyItem:
    """An item added or its name, unit and use per head changed (a ``supply_items`` row, the office's page)."""
    policy.authorize_create(actor, SupplyItem, action)
    errors: dict[str, str] = {}
    code, name, unit = code.strip(), name.strip(), unit.strip()
    if not code or len(code) > 20:
        errors["code"] = _("物资代码不能为空，最多20个字符")
    if not name or len(name) > 50:
        errors["name"] = _("名称不能为空，最多50个字")
    if not unit or len(unit) > 10:
        errors["unit"] = _("单位不能为空，最多10个字")
    if per_head_day is not None and not Decimal("0") < per_head_day <= Decimal("100"):
        errors["per_head_day"] = _("每人每日用量应大于0且不超过100，不按人计的物资请留空")
    if errors:
        raise ValidationError(errors)
    item = SupplyItem.objects.select_for_update().filter(code=code).first()
    before = audit.snapshot(item) if item else None
    item = item or SupplyItem(code=code)
    item.name, item.unit = name, unit
    item.per_head_day = per_head_day.quantize(Decimal("0.01")) if per_head_day is not None else None
    if before is not None and audit.snapshot(item) == before:
        return item
    item.save()
    audit.record_change(actor, item, before)
    return item


@transaction.atomic
def save_depot(actor: Actor | None, code: str, name: str, department_code: str = "", *,
               action: str = Action.IMPORT) -> Depot:
    """A depot added or renamed, kept by the department named (the supplies office when none)."""
    from dualtrack.registry import services as registry

    policy.authorize_create(actor, Depot, action)
    errors: dict[str, str] = {}
    code, name, department_code = code.strip(), name.strip(), department_code.strip()
    if not code or len(code) > 20:
        errors["code"] = _("仓库代码不能为空，最多20个字符")
    if not name or len(name) > 100:
        errors["name"] = _("仓库名称不能为空，最多100个字")
    department = registry.department_by_code(department_code or settings.SUPPLIES_OFFICE)
    if department_code and department is None:
        errors["department"] = _("没有部门代码“%(code)s”") % {"code": department_code[:20]}
    if errors:
        raise ValidationError(errors)
    depot = Depot.objects.select_for_update().filter(code=code).first()
    before = audit.snapshot(depot) if depot else None
    depot = depot or Depot(code=code)
    depot.name, depot.department = name, department
    if before is not None and audit.snapshot(depot) == before:
        return depot
    depot.save()
    audit.record_change(actor, depot, before)
    return depot


# --- receipts ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewReceipt:
    """入库登记: typed input of :func:`receive`."""

    date: dt.date | None
    depot: str
    item: str
    source: str
    quantity: int | None
    code: str = ""  # a file's 单据号; a page: numbered RK<year>-NNNNN
    note: str = ""


def _next_code(prefix: str, day: dt.date, model: Any) -> str:
    def highest() -> int:
        codes = model.objects.filter(code__startswith=f"{prefix}{day.year}-").values_list("code", flat=True)
        return max((int(c.rsplit("-", 1)[1]) for c in codes if c.rsplit("-", 1)[1].isdigit()), default=0)

    return f"{prefix}{day.year}-{sequences.next_value(f'supplies:{prefix}:{day.year}', highest):05d}"


@transaction.atomic
def receive(actor: Actor | None, spec: NewReceipt, *, action: str = Action.ADD) -> Receipt:
    """A receipt at a depot (采购, 上级调拨, 捐赠, 本地生产). A receipt's code is its identity: the same code again is
    refused (a file's row already imported is skipped by the import before it gets here)."""
    policy.authorize_create(actor, Receipt, action)
    errors: dict[str, str] = {}
    _day(errors, "date", spec.date)
    depot = Depot.objects.filter(code=spec.depot.strip(), is_active=True).first()
    if depot is None:
        errors["depot"] = _("没有仓库“%(code)s”") % {"code": spec.depot.strip()[:20]}
    item = SupplyItem.objects.filter(code=spec.item.strip()).first()
    if item is None:
        errors["item"] = _("没有物资“%(code)s”") % {"code": spec.item.strip()[:20]}
    if spec.source not in Source.values:
        errors["source"] = _("来源应为采购、上级调拨、捐赠或本地生产")
    _quantity(errors, "quantity", spec.quantity)
    if spec.code and Receipt.objects.filter(code=spec.code.strip()).exists():
        errors["code"] = _("单据号 %(code)s 已登记") % {"code": spec.code.strip()[:40]}
    if errors:
        raise ValidationError(errors)
    assert spec.date is not None and spec.quantity is not None  # noqa: S101 - checked above
    receipt = Receipt.objects.create(code=spec.code.strip() or _next_code("RK", spec.date, Receipt), date=spec.date,
                                     depot=depot, item=item, source=spec.source, quantity=spec.quantity,
                                     note=spec.note.strip()[:200], recorded_by=as_user(actor) if actor else None)
    return _created(actor, receipt, action)


# --- requests ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewLine:
    item: str
    requested: int | None
    needed_by: dt.date | None


@dataclass(frozen=True)
class NewRequest:
    """物资申请: typed input of :func:`request` (a page's form, a ``supply_requests`` file's rows of one code)."""

    kind: str
    applicant: str  # a credit code, a project code, a department or region code
    lines: list[NewLine] = field(default_factory=list)
    date: dt.date | None = None  # a file's 日期; a page: the clock's today
    code: str = ""  # a file's 申请编号; a page: numbered WZ<year>-NNNNN
    applicant_name: str = ""  # a unit's own name (市人民医院) when its code names a department or a region
    note: str = ""


@dataclass
class Applicant:
    name: str
    enterprise: Any = None
    project: Any = None
    department: Any = None
    county: Any = None


def resolve_applicant(kind: str, code: str) -> Applicant | str:
    """Who a request is for, by its kind and code: an enterprise by its credit code (重点企业, 复工企业), a key project
    by its code, a county, township or village (基层单位, 公众批次) and for 医疗机构 and 城市运行 a department, a
    region or a registered unit's credit code. A message (str) when the code names none of what the kind allows."""
    from dualtrack.projects import services as projects
    from dualtrack.registry import services as registry

    code = code.strip()
    if not code:
        return _("请填写申请方代码")
    if kind in ENTERPRISE_KINDS:
        enterprise = registry.enterprise_by_uscc(code.upper())
        if enterprise is None:
            return _("没有统一社会信用代码为“%(code)s”的企业") % {"code": code[:40]}
        return Applicant(enterprise.name, enterprise=enterprise, county=enterprise.county)
    if kind == RequestKind.KEY_PROJECT:
        project = projects.project_by_code(code)
        if project is None:
            return _("没有项目代码为“%(code)s”的重点项目") % {"code": code[:40]}
        return Applicant(project.name, project=project, county=project.county, enterprise=None)
    region = registry.region_by_code(code)
    if region is not None:
        return Applicant(region.name, county=registry.county_of_region(region))
    if kind in (RequestKind.MEDICAL, RequestKind.CITY):
        department = registry.department_by_code(code)
        if department is not None:
            return Applicant(department.name, department=department)
        enterprise = registry.enterprise_by_uscc(code.upper())
        if enterprise is not None:
            return Applicant(enterprise.name, enterprise=enterprise, county=enterprise.county)
        return _("没有部门、区划或单位代码“%(code)s”") % {"code": code[:40]}
    return _("没有区划代码“%(code)s”（基层单位、公众批次填区县、乡镇或村的代码）") % {"code": code[:40]}


def enterprise_cap(enterprise: Any, item: SupplyItem, day: dt.date, rules: Any = None) -> tuple[int, int | None]:
    """The most an enterprise may ask for of an item used per head on ``day``: (cap, workers on duty by its latest
    report on or before the day, None when it has reported none): workers × use per head and day × ``cap_days``,
    rounded down."""
    from dualtrack.resumption import services as resumption

    rules = rules or _rules()
    found = resumption.latest_report_on(enterprise.pk, day)
    workers = found[2] if found else None
    if workers is None or item.per_head_day is None:
        return 0, workers
    return math.floor(workers * item.per_head_day * rules.cap_days), workers


def previous_request(enterprise: Any, day: dt.date, rules: Any = None, exclude_code: str = "") -> SupplyRequest | None:
    """The enterprise's request less than ``request_interval_days`` from ``day`` (either side), if any."""
    rules = rules or _rules()
    gap = dt.timedelta(days=rules.request_interval_days - 1)
    return SupplyRequest.objects.filter(enterprise=enterprise, kind__in=ENTERPRISE_KINDS, date__gte=day - gap,
                                        date__lte=day + gap).exclude(code=exclude_code).order_by("-date").first()


def check_request(actor: Actor | None, spec: NewRequest, *, imported: bool = False) -> tuple[dict[str, str],
                                                                                         Applicant | None]:
    """The request's errors by field (none: acceptable) and its applicant."""
    rules = _rules()
    errors: dict[str, str] = {}
    day = spec.date or dates.today()
    _day(errors, "date", day)
    if spec.kind not in RequestKind.values:
        errors["kind"] = _("申请方类型应为：%(kinds)s") % {"kinds": "、".join(str(k.label) for k in RequestKind)}
        return errors, None
    allowed = kinds_for(actor, imported=imported)
    if allowed is not None and spec.kind not in allowed:
        errors["kind"] = _("您可申请的类型：%(kinds)s") % {
            "kinds": "、".join(str(RequestKind(k).label) for k in allowed)}
        return errors, None
    applicant = resolve_applicant(spec.kind, spec.applicant)
    if isinstance(applicant, str):
        errors["applicant"] = applicant
        return errors, None
    if spec.applicant_name.strip():
        applicant.name = spec.applicant_name.strip()[:100]
    if not spec.lines:
        errors["lines"] = _("请至少填写一种物资")
    if len(spec.lines) > MAX_LINES:
        errors["lines"] = _("一次申请最多%(n)s种物资") % {"n": MAX_LINES}
    items = {i.code: i for i in SupplyItem.objects.filter(code__in=[line.item.strip() for line in spec.lines])}
    seen: set[str] = set()
    for n, line in enumerate(spec.lines):
        name = f"line_{n}"
        item = items.get(line.item.strip())
        if item is None:
            errors[f"{name}_item"] = _("没有物资“%(code)s”") % {"code": line.item.strip()[:20]}
            continue
        if item.code in seen:
            errors[f"{name}_item"] = _("%(item)s重复填写，请合并为一行") % {"item": item.name}
        seen.add(item.code)
        _quantity(errors, f"{name}_requested", line.requested)
        if line.needed_by is None:
            errors[f"{name}_needed_by"] = _("请填写需用日期")
        elif line.needed_by < day:
            errors[f"{name}_needed_by"] = _("需用日期不能早于申请日期")
        elif line.needed_by > day + dt.timedelta(days=90):
            errors[f"{name}_needed_by"] = _("需用日期不能晚于申请日期90天以上")
        enterprise = applicant.enterprise
        if (enterprise is not None and spec.kind in ENTERPRISE_KINDS and item.per_head_day is not None
                and line.requested is not None and f"{name}_requested" not in errors):
            cap, workers = enterprise_cap(enterprise, item, day, rules)
            if workers is None:
                errors[f"{name}_requested"] = _("%(item)s按在岗人数计算申请上限，该企业尚未报送在岗人数，请先报送复工情况") % {
                    "item": item.name}
            elif line.requested > cap:
                errors[f"{name}_requested"] = _(
                    "%(item)s申请%(n)s%(unit)s，超过上限%(cap)s%(unit)s（在岗%(workers)s人×每人每日%(per)s%(unit)s×"
                    "%(days)s天）") % {"item": item.name, "n": line.requested, "unit": item.unit, "cap": cap,
                                     "workers": workers, "per": _number(item.per_head_day), "days": rules.cap_days}
    if applicant.enterprise is not None and spec.kind in ENTERPRISE_KINDS:
        earlier = previous_request(applicant.enterprise, day, rules, exclude_code=spec.code.strip())
        if earlier is not None:
            again = earlier.date + dt.timedelta(days=rules.request_interval_days)
            errors["date"] = _("该企业已于%(day)s申请（%(code)s），每%(n)s天限申请一次，%(again)s起可再申请") % {
                "day": earlier.date.isoformat(), "code": earlier.code, "n": rules.request_interval_days,
                "again": again.isoformat()}
    return errors, applicant


@transaction.atomic
def request(actor: Actor | None, spec: NewRequest, *, action: str = Action.APPLY) -> SupplyRequest:
    """物资申请: a request with its lines. An enterprise's line of an item used per head may not exceed its workers on
    duty × the use per head and day × ``cap_days``; an enterprise asks once per ``request_interval_days``. Refused
    with the limit named. A ``supply_requests`` file requests with ``action=Action.IMPORT``."""
    if actor is not None:
        policy.authorize_create(actor, SupplyRequest, action)
    errors, applicant = check_request(actor, spec, imported=action == Action.IMPORT)
    if spec.code.strip() and SupplyRequest.objects.filter(code=spec.code.strip()).exists():
        errors["code"] = _("申请编号 %(code)s 已存在") % {"code": spec.code.strip()[:30]}
    if errors:
        raise ValidationError(errors)
    assert applicant is not None  # noqa: S101 - checked above
    if (applicant.enterprise is not None and actor is not None
            and policy.scope(actor, SupplyRequest, action) is not policy.ALL):
        # an enterprise out of scope: 404 (those who may request for every applicant, the supplies office importing
        # a file among them, need not see the enterprise's file in the registry)
        policy.authorize(actor, applicant.enterprise, Action.VIEW)
    day = spec.date or dates.today()
    made = SupplyRequest.objects.create(
        code=spec.code.strip() or _next_code(CODE_PREFIX, day, SupplyRequest), date=day, kind=spec.kind,
        applicant=spec.applicant.strip().upper() if spec.kind in ENTERPRISE_KINDS else spec.applicant.strip(),
        applicant_name=applicant.name[:100], enterprise=applicant.enterprise, project=applicant.project,
        department=applicant.department, county=applicant.county, note=spec.note.strip()[:300],
        requested_by=as_user(actor) if actor is not None else None)
    if actor is not None and not made.in_scope(actor, action):  # another county's township, a firm not theirs
        raise ValidationError({"applicant": _("申请方“%(code)s”不在您的管辖范围内") % {"code": spec.applicant.strip()[:40]}})
    _created(actor, made, action)
    items = {i.code: i for i in SupplyItem.objects.filter(code__in=[line.item.strip() for line in spec.lines])}
    for line in spec.lines:
        row = RequestLine.objects.create(request=made, item=items[line.item.strip()], requested=line.requested or 0,
                                         needed_by=line.needed_by or day)
        audit.record_change(actor, row, None)
    return made


# --- commitments and issues -------------------------------------------------------------------------------------


def depot_available(depot: Depot, item: SupplyItem, on: dt.date | None = None) -> int:
    """What may still be committed of ``item`` at ``depot``: received − committed (on hand − committed not issued);
    with ``on``, of what was received by the end of that day (a commitment dated back by a file never draws on a
    later receipt), less every commitment."""
    receipts = Receipt.objects.filter(depot=depot, item=item)
    if on is not None:
        receipts = receipts.filter(date__lte=on)
    received = receipts.aggregate(q=Sum("quantity"))["q"] or 0
    committed = Commitment.objects.filter(depot=depot, line__item=item).aggregate(q=Sum("quantity"))["q"] or 0
    return int(received - committed)


def line_figures(line: RequestLine, depot: Depot | None = None) -> tuple[int, int]:
    """(committed, issued) of ``line``, at ``depot`` when given."""
    commitments, issues = Commitment.objects.filter(line=line), Issue.objects.filter(line=line)
    if depot is not None:
        commitments, issues = commitments.filter(depot=depot), issues.filter(depot=depot)
    return (int(commitments.aggregate(q=Sum("quantity"))["q"] or 0),
            int(issues.aggregate(q=Sum("quantity"))["q"] or 0))


def _locked_line(line: RequestLine) -> RequestLine:
    return RequestLine.objects.select_for_update().select_related("request", "item").get(pk=line.pk)


def _authorize_allocation(actor: Actor | None, line: RequestLine, action: str) -> None:
    """A commitment or an issue is the allocators' (``Action.APPROVE`` on the request); an import (``Action.IMPORT``)
    must be allowed that as well, so a county that imports its requests cannot commit or issue through a file."""
    if actor is None:
        return
    policy.authorize(actor, line.request, Action.APPROVE)
    if action != Action.APPROVE:
        policy.authorize(actor, line.request, action)


def _find_depot(errors: dict[str, str], code: str) -> Depot | None:
    depot = Depot.objects.select_for_update().filter(code=code.strip(), is_active=True).first()
    if depot is None:
        errors["depot"] = _("没有仓库“%(code)s”") % {"code": code.strip()[:20]}
    return depot


@transaction.atomic
def commit(actor: Actor | None, line: RequestLine, depot_code: str, quantity: int | None, on: dt.date | None = None,
           *, action: str = Action.APPROVE) -> Commitment:
    """承诺: ``quantity`` of the line set aside at a depot, at most what is available there and what the line still
    lacks of its requested quantity. The allocators' act (HQ, the supplies office) whichever way it comes: a
    ``supply_commitments`` row (``action=Action.IMPORT``) needs the right to approve on the request too."""
    line = _locked_line(line)
    _authorize_allocation(actor, line, action)
    errors: dict[str, str] = {}
    on = on or dates.today()
    _day(errors, "date", on)
    if on < line.request.date:
        errors["date"] = _("承诺日期早于申请日期（%(day)s）") % {"day": line.request.date.isoformat()}
    _quantity(errors, "quantity", quantity)
    depot = _find_depot(errors, depot_code)
    if depot is not None and "quantity" not in errors:
        assert quantity is not None  # noqa: S101 - checked above
        available = depot_available(depot, line.item, on)
        committed, _issued = line_figures(line)
        if quantity > available:
            errors["quantity"] = _("%(depot)s的%(item)s可分配%(n)s%(unit)s，承诺%(q)s%(unit)s超出") % {
                "depot": depot.name, "item": line.item.name, "n": available, "unit": line.item.unit, "q": quantity}
        elif quantity > line.requested - committed:
            errors["quantity"] = _("该申请的%(item)s申请%(req)s%(unit)s，已承诺%(done)s%(unit)s，最多还可承诺%(n)s%(unit)s") % {
                "item": line.item.name, "req": line.requested, "done": committed,
                "n": max(line.requested - committed, 0), "unit": line.item.unit}
    if errors:
        raise ValidationError(errors)
    assert depot is not None and quantity is not None  # noqa: S101 - checked above
    made = Commitment.objects.create(line=line, depot=depot, quantity=quantity, date=on,
                                     actor=as_user(actor) if actor is not None else None)
    return _created(actor, made, action)


@transaction.atomic
def issue(actor: Actor | None, line: RequestLine, depot_code: str, quantity: int | None, receiver: str,
          on: dt.date | None = None, *, action: str = Action.APPROVE) -> Issue:
    """发放: ``quantity`` of the line handed out at a depot, at most what is committed there and not yet issued,
    signed for by ``receiver`` (签收人). Like a commitment, the allocators' act by page, file or API alike."""
    line = _locked_line(line)
    _authorize_allocation(actor, line, action)
    errors: dict[str, str] = {}
    on = on or dates.today()
    _day(errors, "date", on)
    if on < line.request.date:
        errors["date"] = _("发放日期早于申请日期（%(day)s）") % {"day": line.request.date.isoformat()}
    _quantity(errors, "quantity", quantity)
    receiver = receiver.strip()
    if not receiver:
        errors["receiver"] = _("请填写签收人姓名")
    elif len(receiver) > 50:
        errors["receiver"] = _("签收人最多50个字")
    depot = _find_depot(errors, depot_code)
    if depot is not None and "quantity" not in errors:
        assert quantity is not None  # noqa: S101 - checked above
        committed, issued = line_figures(line, depot)
        if quantity > committed - issued:
            errors["quantity"] = _("%(depot)s对该申请的%(item)s已承诺%(c)s%(unit)s、已发放%(i)s%(unit)s，最多还可发放%(n)s"
                                   "%(unit)s") % {"depot": depot.name, "item": line.item.name, "c": committed,
                                                  "i": issued, "n": committed - issued, "unit": line.item.unit}
    if errors:
        raise ValidationError(errors)
    assert depot is not None and quantity is not None  # noqa: S101 - checked above
    made = Issue.objects.create(line=line, depot=depot, quantity=quantity, date=on, receiver=receiver,
                                actor=as_user(actor) if actor is not None else None)
    return _created(actor, made, action)


def line_of(request_code: str, item_code: str) -> RequestLine | None:
    return RequestLine.objects.select_related("request", "item").filter(
        request__code=request_code.strip(), item__code=item_code.strip()).first()
