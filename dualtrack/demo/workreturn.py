"""The demo's point-to-point worker return campaign (DOMAIN.md §12): 10 February to 15 March 2020, about 40
enterprises' demand, 1,500 workers from six origin counties outside the city (some registered poor labourers),
about 60 trips, a few refusals at boarding and late or missing receipts. Written as the seven import files and
imported through the import framework, as the bureau would."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any

from dualtrack.core.dates import SHANGHAI

ORIGINS = [("640402", "宁夏固原市原州区"), ("640422", "宁夏固原市西吉县"), ("640423", "宁夏固原市隆德县"),
           ("640424", "宁夏固原市泾源县"), ("640425", "宁夏固原市彭阳县"), ("522622", "贵州黔东南州黄平县")]
SURNAMES = "马王李张杨海田苏白刘罗龙吴杨"
GIVEN = "建国军强明华平伟勇海军红霞兰梅芳涛斌"
POSITIONS = ["普工", "装配工", "焊工", "操作工", "包装工"]
HEADERS = {
    "labour_demand": ["统一社会信用代码", "岗位", "需求人数", "来源地区划代码", "需到岗日期", "来源地名称"],
    "workers": ["登记编号", "姓名", "手机号", "身份证号", "户籍村代码", "意向企业信用代码", "贫困劳动力", "健康证明类型", "证明日期"],
    "trips": ["车次编号", "出发地区划代码", "目的企业信用代码", "出发时间", "车牌号", "核载座位", "带队人", "出发地名称"],
    "trip_manifest": ["车次编号", "登记编号"],
    "boardings": ["登记编号", "车次编号", "上车时间", "体温"],
    "arrivals": ["车次编号", "到达时间"],
    "receipts": ["登记编号", "回执时间"],
}


def _id_number(rng: random.Random, county: str) -> str:
    body = f"{county}{rng.randint(1970, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def rows(seed: int, enterprises: list[str]) -> dict[str, list[list[Any]]]:
    """The files' rows; ``enterprises`` are the receiving enterprises' credit codes (the first is the demo
    enterprise login's, so it sees its workers arrive)."""
    rng = random.Random(seed * 13 + 17)
    out: dict[str, list[list[Any]]] = {name: [] for name in HEADERS}
    demand: dict[tuple[str, str], int] = {}
    number = 0
    start = dt.datetime(2020, 2, 12, 7, 0, tzinfo=SHANGHAI)  # local times, written as such
    for trip_no in range(60):
        origin, origin_name = ORIGINS[trip_no % len(ORIGINS)]
        uscc = enterprises[trip_no % len(enterprises)]
        seats = rng.choice([49, 53, 55])
        departure = start + dt.timedelta(days=trip_no * 26 // 60, hours=rng.choice([0, 1, 2]))
        code = f"DDD2020-{trip_no + 1:03d}"
        plate = f"宁D{rng.randint(10000, 99999)}"
        out["trips"].append([code, origin, uscc, f"{departure:%Y-%m-%d %H:%M}", plate, seats,
                             f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}", origin_name])
        passengers = seats // 2 - rng.randint(0, 2)
        arrival = departure + dt.timedelta(hours=rng.randint(26, 34))
        late_trip = trip_no % 17 == 5
        for _seat in range(passengers):
            number += 1
            worker = f"DDD-{number:05d}"
            village = f"{origin}{rng.randint(100, 120):03d}{rng.randint(200, 230):03d}"
            attested = departure.date() - dt.timedelta(days=rng.randint(2, 10))
            if number % 97 == 0:
                attested = departure.date() - dt.timedelta(days=15)  # too old: refused at boarding
            out["workers"].append([worker, f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(GIVEN)}",
                                   f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}", _id_number(rng, origin),
                                   village, uscc, "是" if rng.random() < 0.18 else "否",
                                   rng.choice(["14天无外出证明", "健康证明", "健康码绿码"]), f"{attested:%Y-%m-%d}"])
            out["trip_manifest"].append([code, worker])
            temperature = "37.4" if number % 131 == 0 else f"{rng.uniform(36.1, 36.9):.1f}"
            boarded = departure - dt.timedelta(minutes=rng.randint(10, 40))
            out["boardings"].append([worker, code, f"{boarded:%Y-%m-%d %H:%M}", temperature])
            refused = number % 97 == 0 or number % 131 == 0
            if refused or number % 113 == 0:  # refused, or the receipt never came back
                continue
            late = late_trip and rng.random() < 0.3
            receipt = arrival + dt.timedelta(days=rng.choice([5, 6]) if late else rng.choice([0, 1, 1, 2]),
                                             hours=rng.randint(1, 8))
            out["receipts"].append([worker, f"{receipt:%Y-%m-%d %H:%M}"])
        out["arrivals"].append([code, f"{arrival:%Y-%m-%d %H:%M}"])
        key = (uscc, origin)
        demand[key] = demand.get(key, 0) + passengers
    for index, ((uscc, origin), count) in enumerate(sorted(demand.items())):
        name = dict(ORIGINS)[origin]
        out["labour_demand"].append([uscc, POSITIONS[index % len(POSITIONS)], int(count * 1.2) + 1, origin,
                                     "2020-02-20" if index % 2 else "2020-03-01", name])
    # Registered at home, not yet on a bus (poor labourers waiting for work among them).
    for extra in range(60):
        origin, _name = ORIGINS[extra % len(ORIGINS)]
        number += 1
        out["workers"].append([f"DDD-{number:05d}", f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}",
                               f"13{rng.randint(100000000, 999999999)}", _id_number(rng, origin),
                               f"{origin}{rng.randint(100, 120):03d}{rng.randint(200, 230):03d}", enterprises[extra % 5],
                               "是" if extra % 3 == 0 else "否", "健康码绿码", "2020-03-12"])
    return out


def write(folder: Path, seed: int, enterprises: list[str]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, data in rows(seed, enterprises).items():
        path = folder / f"worker-return-{name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS[name])
            writer.writerows(data)
        paths[name] = path
    return paths
