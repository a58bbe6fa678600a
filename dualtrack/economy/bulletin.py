"""The economy section of the daily bulletin: the latest month reported by the bulletin's day, in the seeds'
sentences ("1—5月全市固定资产投资完成X亿元，同比下降X%，完成年度目标的X%，低于时序进度X个百分点") for the
indicators that fell (red), at most :data:`SENTENCES`; every city indicator in one short table (the monthly report
has them all in words)."""

from __future__ import annotations

from typing import Any

from . import services
from .choices import Light, ScopeKind

SENTENCES = 2  # the red indicators told in words in the daily bulletin
LIGHT_TEXT: dict[str | None, str] = {Light.GREEN.value: "绿灯", Light.YELLOW.value: "黄灯", Light.RED.value: "红灯"}


def section(ctx: Any) -> Any:
    from dualtrack.bulletins.services import Section, Table

    month = services.as_of_month(None, ctx.day)
    if month is None:
        return None
    evaluation = services.evaluate(month, None, with_trend=False)
    city = [r for r in evaluation.rows if r.scope_kind == ScopeKind.CITY and r.reported]
    if not city:
        return None
    counts = evaluation.lights(city[0].scope)
    paragraphs = [f"{month.year}年{services.month_label(month)}，全市主要经济指标绿灯{counts['green']}项、黄灯"
                  f"{counts['yellow']}项、红灯{counts['red']}项。"]
    paragraphs += [services.sentence(r, month) + "。" for r in [r for r in city if r.light == Light.RED][:SENTENCES]]
    table = Table(f"全市主要经济指标（{services.month_label(month)}）", ["指标", "累计值", "累计增速", "目标增速", "完成率",
                                                                 "亮灯"],
                  ["text", "decimal", "percent", "percent", "percent", "text"])
    for r in city:
        table.rows.append([r.indicator_name + (f"（{r.unit}）" if r.unit and r.actual is not None else ""),
                           None if r.actual is None else float(r.actual),
                           None if r.growth is None else float(r.growth),
                           None if r.target_growth is None else float(r.target_growth),
                           None if r.completion is None else float(r.completion), LIGHT_TEXT.get(r.light, "—")])
    return Section("经济运行情况", paragraphs, [table])
