"""亩均论英雄 as a measure (``core.capability``): for a year, the enterprises in the assessment with their land and
annual figures of the year and the year before (power from the platform's readings where a firm gave none), and the
parks' province ranks (the facts, whole city), judged by the rule set ``mu-efficiency`` (DOMAIN.md §18; the 淮安
preset as v1) and ``park-assessment`` into each enterprise's indicators, score, class and rank in its county (or T
with its reason), the counts per county and the parks' rank change, reward tier and bonus rate. Once a year's
assessment is published (公示) its rows are frozen: the facts are those rows and the judgement passes them through, so
a published or final year never changes when data does. Stored once per year and rules version."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core.actors import Viewer
from dualtrack.core.capability import Measure, MenuEntry, Period, PeriodKind, Rules, bound, label
from dualtrack.core.rules import RuleError

from . import cards, services
from . import judge as pure
from .choices import FIGURE_NAMES, HUAIAN, PARK_RULES_KEY, RULES_KEY, AssessmentStatus


@dataclass(frozen=True)
class MuRules(Rules):
    """The rule set ``mu-efficiency``: the indicators (a firm's figure ÷ another, weighted), the base (× the mean of
    the year before), the cap of a ratio, who is in the assessment, the shares of the classes and the notice."""

    preset: str = field(default="淮安", metadata=bound(help=gettext_lazy("方案名称（淮安、黄岩、山东或自定）")))
    indicators: list = field(default_factory=lambda: [dict(i) for i in HUAIAN], metadata=bound(  # type: ignore[type-arg]
        help=gettext_lazy("评价指标（代码、名称、分子、分母、权重）")))
    base_multiplier: float = field(default=2.0, metadata=bound(
        0, 10, low_open=True, help=gettext_lazy("基准值：上年区县均值的倍数")))
    ratio_cap: float = field(default=1.5, metadata=bound(
        0, 10, low_open=True, help=gettext_lazy("单项指标得分上限（指标值÷基准值的最大倍数）")))
    min_land_mu: float = field(default=3.0, metadata=bound(
        0, 1000, help=gettext_lazy("规下制造业企业参评的最小用地（亩）")))
    utility_divisions: list = field(default_factory=lambda: ["44", "45", "46"], metadata=bound(  # type: ignore[type-arg]
        help=gettext_lazy("不参评的公用事业行业大类")))
    a_share: float = field(default=0.2, metadata=bound(0, 1, help=gettext_lazy("A类比例（区县内前百分之几）")))
    b_share: float = field(default=0.6, metadata=bound(0, 1, help=gettext_lazy("A、B类合计比例")))
    d_share: float = field(default=0.05, metadata=bound(0, 1, help=gettext_lazy("D类比例（区县内末尾百分之几）")))
    notice_working_days: int = field(default=3, metadata=bound(
        1, 30, help=gettext_lazy("公示期（工作日）")))

    def check(self) -> None:
        if not isinstance(self.indicators, list) or not self.indicators:
            raise RuleError(_("%(field)s须为非空列表") % {"field": self.named("indicators")})
        codes = set()
        for n, item in enumerate(self.indicators, start=1):
            ok = isinstance(item, dict) and isinstance(item.get("code"), str) and item["code"].strip() \
                and item.get("numerator") in FIGURE_NAMES and item.get("denominator") in FIGURE_NAMES \
                and isinstance(item.get("weight"), int | float) and not isinstance(item.get("weight"), bool) \
                and 0 < item["weight"] <= 100
            if not ok:
                raise RuleError(_("%(field)s第%(n)s项须有代码、分子和分母（%(figures)s之一）及大于0、不超过100的权重") % {
                    "field": self.named("indicators"), "n": n, "figures": "、".join(FIGURE_NAMES)})
            if item["code"] in codes:
                raise RuleError(_("%(field)s中指标代码“%(code)s”重复") % {"field": self.named("indicators"),
                                                                     "code": item["code"][:20]})
            codes.add(item["code"])
        if not self.a_share <= self.b_share:
            raise RuleError(_("%(a)s不能大于%(b)s") % {"a": self.named("a_share"), "b": self.named("b_share")})
        if self.b_share + self.d_share > 1:
            raise RuleError(_("%(b)s与%(d)s之和不能超过1") % {"b": self.named("b_share"), "d": self.named("d_share")})
        if not isinstance(self.utility_divisions, list) or any(
                not isinstance(d, str) or not (len(d) == 2 and d.isdigit()) for d in self.utility_divisions):
            raise RuleError(_("%(field)s须为两位行业大类代码的列表，如 [\"44\", \"45\", \"46\"]") % {
                "field": self.named("utility_divisions")})

    def indicator_list(self) -> list[pure.Indicator]:
        return [pure.Indicator(i["code"], i["numerator"], i["denominator"], float(i["weight"]),
                               bool(i.get("inverse", False))) for i in self.indicators]

    def indicator_names(self) -> dict[str, str]:
        return {i["code"]: str(i.get("name") or i["code"]) for i in self.indicators}


@dataclass(frozen=True)
class ParkRules(Rules):
    """The rule set ``park-assessment``: reward tiers by places gained and the performance-bonus rates."""

    tiers: list = field(default_factory=lambda: [3, 6, 10], metadata=bound(  # type: ignore[type-arg]
        help=gettext_lazy("奖励档次：前进名次达到（一档、二档、三档）")))
    top: int = field(default=3, metadata=bound(1, 100, help=gettext_lazy("全省前几名上浮")))
    top_rate: float = field(default=0.3, metadata=bound(-1, 1, help=gettext_lazy("前几名的绩效奖金基数浮动")))
    last_rate: float = field(default=-0.3, metadata=bound(-1, 1, help=gettext_lazy("末位的浮动")))
    climb: int = field(default=5, metadata=bound(1, 100, help=gettext_lazy("前进几名以上上浮")))
    climb_rate: float = field(default=0.2, metadata=bound(-1, 1, help=gettext_lazy("前进名次达标的浮动")))
    tail_share: float = field(default=0.9, metadata=bound(0, 1, help=gettext_lazy("排名在后百分之几之后下浮（比例）")))
    tail_rate: float = field(default=-0.2, metadata=bound(-1, 1, help=gettext_lazy("排名靠后的浮动")))

    def check(self) -> None:
        if not (isinstance(self.tiers, list) and len(self.tiers) == 3
                and all(isinstance(t, int) and not isinstance(t, bool) and t > 0 for t in self.tiers)
                and self.tiers == sorted(self.tiers)):
            raise RuleError(_("%(field)s须为三个递增的正整数，如 [3, 6, 10]") % {"field": self.named("tiers")})


def current_park_rules() -> tuple[str, ParkRules]:
    """The current version of ``park-assessment``: its label and its parsed rules."""
    from dualtrack.core import rules as rule_sets

    found = rule_sets.current(PARK_RULES_KEY)
    return found.label, ParkRules.parse(found.definition).labelled(found.label)


def published_order(rules_version: str) -> list[str]:
    """The indicator codes, in order, of the rules version a year was published under (the current rules when that
    version is not the measure's)."""
    from dualtrack.core import capability

    rules = capability.measure("assessment").rules_named(rules_version)
    return [str(i["code"]) for i in rules.indicators]


def validate_park_rules(definition: Any) -> None:
    ParkRules.parse(definition)


# --- facts ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrozenRow:
    """A published row as it was frozen."""

    enterprise_id: int
    uscc: str
    county: str
    park: str
    rated: bool
    not_rated_reason: str | None
    values: dict[str, float | None]
    score: float | None
    grade: str
    rank_in_county: int | None


@dataclass(frozen=True)
class AssessmentFacts:
    year: int
    status: str  # none / draft / published / final
    version: int | None
    frozen_rules_version: str
    firms: list[pure.FirmFact]
    frozen: list[FrozenRow]
    parks: list[pure.ParkFact]
    counties: list[tuple[str, str]]
    park_rules: ParkRules
    park_rules_version: str
    frozen_bases: list[tuple[str, str, float | None]] = field(default_factory=list)
    frozen_indicators: list[str] = field(default_factory=list)  # the order of the rules the rows were published under


def load(period: Period, scope: Any = None) -> AssessmentFacts:
    from dualtrack.power import services as power
    from dualtrack.registry import services as registry

    from .models import Assessment, AssessmentRow, EnterpriseAnnual, LandUse, ParkRank

    year = period.start.year
    latest = Assessment.objects.filter(year=year).order_by("-version").first()
    counties = list(registry.counties().order_by("code").values_list("code", "name"))
    park_label, park_rules = current_park_rules()
    ranks: dict[str, dict[int, tuple[int, int]]] = defaultdict(dict)
    for code, y, rank, of in ParkRank.objects.filter(year__in=(year - 1, year)).values_list(
            "park__code", "year", "rank", "of"):
        ranks[code][y] = (rank, of)
    parks = [pure.ParkFact(code, ranks.get(code, {})) for code in registry.park_names()]
    if latest is not None and latest.status != AssessmentStatus.DRAFT:
        frozen = [FrozenRow(e, u, c, p, rated, reason or None, values, score, grade, rank)
                  for e, u, c, p, rated, reason, values, score, grade, rank in AssessmentRow.objects.filter(
                      assessment=latest).order_by("enterprise__uscc").values_list(
                      "enterprise_id", "enterprise__uscc", "county", "park", "rated", "not_rated_reason", "values",
                      "score", "grade", "rank_in_county")]
        return AssessmentFacts(year, latest.status, latest.version, latest.rules_version, [], frozen, parks,
                               counties, park_rules, park_label,
                               [(str(c), str(i), None if b is None else float(b)) for c, i, b in latest.bases or []],
                               published_order(latest.rules_version))
    years = (year - 1, year)
    land = {(e, y): (float(m), since) for e, y, m, since in LandUse.objects.filter(year__in=years).values_list(
        "enterprise_id", "year", "land_mu", "operating_since")}
    annual_fields = ("tax", "sales", "kwh", "added_value", "employees", "rd", "energy", "emissions")
    annual = {(row[0], row[1]): row[2:] for row in EnterpriseAnnual.objects.filter(year__in=years).values_list(
        "enterprise_id", "year", *annual_fields)}
    # who may be in: 规上工业, and manufacturing firms with land recorded for the year
    candidates = registry.assessment_candidates({e for e, y in land if y == year})
    needs_power = {y: {e for (e, yy), row in annual.items() if yy == y and row[2] is None} for y in years}
    readings = {y: power.annual_kwh(y, registry.account_frame()) if needs_power[y] else {} for y in years}

    def number(value: Any) -> float | None:
        return None if value is None else float(value)

    firms = []
    for enterprise_id, uscc, county, park, section, division, above in candidates:
        figures = {}
        for y in years:
            row, used = annual.get((enterprise_id, y)), land.get((enterprise_id, y))
            if row is None and used is None:
                continue
            power_value = number(row[2]) if row is not None and row[2] is not None else (
                readings[y].get(enterprise_id, 0.0) / 10000 if row is not None and enterprise_id in readings[y]
                else None)
            figures[y] = pure.YearFigures(
                land_mu=used[0] if used else None, operating_since=used[1] if used else None,
                has_annual=row is not None, tax=number(row[0]) if row else None, sales=number(row[1]) if row else None,
                power=power_value, added_value=number(row[3]) if row else None,
                employees=number(row[4]) if row else None, rd=number(row[5]) if row else None,
                energy=number(row[6]) if row else None, emissions=number(row[7]) if row else None)
        firms.append(pure.FirmFact(enterprise_id, uscc, county, park, section, division, above, figures))
    return AssessmentFacts(year, latest.status if latest else "none", latest.version if latest else None, "",
                           firms, [], parks, counties, park_rules, park_label)


# --- the judgement ----------------------------------------------------------------------------------------------


@dataclass
class EnterpriseRow:
    enterprise_id: int
    uscc: str
    county: str
    park: str
    rated: bool
    not_rated_reason: str | None
    values: list[float | None]  # in the order of ``AssessmentResult.indicators``
    score: float | None
    grade: str
    rank_in_county: int | None


@dataclass
class CountyCount:
    code: str
    name: str
    rated: int = 0
    A: int = 0  # noqa: N815 - the classes' own names
    B: int = 0  # noqa: N815
    C: int = 0  # noqa: N815
    D: int = 0  # noqa: N815
    T: int = 0  # noqa: N815


@dataclass
class BaseRow:
    county: str
    indicator: str
    base: float | None


@dataclass
class ParkRow:
    code: str
    rank: int | None
    of: int | None
    last_rank: int | None
    rank_change: int | None
    reward_tier: int
    bonus_rate: float | None


@dataclass
class AssessmentResult:
    year: int
    rules_version: str
    status: str
    version: int | None
    indicators: list[str]
    enterprises: list[EnterpriseRow]
    counties: list[CountyCount]
    bases: list[BaseRow]
    parks: list[ParkRow]
    park_rules_version: str = ""

    def value(self, row: EnterpriseRow, code: str) -> float | None:
        return row.values[self.indicators.index(code)] if code in self.indicators else None


def judge(facts: AssessmentFacts, rules: MuRules) -> AssessmentResult:
    """A draft year: every enterprise in the assessment judged under ``rules`` (``judge.judge_firms``); a published
    or final year: its frozen rows as they were published, under the rules version they were published with. The
    counts per county; the parks under the facts' park rules. Pure."""
    p = facts.park_rules
    parks = [ParkRow(r.code, r.rank, r.of, r.last_rank, r.rank_change, r.reward_tier, r.bonus_rate)
             for r in pure.judge_parks(facts.parks, facts.year, tiers=(p.tiers[0], p.tiers[1], p.tiers[2]),
                                        top=p.top, top_rate=p.top_rate, last_rate=p.last_rate, climb=p.climb,
                                        climb_rate=p.climb_rate, tail_share=p.tail_share, tail_rate=p.tail_rate)]
    if facts.frozen:
        # the indicators in the order of the rules they were published under (a JSON object's keys come back in
        # the database's order: PostgreSQL's jsonb sorts them), then any the rows hold besides
        held = {code for row in facts.frozen for code in row.values}
        codes = [c for c in facts.frozen_indicators if c in held] + sorted(held - set(facts.frozen_indicators))
        rows = [EnterpriseRow(r.enterprise_id, r.uscc, r.county, r.park, r.rated, r.not_rated_reason,
                              [r.values.get(c) for c in codes], r.score, r.grade, r.rank_in_county)
                for r in facts.frozen]
        return AssessmentResult(facts.year, facts.frozen_rules_version, facts.status, facts.version, codes, rows,
                                _counts(facts, rows), [BaseRow(c, i, b) for c, i, b in facts.frozen_bases], parks,
                                facts.park_rules_version)
    indicators = rules.indicator_list()
    judged, bases = pure.judge_firms(
        facts.firms, facts.year, indicators, [c for c, _n in facts.counties], multiplier=rules.base_multiplier,
        cap=rules.ratio_cap, min_land_mu=rules.min_land_mu, utility=tuple(rules.utility_divisions),
        a_share=rules.a_share, b_share=rules.b_share, d_share=rules.d_share)
    codes = [i.code for i in indicators]
    rows = [EnterpriseRow(r.enterprise_id, r.uscc, r.county, r.park, r.rated, r.not_rated_reason,
                          [None if r.values.get(c) is None else round(r.values[c] or 0.0, 4) for c in codes],
                          r.score, r.grade, r.rank_in_county) for r in judged]
    base_rows = [BaseRow(county, code, None if base is None else round(base, 4))
                 for (county, code), base in sorted(bases.items())]
    return AssessmentResult(facts.year, rules.label, facts.status if facts.status != "none" else "draft",
                            facts.version, codes, rows, _counts(facts, rows), base_rows, parks,
                            facts.park_rules_version)


def _counts(facts: AssessmentFacts, rows: list[EnterpriseRow]) -> list[CountyCount]:
    counts = {code: CountyCount(code, name) for code, name in facts.counties}
    for row in rows:
        county = counts.get(row.county)
        if county is None:
            continue
        county.rated += row.rated
        setattr(county, row.grade, getattr(county, row.grade) + 1)
    return list(counts.values())


# --- the contract -------------------------------------------------------------------------------------------


@dataclass
class AssessmentContractEnterprise:
    uscc: str = field(metadata=label(gettext_lazy("统一社会信用代码")))
    county: str = field(metadata=label(gettext_lazy("区划代码")))
    rated: bool = field(metadata=label(gettext_lazy("参评")))
    not_rated_reason: str | None = field(metadata=label(gettext_lazy("不参评原因")))
    tax_per_mu: float | None = field(metadata=label(gettext_lazy("亩均税收（万元/亩）")))
    sales_per_mu: float | None = field(metadata=label(gettext_lazy("亩均销售收入（万元/亩）")))
    tax_per_kwh: float | None = field(metadata=label(gettext_lazy("单位电耗税收（万元/万千瓦时）")))
    score: float | None = field(metadata=label(gettext_lazy("得分")))
    grade: str = field(metadata=label(gettext_lazy("类别"), json="class"))
    rank_in_county: int | None = field(metadata=label(gettext_lazy("区县内排名")))


@dataclass
class AssessmentContractCounty:
    code: str
    rated: int
    A: int  # noqa: N815
    B: int  # noqa: N815
    C: int  # noqa: N815
    D: int  # noqa: N815
    T: int  # noqa: N815


@dataclass
class AssessmentContractPark:
    code: str
    rank: int | None
    last_rank: int | None
    rank_change: int | None
    reward_tier: int
    bonus_rate: float | None


@dataclass
class AssessmentContract:
    """``/api/v1/assessment`` and ``dualtrack assessment --json`` (DOMAIN.md §18)."""

    year: int
    rules_version: str
    status: str
    enterprises: list[AssessmentContractEnterprise]
    counties: list[AssessmentContractCounty]
    parks: list[AssessmentContractPark]


def as_contract(result: AssessmentResult) -> dict[str, Any]:
    def indicator(row: EnterpriseRow, code: str) -> float | None:
        v = result.value(row, code)
        return None if v is None else round(v, 4)

    enterprises = []
    for row in result.enterprises:
        body: dict[str, Any] = {"uscc": row.uscc, "county": row.county, "rated": row.rated,
                                "not_rated_reason": row.not_rated_reason}
        for code in ("tax_per_mu", "sales_per_mu", "tax_per_kwh"):
            body[code] = indicator(row, code)
        for code in result.indicators:  # another preset's indicators, after §18's three
            if code not in body:
                body[code] = indicator(row, code)
        body.update({"score": None if row.score is None else round(row.score, 2), "class": row.grade,
                     "rank_in_county": row.rank_in_county})
        enterprises.append(body)
    return {
        "year": result.year, "rules_version": result.rules_version, "status": result.status,
        "enterprises": enterprises,
        "counties": [{"code": c.code, "rated": c.rated, "A": c.A, "B": c.B, "C": c.C, "D": c.D, "T": c.T}
                     for c in result.counties],
        "parks": [{"code": p.code, "rank": p.rank, "last_rank": p.last_rank, "rank_change": p.rank_change,
                   "reward_tier": p.reward_tier, "bonus_rate": p.bonus_rate} for p in result.parks],
    }


class AssessmentMeasure(Measure[AssessmentFacts, MuRules, AssessmentResult]):
    """亩均论英雄 (DOMAIN.md §18): the year's classes of enterprises and the parks' rank board."""

    key = "assessment"
    label = gettext_lazy("亩均论英雄")
    period_kind = PeriodKind.YEAR
    rules_key = RULES_KEY
    rules = MuRules
    sources = ("assessment", "power", "registry")
    result = AssessmentResult
    contract = AssessmentContract
    api_path = "assessment"
    api_name = "api-assessment"
    command = "assessment"
    card = (26, cards.assessment_card)
    menu = MenuEntry(gettext_lazy("亩均论英雄"), "assessment:home", services.in_menu, order=9)
    row_key = ("uscc",)
    outcome_fields = ("class",)  # the rank moves with every score: the class is what a preset decides

    def load(self, period: Period, scope: Any = None) -> AssessmentFacts:
        return load(period, scope)

    def judge(self, facts: AssessmentFacts, rules: MuRules) -> AssessmentResult:
        return judge(facts, rules)

    def as_of(self, actor: Viewer = None, on: dt.date | None = None) -> Period | None:
        year = services.as_of_year(on, actor)
        return None if year is None else Period.of(PeriodKind.YEAR, dt.date(year, 1, 1))

    def can_view(self, actor: Viewer) -> bool:
        return services.can_view(actor)

    def visible(self, result: AssessmentResult, actor: Viewer) -> AssessmentResult:
        return services.narrowed(result, actor)

    def as_json(self, result: AssessmentResult) -> dict[str, Any]:
        return as_contract(result)

    def text_lines(self, result: AssessmentResult) -> list[str]:
        return [f"{c.code} {c.name} rated {c.rated} A {c.A} B {c.B} C {c.C} D {c.D} T {c.T}" for c in result.counties]


__all__ = ["AssessmentMeasure", "MuRules", "ParkRules"]
