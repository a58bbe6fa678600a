"""The 防疫物资 part of the daily bulletin (a paragraph of 复工复产进展), in seed 003's words: 累计向复工企业发放口罩X万只、
消毒液X公斤，库存可保障X天; the requests waiting and those overdue."""

from __future__ import annotations

from typing import Any

from . import services
from .choices import ENTERPRISE_KINDS


def amount(n: int, unit: str) -> str:
    """A quantity as the bulletin writes it: 5.2万只, 1080公斤."""
    if n >= 10000:
        return f"{n / 10000:.1f}".rstrip("0").rstrip(".") + f"万{unit}"
    return f"{n}{unit}"


def section(ctx: Any) -> Any:
    from dualtrack.bulletins.services import Section

    if not services.has_data():
        return None
    day = services.as_of(ctx.day)
    result = services.evaluate(day)
    kinds = {r.code for r in result.requests if r.kind in ENTERPRISE_KINDS}
    issued: dict[str, int] = {}
    for line in result.lines:
        if line.request in kinds:
            issued[line.item] = issued.get(line.item, 0) + line.issued
    names = [(i.name, i.unit, issued.get(i.code, 0)) for i in result.items if issued.get(i.code, 0)]
    clauses = []
    if names:
        clauses.append("累计向复工企业发放" + "、".join(f"{name}{amount(n, unit)}" for name, unit, n in names))
    covers = [i for i in result.items if i.days_of_cover is not None]
    if covers:
        low = min(covers, key=lambda i: i.days_of_cover or 0)
        clauses.append(f"库存可保障{low.days_of_cover:g}天" if len(covers) == 1 else
                       f"{low.name}库存可保障{low.days_of_cover:g}天")
        if low.warning:
            clauses[-1] += "，低于3天预警线，请加快调拨和采购"
    if result.queue:
        overdue = sum(r.overdue for r in result.requests)
        clauses.append(f"待发放物资申请{len(result.queue)}件" + (f"，其中{overdue}件超过需用日期未发放完毕" if overdue else ""))
    if not clauses:
        return None
    return Section("", ["，".join(clauses[:2]) + ("；" + "；".join(clauses[2:]) if clauses[2:] else "") + "。"], [])
