"""The demo's investment promotion (DOMAIN.md §14): about 150 leads over 2019–2020 across the counties and parks (a
few from top-500 firms), their activities (online negotiation 云招商 takes over after February 2020), funds arrived,
and the 2020 targets. Written as the four import files and imported as HQ would."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any

from .city import COUNTIES, PARKS

HEADERS = {
    "leads": ["线索编号", "项目名称", "投资方", "投资方类别", "行业代码", "计划投资", "区划代码", "园区代码", "信息来源", "第一信息人",
              "首席服务员", "阶段", "签约日期", "开工日期", "登记日期"],
    "lead_activities": ["日期", "线索编号", "类型", "说明"],
    "fund_arrivals": ["月份", "线索编号", "到位资金"],
    "investment_targets": ["年度", "范围代码", "签约总额目标", "大项目门槛", "大项目数目标"],
}
KINDS = [("新能源汽车零部件", "C36"), ("集成电路封测", "C39"), ("生物医药", "C27"), ("冷链物流", "G59"), ("数据中心", "I65"),
         ("高端装备", "C34"), ("新材料", "C26"), ("文旅综合体", "R90"), ("总部经济", "L72"), ("智能家电", "C38")]
INVESTORS = [("世界500强", "某跨国集团"), ("中国500强", "某央企"), ("民营500强", "某民营集团"), ("服务业500强", "某商贸集团"),
             ("新经济500强", "某科技公司"), ("其他", "某实业公司"), ("其他", "某投资公司"), ("其他", "某制造公司")]
OFFICERS = {"339102": "jiangbei", "339106": "binhai", "339121": "qingxi", "GXQ": "gaoxin"}
STAGES = ["线索", "洽谈", "签约意向", "正式签约", "注册", "供地", "开工", "投产", "终止"]
END = dt.date(2020, 4, 30)


def rows(seed: int) -> dict[str, list[list[Any]]]:
    rng = random.Random(seed * 19 + 5)
    out: dict[str, list[list[Any]]] = {name: [] for name in HEADERS}
    parks = {county: code for code, _name, county in PARKS}
    for number in range(1, 151):
        county = rng.choice(COUNTIES).code
        park = parks.get(county, "") if rng.random() < 0.5 else ""
        kind, industry = rng.choice(KINDS)
        klass, investor = rng.choice(INVESTORS) if rng.random() < 0.2 else ("其他", rng.choice(INVESTORS)[1])
        amount = round(rng.lognormvariate(1.6, 0.8), 2)
        stage = rng.choices(STAGES, [12, 18, 14, 18, 8, 6, 14, 4, 6])[0]
        first = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(480))
        signed = started = ""
        if STAGES.index(stage) >= 3 and stage != "终止":
            signed_day = min(first + dt.timedelta(days=rng.randint(20, 200)), END - dt.timedelta(days=5))
            signed = signed_day.isoformat()
            if stage in ("开工", "投产"):
                started = min(signed_day + dt.timedelta(days=rng.randint(30, 240)), END).isoformat()
        code = f"ZS{first.year}-{number:04d}"
        out["leads"].append([code, f"{kind}项目", f"{investor}{number % 37}号", klass, industry, f"{amount:.2f}", county, park,
                             rng.choice(["商会推介", "以商招商", "驻外招商", "网上洽谈会", "中介推荐"]),
                             f"{rng.choice('王李张刘陈杨')}{rng.choice('明华军芳强丽')}",
                             OFFICERS.get(park or county, ""), stage, signed, started, first.isoformat()])
        day = first
        while day <= END:
            online = day >= dt.date(2020, 2, 1) and rng.random() < 0.7
            kind_name = "线上洽谈" if online else rng.choice(["外出拜访", "来访", "推介会"])
            if signed and day.isoformat() == signed:
                kind_name = "签约仪式"
            out["lead_activities"].append([day.isoformat(), code, kind_name, "云招商视频洽谈" if online else ""])
            day += dt.timedelta(days=rng.randint(12, 70) if stage not in ("终止",) else 400)
        if signed:
            month = dt.date.fromisoformat(signed).replace(day=1)
            while month <= END.replace(day=1) and rng.random() < 0.8:
                out["fund_arrivals"].append([f"{month:%Y-%m}", code, f"{amount * rng.uniform(0.03, 0.12):.2f}"])
                month = (month + dt.timedelta(days=32)).replace(day=1)
    out["investment_targets"].append([2020, "339100", "600", "10", 12])
    for each in COUNTIES:
        out["investment_targets"].append([2020, each.code, f"{rng.randint(40, 90)}", "10", rng.randint(1, 3)])
    for code, _name, _county in PARKS:
        out["investment_targets"].append([2020, code, f"{rng.randint(30, 60)}", "10", rng.randint(1, 2)])
    return out


def write(folder: Path, seed: int) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, data in rows(seed).items():
        path = folder / f"investment-{name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS[name])
            writer.writerows(data)
        paths[name] = path
    return paths


BID_KINDS = ["中央预算内投资", "地方政府专项债券", "省级专项"]


def write_bids(folder: Path, seed: int, project_codes: list[str]) -> Path:
    """争资: each of the projects bid for one or two funds in 2019 and in 2020 (2020's partly still pending)."""
    rng = random.Random(seed * 23 + 7)
    path = folder / "investment-fund_bids.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["项目代码", "年度", "资金类别", "申请金额", "获得金额", "状态"])
        for code in project_codes:
            for year in (2019, 2020):
                for kind in rng.sample(BID_KINDS, rng.choice([1, 1, 2])):
                    requested = rng.randrange(500, 20000 if year == 2019 else 30000, 100)
                    state = rng.choices(["已获批", "未获批", "申报中"], [6, 3, 0 if year == 2019 else 4])[0]
                    won = round(requested * rng.uniform(0.4, 1.0), -2) if state == "已获批" else ""
                    writer.writerow([code, year, kind, requested, won, state])
    return path


def groundbreakings(seed: int, new_projects: list[tuple[str, Any]]) -> list[tuple[dt.date, str, str, list[str]]]:
    """Two 集中开工 events of 2020 with the new projects planned to start around them."""
    rng = random.Random(seed * 29 + 11)
    events = [(dt.date(2020, 3, 6), "2020年第一批重大项目集中开工活动", "高新区主会场（线上直播连线各分会场）"),
              (dt.date(2020, 4, 18), "2020年第二批重大项目集中开工活动", "滨海区主会场")]
    codes = [code for code, _planned in sorted(new_projects, key=lambda p: (p[1] or dt.date.max, p[0]))]
    rng.shuffle(codes)
    half = max(1, min(12, len(codes) // 2))
    return [(day, title, place, chosen) for (day, title, place), chosen in
            zip(events, (codes[:half], codes[half:2 * half]), strict=True) if chosen]
