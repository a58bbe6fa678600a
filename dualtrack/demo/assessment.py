"""The demo's 亩均论英雄 (DOMAIN.md §18, #31 "Demo"), deterministic.

- **Land** (用地, 亩) for 2018, 2019 and 2020 of the city's manufacturing firms: every 规上工业 enterprise but a few
  that rent their workshops (no land row: T ``no_land``), and about half of the smaller manufacturing firms (a few
  of them under 3 亩, so not in the assessment); 5–300 亩 for the 规上, 3–20 亩 for most small ones; the operating
  day a few months after the firm was registered (registered in 2017 or later: operating since 2018 or later, T
  ``new`` in 2019).
- **Annual figures** (万元, 万千瓦时) for 2018 and 2019, plausible by size and industry: 亩均税收 mostly 5–40 万元/亩,
  亩均销售收入 100–800, tax about 5% of sales, power by the industry's intensity (steel, chemicals, paper, building
  materials, textiles several times electronics'); 工业增加值, 从业人员, 研发经费, 综合能耗 and 主要污染物排放 for most
  firms (the 黄岩 and 山东 presets can be tried in the what-if). The platform's power readings begin on 1 October
  2019: a few firms with readings leave their 2019 power blank (it is then the readings' sum, the fourth quarter
  only, so their 单位电耗税收 comes out high); 2018's power is always given. Some firms with land sent no figures for
  2019 (T ``no_data``); the utilities (divisions 44–46) are T ``utility`` whatever their figures.
- **2020**: the land rows, and the first quarter's figures annualised (一季度 × 4, the epidemic's dip in them) from
  20 April: the office's 2020 draft (预评价) is computed from them on 28 April and stays a draft; firms that have
  not reported their first quarter are T ``no_data`` in it. The next spring's annual figures replace them.
- **Parks**: the four parks' province ranks for 2018 and 2019 (of 128 and 131): 高新区 climbs 7 places (tier 2,
  +20%), 经开区 reaches 3rd (+30%), 综保区 climbs 4 (tier 1), 丰和工业园区 falls to 121st of 131 (−20%).
- **2019's assessment** through the actions, each on its day with the clock set to it: the office (市经信局, the
  login ``jingxin``) computes the draft on 2 March 2020 and publishes it (公示) on 3 March; three enterprises object
  during the notice (a D, a C just below B, a B just below A; their contacts' accounts are made, without a
  password); the office answers each, keeping the class; it is finalised on the first working day after the
  notice and its last answer, which raises the D list's tasks for the counties.

The land and annual rows (twenty thousand at the demo's size) are written in bulk
(:func:`dualtrack.core.bulk.insert_rows`), each audited as an import's row is (:func:`dualtrack.core.audit.record_many`);
the park ranks, the contacts and the assessment's life go through the actions (``save_park_rank``, ``compute_draft``,
``publish``, ``object_to``, ``answer``, ``finalise``; the accounts' ``create_user``). Loaded once: a second run leaves
what is there and only does the steps not yet done."""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from dualtrack.core import audit, calendar, dates, versions
from dualtrack.core.actors import Actor
from dualtrack.core.bulk import insert_rows
from dualtrack.core.choices import AuditAction

YEARS = (2018, 2019, 2020)
Q1_READY = dt.date(2020, 4, 20)  # the first quarter's figures are in
DRAFT_2019 = dt.date(2020, 3, 2)
PUBLISH_2019 = dt.date(2020, 3, 3)
DRAFT_2020 = dt.date(2020, 4, 28)
LATEST_START = dt.date(2020, 4, 15)  # no operating day after the demo's figures
#: (park, year, rank, of): the province's board of development zones
PARK_RANKS = [
    ("GXQ", 2018, 14, 128), ("GXQ", 2019, 7, 131),
    ("JKQ", 2018, 5, 128), ("JKQ", 2019, 3, 131),
    ("ZBQ", 2018, 64, 128), ("ZBQ", 2019, 60, 131),
    ("FHY", 2018, 109, 128), ("FHY", 2019, 121, 131),
]
RENTED_SHARE = 0.04  # 规上工业 firms in rented workshops: no land (T no_land)
NO_DATA_SHARE = {True: 0.025, False: 0.07}  # firms with land that sent no 2019 figures (T no_data), 规上 / small
SMALL_LAND_SHARE = {"规下": 0.55, "农业龙头": 0.6, "其他": 0.1}  # small manufacturing firms with land of their own
UNDER_3_MU_SHARE = 0.12  # of those: under 3 亩, not in the assessment
BLANK_KWH_SHARE = 0.03  # of the 规上 with 2019 readings: power left blank (the readings' sum is used), 3 at least
Q1_REPORTED = {True: 0.97, False: 0.75}  # firms whose first quarter is in by 20 April, 规上 / small

# Per industry division (GB/T 4754): (sales per 亩, tax rate, power per sales) relative to manufacturing's middle.
DIVISIONS: dict[str, tuple[float, float, float]] = {
    "13": (1.1, 0.6, 0.8), "14": (1.0, 0.9, 0.8), "15": (0.9, 2.6, 0.6), "16": (1.6, 6.0, 0.3),
    "17": (0.8, 0.8, 2.6), "18": (0.8, 0.8, 0.5), "19": (0.8, 0.8, 0.5), "20": (0.7, 0.8, 1.2),
    "21": (0.8, 0.9, 0.7), "22": (0.9, 0.8, 2.8), "23": (0.8, 0.9, 0.9), "24": (0.8, 0.9, 0.5),
    "25": (1.4, 1.5, 2.0), "26": (1.3, 1.1, 3.0), "27": (1.2, 1.8, 0.9), "28": (1.1, 0.7, 3.2),
    "29": (0.9, 0.9, 1.6), "30": (0.7, 1.0, 3.0), "31": (1.4, 0.7, 4.0), "32": (1.5, 0.6, 3.6),
    "33": (0.9, 0.9, 1.2), "34": (1.0, 1.0, 0.8), "35": (1.0, 1.1, 0.7), "36": (1.1, 1.0, 0.8),
    "37": (1.0, 0.9, 0.8), "38": (1.2, 1.1, 0.6), "39": (1.5, 0.9, 0.6), "40": (1.0, 1.3, 0.5),
    "41": (0.7, 0.8, 0.8), "42": (0.7, 0.7, 1.4), "43": (0.7, 0.9, 0.6),
    "44": (0.8, 0.9, 1.5), "45": (0.9, 0.8, 0.4), "46": (0.4, 1.0, 2.5),
}
MINING = (0.4, 1.5, 3.0)  # section B
RD_HEAVY = {"27", "35", "38", "39", "40", "36", "34", "26"}
HEAVY = {"17", "22", "25", "26", "28", "30", "31", "32"}
TCE_PER_10K_KWH = 1.229  # 1万千瓦时 = 1.229 吨标准煤（当量值）


@dataclass
class Firm:
    pk: int
    uscc: str
    name: str
    county: str
    section: str
    division: str
    above: bool  # 规上工业
    size: str
    headcount: int
    established: dt.date | None


@dataclass
class Planned:
    firm: Firm
    land: dict[int, tuple[Decimal, dt.date]] = field(default_factory=dict)  # year → (亩, operating since)
    annual: dict[int, dict[str, Any]] = field(default_factory=dict)  # year → the figures


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _money(value: float) -> Decimal:
    return Decimal(str(round(max(value, 0.01), 2)))


def _months_after(day: dt.date, months: int, rng: random.Random) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, rng.randint(1, 28))


def firms() -> list[Firm]:
    """The firms the assessment may list: every active 规上工业 enterprise, and the manufacturing (section C) ones."""
    from django.db.models import Q

    from dualtrack.registry.models import Enterprise

    rows = Enterprise.objects.filter(Q(size_class="规上工业") | Q(industry_section="C"), is_active=True).order_by(
        "uscc").values_list("pk", "uscc", "name", "county__code", "industry_section", "industry_division__code",
                            "size_class", "normal_headcount", "established_on")
    return [Firm(pk, uscc, name, county or "", section, division or "", size == "规上工业", size, headcount or 0,
                 established) for pk, uscc, name, county, section, division, size, headcount, established in rows]


def _few(seed: int, salt: str, among: list[Firm], share: float, least: int = 3) -> set[int]:
    """``share`` of ``among``, at least ``least``, drawn by credit code."""
    ranked = sorted(among, key=lambda f: random.Random(f"{seed}:{salt}:{f.uscc}").random())
    return {f.pk for f in ranked[:max(least, round(share * len(ranked)))]}


def plan(seed: int, found: list[Firm], with_readings: set[int], q1_ready: bool) -> list[Planned]:
    """Each firm's land and figures, drawn from its credit code (the same firm draws the same whatever the city's
    size): see the module's description."""
    planned = []
    manufacturing = [f for f in found if f.above and f.section == "C"]
    # a few of each, at least three whatever the city's size: the 规上 manufacturers in rented workshops, those that
    # sent no 2019 figures, and those that left their 2019 power blank (among those the platform reads)
    rented = _few(seed, "rented", manufacturing, RENTED_SHARE)
    no_data = _few(seed, "no-data", [f for f in manufacturing if f.pk not in rented], NO_DATA_SHARE[True])
    blank = _few(seed, "kwh", [f for f in manufacturing if f.pk in with_readings and f.pk not in rented | no_data],
                 BLANK_KWH_SHARE)
    for firm in found:
        rng = random.Random(f"{seed}:mu:{firm.uscc}")
        factors = MINING if firm.section == "B" else DIVISIONS.get(firm.division, (1.0, 1.0, 1.0))
        plan_of = Planned(firm)
        planned.append(plan_of)
        if firm.above:
            if firm.pk in rented:
                has_land, mu = False, 0.0
            else:
                size = 0.5 * math.log(max(firm.headcount, 20) / 160)
                mu = _clamp(math.exp(rng.gauss(math.log(35) + size, 0.6)) * (1.8 if firm.section in "BD" else 1.0),
                            5, 300)
                has_land = True
        else:
            has_land = rng.random() < SMALL_LAND_SHARE.get(firm.size, 0.3)
            mu = rng.uniform(1.0, 2.9) if rng.random() < UNDER_3_MU_SHARE else _clamp(
                math.exp(rng.gauss(math.log(6), 0.5)), 3, 20)
        established = firm.established or dt.date(2005, 1, 1) + dt.timedelta(days=int(rng.random() * 3000))
        since = min(_months_after(established, rng.randint(2, 14), rng), LATEST_START)
        since = max(since, established)
        no_data_2019 = firm.pk in no_data if firm.above else rng.random() < NO_DATA_SHARE[False]
        q1_reported = rng.random() < Q1_REPORTED[firm.above]
        # sales per 亩 (万元) and the year's sales; tax as a share of sales; power by the industry's intensity
        per_mu = math.exp(rng.gauss(math.log(280 if firm.above else 150), 0.45 if firm.above else 0.5)) * factors[0]
        tax_rate = _clamp(math.exp(rng.gauss(math.log(0.055 if firm.above else 0.042), 0.35)) * factors[1],
                          0.008, 0.5)
        intensity = math.exp(rng.gauss(math.log(0.045), 0.35)) * factors[2]
        value_added = _clamp(math.exp(rng.gauss(math.log(0.24), 0.25)), 0.08, 0.5)
        rd_rate = 0.0 if rng.random() < (0.3 if firm.above else 0.65) else _clamp(
            math.exp(rng.gauss(math.log(0.018), 0.6)) * (1.8 if firm.division in RD_HEAVY else 1.0), 0.001, 0.12)
        fuels = rng.uniform(1.5, 3.0) if firm.division in HEAVY or firm.section == "B" else rng.uniform(1.05, 1.3)
        per_tce = rng.uniform(0.003, 0.012) if firm.division in HEAVY or firm.section == "B" else \
            rng.uniform(0.0005, 0.002)
        optional = rng.random() < (0.93 if firm.above else 0.6)
        blank_kwh = firm.pk in blank
        growth = math.exp(rng.gauss(math.log(1.06), 0.12))  # 2019 over 2018
        expanded_2019 = rng.random() < 0.1  # the firm's land grew in 2019 (2018's was smaller)
        expands_2020 = rng.random() < 0.07
        dip = _clamp(rng.gauss(0.8, 0.12), 0.3, 1.05)  # the first quarter of 2020, annualised, over 2019
        land_by_year = {2018: mu * (rng.uniform(0.6, 0.9) if expanded_2019 else 1.0), 2019: mu,
                        2020: mu * (rng.uniform(1.1, 1.4) if expands_2020 else 1.0)}
        sales_2019 = mu * per_mu if has_land else math.exp(rng.gauss(math.log(9000), 0.7))
        if firm.above:
            sales_2019 = max(sales_2019, 2000 * rng.uniform(1.0, 1.6))  # 规上: 主营业务收入 2000万元 and more
        elif sales_2019 >= 2000:
            sales_2019 = rng.uniform(1200, 1990)
        noise = {y: (math.exp(rng.gauss(0, 0.08)), math.exp(rng.gauss(0, 0.05))) for y in YEARS}
        if not (has_land or firm.above):
            continue  # a small firm in a rented workshop: not in the assessment, no figures asked of it
        for year in YEARS:
            if has_land and (established.year <= year or year == 2020):
                plan_of.land[year] = (Decimal(str(round(land_by_year[year], 2))), since)
            if since > dt.date(year, 12, 31) or (year == 2019 and no_data_2019 and has_land):
                continue
            if year == 2020 and not (q1_ready and q1_reported):
                continue
            scale = {2018: 1 / growth, 2019: 1.0, 2020: dip}[year]
            sales = sales_2019 * scale * noise[year][1]
            tax = sales * tax_rate * noise[year][0] * (0.9 if year == 2020 else 1.0)  # 2020: 减税降费
            kwh = sales * intensity * (1 + (0.1 if year == 2020 else 0)) * noise[year][1]
            energy = kwh * TCE_PER_10K_KWH * fuels
            figures: dict[str, Any] = {
                "tax": _money(tax), "sales": _money(sales),
                "kwh": None if year == 2019 and blank_kwh else _money(kwh),
                "added_value": _money(sales * value_added) if optional else None,
                "employees": max(1, round(firm.headcount * rng.uniform(0.85, 1.1) * (0.92 if year == 2020 else 1)))
                if optional else None,
                "rd": (Decimal(str(round(sales * rd_rate, 2))) if optional else None),
                "energy": _money(energy) if optional else None,
                "emissions": _money(energy * per_tce) if optional else None,
            }
            plan_of.annual[year] = figures
    return planned


ANNUAL_FIELDS = ("tax", "sales", "kwh", "added_value", "employees", "rd", "energy", "emissions")


@transaction.atomic
def write(planned: list[Planned], actor: Actor) -> tuple[int, int]:
    """The land and annual rows, in bulk, each audited as an import's row."""
    from dualtrack.assessment.models import EnterpriseAnnual, LandUse

    land = [(p.firm.pk, year, mu, since) for p in planned for year, (mu, since) in sorted(p.land.items())]
    annual = [(p.firm.pk, year, *(f[k] for k in ANNUAL_FIELDS)) for p in planned
              for year, f in sorted(p.annual.items())]
    insert_rows(LandUse, ["enterprise", "year", "land_mu", "operating_since"], land)
    insert_rows(EnterpriseAnnual, ["enterprise", "year", *ANNUAL_FIELDS], annual)
    uscc = {p.firm.pk: p.firm.uscc for p in planned}
    land_ids = {(e, y): pk for pk, e, y in LandUse.objects.values_list("pk", "enterprise_id", "year")}
    annual_ids = {(e, y): pk for pk, e, y in EnterpriseAnnual.objects.values_list("pk", "enterprise_id", "year")}
    entries = [audit.build(actor, AuditAction.CREATE, object_type="assessment.landuse",
                           object_id=str(land_ids[(e, y)]), object_repr=f"{uscc[e]} {y}",
                           after={"enterprise_id": e, "year": y, "land_mu": mu, "operating_since": since})
               for e, y, mu, since in land]
    entries += [audit.build(actor, AuditAction.CREATE, object_type="assessment.enterpriseannual",
                            object_id=str(annual_ids[(row[0], row[1])]), object_repr=f"{uscc[row[0]]} {row[1]}",
                            after={"enterprise_id": row[0], "year": row[1], **dict(zip(ANNUAL_FIELDS, row[2:],
                                                                                     strict=True))})
                for row in annual]
    audit.record_many(entries)
    versions.changed("assessment")  # a bulk write sends no signal
    return len(land), len(annual)


def park_ranks(actor: Actor) -> int:
    """The province's ranks of the four parks, 2018 and 2019, through the ``park_ranks`` rows' action (audited, the
    data version moves; a rank already recorded is left as it is)."""
    from dualtrack.assessment import actions
    from dualtrack.registry.models import Park

    parks = {p.code: p for p in Park.objects.filter(code__in={code for code, *_r in PARK_RANKS})}
    made = 0
    for code, year, rank, of in PARK_RANKS:
        if code in parks:
            made += actions.save_park_rank(actor, parks[code], year, rank, of)[1] == actions.CREATED
    return made


@contextmanager
def clock(day: dt.date, hour: int = 10) -> Iterator[None]:
    """The one clock set to ``day`` for a step of the past (as ``DUALTRACK_CLOCK`` would), then put back."""
    before = getattr(settings, "DUALTRACK_CLOCK", "")
    settings.DUALTRACK_CLOCK = f"{day.isoformat()}T{hour:02d}:00:00+08:00"
    try:
        yield
    finally:
        settings.DUALTRACK_CLOCK = before


def next_working(day: dt.date) -> dt.date:
    return calendar.add_working_days(day, 1)[0]


OBJECTIONS = {
    "D": ("我公司用地中约{part}亩为2019年新取得、尚未开工建设的预留用地，按全部{mu}亩计算亩均税收偏低，申请按实际使用面积核算。",
          "经市自然资源和规划局核实，贵公司用地面积以不动产权证登记面积为准，评价办法对已取得未建设用地无扣减规定，"
          "维持原评价（D类）。建议尽快推进项目开工，或按低效用地整治政策申请分割转让。"),
    "C": ("我公司2019年度缴纳的城镇土地使用税和房产税未计入评价税收，公示的亩均税收偏低，请予核实。",
          "经与国家税务总局宁江市税务局核对，评价税收为企业全年实际入库税收，已包含城镇土地使用税和房产税，"
          "贵公司数据无误，维持原评价（C类）。"),
    "B": ("我公司2019年用电量中含新建生产线调试用电约{kwh}万千瓦时，单位电耗税收被低估，申请扣除调试用电。",
          "经国网宁江供电公司核实，调试用电与生产用电为同一户号计量，无法单独剥离；评价办法规定用电量以供电部门"
          "年度抄见电量为准，维持原评价（B类）。"),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉兰建国红梅飞鹏辉斌"


def _objectors(year: int) -> list[tuple[str, Any]]:
    """The three firms that object to 2019's draft: the D with the most land, the best C (just below B) and the
    best B (just below A), in the county with the most rated firms."""
    from dualtrack.assessment import services
    from dualtrack.assessment.models import LandUse

    result = services.evaluate(year)
    rated = [r for r in result.enterprises if r.rated]
    if not rated:
        return []
    counts: dict[str, int] = {}
    for row in rated:
        counts[row.county] = counts.get(row.county, 0) + 1
    county = max(sorted(counts), key=lambda c: counts[c])
    mine = sorted((r for r in rated if r.county == county), key=lambda r: r.rank_in_county or 0)
    land = dict(LandUse.objects.filter(year=year, enterprise_id__in=[r.enterprise_id for r in mine]).values_list(
        "enterprise_id", "land_mu"))
    chosen = []
    for grade in ("D", "C", "B"):
        of_grade = [r for r in mine if r.grade == grade]
        if of_grade:
            chosen.append((grade, max(of_grade, key=lambda r: land.get(r.enterprise_id, 0)) if grade == "D"
                           else of_grade[0]))
    return chosen


def _contact(actor: Actor, enterprise: Any, seed: int) -> Any:
    """The enterprise's contact who objects (an account without a password, as the liaison officers' are)."""
    from dualtrack.accounts import services as accounts
    from dualtrack.accounts.models import User

    username = f"qiye-{enterprise.uscc}"
    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    rng = random.Random(f"{seed}:contact:{enterprise.uscc}")
    person = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _n in range(rng.choice((1, 2))))
    return accounts.create_user(actor, username=username, password=None, role="enterprise",
                                full_name=f"企业联络人 {person}", enterprise=enterprise)


def assess_2019(seed: int, actor: Actor, office: Any, today: dt.date, log: Any) -> None:
    """2019's assessment: draft, 公示, three objections answered, final (each step once, on its day)."""
    from django.core.exceptions import ValidationError

    from dualtrack.assessment import actions, services
    from dualtrack.assessment.models import EnterpriseAnnual, LandUse, Objection
    from dualtrack.registry.models import Enterprise

    year = 2019
    latest = services.latest(year)
    if latest is None and today >= DRAFT_2019:
        with clock(DRAFT_2019):
            actions.compute_draft(office, year)
        latest = services.latest(year)
    if latest is not None and latest.status == "draft" and today >= PUBLISH_2019:
        try:
            with clock(PUBLISH_2019):
                objectors = _objectors(year)
                latest = actions.publish(office, year, on=PUBLISH_2019)
        except ValidationError as refused:  # a city without a rated firm: nothing to publish
            log(f"  assessment 2019: not published ({'; '.join(refused.messages)})")
            return
        assert latest.notice_ends_on is not None  # noqa: S101 - set by publish
        filed = [next_working(PUBLISH_2019), next_working(next_working(PUBLISH_2019)), latest.notice_ends_on]
        for (grade, row), on in zip(objectors, filed, strict=False):
            if on > today or on > latest.notice_ends_on:
                continue
            enterprise = Enterprise.objects.get(pk=row.enterprise_id)
            land = LandUse.objects.filter(enterprise=enterprise, year=year).values_list("land_mu", flat=True).first()
            kwh = EnterpriseAnnual.objects.filter(enterprise=enterprise, year=year).values_list(
                "kwh", flat=True).first()
            reason, _answer = OBJECTIONS[grade]
            text = reason.format(mu=land, part=round(float(land or 0) * 0.3, 1),
                                 kwh=round(float(kwh or 100) * 0.08, 1))
            with clock(on, 15):
                actions.object_to(_contact(actor, enterprise, seed), latest, enterprise, text, on=on)
    if latest is None or latest.status != "published":
        return
    assert latest.notice_ends_on is not None  # noqa: S101 - published
    day = latest.notice_ends_on
    for objection in Objection.objects.filter(assessment=latest, state="open").order_by("filed_on", "pk"):
        kept = latest.rows.filter(enterprise_id=objection.enterprise_id).values_list("grade", flat=True).first()
        day = max(day, next_working(objection.filed_on))
        if day > today:
            return
        with clock(day, 16):
            actions.answer(office, objection, OBJECTIONS.get(kept or "", OBJECTIONS["C"])[1], on=day)
    final_day = next_working(max(day, latest.notice_ends_on))
    if final_day <= today:
        with clock(final_day, 9):
            actions.finalise(office, year, on=final_day)


def load(seed: int, log: Any, actor: Actor) -> None:
    """Load the demo's assessment (the data once; each step of the life of 2019 and 2020 once, when its day has
    come by the clock)."""
    from dualtrack.accounts.models import User
    from dualtrack.assessment import actions, services
    from dualtrack.assessment.models import LandUse
    from dualtrack.power import services as power
    from dualtrack.registry import services as registry

    started = time.monotonic()
    today = dates.today()
    if LandUse.objects.exists():
        log("  assessment: land and figures already loaded")
    else:
        found = firms()
        readings = {e for e, kwh in power.annual_kwh(2019, registry.account_frame()).items() if kwh > 0}
        planned = plan(seed, found, readings, q1_ready=today >= Q1_READY)
        land, annual = write(planned, actor)
        log(f"  assessment: {land} land rows, {annual} annual rows of {sum(bool(p.land or p.annual) for p in planned)}"
            " firms")
    office = User.objects.filter(role="department", department__code=settings.ASSESSMENT_OFFICE).order_by(
        "pk").first()
    if office is None:
        log("  assessment: no account of the assessment office; the ranks are not recorded, nothing is assessed")
        return
    parks = park_ranks(office)
    assess_2019(seed, actor, office, today, log)
    if services.latest(2020) is None and today >= DRAFT_2020:
        with clock(DRAFT_2020):
            actions.compute_draft(office, 2020)
    shown = []
    for year in (2019, 2020):
        found_year = services.latest(year)
        if found_year is not None:
            result = services.evaluate(year)
            grades = {g: sum(r.grade == g for r in result.enterprises) for g in "ABCDT"}
            shown.append(f"{year} {found_year.get_status_display()} " + " ".join(f"{g}{n}" for g, n in grades.items()))
    log(f"  assessment: park ranks {parks} new; {'; '.join(shown) or 'none'} ({time.monotonic() - started:.1f} s)")
