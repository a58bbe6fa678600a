"""Registry datasets for the import framework (DOMAIN.md §10): regions, parks, departments, enterprises."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core import audit, dates, policy
from dualtrack.core.actors import Actor
from dualtrack.core.bulk import insert_rows
from dualtrack.core.choices import Action, AuditAction, DateKind
from dualtrack.core.imports import Column, Dataset, ImportResult, RowContext, register
from dualtrack.core.imports import parsers as p
from dualtrack.core.imports.parsers import CellError
from dualtrack.core.scoping import OutOfScope

from . import validators
from .choices import (
    PARENT_LEVEL,
    REGION_CODE_LENGTHS,
    REGION_LEVEL_ALIASES,
    REGION_LEVEL_ORDER,
    SIZE_CLASS_ALIASES,
    RegionLevel,
)
from .models import Department, ElectricityAccount, Enterprise, Industry, Park, Region

Rows = list[tuple[int, dict[str, Any]]]


def _digits(value: Any) -> str:
    raw = p.code(value)
    if not raw.isdigit():
        raise CellError(_("“%(value)s”应为数字代码") % {"value": raw})
    return raw


def _region_level(value: Any) -> str:
    raw = p.text(value)
    level = REGION_LEVEL_ALIASES.get(raw) or REGION_LEVEL_ALIASES.get(raw.lower())
    if level is None:
        raise CellError(_("“%(value)s”不是有效层级(市/县/乡/村 或 city/county/township/village)") % {"value": raw})
    return str(level)


def _size_class(value: Any) -> str:
    raw = p.text(value)
    size = SIZE_CLASS_ALIASES.get(raw) or SIZE_CLASS_ALIASES.get(raw.lower())
    if size is None:
        raise CellError(_("“%(value)s”不是有效规模类型(规上工业/限上服务业/农业龙头/规下/其他)") % {"value": raw})
    return str(size)


def _accounts(value: Any) -> list[str]:
    raw = p.text(value).replace(";", ";").replace(",", ";").replace(",", ";")
    items = [p.code(part) for part in raw.split(";") if part.strip()]
    if len(set(items)) != len(items):
        raise CellError(_("电力户号重复"))
    for item in items:
        if len(item) > 30:
            raise CellError(_("电力户号过长: %(value)s") % {"value": item})
    return items


def upsert_by_code(model: type[models.Model], rows: Rows, fields: list[str], ctx: RowContext, user: Actor,
                   result: ImportResult) -> dict[str, models.Model]:
    """Create or update reference rows by their ``code``, auditing each change; returns code → object."""
    codes = [values["code"] for _, values in rows]
    existing = {obj.code: obj for obj in model._default_manager.filter(code__in=codes)}  # type: ignore[attr-defined]
    saved: dict[str, models.Model] = {}
    for row_number, values in rows:
        ctx.row = row_number
        obj = existing.get(values["code"])
        present = [f for f in fields if f in values]  # an optional column left out of the file: left alone
        if obj is not None and not ctx.may_change(user, obj, (row_number, values)):
            continue
        if obj is None:
            obj = model(**{f: values[f] for f in ["code", *present]})
            obj.save()
            audit.record_change(user, obj, None)
            result.created += 1
        else:
            before = audit.snapshot(obj)
            changed = [f for f in present if getattr(obj, f) != values[f]]
            if changed:
                for f in changed:
                    setattr(obj, f, values[f])
                obj.save(update_fields=changed)
                audit.record_change(user, obj, before)
                result.updated += 1
            else:
                result.unchanged += 1
        saved[values["code"]] = obj
    return saved


class ReferenceDataset(Dataset):
    """Reference data keyed by ``code``, imported by HQ only, written field by field with audit."""

    natural_key = ("code",)
    model: type[models.Model]
    fields: list[str]

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        upsert_by_code(self.model, rows, self.fields, ctx, user, result)


@register
class RegionDataset(ReferenceDataset):
    name = "regions"
    model = Region
    source = "registry"
    label = gettext_lazy("行政区划")
    batch_size = None
    columns = [
        Column("code", "区划代码", _digits, example="330102"),
        Column("name", "名称", example="上城区", max_length=100),
        Column("parent_code", "上级代码", _digits, blank=True, default="", example="330100",
               help=gettext_lazy("市级留空")),
        Column("level", "层级", _region_level, example="县", help=gettext_lazy("市/县/乡/村")),
        Column("urban", "城区", p.boolean, required=False, blank=True, default=False, example="是"),
    ]

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        level, code = values["level"], values["code"]
        if len(code) not in REGION_CODE_LENGTHS[level]:
            ctx.error("code", _("%(level)s级区划代码应为%(lengths)s位") % {
                "level": RegionLevel(level).label, "lengths": "或".join(str(n) for n in REGION_CODE_LENGTHS[level])},
                code)
        if level == RegionLevel.CITY and values["parent_code"]:
            ctx.error("parent_code", _("市级区划不应有上级代码"), values["parent_code"])
        if level != RegionLevel.CITY and not values["parent_code"]:
            ctx.error("parent_code", _("不能为空"))
        if level in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE) and values["parent_code"]:
            prefix = values["parent_code"][: 6 if level == RegionLevel.TOWNSHIP else 9]
            if not code.startswith(prefix):
                ctx.error("code", _("区划代码应以上级代码 %(prefix)s 开头") % {"prefix": prefix}, code)

    def check_all(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        known = dict(Region.objects.values_list("code", "level"))
        in_file = {values["code"]: values["level"] for _, values in rows}
        for row_number, values in rows:
            if not values["parent_code"]:
                continue
            ctx.row = row_number
            parent_level = in_file.get(values["parent_code"]) or known.get(values["parent_code"])
            if parent_level is None:
                ctx.error("parent_code", _("上级代码不存在"), values["parent_code"])
            elif parent_level != PARENT_LEVEL[values["level"]]:
                ctx.error("parent_code", _("上级区划层级不符: %(level)s的上级应为%(parent)s") % {
                    "level": RegionLevel(values["level"]).label,
                    "parent": RegionLevel(PARENT_LEVEL[values["level"]]).label}, values["parent_code"])

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        known = {r.code: r for r in Region.objects.all()}
        ordered = sorted(rows, key=lambda r: REGION_LEVEL_ORDER[r[1]["level"]])
        for row_number, values in ordered:
            parent_code = values.pop("parent_code")
            values["parent"] = known[parent_code] if parent_code else None
            saved = upsert_by_code(Region, [(row_number, values)], ["name", "level", "parent", "urban"], ctx, user,
                                   result)
            known.update(saved)  # type: ignore[arg-type]


@register
class ParkDataset(ReferenceDataset):
    name = "parks"
    source = "registry"
    label = gettext_lazy("功能园区")
    model, fields = Park, ["name", "county"]
    columns = [
        Column("code", "园区代码", p.code, example="GX01", max_length=20),
        Column("name", "园区名称", example="高新技术产业开发区", max_length=100),
        Column("county_code", "区划代码", _digits, example="339102"),
    ]

    def prepare(self, user: Actor) -> dict[str, Any]:
        return {"counties": {r.code: r for r in Region.objects.filter(level=RegionLevel.COUNTY)}}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        county = state["counties"].get(values["county_code"])
        if county is None:
            ctx.error("county_code", _("区县(市)代码不存在"), values["county_code"])
        values["county"] = county


@register
class DepartmentDataset(ReferenceDataset):
    name = "departments"
    label = gettext_lazy("职能部门")
    model, fields = Department, ["name"]
    columns = [
        Column("code", "部门代码", p.code, example="JXJ", max_length=20),
        Column("name", "部门名称", example="市经济和信息化局", max_length=100),
    ]


ENTERPRISE_FIELDS = ["name", "county_id", "park_id", "industry_code", "industry_section", "industry_division_id",
                     "size_class", "normal_headcount", "is_key", "established_on"]
# Fields that come from an optional column: left as they are on update when the column is absent.
OPTIONAL_FIELD_COLUMNS = {"park_id": "park_code", "is_key": "key", "established_on": "established_on"}


@register
class EnterpriseDataset(Dataset):
    name = "enterprises"
    model = Enterprise  # HQ, or a district operator for its county or park
    source = "registry"
    label = gettext_lazy("企业名录")
    natural_key = ("uscc",)
    columns = [
        Column("uscc", "统一社会信用代码", validators.uscc, example="91339102MA2CF0QX4T"),
        Column("name", "企业名称", example="宁江精密机械有限公司", max_length=200),
        Column("county_code", "区划代码", _digits, example="339102"),
        Column("park_code", "园区代码", p.code, required=False, blank=True, default="", example=""),
        Column("industry_code", "行业代码", validators.industry_code, example="C3484"),
        Column("size_class", "规模类型", _size_class, example="规上工业"),
        Column("normal_headcount", "正常用工人数", p.non_negative_int, example=120),
        Column("key", "重点企业", p.boolean, required=False, blank=True, default=False, example="否"),
        Column("established_on", "成立日期", p.date, required=False, blank=True, default=None, example="2015-06-18",
               when=DateKind.PAST),
        Column("power_accounts", "电力户号", _accounts, required=False, blank=True, default=[],
               example="3301020001;3301020002", help=gettext_lazy("多个户号以分号分隔")),
    ]

    def prepare(self, user: Actor) -> dict[str, Any]:
        return {
            "counties": dict(Region.objects.filter(level=RegionLevel.COUNTY).values_list("code", "id")),
            "parks": {code: (pk, county) for code, pk, county in Park.objects.values_list("code", "id", "county_id")},
            "divisions": dict(Industry.objects.filter(level="division").values_list("code", "section")),
            "division_ids": dict(Industry.objects.filter(level="division").values_list("code", "id")),
            "sections": set(Industry.objects.filter(level="section").values_list("code", flat=True)),
            "accounts_seen": {},
            # Rows may go anywhere (HQ), else only within the user's reach (a district's, a park's).
            "anywhere": policy.scope(user, Enterprise, Action.IMPORT) is policy.ALL,
        }

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        county_id = state["counties"].get(values["county_code"])
        if county_id is None:
            ctx.error("county_code", _("区县(市)代码不存在"), values["county_code"])
        park_id = None
        if values.get("park_code"):
            park = state["parks"].get(values["park_code"])
            if park is None:
                ctx.error("park_code", _("园区代码不存在"), values["park_code"])
            else:
                park_id = park[0]
                if county_id is not None and park[1] != county_id:  # a park lies in one county
                    ctx.error("park_code", _("园区 %(park)s 不在区县 %(county)s 内") % {
                        "park": values["park_code"], "county": values["county_code"]}, values["park_code"])
        self._check_industry(values, ctx, state)
        if not state["anywhere"] and county_id is not None and not ctx.failed:
            # A county operator's rows stay in its county; a park operator's rows stay in its park (and so in
            # the park's county, checked above). Either may not move a row elsewhere.
            in_county = bool(user.county_id) and county_id == user.county_id
            in_park = bool(user.park_id) and park_id == user.park_id
            if not (in_county or in_park):
                column = "park_code" if user.park_id and not user.county_id else "county_code"
                ctx.error(column, _("无权导入其他区县(园区)的企业"), values.get(column))
        for account in values.get("power_accounts") or []:
            first = state["accounts_seen"].setdefault(account, ctx.row)
            if first != ctx.row:
                ctx.error("power_accounts", _("电力户号 %(account)s 与第%(row)d行重复") % {
                    "account": account, "row": first}, account)
        values["county_id"], values["park_id"] = county_id, park_id
        values["is_key"] = bool(values.get("key"))

    def _check_industry(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any]) -> None:
        code = values["industry_code"]
        section = code[0] if code[0].isalpha() else None
        digits = code[1:] if section else code
        division = digits[:2] if digits else None
        if division is not None:
            division_section = state["divisions"].get(division)
            if division_section is None:
                ctx.error("industry_code", _("行业大类 %(division)s 不存在(GB/T 4754-2017)") % {"division": division},
                          code)
                return
            if section and section != division_section:
                ctx.error("industry_code", _("行业大类 %(division)s 属于门类 %(section)s,不属于 %(given)s") % {
                    "division": division, "section": division_section, "given": section}, code)
                return
            section = division_section
        elif section not in state["sections"]:
            ctx.error("industry_code", _("行业门类不存在"), code)
            return
        if division is None:
            ctx.error("industry_code", _("请填写到行业大类(至少2位数字,例: C39)"), code)
            return
        values["industry_code"] = f"{section}{digits}"
        values["industry_section"] = section
        values["industry_division_id"] = state["division_ids"][division]

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        headers = ctx.headers
        fields = [f for f in ENTERPRISE_FIELDS if OPTIONAL_FIELD_COLUMNS.get(f, "") in headers
                  or f not in OPTIONAL_FIELD_COLUMNS]
        with_accounts = "power_accounts" in headers
        usccs = [values["uscc"] for _, values in rows]
        existing = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=usccs)}
        ctx.refuse_foreign(user, (((number, values), existing[values["uscc"]]) for number, values in rows
                                  if values["uscc"] in existing))
        current_accounts: dict[str, tuple[str, int]] = {}
        if with_accounts:
            wanted = [a for _, values in rows for a in values["power_accounts"]]
            # Two indexed look-ups: the accounts named in the file, and the accounts of the enterprises
            # already registered (an OR of the two would scan the whole table for every batch).
            for lookup in ({"account_no__in": wanted},
                           {"enterprise_id__in": [e.pk for e in existing.values()]}):
                for account_no, enterprise_id, uscc in ElectricityAccount.objects.filter(**lookup).values_list(
                        "account_no", "enterprise_id", "enterprise__uscc"):
                    current_accounts[account_no] = (uscc, enterprise_id)
            for row_number, values in rows:
                for account in values["power_accounts"]:
                    owner = current_accounts.get(account)
                    if owner and owner[0] != values["uscc"]:
                        ctx.row = row_number
                        ctx.error("power_accounts", _("电力户号 %(account)s 已属于其他企业") % {"account": account},
                                  account)
        if result.error_count:
            return
        accounts_of: dict[str, set[str]] = {}
        for account_no, (uscc, _pk) in current_accounts.items():
            accounts_of.setdefault(uscc, set()).add(account_no)

        to_create: list[Enterprise] = []
        to_update: list[Enterprise] = []
        audits = []
        changed_fields: set[str] = set()
        account_changes: list[tuple[Enterprise, set[str], set[str]]] = []
        created_accounts: dict[str, set[str]] = {}
        for _row, values in rows:
            obj = existing.get(values["uscc"])
            new_accounts = set(values["power_accounts"]) if with_accounts else None
            if obj is None:
                obj = Enterprise(uscc=values["uscc"], **{f: values[f] for f in fields})
                to_create.append(obj)
                if new_accounts:
                    account_changes.append((obj, set(), new_accounts))
                    created_accounts[obj.uscc] = new_accounts
                continue
            before = {f: getattr(obj, f) for f in fields}
            diff = [f for f in fields if before[f] != values[f]]
            old_accounts = accounts_of.get(obj.uscc, set())
            accounts_changed = new_accounts is not None and new_accounts != old_accounts
            if not diff and not accounts_changed:
                result.unchanged += 1
                continue
            for f in diff:
                setattr(obj, f, values[f])
            changed_fields.update(diff)
            if diff:
                to_update.append(obj)
            before_audit = {f: before[f] for f in diff}
            after_audit = {f: values[f] for f in diff}
            if accounts_changed and new_accounts is not None:
                account_changes.append((obj, old_accounts, new_accounts))
                before_audit["power_accounts"] = sorted(old_accounts)
                after_audit["power_accounts"] = sorted(new_accounts)
            audits.append(audit.build(user, AuditAction.UPDATE, obj, before=before_audit, after=after_audit))
            result.updated += 1
        if to_create:
            now = dates.now()
            create_fields = ["uscc", *ENTERPRISE_FIELDS, "is_active", "created_at", "updated_at"]
            insert_rows(Enterprise, create_fields, (  # absent optional columns take the model's defaults
                [obj.uscc, *(getattr(obj, f) for f in ENTERPRISE_FIELDS), True, now, now] for obj in to_create))
            ids = dict(Enterprise.objects.filter(uscc__in=[o.uscc for o in to_create]).values_list("uscc", "id"))
            result.created += len(to_create)
            for obj in to_create:
                obj.pk = ids[obj.uscc]
                after = {"uscc": obj.uscc, **{f: getattr(obj, f) for f in fields}}
                if with_accounts:
                    after["power_accounts"] = sorted(created_accounts.get(obj.uscc, ()))
                audits.append(audit.build(user, AuditAction.CREATE, obj, after=after, object_repr=obj.name))
        if to_update:
            Enterprise.objects.bulk_update(to_update, sorted(changed_fields), batch_size=1000)
        if account_changes:
            removed = [a for _obj, old, new in account_changes for a in old - new]
            if removed:
                ElectricityAccount.objects.filter(account_no__in=removed).delete()
            insert_rows(ElectricityAccount, ["account_no", "enterprise"],
                        ((a, obj.pk) for obj, old, new in account_changes for a in sorted(new - old)))
        audit.record_many(audits)
        if not state["anywhere"]:
            # Re-check in the same transaction that every row written is within the user's reach.
            written = Enterprise.objects.filter(uscc__in=usccs)
            if written.count() != written.restrict(user, Action.IMPORT).count():
                raise OutOfScope("an imported enterprise fell outside the importing user's scope")

