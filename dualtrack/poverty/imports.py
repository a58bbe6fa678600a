"""The ``households``, ``household_checks`` and ``labourers`` datasets (DOMAIN.md §10, §13): imported by the poverty
office (every household) and the county operators (their county's villages). A village must be a registry region
(12-digit code); the head's ID number is kept as a keyed hash and its last four."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core import privacy
from dualtrack.core.choices import Action
from dualtrack.core.imports import Column, Dataset, ImportResult, RowContext, register, upsert
from dualtrack.core.imports import parsers as p

from .choices import KIND_ALIASES, STATUS_ALIASES, HousingGrade
from .models import Household, HouseholdCheck, Labourer

Rows = list[tuple[int, dict[str, Any]]]
PERSONAL = ("head_name", "id_hash", "id_last4", "name")  # audited as "…" when they change


def _choice(aliases: dict[str, str], label: str) -> Any:
    def parse(value: Any) -> str:
        raw = p.text(value)
        if raw not in aliases:
            raise p.CellError(_("“%(value)s”不是有效的%(label)s") % {"value": raw, "label": label})
        return aliases[raw]
    return parse


def _money(value: Any) -> Decimal:
    number = p.decimal_number(value)
    if number < 0:
        raise p.CellError(_("数值不能为负"))
    return number.quantize(Decimal("0.01"))


def _grade(value: Any) -> str:
    raw = p.code(value)
    if raw not in HousingGrade.values:
        raise p.CellError(_("住房等级应为 A、B、C 或 D"))
    return raw


def _id_number(value: Any) -> str:
    raw = p.code(value)
    if not re.fullmatch(r"\d{17}[\dX]", raw):
        raise p.CellError(_("身份证号应为18位"))
    return raw


def _villages(user: Any) -> dict[str, tuple[int, int]]:
    """Village code → (village id, county id), for the villages ``user`` may import (a county operator: its own)."""
    from dualtrack.registry import services as registry

    found = registry.villages_with_counties()
    county = getattr(user, "county_id", None)
    return {code: ids for code, ids in found.items() if county is None or ids[1] == county}


class _PovertyDataset(Dataset):
    source = "poverty"  # a successful import bumps the data version: the cached evaluation is judged again

    def can_import(self, user: Any) -> bool:
        return Household.permits(user, Action.IMPORT)


@register
class HouseholdDataset(_PovertyDataset):
    name = "households"
    label = gettext_lazy("建档立卡户")
    natural_key = ("code",)
    batch_size = None
    columns = [
        Column("code", "户编号", p.code, example="640402100201-0001", max_length=30),
        Column("head_name", "户主姓名", example="马福", max_length=50),
        Column("id_number", "身份证号", _id_number, example="640402196501011234"),
        Column("village_code", "村代码", p.code, example="339121100201"),
        Column("members", "人口数", p.non_negative_int, example=4),
        Column("kind", "户类型", _choice(KIND_ALIASES, "户类型(贫困户/脱贫户/边缘户)"), example="脱贫户"),
        Column("year_identified", "识别年度", p.non_negative_int, example=2015),
        Column("cause", "致贫原因", required=False, blank=True, default="", example="因病", max_length=50),
        Column("helper", "帮扶责任人", required=False, blank=True, default="", example="王强", max_length=50),
    ]

    def prepare(self, user: Any) -> dict[str, Any]:
        return {"villages": _villages(user)}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Any) -> None:
        if values["village_code"] not in state["villages"]:
            ctx.error("village_code", _("村代码不存在或不在您的区县"), values["village_code"])
        if values["members"] == 0:
            ctx.error("members", _("人口数须大于0"))

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Any,
                    result: ImportResult) -> None:
        existing = Household.objects.in_bulk([v["code"] for _r, v in rows], field_name="code")
        for _row, v in rows:
            village, county = state["villages"][v["village_code"]]
            target = {"head_name": v["head_name"], "id_hash": privacy.keyed_hash(v["id_number"]),
                      "id_last4": v["id_number"][-4:], "village_id": village, "county_id": county,
                      "members": v["members"], "kind": v["kind"], "year_identified": v["year_identified"]}
            for optional in ("cause", "helper"):
                if optional in v:
                    target[optional] = v[optional]
            upsert(Household, {"code": v["code"]}, target, existing.get(v["code"]), user, result,
                   shown={"code": v["code"], "village_code": v["village_code"], "members": v["members"],
                          "kind": v["kind"]}, hidden=PERSONAL)


@register
class HouseholdCheckDataset(_PovertyDataset):
    name = "household_checks"
    label = gettext_lazy("年度核查")
    natural_key = ("household", "year")
    batch_size = None
    columns = [
        Column("household", "户编号", p.code, example="640402100201-0001"),
        Column("year", "年度", p.non_negative_int, example=2020),
        Column("income", "人均纯收入", _money, example="8650"),
        Column("last_income", "上年人均纯收入", _money, required=False, blank=True, default=None, example="9120"),
        Column("rigid_spending", "刚性支出", _money, required=False, blank=True, default=None, example="3000"),
        Column("food", "不愁吃", p.boolean, example="是"),
        Column("clothing", "不愁穿", p.boolean, example="是"),
        Column("education", "义务教育", p.boolean, example="是"),
        Column("medical", "基本医疗", p.boolean, example="是"),
        Column("housing", "住房安全", p.boolean, example="是"),
        Column("water", "饮水安全", p.boolean, example="是"),
        Column("housing_grade", "住房等级", _grade, example="B"),
        Column("checked_on", "核查日期", p.date, example="2020-06-10"),
    ]

    def prepare(self, user: Any) -> dict[str, Any]:
        return {"households": dict(Household.objects.restrict(user, Action.IMPORT).values_list("code", "id"))}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Any) -> None:
        if values["household"] not in state["households"]:
            ctx.error("household", _("户不存在或不在您的区县(请先导入建档立卡户)"), values["household"])

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Any,
                    result: ImportResult) -> None:
        existing = {(c.household_id, c.year): c for c in HouseholdCheck.objects.filter(
            household_id__in=[state["households"][v["household"]] for _r, v in rows])}
        fields = ["income", "last_income", "rigid_spending", "food", "clothing", "education", "medical", "housing",
                  "water", "housing_grade", "checked_on"]
        for _row, v in rows:
            key = {"household_id": state["households"][v["household"]], "year": v["year"]}
            upsert(HouseholdCheck, key, {f: v.get(f) for f in fields}, existing.get((key["household_id"], v["year"])),
                   user, result)


@register
class LabourerDataset(_PovertyDataset):
    name = "labourers"
    label = gettext_lazy("贫困劳动力")
    natural_key = ("household", "name")
    batch_size = None
    columns = [
        Column("household", "户编号", p.code, example="640402100201-0001"),
        Column("name", "姓名", example="马建军", max_length=50),
        Column("status", "务工状态", _choice(STATUS_ALIASES, "务工状态(在家待岗/已外出/就近就业)"), example="在家待岗"),
        Column("workplace", "务工地", required=False, blank=True, default="", example="", max_length=100),
        Column("away_last_year", "上年外出", p.boolean, required=False, blank=True, default=False, example="是"),
    ]

    def prepare(self, user: Any) -> dict[str, Any]:
        return {"households": dict(Household.objects.restrict(user, Action.IMPORT).values_list("code", "id"))}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Any) -> None:
        if values["household"] not in state["households"]:
            ctx.error("household", _("户不存在或不在您的区县(请先导入建档立卡户)"), values["household"])

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Any,
                    result: ImportResult) -> None:
        existing = {(x.household_id, x.name): x for x in Labourer.objects.filter(
            household_id__in=[state["households"][v["household"]] for _r, v in rows])}
        for _row, v in rows:
            key = {"household_id": state["households"][v["household"]], "name": v["name"]}
            target = {"status": v["status"]}
            for optional in ("workplace", "away_last_year"):
                if optional in v:
                    target[optional] = v[optional]
            upsert(Labourer, key, target, existing.get((key["household_id"], v["name"])), user, result,
                   shown={"household": v["household"], "status": v["status"]}, hidden=PERSONAL)
