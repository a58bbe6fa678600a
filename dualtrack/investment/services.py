"""Investment promotion (招商引资, DOMAIN.md §14): each lead's light on a date under the rule set ``investment``, the
scopes' figures against their targets (the city, and each county and park with a target that year), and the red
leads' tasks. Other apps call these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dualtrack.core.actors import Viewer
from dualtrack.core.choices import Action

from .choices import LEAD_TASK_KEY, LEAD_TASK_TEXT, Reason
from .models import InvestmentTarget, Lead


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


def _measure() -> Any:
    from dualtrack.core import capability

    return capability.measure("investment")


def can_view(user: Viewer) -> bool:
    """Who may ask for the city's figures (the API, the store's 计算中 poll): those who see the targets."""
    return InvestmentTarget.permits(user, Action.VIEW)


def in_menu(user: Viewer) -> bool:
    """A liaison officer's phone menu is short: 招商引资 shows only once they are a lead's chief service officer."""
    from .policy import menu_waits_for_a_lead

    if not Lead.permits(user, Action.VIEW):
        return False
    return not menu_waits_for_a_lead(user) or Lead.objects.restrict(user, Action.VIEW).exists()


def narrowed(evaluation: Evaluation, user: Viewer) -> Evaluation:
    """The whole city's evaluation narrowed to the leads ``user`` may see; the scopes' figures stay the city's,
    each county's and park's. The console (None) sees every lead."""
    if user is None:
        return evaluation
    visible = set(Lead.objects.restrict(user).values_list("code", flat=True))
    return Evaluation(evaluation.day, evaluation.rules_version,
                      [s for s in evaluation.leads if s.code in visible], evaluation.scopes)


def _period(day: dt.date) -> Any:
    from dualtrack.core.capability import Period, PeriodKind

    return Period.of(PeriodKind.DAY, day)


def evaluate(day: dt.date, user: Viewer = None) -> Evaluation:
    """Every lead ``user`` may see (all for the console) judged on ``day`` under the current ``investment`` rule
    set, and the scopes' figures (the city's, and each county's and park's with a target in ``day``'s year): the
    stored result, computed now if it is missing or its data changed (the console, the bulletin, the worker's
    red-lead tasks; pages and the card read :func:`read` and never compute)."""
    from dualtrack.core import judgements

    return narrowed(judgements.ensure(_measure(), _period(day)).result, user)


def read(day: dt.date, user: Viewer) -> tuple[Evaluation | None, Any]:
    """What a page or the card shows for ``day``: (the stored evaluation narrowed to ``user``, the store's answer);
    the evaluation is None while the day is being computed (the answer is then ``Pending``)."""
    from dualtrack.core import judgements

    found = judgements.read(_measure(), _period(day))
    if isinstance(found, judgements.Pending):
        return None, found
    return narrowed(found.result, user), found


def reason_text(code: str, rules: Any) -> str:
    """A lead's reason for people, in the reader's language, naming the threshold of the rules it was judged under
    (``rules``: the typed rule set or its JSON): a lead judged with a 4-month yellow threshold says 正式签约满4个月未开工.
    The one rendering of a reason: pages, exports, the what-if page, the card, the bulletin and the red leads' tasks.
    The code itself (stored, in the contract) stays as it is."""
    if code in (Reason.NOT_STARTED_6M, Reason.NOT_STARTED_9M):
        months = rules["yellow_months" if code == Reason.NOT_STARTED_6M else "red_months"]
        return ngettext("正式签约满%(months)s个月未开工", "正式签约满%(months)s个月未开工", months) % {"months": months}
    if code == Reason.STALE:
        days = rules["stale_days"]
        return ngettext("%(days)s天无招商活动", "%(days)s天无招商活动", days) % {"days": days}
    return str(dict(Reason.choices).get(code, code))


def reason_texts(rules_version: str) -> dict[str, str]:
    """Every reason's text under the rules a stored evaluation names (its ``rules_version``), for a page to show."""
    rules = _measure().rules_named(rules_version)
    return {code: reason_text(code, rules) for code in Reason.values}


def lead_light(lead: Lead, day: dt.date) -> tuple[str | None, list[str]]:
    """One lead's light on ``day`` (its page) and its reasons as shown (:func:`reason_text`, under the rules the day
    was judged with), as the stored judgement of the day has them (none while the day is being computed)."""
    evaluation, _answer = read(day, None)
    found = None if evaluation is None else next((s for s in evaluation.leads if s.code == lead.code), None)
    if evaluation is None or found is None:
        return None, []
    texts = reason_texts(evaluation.rules_version)
    return found.light, [texts.get(r, r) for r in found.reasons]


def red_task_text(params: dict[str, Any]) -> str:
    """A red lead's task (督办任务) in the active language, from its code's parameters (``LEAD_TASK_TEXT``, #28 §3):
    招商项目 ZS-1 某项目 正式签约满9个月未开工（签约日期 2020-03-10），请首席服务员张三协调推进开工."""
    months = int(params["months"])
    values = {"code": params["code"], "name": params["name"], "signed": params["signed"],
              "why": ngettext("正式签约满%(months)s个月未开工", "正式签约满%(months)s个月未开工", months) % {"months": months},
              "officer": params.get("officer") or _("（未确定）")}
    return _("招商项目 %(code)s %(name)s %(why)s（签约日期 %(signed)s），请首席服务员%(officer)s协调推进开工") % values


def raise_red_tasks(day: dt.date, at: dt.datetime | None = None) -> int:
    """Each lead red on ``day`` raises one task of the closed loop (§6) for its chief service officer: put right in
    its county, told to the officer. Idempotent by the lead's code. A day past the clock is refused (a light is not
    judged, nor a task raised, for a day that has not come)."""
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from dualtrack.core import dates, notifications
    from dualtrack.problems import services as problems

    if day > dates.today():
        raise ValidationError(_("日期不能晚于今天（%(today)s）：%(day)s") % {
            "today": dates.today().isoformat(), "day": day.isoformat()})
    evaluation = evaluate(day)
    red = [s.code for s in evaluation.leads if s.light == "red"]
    raised = 0
    months = _measure().rules_named(evaluation.rules_version)["red_months"]
    for lead in Lead.objects.filter(code__in=red).select_related("officer", "county"):
        officer = lead.officer
        # kept as a code with parameters, shown in the reader's language; the description is its Chinese text
        params = {"code": lead.code, "name": lead.name, "months": months, "signed": f"{lead.signed_on:%Y-%m-%d}",
                  "officer": officer.full_name if officer else ""}
        with translation.override(settings.LANGUAGE_CODE):  # a task's text is kept in Chinese, whoever asked
            text = red_task_text(params)
        task, created = problems.create_task(
            LEAD_TASK_KEY + lead.code, text, category="其他", department=getattr(officer, "department", None),
            county=lead.county, complexity="general", at=at, text_code=LEAD_TASK_TEXT, text_params=params)
        if created:
            raised += 1
            if officer is not None:
                notifications.notify([officer], f"招商项目 {lead.name} 亮红灯，已生成督办任务 {task.ref}",
                                     f"/problems/{task.ref}/")
    return raised


def raise_due() -> dict[str, Any]:
    """The worker's step: the leads red on the pipeline's as-of day (:func:`as_of`, the day the pages show) raise
    their tasks (idempotent: a lead's task is raised once)."""
    day = as_of()
    return {"day": day.isoformat(), "raised": raise_red_tasks(day)}


def informant_shown(user: Viewer, lead: Lead) -> str:
    """The lead's first informant (第一信息人) as ``user`` may see it, through the one masking path (core.privacy, a
    name: 王**): whole for HQ and the lead's own staff (the lead's policy grants ``PERSONAL``; the view is audited
    on the lead), masked for everyone else."""
    from dualtrack.core import privacy

    return privacy.shown(user, [(lead, {"informant": lead.informant})], kinds={"informant": privacy.NAME})[0][
        "informant"]


def informants_shown(user: Viewer, day: dt.date) -> list[Any]:
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
