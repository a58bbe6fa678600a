"""Policy fulfilment (惠企政策兑现): who qualifies, going to them, applications through to payment, public
notices, and the figures for the bulletin (DOMAIN.md §8)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Least
from django.http import Http404
from django.utils.translation import gettext as _

from dualtrack.core import audit, dates, errors, versions
from dualtrack.core import policy as access
from dualtrack.core.actors import Actor, Viewer, as_user
from dualtrack.core.choices import Action, AuditAction
from dualtrack.core.scoping import ensure_in_scope
from dualtrack.registry import services as registry

from . import policy as rules
from .choices import AmountRule, ApplicationSource, ApplicationState, HeadcountBasis, OutreachState
from .eligibility import Eligibility
from .models import Application, Measure, Notice, Outreach, Policy

CENT = Decimal("0.0001")  # amounts are 万元 with four decimals (one yuan)


class ConcurrentChange(errors.ConcurrentChange):
    """Someone else reviewed or paid the application first."""

    def __init__(self, application: Application) -> None:
        super().__init__(application, _("该申报已被他人处理，当前状态为“%(state)s”，请刷新后再试。") % {
            "state": application.get_state_display()})


def eligibility_of(measure: Measure) -> Eligibility:
    return Eligibility.parse(measure.eligibility)


def eligible(measure: Measure, day: dt.date, enterprises: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """The enterprises that qualify for ``measure`` on ``day`` (one query over the registry)."""
    base = enterprises if enterprises is not None else registry.all_enterprises()
    return eligibility_of(measure).apply(base, day)


def qualifying(measures: Iterable[Measure], enterprises: QuerySet[Any], day: dt.date) -> set[int]:
    """The measures (their ids) for which one of ``enterprises`` (an enterprise's own, or a few) qualifies on
    ``day``: one query per measure over that small set."""
    return {measure.pk for measure in measures if eligible(measure, day, enterprises).exists()}


def not_applied(measure: Measure, day: dt.date, user: Viewer) -> QuerySet[Any]:
    """Qualifying enterprises in the user's scope that have neither applied nor been granted (to go to them)."""
    return eligible(measure, day, registry.enterprises_for(user)).exclude(policy_applications__measure=measure)


def validate_measure(measure: Measure) -> None:
    """A measure's amount rule has the numbers it needs; a 免申即享 measure needs no declared figure."""
    errors: dict[str, str] = {}
    if measure.amount_rule == AmountRule.FIXED and not measure.amount_fixed:
        errors["amount_fixed"] = _("定额规则须填写定额")
    if measure.amount_rule == AmountRule.PER_HEAD and not measure.amount_per_head:
        errors["amount_per_head"] = _("按人数规则须填写每人金额")
    if measure.amount_rule == AmountRule.SHARE and not (measure.share_rate and measure.cap):
        errors["share_rate"] = _("按基数比例规则须填写比例和封顶金额")
    if measure.no_application and (measure.amount_rule == AmountRule.SHARE or
                                   measure.headcount_basis == HeadcountBasis.DECLARED):
        errors["no_application"] = _("免申即享的条款只能按定额或按正常用工人数计算（没有企业申报的数字）")
    if measure.window_end < measure.window_start:
        errors["window_end"] = _("申报截止早于申报开始")
    try:
        Eligibility.parse(measure.eligibility)
    except ValidationError as exc:
        errors["eligibility"] = ";".join(exc.messages)
    if errors:
        raise ValidationError(errors)


def compute_amount(measure: Measure, enterprise: Any, declared_headcount: int | None = None,
                   declared_base: Decimal | None = None) -> Decimal:
    """The amount under the measure's rule (万元): fixed; per head (normal or declared headcount); or a share
    of a declared base; any of them capped when the measure has a cap."""
    if measure.amount_rule == AmountRule.FIXED:
        amount = measure.amount_fixed or Decimal(0)
    elif measure.amount_rule == AmountRule.PER_HEAD:
        heads = enterprise.normal_headcount if measure.headcount_basis == HeadcountBasis.NORMAL else declared_headcount
        if heads is None:
            raise ValidationError({"declared_headcount": _("请填写申报人数")})
        amount = (measure.amount_per_head or Decimal(0)) * heads
    else:
        if declared_base is None:
            raise ValidationError({"declared_base": _("请填写%(label)s") % {"label": measure.base_label or _("申报基数")}})
        amount = (measure.share_rate or Decimal(0)) * declared_base
    if measure.cap is not None:
        amount = min(amount, measure.cap)
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def _amount_expression(measure: Measure) -> Any:
    """The same rule as :func:`compute_amount`, in SQL, for the 免申即享 list (fixed or normal headcount)."""
    money: DecimalField = DecimalField(max_digits=14, decimal_places=4)
    if measure.amount_rule == AmountRule.FIXED:
        expression: Any = Value(measure.amount_fixed, output_field=money)
    else:
        expression = Cast(F("normal_headcount"), money) * Value(measure.amount_per_head, output_field=money)
    if measure.cap is not None:
        expression = Least(expression, Value(measure.cap, output_field=money))
    return expression


@transaction.atomic
def apply(actor: Actor, measure: Measure, enterprise: Any, declared_headcount: int | None = None,
          declared_base: Decimal | None = None, day: dt.date | None = None,
          at: dt.datetime | None = None) -> Application:
    """An enterprise applies (or its liaison officer for it): the window is open, it qualifies on the day, it
    has not applied before, the amount follows the rule."""
    day = day or dates.today()
    for_itself = rules.applies_itself(actor)
    access.authorize_create(actor, Application, Action.APPLY)
    access.authorize(actor, enterprise, Action.REPORT)
    if measure.no_application:
        raise ValidationError({"measure": _("本条款免申即享，无需申报")})
    if not measure.window_start <= day <= measure.window_end:
        raise ValidationError({"measure": _("不在申报期内（%(start)s 至 %(end)s）") % {
            "start": measure.window_start.isoformat(), "end": measure.window_end.isoformat()}})
    if Application.objects.filter(measure=measure, enterprise=enterprise).exists():
        raise ValidationError({"measure": _("已申报过本条款")})
    if not eligible(measure, day).filter(pk=enterprise.pk).exists():
        raise ValidationError({"measure": _("不符合申报条件：") + ";".join(eligibility_of(measure).describe())})
    if declared_base is not None and declared_base < 0 or declared_headcount is not None and declared_headcount < 0:
        raise ValidationError({"declared_base": _("申报数字不能为负")})
    amount = compute_amount(measure, enterprise, declared_headcount, declared_base)
    try:
        with transaction.atomic():  # a savepoint: the same form sent twice at once meets the unique constraint
            application = Application.objects.create(
                measure=measure, enterprise=enterprise, state=ApplicationState.SUBMITTED,
                submitted_at=at or dates.now(), submitted_by=as_user(actor),
                source=ApplicationSource.ENTERPRISE if for_itself else ApplicationSource.OFFICER,
                declared_headcount=declared_headcount, declared_base=declared_base, amount=amount)
    except IntegrityError as exc:
        raise ValidationError({"measure": _("已申报过本条款")}) from exc
    Outreach.objects.filter(measure=measure, enterprise=enterprise, state=OutreachState.OPEN).update(
        state=OutreachState.DONE, done_at=dates.now(), note="企业已申报")
    audit.record_change(actor, application, None)
    ensure_in_scope(application, actor, Action.APPLY)
    return application


def _locked(actor: Actor, application_id: int, version: int, action: str) -> Application:
    application = Application.objects.restrict(actor, Action.VIEW).select_for_update().filter(
        pk=application_id).select_related("measure").first()
    if application is None:
        raise Http404
    access.authorize(actor, application, action)
    if application.version != version:
        raise ConcurrentChange(application)
    return application


@transaction.atomic
def review(actor: Actor, application_id: int, version: int, approve: bool, approved_amount: Decimal | None = None,
           reason: str = "", at: dt.datetime | None = None) -> Application:
    """The responsible department approves (at most the computed amount) or rejects with a reason."""
    application = _locked(actor, application_id, version, Action.APPROVE)
    if application.state != ApplicationState.SUBMITTED:
        raise ValidationError({"state": _("当前状态为“%(state)s”，不能审核") % {"state": application.get_state_display()}})
    before = audit.snapshot(application)
    if approve:
        amount = application.amount if approved_amount is None else approved_amount.quantize(CENT)
        if not Decimal(0) < amount <= application.amount:
            raise ValidationError({"approved_amount": _("核定金额须大于0且不超过测算金额%(amount)s万元") % {
                "amount": application.amount}})
        application.state, application.approved_amount = ApplicationState.APPROVED, amount
    else:
        if not reason.strip():
            raise ValidationError({"reason": _("不予通过须说明原因")})
        application.state, application.reject_reason = ApplicationState.REJECTED, reason.strip()
    application.reviewed_at = at or dates.now()
    application.reviewed_by = as_user(actor)
    application.version += 1
    application.save()
    audit.record_change(actor, application, before)
    return application


@transaction.atomic
def pay(actor: Actor, application_id: int, version: int, paid_amount: Decimal, paid_on: dt.date,
        voucher_no: str) -> Application:
    """兑现: the money reached the enterprise (amount, date, voucher number)."""
    application = _locked(actor, application_id, version, Action.PAY)
    if application.state != ApplicationState.APPROVED:
        raise ValidationError({"state": _("当前状态为“%(state)s”，审核通过后才能兑现") % {
            "state": application.get_state_display()}})
    errors = {}
    if not voucher_no.strip():
        errors["voucher_no"] = _("请填写凭证号")
    if not Decimal(0) < paid_amount <= (application.approved_amount or Decimal(0)):
        errors["paid_amount"] = _("兑现金额须大于0且不超过核定金额%(amount)s万元") % {
            "amount": application.approved_amount}
    if paid_on > dates.today():
        errors["paid_on"] = _("兑现日期不能晚于今天")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(application)
    application.state, application.paid_amount = ApplicationState.PAID, paid_amount.quantize(CENT)
    application.paid_on, application.voucher_no = paid_on, voucher_no.strip()
    application.version += 1
    application.save()
    audit.record_change(actor, application, before)
    return application


def _require_manager(actor: Actor, measure: Measure, action: str = Action.CHANGE) -> None:
    access.authorize(actor, measure, action)


@transaction.atomic
def grant_entitlements(actor: Actor, measure: Measure, day: dt.date | None = None) -> int:
    """免申即享: every enterprise that qualifies on the day and has nothing yet gets an approved entitlement
    with its amount, computed in the same query. Returns how many were granted (0 when run again)."""
    _require_manager(actor, measure)
    if not measure.no_application:
        raise ValidationError({"measure": _("只有免申即享的条款直接生成兑现名单")})
    day = day or dates.today()
    rows = eligible(measure, day).exclude(policy_applications__measure=measure).annotate(
        entitled=_amount_expression(measure)).values_list("pk", "entitled")
    now = dates.now()
    new = [Application(measure=measure, enterprise_id=pk, source=ApplicationSource.ENTITLEMENT,
                       state=ApplicationState.APPROVED, submitted_at=now, amount=Decimal(amount).quantize(CENT),
                       approved_amount=Decimal(amount).quantize(CENT), reviewed_at=now,
                       reviewed_by=as_user(actor)) for pk, amount in rows]
    Application.objects.bulk_create(new, batch_size=2000)
    versions.changed("policies")  # a bulk write sends no signal: the card's sums read the applications
    audit.record(actor, AuditAction.CREATE, measure, detail={"entitlements": len(new), "date": day.isoformat()})
    return len(new)


@transaction.atomic
def entitle_by_headcount(actor: Actor, measure: Measure, headcounts: dict[int, int]) -> dict[str, int]:
    """Entitlements another module computes (the charter-bus subsidy for the workers each enterprise brought back
    point to point): per enterprise id, an approved entitlement for the declared headcount under the measure's
    rule. Run again with more workers, an unpaid entitlement follows (audited); a paid one stays as paid."""
    _require_manager(actor, measure)
    from dualtrack.registry import services as registry

    enterprises = registry.all_enterprises().in_bulk(list(headcounts))
    existing = {a.enterprise_id: a for a in Application.objects.filter(measure=measure,
                                                                       enterprise_id__in=list(headcounts))}
    now = dates.now()
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for pk, heads in sorted(headcounts.items()):
        if pk not in enterprises or heads <= 0:
            continue
        amount = compute_amount(measure, enterprises[pk], declared_headcount=heads)
        found = existing.get(pk)
        if found is None:
            created = Application.objects.create(
                measure=measure, enterprise_id=pk, source=ApplicationSource.ENTITLEMENT,
                state=ApplicationState.APPROVED, submitted_at=now, declared_headcount=heads, amount=amount,
                approved_amount=amount, reviewed_at=now, reviewed_by=as_user(actor))
            audit.record_change(actor, created, None)
            counts["created"] += 1
        elif found.state == ApplicationState.APPROVED and found.declared_headcount != heads:
            before = audit.snapshot(found)
            found.declared_headcount, found.amount, found.approved_amount = heads, amount, amount
            found.version += 1
            found.save(update_fields=["declared_headcount", "amount", "approved_amount", "version"])
            audit.record_change(actor, found, before)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts


def measure_by_code(code: str) -> Measure | None:
    return Measure.objects.filter(code=code).first()


@transaction.atomic
def create_outreach(actor: Actor, measure: Measure, day: dt.date | None = None) -> dict[str, int]:
    """Visit tasks for each qualifying enterprise that has not applied, handed to its liaison officer (the
    first, when several look after it); enterprises without an officer are counted as unassigned."""
    _require_manager(actor, measure)
    day = day or dates.today()
    targets = eligible(measure, day).exclude(policy_applications__measure=measure).exclude(
        pk__in=Outreach.objects.filter(measure=measure).values("enterprise_id"))
    officer_of: dict[int, int] = {}
    for enterprise_id, officer_id in registry.all_enterprises().filter(pk__in=targets.values("pk")).filter(
            liaison_officers__isnull=False).values_list("pk", "liaison_officers").order_by("pk", "liaison_officers"):
        officer_of.setdefault(enterprise_id, officer_id)
    ids = list(targets.values_list("pk", flat=True))
    Outreach.objects.bulk_create([Outreach(measure=measure, enterprise_id=pk, officer_id=officer_of.get(pk))
                                  for pk in ids], batch_size=2000, ignore_conflicts=True)
    audit.record(actor, AuditAction.CREATE, measure, detail={"outreach": len(ids), "date": day.isoformat()})
    return {"tasks": len(ids), "unassigned": sum(1 for pk in ids if pk not in officer_of)}


@transaction.atomic
def complete_outreach(actor: Actor, outreach_id: int, note: str) -> Outreach:
    task = Outreach.objects.restrict(actor, Action.VIEW).select_for_update().filter(pk=outreach_id).first()
    if task is None:
        raise Http404
    access.authorize(actor, task, Action.CHANGE)
    if not note.strip():
        raise ValidationError({"note": _("请填写走访情况")})
    before = audit.snapshot(task)
    task.state, task.done_at, task.note = OutreachState.DONE, dates.now(), note.strip()
    task.save()
    audit.record_change(actor, task, before)
    return task


@transaction.atomic
def publish_notice(actor: Actor, measure: Measure, period_start: dt.date, period_end: dt.date,
                   title: str = "", objection_contact: str = "") -> Notice:
    """公示: the measure's paid beneficiaries, public without login while the period runs, with where an
    objection goes (the unit and its phone, e-mail or address)."""
    _require_manager(actor, measure, Action.PUBLISH)
    if period_end < period_start:
        raise ValidationError({"period_end": _("公示结束早于公示开始")})
    objection_contact = (objection_contact or "").strip()
    if not objection_contact:
        raise ValidationError({"objection_contact": _("请填写异议受理方式（受理单位和电话、邮箱或地址）")})
    if len(objection_contact) > 200:
        raise ValidationError({"objection_contact": _("异议受理方式不能超过200字")})
    title = (title or "").strip()
    if len(title) > Notice._meta.get_field("title").max_length:  # type: ignore[operator]
        raise ValidationError({"title": _("公示标题不能超过200字")})
    if not Application.objects.filter(measure=measure, state=ApplicationState.PAID).exists():
        raise ValidationError({"measure": _("尚无已兑现的企业，无需公示")})
    notice = Notice.objects.create(measure=measure, title=title or f"{measure.title}兑现情况公示",
                                   period_start=period_start, period_end=period_end, published=True,
                                   objection_contact=objection_contact, published_at=dates.now())
    audit.record_change(actor, notice, None)
    return notice


def public_notices(day: dt.date | None = None, query: str = "") -> QuerySet[Notice]:
    """Published notices whose period includes the day: the only things the public pages show. ``query`` finds
    a notice by its title, its measure, its department or a beneficiary's name (an enterprise checking that it
    is listed)."""
    day = day or dates.today()
    notices = Notice.objects.filter(published=True, period_start__lte=day, period_end__gte=day).select_related(
        "measure", "measure__policy", "measure__department")
    query = query.strip()[:50]
    if query:
        paid = Application.objects.filter(state=ApplicationState.PAID, enterprise__name__icontains=query)
        notices = notices.filter(Q(title__icontains=query) | Q(measure__title__icontains=query)
                                 | Q(measure__department__name__icontains=query)
                                 | Q(measure__in=paid.values("measure_id"))).distinct()
    return notices


def notice_content(notice: Notice) -> dict[str, Any]:
    """Beneficiaries (enterprise name, county, amount) and totals; no personal data."""
    paid = Application.objects.filter(measure=notice.measure, state=ApplicationState.PAID)
    totals = paid.aggregate(n=Count("pk"), total=Sum("paid_amount"))
    rows = list(paid.order_by("enterprise__county__code", "enterprise__name").values_list(
        "enterprise__name", "enterprise__county__name", "paid_amount"))
    return {"beneficiaries": totals["n"], "total": totals["total"] or Decimal(0), "rows": rows}


def measure_figures(measures: QuerySet[Measure]) -> dict[int, dict[str, Any]]:
    """Per measure: applications by state, amounts approved and paid (one grouped query)."""
    rows = Application.objects.filter(measure__in=measures).values("measure_id").annotate(
        applications=Count("pk"), waiting=Count("pk", filter=Q(state=ApplicationState.SUBMITTED)),
        approved=Count("pk", filter=Q(state__in=[ApplicationState.APPROVED, ApplicationState.PAID])),
        paid=Count("pk", filter=Q(state=ApplicationState.PAID)), paid_amount=Sum("paid_amount"),
        approved_amount=Sum("approved_amount", filter=Q(state__in=[ApplicationState.APPROVED,
                                                                   ApplicationState.PAID])))
    return {r["measure_id"]: r for r in rows}


def paid_by(day: dt.date, field: str) -> list[dict[str, Any]]:
    """Paid so far (on or before ``day``) grouped by ``measure`` or ``department``, with applications waiting."""
    key = {"measure": "measure__title", "department": "measure__department__name"}[field]
    rows = Application.objects.values(key).annotate(
        paid=Count("pk", filter=Q(state=ApplicationState.PAID, paid_on__lte=day)),
        amount=Sum("paid_amount", filter=Q(state=ApplicationState.PAID, paid_on__lte=day)),
        waiting=Count("pk", filter=Q(state=ApplicationState.SUBMITTED))).order_by("-amount", key)
    return [{"name": r[key], "paid": r["paid"], "amount": r["amount"] or Decimal(0), "waiting": r["waiting"]}
            for r in rows]


@transaction.atomic
def pay_batch(actor: Actor, measure: Measure, paid_on: dt.date, voucher_no: str,
              application_ids: list[int] | None = None) -> int:
    """批量兑现: pay every approved application of a measure (or those listed) in one transfer, each its
    approved amount, under one voucher number; every row audited. Returns how many were paid."""
    _require_manager(actor, measure, Action.PAY)
    if not voucher_no.strip():
        raise ValidationError({"voucher_no": _("请填写凭证号")})
    if paid_on > dates.today():
        raise ValidationError({"paid_on": _("兑现日期不能晚于今天")})
    queryset = Application.objects.select_for_update().filter(measure=measure, state=ApplicationState.APPROVED)
    if application_ids is not None:
        queryset = queryset.filter(pk__in=application_ids)
    rows = list(queryset.values_list("pk", "approved_amount", "version"))
    if not rows:
        return 0
    Application.objects.filter(pk__in=[pk for pk, _a, _v in rows]).update(
        state=ApplicationState.PAID, paid_amount=F("approved_amount"), paid_on=paid_on, voucher_no=voucher_no.strip(),
        version=F("version") + 1)
    versions.changed("policies")  # an update sends no signal: the card's sums read the payments
    audit.record_many([audit.build(actor, AuditAction.UPDATE, object_type="policies.application", object_id=str(pk),
                                   object_repr=f"{measure.code} 兑现",
                                   before={"state": ApplicationState.APPROVED},
                                   after={"state": ApplicationState.PAID, "paid_amount": amount,
                                          "paid_on": paid_on, "voucher_no": voucher_no.strip()})
                       for pk, amount, _version in rows])
    return len(rows)


def _authorize_save(actor: Actor, model: Any, existing: Any) -> None:
    """Creating needs ADD on the model; changing needs CHANGE on the row."""
    if existing is None:
        access.authorize_create(actor, model, Action.ADD)
    else:
        access.authorize(actor, existing, Action.CHANGE)


@transaction.atomic
def save_policy(actor: Actor, doc_number: str, **fields: Any) -> Policy:
    document = Policy.objects.filter(doc_number=doc_number).first()
    _authorize_save(actor, Policy, document)
    before = audit.snapshot(document) if document else None
    document, _created = Policy.objects.update_or_create(doc_number=doc_number, defaults=fields)
    if before is None or before != audit.snapshot(document):
        audit.record_change(actor, document, before)
    return document


@transaction.atomic
def save_measure(actor: Actor, code: str, **fields: Any) -> Measure:
    """Create or update a measure (validated: its amount rule and eligibility), audited."""
    existing = Measure.objects.filter(code=code).first()
    _authorize_save(actor, Measure, existing)
    before = audit.snapshot(existing) if existing else None
    candidate = existing or Measure(code=code)
    for name, value in fields.items():
        setattr(candidate, name, value)
    validate_measure(candidate)
    candidate.save()
    if before is None or before != audit.snapshot(candidate):
        audit.record_change(actor, candidate, before)
    return candidate


def notice_totals(notices: list[Notice]) -> dict[int, dict[str, Any]]:
    """Beneficiaries and total paid per notice's measure, in one grouped query (the public index)."""
    rows = Application.objects.filter(measure__in=[n.measure_id for n in notices], state=ApplicationState.PAID).values(
        "measure_id").annotate(beneficiaries=Count("pk"), total=Sum("paid_amount"))
    by_measure = {r["measure_id"]: r for r in rows}
    return {n.pk: by_measure.get(n.measure_id, {"beneficiaries": 0, "total": Decimal(0)}) for n in notices}
