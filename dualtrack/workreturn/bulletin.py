"""The worker-return section of the daily bulletin: "今日点对点接返X车次、X人,累计X人,其中建档立卡贫困劳动力X人"."""

from __future__ import annotations

from typing import Any

from . import services
from .models import Trip


def section(ctx: Any) -> Any:
    from dualtrack.bulletins.services import Section, md

    if not Trip.objects.exists():
        return None
    f = services.day_figures(ctx.day)
    if not f["workers_total"]:
        return None
    text = (f"{md(ctx.day)}点对点接返{f['trips_today']}车次、{f['workers_today']}人，累计{f['workers_total']}人，"
            f"其中建档立卡贫困劳动力{f['poor_total']}人。")
    if f["overdue"]:
        text += f"{f['overdue']}人到岗回执单逾期未返回，已交驻企服务员督促。"
    return Section("点对点返岗情况", [text], [])
