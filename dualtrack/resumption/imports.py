"""The ``resumption`` dataset (DOMAIN.md §10): 日期, 统一社会信用代码, 是否复工, 在岗人数, 产能利用率."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core import audit, dates
from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.bulk import insert_rows
from dualtrack.core.choices import Action, AuditAction
from dualtrack.core.imports import Column, Dataset, ImportResult, RowContext, register
from dualtrack.core.imports import parsers as p
from dualtrack.registry import services as registry

from .models import ReportSource, ResumptionReport

Rows = list[tuple[int, dict[str, Any]]]
FIELDS = ["resumed", "workers_on_duty", "capacity"]


def _capacity(value: Any) -> Decimal:
    number = p.decimal_number(str(value).replace("%", "")) if isinstance(value, str) else p.decimal_number(value)
    if isinstance(value, str) and value.strip().endswith("%"):
        number = number / 100
    if not 0 <= number <= 1:
        raise p.CellError(_("产能利用率应在0到1之间(或0%%到100%%)"))
    return number.quantize(Decimal("0.0001"))


@register
class ResumptionDataset(Dataset):
    name = "resumption"
    source = "resumption"
    day_column = "date"
    label = gettext_lazy("复工填报")
    natural_key = ("date", "uscc")
    batch_size = 5000
    columns = [
        Column("date", "日期", p.date, example="2020-02-10"),
        Column("uscc", "统一社会信用代码", p.code, example="91339102MA2CF0QX4T"),
        Column("resumed", "是否复工", p.boolean, example="是"),
        Column("workers_on_duty", "在岗人数", p.non_negative_int, required=False, blank=True, default=0, example=85),
        Column("capacity", "产能利用率", _capacity, required=False, blank=True, default=None, example="0.6"),
    ]

    def can_import(self, user: Viewer) -> bool:
        return ResumptionReport.permits(user, Action.IMPORT)

    def prepare(self, user: Actor) -> dict[str, Any]:
        scope = registry.enterprises_for(user, Action.IMPORT)
        return {"ids": dict(scope.values_list("uscc", "id"))}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        enterprise_id = state["ids"].get(values["uscc"])
        if enterprise_id is None:
            ctx.error("uscc", _("企业不存在或不在您的管辖范围内"), values["uscc"])
        values["enterprise_id"] = enterprise_id

    def write_batch(self, rows: Rows, ctx: RowContext, state: dict[str, Any], user: Actor,
                    result: ImportResult) -> None:
        fields = [f for f in FIELDS if f in ctx.headers]
        keys = {(v["enterprise_id"], v["date"]) for _r, v in rows}
        existing = {(r.enterprise_id, r.date): r for r in ResumptionReport.objects.filter(
            enterprise_id__in={k[0] for k in keys}, date__in={k[1] for k in keys})}
        refused = ctx.refuse_foreign(user, (((number, values), existing[(values["enterprise_id"], values["date"])])
                                            for number, values in rows
                                            if (values["enterprise_id"], values["date"]) in existing))
        if refused:
            return
        new, changed, audits = [], [], []
        for _row, values in rows:
            report = existing.get((values["enterprise_id"], values["date"]))
            if report is None:
                new.append(values)
                continue
            before = {f: getattr(report, f) for f in fields}
            diff = [f for f in fields if before[f] != values[f]]
            if not diff:
                result.unchanged += 1
                continue
            for f in diff:
                setattr(report, f, values[f])
            changed.append(report)
            audits.append(audit.build(user, AuditAction.UPDATE, report, before={f: before[f] for f in diff},
                                      after={f: values[f] for f in diff}))
        if changed:
            ResumptionReport.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=1000)
            result.updated += len(changed)
        if new:
            now = dates.now()
            reporter = getattr(user, "pk", None)
            insert_rows(ResumptionReport, ["date", "enterprise", "resumed", "workers_on_duty", "capacity", "source",
                                           "reported_by", "updated_at"],
                        ([v["date"], v["enterprise_id"], v["resumed"], v.get("workers_on_duty") or 0,
                          v.get("capacity"), ReportSource.UPLOAD, reporter, now] for v in new))
            result.created += len(new)
            audits.extend(audit.build(user, AuditAction.CREATE, object_type="resumption.resumptionreport",
                                      object_id=f"{v['enterprise_id']}:{v['date'].isoformat()}",
                                      object_repr=f"{v['uscc']} {v['date'].isoformat()}",
                                      after={"resumed": v["resumed"], "workers_on_duty": v.get("workers_on_duty") or 0,
                                             "capacity": v.get("capacity")}) for v in new)
        audit.record_many(audits)
