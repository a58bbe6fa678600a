"""The pure judgement of 亩均论英雄 (DOMAIN.md §18): who is in a year's assessment, who is not rated (T) and why,
each rated enterprise's indicators (ratios of its annual figures), the county's bases, its score, its class and its
rank in the county; and the parks' rank change, reward tier and performance-bonus rate. No database here: the facts
and the rules in, the result out (the measure's ``load`` gathers the facts, ``core.judgements`` stores the result)."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

#: a firm's figures an indicator may divide (the land and the power are the assessment's; the rest enterprise_annual's)
FIGURES = ("tax", "sales", "power", "land_mu", "added_value", "employees", "rd", "energy", "emissions")
NOT_RATED_REASONS = ("utility", "new", "no_land", "no_data")


@dataclass(frozen=True)
class Indicator:
    """An indicator as a rule set names it: ``numerator`` ÷ ``denominator`` of the firm's figures, its weight, and
    ``inverse`` for an indicator where less is better (energy per output: the firm's value is the base's ratio
    inverted)."""

    code: str
    numerator: str
    denominator: str
    weight: float
    inverse: bool = False


@dataclass(frozen=True)
class YearFigures:
    """A firm's figures of one year (万元, 亩, 万千瓦时 …); None where not given."""

    land_mu: float | None = None
    operating_since: dt.date | None = None
    has_annual: bool = False
    tax: float | None = None
    sales: float | None = None
    power: float | None = None  # 万千瓦时: enterprise_annual's, else the year's readings ÷ 10 000
    added_value: float | None = None
    employees: float | None = None
    rd: float | None = None
    energy: float | None = None
    emissions: float | None = None

    def figure(self, name: str) -> float | None:
        return self.land_mu if name == "land_mu" else getattr(self, name, None)


@dataclass(frozen=True)
class FirmFact:
    enterprise_id: int
    uscc: str
    county: str
    park: str
    section: str
    division: str
    above_scale_industry: bool
    years: dict[int, YearFigures] = field(default_factory=dict)


@dataclass(frozen=True)
class ParkFact:
    code: str
    ranks: dict[int, tuple[int, int]]  # year → (rank, of)


@dataclass
class FirmRow:
    enterprise_id: int
    uscc: str
    county: str
    park: str
    rated: bool
    not_rated_reason: str | None
    values: dict[str, float | None]
    score: float | None
    grade: str  # A–D, or T
    rank_in_county: int | None


@dataclass
class ParkRow:
    code: str
    rank: int | None
    of: int | None
    last_rank: int | None
    rank_change: int | None
    reward_tier: int
    bonus_rate: float | None


def in_assessment(firm: FirmFact, year: int, min_land_mu: float) -> bool:
    """规上工业 enterprises, and other manufacturing (section C) enterprises with land ≥ ``min_land_mu`` for the year."""
    if firm.above_scale_industry:
        return True
    figures = firm.years.get(year)
    return firm.section == "C" and figures is not None and (figures.land_mu or 0) >= min_land_mu


def not_rated_reason(firm: FirmFact, year: int, utility_divisions: tuple[str, ...]) -> str | None:
    """The first reason that holds for T: a utility (44–46), operating since 1 January of the year before or later,
    no land recorded for the year, no annual figures for the year; None: rated."""
    figures = firm.years.get(year)
    if firm.division in utility_divisions:
        return "utility"
    if figures is not None and figures.operating_since is not None \
            and figures.operating_since >= dt.date(year - 1, 1, 1):
        return "new"
    if figures is None or not figures.land_mu:
        return "no_land"
    if not figures.has_annual:
        return "no_data"
    return None


def value(figures: YearFigures, indicator: Indicator) -> float | None:
    """The indicator's value for the year's figures: None when a figure is missing or the denominator is 0."""
    top, bottom = figures.figure(indicator.numerator), figures.figure(indicator.denominator)
    if top is None or bottom is None or bottom == 0:
        return None
    return top / bottom


def grade(rank: int, n: int, a_share: float, b_share: float, d_share: float) -> str:
    """The class of rank ``rank`` (1 = best) of ``n`` rated: A when rank ≤ ⌈a·n⌉, B when ≤ ⌈b·n⌉, D when
    rank > n − ⌊d·n⌋, else C."""
    if rank <= math.ceil(a_share * n - 1e-9):
        return "A"
    if rank <= math.ceil(b_share * n - 1e-9):
        return "B"
    if rank > n - math.floor(d_share * n + 1e-9):
        return "D"
    return "C"


def _rated_values(firms: list[FirmFact], year: int, indicators: list[Indicator], min_land_mu: float,
                  utility: tuple[str, ...]) -> dict[int, dict[str, float | None]]:
    found = {}
    for firm in firms:
        if in_assessment(firm, year, min_land_mu) and not_rated_reason(firm, year, utility) is None:
            figures = firm.years[year]
            found[firm.enterprise_id] = {i.code: value(figures, i) for i in indicators}
    return found


def _means(firms: list[FirmFact], values: dict[int, dict[str, float | None]], indicators: list[Indicator]
           ) -> tuple[dict[tuple[str, str], float], dict[str, float]]:
    """(county, indicator) → mean and indicator → the city's mean, over the values given (a missing value is left
    out of the mean)."""
    county_of = {f.enterprise_id: f.county for f in firms}
    sums: dict[tuple[str, str], list[float]] = defaultdict(list)
    city: dict[str, list[float]] = defaultdict(list)
    for enterprise, row in values.items():
        for code, v in row.items():
            if v is not None:
                sums[(county_of[enterprise], code)].append(v)
                city[code].append(v)
    return ({k: sum(v) / len(v) for k, v in sums.items()}, {k: sum(v) / len(v) for k, v in city.items()})


def bases(firms: list[FirmFact], year: int, indicators: list[Indicator], counties: list[str], *,
          multiplier: float, min_land_mu: float, utility: tuple[str, ...]) -> dict[tuple[str, str], float | None]:
    """The base per county and indicator: ``multiplier`` × the mean of the county's rated enterprises of the year
    before; if none, × the city's mean of the year before; if none, × the county's mean of the year; else None."""
    before_county, before_city = _means(firms, _rated_values(firms, year - 1, indicators, min_land_mu, utility),
                                        indicators)
    this_county, _city = _means(firms, _rated_values(firms, year, indicators, min_land_mu, utility), indicators)
    found: dict[tuple[str, str], float | None] = {}
    for county in counties:
        for indicator in indicators:
            key = (county, indicator.code)
            mean = before_county.get(key, before_city.get(indicator.code, this_county.get(key)))
            found[key] = None if mean is None else multiplier * mean
    return found


def score(values: dict[str, float | None], base: dict[str, float | None], indicators: list[Indicator],
          cap: float) -> float:
    """Σ min(value ÷ base, cap) × weight (for an inverse indicator, base ÷ value); a missing value, a zero or missing
    base scores 0 on that indicator."""
    total = 0.0
    for indicator in indicators:
        v, b = values.get(indicator.code), base.get(indicator.code)
        if v is None or not b:
            continue
        ratio = (b / v if v else cap) if indicator.inverse else v / b
        total += min(max(ratio, 0.0), cap) * indicator.weight
    return round(total, 4)


def judge_firms(firms: list[FirmFact], year: int, indicators: list[Indicator], counties: list[str], *,
                multiplier: float = 2.0, cap: float = 1.5, min_land_mu: float = 3.0,
                utility: tuple[str, ...] = ("44", "45", "46"), a_share: float = 0.2, b_share: float = 0.6,
                d_share: float = 0.05) -> tuple[list[FirmRow], dict[tuple[str, str], float | None]]:
    """Every enterprise in the year's assessment (credit-code order) with its indicators, score, class and rank in
    its county, or T with its reason; and the bases used."""
    base = bases(firms, year, indicators, counties, multiplier=multiplier, min_land_mu=min_land_mu, utility=utility)
    rows: list[FirmRow] = []
    for firm in sorted(firms, key=lambda f: f.uscc):
        if not in_assessment(firm, year, min_land_mu):
            continue
        reason = not_rated_reason(firm, year, utility)
        if reason is not None:
            rows.append(FirmRow(firm.enterprise_id, firm.uscc, firm.county, firm.park, False, reason,
                                {i.code: None for i in indicators}, None, "T", None))
            continue
        values = {i.code: value(firm.years[year], i) for i in indicators}
        own = {i.code: base.get((firm.county, i.code)) for i in indicators}
        rows.append(FirmRow(firm.enterprise_id, firm.uscc, firm.county, firm.park, True, None, values,
                            score(values, own, indicators, cap), "", None))
    by_county: dict[str, list[FirmRow]] = defaultdict(list)
    for row in rows:
        if row.rated:
            by_county[row.county].append(row)
    for county_rows in by_county.values():
        county_rows.sort(key=lambda r: (-(r.score or 0.0), r.uscc))
        n = len(county_rows)
        for rank, row in enumerate(county_rows, start=1):
            row.rank_in_county = rank
            row.grade = grade(rank, n, a_share, b_share, d_share)
    return rows, base


def judge_parks(parks: list[ParkFact], year: int, *, tiers: tuple[int, int, int] = (3, 6, 10),
                top: int = 3, top_rate: float = 0.3, last_rate: float = -0.3, climb: int = 5,
                climb_rate: float = 0.2, tail_share: float = 0.9, tail_rate: float = -0.2) -> list[ParkRow]:
    """Each park's province rank of the year, its change from last year's (positive climbs; none without last
    year's), the reward tier by places gained (1 at ≥ 3, 2 at ≥ 6, 3 at ≥ 10) and the performance-bonus rate, the
    first rule that holds: +30% for ranks 1–3, −30% for the last, +20% for a climb of 5 or more, −20% for a rank
    beyond 90% of the parks, else 0 (None without this year's rank)."""
    rows = []
    for park in sorted(parks, key=lambda p: p.code):
        this, last = park.ranks.get(year), park.ranks.get(year - 1)
        if this is None:
            rows.append(ParkRow(park.code, None, None, last[0] if last else None, None, 0, None))
            continue
        rank, of = this
        change = last[0] - rank if last else None
        tier = sum(1 for t in tiers if change is not None and change >= t)
        if rank <= top:
            rate = top_rate
        elif rank == of:
            rate = last_rate
        elif change is not None and change >= climb:
            rate = climb_rate
        elif rank > tail_share * of:
            rate = tail_rate
        else:
            rate = 0.0
        rows.append(ParkRow(park.code, rank, of, last[0] if last else None, change, tier, rate))
    return rows


__all__ = ["FIGURES", "NOT_RATED_REASONS", "FirmFact", "FirmRow", "Indicator", "ParkFact", "ParkRow", "YearFigures",
           "bases", "grade", "in_assessment", "judge_firms", "judge_parks", "not_rated_reason", "score", "value"]
