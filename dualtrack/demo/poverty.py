"""The demo's registered poor households (DOMAIN.md §13): villages under the townships of 青溪县 (挂牌督战, 深度贫困)
and 安平县, about 3,000 households with 2019 and 2020 checks and their labourers. Written as the import files
(villages through the regions dataset) and imported as the poverty office would."""

from __future__ import annotations

import csv
import random
import zlib
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
    "labourers": ["户编号", "姓名", "务工状态", "务工地", "上年外出", "身份证号"],
    "helpers": ["村代码", "姓名", "职务", "工作队", "派出单位", "到岗日期"],
    "inspection_teams": ["督战队编号", "督战队名称", "乡镇代码", "队长", "队员人数", "专职队员人数"],
    "poverty_findings": ["问题编号", "问题来源", "村代码", "户编号", "问题描述", "发现日期", "整改时限(工作日)"],
}
UNITS = ["市发展改革委", "市财政局", "市农业农村局", "市人力社保局", "市住房城乡建设局", "市卫生健康委", "市教育局", "市水利局"]
FINDINGS = {  # what the inspections found, by the failed condition (the household's) or for the village
    "housing": "住房等级{grade}级，危房改造未完成", "medical": "家庭成员未参加基本医疗保险", "water": "饮水不稳定，季节性缺水",
    "income": "收入测算偏低，产业帮扶措施未落实", "education": "适龄子女辍学，未落实控辍保学",
}
VILLAGE_FINDINGS = ["村级帮扶台账不全，一户一策未更新", "扶贫项目资产未确权登记", "驻村工作队考勤记录不全", "产业扶贫资金拨付滞后"]


def _id(rng: random.Random, county: str) -> str:
    body = f"{county}{rng.randint(1950, 1995)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def rows(seed: int, townships: dict[str, list[tuple[str, str]]]) -> dict[str, list[list[Any]]]:
    """``townships``: county code → its townships (code, name), as the demo registry has them."""
    rng = random.Random(seed * 31 + 7)
    ids = random.Random(seed * 31 + 8)  # the labourers' ID numbers, apart: adding them moved no household
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
                                                    grade, "2020-04-20"])  # 逐户排查 during the epidemic
                    for worker in range(rng.choice([0, 1, 1, 2])):
                        away_before = rng.random() < 0.7
                        status = rng.choices(["已外出", "在家待岗", "就近就业"],
                                             [0.55, 0.3, 0.15] if away_before else [0.1, 0.4, 0.5])[0]
                        name = f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{_second(code, worker)}"
                        out["labourers"].append([code, name, status,
                                                 "宁江市" if status == "已外出" else "", "是" if away_before else "否",
                                                 _id(ids, county)])
    _command(seed, townships, out)
    return out


SECOND = "才林生民安玉英成文忠志光"  # a given name's second character (no digits: a name reads as a name)


def _second(household: str, worker: int) -> str:
    """A labourer's second given-name character, from the household's code and the labourer's place in it: two
    labourers of one household never share a name (the dataset's key is the household and the name), and no
    random draw is taken, so the rest of the demo stays as it was."""
    return SECOND[(zlib.crc32(household.encode()) + worker) % len(SECOND)]


def _command(seed: int, townships: dict[str, list[tuple[str, str]]], out: dict[str, list[list[Any]]]) -> None:
    """Help teams (a 第一书记 and two members per village; a few not yet back after the Spring Festival), one 督战队
    per township of 青溪县 and two of 安平县 (8, two short of full-time members), and the findings of 督战 and
    巡视回头看 in March and April, tied to households failing a guarantee or to a village."""
    rng = random.Random(seed * 31 + 9)
    for county in COUNTIES:
        for town_code, town_name in townships[county]:
            for v in range(1, 6):
                village = f"{town_code}{200 + v:03d}"
                unit = rng.choice(UNITS)
                taken: set[str] = set()
                for post, count in (("第一书记", 1), ("工作队员", 2)):
                    for _i in range(count):
                        late = rng.random() < (0.12 if county == "339121" else 0.06)
                        arrived = "" if late else f"2020-02-{rng.randint(10, 28):02d}"
                        name = f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN)}"
                        while name in taken:  # one name per village (the dataset's key)
                            name = f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN)}"
                        taken.add(name)
                        out["helpers"].append([village, name,
                                               post, f"{unit}驻{town_name[:2]}{'东西南北中'[v - 1]}村工作队", unit,
                                               arrived])
    teams = [(town_code, town_name) for town_code, town_name in townships["339121"]][:6] + \
        [(town_code, town_name) for town_code, town_name in townships["339122"]][:2]
    for number, (town_code, town_name) in enumerate(teams, start=1):
        members = rng.randint(4, 7)
        full_time = 2 if number in (3, 7) else rng.randint(3, members)
        out["inspection_teams"].append([f"DZD-{number:02d}", f"{town_name}督战队", town_code,
                                        f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN)}", members,
                                        full_time])
    failing = {}  # household → (village, its 2020 check row)
    villages = {h[0]: h[3] for h in out["households"]}
    for check in out["household_checks"]:
        if check[1] != 2020:
            continue
        failed = [key for key, flag in zip(["food", "clothing", "education", "medical", "housing", "water"], check[5:11],
                                           strict=True) if flag == "否"]
        if check[11] in "CD":
            failed.append("housing")
        if failed:
            failing[check[0]] = (villages[check[0]], failed[0], check[11])
    number = 0
    days = ["2020-03-09", "2020-03-16", "2020-03-23", "2020-04-07", "2020-04-13", "2020-04-20", "2020-04-27"]
    for household, (village, reason, grade) in sorted(failing.items())[:90]:
        number += 1
        source = "督战" if number % 3 else "巡视回头看"
        text = FINDINGS.get(reason, FINDINGS["income"]).format(grade=grade)
        out["poverty_findings"].append([f"ZG2020-{number:04d}", source, village, household, text,
                                        days[number % len(days)], 5 if reason != "housing" else 20])
    for i, village in enumerate(sorted({h[3] for h in out["households"]})[::9]):
        number += 1
        out["poverty_findings"].append([f"ZG2020-{number:04d}", "成效考核" if i % 2 else "督战", village, "",
                                        VILLAGE_FINDINGS[i % 4], days[i % len(days)], 10])


def homecoming(labourers: list[list[Any]], villages: dict[str, str], enterprises: list[str]) -> dict[str, list[list[Any]]]:
    """Three point-to-point trips (§12) in March from 青溪县 bring back 60 of its poor labourers who were waiting at
    home: the worker-return files, whose ID numbers are the labourers'. The war map counts them as 已外出."""
    waiting = [row for row in labourers if row[2] == "在家待岗" and row[4] == "是" and row[0].startswith("339121")][:60]
    out: dict[str, list[list[Any]]] = {name: [] for name in (
        "trips", "workers", "trip_manifest", "boardings", "arrivals", "receipts")}
    for trip_no in range(3):
        code, uscc = f"DDD2020-QX{trip_no + 1}", enterprises[trip_no % len(enterprises)]
        day = f"2020-03-{10 + trip_no * 2:02d}"
        out["trips"].append([code, "339121", uscc, f"{day} 07:30", f"浙K{31200 + trip_no}", 49, "青溪县人社局", "青溪县"])
        out["arrivals"].append([code, f"{day} 10:40"])
        for seat, row in enumerate(waiting[trip_no * 20:(trip_no + 1) * 20]):
            worker = f"DDD-QX{trip_no + 1}{seat:02d}"
            out["workers"].append([worker, row[1], f"139{int(row[5][6:14]) % 10**8:08d}", row[5], villages[row[0]], uscc,
                                   "是", "健康码绿码", f"2020-03-0{5 + trip_no}"])
            out["trip_manifest"].append([code, worker])
            out["boardings"].append([worker, code, f"{day} 07:10", "36.5"])
            out["receipts"].append([worker, f"{day} 16:00"])
    return out


def write(folder: Path, seed: int, townships: dict[str, list[tuple[str, str]]]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, data in rows(seed, townships).items():
        if name not in HEADERS:
            continue
        path = folder / f"poverty-{name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS[name])
            writer.writerows(data)
        paths[name] = path
    return paths


def write_homecoming(folder: Path, seed: int, townships: dict[str, list[tuple[str, str]]],
                     enterprises: list[str]) -> dict[str, Path]:
    """The homecoming trips' worker-return files (in the order they are imported)."""
    from .workreturn import HEADERS as RETURN_HEADERS

    data = rows(seed, townships)
    villages = {h[0]: h[3] for h in data["households"]}
    paths = {}
    for name, lines in homecoming(data["labourers"], villages, enterprises).items():
        path = folder / f"poverty-homecoming-{name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(RETURN_HEADERS[name])
            writer.writerows(lines)
        paths[name] = path
    return paths
