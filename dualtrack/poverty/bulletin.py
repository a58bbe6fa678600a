"""The poverty section of the daily bulletin: the year's checks in one sentence per county."""

from __future__ import annotations

from typing import Any

from . import services
from .models import Household


def section(ctx: Any) -> Any:
    from dualtrack.bulletins.services import Section

    if not Household.objects.exists():
        return None
    evaluation = services.evaluate(ctx.day.year)
    if not evaluation.counties or not any(c.not_met or c.monitored for c in evaluation.counties):
        return None
    parts = []
    for c in evaluation.counties:
        text = (f"{c.name}建档立卡户{c.households}户,{ctx.day.year}年核查未达标{c.not_met}户,"
                f"监测对象{c.monitored}户(占{(c.monitored_share or 0) * 100:.1f}%)")
        if c.warning:
            text += ",超过预警线"
        if c.outbound_rate is not None:
            text += f",贫困劳动力外出务工率{c.outbound_rate * 100:.1f}%"
        parts.append(text + "。")
    return Section("脱贫攻坚情况", parts, [])
