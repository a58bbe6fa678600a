"""The ``indicators``, ``economy_targets`` and ``economy_actuals`` datasets (DOMAIN.md §10, §11). Growth is read
in percent (6.5 for 6.5%) and stored as a fraction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core import dates
from dualtrack.core.actors import Actor
from dualtrack.core.imports import Column, Dataset, ImportResult, RowContext, register, upsert
from dualtrack.core.imports import parsers as p
from dualtrack.registry import services as registry

from .choices import GROWTH_PERCENT_LIMIT, INDICATOR_KIND_ALIASES, IndicatorKind, ScopeKind
from .models import Actual, Indicator, Target
from .policy import imports_every_indicator

Rows = list[tuple[int, dict[str, Any]]]


def _kind(value: Any) -> str:
    raw = p.text(value)
    if raw not in INDICATOR_KIND_ALIASES:
        raise p.CellError(_("“%(value)s”不是有效类型(总量/增速)") % {"value": raw})
    return INDICATOR_KIND_ALIASES[raw]


_amount = p.amount


def _percent(value: Any) -> Decimal:
    """A growth in percent ("6.5", "6.5%", "-12.3") as a fraction (0.065)."""
    raw = p.text(value).rstrip("%").strip() if isinstance(value, str) else value
    number = p.decimal_number(raw)
    if abs(number) > GROWTH_PERCENT_LIMIT:
        raise p.CellError(_("增速 %(value)s%% 超出合理范围(请以百分数填写,如 6.5 表示 6.5%%)") % {"value": number})
    return (number / 100).quantize(Decimal("0.000001"))


def _year(value: Any) -> int:
    number = p.non_negative_int(value)
    if not 2000 <= number <= 2100:
        raise p.CellError(_("“%(value)s”不是有效年度") % {"value": value})
    return number


def _scopes() -> dict[str, tuple[str, int | None, int | None]]:
    """Scope code → (kind, county id, park id): the city's, a county's or a park's code."""
    city = registry.city()
    scopes: dict[str, tuple[str, int | None, int | None]] = {}
    if city is not None:
        scopes[city.code] = (ScopeKind.CITY, None, None)
    for code, county_id in registry.county_ids_by_code().items():
        scopes[code] = (ScopeKind.COUNTY, county_id, None)
    for code, (park_id, county_id) in registry.park_counties_by_code().items():
        scopes[code] = (ScopeKind.PARK, county_id, park_id)
    return scopes


class _ScopedFigures(Dataset):
    """What targets and actuals share: the scope, the indicator, and who may import which indicator."""

    def prepare(self, user: Actor) -> dict[str, Any]:
        indicators = Indicator.objects.all()
        if not imports_every_indicator(user):  # a department: the indicators it reports
            indicators = indicators.filter(department_id=getattr(user, "department_id", None) or 0)
        return {"scopes": _scopes(), "indicators": {i.code: (i.pk, i.kind) for i in indicators},
                "all_indicators": set(Indicator.objects.values_list("code", flat=True)), "today": dates.today()}

    def check_scope_and_indicator(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any]) -> None:
        if values["scope"] not in state["scopes"]:
            ctx.error("scope", _("范围代码不存在(全市、区县或园区代码)"), values["scope"])
        if values["indicator"] not in state["indicators"]:
            message = _("该指标不由您的部门报送") if values["indicator"] in state["all_indicators"] else \
                _("指标不存在(请先导入指标)")
            ctx.error("indicator", message, values["indicator"])

    def scope_fields(self, scope: str, state: dict[str, Any]) -> dict[str, Any]:
        kind, county_id, park_id = state["scopes"][scope]
        return {"scope_kind": kind, "county_id": county_id, "park_id": park_id}


@register
class IndicatorDataset(Dataset):
    name = "indicators"
    model = Indicator
    label = gettext_lazy("经济指标")
    natural_key = ("code",)
    batch_size = None
    columns = [
        Column("code", "指标代码", p.code, example="GDZC", max_length=20),
        Column("name", "指标名称", example="固定资产投资", max_length=100),
        Column("unit", "单位", required=False, blank=True, default="", example="亿元", max_length=20),
        Column("kind", "类型", _kind, example="总量", help=gettext_lazy("总量:累计总额,对照年度目标;增速:只报累计增速")),
        Column("department", "责任部门", required=False, blank=True, default="", example="FGW", max_length=100,
               help=gettext_lazy("部门代码或名称")),
    ]

    def prepare(self, user: Actor) -> dict[str, Any]:
        departments = registry.departments()
        return {"departments": {d.code: d.pk for d in departments} | {d.name: d.pk for d in departments}}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        if values.get("department") and values["department"] not in state["departments"]:
            ctx.error("department", _("部门不存在"), values["department"])

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        existing = Indicator.objects.in_bulk([v["code"] for _r, v in rows], field_name="code")
        for number, v in rows:
            target = {"name": v["name"], "unit": v.get("unit", ""), "kind": v["kind"],
                      "department_id": state["departments"].get(v.get("department") or "")}
            if v["code"] not in existing:
                target["order"] = number
            upsert(Indicator, {"code": v["code"]}, target, existing.get(v["code"]), user, ctx, row=(number, v))


@register
class TargetDataset(_ScopedFigures):
    name = "economy_targets"
    model = Target  # HQ, or a department for the indicators it reports
    label = gettext_lazy("经济指标年度目标")
    natural_key = ("year", "scope", "indicator")
    batch_size = None
    columns = [
        Column("year", "年度", _year, example=2020),
        Column("scope", "范围代码", p.code, example="339100", help=gettext_lazy("全市、区县(市)或园区的代码")),
        Column("indicator", "指标代码", p.code, example="GDZC"),
        Column("target", "年度目标", _amount, required=False, blank=True, default=None, example="1250",
               help=gettext_lazy("总量指标必填;增速指标留空")),
        Column("target_growth", "目标增速", _percent, example="8", help=gettext_lazy("百分数,8 表示 8%")),
        Column("prior_year_total", "上年全年", _amount, required=False, blank=True, default=None, example="1157.4"),
    ]

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        self.check_scope_and_indicator(values, ctx, state)
        found = state["indicators"].get(values["indicator"])
        if found and found[1] == IndicatorKind.AMOUNT and values.get("target") is None:
            ctx.error("target", _("总量指标须填写年度目标"))
        if found and found[1] == IndicatorKind.AMOUNT and values.get("target") == 0:
            ctx.error("target", _("年度目标须大于0"), values["target"])

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        years = {v["year"] for _r, v in rows}
        existing = {(t.year, t.scope_code, t.indicator_id): t for t in Target.objects.filter(year__in=years)}
        for number, v in rows:
            indicator_id = state["indicators"][v["indicator"]][0]
            key = {"year": v["year"], "scope_code": v["scope"], "indicator_id": indicator_id}
            target = {"target": v.get("target"), "target_growth": v["target_growth"],
                      "prior_year_total": v.get("prior_year_total")} | self.scope_fields(v["scope"], state)
            upsert(Target, key, target, existing.get((v["year"], v["scope"], indicator_id)), user, ctx,
                   row=(number, v))


@register
class ActualDataset(_ScopedFigures):
    name = "economy_actuals"
    model = Actual
    label = gettext_lazy("经济指标月度累计")
    natural_key = ("month", "scope", "indicator")
    batch_size = None
    columns = [
        Column("month", "月份", p.month, example="2020-05"),
        Column("scope", "范围代码", p.code, example="339100"),
        Column("indicator", "指标代码", p.code, example="GDZC"),
        Column("cumulative", "累计值", _amount, required=False, blank=True, default=None, example="412.6",
               help=gettext_lazy("总量指标:1月至本月累计")),
        Column("prior_cumulative", "上年同期累计", _amount, required=False, blank=True, default=None, example="455.9"),
        Column("growth", "累计增速", _percent, required=False, blank=True, default=None, example="-9.5",
               help=gettext_lazy("百分数;不填时按 累计值 ÷ 上年同期累计 − 1 计算")),
    ]

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        self.check_scope_and_indicator(values, ctx, state)
        if values["month"] > state["today"]:
            ctx.error("month", _("月份晚于本月"), f"{values['month']:%Y-%m}")
        found = state["indicators"].get(values["indicator"])
        if found and found[1] == IndicatorKind.AMOUNT and values.get("cumulative") is None:
            ctx.error("cumulative", _("总量指标须填写累计值"))
        if found and found[1] == IndicatorKind.GROWTH and values.get("growth") is None:
            ctx.error("growth", _("增速指标须填写累计增速"))

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        months = {v["month"] for _r, v in rows}
        existing = {(a.month, a.scope_code, a.indicator_id): a for a in Actual.objects.filter(month__in=months)}
        for number, v in rows:
            indicator_id = state["indicators"][v["indicator"]][0]
            key = {"month": v["month"], "scope_code": v["scope"], "indicator_id": indicator_id}
            target = {"cumulative": v.get("cumulative"), "prior_cumulative": v.get("prior_cumulative"),
                      "growth": v.get("growth")} | self.scope_fields(v["scope"], state)
            upsert(Actual, key, target, existing.get((v["month"], v["scope"], indicator_id)), user, ctx,
                   row=(number, v))
