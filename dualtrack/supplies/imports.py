"""The ``supply_items``, ``supply_depots``, ``supply_receipts``, ``supply_requests``, ``supply_commitments`` and
``supply_issues`` datasets (DOMAIN.md §10, §17).

Rows are written through the same actions as the pages (:mod:`dualtrack.supplies.actions`, ``action=Action.IMPORT``):
an item or a depot is saved, a receipt received, the rows of one 申请编号 make one request with its lines (the
enterprise's cap and one request per 7 days refused with the limit named), a commitment is made within what is
available at its depot and an issue within what is committed there and not yet issued. Commitments and issues are
the allocators' acts: only those who may approve on the request (HQ, the supplies office) import them, never a
county. A recorded receipt, request, commitment or issue is never changed by a file: the same row again is skipped,
a row that differs from what is recorded is refused naming the row and the column. Import in this order: items and
depots, receipts and requests, then commitments, then issues."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core.actors import Actor
from dualtrack.core.choices import Action, DateKind
from dualtrack.core.imports import Column, Dataset, ImportResult, RowContext, register
from dualtrack.core.imports import parsers as p
from dualtrack.core.scoping import OutOfScope

from . import actions
from .choices import RequestKind, Source
from .models import Commitment, Depot, Issue, Receipt, RequestLine, SupplyItem, SupplyRequest

Rows = list[tuple[int, dict[str, Any]]]

_SOURCES = {**{str(s.label): s.value for s in Source}, **{s.value: s.value for s in Source}}
_KINDS = {**{str(k.label): k.value for k in RequestKind}, **{k.value: k.value for k in RequestKind}}
RECEIVER_HELP = gettext_lazy("个人信息：仅市指挥部、物资保障部门和申请方（所在区县、驻企服务员、本企业）可见")


def _source(value: Any) -> str:
    raw = p.text(value)
    if raw not in _SOURCES:
        raise p.CellError(_("“%(value)s”不是有效的来源（采购、上级调拨、捐赠、本地生产）") % {"value": raw[:30]})
    return _SOURCES[raw]


def _kind(value: Any) -> str:
    raw = p.text(value)
    if raw not in _KINDS:
        raise p.CellError(_("“%(value)s”不是有效的申请方类型（%(kinds)s）") % {
            "value": raw[:30], "kinds": "、".join(str(k.label) for k in RequestKind)})
    return _KINDS[raw]


def _per_head_day(value: Any) -> Decimal:
    """每人每日用量: a number with at most two places (2, 0.5): never rounded silently."""
    number = p.decimal_number(value)
    if number != number.quantize(Decimal("0.01")):
        raise p.CellError(_("每人每日用量最多两位小数：%(value)s") % {"value": p.text(value)[:30]})
    return number


def _header(ctx: RowContext, dataset: Dataset, key: str) -> str:
    """The column as the file names it (its header, or the dataset's when the file left the column out)."""
    return key if key in ctx.headers else dataset.column(key).header


def _say(ctx: RowContext, dataset: Dataset, number: int, key: str, message: str, value: Any = None) -> None:
    ctx.row = number
    ctx.error(_header(ctx, dataset, key), message, value)


def _action_errors(exc: ValidationError) -> list[tuple[str | None, str]]:
    """An action's refusal as (field, message) pairs."""
    if hasattr(exc, "error_dict"):
        return [(name, str(message)) for name, messages in exc.message_dict.items() for message in messages]
    return [(None, str(message)) for message in exc.messages]


def _report(ctx: RowContext, dataset: Dataset, number: int, exc: ValidationError, fields: dict[str, str],
            fallback: str) -> None:
    """An action's ValidationError as errors of row ``number``, each under the column it is about (``fields`` maps
    the action's field names to column keys; anything else is reported under ``fallback``)."""
    keys = {c.key for c in dataset.columns}
    for name, message in _action_errors(exc):
        key = fields.get(name or "", name or fallback)
        _say(ctx, dataset, number, key if key in keys else fallback, message)


def _out_of_scope(ctx: RowContext, dataset: Dataset, number: int, key: str) -> None:
    _say(ctx, dataset, number, key, _("不在您的范围内，无权通过导入登记"))


# --- items and depots ------------------------------------------------------------------------------------------


@register
class SupplyItemDataset(Dataset):
    """物资: a new code adds an item; a known one has its name, unit and use per head changed (HQ, the office)."""

    name = "supply_items"
    label = gettext_lazy("防疫物资品种")
    model = SupplyItem
    natural_key = ("code",)
    batch_size = None
    columns = [
        Column("code", "物资代码", p.code, example="KZ", max_length=20),
        Column("name", "名称", example="口罩", max_length=50),
        Column("unit", "单位", example="只", max_length=10),
        Column("per_head_day", "每人每日用量", _per_head_day, blank=True, default=None, example="2",
               help=gettext_lazy("按在岗人数使用的物资填每人每日用量（口罩2）；不按人计的物资留空")),
    ]

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        existing = SupplyItem.objects.in_bulk([v["code"] for _r, v in rows], field_name="code")
        for number, v in rows:
            old = existing.get(v["code"])
            if old is not None:
                if not ctx.may_change(user, old, (number, v)):
                    continue
                if (old.name, old.unit, old.per_head_day) == (v["name"], v["unit"], v["per_head_day"]):
                    result.unchanged += 1
                    continue
            try:
                actions.save_item(user, v["code"], v["name"], v["unit"], v["per_head_day"], action=Action.IMPORT)
            except ValidationError as exc:
                _report(ctx, self, number, exc, {}, "code")
                continue
            if old is None:
                result.created += 1
            else:
                result.updated += 1


@register
class DepotDataset(Dataset):
    """仓库: a new code adds a depot, kept by the department named (the supplies office when blank)."""

    name = "supply_depots"
    label = gettext_lazy("防疫物资仓库")
    model = Depot
    natural_key = ("code",)
    batch_size = None
    columns = [
        Column("code", "仓库代码", p.code, example="CK01", max_length=20),
        Column("name", "仓库名称", example="市应急物资储备库", max_length=100),
        Column("department", "管理部门代码", p.code, required=False, blank=True, default="", example="",
               max_length=20, help=gettext_lazy("留空为物资保障部门（SUPPLIES_OFFICE）；不含此列时不改变已登记仓库的管理部门")),
    ]

    def prepare(self, user: Actor) -> dict[str, Any]:
        from dualtrack.registry import services as registry

        return {"departments": {d.code: d.pk for d in registry.departments()}}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        code = values.get("department") or ""
        if code and code not in state["departments"]:
            ctx.error("department", _("没有部门代码“%(code)s”") % {"code": code}, code)

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        existing = {d.code: d for d in Depot.objects.select_related("department").filter(
            code__in=[v["code"] for _r, v in rows])}
        for number, v in rows:
            old = existing.get(v["code"])
            if old is not None and not ctx.may_change(user, old, (number, v)):
                continue
            before = (old.name, old.department_id) if old is not None else None
            kept = old.department.code if old is not None and old.department is not None else ""
            department = v.get("department", kept)  # no such column: the department stays as it is
            try:
                depot = actions.save_depot(user, v["code"], v["name"], department, action=Action.IMPORT)
            except ValidationError as exc:
                _report(ctx, self, number, exc, {}, "code")
                continue
            if before is None:
                result.created += 1
            elif before == (depot.name, depot.department_id):
                result.unchanged += 1
            else:
                result.updated += 1


# --- receipts ----------------------------------------------------------------------------------------------------


@register
class ReceiptDataset(Dataset):
    """入库: each 单据号 received once; the same row again is skipped, a row that differs is refused (a recorded
    receipt is corrected by a new one, never changed)."""

    name = "supply_receipts"
    label = gettext_lazy("防疫物资入库")
    model = Receipt
    natural_key = ("code",)
    day_column = "date"
    batch_size = None
    columns = [
        Column("code", "单据号", p.code, example="RK2020-00001", max_length=40),
        Column("date", "日期", p.date, example="2020-02-10"),
        Column("depot", "仓库代码", p.code, example="CK01", max_length=20),
        Column("item", "物资代码", p.code, example="KZ", max_length=20),
        Column("source", "来源", _source, example="上级调拨", help=gettext_lazy("采购、上级调拨、捐赠或本地生产")),
        Column("quantity", "数量", p.non_negative_int, example=10000, help=gettext_lazy("按物资的单位计")),
    ]

    def prepare(self, user: Actor) -> dict[str, Any]:
        return {"recorded": {}, "skip": set()}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        recorded = Receipt.objects.select_related("depot", "item").filter(code=values["code"]).first()
        if recorded is None:
            return
        if not ctx.may_change(user, recorded, (ctx.row, values)):
            return
        was = {"date": recorded.date, "depot": recorded.depot.code, "item": recorded.item.code,
               "source": recorded.source, "quantity": recorded.quantity}
        differs = [key for key, value in was.items() if values[key] != value]
        if not differs:
            state["skip"].add(values["code"])
            return
        shown = _("%(day)s、仓库%(depot)s、物资%(item)s、%(source)s、数量%(n)s") % {
            "day": recorded.date.isoformat(), "depot": recorded.depot.code, "item": recorded.item.code,
            "source": recorded.get_source_display(), "n": recorded.quantity}
        for key in differs:
            ctx.error(key, _("单据号 %(code)s 已登记（%(recorded)s），已登记的入库不能通过导入更改，更正请另开单据") % {
                "code": recorded.code, "recorded": shown}, values[key])

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        for number, v in rows:
            if v["code"] in state["skip"]:
                result.unchanged += 1
                continue
            spec = actions.NewReceipt(date=v["date"], depot=v["depot"], item=v["item"], source=v["source"],
                                      quantity=v["quantity"], code=v["code"])
            try:
                actions.receive(user, spec, action=Action.IMPORT)
            except ValidationError as exc:
                _report(ctx, self, number, exc, {}, "code")
                continue
            except (PermissionDenied, Http404, OutOfScope):
                _out_of_scope(ctx, self, number, "code")
                continue
            result.created += 1


# --- requests ----------------------------------------------------------------------------------------------------

_REQUEST_HEAD = ("date", "kind", "applicant", "applicant_name", "note")
_LINE = ("requested", "needed_by")


@register
class SupplyRequestDataset(Dataset):
    """物资申请: the rows of one 申请编号 are one request, a row per item. A new code requests through the page's
    action (the kinds a county may ask for, the enterprise's cap and interval); a code recorded with the same lines
    is skipped, with other lines refused naming the rows."""

    name = "supply_requests"
    label = gettext_lazy("防疫物资申请")
    model = SupplyRequest
    natural_key = ("code", "item")
    batch_size = None
    columns = [
        Column("code", "申请编号", p.code, example="WZ2020-00001", max_length=30,
               help=gettext_lazy("同一申请的多种物资各占一行，申请编号、日期、申请方相同")),
        Column("date", "日期", p.date, example="2020-02-10"),
        Column("kind", "申请方类型", _kind, example="复工企业",
               help=gettext_lazy("医疗机构、城市运行、重点企业、重点项目、复工企业、基层单位或公众批次；"
                                 "区县（园区）只可导入基层单位、公众批次")),
        Column("applicant", "申请方代码", p.code, example="91339102MA2XXXXXXX", max_length=40,
               help=gettext_lazy("企业填统一社会信用代码，重点项目填项目代码，基层单位、公众批次填区县、乡镇或村的区划代码，"
                                 "医疗机构、城市运行填部门、区划或单位代码")),
        Column("item", "物资代码", p.code, example="KZ", max_length=20),
        Column("requested", "申请数量", p.non_negative_int, example=3000,
               help=gettext_lazy("企业按在岗人数使用的物资不超过在岗人数×每人每日用量×15天")),
        Column("needed_by", "需用日期", p.date, example="2020-02-12", when=DateKind.PLAN),
        # Optional beyond the contract: a unit's own name when its code names a department or a region, the use.
        Column("applicant_name", "申请方名称", required=False, blank=True, default="", example="", max_length=100,
               help=gettext_lazy("申请方代码为部门或区划时可填单位名称（如 市人民医院）")),
        Column("note", "用途说明", required=False, blank=True, default="", example="", max_length=300),
    ]

    def prepare(self, user: Actor) -> dict[str, Any]:
        return {"requests": {}, "skip": set()}

    @staticmethod
    def _recorded(state: dict[str, Any], code: str) -> SupplyRequest | None:
        cache = state["requests"]
        if code not in cache:
            cache[code] = SupplyRequest.objects.filter(code=code).first()
        return cache[code]

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        recorded = self._recorded(state, values["code"])
        if recorded is not None:
            ctx.may_change(user, recorded, (ctx.row, values))

    @staticmethod
    def _groups(rows: Rows) -> dict[str, Rows]:
        groups: dict[str, Rows] = defaultdict(list)
        for number, v in rows:
            groups[v["code"]].append((number, v))
        return groups

    def check_all(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        for code, group in self._groups(rows).items():
            first_number, first = group[0]
            for number, v in group[1:]:
                for key in _REQUEST_HEAD:
                    if key in v and v[key] != first[key]:
                        _say(ctx, self, number, key, _("与第%(row)d行不一致：同一申请编号（%(code)s）的各行%(what)s应相同") % {
                            "row": first_number, "code": code, "what": self.column(key).header}, v[key])
            recorded = self._recorded(state, code)
            if recorded is not None and self._same_as_recorded(recorded, group, ctx, state):
                state["skip"].add(code)

    def _same_as_recorded(self, recorded: SupplyRequest, group: Rows, ctx: RowContext, state: dict[str, Any]) -> bool:
        """Whether the rows of a recorded code say what is recorded; each difference refused naming its row."""
        errors = ctx.result.error_count
        first_number, first = group[0]
        head: dict[str, tuple[Any, str]] = {
            "date": (recorded.date, recorded.date.isoformat()), "kind": (recorded.kind, recorded.get_kind_display()),
            "applicant": (recorded.applicant.upper(), recorded.applicant)}
        for key, (value, shown) in head.items():
            if first[key] != value:
                _say(ctx, self, first_number, key, _("申请 %(code)s 已登记，%(what)s为“%(value)s”，已登记的申请不能通过导入更改") % {
                    "code": recorded.code, "what": self.column(key).header, "value": shown}, first[key])
        for key, value in (("applicant_name", recorded.applicant_name), ("note", recorded.note)):
            if first.get(key) and first[key] != value:
                _say(ctx, self, first_number, key, _("申请 %(code)s 已登记，%(what)s不能通过导入更改") % {
                    "code": recorded.code, "what": self.column(key).header}, first[key])
        lines = {line.item.code: line for line in RequestLine.objects.select_related("item").filter(request=recorded)}
        for number, v in group:
            line = lines.get(v["item"])
            if line is None:
                _say(ctx, self, number, "item", _("申请 %(code)s 已登记，明细中没有物资“%(item)s”，已登记的申请不能通过导入增加明细，"
                                                  "请另行申请") % {"code": recorded.code, "item": v["item"]}, v["item"])
                continue
            if v["requested"] != line.requested:
                _say(ctx, self, number, "requested", _("申请 %(code)s 的%(item)s已登记申请数量%(n)s，不能通过导入更改") % {
                    "code": recorded.code, "item": line.item.name, "n": line.requested}, v["requested"])
            if v["needed_by"] != line.needed_by:
                _say(ctx, self, number, "needed_by", _("申请 %(code)s 的%(item)s已登记需用日期 %(day)s，不能通过导入更改") % {
                    "code": recorded.code, "item": line.item.name, "day": line.needed_by.isoformat()}, v["needed_by"])
        missing = sorted(set(lines) - {v["item"] for _n, v in group})
        if missing:
            _say(ctx, self, first_number, "item", _("申请 %(code)s 已登记的明细还有 %(items)s，文件中缺少，已登记的申请不能通过导入更改") % {
                "code": recorded.code, "items": "、".join(missing)})
        return ctx.result.error_count == errors

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        for code, group in self._groups(rows).items():
            if code in state["skip"]:
                result.unchanged += len(group)
                continue
            first_number, first = group[0]
            spec = actions.NewRequest(
                kind=first["kind"], applicant=first["applicant"], date=first["date"], code=code,
                lines=[actions.NewLine(v["item"], v["requested"], v["needed_by"]) for _n, v in group],
                applicant_name=first.get("applicant_name") or "", note=first.get("note") or "")
            try:
                actions.request(user, spec, action=Action.IMPORT)
            except ValidationError as exc:
                self._refused(ctx, group, exc)
                continue
            except (PermissionDenied, Http404, OutOfScope):
                _out_of_scope(ctx, self, first_number, "applicant")
                continue
            result.created += len(group)

    def _refused(self, ctx: RowContext, group: Rows, exc: ValidationError) -> None:
        """The action's errors: a line's under its own row (``line_<n>_<field>``), the request's under the first."""
        first_number = group[0][0]
        for name, message in _action_errors(exc):
            number, key = first_number, name or "code"
            if key.startswith("line_") and key.count("_") >= 2:
                _line, index, field = key.split("_", 2)
                if index.isdigit() and int(index) < len(group):
                    number, key = group[int(index)][0], field
            if key == "lines":
                key = "item"
            _say(ctx, self, number, key if key in {c.key for c in self.columns} else "code", message)


# --- commitments and issues --------------------------------------------------------------------------------------


class _AllocationDataset(Dataset):
    """What commitments and issues share: the allocators' act (``Action.APPROVE`` on the request: HQ and the supplies
    office; a county never), a row per request, item, depot and day; a key recorded with the same quantity is
    skipped, with another refused (a correction is a new record on the page, never a file's change)."""

    import_action = Action.APPROVE
    natural_key = ("request", "item", "depot", "date")
    day_column = "date"
    batch_size = None
    recorded_model: Any = None
    what: Any = ""  # 承诺 / 发放

    def prepare(self, user: Actor) -> dict[str, Any]:
        return {"lines": {}, "skip": set()}

    def _line(self, state: dict[str, Any], request: str, item: str) -> RequestLine | None:
        cache = state["lines"]
        if (request, item) not in cache:
            cache[(request, item)] = actions.line_of(request, item)
        return cache[(request, item)]

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        request = SupplyRequest.objects.filter(code=values["request"]).first()
        if request is None:
            ctx.error("request", _("没有申请编号“%(code)s”，请先导入物资申请（supply_requests）") % {
                "code": values["request"]}, values["request"])
            return
        if not ctx.may_change(user, request, (ctx.row, values)):
            return
        line = self._line(state, values["request"], values["item"])
        if line is None:
            ctx.error("item", _("申请 %(code)s 没有物资“%(item)s”的明细") % {
                "code": request.code, "item": values["item"]}, values["item"])
            return
        if not Depot.objects.filter(code=values["depot"], is_active=True).exists():
            ctx.error("depot", _("没有仓库“%(code)s”") % {"code": values["depot"]}, values["depot"])
            return
        recorded = self.recorded_model.objects.filter(line=line, depot__code=values["depot"], date=values["date"])
        quantity = recorded.aggregate(q=Sum("quantity"))["q"]
        if quantity is None:
            return
        if quantity != values["quantity"]:
            ctx.error("quantity", _("申请 %(code)s 的%(item)s已于 %(day)s 在仓库%(depot)s%(what)s%(n)s%(unit)s，已记录的%(what)s"
                                    "不能通过导入更改") % {
                "code": request.code, "item": line.item.name, "day": values["date"].isoformat(),
                "depot": values["depot"], "what": self.what, "n": quantity, "unit": line.item.unit},
                values["quantity"])
            return
        if self._same(recorded, values, ctx):
            state["skip"].add(self.key_of(values))

    def _same(self, recorded: Any, values: dict[str, Any], ctx: RowContext) -> bool:
        return True

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        for number, v in rows:
            if self.key_of(v) in state["skip"]:
                result.unchanged += 1
                continue
            line = state["lines"][(v["request"], v["item"])]
            try:
                self._write(user, line, v)
            except ValidationError as exc:
                _report(ctx, self, number, exc, {"receiver": "receiver"}, "quantity")
                continue
            except (PermissionDenied, Http404, OutOfScope):
                _out_of_scope(ctx, self, number, "request")
                continue
            result.created += 1

    def _write(self, user: Actor, line: RequestLine, v: dict[str, Any]) -> Any:
        raise NotImplementedError


@register
class CommitmentDataset(_AllocationDataset):
    """承诺: a quantity of a request's line set aside at a depot on a day, at most what is available there."""

    name = "supply_commitments"
    label = gettext_lazy("防疫物资承诺")
    model = Commitment
    recorded_model = Commitment
    what = gettext_lazy("承诺")
    columns = [
        Column("request", "申请编号", p.code, example="WZ2020-00001", max_length=30),
        Column("item", "物资代码", p.code, example="KZ", max_length=20),
        Column("depot", "仓库代码", p.code, example="CK01", max_length=20),
        Column("quantity", "承诺数量", p.non_negative_int, example=3000,
               help=gettext_lazy("不超过仓库可分配数量（入库−已承诺），也不超过该明细尚未承诺的数量")),
        Column("date", "日期", p.date, example="2020-02-11"),
    ]

    def _write(self, user: Actor, line: RequestLine, v: dict[str, Any]) -> Any:
        return actions.commit(user, line, v["depot"], v["quantity"], v["date"], action=Action.IMPORT)


@register
class IssueDataset(_AllocationDataset):
    """发放: a quantity of a request's line handed out at a depot on a day, at most what is committed there and not
    yet issued, signed for by the receiver (personal data)."""

    name = "supply_issues"
    label = gettext_lazy("防疫物资发放")
    model = Issue
    recorded_model = Issue
    what = gettext_lazy("发放")
    columns = [
        Column("request", "申请编号", p.code, example="WZ2020-00001", max_length=30),
        Column("item", "物资代码", p.code, example="KZ", max_length=20),
        Column("depot", "仓库代码", p.code, example="CK01", max_length=20),
        Column("quantity", "发放数量", p.non_negative_int, example=3000,
               help=gettext_lazy("不超过该仓库对该明细已承诺、尚未发放的数量")),
        Column("date", "日期", p.date, example="2020-02-12"),
        Column("receiver", "签收人", example="王建国", max_length=50, help=RECEIVER_HELP),
    ]

    def _same(self, recorded: Any, values: dict[str, Any], ctx: RowContext) -> bool:
        if set(recorded.values_list("receiver", flat=True)) == {values["receiver"]}:
            return True
        ctx.error("receiver", _("该次发放已记录签收人，不能通过导入更改"))  # a personal value is not echoed
        return False

    def _write(self, user: Actor, line: RequestLine, v: dict[str, Any]) -> Any:
        return actions.issue(user, line, v["depot"], v["quantity"], v["receiver"], v["date"], action=Action.IMPORT)
