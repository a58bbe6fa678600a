"""The poverty section of the daily bulletin: the city's figures and the counties over the warning line in words,
every county in one table."""

from __future__ import annotations

from typing import Any

from . import services
from .models import Household


def section(ctx: Any) -> Any:
    from dualtrack.bulletins.services import Section, Table

    if not Household.objects.exists():
        return None
    from . import board

    day, year = board.as_of(ctx.day), board.as_of_year(ctx.day)  # the war map's day and year on the bulletin's day
    evaluation = services.evaluate(year)
    if not evaluation.counties or not any(c.not_met or c.monitored for c in evaluation.counties):
        return None
    # The leader reads the city's figures and the counties over the warning line in words; every county's figures
    # in one table (a table longer than a page goes to the annex).
    counties = evaluation.counties
    households = sum(c.households for c in counties)
    not_met = sum(c.not_met for c in counties)
    monitored = sum(c.monitored for c in counties)
    warned = [c.name for c in counties if c.warning]
    parts = [f"全市建档立卡户{households:,}户，{year}年核查未达标{not_met:,}户，监测对象{monitored:,}户"
             + (f"，{len(warned)}个区县（市）超过预警线。" if warned else "。")]
    for c in counties:
        if not c.warning:
            continue
        text = (f"{c.name}建档立卡户{c.households}户，{year}年核查未达标{c.not_met}户，"
                f"监测对象{c.monitored}户（占{(c.monitored_share or 0) * 100:.1f}%），超过预警线")
        if c.outbound_rate is not None:
            text += f"，贫困劳动力外出务工率{c.outbound_rate * 100:.1f}%"
        parts.append(text + "。")
    rows = {r.code: r for r in board.county_board(year, day, evaluation)}
    table = Table("各区县（市）脱贫攻坚情况", ["区县（市）", "建档立卡户", "未达标", "监测对象", "监测占比", "扶贫项目",
                                      "已开工", "帮扶到岗", "未销号", "逾期"],
                  ["text", "int", "int", "int", "percent", "int", "int", "text", "int", "int"])
    for c in counties:
        r = rows.get(c.code)
        table.rows.append([c.name, c.households, c.not_met, c.monitored,
                           c.monitored_share, r.projects if r else None, r.projects_started if r else None,
                           f"{r.helpers_on_site}/{r.helpers}" if r and r.helpers else "—", r.findings_open if r else None,
                           r.findings_overdue if r else None])
    open_findings = sum(r.findings_open for r in rows.values())
    if open_findings:
        parts.append(f"问题整改未销号{open_findings}个（逾期{sum(r.findings_overdue for r in rows.values())}个）。")
    census = board.census(day)
    if census.items and census.days_left > 0:
        parts.append(f"距国家脱贫攻坚普查还有{census.days_left}天，普查准备事项完成{census.done}/{census.items}项"
                     + (f"，逾期未完成{len(census.late)}项。" if census.late else "。"))
    return Section("脱贫攻坚情况", parts, [table])
