"""The ``projects``, ``project_plans`` and ``project_progress`` datasets (DOMAIN.md §10)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core.actors import Actor
from dualtrack.core.choices import Action, DateKind
from dualtrack.core.imports import Column, Dataset, ImportResult, RowContext, register, upsert
from dualtrack.core.imports import parsers as p
from dualtrack.registry import services as registry

from .choices import Level, Nature, Stage
from .models import Project, ProjectPlan, ProjectProgress, ReportKind

Rows = list[tuple[int, dict[str, Any]]]


def _choice(choices: Any, label: str) -> Any:
    names = {str(c.label): c.value for c in choices} | {c.value: c.value for c in choices}

    def parse(value: Any) -> str:
        raw = p.text(value)
        if raw not in names:
            raise p.CellError(_("“%(value)s”不是有效的%(label)s(可选:%(options)s)") % {
                "value": raw, "label": label, "options": "、".join(str(c.label) for c in choices)})
        return names[raw]
    return parse


def _money(value: Any) -> Decimal:
    number = p.decimal_number(value)
    if number < 0:
        raise p.CellError(_("金额不能为负"))
    return number.quantize(Decimal("0.01"))


def _coordinate(value: Any) -> float:
    return float(p.decimal_number(value))


MILESTONES = ("actual_start", "actual_completion", "actual_operation")


@register
class ProjectDataset(Dataset):
    name = "projects"
    source = "projects"  # the lights read it (core.versions)
    model, import_action = Project, Action.ADD  # HQ keeps the list of key projects
    label = gettext_lazy("重点项目")
    natural_key = ("code",)
    batch_size = None
    columns = [
        Column("code", "项目代码", p.code, example="2020-339102-48-01-000123", max_length=40),
        Column("name", "项目名称", example="宁江港区集装箱码头二期工程", max_length=200),
        Column("level", "项目级别", _choice(Level, "项目级别"), example="市重点"),
        Column("nature", "建设性质", _choice(Nature, "建设性质"), example="续建"),
        Column("county_code", "区划代码", p.code, example="339102"),
        Column("responsible_unit", "责任单位", example="市交通运输局", max_length=100),
        Column("contact_leader", "联系领导", required=False, blank=True, default="", example="李明", max_length=50),
        Column("total_investment", "总投资", _money, example="125000"),
        Column("annual_plan", "年度计划投资", _money, required=False, blank=True, default=Decimal("0.00"),
               example="30000"),
        Column("planned_start", "计划开工日期", p.date, required=False, blank=True, default=None, example="2019-06-01",
               when=DateKind.PLAN),
        Column("planned_completion", "计划竣工日期", p.date, required=False, blank=True, default=None, when=DateKind.PLAN,
               example="2022-12-31"),
        # Optional beyond the contract: the owner, the stage, the map point.
        Column("owner_uscc", "业主统一社会信用代码", p.code, required=False, blank=True, default=""),
        Column("park_code", "园区代码", p.code, required=False, blank=True, default="",
               help=gettext_lazy("位于功能园区的项目填写;须在项目所在区县")),
        Column("stage", "项目阶段", _choice(Stage, "项目阶段"), required=False, blank=True, default=Stage.CONSTRUCTION),
        Column("poverty", "扶贫项目", p.boolean, required=False, blank=True, default=False, example="否"),
        # The milestones reached (四个一批 places each project by them at each quarter's end).
        Column("actual_start", "实际开工日期", p.date, required=False, blank=True, default=None),
        Column("actual_completion", "实际竣工日期", p.date, required=False, blank=True, default=None),
        Column("actual_operation", "实际投产日期", p.date, required=False, blank=True, default=None),
        Column("longitude", "经度", _coordinate, required=False, blank=True, default=None),
        Column("latitude", "纬度", _coordinate, required=False, blank=True, default=None),
    ]

    def prepare(self, user: Actor) -> dict[str, Any]:
        departments = registry.departments()
        return {"counties": registry.county_ids_by_code(),
                "departments": {d.code: d.pk for d in departments} | {d.name: d.pk for d in departments},
                "owners": dict(registry.all_enterprises().values_list("uscc", "id")),
                "parks": registry.park_counties_by_code()}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        get = values.get
        if values["county_code"] not in state["counties"]:
            ctx.error("county_code", _("区县代码不存在"), values["county_code"])
        if get("park_code"):
            park = state["parks"].get(values["park_code"])
            if park is None:
                ctx.error("park_code", _("园区代码不存在"), values["park_code"])
            elif state["counties"].get(values["county_code"]) not in (None, park[1]):
                ctx.error("park_code", _("园区不在项目所在区县"), values["park_code"])
        if get("owner_uscc") and values["owner_uscc"] not in state["owners"]:
            ctx.error("owner_uscc", _("企业不存在"), values["owner_uscc"])
        if get("planned_start") and get("planned_completion") and values["planned_completion"] < values["planned_start"]:
            ctx.error("planned_completion", _("计划竣工日期早于计划开工日期"))
        if get("actual_start") and get("actual_completion") and values["actual_completion"] < values["actual_start"]:
            ctx.error("actual_completion", _("实际竣工日期早于实际开工日期"))
        if get("annual_plan") and values["annual_plan"] > values["total_investment"]:
            ctx.error("annual_plan", _("年度计划投资大于总投资"))
        if get("longitude") is not None and not -180 <= values["longitude"] <= 180:
            ctx.error("longitude", _("经度应在 -180 到 180 之间"))
        if get("latitude") is not None and not -90 <= values["latitude"] <= 90:
            ctx.error("latitude", _("纬度应在 -90 到 90 之间"))

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        existing = Project.objects.in_bulk([v["code"] for _r, v in rows], field_name="code")
        optional = ["contact_leader", "annual_plan", "planned_start", "planned_completion", "stage", "longitude",
                    "latitude", "poverty"]  # only when the file has the column: a file without it leaves the value alone
        for number, v in rows:
            target = {
                "name": v["name"], "level": v["level"], "nature": v["nature"],
                "county_id": state["counties"][v["county_code"]], "responsible_unit": v["responsible_unit"],
                "responsible_department_id": state["departments"].get(v["responsible_unit"]),
                "total_investment": v["total_investment"],
            } | {key: v[key] for key in optional if key in v}
            # A milestone reached is kept: a blank cell never clears a date reported here or by progress reports.
            target |= {key: v[key] for key in MILESTONES if v.get(key) is not None}
            if "park_code" in v:
                target["park_id"] = state["parks"][v["park_code"]][0] if v["park_code"] else None
            if "owner_uscc" in v:
                target["owner_id"] = state["owners"].get(v["owner_uscc"]) if v["owner_uscc"] else None
            upsert(Project, {"code": v["code"]}, target, existing.get(v["code"]), user, ctx, row=(number, v))


@register
class ProjectPlanDataset(Dataset):
    name = "project_plans"
    source = "projects"  # the lights read it (core.versions)
    model, import_action = ProjectPlan, Action.ADD  # the plans follow the projects' list: HQ's
    label = gettext_lazy("重点项目月度计划")
    natural_key = ("code", "month")
    batch_size = 5000
    columns = [
        Column("code", "项目代码", p.code, example="2020-339102-48-01-000123", max_length=40),
        Column("month", "月份", p.month, example="2020-03", when=DateKind.PLAN),
        Column("planned_cumulative", "计划累计完成投资", _money, example="42000"),
    ]

    def prepare(self, user: Actor) -> dict[str, Any]:
        return {"projects": dict(Project.objects.values_list("code", "id"))}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        if values["code"] not in state["projects"]:
            ctx.error("code", _("项目不存在(请先导入重点项目)"), values["code"])

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        ids = {state["projects"][v["code"]] for _r, v in rows}
        existing = {(x.project_id, x.month): x for x in ProjectPlan.objects.filter(project_id__in=ids)}
        for number, v in rows:
            key = {"project_id": state["projects"][v["code"]], "month": v["month"]}
            upsert(ProjectPlan, key, {"planned_cumulative": v["planned_cumulative"]},
                    existing.get((key["project_id"], key["month"])), user, ctx, row=(number, v))


@register
class ProjectProgressDataset(Dataset):
    name = "project_progress"
    source = "projects"  # the lights read it (core.versions)
    model = ProjectProgress  # the declared IMPORT of its project: HQ, the project's county or park, its unit
    label = gettext_lazy("重点项目进度")
    natural_key = ("date", "code")
    batch_size = 5000
    columns = [
        Column("date", "日期", p.date, example="2020-03-06"),
        Column("code", "项目代码", p.code, example="2020-339102-48-01-000123", max_length=40),
        Column("resumed", "是否复工", p.boolean, example="是"),
        Column("workers_on_site", "在岗人数", p.non_negative_int, required=False, blank=True, default=0, example=320),
        Column("completed_cumulative", "累计完成投资", _money, example="36800"),
        Column("physical_progress", "形象进度", required=False, blank=True, default="", example="主体结构完成60%",
               max_length=300),
    ]

    def prepare(self, user: Actor) -> dict[str, Any]:
        scope = Project.objects.restrict(user, Action.IMPORT)
        return {"projects": dict(scope.values_list("code", "id"))}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        if values["code"] not in state["projects"]:
            ctx.error("code", _("项目不存在或不在您的管辖范围内"), values["code"])

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        ids = {state["projects"][v["code"]] for _r, v in rows}
        dates = {v["date"] for _r, v in rows}
        existing = {(x.project_id, x.date): x for x in ProjectProgress.objects.filter(project_id__in=ids,
                                                                                    date__in=dates)}
        for number, v in rows:
            key = {"project_id": state["projects"][v["code"]], "date": v["date"]}
            target = {"resumed": v["resumed"], "completed_cumulative": v["completed_cumulative"]} | {
                key: v[key] for key in ("workers_on_site", "physical_progress") if key in v}  # optional columns
            obj = existing.get((key["project_id"], key["date"]))
            if obj is None:
                target["kind"] = ReportKind.IMPORT
            upsert(ProjectProgress, key, target, obj, user, ctx, row=(number, v))
