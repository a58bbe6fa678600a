"""The 复工备案 part of the daily bulletin (a paragraph of 复工复产进展), in the seeds' words: 全市累计X家企业完成复工备案，X家复工未备案已交办核查;
the day's outbreaks in filed enterprises and their suspension; the overdue applications."""

from __future__ import annotations

from typing import Any

from . import services
from .models import Filing


def section(ctx: Any) -> Any:
    from dualtrack.bulletins.services import Section
    from dualtrack.registry import services as registry

    if not Filing.objects.exists():
        return None
    day = services.as_of(ctx.day)
    result = services.evaluate(day)
    city = result.city()
    if city is None:
        return None
    filed = city.filed + city.suspended
    # one paragraph (the bulletin's core is read in a few pages): the seeds' sentence, then what waits and what stopped
    clauses = [f"全市累计{filed}家企业完成复工备案，{city.resumed_unfiled}家复工未备案已交办核查"]
    if city.pending:
        clauses.append(f"待审核{city.pending}家" + (f"，其中{city.overdue}家超过审核期限，已交办区县（园区）督办"
                                                  if city.overdue else ""))
    today = [o for o in result.outbreaks if o.date == day]
    if today:
        names = registry.enterprise_names([o.enterprise_id for o in today])
        clauses.append("、".join(names.get(o.enterprise_id, o.uscc) for o in today)
                       + "当日发生聚集性疫情，复工备案已暂停，已交办属地处置")
    if city.suspended:
        clauses.append(f"目前{city.suspended}家已备案企业因发生聚集性疫情暂停复工备案")
    parts = ["；".join(clauses) + "。"]
    return Section("", parts, [])  # it continues 复工复产进展 (the section before it)
