"""About 300 demo key projects (25 province-level, 275 city-level; continuing and new) with monthly plans
for 2020 and weekly progress reports through the demo period, as files for the ``projects``,
``project_plans`` and ``project_progress`` datasets. Deterministic for a seed."""

from __future__ import annotations

import calendar
import datetime as dt
import random
from typing import Any

from .city import COUNTIES

HEADERS = [("code", "项目代码"), ("name", "项目名称"), ("level", "项目级别"), ("nature", "建设性质"),
           ("county_code", "区划代码"), ("responsible_unit", "责任单位"), ("contact_leader", "联系领导"),
           ("total_investment", "总投资"), ("annual_plan", "年度计划投资"), ("planned_start", "计划开工日期"),
           ("planned_completion", "计划竣工日期"), ("owner_uscc", "业主统一社会信用代码"), ("stage", "项目阶段"),
           ("longitude", "经度"), ("latitude", "纬度"), ("poverty", "扶贫项目"), ("actual_completion", "实际竣工日期"),
           ("actual_operation", "实际投产日期")]
PLAN_HEADERS = [("code", "项目代码"), ("month", "月份"), ("planned_cumulative", "计划累计完成投资")]
PROGRESS_HEADERS = [("date", "日期"), ("code", "项目代码"), ("resumed", "是否复工"), ("workers_on_site", "在岗人数"),
                    ("completed_cumulative", "累计完成投资"), ("physical_progress", "形象进度")]

UNITS = ["市发展和改革委员会", "市经济和信息化局", "市交通运输局", "市住房和城乡建设局", "市农业农村局",
         "市文化广电旅游体育局", "市自然资源和规划局", "市商务局", "市卫生健康委员会"]
LEADERS = ["李明", "刘洋", "王芳", "陈军", "赵刚", "孙丽"]
KINDS = [("产业园", "工业"), ("智能制造基地", "工业"), ("物流中心", "物流"), ("快速路", "交通"), ("大桥", "交通"),
         ("安置房", "民生"), ("人民医院新院区", "民生"), ("学校", "民生"), ("污水处理厂", "环保"), ("文旅综合体", "文旅"),
         ("数据中心", "新基建"), ("5G基站群", "新基建"), ("港区码头", "交通"), ("现代农业园", "农业"), ("综合管廊", "市政")]
# Planned share of the annual plan completed by the end of each month of 2020 (Spring Festival in January).
MONTH_SHARE = [0.03, 0.06, 0.14, 0.23, 0.32, 0.42, 0.51, 0.60, 0.70, 0.80, 0.90, 1.0]
DEMO_END = dt.date(2020, 4, 30)
RESUMPTION_DEADLINE = dt.date(2020, 3, 15)


def generate(owners_by_county: dict[str, list[str]], seed: int, count: int = 300) -> tuple[list[dict[str, Any]],
                                                                                           list[dict[str, Any]],
                                                                                           list[dict[str, Any]]]:
    rng = random.Random(seed * 7 + 300)
    projects, plans, progress = [], [], []
    for number in range(count):
        index = rng.randrange(len(COUNTIES))
        county = COUNTIES[index]
        province = number < 25
        level = ("省重点" if number < 18 else "省大中型") if province else ("市重大" if number < 70 else "市重点")
        nature = "续建" if rng.random() < 0.65 else "新开工"
        kind, _sector = rng.choice(KINDS)
        total = round(rng.lognormvariate(10.3, 0.9) * (3 if province else 1), -1)  # 万元
        annual = round(total * rng.uniform(0.18, 0.38), -1)
        code = f"2020-{county.code}-{rng.randint(10, 99)}-0{rng.randint(1, 3)}-{number + 1:06d}"
        planned_start = (dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(600))) if nature == "续建" else \
            dt.date(2020, 2, 1) + dt.timedelta(days=rng.randrange(120))
        col, row = index % 5, index // 5
        owners = owners_by_county.get(county.code) or []
        projects.append({
            "code": code, "name": f"{county.name}{kind}{'一期' if rng.random() < 0.5 else '二期'}工程",
            "level": level, "nature": nature, "county_code": county.code,
            "responsible_unit": rng.choice(UNITS) if rng.random() < 0.7 else f"{county.name}人民政府",
            "contact_leader": rng.choice(LEADERS), "total_investment": f"{total:.0f}", "annual_plan": f"{annual:.0f}",
            "planned_start": planned_start.isoformat(),
            "planned_completion": (planned_start + dt.timedelta(days=rng.randint(500, 1400))).isoformat(),
            "owner_uscc": rng.choice(owners) if owners and rng.random() < 0.6 else "",
            "stage": "在建" if nature == "续建" else "前期",
            "longitude": f"{120.2 + col * 0.22 + rng.uniform(0.05, 0.17):.5f}",
            "latitude": f"{29.2 + row * 0.242 + rng.uniform(0.05, 0.19):.5f}",
        })
        if rng.random() < 0.04:
            continue  # no plan rows: listed as missing data
        start_month = 1 if nature == "续建" else planned_start.month
        for month in range(1, 13):
            if month < start_month:
                continue
            share = MONTH_SHARE[month - 1] if nature == "续建" else \
                (month - start_month + 1) / (13 - start_month)
            plans.append({"code": code, "month": f"2020-{month:02d}", "planned_cumulative": f"{annual * share:.0f}"})
        progress.extend(_progress(rng, code, nature, planned_start, annual, start_month))
    _flag_poverty_projects(projects)
    _mark_milestones(projects)
    return projects, plans, progress


def _mark_milestones(projects: list[dict[str, Any]]) -> None:
    """Every 12th 续建 project was completed in March or April 2020 and every other of those is in operation by the
    end of April (竣工一批、投产一批 on the 四个一批 board); chosen by position, so the random draws are unchanged."""
    continuing = [row for row in projects if row["nature"] == "续建"]
    for number, row in enumerate(continuing[::12]):
        completed = dt.date(2020, 3, 2) + dt.timedelta(days=(4 * number) % 60)  # never past 30 April
        row["actual_completion"], row["stage"] = completed.isoformat(), "竣工"
        if number % 2 == 1 and completed + dt.timedelta(days=20) <= dt.date(2020, 4, 30):
            row["actual_operation"], row["stage"] = (completed + dt.timedelta(days=20)).isoformat(), "投产"
    for row in projects:
        row.setdefault("actual_completion", "")
        row.setdefault("actual_operation", "")


POVERTY_KINDS = ["扶贫车间", "光伏扶贫电站", "农村饮水安全巩固提升工程", "易地扶贫搬迁安置点配套", "特色产业基地",
                 "产业路", "村级冷链仓储", "农村危房改造"]
POVERTY_COUNTIES = ("339121", "339122")  # 青溪县 (挂牌督战) and 安平县, where the registered poor households live


def _flag_poverty_projects(projects: list[dict[str, Any]]) -> None:
    """The first 15 projects of the two poverty counties are poverty projects (扶贫项目, §13): named as such, in the
    same rows (the random draws, and so every other project, are unchanged)."""
    number = 0
    for row in projects:
        row["poverty"] = "否"
        if row["county_code"] in POVERTY_COUNTIES and number < 15:
            county_name = row["name"][:3]  # 青溪县, 安平县
            row["name"] = f"{county_name}{POVERTY_KINDS[number % len(POVERTY_KINDS)]}{'一期' if number < 8 else '二期'}"
            row["poverty"] = "是"
            number += 1


def _plan_on(day: dt.date, annual: float, nature: str, start_month: int) -> float:
    def cumulative(month: int) -> float:
        if month < 1 or month < start_month:
            return 0.0
        return annual * (MONTH_SHARE[month - 1] if nature == "续建" else (month - start_month + 1) / (13 - start_month))

    previous, current = cumulative(day.month - 1), cumulative(day.month)
    return previous + (current - previous) * day.day / calendar.monthrange(day.year, day.month)[1]


def _progress(rng: random.Random, code: str, nature: str, planned_start: dt.date, annual: float,
              start_month: int) -> list[dict[str, Any]]:
    """Weekly reports (Fridays) from 7 February: not resumed until the project's resumption day, then
    completed investment tracking the plan at the project's own pace."""
    if nature == "续建":
        late = rng.random()
        resume = dt.date(2020, 2, 17) + dt.timedelta(days=rng.randrange(22)) if late < 0.9 else \
            (dt.date(2020, 3, 20) + dt.timedelta(days=rng.randrange(25)) if late < 0.97 else None)
    else:
        delay = rng.choice([0, 3, 5, 10, 14, 20, 25, 28, 45]) if rng.random() < 0.95 else None
        resume = planned_start + dt.timedelta(days=delay) if delay is not None else None
    pace = rng.choices([0.5, 0.7, 0.78, 0.85, 0.95, 1.0, 1.05, 1.15], weights=[1, 2, 2, 3, 4, 4, 3, 2])[0]
    rows = []
    day, completed = dt.date(2020, 2, 7), 0.0
    while day <= DEMO_END:
        resumed = resume is not None and day >= resume
        if resumed:
            completed = max(completed, _plan_on(day, annual, nature, start_month) * pace * rng.uniform(0.95, 1.05))
        rows.append({"date": day.isoformat(), "code": code, "resumed": "是" if resumed else "否",
                     "workers_on_site": rng.randint(40, 600) if resumed else rng.randint(0, 15),
                     "completed_cumulative": f"{completed:.0f}",
                     "physical_progress": "正常施工" if resumed else "未复工"})
        day += dt.timedelta(days=7)
    return rows
