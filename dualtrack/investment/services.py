"""Investment promotion (招商引资, DOMAIN.md §14): each lead's light on a date under the rule set ``investment``, the
scopes' figures against their targets (the city, and each county and park with a target that year), and the red
leads' tasks. Other apps call these."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from dualtrack.core import rules as rule_sets

from . import engine
from .choices import LEAD_TASK_KEY, Stage
from .models import FundArrival, InvestmentTarget, Lead, LeadActivity
from .rules import RULES_KEY


@dataclass
class LeadStatus:
    code: str
    name: str
    stage: str
    light: str | None
    reasons: list[str]
    county_code: str
    park_code: str
    amount: Decimal


@dataclass
class ScopeFigures:
    scope: str
    name: str
    signed_amount: Decimal
    amount_target: Decimal | None
    progress: float | None
    big_signed: int
    big_target: int | None
    start_rate: float | None
    funds_rate: float | None
    signed: int = 0
    started: int = 0


@dataclass
class Evaluation:
    day: dt.date
    rules_version: str
    leads: list[LeadStatus]
    scopes: list[ScopeFigures]

    def as_json(self) -> dict[str, Any]:
        """The contract of ``dualtrack investment --json``: amounts in 亿元, rates as fractions."""
        def amount(value: Decimal | None) -> float | None:
            return None if value is None else round(float(value), 4)

        return {"date": self.day.isoformat(), "rules_version": self.rules_version,
                "leads": [{"code": s.code, "stage": s.stage, "light": s.light, "reasons": s.reasons}
                          for s in self.leads],
                "scopes": [{"scope": s.scope, "signed_amount": amount(s.signed_amount),
                            "amount_target": amount(s.amount_target), "progress": s.progress,
                            "big_signed": s.big_signed, "big_target": s.big_target, "start_rate": s.start_rate,
                            "funds_rate": s.funds_rate} for s in self.scopes]}


def as_of(on: dt.date | None = None) -> dt.date:
    """The pipeline's as-of day (数据截至) on a picture of ``on`` (default: the city's data-as-of day), never past the
    clock (``core.versions.bound``). The pipeline, the league table, the week, a lead's page, the card on 总览, the
    bulletin section, the API, ``dualtrack investment`` and the worker's red-lead tasks all judge the lights on it.

    It is the city's data-as-of day, not the pipeline's own latest record: the lights are deadlines counted from a
    signing or a last activity (6 and 9 months unstarted, 30 days without activity), so a day with no new record is
    itself information. Judged on the last activity or signing, the lights stood still while nobody recorded
    anything, exactly when they should turn (a lead signed nine months ago stayed yellow on the pipeline page while
    总览 showed it red), and one new activity moved the pipeline's day away from 总览's (DOMAIN.md §15 "one source
    has one as-of day, whichever page shows it"). On the city's day every page and the worker agree, and no light
    is judged, nor any red lead's task raised, for a day past the clock."""
    from dualtrack.core import versions

    return versions.bound(on)


def lead_light(lead: Lead, day: dt.date) -> tuple[str | None, list[str]]:
    """One lead's light and reasons on ``day`` (its page), as :func:`evaluate` judges it among all."""
    last = lead.activities.filter(date__lte=day).aggregate(d=Max("date"))["d"]
    facts = engine.LeadFacts(lead.stage, lead.signed_on, lead.started_on, last)
    light, reasons = engine.light(facts, day, rule_sets.current(RULES_KEY).definition)
    return light, [str(r) for r in reasons]


def evaluate(day: dt.date, user: Any = None) -> Evaluation:
    """Every lead ``user`` may see (all for the console) judged on ``day``, and the scopes' figures (the city's,
    and each county's and park's with a target in ``day``'s year). A lead counts for its county and, when it has
    one, its park; a 终止 lead counts nowhere; arrivals of months after ``day``'s are left out."""
    from dualtrack.registry import services as registry

    current = rule_sets.current(RULES_KEY)
    rules = current.definition
    last = dict(LeadActivity.objects.filter(date__lte=day).values("lead_id").annotate(d=Max("date")).values_list(
        "lead_id", "d"))
    arrived: dict[int, Decimal] = dict(FundArrival.objects.filter(month__lte=day.replace(day=1)).values(
        "lead_id").annotate(total=Sum("amount")).values_list("lead_id", "total"))
    leads = list(Lead.objects.select_related("county", "park").order_by("code"))
    visible = None if user is None else set(Lead.objects.restrict(user).values_list("pk", flat=True))
    statuses = []
    totals: dict[str, dict[str, Any]] = defaultdict(lambda: {
        "signed_amount": Decimal(0), "big": 0, "signed": 0, "started": 0, "planned": Decimal(0),
        "arrived": Decimal(0)})
    targets = {t.scope_code: t for t in InvestmentTarget.objects.filter(year=day.year)}
    city = registry.city()
    city_code = city.code if city else "city"
    for lead in leads:
        facts = engine.LeadFacts(lead.stage, lead.signed_on, lead.started_on, last.get(lead.pk))
        light, reasons = engine.light(facts, day, rules)
        if visible is None or lead.pk in visible:
            statuses.append(LeadStatus(lead.code, lead.name, lead.stage, light, [str(r) for r in reasons],
                                       lead.county.code, lead.park.code if lead.park else "", lead.amount))
        if lead.stage == Stage.STOPPED or not engine.formally_signed(facts, day):
            continue
        for scope in (city_code, lead.county.code, *([lead.park.code] if lead.park else [])):
            entry = totals[scope]
            entry["signed"] += 1
            entry["started"] += int(engine.started(facts, day))
            entry["planned"] += lead.amount
            entry["arrived"] += arrived.get(lead.pk, Decimal(0))
            if lead.signed_on and lead.signed_on.year == day.year:
                entry["signed_amount"] += lead.amount
                target = targets.get(scope)
                if target is not None and lead.amount >= target.big_threshold:
                    entry["big"] += 1
    names = registry.region_names() | registry.park_names()
    scopes = []
    for code in [city_code, *sorted(c for c in targets if c != city_code)]:
        entry, target = totals[code], targets.get(code)
        scopes.append(ScopeFigures(
            code, names.get(code, code), entry["signed_amount"], target.amount_target if target else None,
            engine.ratio(entry["signed_amount"], target.amount_target) if target else None, entry["big"],
            target.big_count_target if target else None, engine.ratio(entry["started"], entry["signed"]),
            engine.ratio(entry["arrived"], entry["planned"]), entry["signed"], entry["started"]))
    return Evaluation(day, current.label, statuses, scopes)


def raise_red_tasks(day: dt.date, at: dt.datetime | None = None) -> int:
    """Each lead red on ``day`` raises one task of the closed loop (§6) for its chief service officer: put right in
    its county, told to the officer. Idempotent by the lead's code. A day past the clock is refused (a light is not
    judged, nor a task raised, for a day that has not come)."""
    from django.core.exceptions import ValidationError

    from dualtrack.core import dates, notifications
    from dualtrack.problems import services as problems

    if day > dates.today():
        raise ValidationError(_("日期不能晚于今天（%(today)s）：%(day)s") % {
            "today": dates.today().isoformat(), "day": day.isoformat()})
    evaluation = evaluate(day)
    red = [s.code for s in evaluation.leads if s.light == "red"]
    raised = 0
    for lead in Lead.objects.filter(code__in=red).select_related("officer", "county"):
        officer = lead.officer
        task, created = problems.create_task(
            LEAD_TASK_KEY + lead.code,
            f"招商项目 {lead.code} {lead.name} 正式签约({lead.signed_on:%Y-%m-%d})满9个月仍未开工,"
            f"请首席服务员{officer.full_name if officer else '(未确定)'}协调推进开工",
            category="其他", department=getattr(officer, "department", None), county=lead.county,
            complexity="general", at=at)
        if created:
            raised += 1
            if officer is not None:
                notifications.notify([officer], f"招商项目 {lead.name} 亮红灯,已生成督办任务 {task.ref}",
                                     f"/problems/{task.ref}/")
    return raised


def raise_due() -> dict[str, Any]:
    """The worker's step: the leads red on the pipeline's as-of day (:func:`as_of`, the day the pages show) raise
    their tasks (idempotent: a lead's task is raised once)."""
    day = as_of()
    return {"day": day.isoformat(), "raised": raise_red_tasks(day)}


def informant_shown(user: Any, lead: Lead) -> str:
    """The lead's first informant (第一信息人) as ``user`` may see it, through the one masking path (core.privacy, a
    name: 王**): whole for HQ and the lead's own staff (the lead's policy grants ``PERSONAL``; the view is audited
    on the lead), masked for everyone else."""
    from dualtrack.core import privacy

    return privacy.shown(user, [(lead, {"informant": lead.informant})], kinds={"informant": privacy.NAME})[0][
        "informant"]


def informants_shown(user: Any, day: dt.date) -> list[Any]:
    """The year's first informants to reward (:func:`pipeline.informants`) through the one masking path: each
    named whole where the policy of a lead of theirs (``Informant.lead``) grants ``user`` ``PERSONAL`` (HQ, a
    county's or park's staff, who see only their own leads here), each such view audited on that lead; masked
    (王**) for the others."""
    from dualtrack.core import privacy

    from . import pipeline

    found = pipeline.informants(user, day)
    leads = Lead._base_manager.in_bulk([i.lead for i in found])
    shown = privacy.shown(user, [(leads[i.lead], {"informant": i.name}) for i in found],
                          kinds={"informant": privacy.NAME})
    for informant, values in zip(found, shown, strict=True):
        informant.name = values["informant"]
    return found
