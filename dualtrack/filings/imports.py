"""The ``checklist_items``, ``filings``, ``filing_items`` and ``enterprise_health`` datasets (DOMAIN.md §10, §16).

Rows are written through the same actions as the pages (:mod:`dualtrack.filings.actions`): a new filing is applied
for, its answers are given item by item, the on-site check is recorded and the decision taken only on a filing
whose answers are recorded already (import ``filings`` undecided, then ``filing_items``, then the decided rows), and
the epidemic ledger is recorded day by day. A recorded value is never changed silently: a row that would change an
application, an on-site check, a decision or the answer of a decided filing is refused with the reason. A county's
(or park's) operators import for their own enterprises, HQ for all; the checklist is HQ's."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core.actors import Actor
from dualtrack.core.choices import Action, DateKind
from dualtrack.core.imports import Column, Dataset, ImportResult, RowContext, register, upsert
from dualtrack.core.imports import parsers as p
from dualtrack.core.rules import listed
from dualtrack.registry import services as registry

from . import actions
from .choices import LEVELS, Decision, FilingState
from .models import ChecklistItem, EnterpriseHealth, Filing, FilingItem

Rows = list[tuple[int, dict[str, Any]]]

_LEVEL_ALIASES = {"low": "low", "低": "low", "低风险": "low", "medium": "medium", "中": "medium", "中风险": "medium",
                  "high": "high", "高": "high", "高风险": "high"}
_DECISIONS = {"已备案": Decision.FILED, "备案": Decision.FILED, "filed": Decision.FILED,
              "退回": Decision.RETURNED, "returned": Decision.RETURNED}
PERSONAL_HELP = gettext_lazy("个人信息：仅本企业、驻企服务员、所在区县（园区）和市指挥部可见")


def _levels(value: Any) -> str:
    """``low;medium;high`` (also 低/中/高, 低风险 …, separated by ; ， 、 or spaces): stored in the order low → high."""
    parts = [v for v in re.split(r"[;；,，、\s]+", p.text(value).lower()) if v]
    unknown = [v for v in parts if v not in _LEVEL_ALIASES]
    if unknown or not parts:
        raise p.CellError(_("适用风险等级应为 low、medium、high 中的一个或几个，以分号分隔（如 low;medium;high）"))
    found = {_LEVEL_ALIASES[v] for v in parts}
    return ";".join(level for level in LEVELS if level in found)


def _decision(value: Any) -> str:
    raw = p.text(value)
    if raw.lower() not in _DECISIONS and raw not in _DECISIONS:
        raise p.CellError(_("“%(value)s”不是有效的审核结果（已备案、退回，未审核的留空）") % {"value": raw[:30]})
    return _DECISIONS.get(raw) or _DECISIONS[raw.lower()]


def _action_errors(exc: ValidationError) -> list[tuple[str | None, str]]:
    """An action's refusal as (field, message) pairs."""
    if hasattr(exc, "error_dict"):
        return [(name, str(message)) for name, messages in exc.message_dict.items() for message in messages]
    return [(None, str(message)) for message in exc.messages]


def _report(ctx: RowContext, dataset: Dataset, number: int, exc: ValidationError, fields: dict[str, str],
            fallback: str) -> None:
    """An action's ValidationError as errors of row ``number``, each under the column it is about (``fields`` maps
    the action's field names to column keys; anything else is reported under ``fallback``)."""
    ctx.row = number
    for name, message in _action_errors(exc):
        key = fields.get(name or "", name or fallback)
        if key not in {c.key for c in dataset.columns}:
            key = fallback
        ctx.error(key if key in ctx.headers else dataset.column(key).header, message)


def _out_of_scope(ctx: RowContext, dataset: Dataset, number: int, key: str) -> None:
    ctx.row = number
    ctx.error(key if key in ctx.headers else dataset.column(key).header, _("不在您的范围内，无权通过导入修改"))


def _enterprises(user: Actor) -> dict[str, int]:
    """The enterprises ``user`` may import safe-resumption rows for (HQ: all; a county's or park's operators: theirs)."""
    return dict(registry.enterprises_for(user, Action.IMPORT).values_list("uscc", "id"))


@register
class ChecklistItemDataset(Dataset):
    name = "checklist_items"
    label = gettext_lazy("防控措施清单")
    model = ChecklistItem
    natural_key = ("code",)
    batch_size = None
    columns = [
        Column("code", "事项代码", p.code, example="C1", max_length=10),
        Column("text", "事项", example="主体责任：明确防控责任人，主要负责人为第一责任人", max_length=300),
        Column("mandatory", "必须", p.boolean, example="是"),
        Column("levels", "适用风险等级", _levels, example="low;medium;high",
               help=gettext_lazy("该事项适用的区县风险等级：low（低）、medium（中）、high（高），以分号分隔；"
                                 "规则集 filing 列明适用等级的事项以规则集为准")),
    ]

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        existing = ChecklistItem.objects.in_bulk([v["code"] for _r, v in rows], field_name="code")
        for number, v in rows:
            upsert(ChecklistItem, {"code": v["code"]},
                   {"text": v["text"], "mandatory": v["mandatory"], "levels": v["levels"]},
                   existing.get(v["code"]), user, ctx, row=(number, v))


# The application's fields a file may not change once recorded (there is no page that changes them either).
_APPLICATION = ("applied_on", "planned_on", "planned_workers", "workers_from_outside", "officer", "phone")
_PERSONAL = ("officer", "phone")


@register
class FilingDataset(Dataset):
    """复工备案: a new code applies (待审核); 现场查勘日期 records the on-site check; 审核结果 decides, only on a filing
    whose checklist is answered already (``filing_items``)."""

    name = "filings"
    label = gettext_lazy("复工备案")
    model = Filing
    natural_key = ("code",)
    batch_size = None
    columns = [
        Column("code", "备案编号", p.code, example="FB2020-00001", max_length=30),
        Column("uscc", "统一社会信用代码", p.code, example="91339102MA2XXXXXXX", max_length=18),
        Column("applied_on", "申请日期", p.date, example="2020-02-07"),
        Column("planned_on", "拟复工日期", p.date, example="2020-02-10", when=DateKind.PLAN),
        Column("planned_workers", "拟到岗人数", p.non_negative_int, example=120),
        Column("workers_from_outside", "其中市外返岗", p.non_negative_int, example=30),
        Column("officer", "防控负责人", example="王建国", max_length=50, help=PERSONAL_HELP),
        Column("phone", "联系电话", example="13800001111", max_length=20, help=PERSONAL_HELP),
        Column("decision", "审核结果", _decision, required=False, blank=True, default="", example="",
               help=gettext_lazy("已备案或退回；未审核的留空。须先导入备案事项（filing_items）再导入审核结果")),
        Column("decided_on", "审核日期", p.date, required=False, blank=True, default=None, example="",
               help=gettext_lazy("填写审核结果时必填")),
        Column("inspected_on", "现场查勘日期", p.date, required=False, blank=True, default=None, example="",
               help=gettext_lazy("重点企业或市外返岗50人以上的企业备案前须现场查勘")),
        Column("note", "意见", required=False, blank=True, default="", example="", max_length=300,
               help=gettext_lazy("审核意见；退回须写明理由")),
        # Optional beyond the contract: who went on the on-site check (the page asks for it).
        Column("inspectors", "查勘人员", required=False, blank=True, default="", example="", max_length=100,
               help=gettext_lazy("不填则记为“导入”")),
    ]

    def prepare(self, user: Actor) -> dict[str, Any]:
        return {"enterprises": _enterprises(user), "filings": {}, "active": set(
            ChecklistItem.objects.filter(is_active=True).values_list("code", flat=True))}

    @staticmethod
    def _filing(state: dict[str, Any], code: str) -> Filing | None:
        cache = state["filings"]
        if code not in cache:
            cache[code] = Filing.objects.select_related("enterprise").filter(code=code).first()
        return cache[code]

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        get = values.get
        code = values["code"]
        decision, decided_on, note = get("decision") or "", get("decided_on"), get("note") or ""
        if decision and decided_on is None:
            ctx.error("decided_on" if "decided_on" in ctx.headers else self.column("decided_on").header,
                      _("填写审核结果时须填写审核日期"))
        if decided_on is not None and not decision:
            ctx.error("decision" if "decision" in ctx.headers else self.column("decision").header,
                      _("填写了审核日期，但未填写审核结果"))
        if values["uscc"] not in state["enterprises"]:
            ctx.error("uscc", _("企业不存在或不在您的范围内"), values["uscc"])
            return
        filing = self._filing(state, code)
        if filing is None:
            if decision:
                ctx.error("decision", _("备案 %(code)s 尚未登记，也没有逐项作答：请先导入未审核的备案，再导入备案事项"
                                        "（filing_items），最后导入审核结果") % {"code": code})
            elif note:
                ctx.error("note", _("意见随审核结果填写，未审核的备案请留空"))
            return
        if not ctx.may_change(user, filing, (ctx.row, values)):
            return
        self._check_recorded(filing, values, ctx, state)

    def _check_recorded(self, filing: Filing, values: dict[str, Any], ctx: RowContext, state: dict[str, Any]) -> None:
        """What a file says of a recorded filing: the same (unchanged), or what the page would add next (the on-site
        check, the decision); never a change of what is recorded."""
        get = values.get
        if filing.enterprise.uscc != values["uscc"]:
            ctx.error("uscc", _("备案 %(code)s 已登记为另一企业的备案，不能更改") % {"code": filing.code}, values["uscc"])
        for key in _APPLICATION:
            if key in values and getattr(filing, key) != values[key]:
                shown = None if key in _PERSONAL else values[key]
                ctx.error(key, _("备案 %(code)s 已记录%(what)s，不能通过导入更改") % {
                    "code": filing.code, "what": self.column(key).header}, shown)
        inspected = get("inspected_on")
        if inspected is not None and filing.inspected_on is not None and inspected != filing.inspected_on:
            ctx.error("inspected_on", _("现场查勘日期已记录为 %(day)s，不能更改") % {
                "day": filing.inspected_on.isoformat()}, inspected)
        decision, note = get("decision") or "", get("note") or ""
        if filing.state != FilingState.APPLIED:
            recorded = Decision.RETURNED if filing.state == FilingState.RETURNED else Decision.FILED
            if inspected is not None and filing.inspected_on is None:
                ctx.error("inspected_on", _("备案 %(code)s 已审核，查勘须在审核前记录") % {"code": filing.code},
                          inspected)
            if decision and (decision != recorded or get("decided_on") != filing.decided_on or note != filing.note):
                ctx.error("decision", _("备案 %(code)s 已于 %(day)s 审核为“%(decision)s”，审核结果不能通过导入更改") % {
                    "code": filing.code, "day": filing.decided_on.isoformat() if filing.decided_on else "",
                    "decision": Decision(recorded).label}, Decision(decision).label)
            elif not decision and note and note != filing.note:
                ctx.error("note", _("意见随审核结果填写，已记录的意见不能通过导入更改"))
            return
        if not decision:
            if note:
                ctx.error("note", _("意见随审核结果填写，未审核的备案请留空"))
            return
        answered = set(FilingItem.objects.filter(filing=filing).values_list("item__code", flat=True))
        missing = sorted(state["active"] - answered)
        if missing:
            ctx.error("decision", _("备案 %(code)s 尚有事项未作答（%(items)s）：请先导入备案事项（filing_items），"
                                    "再导入审核结果") % {"code": filing.code, "items": listed(missing)})

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        fields = {"enterprise": "uscc", "items": "code", "state": "decision", "reason": "note"}
        for number, v in rows:
            filing = self._filing(state, v["code"])
            created = changed = False
            try:
                if filing is None:
                    spec = actions.NewFiling(
                        planned_on=v["planned_on"], planned_workers=v["planned_workers"],
                        workers_from_outside=v["workers_from_outside"], officer=v["officer"], phone=v["phone"],
                        answers={}, applied_on=v["applied_on"], code=v["code"])
                    filing = actions.apply(user, registry.enterprises_by_ids([state["enterprises"][v["uscc"]]])[state["enterprises"][v["uscc"]]], spec,
                                           require_answers=False, action=Action.IMPORT)
                    state["filings"][v["code"]] = filing
                    created = True
                if v.get("inspected_on") is not None and filing.inspected_on is None:
                    filing = actions.record_inspection(user, filing, on=v["inspected_on"],
                                                       inspectors=v.get("inspectors") or _("导入"))
                    changed = True
                if v.get("decision") and filing.state == FilingState.APPLIED:
                    filing = actions.decide(user, filing, v["decision"], v.get("note") or "", on=v["decided_on"])
                    changed = True
            except ValidationError as exc:
                _report(ctx, self, number, exc, fields, "code")
                continue
            except (PermissionDenied, Http404):
                _out_of_scope(ctx, self, number, "uscc")
                continue
            state["filings"][v["code"]] = filing
            if created:
                result.created += 1
            elif changed:
                result.updated += 1
            else:
                result.unchanged += 1


@register
class FilingItemDataset(Dataset):
    """逐项作答: a filing's answer per checklist item, while the filing awaits its decision."""

    name = "filing_items"
    label = gettext_lazy("备案事项落实情况")
    model = FilingItem
    natural_key = ("filing", "item")
    batch_size = None
    columns = [
        Column("filing", "备案编号", p.code, example="FB2020-00001", max_length=30),
        Column("item", "事项代码", p.code, example="C1", max_length=10),
        Column("met", "已落实", p.boolean, example="是"),
        Column("note", "说明", required=False, blank=True, default="", example="总经理为第一责任人", max_length=300),
    ]

    def prepare(self, user: Actor) -> dict[str, Any]:
        return {"filings": {}, "items": set(ChecklistItem.objects.values_list("code", flat=True)), "answers": {}}

    @staticmethod
    def _filing(state: dict[str, Any], code: str) -> Filing | None:
        cache = state["filings"]
        if code not in cache:
            cache[code] = Filing.objects.select_related("enterprise").filter(code=code).first()
            if cache[code] is not None:
                state["answers"].update({(code, item): (met, note) for item, met, note in FilingItem.objects.filter(
                    filing=cache[code]).values_list("item__code", "met", "note")})
        return cache[code]

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        filing = self._filing(state, values["filing"])
        if values["item"] not in state["items"]:
            ctx.error("item", _("防控措施清单中没有事项“%(code)s”") % {"code": values["item"]}, values["item"])
        if filing is None:
            ctx.error("filing", _("备案编号不存在，请先导入备案（filings）"), values["filing"])
            return
        if not ctx.may_change(user, filing, (ctx.row, values), Action.IMPORT):
            return
        recorded = state["answers"].get((filing.code, values["item"]))
        if recorded is not None and recorded == (values["met"], values.get("note", recorded[1])):
            return  # as recorded: unchanged, whatever the filing's state
        if filing.state != FilingState.APPLIED:
            ctx.error("met", _("备案 %(code)s 已%(state)s，不能再修改作答") % {
                "code": filing.code, "state": filing.get_state_display()})

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        for number, v in rows:
            filing = state["filings"][v["filing"]]
            recorded = state["answers"].get((filing.code, v["item"]))
            note = v["note"] if "note" in v else (recorded[1] if recorded else "")
            if recorded == (v["met"], note):
                result.unchanged += 1
                continue
            try:
                actions.answer(user, filing, v["item"], v["met"], note, action=Action.IMPORT)
            except ValidationError as exc:
                _report(ctx, self, number, exc, {"item": "item"}, "met")
                continue
            except (PermissionDenied, Http404):
                _out_of_scope(ctx, self, number, "filing")
                continue
            state["answers"][(filing.code, v["item"])] = (v["met"], note)
            if recorded is None:
                result.created += 1
            else:
                result.updated += 1


_HEALTH = ("on_duty", "from_outside", "under_observation", "fever", "masks", "disinfectant_kg")


@register
class EnterpriseHealthDataset(Dataset):
    """防疫台账: an enterprise's epidemic ledger of a day (beside the resumption report, never changing it)."""

    name = "enterprise_health"
    label = gettext_lazy("企业防疫台账")
    model = EnterpriseHealth
    natural_key = ("date", "uscc")
    day_column = "date"
    batch_size = None
    columns = [
        Column("date", "日期", p.date, example="2020-02-10"),
        Column("uscc", "统一社会信用代码", p.code, example="91339102MA2XXXXXXX", max_length=18),
        Column("on_duty", "在岗人数", p.non_negative_int, example=120),
        Column("from_outside", "市外返岗", p.non_negative_int, example=30),
        Column("under_observation", "隔离观察", p.non_negative_int, example=12),
        Column("fever", "发热", p.non_negative_int, example=0),
        Column("masks", "口罩库存", p.non_negative_int, example=5000, help=gettext_lazy("只")),
        Column("disinfectant_kg", "消毒液库存", lambda v: p.amount(v, "0.1"), example="50",
               help=gettext_lazy("公斤")),
    ]

    def prepare(self, user: Actor) -> dict[str, Any]:
        return {"enterprises": _enterprises(user)}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        if values["uscc"] not in state["enterprises"]:
            ctx.error("uscc", _("企业不存在或不在您的范围内"), values["uscc"])
            return
        for name, message in actions.check_health(self._values(values)).items():
            ctx.error(name, message)

    @staticmethod
    def _values(v: dict[str, Any]) -> actions.HealthDay:
        return actions.HealthDay(on_duty=v["on_duty"], from_outside=v["from_outside"],
                                 under_observation=v["under_observation"], fever=v["fever"], masks=v["masks"],
                                 disinfectant_kg=v["disinfectant_kg"])

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        ids = {state["enterprises"][v["uscc"]] for _r, v in rows}
        existing = {(h.date, h.enterprise_id): h for h in EnterpriseHealth.objects.filter(
            enterprise_id__in=ids, date__in={v["date"] for _r, v in rows})}
        enterprises = registry.enterprises_by_ids(ids)
        for number, v in rows:
            enterprise_id = state["enterprises"][v["uscc"]]
            old = existing.get((v["date"], enterprise_id))
            if old is not None and not ctx.may_change(user, old, (number, v)):
                continue
            if old is not None and all(Decimal(getattr(old, f)) == Decimal(v[f]) for f in _HEALTH):
                result.unchanged += 1
                continue
            try:
                actions.record_health(user, enterprises[enterprise_id], v["date"], self._values(v),
                                      action=Action.IMPORT)
            except ValidationError as exc:
                _report(ctx, self, number, exc, {}, "on_duty")
                continue
            except (PermissionDenied, Http404):
                _out_of_scope(ctx, self, number, "uscc")
                continue
            if old is None:
                result.created += 1
            else:
                result.updated += 1
