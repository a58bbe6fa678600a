"""The ``cases`` and ``clusters`` datasets (DOMAIN.md §10)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core import audit, policy
from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import Action
from dualtrack.core.imports import Column, Dataset, ImportResult, RowContext, register
from dualtrack.core.imports import parsers as p
from dualtrack.registry import services as registry

from .models import CaseReport, ClusterEvent

Rows = list[tuple[int, dict[str, Any]]]
CASE_FIELDS = ["new_confirmed", "new_local", "new_asymptomatic", "new_suspected", "new_cured", "new_deaths"]


def _county_checks(values: dict[str, Any], ctx: RowContext, state: dict[str, Any]) -> None:
    county_id = state["counties"].get(values["county_code"])
    if county_id is None:
        ctx.error("county_code", _("区县(市)代码不存在"), values["county_code"])
    values["county_id"] = county_id


def _enterprise(state: dict[str, Any], uscc: str) -> tuple[int, int] | None:
    """(id, county id) of the enterprise a cluster names, looked up once per code of a file."""
    cache = state.setdefault("enterprises", {})
    if uscc not in cache:
        found = registry.enterprise_by_uscc(uscc)
        cache[uscc] = None if found is None else (found.pk, found.county_id)
    return cache[uscc]


class _EpidemicDataset(Dataset):
    model: type[models.Model]

    def can_import(self, user: Viewer) -> bool:
        return policy.allows(user, self.model, Action.IMPORT)

    def prepare(self, user: Actor) -> dict[str, Any]:
        return {"counties": registry.county_ids_by_code()}


@register
class CaseDataset(_EpidemicDataset):
    name = "cases"
    source = "epidemic"
    day_column = "date"
    label = gettext_lazy("病例日报")
    model = CaseReport
    natural_key = ("date", "county_code")
    columns = [
        Column("date", "日期", p.date, example="2020-02-10"),
        Column("county_code", "区划代码", p.code, example="339102"),
        Column("new_confirmed", "新增确诊", p.non_negative_int, example=3),
        Column("new_local", "其中本地", p.non_negative_int, example=1),
        Column("new_asymptomatic", "新增无症状", p.non_negative_int, required=False, blank=True, default=0, example=0),
        Column("new_suspected", "新增疑似", p.non_negative_int, required=False, blank=True, default=0, example=2),
        Column("new_cured", "新增治愈", p.non_negative_int, required=False, blank=True, default=0, example=1),
        Column("new_deaths", "新增死亡", p.non_negative_int, required=False, blank=True, default=0, example=0),
    ]

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        _county_checks(values, ctx, state)
        if values["new_local"] > values["new_confirmed"]:
            ctx.error("new_local", _("本地病例数不能多于新增确诊数(%(n)d)") % {"n": values["new_confirmed"]},
                      values["new_local"])

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        fields = [f for f in CASE_FIELDS if f in ctx.headers]
        dates = {v["date"] for _r, v in rows}
        existing = {(c.date, c.county_id): c for c in CaseReport.objects.filter(date__in=dates)}
        for number, values in rows:
            obj = existing.get((values["date"], values["county_id"]))
            if obj is not None and not ctx.may_change(user, obj, (number, values)):
                continue
            if obj is None:
                obj = CaseReport(date=values["date"], county_id=values["county_id"], **{f: values[f] for f in fields})
                obj.save()
                audit.record_change(user, obj, None)
                result.created += 1
                continue
            before = audit.snapshot(obj)
            changed = [f for f in fields if getattr(obj, f) != values[f]]
            if not changed:
                result.unchanged += 1
                continue
            for f in changed:
                setattr(obj, f, values[f])
            obj.save()
            audit.record_change(user, obj, before)
            result.updated += 1


@register
class ClusterDataset(_EpidemicDataset):
    name = "clusters"
    source = "epidemic"
    day_column = "date"
    label = gettext_lazy("聚集性疫情")
    model = ClusterEvent
    natural_key = ("date", "county_code", "description")
    columns = [
        Column("date", "日期", p.date, example="2020-02-03"),
        Column("county_code", "区划代码", p.code, example="339102"),
        Column("cases", "病例数", p.non_negative_int, example=5),
        Column("description", "描述", example="某小区家庭聚集性疫情", max_length=300),
        Column("uscc", "统一社会信用代码", p.code, required=False, blank=True, default="", example="",
               help=gettext_lazy("发生在企业的聚集性疫情填写该企业的代码（已备案的企业将暂停备案）")),
    ]

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        _county_checks(values, ctx, state)
        if values["cases"] < 2:
            ctx.error("cases", _("聚集性疫情至少涉及2例病例"), values["cases"])
        values["enterprise_id"] = None
        if values.get("uscc"):
            found = _enterprise(state, values["uscc"].upper())
            if found is None:
                ctx.error("uscc", _("统一社会信用代码不在企业名录中"), values["uscc"])
            elif found[1] != values.get("county_id"):
                ctx.error("uscc", _("该企业不在所填区县"), values["uscc"])
            else:
                values["enterprise_id"] = found[0]

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        for number, values in rows:
            obj = ClusterEvent.objects.filter(date=values["date"], county_id=values["county_id"],
                                              description=values["description"]).first()
            if obj is not None and not ctx.may_change(user, obj, (number, values)):
                continue
            if obj is None:
                obj = ClusterEvent.objects.create(date=values["date"], county_id=values["county_id"],
                                                  description=values["description"], cases=values["cases"],
                                                  enterprise_id=values["enterprise_id"])
                audit.record_change(user, obj, None)
                result.created += 1
            elif obj.cases != values["cases"] or (values["enterprise_id"] and obj.enterprise_id is None):
                # a later file may name the enterprise a cluster arose in; a named one stays as recorded
                before = audit.snapshot(obj)
                obj.cases = values["cases"]
                obj.enterprise_id = obj.enterprise_id or values["enterprise_id"]
                obj.save(update_fields=["cases", "enterprise"])
                audit.record_change(user, obj, before)
                result.updated += 1
            else:
                result.unchanged += 1
