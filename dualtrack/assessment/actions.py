"""The life of a year's assessment (DOMAIN.md §18): compute the draft, publish it for 公示 (its rows frozen, the
notice lasting ``notice_working_days``), an enterprise's objection during the notice and its answer, finalise it
after the notice once every objection is answered (the D list becomes the counties' tasks), correct a published or
final one as a new version with its reason; adopt another preset as a new version of the rule set. Pages, the API
and the console change through these: each checks the policy, validates, changes and audits in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dualtrack.core import audit, dates, policy
from dualtrack.core.actors import Actor, as_user
from dualtrack.core.choices import Action
from dualtrack.core.scoping import ensure_in_scope

from .choices import D_TASK_KEY, D_TASK_TEXT, PRESETS, AssessmentStatus, ObjectionState
from .models import Assessment, AssessmentRow, Objection


def _rules() -> Any:
    from dualtrack.core import capability

    return capability.measure("assessment").current_rules()


def _check_year(year: int) -> None:
    if not 2000 <= year <= dates.today().year:
        raise ValidationError({"year": _("年度应在 2000 至 %(y)s 之间") % {"y": dates.today().year}})


def _latest(year: int) -> Assessment | None:
    return Assessment.objects.select_for_update().filter(year=year).order_by("-version").first()


@transaction.atomic
def compute_draft(actor: Actor | None, year: int) -> Assessment:
    """计算草稿: the year's draft (created when the year has none, or its latest is published or final only through
    :func:`correct`); the result is computed now and stored."""
    from . import services

    policy.authorize_create(actor, Assessment, Action.APPROVE)
    _check_year(year)
    latest = _latest(year)
    if latest is not None and latest.status != AssessmentStatus.DRAFT:
        raise ValidationError({"year": _("%(year)s年度评价已%(status)s，如需更正请发起更正（新版本）") % {
            "year": year, "status": latest.get_status_display()}})
    if latest is None:
        latest = Assessment.objects.create(year=year, version=1, created_by=as_user(actor) if actor else None)
        audit.record_change(actor, latest, None)
    services.evaluate(year)
    return latest


@transaction.atomic
def publish(actor: Actor | None, year: int, on: dt.date | None = None) -> Assessment:
    """公示: the draft's rows frozen as they are now, the notice until the end of the ``notice_working_days``-th
    working day after ``on``. Refused when the year has no rated enterprise."""
    from dualtrack.core import calendar

    from . import services

    policy.authorize_create(actor, Assessment, Action.PUBLISH)
    _check_year(year)
    latest = _latest(year)
    if latest is None:
        latest = compute_draft(actor, year)
    if latest.status != AssessmentStatus.DRAFT:
        raise ValidationError({"status": _("%(year)s年度评价已%(status)s") % {
            "year": year, "status": latest.get_status_display()}})
    result = services.evaluate(year)
    if not any(r.rated for r in result.enterprises):
        raise ValidationError({"year": _("%(year)s年度没有参评企业，请先导入用地和年度数据") % {"year": year}})
    on = on or dates.today()
    label, rules = _rules()
    before = audit.snapshot(latest)
    AssessmentRow.objects.bulk_create([AssessmentRow(
        assessment=latest, enterprise_id=r.enterprise_id, county=r.county, park=r.park, rated=r.rated,
        not_rated_reason=r.not_rated_reason or "", values=dict(zip(result.indicators, r.values, strict=True)),
        score=r.score, grade=r.grade, rank_in_county=r.rank_in_county) for r in result.enterprises])
    latest.status, latest.rules_version, latest.published_on = AssessmentStatus.PUBLISHED, label, on
    latest.notice_ends_on = calendar.add_working_days(on, rules.notice_working_days)[0]
    latest.save()
    audit.record_change(actor, latest, before)
    return latest


@transaction.atomic
def object_to(actor: Actor, assessment: Assessment, enterprise: Any, reason: str, on: dt.date | None = None
              ) -> Objection:
    """异议: an enterprise's objection to its row during the notice, with its reason (one open at a time)."""
    policy.authorize(actor, enterprise, Action.VIEW)
    policy.authorize_create(actor, Objection, Action.APPLY)
    on = on or dates.today()
    errors: dict[str, str] = {}
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != AssessmentStatus.PUBLISHED:
        errors["assessment"] = _("%(year)s年度评价不在公示期，不能提出异议") % {"year": assessment.year}
    elif assessment.notice_ends_on is not None and on > assessment.notice_ends_on:
        errors["assessment"] = _("公示期已于%(day)s结束") % {"day": assessment.notice_ends_on.isoformat()}
    if not AssessmentRow.objects.filter(assessment=assessment, enterprise=enterprise).exists():
        errors["enterprise"] = _("该企业不在%(year)s年度评价名单中") % {"year": assessment.year}
    reason = reason.strip()
    if not reason:
        errors["reason"] = _("请写明异议理由")
    elif len(reason) > 500:
        errors["reason"] = _("异议理由最多500字")
    if Objection.objects.filter(assessment=assessment, enterprise=enterprise, state=ObjectionState.OPEN).exists():
        errors["reason"] = _("已有待答复的异议，请等待答复")
    if errors:
        raise ValidationError(errors)
    made = Objection.objects.create(assessment=assessment, enterprise=enterprise, reason=reason, filed_on=on,
                                    filed_by=as_user(actor))
    audit.record_change(actor, made, None)
    ensure_in_scope(made, actor, Action.APPLY)
    return made


@transaction.atomic
def answer(actor: Actor | None, objection: Objection, text: str, on: dt.date | None = None) -> Objection:
    """答复异议 (once; a further answer is a new objection's)."""
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if actor is not None:
        policy.authorize(actor, objection, Action.APPROVE)
    text = text.strip()
    errors: dict[str, str] = {}
    if objection.state != ObjectionState.OPEN:
        errors["answer"] = _("该异议已答复")
    if not text:
        errors["answer"] = _("请填写答复")
    elif len(text) > 500:
        errors["answer"] = _("答复最多500字")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(objection)
    objection.state, objection.answer = ObjectionState.ANSWERED, text
    objection.answered_on, objection.answered_by = on or dates.today(), as_user(actor) if actor else None
    objection.save()
    audit.record_change(actor, objection, before)
    return objection


@transaction.atomic
def finalise(actor: Actor | None, year: int, on: dt.date | None = None) -> Assessment:
    """定稿: after the notice, every objection answered; never changed again. The D list becomes one task per county
    (低效用地整治)."""
    policy.authorize_create(actor, Assessment, Action.PUBLISH)
    on = on or dates.today()
    latest = _latest(year)
    errors: dict[str, str] = {}
    if latest is None or latest.status != AssessmentStatus.PUBLISHED:
        errors["status"] = _("%(year)s年度评价尚未公示，不能定稿") % {"year": year}
    else:
        if latest.notice_ends_on is not None and on <= latest.notice_ends_on:
            errors["status"] = _("公示期至%(day)s，公示期满后方可定稿") % {"day": latest.notice_ends_on.isoformat()}
        open_count = latest.objections.filter(state=ObjectionState.OPEN).count()
        if open_count:
            errors["objections"] = _("还有%(n)s件异议未答复") % {"n": open_count}
    if errors:
        raise ValidationError(errors)
    assert latest is not None  # noqa: S101 - checked above
    before = audit.snapshot(latest)
    latest.status, latest.finalised_on = AssessmentStatus.FINAL, on
    latest.save()
    audit.record_change(actor, latest, before)
    raise_d_tasks(latest)
    return latest


def raise_d_tasks(assessment: Assessment) -> int:
    """The final assessment's D list: one §6 task per county naming its D enterprises (idempotent)."""
    from django.conf import settings
    from django.utils import translation

    from dualtrack.problems import services as problems
    from dualtrack.registry import services as registry

    from .texts import d_list_task_text

    rows = list(AssessmentRow.objects.filter(assessment=assessment, grade="D").select_related("enterprise").order_by(
        "county", "rank_in_county"))
    by_county: dict[str, list[str]] = {}
    for row in rows:
        by_county.setdefault(row.county, []).append(row.enterprise.name)
    names = registry.region_names()
    raised = 0
    for county, firms in sorted(by_county.items()):
        params = {"year": assessment.year, "county": names.get(county, county), "n": len(firms),
                  "names": "、".join(firms[:5]) + ("等" if len(firms) > 5 else "")}
        with translation.override(settings.LANGUAGE_CODE):
            text = d_list_task_text(params)
        _task, created = problems.create_task(f"{D_TASK_KEY}{assessment.year}:{county}", text, category="用地",
                                              county=registry.county_by_code(county), text_code=D_TASK_TEXT,
                                              text_params=params)
        raised += created
    return raised


@transaction.atomic
def correct(actor: Actor | None, year: int, reason: str) -> Assessment:
    """更正: a published or final assessment stays as it was; a new version (a draft) is opened with its reason, to
    be published and finalised again."""
    policy.authorize_create(actor, Assessment, Action.REVISE)
    latest = _latest(year)
    reason = reason.strip()
    errors: dict[str, str] = {}
    if latest is None or latest.status == AssessmentStatus.DRAFT:
        errors["status"] = _("%(year)s年度评价尚未公示，直接重新计算草稿即可") % {"year": year}
    if not reason:
        errors["reason"] = _("请写明更正理由")
    if errors:
        raise ValidationError(errors)
    assert latest is not None  # noqa: S101 - checked above
    made = Assessment.objects.create(year=year, version=latest.version + 1, reason=reason[:300],
                                     created_by=as_user(actor) if actor else None)
    audit.record_change(actor, made, None)
    return made


def adopt_preset(actor: Actor, name: str, comment: str = "") -> Any:
    """采用方案: the preset ``name`` (淮安, 黄岩, 山东) becomes the current version of ``mu-efficiency`` (a new version;
    earlier results keep the version they were judged under)."""
    from dualtrack.core import rules as rule_sets

    if name not in PRESETS:
        raise ValidationError({"preset": _("没有方案“%(name)s”，可选：%(all)s") % {"name": name[:20],
                                                                         "all": "、".join(PRESETS)}})
    _label, current = _rules()
    definition = {**current.definition(), "preset": name, "indicators": [dict(i) for i in PRESETS[name]]}
    return rule_sets.revise("mu-efficiency", definition, actor, comment or _("采用%(name)s方案") % {"name": name})
