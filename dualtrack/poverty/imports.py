"""The ``households``, ``household_checks`` and ``labourers`` datasets (DOMAIN.md §10, §13): imported by the poverty
office (every household) and the county operators (their county's villages). A village must be a registry region
(12-digit code); the head's ID number is kept as a keyed hash and its last four."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core import dates, privacy
from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action
from dualtrack.core.imports import Column, Dataset, ImportResult, RowContext, register, upsert
from dualtrack.core.imports import parsers as p

from . import services
from .choices import (
    FINDING_WORKING_DAYS,
    KIND_ALIASES,
    POST_ALIASES,
    SOURCE_ALIASES,
    STATUS_ALIASES,
    HousingGrade,
)
from .models import Finding, Helper, Household, HouseholdCheck, InspectionTeam, Labourer

Rows = list[tuple[int, dict[str, Any]]]
PERSONAL = ("head_name", "id_hash", "id_key", "id_last4", "name")  # audited as "…" when they change


_choice = p.choice


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


def _villages(user: Actor) -> dict[str, tuple[int, int]]:
    """Village code → (village id, county id), for the villages ``user`` may import (a county operator: its own)."""
    from dualtrack.registry import services as registry

    found = registry.villages_with_counties()
    county = getattr(user, "county_id", None)
    return {code: ids for code, ids in found.items() if county is None or ids[1] == county}


class _PovertyDataset(Dataset):
    source = "poverty"  # a successful import bumps the data version: the cached evaluation is judged again

    def can_import(self, user: Viewer) -> bool:
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

    def prepare(self, user: Actor) -> dict[str, Any]:
        return {"villages": _villages(user)}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        if values["village_code"] not in state["villages"]:
            ctx.error("village_code", _("村代码不存在或不在您的区县"), values["village_code"])
        if values["members"] == 0:
            ctx.error("members", _("人口数须大于0"))

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        existing = Household.objects.in_bulk([v["code"] for _r, v in rows], field_name="code")
        for number, v in rows:
            village, county = state["villages"][v["village_code"]]
            target = {"head_name": v["head_name"], **privacy.id_fields(v["id_number"]), "village_id": village, "county_id": county,
                      "members": v["members"], "kind": v["kind"], "year_identified": v["year_identified"]}
            for optional in ("cause", "helper"):
                if optional in v:
                    target[optional] = v[optional]
            upsert(Household, {"code": v["code"]}, target, existing.get(v["code"]), user, ctx, row=(number, v),
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

    def prepare(self, user: Actor) -> dict[str, Any]:
        return {"households": dict(Household.objects.restrict(user, Action.IMPORT).values_list("code", "id"))}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        if values["household"] not in state["households"]:
            ctx.error("household", _("户不存在或不在您的区县(请先导入建档立卡户)"), values["household"])

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        existing = {(c.household_id, c.year): c for c in HouseholdCheck.objects.filter(
            household_id__in=[state["households"][v["household"]] for _r, v in rows])}
        fields = ["income", "last_income", "rigid_spending", "food", "clothing", "education", "medical", "housing",
                  "water", "housing_grade", "checked_on"]
        for number, v in rows:
            key = {"household_id": state["households"][v["household"]], "year": v["year"]}
            upsert(HouseholdCheck, key, {f: v.get(f) for f in fields}, existing.get((key["household_id"], v["year"])),
                   user, ctx, row=(number, v))


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
        Column("id_number", "身份证号", _id_number, required=False, blank=True, default="",
               example="640402199001011234"),
    ]

    def prepare(self, user: Actor) -> dict[str, Any]:
        return {"households": dict(Household.objects.restrict(user, Action.IMPORT).values_list("code", "id"))}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        if values["household"] not in state["households"]:
            ctx.error("household", _("户不存在或不在您的区县(请先导入建档立卡户)"), values["household"])

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        existing = {(x.household_id, x.name): x for x in Labourer.objects.filter(
            household_id__in=[state["households"][v["household"]] for _r, v in rows])}
        for number, v in rows:
            key = {"household_id": state["households"][v["household"]], "name": v["name"]}
            target = {"status": v["status"]}
            for optional in ("workplace", "away_last_year"):
                if optional in v:
                    target[optional] = v[optional]
            if v.get("id_number"):  # matched with the point-to-point return's arrivals (§12), by keyed hash
                target.update(privacy.id_fields(v["id_number"]))
            labourer = upsert(Labourer, key, target, existing.get((key["household_id"], v["name"])), user, ctx,
                              row=(number, v), shown={"household": v["household"], "status": v["status"]},
                              hidden=PERSONAL)
            if labourer is not None and v.get("id_number"):  # None: refused, the file is rolled back
                services.match_labourer(labourer, v["id_number"])


# --- findings, help teams and inspection teams ------------------------------------------------------------------

def _places(user: Actor, regions: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    county = getattr(user, "county_id", None)
    return {code: ids for code, ids in regions.items() if county is None or ids[1] == county}


@register
class FindingDataset(Dataset):
    """问题清单: the findings of 督战, 巡视回头看 and 成效考核; each new one is assigned to its county at once as a task of
    the closed loop, with its working-day deadline."""

    name = "poverty_findings"
    label = gettext_lazy("脱贫攻坚问题清单")
    natural_key = ("code",)
    batch_size = None
    columns = [
        Column("code", "问题编号", p.code, example="DZ2020-001", max_length=30),
        Column("source", "问题来源", _choice(SOURCE_ALIASES, "问题来源(督战/巡视回头看/成效考核)"), example="督战"),
        Column("village_code", "村代码", p.code, example="339121100201"),
        Column("household", "户编号", p.code, required=False, blank=True, default="", example="640402100201-0001"),
        Column("description", "问题描述", example="住房等级C级,危房改造未完成", max_length=2000),
        Column("found_on", "发现日期", p.date, example="2020-04-06"),
        Column("working_days", "整改时限(工作日)", p.non_negative_int, required=False, blank=True,
               default=FINDING_WORKING_DAYS, example=5),
    ]

    def can_import(self, user: Viewer) -> bool:
        return Finding.permits(user, Action.IMPORT)

    def prepare(self, user: Actor) -> dict[str, Any]:
        from dualtrack.registry import services as registry

        return {"villages": registry.villages_with_counties(),
                "households": dict(Household.objects.values_list("code", "village__code")),
                "existing": dict(Finding.objects.values_list("code", "village__code"))}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        village = values["village_code"]
        if village not in state["villages"]:
            ctx.error("village_code", _("村代码不存在"), village)
        if values.get("household"):
            found = state["households"].get(values["household"])
            if found is None:
                ctx.error("household", _("户不存在(请先导入建档立卡户)"), values["household"])
            elif found != village:
                ctx.error("household", _("该户不在所填村"), values["household"])
        if state["existing"].get(values["code"], village) != village:
            ctx.error("village_code", _("该问题已交办,不能改到别的村"), village)
        if "working_days" in values and not 1 <= values["working_days"] <= 60:
            ctx.error("working_days", _("整改时限应为 1 到 60 个工作日"))

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:

        from .findings import open_task

        existing = Finding.objects.in_bulk([v["code"] for _r, v in rows], field_name="code")
        households = dict(Household.objects.filter(code__in=[v.get("household") for _r, v in rows]).values_list(
            "code", "id"))
        now = dates.now()
        for number, v in rows:
            village, county = state["villages"][v["village_code"]]
            target = {"source": v["source"], "village_id": village, "county_id": county,
                      "household_id": households.get(v.get("household") or ""), "description": v["description"],
                      "found_on": v["found_on"], "working_days": v.get("working_days", FINDING_WORKING_DAYS)}
            finding = upsert(Finding, {"code": v["code"]}, target, existing.get(v["code"]), user, ctx, row=(number, v))
            if finding is not None and not finding.task_ref:
                open_task(finding, now)


@register
class HelperDataset(Dataset):
    """帮扶力量: the help teams' members (第一书记, 工作队员) and household helpers, and the day each arrived."""

    name = "helpers"
    label = gettext_lazy("帮扶力量")
    natural_key = ("village_code", "name")
    batch_size = None
    columns = [
        Column("village_code", "村代码", p.code, example="339121100201"),
        Column("name", "姓名", example="李卫东", max_length=50),
        Column("post", "职务", _choice(POST_ALIASES, "职务(第一书记/工作队员/帮扶责任人)"), example="第一书记"),
        Column("team", "工作队", required=False, blank=True, default="", example="市发改委驻村工作队", max_length=100),
        Column("unit", "派出单位", required=False, blank=True, default="", example="市发展改革委", max_length=100),
        Column("arrived_on", "到岗日期", p.date, required=False, blank=True, default=None, example="2020-02-24"),
    ]

    def can_import(self, user: Viewer) -> bool:
        return Helper.permits(user, Action.IMPORT)

    def prepare(self, user: Actor) -> dict[str, Any]:
        return {"villages": _villages(user)}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        if values["village_code"] not in state["villages"]:
            ctx.error("village_code", _("村代码不存在或不在您的区县"), values["village_code"])

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        villages = state["villages"]
        existing = {(h.village_id, h.name): h for h in Helper.objects.filter(
            village_id__in=[villages[v["village_code"]][0] for _r, v in rows])}
        for number, v in rows:
            village, county = villages[v["village_code"]]
            target = {"county_id": county, "post": v["post"]} | {
                key: v[key] for key in ("team", "unit", "arrived_on") if key in v}
            upsert(Helper, {"village_id": village, "name": v["name"]}, target, existing.get((village, v["name"])),
                   user, ctx, row=(number, v))


@register
class InspectionTeamDataset(Dataset):
    """督战队: one per township; a team with fewer than 3 full-time members is flagged on the war map."""

    name = "inspection_teams"
    label = gettext_lazy("督战队")
    natural_key = ("code",)
    batch_size = None
    columns = [
        Column("code", "督战队编号", p.code, example="DZD-01", max_length=30),
        Column("name", "督战队名称", example="石门镇督战队", max_length=100),
        Column("township_code", "乡镇代码", p.code, example="339121100"),
        Column("leader", "队长", example="张建华", max_length=50),
        Column("members", "队员人数", p.non_negative_int, example=5),
        Column("full_time_members", "专职队员人数", p.non_negative_int, example=3),
    ]

    def can_import(self, user: Viewer) -> bool:
        return InspectionTeam.permits(user, Action.IMPORT)

    def prepare(self, user: Actor) -> dict[str, Any]:
        from dualtrack.registry import services as registry

        return {"townships": _places(user, registry.townships_with_counties())}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        if values["township_code"] not in state["townships"]:
            ctx.error("township_code", _("乡镇代码不存在或不在您的区县"), values["township_code"])
        if values["full_time_members"] > values["members"]:
            ctx.error("full_time_members", _("专职队员人数不能多于队员人数"))

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        existing = InspectionTeam.objects.in_bulk([v["code"] for _r, v in rows], field_name="code")
        for number, v in rows:
            township, county = state["townships"][v["township_code"]]
            upsert(InspectionTeam, {"code": v["code"]}, {
                "name": v["name"], "township_id": township, "county_id": county, "leader": v["leader"],
                "members": v["members"], "full_time_members": v["full_time_members"]},
                existing.get(v["code"]), user, ctx, row=(number, v))
