"""The economy section of the daily bulletin: the latest month reported by the bulletin's day, in the seeds'
sentences ("1—5月全市固定资产投资完成X亿元,同比下降X%,完成年度目标的X%,低于时序进度X个百分点")."""

from __future__ import annotations

from typing import Any

from . import services
from .choices import ScopeKind


def section(ctx: Any) -> Any:
    from dualtrack.bulletins.services import Section

    month = services.as_of_month(None, ctx.day)
    if month is None:
        return None
    evaluation = services.evaluate(month, None, with_trend=False)
    city = [r for r in evaluation.rows if r.scope_kind == ScopeKind.CITY and r.reported]
    if not city:
        return None
    counts = evaluation.lights(city[0].scope)
    paragraphs = [f"{month.year}年{services.month_label(month)},全市主要经济指标绿灯{counts['green']}项、黄灯"
                  f"{counts['yellow']}项、红灯{counts['red']}项。"]
    paragraphs += [services.sentence(r, month) + "。" for r in city]
    return Section("经济运行情况", paragraphs, [])
