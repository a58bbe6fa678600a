"""The ``land_use``, ``enterprise_annual`` and ``park_ranks`` datasets (DOMAIN.md §10, §18).

Rows are written through the actions of 亩均论英雄 (:func:`~dualtrack.assessment.actions.save_land_use`,
:func:`~dualtrack.assessment.actions.save_annual`, :func:`~dualtrack.assessment.actions.save_park_rank`): HQ and the
assessment office (``ASSESSMENT_OFFICE``) import every enterprise's land and annual figures and the parks' province
ranks; a county's (or park's) operators import their own enterprises' land and figures — a row of another county's
enterprise is refused naming the row, never written. A reported value is never changed silently: the same row again
is skipped; a row with other values for a recorded key corrects the input of a year whose assessment is still a
draft (audited), and is refused naming the row and each column that differs once the year's assessment is published
(公示) or final. Every check is made on every row before anything is written, so a refused file lists all its
errors; the actions check again as they write."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core import policy
from dualtrack.core.actors import Actor
from dualtrack.core.choices import Action, DateKind
from dualtrack.core.imports import Column, Dataset, ImportResult, RowContext, register
from dualtrack.core.imports import parsers as p
from dualtrack.core.scoping import OutOfScope
from dualtrack.registry import services as registry

from . import actions
from .models import EnterpriseAnnual, LandUse, ParkRank

Rows = list[tuple[int, dict[str, Any]]]

NOT_YOURS = gettext_lazy("企业不存在或不在您的范围内（统一社会信用代码 %(uscc)s）")


def _header(ctx: RowContext, dataset: Dataset, key: str) -> str:
    """The column as the file names it (its header, or the dataset's when the file left the column out)."""
    return key if key in ctx.headers else dataset.column(key).header


def _say(ctx: RowContext, dataset: Dataset, number: int, key: str, message: str, value: Any = None) -> None:
    ctx.row = number
    ctx.error(_header(ctx, dataset, key), message, value)


def _report(ctx: RowContext, dataset: Dataset, number: int, errors: dict[str, str], values: dict[str, Any],
            fields: dict[str, str], fallback: str) -> None:
    """An action's errors ({field: message}) as errors of row ``number``, each under the column it is about
    (``fields`` maps the action's names to column keys; anything else under ``fallback``), with the file's value."""
    keys = {c.key for c in dataset.columns}
    for name, message in errors.items():
        key = fields.get(name, name)
        key = key if key in keys else fallback
        _say(ctx, dataset, number, key, message, values.get(key))


def _messages(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {name: "；".join(messages) for name, messages in exc.message_dict.items()}
    return {"": "；".join(exc.messages)}


def _count(result: ImportResult, outcome: str) -> None:
    if outcome == actions.CREATED:
        result.created += 1
    elif outcome == actions.UPDATED:
        result.updated += 1
    else:
        result.unchanged += 1


class _FirmYearDataset(Dataset):
    """A figure of an enterprise in a year (natural key: 统一社会信用代码 + 年度)."""

    natural_key = ("uscc", "year")
    batch_size = None
    fields = {"enterprise": "uscc", "figures": "uscc"}

    def values(self, row: dict[str, Any]) -> dict[str, Any]:
        """The row's values as the model holds them (what is compared with a recorded row)."""
        raise NotImplementedError

    def errors(self, row: dict[str, Any]) -> dict[str, str]:
        """The action's validation of the row."""
        raise NotImplementedError

    def save(self, user: Actor, enterprise: Any, row: dict[str, Any]) -> tuple[Any, str]:
        raise NotImplementedError

    def check_all(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        ids = registry.enterprise_ids_by_uscc({v["uscc"] for _n, v in rows})
        visible: set[int] | None = None
        if policy.scope(user, self.model, Action.IMPORT) is not policy.ALL:
            visible = set(registry.enterprises_for(user).filter(pk__in=ids.values()).values_list("pk", flat=True))
        recorded = {(r.enterprise_id, r.year): r for r in self.model.objects.select_related("enterprise").filter(
            enterprise_id__in=ids.values(), year__in={v["year"] for _n, v in rows})}
        state["ids"] = ids
        for number, v in rows:
            ctx.row = number
            enterprise_id = ids.get(v["uscc"])
            found = recorded.get((enterprise_id, v["year"])) if enterprise_id is not None else None
            if found is not None:
                if not ctx.may_change(user, found, (number, v)):
                    continue
            elif enterprise_id is None or (visible is not None and enterprise_id not in visible):
                _say(ctx, self, number, "uscc", str(NOT_YOURS) % {"uscc": v["uscc"]}, v["uscc"])
                continue
            problems = self.errors(v)
            if not problems and found is not None:
                problems = actions.change_refusals(found, self.values(v), v["year"])
            _report(ctx, self, number, problems, v, self.fields, "uscc")

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        ids = state["ids"]
        enterprises = registry.enterprises_by_ids(ids.values())
        for number, v in rows:
            try:
                _row, outcome = self.save(user, enterprises[ids[v["uscc"]]], v)
            except ValidationError as exc:
                _report(ctx, self, number, _messages(exc), v, self.fields, "uscc")
                continue
            except (PermissionDenied, Http404, OutOfScope):
                _say(ctx, self, number, "uscc", str(NOT_YOURS) % {"uscc": v["uscc"]}, v["uscc"])
                continue
            _count(result, outcome)


USCC = Column("uscc", "统一社会信用代码", p.code, example="91339102MA2XXXXXXX", max_length=18)
YEAR = Column("year", "年度", p.non_negative_int, example=2019, help=gettext_lazy("2000年至今年"))


def _figure(value: Any) -> Any:
    return p.decimal_number(value)


@register
class LandUseDataset(_FirmYearDataset):
    """用地: an enterprise's land in a year (亩) and its operating date (投产日期)."""

    name = "land_use"
    label = gettext_lazy("企业用地（亩均论英雄）")
    model = LandUse
    columns = [
        USCC,
        YEAR,
        Column("land_mu", "用地面积", _figure, example="35.5",
               help=gettext_lazy("亩，大于0、不超过100000，最多两位小数")),
        Column("operating_since", "投产日期", p.date, blank=True, default=None, example="2012-06-01",
               when=DateKind.PAST,
               help=gettext_lazy("不详的留空；评价年度上一年1月1日及以后投产的为新投产企业，不参评（T类）")),
    ]

    def values(self, row: dict[str, Any]) -> dict[str, Any]:
        return {"land_mu": row["land_mu"], "operating_since": row["operating_since"]}

    def errors(self, row: dict[str, Any]) -> dict[str, str]:
        return actions.land_use_errors(row["year"], row["land_mu"], row["operating_since"])

    def save(self, user: Actor, enterprise: Any, row: dict[str, Any]) -> tuple[Any, str]:
        return actions.save_land_use(user, enterprise, row["year"], row["land_mu"], row["operating_since"])


@register
class EnterpriseAnnualDataset(_FirmYearDataset):
    """企业年度数据: 评价税收 and 销售收入 (万元), 用电量 (万千瓦时; blank: summed from the platform's readings), and the
    figures the other presets use (optional columns: left out, what is recorded stays)."""

    name = "enterprise_annual"
    label = gettext_lazy("企业年度数据（亩均论英雄）")
    model = EnterpriseAnnual
    columns = [
        USCC,
        YEAR,
        Column("tax", "评价税收", _figure, example="120.5", help=gettext_lazy("万元，不小于0，最多两位小数")),
        Column("sales", "销售收入", _figure, example="3500", help=gettext_lazy("万元，不小于0，最多两位小数")),
        Column("kwh", "用电量", _figure, blank=True, default=None, example="85.2",
               help=gettext_lazy("万千瓦时；留空则按企业电力户号的平台用电数据全年汇总")),
        Column("added_value", "工业增加值", _figure, required=False, blank=True, default=None, example="",
               help=gettext_lazy("万元；可选，黄岩、山东方案使用；不含此列时不改变已登记的数值，留空为无")),
        Column("employees", "从业人员", p.non_negative_int, required=False, blank=True, default=None, example="",
               help=gettext_lazy("人；可选，黄岩、山东方案使用；不含此列时不改变已登记的数值，留空为无")),
        Column("rd", "研发经费", _figure, required=False, blank=True, default=None, example="",
               help=gettext_lazy("万元；可选，黄岩、山东方案使用；不含此列时不改变已登记的数值，留空为无")),
        Column("energy", "综合能耗", _figure, required=False, blank=True, default=None, example="",
               help=gettext_lazy("吨标准煤；可选，黄岩、山东方案使用；不含此列时不改变已登记的数值，留空为无")),
        Column("emissions", "主要污染物排放", _figure, required=False, blank=True, default=None, example="",
               help=gettext_lazy("吨；可选，黄岩、山东方案使用；不含此列时不改变已登记的数值，留空为无")),
    ]

    def values(self, row: dict[str, Any]) -> dict[str, Any]:
        """The figures the row gives (an optional column the file leaves out is not given)."""
        return {name: row[name] for name in actions.ANNUAL_FIGURES if name in row}

    def errors(self, row: dict[str, Any]) -> dict[str, str]:
        return actions.annual_errors(row["year"], self.values(row))

    def save(self, user: Actor, enterprise: Any, row: dict[str, Any]) -> tuple[Any, str]:
        return actions.save_annual(user, enterprise, row["year"], self.values(row))


@register
class ParkRankDataset(Dataset):
    """全省园区排名: a park's rank in the province's assessment of a year, of how many parks (HQ, the office)."""

    name = "park_ranks"
    label = gettext_lazy("园区全省排名（亩均论英雄）")
    model = ParkRank
    natural_key = ("park", "year")
    batch_size = None
    columns = [
        Column("park", "园区代码", p.code, example="GXQ", max_length=20),
        YEAR,
        Column("rank", "全省排名", p.non_negative_int, example=14, help=gettext_lazy("第几名，1为第一")),
        Column("of", "参评园区数", p.non_negative_int, example=120),
    ]

    def check_all(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        parks = {code: pk for code, (pk, _county) in registry.park_counties_by_code().items()}
        recorded = {(r.park_id, r.year): r for r in ParkRank.objects.select_related("park").filter(
            park_id__in=parks.values(), year__in={v["year"] for _n, v in rows})}
        state["parks"] = parks
        for number, v in rows:
            ctx.row = number
            park_id = parks.get(v["park"])
            if park_id is None:
                _say(ctx, self, number, "park", _("没有园区代码“%(code)s”，请先导入园区") % {"code": v["park"]}, v["park"])
                continue
            found = recorded.get((park_id, v["year"]))
            if found is not None and not ctx.may_change(user, found, (number, v)):
                continue
            problems = actions.park_rank_errors(v["year"], v["rank"], v["of"])
            if not problems and found is not None:
                problems = actions.change_refusals(found, {"rank": v["rank"], "of": v["of"]}, v["year"])
            _report(ctx, self, number, problems, v, {}, "park")

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        parks = {park.pk: park for park in registry.parks().filter(pk__in=state["parks"].values())}
        for number, v in rows:
            try:
                _row, outcome = actions.save_park_rank(user, parks[state["parks"][v["park"]]], v["year"], v["rank"],
                                                       v["of"])
            except ValidationError as exc:
                _report(ctx, self, number, _messages(exc), v, {}, "park")
                continue
            except (PermissionDenied, Http404, OutOfScope):
                _say(ctx, self, number, "park", _("不在您的范围内，无权通过导入登记"), v["park"])
                continue
            _count(result, outcome)
