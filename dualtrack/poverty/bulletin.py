"""The poverty section of the daily bulletin: the year's checks in one sentence per county."""

from __future__ import annotations

from typing import Any

from . import services
from .models import Household


def section(ctx: Any) -> Any:
    from dualtrack.bulletins.services import Section

    if not Household.objects.exists():
        return None
    from . import board

    day, year = board.as_of(ctx.day), board.as_of_year(ctx.day)  # the war map's day and year on the bulletin's day
    evaluation = services.evaluate(year)
    if not evaluation.counties or not any(c.not_met or c.monitored for c in evaluation.counties):
        return None
    parts = []
    for c in evaluation.counties:
        text = (f"{c.name}建档立卡户{c.households}户,{year}年核查未达标{c.not_met}户,"
                f"监测对象{c.monitored}户(占{(c.monitored_share or 0) * 100:.1f}%)")
        if c.warning:
            text += ",超过预警线"
        if c.outbound_rate is not None:
            text += f",贫困劳动力外出务工率{c.outbound_rate * 100:.1f}%"
        parts.append(text + "。")
    rows = {r.code: r for r in board.county_board(year, day, evaluation)}
    extra = []
    for c in evaluation.counties:
        r = rows.get(c.code)
        if r is None or not (r.findings_open or r.projects or r.helpers):
            continue
        bits = []
        if r.projects:
            bits.append(f"扶贫项目{r.projects}个、已开工{r.projects_started}个")
        if r.helpers:
            bits.append(f"帮扶力量到岗{r.helpers_on_site}/{r.helpers}人")
        if r.findings_open:
            bits.append(f"问题整改未销号{r.findings_open}个(逾期{r.findings_overdue}个)")
        extra.append(f"{c.name}:" + ",".join(bits) + "。")
    census = board.census(day)
    if census.items and census.days_left > 0:
        extra.append(f"距国家脱贫攻坚普查还有{census.days_left}天,普查准备事项完成{census.done}/{census.items}项"
                     + (f",逾期未完成{len(census.late)}项。" if census.late else "。"))
    return Section("脱贫攻坚情况", parts + extra, [])
