"""The demo's registered poor households (DOMAIN.md §13): villages under the townships of 青溪县 (挂牌督战, 深度贫困)
and 安平县, about 3,000 households with 2019 and 2020 checks and their labourers. Written as the import files
(villages through the regions dataset) and imported as the poverty office would."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

COUNTIES = ["339121", "339122"]
CAUSES = ["因病", "因残", "缺技术", "缺劳力", "因学", "缺资金", "自身发展动力不足"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林"
GIVEN = "福贵德荣顺发春秋兰梅华明强军"
HEADERS = {
    "regions": ["区划代码", "名称", "上级代码", "层级"],
    "households": ["户编号", "户主姓名", "身份证号", "村代码", "人口数", "户类型", "识别年度", "致贫原因", "帮扶责任人"],
    "household_checks": ["户编号", "年度", "人均纯收入", "上年人均纯收入", "刚性支出", "不愁吃", "不愁穿", "义务教育", "基本医疗",
                         "住房安全", "饮水安全", "住房等级", "核查日期"],
    "labourers": ["户编号", "姓名", "务工状态", "务工地", "上年外出"],
}


def _id(rng: random.Random, county: str) -> str:
    body = f"{county}{rng.randint(1950, 1995)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def rows(seed: int, townships: dict[str, list[tuple[str, str]]]) -> dict[str, list[list[Any]]]:
    """``townships``: county code → its townships (code, name), as the demo registry has them."""
    rng = random.Random(seed * 31 + 7)
    out: dict[str, list[list[Any]]] = {name: [] for name in HEADERS}
    number = 0
    for county in COUNTIES:
        for town_code, town_name in townships[county]:
            for v in range(1, 6):
                village = f"{town_code}{200 + v:03d}"
                out["regions"].append([village, f"{town_name[:2]}{'东西南北中'[v - 1]}村", town_code, "村"])
                for _h in range(22):
                    number += 1
                    code = f"{village}-{number:05d}"
                    members = rng.randint(1, 6)
                    kind = rng.choices(["脱贫户", "贫困户", "边缘户"], [0.8, 0.12, 0.08])[0]
                    out["households"].append([code, f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN)}",
                                              _id(rng, county), village, members, kind, rng.randint(2014, 2019),
                                              rng.choice(CAUSES), f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}"])
                    last = rng.uniform(5200, 14000) if kind != "贫困户" else rng.uniform(3500, 6500)
                    hit = rng.random() < (0.35 if county == "339121" else 0.2)  # the epidemic cut off work away
                    income = last * (rng.uniform(0.55, 0.78) if hit else rng.uniform(0.95, 1.2))
                    grade = rng.choices("ABCD", [0.5, 0.44, 0.05, 0.01])[0]
                    guarantees = ["是"] * 6
                    if rng.random() < 0.02:
                        guarantees[3] = "否"  # basic medical care
                    if rng.random() < 0.015:
                        guarantees[5] = "否"  # safe water
                    rigid = f"{rng.uniform(0, last * members * 1.3):.2f}" if rng.random() < 0.1 else ""
                    out["household_checks"].append([code, 2019, f"{last:.2f}", f"{last * 0.9:.2f}", "", "是", "是", "是",
                                                    "是", "是", "是", grade, "2019-11-20"])
                    out["household_checks"].append([code, 2020, f"{income:.2f}", f"{last:.2f}", rigid, *guarantees,
                                                    grade, "2020-06-15"])
                    for worker in range(rng.choice([0, 1, 1, 2])):
                        away_before = rng.random() < 0.7
                        status = rng.choices(["已外出", "在家待岗", "就近就业"],
                                             [0.55, 0.3, 0.15] if away_before else [0.1, 0.4, 0.5])[0]
                        out["labourers"].append([code, f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{worker}", status,
                                                 "宁江市" if status == "已外出" else "", "是" if away_before else "否"])
    return out


def write(folder: Path, seed: int, townships: dict[str, list[tuple[str, str]]]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, data in rows(seed, townships).items():
        path = folder / f"poverty-{name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS[name])
            writer.writerows(data)
        paths[name] = path
    return paths
