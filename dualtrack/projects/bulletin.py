"""The key-projects section of the daily bulletin: resumption by level (省重点续建, 市重点续建), the highest
and lowest responsible units and counties, and the lights."""

from __future__ import annotations

from typing import Any

from .models import Project

TOP_RED = 10  # red projects named in the bulletin's text, the largest by investment


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def section(ctx: Any) -> Any:
    from dualtrack.bulletins.services import Section, Table, md

    from . import services

    projects = Project.objects.all()
    if not projects.exists():
        return None
    day = services.as_of(ctx.day)  # the projects' as-of day on the bulletin's day
    rows = services.lights_ensured(day).projects  # the stored whole-city lights of the day
    levels = services.level_summary(projects, day, rows)
    ranks = services.rankings(projects, day, rows)
    lights = services.light_counts(rows)
    parts = [f"{g['name']}项目{g['projects']}个，已复工{g['resumed']}个，复工率{_pct(g['rate'])}"
             for g in levels if g["projects"]]
    paragraphs = [f"截至{md(day)}，" + ("；".join(parts) + "。" if parts else "暂无省市重点续建项目。")]
    for kind, label in (("units", "责任单位"), ("counties", "区县（市）")):
        table = [g for g in ranks[kind] if g["rate"] is not None]
        if not table:
            continue
        sentence = f"按{label}看，"
        if ranks[f"{kind}_all_resumed"]:
            sentence += "、".join(ranks[f"{kind}_all_resumed"]) + "均100%复工；"
        else:
            sentence += f"复工率最高的是{table[0]['name']}（{_pct(table[0]['rate'])}）；"
        below = ranks[f"{kind}_below"]
        if below:
            sentence += "、".join(below) + f"复工率不到{ranks['low_rate'] * 100:.0f}%。"
        else:
            sentence += f"最低的是{table[-1]['name']}（{_pct(table[-1]['rate'])}）。"
        paragraphs.append(sentence)
    paragraphs.append(f"按投资完成进度亮灯：红灯{lights['red']}个，黄灯{lights['yellow']}个，绿灯{lights['green']}个"
                      + (f"，缺少计划数据{lights['missing_plan']}个" if lights["missing_plan"] else "") + "。")
    level_table = Table("重点项目复工情况", ["类别", "项目数", "已复工", "复工率", "在岗人数"],
                        ["text", "int", "int", "percent", "int"])
    for g in levels:
        level_table.rows.append([g["name"], g["projects"], g["resumed"], g["rate"], g["workers_on_site"]])
    unit_table = Table("责任单位排名", ["排名", "责任单位", "项目数", "应复工", "已复工", "复工率", "平均投资完成率"],
                       ["int", "text", "int", "int", "int", "percent", "percent"])
    for g in ranks["units"]:
        unit_table.rows.append([g["rank"], g["name"], g["projects"], g["due"], g["resumed"], g["rate"],
                                g["mean_ratio"]])
    # Lights by responsible unit and by county (in the annex); the three largest red projects named in the text, the ten
    # largest with their reasons and every red project in the annex (a city has hundreds: the core stays short).
    from dualtrack.registry import services as registry

    county_names = dict(registry.counties().values_list("pk", "name"))
    # whole 万元 as numbers (the bulletin is stored as JSON: a Decimal would come back as text)
    investment = {code: int(amount) for code, amount in projects.values_list("code", "total_investment")}
    light_tables: list[Any] = []
    for title, label, key in (("各责任单位项目亮灯情况", "责任单位", lambda r: r.responsible_unit),
                              ("各区县（市）项目亮灯情况", "区县（市）", lambda r: county_names.get(r.county_id, "—"))):
        counts: dict[str, dict[str, int]] = {}
        for r in rows:
            group = counts.setdefault(key(r), {"red": 0, "yellow": 0, "green": 0, "none": 0})
            group[r.light or "none"] += 1
        by_light = Table(title, [label, "项目数", "红灯", "黄灯", "绿灯", "未亮灯"],
                         ["text", "int", "int", "int", "int", "int"], annex=True)
        for name, c in sorted(counts.items(), key=lambda item: (-item[1]["red"], -item[1]["yellow"], item[0])):
            by_light.rows.append([name, sum(c.values()), c["red"], c["yellow"], c["green"], c["none"]])
        light_tables.append(by_light)
    red_rows = sorted((r for r in rows if r.light == "red"),
                      key=lambda r: (-(investment.get(r.code) or 0), r.code))
    top = Table(f"投资额最大的{min(TOP_RED, len(red_rows))}个红灯项目", ["项目代码", "项目名称", "责任单位", "总投资（万元）",
                                                                 "投资完成率", "原因"],
                ["text", "text", "text", "int", "percent", "text"], annex=True)
    for r in red_rows[:TOP_RED]:
        top.rows.append([r.code, r.name, r.responsible_unit, investment.get(r.code), r.progress_ratio,
                         r.reason_text])
    red = Table("红灯项目清单", ["项目代码", "项目名称", "责任单位", "区县（市）", "总投资（万元）", "投资完成率", "原因"],
                ["text", "text", "text", "text", "int", "percent", "text"], annex=True)
    for r in red_rows:
        red.rows.append([r.code, r.name, r.responsible_unit, county_names.get(r.county_id, "—"),
                         investment.get(r.code), r.progress_ratio, r.reason_text])
    tables = [level_table, unit_table, *light_tables]
    if red_rows:
        paragraphs.append(f"红灯项目中投资额最大的是{'、'.join(f'“{r.name}”' for r in red_rows[:3])}"
                          + ("等。" if len(red_rows) > 3 else "。"))
        tables += [top, red]
    return Section("重点项目推进情况", paragraphs, tables)
