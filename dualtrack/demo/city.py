"""A deterministic, realistic demo city (宁江市): counties, townships, parks, departments, enterprises.

Everything is generated from one ``random.Random(seed)``; the same seed gives the same city. The rows are
written as import files (the same CSV contracts a city's own data uses) and loaded through the import
framework, so the demo exercises the real path.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dualtrack.registry.validators import make_uscc

CITY = ("339100", "宁江市")


@dataclass(frozen=True)
class County:
    code: str
    name: str
    kind: str  # 区 / 县 / 县级市
    urban: bool
    weight: float  # share of the city's enterprises
    industry_bias: float  # 0 = services-heavy, 1 = industry-heavy


COUNTIES = [
    County("339102", "江北区", "区", True, 0.13, 0.35),
    County("339103", "江南区", "区", True, 0.12, 0.25),
    County("339104", "东湖区", "区", True, 0.10, 0.20),
    County("339105", "西山区", "区", True, 0.08, 0.45),
    County("339106", "滨海区", "区", False, 0.12, 0.75),
    County("339107", "临港区", "区", False, 0.09, 0.70),
    County("339121", "青溪县", "县", False, 0.07, 0.55),
    County("339122", "安平县", "县", False, 0.06, 0.50),
    County("339181", "丰和市", "县级市", False, 0.12, 0.80),
    County("339182", "云台市", "县级市", False, 0.11, 0.65),
]
PARKS = [
    ("GXQ", "宁江高新技术产业开发区", "339102"),
    ("JKQ", "宁江经济技术开发区", "339106"),
    ("ZBQ", "宁江综合保税区", "339107"),
    ("FHY", "丰和工业园区", "339181"),
]
DEPARTMENTS = [
    ("ZHB", "市疫情防控工作领导小组办公室"), ("FGW", "市发展和改革委员会"), ("JXJ", "市经济和信息化局"),
    ("RSJ", "市人力资源和社会保障局"), ("SWJ", "市商务局"), ("JTJ", "市交通运输局"), ("WJW", "市卫生健康委员会"),
    ("CZJ", "市财政局"), ("SWU", "国家税务总局宁江市税务局"), ("GDGS", "国网宁江供电公司"),
    ("SCJG", "市市场监督管理局"), ("ZJJ", "市住房和城乡建设局"), ("NYJ", "市农业农村局"),
    ("WGLT", "市文化广电旅游体育局"), ("ZRZY", "市自然资源和规划局"), ("STHJ", "市生态环境局"),
    ("YJGL", "市应急管理局"), ("JRB", "市地方金融监督管理局"), ("TJJ", "市统计局"), ("FPB", "市扶贫办"),
]
KEY_LISTS = [
    ("IND100", "百家重点工业企业"), ("SRV50", "五十家重点服务业企业"), ("TRADE200", "二百家重点外贸企业"),
    ("AGR30", "三十家农业龙头企业"),
]

_TOWN_SYLLABLES = "安宝长城大东丰福高古管禾和河横红湖华黄江金锦康兰梨良林柳龙梅南宁平浦桥青清泉仁瑞三山上石双水顺松塘桃天通万溪下仙新杏兴阳义永玉园云枣樟镇中竹"
_BRAND = ["华鑫", "恒达", "瑞丰", "永盛", "金桥", "宏远", "新华", "天成", "东方", "海纳", "明辉", "润泽", "鼎盛", "博远", "嘉禾", "信诚", "中天", "汇通", "腾飞", "友谊", "星光", "宝龙", "富春", "长荣", "万隆", "兴业", "正泰", "锦程", "华联", "百川", "合力", "四通", "联创", "高科", "先锋", "育才", "卓越", "安泰", "顺达", "鸿运", "凯旋", "康健"]
_INDUSTRY_WORDS: dict[str, list[str]] = {
    "A": ["农业开发", "生态农业", "种植", "水产养殖", "茶业", "果蔬"],
    "B": ["矿业", "石材"],
    "C": ["精密机械", "电子科技", "纺织", "服饰", "汽车零部件", "新材料", "化工", "塑业", "食品", "电器", "五金",
          "医药", "智能装备", "光电", "包装", "家具", "模具", "泵业", "阀门", "轴承"],
    "D": ["热电", "燃气", "水务"],
    "E": ["建设", "建工", "装饰工程", "市政工程"],
    "F": ["商贸", "贸易", "超市", "进出口", "百货"],
    "G": ["物流", "运输", "仓储", "快递"],
    "H": ["酒店", "餐饮管理", "宾馆", "饭店"],
    "I": ["网络科技", "软件", "信息技术", "数据服务"],
    "J": ["小额贷款", "融资担保"],
    "K": ["房地产开发", "物业管理"],
    "L": ["企业管理咨询", "人力资源", "广告", "会展服务"],
    "M": ["检测技术", "工程设计", "科技服务"],
    "N": ["环境治理", "园林绿化"],
    "O": ["家政服务", "汽车维修", "洗涤服务"],
    "P": ["培训学校", "教育咨询"],
    "Q": ["医院", "诊所", "养老服务"],
    "R": ["文化传媒", "影城", "健身", "旅游开发"],
}
_BRAND_CHARS = "安邦宝诚达鼎东丰富港广海汉豪恒宏华汇吉佳嘉建江金锦晶骏凯康科蓝力联隆龙茂美明鸣南宁鹏奇启千荣瑞润森晟盛世顺泰天通拓万威伟祥新鑫信星兴旭亚扬耀业奕益银永宇元源远跃泽展正志智中卓"
# Words that fit the manufacturing division (GB/T 4754 大类) of a firm's industry code.
_DIVISION_WORDS = {
    "13": ["食品", "粮油"], "14": ["食品", "乳业"], "15": ["酒业", "茶业", "饮品"], "17": ["纺织", "印染"],
    "18": ["服饰", "制衣"], "19": ["鞋业", "皮革"], "20": ["木业"], "21": ["家具"], "22": ["纸业", "包装"],
    "23": ["印务"], "24": ["文具", "工艺品"], "25": ["能源"], "26": ["化工", "新材料"], "27": ["医药", "药业"],
    "28": ["化纤"], "29": ["塑业", "橡胶制品"], "30": ["建材", "玻璃"], "31": ["钢铁", "特钢"], "32": ["铝业", "铜业"],
    "33": ["五金", "金属制品"], "34": ["机械", "泵业", "轴承", "阀门"], "35": ["智能装备", "专用设备"],
    "36": ["汽车零部件", "汽配"], "37": ["船舶", "轨道交通装备"], "38": ["电器", "电机", "电缆"],
    "39": ["电子科技", "光电", "通信设备"], "40": ["仪器仪表", "精密仪器"], "41": ["制品"], "42": ["再生资源"],
    "43": ["设备维修"],
}
_SERVICE_SECTIONS = ["F", "G", "H", "I", "L", "M", "K", "O", "R", "Q", "P", "J", "N"]
_SERVICE_WEIGHTS = [26, 12, 12, 8, 9, 6, 4, 8, 4, 3, 3, 1, 4]


def _divisions_by_section() -> dict[str, list[str]]:
    import json

    data = json.loads((Path(__file__).resolve().parent.parent / "registry" / "data" / "gbt4754_2017.json")
                      .read_text(encoding="utf-8"))
    result: dict[str, list[str]] = {}
    for item in data["items"]:
        if item["level"] == "division":
            result.setdefault(item["section"], []).append(item["code"])
    return result


@dataclass
class DemoCity:
    seed: int
    enterprise_count: int

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.divisions = _divisions_by_section()
        self.townships: dict[str, list[tuple[str, str]]] = {}

    # --- regions --------------------------------------------------------------------------
    def region_rows(self) -> list[dict[str, Any]]:
        rows = [{"code": CITY[0], "name": CITY[1], "parent_code": "", "level": "市", "urban": "否"}]
        rng = random.Random(self.seed * 7 + 1)
        used: set[str] = set()
        for county in COUNTIES:
            rows.append({"code": county.code, "name": county.name, "parent_code": CITY[0], "level": "县",
                         "urban": "是" if county.urban else "否"})
            towns = []
            count = 10 if county.urban else 14
            for index in range(count):
                while True:
                    name = "".join(rng.sample(_TOWN_SYLLABLES, 2))
                    if name not in used:
                        used.add(name)
                        break
                suffix = "街道" if county.urban or index < 3 else ("镇" if index < count - 2 else "乡")
                code = f"{county.code}{(1 if suffix == '街道' else 100 if suffix == '镇' else 200) + index:03d}"
                towns.append((code, name + suffix))
                rows.append({"code": code, "name": name + suffix, "parent_code": county.code, "level": "乡",
                             "urban": ""})
            self.townships[county.code] = towns
        return rows

    def park_rows(self) -> list[dict[str, Any]]:
        return [{"code": c, "name": n, "county_code": k} for c, n, k in PARKS]

    def department_rows(self) -> list[dict[str, Any]]:
        return [{"code": c, "name": n} for c, n in DEPARTMENTS]

    # --- enterprises ----------------------------------------------------------------------
    def _size_class(self, rng: random.Random) -> str:
        roll = rng.random()
        if roll < 0.10:
            return "规上工业"
        if roll < 0.17:
            return "限上服务业"
        if roll < 0.19:
            return "农业龙头"
        if roll < 0.90:
            return "规下"
        return "其他"

    def _section(self, rng: random.Random, size: str, county: County) -> str:
        if size == "规上工业":
            return "C" if rng.random() < 0.93 else rng.choice(["D", "B"])
        if size == "限上服务业":
            return rng.choices(_SERVICE_SECTIONS, _SERVICE_WEIGHTS)[0]
        if size == "农业龙头":
            return "A" if rng.random() < 0.6 else "C"
        if rng.random() < county.industry_bias * 0.55:
            return "C" if rng.random() < 0.85 else "E"
        return rng.choices(_SERVICE_SECTIONS, _SERVICE_WEIGHTS)[0]

    def _division(self, rng: random.Random, size: str, section: str) -> str:
        if size == "农业龙头" and section == "C":
            return rng.choice(["13", "14", "15"])
        return rng.choice(self.divisions[section])

    def _headcount(self, rng: random.Random, size: str) -> int:
        median = {"规上工业": 160, "限上服务业": 55, "农业龙头": 90, "规下": 12, "其他": 4}[size]
        value = int(rng.lognormvariate(math.log(median), 0.75))
        floor = {"规上工业": 20, "限上服务业": 10, "农业龙头": 15, "规下": 1, "其他": 0}[size]
        return max(floor, value)

    def _uscc(self, rng: random.Random, county_code: str, serial: int, size: str) -> str:
        if size == "其他" and serial % 23 == 0:
            prefix = "N2"  # 农村集体经济组织 registered by agriculture: the code begins with a letter
        elif size == "其他" and serial % 7 == 0:
            prefix = "93"  # 农民专业合作社
        else:
            prefix = "91"
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        body = "MA" + "".join(rng.choice(alphabet) for _ in range(6)) if rng.random() < 0.6 else \
            "".join(rng.choice("0123456789") for _ in range(8))
        org = body + _org_check(body)
        return make_uscc(prefix + county_code + org)

    def enterprise_rows(self) -> Iterator[dict[str, Any]]:
        rng = random.Random(self.seed * 31 + 7)
        if not self.townships:
            self.region_rows()
        county_weights = [c.weight for c in COUNTIES]
        parks_by_county = {k: c for c, _n, k in PARKS}
        seen_uscc: set[str] = set()
        seen_names: set[str] = set()
        account_serial = 0
        for serial in range(self.enterprise_count):
            county = rng.choices(COUNTIES, county_weights)[0]
            size = self._size_class(rng)
            section = self._section(rng, size, county)
            division = self._division(rng, size, section)
            industry_code = f"{section}{division}{rng.randint(1, 9)}{rng.randint(1, 9)}" if rng.random() < 0.7 \
                else f"{section}{division}"
            while True:
                uscc = self._uscc(rng, county.code, serial, size)
                if uscc not in seen_uscc:
                    seen_uscc.add(uscc)
                    break
            words = _DIVISION_WORDS.get(division, ["实业"]) if section == "C" else \
                _INDUSTRY_WORDS.get(section, ["实业"])
            form = "股份有限公司" if size == "规上工业" and rng.random() < 0.15 else "有限公司"
            if uscc.startswith("N2"):
                name = f"{rng.choice(self.townships[county.code])[1]}{rng.choice(_BRAND)}村股份经济合作社"
            elif uscc.startswith("93"):
                name = f"{county.name[:2]}{rng.choice(_BRAND)}{rng.choice(words)}专业合作社"
            else:
                brand = rng.choice(_BRAND) if rng.random() < 0.3 else "".join(rng.sample(_BRAND_CHARS, 2))
                name = f"{CITY[1][:2] if rng.random() < 0.3 else county.name[:2]}{brand}{rng.choice(words)}{form}"
            attempts = 0
            while name in seen_names:
                attempts += 1
                brand = "".join(rng.sample(_BRAND_CHARS, 3 if attempts < 20 else 4))
                name = f"{county.name[:2]}{brand}{rng.choice(words)}{form}"
            seen_names.add(name)
            park = ""
            if county.code in parks_by_county and section in ("C", "I", "M", "G") and rng.random() < 0.45:
                park = parks_by_county[county.code]
            accounts_n = 0 if size == "其他" and rng.random() < 0.5 else (
                rng.choice([1, 1, 2, 2, 3]) if size == "规上工业" else 1)
            accounts = []
            for _ in range(accounts_n):
                account_serial += 1
                accounts.append(f"33{county.code[4:]}{account_serial:07d}")
            headcount = self._headcount(rng, size)
            key = (size == "规上工业" and headcount >= 320) or (size == "限上服务业" and headcount >= 140) or \
                (size == "农业龙头" and headcount >= 180)
            yield {
                "uscc": uscc, "name": name, "county_code": county.code, "park_code": park,
                "industry_code": industry_code, "size_class": size, "normal_headcount": headcount,
                "key": "是" if key else "否", "power_accounts": ";".join(accounts),
                "established_on": f"{rng.randint(1985, 2019)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            }

    # --- geography ------------------------------------------------------------------------
    def county_geometries(self) -> dict[str, dict[str, Any]]:
        """A GeoJSON polygon per county: a jittered 5×2 grid whose neighbours share their borders."""
        rng = random.Random(self.seed * 13 + 5)
        cols, rows, lon0, lat0, step = 5, 2, 120.2, 29.2, 0.22
        points = [[(lon0 + i * step + (rng.uniform(-0.05, 0.05) if 0 < i < cols else 0),
                    lat0 + j * step * 1.1 + (rng.uniform(-0.05, 0.05) if 0 < j < rows else 0))
                   for j in range(rows + 1)] for i in range(cols + 1)]
        edges: dict[tuple[tuple[int, int], tuple[int, int]], list[tuple[float, float]]] = {}

        def edge(a: tuple[int, int], b: tuple[int, int]) -> list[tuple[float, float]]:
            key = (a, b) if a < b else (b, a)
            if key not in edges:
                (x1, y1), (x2, y2) = points[key[0][0]][key[0][1]], points[key[1][0]][key[1][1]]
                border = key[0][0] in (0, cols) and key[1][0] == key[0][0] or \
                    key[0][1] in (0, rows) and key[1][1] == key[0][1]
                line = []
                for t in (0.2, 0.4, 0.6, 0.8):
                    wobble = 0 if border else rng.uniform(-0.025, 0.025)
                    line.append((x1 + (x2 - x1) * t + wobble * (y2 - y1) / step,
                                 y1 + (y2 - y1) * t - wobble * (x2 - x1) / step))
                edges[key] = [points[key[0][0]][key[0][1]], *line, points[key[1][0]][key[1][1]]]
            path = edges[key]
            return path if key == (a, b) else list(reversed(path))

        shapes = {}
        for index, county in enumerate(COUNTIES):
            i, j = index % cols, index // cols
            ring: list[tuple[float, float]] = []
            for a, b in [((i, j), (i + 1, j)), ((i + 1, j), (i + 1, j + 1)), ((i + 1, j + 1), (i, j + 1)),
                         ((i, j + 1), (i, j))]:
                ring.extend(edge(a, b)[:-1])
            ring.append(ring[0])
            shapes[county.code] = {"type": "Polygon",
                                   "coordinates": [[[round(x, 5), round(y, 5)] for x, y in ring]]}
        return shapes


def _org_check(body: str) -> str:
    """GB 11714 organisation-code check character for 8 characters."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, weights, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def write_csv(path: Path, rows: Any, headers: list[tuple[str, str]]) -> int:
    """Write rows under Chinese headers (``key, header`` pairs) as UTF-8 with BOM, as Excel likes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([h for _k, h in headers])
        for row in rows:
            writer.writerow([row.get(k, "") for k, _h in headers])
            count += 1
    return count
