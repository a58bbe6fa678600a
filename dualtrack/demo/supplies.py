"""The demo's anti-epidemic supplies (防疫物资, DOMAIN.md §17), 1 February to 30 April 2020, deterministic.

Three depots: the city's emergency reserve (市级应急物资储备库, kept by 市应急管理局), 丰和市's depot and the 经信局's
reserve for restarted enterprises. They receive from every source: the province's allocations (上级调拨), donations,
the local mask lines taken into the reserve (本地生产) and purchases. Requests come from the hospitals (the
卫健委's units and the counties' people's hospitals), city operation (transport, power, water and gas, city
management), key enterprises and key projects, the townships' and villages' checkpoints, ordinary restarted firms
and the public's mask reservations (batch counts). An enterprise asks at most once in 7 days and within its cap
(workers on duty by its latest report × 2 masks × 15 days); by late April the enterprises have been issued about
5万 masks and 1000 kg of disinfectant (seed 003). Most requests are committed and issued in full within a day or
two; some in two tranches; in the week of 13–19 February, when resumption jumps and the receipts lag, masks cover
under 3 days of need and the requests of that week are committed in part, topped up when the province's next
allocation arrives; a couple stay partly committed; a few lines committed in late April are not fully issued
after their needed-by day (overdue on 30 April: the worker's step raises their tasks).

Everything is written through the capability's own actions (``supplies.actions``: the cap, the interval, what is
available and what is committed are checked on every row, each row audited), day by day in the order it happened:
the day's receipts, its requests, its commitments, its issues. Quantities scale with the city's size (a smaller
demo city keeps the same story at its scale); the masks received are sized from the city's own workers on duty.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import math
import random
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dualtrack.core import dates
from dualtrack.core.actors import Actor

START = dt.date(2020, 2, 1)
END = dt.date(2020, 4, 30)
LOW_WEEK = (dt.date(2020, 2, 13), dt.date(2020, 2, 19))  # masks under 3 days of cover
FULL_CITY = 20000  # enterprises of the full demo city: the quantities below are its
ENTERPRISE_MASKS = 52_600  # issued to enterprises by late April: 口罩5万多只 (seed 003)
ENTERPRISE_LIQUID = 1_080  # 消毒液1000多公斤
COVER = {"before": (3.4, 3.9), "low": (2.0, 2.4), "after": (3.6, 4.6)}  # (receive below, up to) days of need
ALLOCATIONS = (dt.date(2020, 2, 2), dt.date(2020, 2, 6), dt.date(2020, 2, 10), dt.date(2020, 2, 20),
               dt.date(2020, 2, 27), dt.date(2020, 3, 6), dt.date(2020, 3, 17), dt.date(2020, 4, 3))

DEPOTS = [("CK01", "市级应急物资储备库", "YJGL"), ("CK02", "丰和市应急物资仓库", ""),
          ("CK03", "市经信局复工防疫物资储备点", "")]
CITY_DEPOT, COUNTY_DEPOT, OFFICE_DEPOT = "CK01", "CK02", "CK03"
DEPOT_COUNTY = "339181"  # 丰和市

# (applicant code, the unit's name, what for): the 卫健委's units by the department's code; the counties' people's
# hospitals by the county's
HOSPITALS = [("WJW", "市第一人民医院", "发热门诊、隔离病区医护人员防护"), ("WJW", "市第二人民医院", "发热门诊、隔离病区医护人员防护"),
             ("WJW", "市中医院", "预检分诊、发热门诊医护人员防护"), ("WJW", "市疾病预防控制中心", "流调、采样人员防护")]
HOSPITAL_DAYS = [dt.date(2020, 2, 3), dt.date(2020, 2, 12), dt.date(2020, 2, 21), dt.date(2020, 3, 4),
                 dt.date(2020, 3, 20), dt.date(2020, 4, 15)]
COUNTY_HOSPITALS = ["339181", "339121", "339182"]
COUNTY_HOSPITAL_DAYS = [dt.date(2020, 2, 5), dt.date(2020, 2, 18), dt.date(2020, 3, 11)]
CITY_UNITS = [("JTJ", "市交通运输局（公交、出租、客运站）", ["KZ", "XDY", "JJ"]),
              ("GDGS", "国网宁江供电公司（抢修保供）", ["KZ", "XDY", "CWQ"]),
              ("ZJJ", "市住房和城乡建设局（供水、燃气保障）", ["KZ", "XDY"]),
              ("339100", "市城市管理局（环卫、市容执法）", ["KZ", "XDY", "JJ"])]
CITY_DAYS = [dt.date(2020, 2, 4), dt.date(2020, 2, 16), dt.date(2020, 3, 10)]
PUBLIC_COUNTIES = ["339102", "339103", "339104", "339105", "339106"]
PUBLIC_DAYS = [dt.date(2020, 2, 7), dt.date(2020, 2, 14), dt.date(2020, 2, 24), dt.date(2020, 3, 6)]
TOWNS = 16  # townships' checkpoints asking (twice each), with 4 villages of 青溪县 (once)
GRASSROOTS_DAYS = [dt.date(2020, 2, 2), dt.date(2020, 2, 9), dt.date(2020, 2, 15), dt.date(2020, 2, 26),
                   dt.date(2020, 3, 12), dt.date(2020, 4, 8)]
# the full city's quantity of each item in a request of a kind (before the city's scale and a draw of 0.6–1.4)
BASE = {"medical": {"KZ": 24000, "FHF": 900, "JJ": 400, "XDY": 250, "CWQ": 20},
        "county_medical": {"KZ": 9000, "FHF": 300, "JJ": 150, "XDY": 120},
        "city": {"KZ": 12000, "XDY": 400, "JJ": 200, "CWQ": 30},
        "grassroots": {"KZ": 3000, "XDY": 60, "CWQ": 8},
        "project": {"XDY": 40, "CWQ": 4}}
MASKS_PER_RESERVATION = 5
UNITS = {"KZ": "只", "XDY": "公斤", "JJ": "瓶", "FHF": "套", "CWQ": "把"}
FLOOR = {"KZ": 50, "XDY": 5, "JJ": 5, "FHF": 5, "CWQ": 1}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈任姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国红梅飞鹏辉斌宇浩凯健俊帆帅旭宁瑞晨雪琳颖倩婷"


@dataclass
class Move:
    """A planned commitment or issue of a line: its day and quantity."""

    day: dt.date
    quantity: int


@dataclass
class PlannedLine:
    item: str
    requested: int
    needed_by: dt.date
    depot: str
    fate: str = ""  # the request's unless this line goes its own way
    commits: list[Move] = field(default_factory=list)
    issues: list[Move] = field(default_factory=list)
    desired: float = 0  # an enterprise's draw before the city's totals are reached
    cap: int | None = None  # an enterprise's cap on the request day (items used per head)


@dataclass
class PlannedRequest:
    day: dt.date
    kind: str
    applicant: str
    name: str  # the unit's own name ("" for the registry's)
    note: str
    actor: str | None  # a demo login; None: the demo's system actor (the enterprises without a login)
    fate: str  # complete, split, topped, short, overdue, committed, new
    lines: list[PlannedLine]
    enterprise: int | None = None
    code: str = ""


@dataclass
class PlannedReceipt:
    day: dt.date
    depot: str
    item: str
    source: str
    quantity: int
    note: str


@dataclass
class Firm:
    pk: int
    uscc: str
    name: str
    county: str
    key: bool
    reports: list[tuple[dt.date, bool, int]] = field(default_factory=list)  # by date

    def latest(self, day: dt.date) -> tuple[dt.date, bool, int] | None:
        """Its latest report on or before ``day`` (``resumption.services.latest_report_on``)."""
        index = bisect.bisect_right([r[0] for r in self.reports], day)
        return self.reports[index - 1] if index else None

    def first_resumed(self) -> dt.date | None:
        return next((d for d, resumed, workers in self.reports if resumed and workers > 0), None)


def _stable(text: str, salt: str) -> float:
    return int(hashlib.sha256(f"{salt}:{text}".encode()).hexdigest()[:8], 16) / 0x100000000


def _days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def nice(value: float, floor: int = 1) -> int:
    """A quantity as people ask for it: two significant figures (12345 → 12000, 87 → 87), at least ``floor``."""
    if value < floor:
        return floor
    digits = max(0, int(math.log10(value)) - 1)
    return max(floor, int(round(value / 10 ** digits)) * 10 ** digits)


def _ceil(value: float, unit: int) -> int:
    return int(math.ceil(value / unit)) * unit


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _n in range(rng.choice((1, 2, 2))))


# --- the city as the supplies see it ------------------------------------------------------------------------------


def firms() -> dict[int, Firm]:
    """The active enterprises with their resumption reports (one read)."""
    from dualtrack.registry.models import Enterprise
    from dualtrack.resumption.models import ResumptionReport

    found = {pk: Firm(pk, uscc, name, county, key) for pk, uscc, name, county, key in Enterprise.objects.filter(
        is_active=True).values_list("pk", "uscc", "name", "county__code", "is_key")}
    for pk, day, resumed, workers in ResumptionReport.objects.order_by("enterprise_id", "date").values_list(
            "enterprise_id", "date", "resumed", "workers_on_duty"):
        if pk in found:
            found[pk].reports.append((day, resumed, workers))
    return found


def daily_need(found: dict[int, Firm], first: dt.date, last: dt.date) -> dict[dt.date, int]:
    """Masks needed a day: Σ workers on duty of the enterprises resumed on the day (their latest report carried
    forward, ``resumption.services.workers_on_duty_on``) × 2."""
    delta: dict[dt.date, int] = defaultdict(int)
    for firm in found.values():
        before = 0
        for day, resumed, workers in firm.reports:
            now = workers if resumed else 0
            delta[max(day, first)] += now - before
            before = now
    need, running = {}, 0
    for day in _days(first, last):
        running += delta.get(day, 0)
        need[day] = running * 2
    return need


# --- the requests -------------------------------------------------------------------------------------------------


class Planner:
    """Every request of the demo with its lines and what was committed and issued of each, by day."""

    def __init__(self, seed: int, scale: float, last: dt.date, found: dict[int, Firm]) -> None:
        self.rng = random.Random(seed * 13 + 17)
        self.scale, self.last, self.firms = scale, last, found
        self.requests: list[PlannedRequest] = []

    def quantity(self, item: str, base: float) -> int:
        return nice(base * self.scale * self.rng.uniform(0.6, 1.4), FLOOR[item])

    def add(self, day: dt.date, kind: str, applicant: str, name: str, note: str, actor: str | None, fate: str,
            lines: list[PlannedLine], enterprise: int | None = None) -> PlannedRequest | None:
        if day > self.last:
            return None
        request = PlannedRequest(day, kind, applicant, name, note, actor, fate, lines, enterprise)
        self.requests.append(request)
        return request

    def fate(self, day: dt.date) -> str:
        """What became of a request of ``day``: in the week of short cover a part is committed and topped up when
        the next allocation arrives; else mostly all at once, some in two tranches."""
        if LOW_WEEK[0] - dt.timedelta(days=1) <= day <= LOW_WEEK[1]:
            return "topped"
        return "split" if self.rng.random() < 0.2 else "complete"

    def lines(self, kind: str, day: dt.date, depot: str, items: Iterable[str], lead: tuple[int, int] = (1, 3),
              factor: float = 1.0) -> list[PlannedLine]:
        needed_by = day + dt.timedelta(days=self.rng.randint(*lead))
        return [PlannedLine(item, self.quantity(item, BASE[kind][item] * factor), needed_by, depot)
                for item in items]

    # the kinds, each on its own days

    def medical(self) -> None:
        for number, (code, name, note) in enumerate(HOSPITALS):
            for day in HOSPITAL_DAYS:
                day += dt.timedelta(days=number % 2)
                items = ["KZ", "FHF", "JJ", "XDY"] + (["CWQ"] if day < dt.date(2020, 2, 10) else [])
                factor = 0.5 if "疾病" in name else 1.0
                self.add(day, "medical", code, name, note, "hq", self.fate(day),
                         self.lines("medical", day, CITY_DEPOT, items, (1, 2), factor))
        from dualtrack.registry.models import Region

        names = dict(Region.objects.filter(code__in=COUNTY_HOSPITALS).values_list("code", "name"))
        for county in COUNTY_HOSPITALS:
            if county not in names:
                continue
            depot = COUNTY_DEPOT if county == DEPOT_COUNTY else CITY_DEPOT
            for day in COUNTY_HOSPITAL_DAYS:
                self.add(day, "medical", county, f"{names[county]}人民医院", "预检分诊、发热门诊防护", "hq",
                         self.fate(day), self.lines("county_medical", day, depot, ["KZ", "FHF", "JJ", "XDY"], (1, 3)))

    def city(self) -> None:
        for number, (code, name, items) in enumerate(CITY_UNITS):
            for day in CITY_DAYS:
                day += dt.timedelta(days=number % 3)
                self.add(day, "city", code, name, "一线值守、运营人员防护和场所消杀", "hq", self.fate(day),
                         self.lines("city", day, CITY_DEPOT, items, (1, 3)))

    def public(self) -> None:
        from dualtrack.registry.models import Region

        names = dict(Region.objects.filter(code__in=PUBLIC_COUNTIES).values_list("code", "name"))
        operators = self.operators()
        for county in PUBLIC_COUNTIES:
            if county not in names:
                continue
            for batch, day in enumerate(PUBLIC_DAYS, start=1):
                day += dt.timedelta(days=PUBLIC_COUNTIES.index(county) % 2)
                people = max(10, nice(8000 * self.scale * self.rng.uniform(0.6, 1.4)))
                line = PlannedLine("KZ", people * MASKS_PER_RESERVATION, day + dt.timedelta(days=2), CITY_DEPOT)
                self.add(day, "public", county, f"{names[county]}口罩预约第{batch}批",
                         f"预约{people}人次，每人{MASKS_PER_RESERVATION}只，定点药店发放", operators.get(county, "hq"),
                         self.fate(day), [line])

    def operators(self) -> dict[str, str]:
        """A county's own operator asks for its townships, villages and batches (the rest: HQ)."""
        from dualtrack.accounts.models import User

        return {county: username for username, county in User.objects.filter(
            role="district", is_active=True, park__isnull=True, county__isnull=False).order_by(
            "username").values_list("username", "county__code")}

    def grassroots(self) -> None:
        from dualtrack.registry.models import Region

        operators = self.operators()
        towns = list(Region.objects.filter(level="township").order_by("code").values_list("code", "parent__code"))
        villages = list(Region.objects.filter(level="village", parent__parent__code="339121").order_by(
            "code").values_list("code", "parent__parent__code"))
        chosen = sorted(towns, key=lambda t: _stable(t[0], "supplies-town"))[:TOWNS]
        chosen += sorted(villages, key=lambda v: _stable(v[0], "supplies-village"))[:4]
        for number, (code, county) in enumerate(chosen):
            depot = COUNTY_DEPOT if county == DEPOT_COUNTY else CITY_DEPOT
            days = GRASSROOTS_DAYS[number % 3::3] if number < TOWNS else [GRASSROOTS_DAYS[number % 4 + 1]]
            for day in days:
                items = ["KZ", "CWQ", "XDY"] if day < dt.date(2020, 2, 20) else ["KZ", "XDY"]
                self.add(day, "grassroots", code, "", "卡口值守、村（社区）防控人员防护", operators.get(county, "hq"),
                         self.fate(day), self.lines("grassroots", day, depot, items, (1, 3),
                                                    0.5 if number >= TOWNS else 1.0))

    def projects(self) -> None:
        from dualtrack.projects.models import Project, ProjectProgress

        liaison = self.liaison_projects()
        sites: dict[str, tuple[dt.date, int]] = {}
        for code, day, workers in ProjectProgress.objects.filter(resumed=True, workers_on_site__gt=0).order_by(
                "date").values_list("project__code", "date", "workers_on_site"):
            sites.setdefault(code, (day, workers))  # its first report on site
        projects = dict(Project.objects.filter(code__in=list(sites)).values_list("code", "county__code"))
        chosen = sorted(projects, key=lambda c: _stable(c, "supplies-project"))[:10]
        for code in chosen:
            first, workers = sites[code]
            day = max(first, dt.date(2020, 2, 10)) + dt.timedelta(days=self.rng.randint(0, 3))
            depot = COUNTY_DEPOT if projects[code] == DEPOT_COUNTY else OFFICE_DEPOT
            lines = [PlannedLine("KZ", nice(workers * 2 * 10 * max(self.scale, 0.05), 50),
                                 day + dt.timedelta(days=3), depot)]
            lines += self.lines("project", day, depot, ["XDY", "CWQ"])
            for line in lines:
                line.needed_by = lines[0].needed_by
            self.add(day, "key_project", code, "", "复工工地施工人员防护", "liaison" if code in liaison else None,
                     self.fate(day), lines)

    def liaison_projects(self) -> set[str]:
        from dualtrack.projects.models import Project

        return set(Project.objects.filter(liaison_officers__username="liaison").values_list("code", flat=True))

    def enterprises(self, own: int | None, liaison: set[int]) -> None:
        """Key enterprises and ordinary restarted firms, each soon after it resumed (some once more, a week or more
        later), each line of masks within its cap on the day."""
        resumed = [f for f in self.firms.values() if f.first_resumed() is not None]
        resumed.sort(key=lambda f: _stable(f.uscc, "supplies-firm"))
        key = [f for f in resumed if f.key and f.pk != own]
        ordinary = [f for f in resumed if not f.key]
        chosen = key[:max(4, round(25 * self.scale))] + ordinary[:max(8, round(45 * self.scale))]
        if own is not None and own in self.firms and self.firms[own].first_resumed() is not None:
            chosen.insert(0, self.firms[own])
        for number, firm in enumerate(chosen):
            first = self.firms[firm.pk].first_resumed()
            assert first is not None  # noqa: S101 - chosen among the resumed
            day = max(first, dt.date(2020, 2, 10)) + dt.timedelta(days=self.rng.randint(0, 5))
            days = [day]
            if firm.pk == own:
                days.append(day + dt.timedelta(days=7))  # the 8th day: the first on which it may ask again
            elif number % 5 == 2:
                days.append(day + dt.timedelta(days=self.rng.randint(8, 20)))
            for when in days:
                self.firm_request(firm, when, "enterprise" if firm.pk == own else
                                  "liaison" if firm.pk in liaison else None)

    def firm_request(self, firm: Firm, day: dt.date, actor: str | None, fate: str = "",
                     needed_by: dt.date | None = None) -> PlannedRequest | None:
        latest = firm.latest(day)
        if latest is None or not latest[1] or latest[2] <= 0 or day > self.last:
            return None
        workers = latest[2]
        cap = workers * 2 * 15
        needed_by = needed_by or day + dt.timedelta(days=self.rng.randint(2, 5))
        masks = PlannedLine("KZ", 0, needed_by, COUNTY_DEPOT if firm.county == DEPOT_COUNTY else OFFICE_DEPOT,
                            desired=cap * self.rng.uniform(0.3, 0.8), cap=cap)
        liquid = PlannedLine("XDY", 0, needed_by, masks.depot, desired=max(5.0, workers * self.rng.uniform(0.2, 0.6)))
        lines = [masks, liquid]
        kind = "key_enterprise" if firm.key else "resumed"
        note = "复工企业员工防护和厂区消杀" if not firm.key else "重点企业复工复产员工防护"
        return self.add(day, kind, firm.uscc, "", note, actor, fate or self.fate(day), lines, enterprise=firm.pk)

    def late_april(self, own: int | None, liaison: set[int]) -> None:
        """The last fortnight: a few lines committed and not fully issued after their needed-by day (overdue on 30
        April), and the requests still waiting (committed, not yet issued; or not yet committed)."""
        april = dt.date(2020, 4, 1)
        taken = {r.enterprise for r in self.requests if r.enterprise and r.day >= april}
        firms = [f for f in sorted(self.firms.values(), key=lambda f: _stable(f.uscc, "supplies-late"))
                 if f.pk not in taken and f.pk != own and (f.latest(april) or (april, False, 0))[2] > 0]
        late = [(dt.date(2020, 4, 21), False, "overdue"), (dt.date(2020, 4, 23), True, "overdue"),
                (dt.date(2020, 4, 28), False, "committed"), (dt.date(2020, 4, 29), True, "new")]
        for day, key, fate in late:
            firm = next((f for f in firms if f.key == key), None)
            if firm is not None:
                firms.remove(firm)
                self.firm_request(firm, day, "liaison" if firm.pk in liaison else None, fate,
                                  day + dt.timedelta(days=3))
        from dualtrack.projects.models import Project

        project = Project.objects.order_by("code").filter(county__code=DEPOT_COUNTY).first() or \
            Project.objects.order_by("code").first()
        if project is not None:
            day = dt.date(2020, 4, 22)
            depot = COUNTY_DEPOT if project.county.code == DEPOT_COUNTY else OFFICE_DEPOT
            lines = [PlannedLine("KZ", nice(2000 * max(self.scale, 0.1), 50), day + dt.timedelta(days=3), depot),
                     PlannedLine("XDY", nice(40 * max(self.scale, 0.1), 5), day + dt.timedelta(days=3), depot)]
            self.add(day, "key_project", project.code, "", "复工工地施工人员防护", None, "overdue", lines)
        self.add(dt.date(2020, 4, 24), "medical", "WJW", "市第二人民医院", "发热门诊医护人员防护", "hq", "complete",
                 [PlannedLine("KZ", self.quantity("KZ", 12000), dt.date(2020, 4, 26), CITY_DEPOT),
                  PlannedLine("FHF", self.quantity("FHF", 600), dt.date(2020, 4, 26), CITY_DEPOT, fate="overdue")])
        self.add(dt.date(2020, 4, 29), "medical", "WJW", "市第一人民医院", "发热门诊医护人员防护", "hq", "committed",
                 [PlannedLine("KZ", self.quantity("KZ", 12000), dt.date(2020, 5, 2), CITY_DEPOT),
                  PlannedLine("JJ", self.quantity("JJ", 300), dt.date(2020, 5, 2), CITY_DEPOT)])
        operators = self.operators()
        from dualtrack.registry.models import Region

        town = Region.objects.filter(level="township", parent__code=DEPOT_COUNTY).order_by("code").first()
        if town is not None:
            self.add(dt.date(2020, 4, 28), "grassroots", town.code, "", "卡口值守人员防护",
                     operators.get(DEPOT_COUNTY, "hq"), "new",
                     self.lines("grassroots", dt.date(2020, 4, 28), COUNTY_DEPOT, ["KZ", "XDY"], (2, 4)))

    def shortfalls(self) -> None:
        """Two requests of the short week whose lines were committed in part and never topped up (the rest was
        not needed any more): 部分承诺 to the end."""
        low = [r for r in self.requests if r.fate == "topped"]
        for kind, item in (("medical", "FHF"), ("resumed", "XDY")):
            request = next((r for r in low if r.kind == kind and any(line.item == item for line in r.lines)), None)
            if request is not None:
                next(line for line in request.lines if line.item == item).fate = "short"

    def totals(self, targets: dict[str, float]) -> None:
        """The enterprises' lines sized so that what was issued to them reaches the city's totals, each line of
        masks within its cap."""
        for item, target in targets.items():
            lines = [(line, ISSUED_SHARE.get(line.fate or r.fate, 0.0)) for r in self.requests
                     if r.enterprise is not None for line in r.lines if line.item == item and line.desired > 0]
            ratio = 1.0
            for _round in range(8):
                issued = sum(sized(line, ratio) * share for line, share in lines)
                if issued <= 0:
                    break
                ratio *= target / issued
            for line, _share in lines:
                line.requested = sized(line, ratio)

    def schedule(self) -> None:
        """Each line's commitments and issues, by its fate."""
        rng = random.Random(self.rng.random())
        for request in self.requests:
            commit_day = request.day + dt.timedelta(days=rng.choice((0, 0, 1)))
            for line in request.lines:
                fate = line.fate or request.fate
                line.fate = fate
                first = commit_day
                if fate == "complete":
                    line.commits = [Move(first, line.requested)]
                    line.issues = [Move(first + dt.timedelta(days=rng.choice((0, 0, 1))), line.requested)]
                elif fate == "split":
                    part = max(1, int(line.requested * rng.uniform(0.5, 0.7)))
                    line.commits = [Move(first, line.requested)]
                    line.issues = [Move(first, part), Move(first + dt.timedelta(days=rng.randint(2, 4)),
                                                           line.requested - part)]
                elif fate in ("topped", "short"):
                    part = max(1, int(line.requested * rng.uniform(0.5, 0.7)))
                    line.commits = [Move(first, part)]
                    line.issues = [Move(first, part)]
                    if fate == "topped" and part < line.requested:
                        later = max(LOW_WEEK[1] + dt.timedelta(days=rng.randint(1, 3)),
                                    first + dt.timedelta(days=rng.randint(2, 4)))
                        line.commits.append(Move(later, line.requested - part))
                        line.issues.append(Move(later, line.requested - part))
                elif fate == "overdue":
                    part = int(line.requested * rng.choice((0.0, 0.4, 0.5)))
                    line.commits = [Move(first, line.requested)]
                    line.issues = [Move(first + dt.timedelta(days=1), part)] if part else []
                elif fate == "committed":
                    line.commits = [Move(first, line.requested)]
            for line in request.lines:
                line.commits = [m for m in line.commits if m.day <= self.last and m.quantity > 0]
                committed = sum(m.quantity for m in line.commits)
                issues, issued = [], 0
                for move in line.issues:
                    if move.day <= self.last and move.quantity > 0 and issued + move.quantity <= committed:
                        issues.append(move)
                        issued += move.quantity
                line.issues = issues


def sized(line: PlannedLine, ratio: float) -> int:
    """An enterprise's line at ``ratio`` of its draw: masks in tens, within its cap; at least the item's floor."""
    unit = 10 if line.item == "KZ" else 1
    quantity = max(FLOOR[line.item], int(round(line.desired * ratio / unit)) * unit)
    return quantity if line.cap is None else max(1, min(quantity, line.cap))


ISSUED_SHARE = {"complete": 1.0, "split": 1.0, "topped": 1.0, "short": 0.6, "overdue": 0.3}


# --- the receipts -------------------------------------------------------------------------------------------------

SOURCE_NOTES = {"allocated": "省应急管理厅调拨", "donation": "社会捐赠", "local": "本地生产企业收储",
                "purchase": "政府集中采购"}
#: the depots' stock at the start (full city), then what each brings in when it runs short, and from where
OPENING = [(dt.date(2020, 2, 1), CITY_DEPOT, "FHF", "allocated", 3000), (dt.date(2020, 2, 1), CITY_DEPOT, "JJ",
                                                                        "allocated", 4000),
           (dt.date(2020, 2, 1), CITY_DEPOT, "XDY", "allocated", 3000), (dt.date(2020, 2, 1), CITY_DEPOT, "CWQ",
                                                                         "donation", 300),
           (dt.date(2020, 2, 4), COUNTY_DEPOT, "KZ", "allocated", 30000), (dt.date(2020, 2, 4), COUNTY_DEPOT, "XDY",
                                                                           "allocated", 400),
           (dt.date(2020, 2, 4), COUNTY_DEPOT, "CWQ", "donation", 60), (dt.date(2020, 2, 4), COUNTY_DEPOT, "FHF",
                                                                        "allocated", 300),
           (dt.date(2020, 2, 4), COUNTY_DEPOT, "JJ", "donation", 300),
           (dt.date(2020, 2, 8), OFFICE_DEPOT, "KZ", "local", 20000), (dt.date(2020, 2, 8), OFFICE_DEPOT, "XDY",
                                                                       "local", 500),
           (dt.date(2020, 2, 8), OFFICE_DEPOT, "CWQ", "purchase", 120)]
RESTOCK = {"KZ": 10000, "XDY": 300, "JJ": 1000, "FHF": 800, "CWQ": 60}


def restock_source(depot: str, item: str, day: dt.date) -> str:
    if depot == OFFICE_DEPOT:
        return "local" if item in ("KZ", "XDY", "JJ") and day.toordinal() % 3 else "purchase"
    if depot == COUNTY_DEPOT:
        return ("allocated", "donation", "local")[day.toordinal() % 3] if item == "KZ" else \
            ("allocated", "donation")[day.toordinal() % 2]
    if day in ALLOCATIONS:
        return "allocated"
    made_here = item in ("KZ", "XDY", "JJ", "FHF")  # the local lines (masks, disinfectant, alcohol, gowns)
    if day < dt.date(2020, 3, 1):
        return ("donation", "allocated", "local" if made_here and item != "FHF" else "donation")[day.toordinal() % 3]
    return ("purchase", "local" if made_here else "purchase", "donation")[day.toordinal() % 3]


def cover_source(day: dt.date) -> str:
    """Where the city's reserve of masks came from on ``day``: the province's allocations on their days; before
    the local lines run, donations; then the local lines (most days) and, from March, purchases."""
    if day in ALLOCATIONS:
        return "allocated"
    if day < dt.date(2020, 2, 10):
        return "donation"
    if day >= dt.date(2020, 3, 1) and day.toordinal() % 2:
        return "purchase"
    return "local" if day.toordinal() % 5 else "donation"


def plan_receipts(requests: list[PlannedRequest], need: dict[dt.date, int], scale: float,
                  last: dt.date) -> tuple[list[PlannedReceipt], dict[dt.date, float | None]]:
    """The receipts, day by day: the opening stock, a depot's restocking when a commitment would exceed what it
    has available, and the city's reserve of masks kept at a few days of need (received when it falls under the
    lower bound, up to the upper), except in the short week, when the receipts lag. Returns the receipts and the
    masks' days of cover each day."""
    commits: dict[dt.date, list[tuple[str, str, int]]] = defaultdict(list)
    issues: dict[dt.date, list[tuple[str, str, int]]] = defaultdict(list)
    for request in requests:
        for line in request.lines:
            for move in line.commits:
                commits[move.day].append((line.depot, line.item, move.quantity))
            for move in line.issues:
                issues[move.day].append((line.depot, line.item, move.quantity))
    received: dict[tuple[str, str], int] = defaultdict(int)
    committed: dict[tuple[str, str], int] = defaultdict(int)
    issued: dict[tuple[str, str], int] = defaultdict(int)
    receipts: dict[tuple[dt.date, str, str, str], int] = defaultdict(int)
    opening = defaultdict(list)
    for day, depot, item, source, quantity in OPENING:
        opening[day].append((depot, item, source, nice(quantity * scale, FLOOR[item])))
    kz_unit = 10 ** max(2, int(math.log10(max(need.values(), default=0) or 1)) - 3)
    first_low, last_low = LOW_WEEK
    cover: dict[dt.date, float | None] = {}

    def receive(day: dt.date, depot: str, item: str, source: str, quantity: int) -> None:
        receipts[(day, depot, item, source)] += quantity
        received[(depot, item)] += quantity

    for day in _days(START, last):
        for depot, item, source, quantity in opening.get(day, []):
            receive(day, depot, item, source, quantity)
        for depot, item, quantity in commits.get(day, []):
            available = received[(depot, item)] - committed[(depot, item)]
            if quantity > available:
                unit = kz_unit if item == "KZ" else 10
                more = _ceil(max(quantity - available, nice(RESTOCK[item] * scale, FLOOR[item])), unit)
                receive(day, depot, item, restock_source(depot, item, day), more)
            committed[(depot, item)] += quantity
        for depot, item, quantity in issues.get(day, []):
            issued[(depot, item)] += quantity
        on_hand = sum(received[(d, "KZ")] - issued[(d, "KZ")] for d, _n, _k in DEPOTS)
        today, tomorrow = need.get(day, 0), need.get(day + dt.timedelta(days=1), 0)
        if today == 0 and tomorrow > 0:  # the day before the first reports: the province's first allocation
            receive(day, CITY_DEPOT, "KZ", "allocated", _ceil(max(0, COVER["before"][1] * tomorrow - on_hand),
                                                              kz_unit))
        elif today > 0:
            phase = "before" if day < first_low else "low" if day <= last_low else "after"
            low, high = COVER[phase]
            target = high * today
            if phase == "before":  # never so much that the jump of the short week's first day leaves 3 days
                target = min(target, 2.8 * need.get(first_low, today))
            if on_hand < low * today or (phase == "after" and day == last_low + dt.timedelta(days=1)):
                more = _ceil(max(0, target - on_hand), kz_unit)
                if more > 0:
                    receive(day, CITY_DEPOT, "KZ", cover_source(day), more)
        on_hand = sum(received[(d, "KZ")] - issued[(d, "KZ")] for d, _n, _k in DEPOTS)
        cover[day] = round(on_hand / today, 1) if today else None
    planned = [PlannedReceipt(day, depot, item, source, quantity, SOURCE_NOTES[source])
               for (day, depot, item, source), quantity in sorted(receipts.items()) if quantity > 0]
    return planned, cover


# --- writing ------------------------------------------------------------------------------------------------------


def plan(seed: int, last: dt.date) -> tuple[list[PlannedRequest], list[PlannedReceipt], dict[dt.date, float | None],
                                            float]:
    from dualtrack.accounts.models import User

    found = firms()
    scale = min(1.0, len(found) / FULL_CITY) if found else 1.0
    own = User.objects.filter(username="enterprise").values_list("enterprise_id", flat=True).first()
    liaison = set(User.objects.filter(username="liaison").values_list("assigned_enterprises", flat=True)) - {None}
    planner = Planner(seed, scale, last, found)
    planner.medical()
    planner.city()
    planner.public()
    planner.grassroots()
    planner.projects()
    planner.enterprises(own, liaison)
    planner.late_april(own, liaison)
    planner.shortfalls()
    planner.totals({"KZ": ENTERPRISE_MASKS * scale, "XDY": ENTERPRISE_LIQUID * scale})
    planner.schedule()
    requests = sorted(planner.requests, key=lambda r: (r.day, r.kind, r.applicant))
    need = daily_need(found, START, END)
    receipts, cover = plan_receipts(requests, need, scale, last)
    return requests, receipts, cover, scale


def write(requests: list[PlannedRequest], receipts: list[PlannedReceipt], seed: int, last: dt.date,
          actor: Actor) -> dict[str, int]:
    """Day by day through the actions: the day's receipts, its requests, its commitments, its issues."""
    from dualtrack.accounts.models import User
    from dualtrack.supplies import actions

    users = {u.username: u for u in User.objects.filter(username__in=[
        "hq", "jingxin", "enterprise", "liaison", *{r.actor for r in requests if r.actor}])}
    office = users["jingxin"]
    for code, name, department in DEPOTS:
        actions.save_depot(office, code, name, department)
    rng = random.Random(seed * 17 + 3)
    receivers: dict[str, str] = {}  # one receiver per applicant (the unit's storekeeper)
    by_day: dict[dt.date, list[PlannedReceipt]] = defaultdict(list)
    for receipt in receipts:
        by_day[receipt.day].append(receipt)
    made: dict[int, Any] = {}  # id(request) → the SupplyRequest
    lines: dict[tuple[int, str], Any] = {}
    counts = {"receipts": 0, "requests": 0, "lines": 0, "commitments": 0, "issues": 0}
    moves: dict[dt.date, list[tuple[str, PlannedRequest, PlannedLine, Move]]] = defaultdict(list)
    for request in requests:
        for line in request.lines:
            for move in line.commits:
                moves[move.day].append(("commit", request, line, move))
            for move in line.issues:
                moves[move.day].append(("issue", request, line, move))
    todays: dict[dt.date, list[PlannedRequest]] = defaultdict(list)
    for request in requests:
        todays[request.day].append(request)
    for day in _days(START, last):
        for receipt in by_day.get(day, []):
            actions.receive(office, actions.NewReceipt(day, receipt.depot, receipt.item, receipt.source,
                                                       receipt.quantity, note=receipt.note))
            counts["receipts"] += 1
        for request in todays.get(day, []):
            spec = actions.NewRequest(request.kind, request.applicant, [
                actions.NewLine(line.item, line.requested, line.needed_by) for line in request.lines],
                date=day, applicant_name=request.name, note=request.note)
            saved = actions.request(users[request.actor] if request.actor else actor, spec)
            made[id(request)] = saved
            request.code = saved.code
            for row in saved.lines.select_related("item"):
                lines[(id(request), row.item.code)] = row
            counts["requests"] += 1
            counts["lines"] += len(request.lines)
        for kind in ("commit", "issue"):
            for what, request, line, move in moves.get(day, []):
                if what != kind:
                    continue
                row = lines[(id(request), line.item)]
                if kind == "commit":
                    actions.commit(office, row, line.depot, move.quantity, on=day)
                    counts["commitments"] += 1
                else:
                    receiver = receivers.setdefault(request.applicant, _person(rng))
                    actions.issue(office, row, line.depot, move.quantity, receiver, on=day)
                    counts["issues"] += 1
    return counts


def load(seed: int, log: Any, actor: Actor) -> None:
    """Load the demo's supplies (once: a second run leaves them as they are), then run the worker's step on the
    last day (overdue requests raise their tasks)."""
    from dualtrack.supplies import services
    from dualtrack.supplies.models import Receipt, SupplyRequest

    last = min(END, dates.today())
    if last < START:
        return
    if SupplyRequest.objects.exists() or Receipt.objects.exists():
        log("  supplies: already loaded")
    else:
        started = time.monotonic()
        requests, receipts, cover, _scale = plan(seed, last)
        counts = write(requests, receipts, seed, last, actor)
        low = [day for day, days in sorted(cover.items()) if days is not None and days < 3]
        enterprise_masks = sum(m.quantity for r in requests if r.enterprise is not None for line in r.lines
                               if line.item == "KZ" for m in line.issues)
        log(f"  supplies: {counts['receipts']} receipts, {counts['requests']} requests ({counts['lines']} lines), "
            f"{counts['commitments']} commitments, {counts['issues']} issues; {enterprise_masks} masks issued to "
            f"enterprises; masks under 3 days of cover on {len(low)} days "
            f"({low[0].isoformat() if low else '-'} – {low[-1].isoformat() if low else '-'}); "
            f"{time.monotonic() - started:.1f} s")
    log(f"  supplies step: {services.escalate_overdue()}")
