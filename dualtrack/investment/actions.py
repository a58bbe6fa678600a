"""Working a lead (DOMAIN.md §14): adding it, logging its activities, moving it along the stages, signing several
at one ceremony, and the hand-over: registering links the registry enterprise by credit code, starting creates
(or links) the key project of §7. Each function checks the access policy, validates, changes and audits in one
transaction, and re-checks the scope afterwards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dualtrack.core import audit, dates, policy, sequences
from dualtrack.core.actors import Actor
from dualtrack.core.choices import Action
from dualtrack.core.scoping import ensure_in_scope

from .choices import (
    BEFORE_SIGNING,
    HANDOVER_PLAN_MONTHS,
    HANDOVER_PROJECT_PREFIX,
    STARTED_STAGES,
    ActivityKind,
    InvestorClass,
    Stage,
)
from .models import GroundbreakingEvent, Lead, LeadActivity

ORDER = [Stage.LEAD, Stage.TALKS, Stage.INTENT, Stage.SIGNED, Stage.REGISTERED, Stage.LAND, Stage.STARTED,
         Stage.OPERATING]
MAX_AMOUNT = Decimal(100000)  # 亿元: beyond any real project, a typing slip


def _advance(lead: Lead, stage: Stage) -> None:
    """Move ``lead`` to ``stage`` unless it is there or beyond already (a start after 供地 keeps going forward)."""
    if ORDER.index(Stage(lead.stage)) < ORDER.index(stage):
        lead.stage = stage


def _save(actor: Actor, lead: Lead, before: dict[str, Any]) -> Lead:
    """Save, audit the change against ``before`` and re-check the scope, in the caller's transaction."""
    lead.save()
    audit.record_change(actor, lead, before)
    ensure_in_scope(lead, actor, Action.CHANGE)
    return lead


def _check_day(errors: dict[str, str], field: str, day: dt.date | None, *, required: bool = True) -> None:
    if day is None:
        if required:
            errors[field] = _("请填写日期")
        return
    if day > dates.today():
        errors[field] = _("日期不能晚于今天")
    elif day.year < 2000:
        errors[field] = _("日期早于2000年")


@dataclass(frozen=True)
class NewLead:
    """A lead as a county's or park's investment staff enter it on a phone (typed input of :func:`add_lead`)."""

    name: str
    investor: str
    amount: Decimal
    investor_class: str = InvestorClass.OTHER
    industry_code: str = ""
    source: str = ""
    informant: str = ""
    county_id: int | None = None  # HQ names the county; a county's or park's user adds to their own
    park_id: int | None = None


def industry_code(raw: str, errors: dict[str, str] | None = None, field: str = "industry_code",
                  codes: dict[str, str] | None = None) -> str:
    """A lead's 行业代码 as the registry's GB/T 4754-2017 list has it (the section, or the section and division:
    ``C36``), blank allowed; a code not in the list is refused (``errors[field]``), as on the page so in a file
    (``codes``: the registry's codes read once for a file's rows)."""
    from dualtrack.registry import services as registry

    if not (raw or "").strip():
        return ""
    found = registry.industry_code_of(raw, codes)
    if found is None:
        message = _("行业代码“%(code)s”不在国民经济行业分类（GB/T 4754-2017）的门类或大类中") % {"code": raw.strip()[:10]}
        if errors is None:
            raise ValidationError({field: message})
        errors[field] = message
        return ""
    return found


def stage_fields(lead: Lead, stage: str) -> tuple[str, ...]:
    """The fields of the stage form that a move of ``lead`` to ``stage`` reads (:func:`move_stage`): the signing
    date to 正式签约 or 供地 from before signing, the company's credit code to 注册, the start date and an existing
    project's code to 开工 or 投产 before a start, the reason to 终止; none otherwise (洽谈, 签约意向)."""
    fields: list[str] = []
    if stage == Stage.STOPPED:
        return ("reason",)
    if stage == Stage.REGISTERED:
        return ("uscc",)
    if stage in (Stage.SIGNED, Stage.LAND) and lead.stage in BEFORE_SIGNING:
        fields.append("date")
    if stage in STARTED_STAGES and lead.started_on is None:
        fields += ["date", "project_code"]
    return tuple(fields)


def _next_code(day: dt.date) -> str:
    def highest() -> int:
        codes = Lead.objects.filter(code__startswith=f"ZS{day.year}-").values_list("code", flat=True)
        return max((int(c.rsplit("-", 1)[1]) for c in codes if c.rsplit("-", 1)[1].isdigit()), default=0)

    return f"ZS{day.year}-{sequences.next_value(f'investment:lead:{day.year}', highest):04d}"


@transaction.atomic
def add_lead(actor: Actor, spec: NewLead) -> Lead:
    """A new lead at stage 线索, numbered ZS<year>-NNNN; the first informant is kept on it."""
    policy.authorize_create(actor, Lead, Action.ADD)
    errors: dict[str, str] = {}
    for field in ("name", "investor"):
        if not getattr(spec, field).strip():
            errors[field] = _("必填")
    if not Decimal(0) < spec.amount < MAX_AMOUNT:
        errors["amount"] = _("计划投资应大于0且小于10万亿元")
    if spec.investor_class not in InvestorClass.values:
        errors["investor_class"] = _("投资方类别无效")
    industry = industry_code(spec.industry_code, errors)
    county_id, park_id = spec.county_id, spec.park_id
    user_county, user_park = getattr(actor, "county_id", None), getattr(actor, "park_id", None)
    from dualtrack.registry import services as registry

    if user_park:
        park_id, county_id = user_park, registry.park_county_id(user_park)
    else:
        if user_county:
            county_id = user_county
        if park_id is not None:
            # A park lies in one county: the lead counts for both, so the two must agree.
            park_county = registry.park_county_id(park_id)
            if park_county is None:
                errors["park"] = _("园区不存在")
            elif county_id is None:
                county_id = park_county
            elif park_county != county_id:
                errors["park"] = _("该园区不在所选区县内")
    if county_id is None:
        errors["county"] = _("请选择区县")
    if errors:
        raise ValidationError(errors)
    lead = Lead.objects.create(
        code=_next_code(dates.today()), name=spec.name.strip()[:200], investor=spec.investor.strip()[:200],
        amount=spec.amount.quantize(Decimal("0.0001")), investor_class=spec.investor_class,
        industry_code=industry, source=spec.source.strip()[:100], informant=spec.informant.strip()[:50],
        county_id=county_id, park_id=park_id, stage=Stage.LEAD, registered_on=dates.today())
    audit.record_change(actor, lead, None)
    ensure_in_scope(lead, actor, Action.CHANGE)
    return lead


@transaction.atomic
def name_officer(actor: Actor, lead: Lead, officer_id: int | None) -> Lead:
    """首席服务员: name (or change) the lead's chief service officer, who is told and then sees the lead and logs its
    activities; a red lead's task goes to them."""
    from dualtrack.accounts import services as accounts
    from dualtrack.core import notifications

    policy.authorize(actor, lead, Action.CHANGE)
    officer = accounts.officer_candidates(lead.county_id).filter(pk=officer_id).first() if officer_id else None
    if officer is None:
        raise ValidationError({"officer": _("请选择本区县的工作人员、部门工作人员或驻企服务员")})
    before = audit.snapshot(lead)
    lead.officer = officer
    _save(actor, lead, before)
    notifications.notify([officer], _("您被确定为招商项目 %(name)s 的首席服务员") % {"name": lead.name},
                         f"/investment/leads/{lead.code}/")
    return lead


@transaction.atomic
def log_activity(actor: Actor, lead: Lead, *, day: dt.date | None, kind: str, note: str = "") -> LeadActivity:
    """An activity on the lead: a visit out or in, an online negotiation (云招商), a promotion, a ceremony. One of a
    kind per lead and day: logging it again changes its note."""
    policy.authorize(actor, lead, Action.REPORT)
    errors: dict[str, str] = {}
    _check_day(errors, "date", day)
    if kind not in ActivityKind.values:
        errors["kind"] = _("活动类型无效")
    if lead.stage == Stage.STOPPED:
        errors["kind"] = _("已终止的项目不再登记活动")
    if errors:
        raise ValidationError(errors)
    assert day is not None  # noqa: S101 - checked above
    existing = LeadActivity.objects.filter(lead=lead, date=day, kind=kind).first()
    before = audit.snapshot(existing) if existing else None
    activity, _created = LeadActivity.objects.update_or_create(lead=lead, date=day, kind=kind,
                                                               defaults={"note": note.strip()[:500]})
    audit.record_change(actor, activity, before)
    ensure_in_scope(lead, actor, Action.REPORT)
    return activity


@transaction.atomic
def move_stage(actor: Actor, lead: Lead, *, stage: str, day: dt.date | None = None, uscc: str = "",
               project_code: str = "", reason: str = "") -> Lead:
    """Move the lead forward (never back): to 正式签约 on a signing date; to 注册 with the registered company's
    credit code (:func:`register`); to 开工 on a start date (:func:`start`); to 终止 with a reason."""
    policy.authorize(actor, lead, Action.CHANGE)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    errors: dict[str, str] = {}
    if stage not in Stage.values:
        raise ValidationError({"stage": _("阶段无效")})
    if lead.stage == Stage.STOPPED:
        raise ValidationError({"stage": _("项目已终止，不能再变更阶段")})
    if stage != Stage.STOPPED and ORDER.index(Stage(stage)) <= ORDER.index(Stage(lead.stage)):
        raise ValidationError({"stage": _("阶段只能向前推进（当前：%(stage)s）") % {"stage": lead.get_stage_display()}})
    if stage == Stage.REGISTERED:
        return register(actor, lead, uscc)
    if stage in STARTED_STAGES and lead.started_on is None:
        start(actor, lead, day=day, project_code=project_code)
        lead.refresh_from_db()
        if stage == Stage.STARTED:
            return lead
    before = audit.snapshot(lead)
    if stage == Stage.STOPPED:
        if not reason.strip():
            errors["reason"] = _("终止须说明原因")
        lead.stop_reason = reason.strip()[:200]
    elif stage in (Stage.SIGNED, Stage.LAND) and lead.stage in BEFORE_SIGNING:
        _check_day(errors, "date", day)
        lead.signed_on = day
    if errors:
        raise ValidationError(errors)
    lead.stage = stage
    return _save(actor, lead, before)


@transaction.atomic
def register(actor: Actor, lead: Lead, uscc: str) -> Lead:
    """注册: the investor's company is registered; the registry enterprise with that credit code is linked (the
    enterprise must be in the registry first)."""
    from dualtrack.registry import services as registry

    policy.authorize(actor, lead, Action.CHANGE)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    code = uscc.strip().upper()
    if lead.stage in BEFORE_SIGNING or lead.stage == Stage.STOPPED:
        raise ValidationError({"stage": _("正式签约后才能登记注册企业")})
    if not code:
        raise ValidationError({"uscc": _("请填写统一社会信用代码")})
    enterprise = registry.enterprise_by_uscc(code)
    if enterprise is None:
        raise ValidationError({"uscc": _("统一社会信用代码 %(code)s 不在企业名录中，请先登记企业") % {"code": code[:18]}})
    before = audit.snapshot(lead)
    lead.enterprise = enterprise
    _advance(lead, Stage.REGISTERED)
    return _save(actor, lead, before)


@transaction.atomic
def start(actor: Actor, lead: Lead, *, day: dt.date | None, project_code: str = "") -> Any:
    """开工: the lead becomes a key project (§7). An existing project is linked by ``project_code``; otherwise one
    is created as ZS-<lead code>, with a default plan, so that it carries a light on the next evaluation and its
    escalation. Answers the project."""
    from dualtrack.projects import services as projects

    policy.authorize(actor, lead, Action.CHANGE)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)  # no joins: PostgreSQL locks no outer join
    errors: dict[str, str] = {}
    _check_day(errors, "date", day)
    if lead.stage in BEFORE_SIGNING or lead.stage == Stage.STOPPED or lead.signed_on is None:
        errors["stage"] = _("正式签约后才能开工")
    elif day is not None and day < lead.signed_on:
        errors["date"] = _("开工日期早于签约日期（%(day)s）") % {"day": lead.signed_on.isoformat()}
    code = project_code.strip().upper()[:40]
    if code and not projects.project_exists(code):
        errors["project_code"] = _("重点项目 %(code)s 不存在") % {"code": code}
    if errors:
        raise ValidationError(errors)
    assert day is not None  # noqa: S101 - checked above
    project, _created = projects.create_for_handover(actor, projects.HandoverProject(
        code=code or HANDOVER_PROJECT_PREFIX + lead.code, name=lead.name, county_id=lead.county_id,
        park_id=lead.park_id, owner_id=lead.enterprise_id, total_investment=lead.amount * 10000,
        started_on=day, plan_months=HANDOVER_PLAN_MONTHS,
        responsible_unit=f"{(lead.park or lead.county).name}"))
    before = audit.snapshot(lead)
    lead.started_on, lead.project_code = day, project.code
    _advance(lead, Stage.STARTED)
    _save(actor, lead, before)
    return project


@transaction.atomic
def sign_at_ceremony(actor: Actor, leads: list[Lead], *, day: dt.date | None, place: str) -> list[Lead]:
    """签约仪式: several leads formally signed at once, each with its ceremony logged as an activity. All or
    nothing: one lead that may not be signed refuses the whole ceremony, naming it."""
    errors: dict[str, str] = {}
    _check_day(errors, "date", day)
    if not place.strip():
        errors["place"] = _("请填写签约地点或活动名称")
    if not leads:
        errors["leads"] = _("请选择至少一个签约项目")
    for lead in leads:
        policy.authorize(actor, lead, Action.CHANGE)
        if lead.stage not in BEFORE_SIGNING:
            errors["leads"] = _("%(code)s 当前阶段为%(stage)s，不能再签约") % {
                "code": lead.code, "stage": lead.get_stage_display()}
    if errors:
        raise ValidationError(errors)
    signed = []
    for lead in leads:
        signed.append(move_stage(actor, lead, stage=Stage.SIGNED, day=day))
        log_activity(actor, lead, day=day, kind=ActivityKind.SIGNING, note=place)
    return signed


@transaction.atomic
def add_groundbreaking(actor: Actor, *, day: dt.date | None, title: str, place: str, county_id: int | None,
                       project_codes: list[str]) -> GroundbreakingEvent:
    """集中开工: an event on a day with the projects that start at it (each a key project the actor may see)."""
    from dualtrack.projects import services as projects

    errors: dict[str, str] = {}
    user_county = getattr(actor, "county_id", None)
    if getattr(actor, "role", None) != "hq":
        county_id = user_county
    policy.authorize_create(actor, GroundbreakingEvent, Action.ADD)  # where: re-checked after the write
    _check_day(errors, "date", day, required=True)
    if not title.strip():
        errors["title"] = _("必填")
    if not place.strip():
        errors["place"] = _("必填")
    codes = list(dict.fromkeys(c.strip().upper() for c in project_codes if c.strip()))[:500]
    found = projects.visible_project_ids(actor, codes)
    missing = [c for c in codes if c not in found]
    if not codes:
        errors["projects"] = _("请填写开工项目代码")
    elif missing:
        errors["projects"] = _("项目代码不存在或不在您的范围：%(codes)s") % {"codes": "、".join(missing[:10])}
    if errors:
        raise ValidationError(errors)
    event = GroundbreakingEvent.objects.create(date=day, title=title.strip()[:200], place=place.strip()[:200],
                                               county_id=county_id)
    event.projects.set(found.values())
    audit.record_change(actor, event, None)
    ensure_in_scope(event, actor, Action.ADD)
    return event
