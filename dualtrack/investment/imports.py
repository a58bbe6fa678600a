"""The ``leads``, ``lead_activities``, ``fund_arrivals`` and ``investment_targets`` datasets (DOMAIN.md §10, §14):
a county's or park's investment staff import their own leads; HQ imports every lead and the targets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action
from dualtrack.core.imports import Column, Dataset, ImportResult, RowContext, register, upsert
from dualtrack.core.imports import parsers as p

from .choices import ActivityKind, BidState, FundKind, InvestorClass, Stage, aliases
from .models import FundArrival, FundBid, InvestmentTarget, Lead, LeadActivity

Rows = list[tuple[int, dict[str, Any]]]


_choice = p.choice
_amount = p.amount


@register
class LeadDataset(Dataset):
    name = "leads"
    label = gettext_lazy("招商项目")
    natural_key = ("code",)
    batch_size = None
    columns = [
        Column("code", "线索编号", p.code, example="ZS2020-0001", max_length=30),
        Column("name", "项目名称", example="新能源汽车零部件产业园", max_length=200),
        Column("investor", "投资方", example="某某集团有限公司", max_length=200),
        Column("investor_class", "投资方类别", _choice(aliases(InvestorClass), "投资方类别"), required=False, blank=True,
               default=InvestorClass.OTHER, example="民营500强"),
        Column("industry_code", "行业代码", p.code, required=False, blank=True, default="", example="C36", max_length=5),
        Column("amount", "计划投资", _amount, example="12.5", help=gettext_lazy("亿元")),
        Column("county_code", "区划代码", p.code, example="339102"),
        Column("park_code", "园区代码", p.code, required=False, blank=True, default="", example="GXQ",
               help=gettext_lazy("落在功能园区的项目填写;须在所填区县内,同时计入园区和区县")),
        Column("source", "信息来源", required=False, blank=True, default="", example="商会推介", max_length=100),
        Column("informant", "第一信息人", required=False, blank=True, default="", example="王明", max_length=50,
               help=gettext_lazy("个人信息:仅市指挥部和本区县(园区)可见")),
        Column("officer", "首席服务员", required=False, blank=True, default="", example="jiangbei",
               help=gettext_lazy("用户名,可暂不填")),
        Column("stage", "阶段", _choice(aliases(Stage), "阶段"), example="正式签约"),
        Column("signed_on", "签约日期", p.date, required=False, blank=True, default=None, example="2020-03-18",
               help=gettext_lazy("正式签约及以后阶段必填")),
        Column("started_on", "开工日期", p.date, required=False, blank=True, default=None, example="",
               help=gettext_lazy("开工、投产阶段必填")),
        Column("registered_on", "登记日期", p.date, required=False, blank=True, default=None, example="2020-03-02",
               help=gettext_lazy("线索登记日期,无招商活动的天数从此日起算;不填则不改(新线索为未知)")),
    ]

    def can_import(self, user: Viewer) -> bool:
        return Lead.permits(user, Action.IMPORT)

    def prepare(self, user: Actor) -> dict[str, Any]:
        from dualtrack.accounts import services as accounts
        from dualtrack.registry import services as registry

        county, park = getattr(user, "county_id", None), getattr(user, "park_id", None)
        all_counties = registry.county_ids_by_code()
        counties = {c: pk for c, pk in all_counties.items() if county is None or pk == county}
        parks = {c: ids for c, ids in registry.park_counties_by_code().items() if park is None or ids[0] == park}
        return {"counties": counties, "all_counties": all_counties, "parks": parks,
                "park_user": park is not None, "officers": accounts.user_ids_by_username(),
                "industries": registry.industry_codes(),
                "recorded": {code: (stage, signed, started) for code, stage, signed, started in
                             # only the user's own: another scope's lead is refused as such, its stage never told
                             Lead.objects.restrict(user, Action.IMPORT)
                             .values_list("code", "stage", "signed_on", "started_on")}}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        get = values.get
        county = values["county_code"]
        park = state["parks"].get(get("park_code") or "")
        if state["park_user"]:
            if park is None:
                ctx.error("park_code", _("园区用户只能导入本园区的项目"), get("park_code"))
        elif county not in state["counties"]:
            ctx.error("county_code", _("区县代码不存在或不在您的区县"), county)
        if get("park_code") and park is None and not state["park_user"]:
            ctx.error("park_code", _("园区代码不存在"), values["park_code"])
        # A lead counts for its county and its park: the park must lie in that county.
        if park is not None and state["all_counties"].get(county) != park[1]:
            ctx.error("county_code", _("区划代码与园区所在区县不符"), county)
        if get("industry_code"):
            from .actions import industry_code

            errors: dict[str, str] = {}
            values["industry_code"] = industry_code(values["industry_code"], errors, codes=state["industries"])
            if errors:
                ctx.error("industry_code", errors["industry_code"], get("industry_code"))
        if get("officer") and values["officer"] not in state["officers"]:
            ctx.error("officer", _("用户名不存在"), values["officer"])
        stage = values["stage"]
        if stage not in (Stage.LEAD, Stage.TALKS, Stage.INTENT, Stage.STOPPED) and not get("signed_on"):
            ctx.error("signed_on", _("正式签约及以后的阶段须填写签约日期"))
        if stage in (Stage.STARTED, Stage.OPERATING) and not get("started_on"):
            ctx.error("started_on", _("开工、投产阶段须填写开工日期"))
        if get("signed_on") and get("started_on") and values["started_on"] < values["signed_on"]:
            ctx.error("started_on", _("开工日期早于签约日期"))
        self._check_recorded(values, ctx, state)

    @staticmethod
    def _check_recorded(values: dict[str, Any], ctx: RowContext, state: dict[str, Any]) -> None:
        """A stage move is an event (DOMAIN.md §15): a file moves a lead forward as the page does, never back nor
        out of 终止, and a recorded signing or start date stays as recorded."""
        from .actions import ORDER

        recorded = state["recorded"].get(values["code"])
        if recorded is None:
            return
        current, signed_on, started_on = recorded
        stage = values["stage"]
        if current == Stage.STOPPED and stage != Stage.STOPPED:
            ctx.error("stage", _("项目已终止，不能再变更阶段"), Stage(stage).label)
        elif stage != Stage.STOPPED and current != Stage.STOPPED and ORDER.index(Stage(stage)) < ORDER.index(
                Stage(current)):
            ctx.error("stage", _("阶段只能向前推进（当前：%(stage)s）") % {"stage": Stage(current).label},
                      Stage(stage).label)
        for key, day, label in (("signed_on", signed_on, _("签约日期")), ("started_on", started_on, _("开工日期"))):
            if day is not None and values.get(key) != day:
                ctx.error(key, _("%(what)s已记录为 %(day)s，不能更改") % {"what": label, "day": day.isoformat()},
                          values.get(key))

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        all_counties = state["all_counties"]
        existing = Lead.objects.in_bulk([v["code"] for _r, v in rows], field_name="code")
        for number, v in rows:
            target = {"name": v["name"], "investor": v["investor"], "amount": v["amount"],
                      "county_id": all_counties[v["county_code"]], "stage": v["stage"],
                      "signed_on": v.get("signed_on"), "started_on": v.get("started_on")}
            if v.get("registered_on") is not None:
                target["registered_on"] = v["registered_on"]
            for key in ("investor_class", "industry_code", "source", "informant"):
                if key in v:
                    target[key] = v[key]
            if "park_code" in v:
                target["park_id"] = state["parks"][v["park_code"]][0] if v["park_code"] else None
            if "officer" in v:
                target["officer_id"] = state["officers"].get(v["officer"]) if v["officer"] else None
            upsert(Lead, {"code": v["code"]}, target, existing.get(v["code"]), user, ctx, row=(number, v))


class _LeadRowsDataset(Dataset):
    batch_size = None

    def can_import(self, user: Viewer) -> bool:
        return Lead.permits(user, Action.IMPORT)

    def prepare(self, user: Actor) -> dict[str, Any]:
        return {"leads": dict(Lead.objects.restrict(user, Action.IMPORT).values_list("code", "id"))}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        if values["lead"] not in state["leads"]:
            ctx.error("lead", _("招商项目不存在或不在您的范围"), values["lead"])


@register
class LeadActivityDataset(_LeadRowsDataset):
    name = "lead_activities"
    label = gettext_lazy("招商活动")
    natural_key = ("date", "lead", "kind")
    columns = [
        Column("date", "日期", p.date, example="2020-03-02"),
        Column("lead", "线索编号", p.code, example="ZS2020-0001"),
        Column("kind", "类型", _choice(aliases(ActivityKind), "活动类型"), example="线上洽谈"),
        Column("note", "说明", required=False, blank=True, default="", example="视频洽谈,确定签约意向", max_length=500),
    ]

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        ids = [state["leads"][v["lead"]] for _r, v in rows]
        existing = {(a.date, a.lead_id, a.kind): a for a in LeadActivity.objects.filter(lead_id__in=ids)}
        for number, v in rows:
            key = {"date": v["date"], "lead_id": state["leads"][v["lead"]], "kind": v["kind"]}
            target = {"note": v["note"]} if "note" in v else {}
            upsert(LeadActivity, key, target, existing.get((v["date"], key["lead_id"], v["kind"])), user, ctx,
                   row=(number, v))


@register
class FundArrivalDataset(_LeadRowsDataset):
    name = "fund_arrivals"
    label = gettext_lazy("到位资金")
    natural_key = ("month", "lead")
    columns = [
        Column("month", "月份", p.month, example="2020-03"),
        Column("lead", "线索编号", p.code, example="ZS2020-0001"),
        Column("amount", "到位资金", _amount, example="1.2", help=gettext_lazy("亿元,当月到位")),
    ]

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        ids = [state["leads"][v["lead"]] for _r, v in rows]
        existing = {(a.month, a.lead_id): a for a in FundArrival.objects.filter(lead_id__in=ids)}
        for number, v in rows:
            key = {"month": v["month"], "lead_id": state["leads"][v["lead"]]}
            upsert(FundArrival, key, {"amount": v["amount"]}, existing.get((v["month"], key["lead_id"])), user,
                   ctx, row=(number, v))


@register
class InvestmentTargetDataset(Dataset):
    name = "investment_targets"
    label = gettext_lazy("招商目标")
    natural_key = ("year", "scope")
    batch_size = None
    columns = [
        Column("year", "年度", p.non_negative_int, example=2020),
        Column("scope", "范围代码", p.code, example="339102", help=gettext_lazy("全市、区县(市)或园区的代码")),
        Column("amount_target", "签约总额目标", _amount, example="120", help=gettext_lazy("亿元,当年正式签约的计划投资")),
        Column("big_threshold", "大项目门槛", _amount, example="10", help=gettext_lazy("亿元,计划投资达到即为大项目")),
        Column("big_count_target", "大项目数目标", p.non_negative_int, example=3),
    ]

    def can_import(self, user: Viewer) -> bool:
        return InvestmentTarget.permits(user, Action.IMPORT)

    def prepare(self, user: Actor) -> dict[str, Any]:
        from dualtrack.registry import services as registry

        city = registry.city()
        return {"scopes": {*registry.county_ids_by_code(), *registry.park_counties_by_code(),
                           *([city.code] if city else [])}}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        if values["scope"] not in state["scopes"]:
            ctx.error("scope", _("范围代码应为本市、区县或园区的代码"), values["scope"])
        if not 2000 <= values["year"] <= 2100:
            ctx.error("year", _("年度应为四位数"))

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        existing = {(t.year, t.scope_code): t for t in InvestmentTarget.objects.all()}
        for number, v in rows:
            upsert(InvestmentTarget, {"year": v["year"], "scope_code": v["scope"]},
                   {"amount_target": v["amount_target"], "big_threshold": v["big_threshold"],
                    "big_count_target": v["big_count_target"]}, existing.get((v["year"], v["scope"])), user, ctx,
                   row=(number, v))


@register
class FundBidDataset(Dataset):
    """争资: each key project's bids for higher-level funds in a year, imported by the development and reform
    commission (a department) or HQ."""

    name = "fund_bids"
    label = gettext_lazy("争取上级资金")
    natural_key = ("project", "year", "fund_kind")
    batch_size = None
    columns = [
        Column("project", "项目代码", p.code, example="XM2020-001", max_length=40, help=gettext_lazy("重点项目代码")),
        Column("year", "年度", p.non_negative_int, example=2020),
        Column("fund_kind", "资金类别", _choice(aliases(FundKind), "资金类别"), example="地方政府专项债券"),
        Column("requested", "申请金额", lambda v: p.amount(v, "0.01"), example="5000", help=gettext_lazy("万元")),
        Column("won", "获得金额", lambda v: p.amount(v, "0.01"), required=False, blank=True, default=Decimal(0),
               example="3000"),
        Column("state", "状态", _choice(aliases(BidState), "状态"), example="已获批"),
    ]

    def can_import(self, user: Viewer) -> bool:
        return FundBid.permits(user, Action.IMPORT)

    def prepare(self, user: Actor) -> dict[str, Any]:
        from dualtrack.projects import services as projects

        # Who may import bids (HQ, the development and reform commission) keeps them for every key project, not
        # only the projects their unit is responsible for (can_import has already checked the policy).
        return {"projects": dict(projects.projects_for(None).values_list("code", "pk"))}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        if values["project"] not in state["projects"]:
            ctx.error("project", _("重点项目代码不存在"), values["project"])
        if not 2000 <= values["year"] <= 2100:
            ctx.error("year", _("年度应为四位数"))
        won = values.get("won") or Decimal(0)
        if values["state"] == BidState.WON and not won:
            ctx.error("won", _("已获批的须填写获得金额"))
        if values["state"] != BidState.WON and won:
            ctx.error("won", _("未获批或申报中的获得金额应为空"))
        if won > values["requested"]:
            ctx.error("won", _("获得金额超过申请金额"))

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        ids = [state["projects"][v["project"]] for _r, v in rows]
        existing = {(b.project_id, b.year, b.fund_kind): b for b in FundBid.objects.filter(project_id__in=ids)}
        for number, v in rows:
            key = {"project_id": state["projects"][v["project"]], "year": v["year"], "fund_kind": v["fund_kind"]}
            upsert(FundBid, key, {"requested": v["requested"], "won": v.get("won") or Decimal(0), "state": v["state"]},
                   existing.get((key["project_id"], v["year"], v["fund_kind"])), user, ctx, row=(number, v))
