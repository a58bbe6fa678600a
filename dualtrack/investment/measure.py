"""招商引资 as a measure (``core.capability``): a day's leads, activities, fund arrivals and targets (the facts, whole
city) judged by the rule set ``investment`` (DOMAIN.md §14) into each lead's light and each scope's figures against
its targets; stored once per day and rules version, narrowed to the leads each reader sees. The first informants
(第一信息人, personal data) are no part of it: they are read per viewer through the one masking path
(``services.informants_shown``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core.actors import Viewer
from dualtrack.core.capability import Measure, MenuEntry, Period, PeriodKind, Rules, Step, bound, label
from dualtrack.core.rules import RuleError

from . import bulletin, cards, engine, services
from .choices import Reason, Stage
from .rules import RULES_KEY
from .services import Evaluation, LeadStatus, ScopeFigures


@dataclass(frozen=True)
class InvestmentRules(Rules):
    """The rule set ``investment``: when a signed lead that has not started turns yellow and red, and when a lead
    before signing is stale."""

    yellow_months: int = field(default=6, metadata=bound(
        1, 60, help=gettext_lazy("正式签约后几个自然月未开工亮黄灯")))
    red_months: int = field(default=9, metadata=bound(
        1, 120, help=gettext_lazy("正式签约后几个自然月未开工亮红灯")))
    stale_days: int = field(default=30, metadata=bound(
        1, 365, help=gettext_lazy("签约前的线索几天无招商活动亮黄灯")))

    def check(self) -> None:
        if self.red_months <= self.yellow_months:
            raise RuleError(_("%(red)s须大于%(yellow)s") % {"red": self.named("red_months"),
                                                          "yellow": self.named("yellow_months")})


@dataclass(frozen=True)
class LeadFact:
    code: str
    name: str
    stage: str
    signed_on: dt.date | None
    started_on: dt.date | None
    county_code: str
    park_code: str
    amount: Decimal
    last_activity: dt.date | None  # the latest activity on or before the day
    arrived: Decimal  # funds arrived in the day's month or before
    registered_on: dt.date | None = None  # the day the lead was registered (None: unknown)


@dataclass(frozen=True)
class TargetFact:
    scope_code: str
    amount_target: Decimal
    big_threshold: Decimal
    big_count_target: int


@dataclass(frozen=True)
class InvestmentFacts:
    """What a day is judged from: every lead (in code order) with its last activity and the funds arrived, the
    targets of the day's year, the city's code and the scopes' names."""

    day: dt.date
    city_code: str
    leads: list[LeadFact]
    targets: dict[str, TargetFact]
    names: dict[str, str] = field(default_factory=dict)


def load(period: Period, scope: Any = None) -> InvestmentFacts:
    from django.db.models import Max, Sum

    from dualtrack.registry import services as registry

    from .models import FundArrival, InvestmentTarget, Lead, LeadActivity

    day = period.start
    last = dict(LeadActivity.objects.filter(date__lte=day).values("lead_id").annotate(d=Max("date")).values_list(
        "lead_id", "d"))
    arrived: dict[int, Decimal] = dict(FundArrival.objects.filter(month__lte=day.replace(day=1)).values(
        "lead_id").annotate(total=Sum("amount")).values_list("lead_id", "total"))
    leads = [LeadFact(code, name, stage, signed_on, started_on, county, park or "", amount, last.get(pk),
                      arrived.get(pk, Decimal(0)), registered_on)
             for pk, code, name, stage, signed_on, started_on, county, park, amount, registered_on in
             Lead.objects.order_by("code").values_list("pk", "code", "name", "stage", "signed_on", "started_on",
                                                       "county__code", "park__code", "amount", "registered_on")]
    targets = {t.scope_code: TargetFact(t.scope_code, t.amount_target, t.big_threshold, t.big_count_target)
               for t in InvestmentTarget.objects.filter(year=day.year)}
    city = registry.city()
    return InvestmentFacts(day, city.code if city else "city", leads, targets,
                           registry.region_names() | registry.park_names())


def judge(facts: InvestmentFacts, rules: InvestmentRules) -> Evaluation:
    """Every lead judged on the day, and the scopes' figures (the city's, and each county's and park's with a target
    in the day's year). A lead counts for its county and, when it has one, its park; a 终止 lead counts nowhere;
    arrivals of months after the day's are left out. Pure: the facts and the rules in, the result out."""
    day = facts.day
    statuses = []
    totals: dict[str, dict[str, Any]] = defaultdict(lambda: {
        "signed_amount": Decimal(0), "big": 0, "signed": 0, "started": 0, "planned": Decimal(0),
        "arrived": Decimal(0)})
    for lead in facts.leads:
        lead_facts = engine.LeadFacts(lead.stage, lead.signed_on, lead.started_on, lead.last_activity,
                                      lead.registered_on)
        light, reasons = engine.light(lead_facts, day, rules)  # ``rules["red_months"]`` reads the typed rule set
        statuses.append(LeadStatus(lead.code, lead.name, lead.stage, light, [str(r) for r in reasons],
                                   lead.county_code, lead.park_code, lead.amount))
        if lead.stage == Stage.STOPPED or not engine.formally_signed(lead_facts, day):
            continue
        for scope in (facts.city_code, lead.county_code, *([lead.park_code] if lead.park_code else [])):
            entry = totals[scope]
            entry["signed"] += 1
            entry["started"] += int(engine.started(lead_facts, day))
            entry["planned"] += lead.amount
            entry["arrived"] += lead.arrived
            if lead.signed_on and lead.signed_on.year == day.year:
                entry["signed_amount"] += lead.amount
                target = facts.targets.get(scope)
                if target is not None and lead.amount >= target.big_threshold:
                    entry["big"] += 1
    scopes = []
    for code in [facts.city_code, *sorted(c for c in facts.targets if c != facts.city_code)]:
        entry, found = totals[code], facts.targets.get(code)
        scopes.append(ScopeFigures(
            code, facts.names.get(code, code), entry["signed_amount"], found.amount_target if found else None,
            engine.ratio(entry["signed_amount"], found.amount_target) if found else None, entry["big"],
            found.big_count_target if found else None, engine.ratio(entry["started"], entry["signed"]),
            engine.ratio(entry["arrived"], entry["planned"]), entry["signed"], entry["started"]))
    return Evaluation(day, rules.label, statuses, scopes)


@dataclass
class InvestmentContractLead:
    """One lead of ``dualtrack investment --json``: its stage, light and the reasons for it."""

    code: str = field(metadata=label(gettext_lazy("线索编号")))
    stage: str = field(metadata=label(gettext_lazy("阶段")))
    light: str | None = field(metadata=label(gettext_lazy("亮灯")))
    reasons: list[str] = field(metadata=label(gettext_lazy("亮灯原因")))


@dataclass
class InvestmentContractScope:
    """The city, a county or a park against its targets: amounts in 亿元, rates as fractions."""

    scope: str
    signed_amount: float
    amount_target: float | None
    progress: float | None
    big_signed: int
    big_target: int | None
    start_rate: float | None
    funds_rate: float | None


@dataclass
class InvestmentContract:
    """``/api/v1/investment`` and ``dualtrack investment --json``."""

    date: str
    rules_version: str
    leads: list[InvestmentContractLead]
    scopes: list[InvestmentContractScope]


class InvestmentMeasure(Measure[InvestmentFacts, InvestmentRules, Evaluation]):
    """招商引资 (DOMAIN.md §14): each lead's light on a day and the scopes' figures against their targets."""

    key = "investment"
    label = gettext_lazy("招商引资")
    period_kind = PeriodKind.DAY
    rules_key = RULES_KEY
    rules = InvestmentRules
    sources = ("investment", "registry")
    result = Evaluation
    contract = InvestmentContract
    format = 2  # 2: a lead's inactivity counted from its registration day (#28 §5)
    api_path = "investment"
    api_name = "api-investment"
    command = "investment"
    card = (52, cards.investment_card)
    section = (57, bulletin.section)
    menu = MenuEntry(gettext_lazy("招商引资"), "investment:leads", services.in_menu, order=16)
    # After the problems' escalation: a red lead's new task starts its own clock.
    steps = (Step("investment-red-leads", services.raise_due, order=55),)
    row_key = ("code",)
    outcome_fields = ("light", "reasons")
    outcome_labels = {"red": gettext_lazy("红灯"), "yellow": gettext_lazy("黄灯"), "green": gettext_lazy("绿灯")}

    def load(self, period: Period, scope: Any = None) -> InvestmentFacts:
        return load(period, scope)

    def judge(self, facts: InvestmentFacts, rules: InvestmentRules) -> Evaluation:
        return judge(facts, rules)

    def as_of(self, actor: Viewer = None, on: dt.date | None = None) -> Period | None:
        return Period.of(PeriodKind.DAY, services.as_of(on))

    def can_view(self, actor: Viewer) -> bool:
        return services.can_view(actor)

    def visible(self, result: Evaluation, actor: Viewer) -> Evaluation:
        return services.narrowed(result, actor)

    def as_json(self, result: Evaluation) -> dict[str, Any]:
        return result.as_json()

    def outcome_label(self, value: Any, rules: InvestmentRules | None = None) -> str:
        """A reason named with the threshold of the rules it was judged under (``services.reason_text``)."""
        if isinstance(value, str) and value in Reason.values:
            return services.reason_text(value, rules if rules is not None else self.current_rules()[1])
        return super().outcome_label(value, rules)

    def text_lines(self, result: Evaluation) -> list[str]:
        return [f"{s.scope} {s.name} signed {s.signed_amount} 亿元 / {s.amount_target}" for s in result.scopes]
