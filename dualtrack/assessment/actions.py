"""The life of a year's assessment (DOMAIN.md §18): compute the draft, publish it for 公示 (its rows frozen, the
notice lasting ``notice_working_days``), an enterprise's objection during the notice and its answer, finalise it
after the notice once every objection is answered (the D list becomes the counties' tasks), correct a published or
final one as a new version with its reason; adopt another preset as a new version of the rule set. Pages, the API
and the console change through these: each checks the policy, validates, changes and audits in one transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dualtrack.core import audit, dates, policy
from dualtrack.core.actors import Actor, as_user
from dualtrack.core.choices import Action
from dualtrack.core.scoping import ensure_in_scope

from .choices import D_TASK_KEY, D_TASK_TEXT, PRESETS, AssessmentStatus, ObjectionState
from .models import Assessment, AssessmentRow, EnterpriseAnnual, LandUse, Objection, ParkRank


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
        raise ValidationError({"year": _("%(year)s年度评价%(status)s，如需更正请发起更正（新版本）") % {
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
        raise ValidationError({"status": _("%(year)s年度评价%(status)s") % {
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
    latest.bases = [[b.county, b.indicator, b.base] for b in result.bases]
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


# --- the data a year is judged from: land, annual figures, the parks' ranks ------------------------------------------
# The one write path of the ``land_use``, ``enterprise_annual`` and ``park_ranks`` rows (DOMAIN.md §10, §18): each
# authorizes (HQ and the office for every enterprise and park, a county's operators their enterprises' land and
# figures), validates, writes and audits. A reported value is never changed silently: the same values again change
# nothing; other values for the same key are a correction of a draft year's input (written and audited), refused
# once the year's latest assessment is published or final (a correction is then a new version, :func:`correct`).

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
MAX_LAND_MU = Decimal("100000")  # 亩
MAX_WAN_YUAN = Decimal("100000000")  # 万元: 1万亿元, beyond any one enterprise's tax or sales
MAX_WAN_KWH = Decimal("10000000")  # 万千瓦时: 1000亿千瓦时
MAX_TONNES = Decimal("100000000")  # 吨标准煤, 吨
MAX_EMPLOYEES = 1_000_000
MAX_PARKS = 10_000
#: the annual figures: the three of §10 (用电量 blank: summed from the readings) and the other presets' (optional)
ANNUAL_FIGURES = ("tax", "sales", "kwh", "added_value", "employees", "rd", "energy", "emissions")
OPTIONAL_FIGURES = ("added_value", "employees", "rd", "energy", "emissions")
_CENT = Decimal("0.01")


def frozen_reason(year: int) -> str | None:
    """Why the data of ``year`` can no longer change (its latest assessment published or final), or None."""
    latest = Assessment.objects.filter(year=year).order_by("-version").first()
    if latest is None or latest.status == AssessmentStatus.DRAFT:
        return None
    if latest.status == AssessmentStatus.FINAL:
        return _("%(year)s年度评价已定稿，数据不能再修改，如需更正请发起更正") % {"year": year}
    return _("%(year)s年度评价已公示，数据不能再修改，如需更正请发起更正") % {"year": year}


def _year_error(errors: dict[str, str], year: Any) -> None:
    top = dates.today().year
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= top:
        errors["year"] = _("年度应在 2000 至 %(y)s 之间") % {"y": top}


def _amount(errors: dict[str, str], name: str, value: Any, label: str, unit: str, high: Decimal, *,
            positive: bool = False, required: bool = True) -> None:
    """A figure in ``unit``: present unless optional, ≥ 0 (> 0 when ``positive``), ≤ ``high``, two places at most
    (a reported value is never rounded)."""
    if value is None:
        if required:
            errors[name] = _("请填写%(label)s") % {"label": label}
        return
    if isinstance(value, bool) or not isinstance(value, int | Decimal) or not Decimal(value).is_finite():
        errors[name] = _("%(label)s应为数字") % {"label": label}
        return
    number = Decimal(value)
    if (number <= 0 if positive else number < 0) or number > high:
        low = _("大于0") if positive else _("不小于0")
        errors[name] = _("%(label)s应%(low)s且不超过%(high)s%(unit)s：%(value)s") % {
            "label": label, "low": low, "high": f"{high:f}", "unit": unit, "value": f"{number:f}"[:30]}
    elif number != number.quantize(_CENT):
        errors[name] = _("%(label)s最多两位小数：%(value)s") % {"label": label, "value": f"{number:f}"[:30]}


def land_use_errors(year: Any, land_mu: Any, operating_since: dt.date | None) -> dict[str, str]:
    """What is wrong with a ``land_use`` row (the page's form and the import ask the same)."""
    errors: dict[str, str] = {}
    _year_error(errors, year)
    _amount(errors, "land_mu", land_mu, _("用地面积"), _("亩"), MAX_LAND_MU, positive=True)
    if operating_since is not None:
        if operating_since > dates.today():
            errors["operating_since"] = _("投产日期不能晚于今天（%(today)s）") % {"today": dates.today().isoformat()}
        elif operating_since < dt.date(1900, 1, 1):
            errors["operating_since"] = _("投产日期不能早于1900年")
    return errors


def annual_errors(year: Any, figures: dict[str, Any]) -> dict[str, str]:
    """What is wrong with an ``enterprise_annual`` row: 评价税收 and 销售收入 required (万元), 用电量 blank or
    万千瓦时, the other presets' figures blank or within their bounds."""
    errors: dict[str, str] = {}
    _year_error(errors, year)
    get = figures.get
    _amount(errors, "tax", get("tax"), _("评价税收"), _("万元"), MAX_WAN_YUAN)
    _amount(errors, "sales", get("sales"), _("销售收入"), _("万元"), MAX_WAN_YUAN)
    _amount(errors, "kwh", get("kwh"), _("用电量"), _("万千瓦时"), MAX_WAN_KWH, required=False)
    _amount(errors, "added_value", get("added_value"), _("工业增加值"), _("万元"), MAX_WAN_YUAN, required=False)
    _amount(errors, "rd", get("rd"), _("研发经费"), _("万元"), MAX_WAN_YUAN, required=False)
    _amount(errors, "energy", get("energy"), _("综合能耗"), _("吨标准煤"), MAX_TONNES, required=False)
    _amount(errors, "emissions", get("emissions"), _("主要污染物排放"), _("吨"), MAX_TONNES, required=False)
    employees = get("employees")
    if employees is not None and (isinstance(employees, bool) or not isinstance(employees, int)
                                  or not 0 <= employees <= MAX_EMPLOYEES):
        errors["employees"] = _("从业人员应为0至%(n)s之间的整数") % {"n": MAX_EMPLOYEES}
    unknown = set(figures) - set(ANNUAL_FIGURES)
    if unknown:
        errors["figures"] = _("没有这些年度数据项：%(names)s") % {"names": "、".join(sorted(unknown))[:100]}
    return errors


def park_rank_errors(year: Any, rank: Any, of: Any) -> dict[str, str]:
    """What is wrong with a ``park_ranks`` row: 1 ≤ 全省排名 ≤ 参评园区数 ≤ 10000."""
    errors: dict[str, str] = {}
    _year_error(errors, year)

    def whole(value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    if not whole(of) or not 1 <= of <= MAX_PARKS:
        errors["of"] = _("参评园区数应为1至%(n)s之间的整数") % {"n": MAX_PARKS}
    if not whole(rank) or rank < 1:
        errors["rank"] = _("全省排名应为不小于1的整数")
    elif "of" not in errors and rank > of:
        errors["rank"] = _("全省排名%(rank)s超过参评园区数%(of)s") % {"rank": rank, "of": of}
    return errors


def _shown(value: Any) -> str:
    if value is None:
        return _("空")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def differs(recorded: Any, values: dict[str, Any]) -> list[str]:
    """The fields whose reported value differs from what ``recorded`` holds (numbers compared by value)."""
    return [name for name, value in values.items() if getattr(recorded, name) != value]


def change_refusals(recorded: Any, values: dict[str, Any], year: int) -> dict[str, str]:
    """A recorded row reported again with other values: nothing while the year's assessment is a draft (or not yet
    computed); once it is published or final, a refusal per field that differs, naming what is recorded."""
    changed = differs(recorded, values)
    reason = frozen_reason(year) if changed else None
    if reason is None:
        return {}
    return {name: _("%(reason)s（已登记为%(was)s）") % {"reason": reason, "was": _shown(getattr(recorded, name))}
            for name in changed}


def _authorize_firm(actor: Actor, model: Any, enterprise: Any) -> None:
    """The enterprise must be one whose figures ``actor`` imports: HQ and the office every one, a county's (park's)
    operators theirs (an enterprise they do not see answers 404; :func:`ensure_in_scope` checks the row written)."""
    policy.authorize_create(actor, model, Action.IMPORT)
    if policy.scope(actor, model, Action.IMPORT) is not policy.ALL:
        policy.authorize(actor, enterprise, Action.VIEW)


def _write(actor: Actor, model: Any, key: dict[str, Any], values: dict[str, Any], year: int,
           ) -> tuple[Any, str]:
    """Create the row of ``key`` or change it to ``values`` (refused once the year is published or final); audit;
    the row written must stay in the actor's import scope."""
    from django.db import IntegrityError

    recorded = model.objects.select_for_update().filter(**key).first()
    if recorded is None:
        made = model(**key, **values)
        try:
            with transaction.atomic():
                made.save()
        except IntegrityError:  # the same key written meanwhile by another import
            raise ValidationError({"year": _("该数据正由他人同时登记，请稍后重新导入")}) from None
        audit.record_change(actor, made, None)
        ensure_in_scope(made, actor, Action.IMPORT)
        return made, CREATED
    changed = differs(recorded, values)
    if not changed:
        return recorded, UNCHANGED
    _latest(year)  # the year's assessment locked while its input changes (publish waits)
    refusals = change_refusals(recorded, values, year)
    if refusals:
        raise ValidationError(refusals)
    before = audit.snapshot(recorded)
    for name in changed:
        setattr(recorded, name, values[name])
    recorded.save()
    audit.record_change(actor, recorded, before)
    ensure_in_scope(recorded, actor, Action.IMPORT)
    return recorded, UPDATED


def _cents(value: Any) -> Any:
    return value.quantize(_CENT) if isinstance(value, Decimal) else value


@transaction.atomic
def save_land_use(actor: Actor, enterprise: Any, year: int, land_mu: Decimal,
                  operating_since: dt.date | None) -> tuple[LandUse, str]:
    """用地: an enterprise's land (亩) in ``year`` and its operating date (a ``land_use`` row). Answers the row and
    whether it was created, updated or unchanged."""
    _authorize_firm(actor, LandUse, enterprise)
    errors = land_use_errors(year, land_mu, operating_since)
    if errors:
        raise ValidationError(errors)
    return _write(actor, LandUse, {"enterprise": enterprise, "year": year},
                  {"land_mu": _cents(land_mu), "operating_since": operating_since}, year)


@transaction.atomic
def save_annual(actor: Actor, enterprise: Any, year: int, figures: dict[str, Any]
                ) -> tuple[EnterpriseAnnual, str]:
    """企业年度数据 (an ``enterprise_annual`` row): ``figures`` holds 评价税收 ``tax``, 销售收入 ``sales`` and 用电量
    ``kwh`` (None: summed from the readings), and any of the other presets' figures (``OPTIONAL_FIGURES``; one left
    out keeps what is recorded, None clears it). Answers the row and whether it was created, updated or unchanged."""
    _authorize_firm(actor, EnterpriseAnnual, enterprise)
    errors = annual_errors(year, figures)
    for name, label in (("tax", _("评价税收")), ("sales", _("销售收入")), ("kwh", _("用电量"))):
        if name not in figures:
            errors.setdefault(name, _("缺少%(label)s") % {"label": label})
    if errors:
        raise ValidationError(errors)
    values = {name: _cents(figures[name]) for name in ANNUAL_FIGURES if name in figures}
    return _write(actor, EnterpriseAnnual, {"enterprise": enterprise, "year": year}, values, year)


@transaction.atomic
def save_park_rank(actor: Actor, park: Any, year: int, rank: int, of: int) -> tuple[ParkRank, str]:
    """全省园区排名 (a ``park_ranks`` row): HQ's and the office's. Answers the row and whether it was created, updated
    or unchanged."""
    policy.authorize(actor, park, Action.VIEW)
    policy.authorize_create(actor, ParkRank, Action.IMPORT)
    errors = park_rank_errors(year, rank, of)
    if errors:
        raise ValidationError(errors)
    return _write(actor, ParkRank, {"park": park, "year": year}, {"rank": rank, "of": of}, year)
