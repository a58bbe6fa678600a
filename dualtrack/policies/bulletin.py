"""The policy section of the daily bulletin: paid so far by measure and by department, applications waiting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import Application

if TYPE_CHECKING:
    from dualtrack.bulletins.services import Section, SectionContext


def section(ctx: SectionContext) -> Section | None:
    from dualtrack.bulletins.services import Section, Table, md

    from . import services

    if not Application.objects.exists():
        return None
    by_measure = services.paid_by(ctx.day, "measure")
    by_department = services.paid_by(ctx.day, "department")
    paid = sum(r["paid"] for r in by_measure)
    amount = sum(r["amount"] for r in by_measure)
    waiting = sum(r["waiting"] for r in by_measure)
    paragraphs = [f"截至{md(ctx.day)}，惠企政策累计兑现{paid:,}家次、{amount:,.2f}万元；尚有{waiting:,}件申报待审核。"]
    if by_department and by_department[0]["amount"]:
        top = by_department[0]
        paragraphs.append(f"兑现金额最多的是{top['name']}（{top['amount']:,.2f}万元）。")
    measures = Table("分条款兑现情况", ["政策条款", "兑现家次", "兑现金额（万元）", "待审核"], ["text", "int", "decimal", "int"])
    for r in by_measure:
        measures.rows.append([r["name"], r["paid"], float(r["amount"]), r["waiting"]])
    departments = Table("分部门兑现情况", ["责任部门", "兑现家次", "兑现金额（万元）", "待审核"], ["text", "int", "decimal", "int"])
    for r in by_department:
        departments.rows.append([r["name"], r["paid"], float(r["amount"]), r["waiting"]])
    return Section("惠企政策兑现情况", paragraphs, [measures, departments])
