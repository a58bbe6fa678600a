"""Working a filing (DOMAIN.md §16): applying with the checklist answered, answering an item, deciding (已备案 /
退回), recording the on-site check, suspending for an outbreak, lifting a suspension, revoking; the daily epidemic
ledger; closing a 复工未备案 visit. Pages, import rows, the API and the console all change through these: each checks
the access policy on the record as it is, validates, changes, records the event and audits in one transaction, and
re-checks the scope afterwards."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dualtrack.core import audit, dates, policy, sequences
from dualtrack.core.actors import Actor, as_user
from dualtrack.core.choices import Action
from dualtrack.core.rules import listed
from dualtrack.core.scoping import ensure_in_scope

from .choices import (
    CODE_PREFIX,
    FILED_STATES,
    MAX_STOCK,
    MAX_WORKERS,
    OPEN_STATES,
    Decision,
    EventKind,
    FilingState,
    VisitState,
)
from .models import ChecklistItem, EnterpriseHealth, Filing, FilingEvent, FilingItem, UnfiledVisit

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def _rules() -> Any:
    from dualtrack.core import capability

    return capability.measure("filings").current_rules()[1]


def _day(errors: dict[str, str], name: str, day: dt.date | None, *, required: bool = True) -> None:
    if day is None:
        if required:
            errors[name] = _("请填写日期")
        return
    if day > dates.today():
        errors[name] = _("日期不能晚于今天（%(today)s）") % {"today": dates.today().isoformat()}
    elif day < dates.earliest_day():
        errors[name] = _("日期早于 %(day)s") % {"day": dates.earliest_day().isoformat()}


def _event(filing: Filing, kind: str, day: dt.date, actor: Actor | None, reason: str = "",
           cluster: Any = None) -> FilingEvent:
    event = FilingEvent.objects.create(filing=filing, kind=kind, date=day, reason=reason[:300], cluster=cluster,
                                       actor=as_user(actor) if actor is not None else None)
    audit.record_change(actor, event, None)
    return event


def _save(actor: Actor | None, filing: Filing, before: dict[str, Any], action: str = Action.APPROVE) -> Filing:
    filing.save()
    audit.record_change(actor, filing, before)
    if actor is not None:
        ensure_in_scope(filing, actor, action)
    return filing


def due_on(applied_on: dt.date, rules: Any = None) -> dt.date:
    """A decision's deadline: the end of the ``decision_working_days``-th working day after the application."""
    from dualtrack.core import calendar

    rules = rules or _rules()
    return calendar.add_working_days(applied_on, rules.decision_working_days)[0]


def inspection_required(filing: Filing, rules: Any = None) -> bool:
    """现场查勘: required before filing for a key enterprise or one with ≥ the threshold of workers from outside."""
    rules = rules or _rules()
    return bool((rules.inspection_key_enterprises and filing.enterprise.is_key)
                or filing.workers_from_outside >= rules.inspection_outside_workers)


def risk_level(filing: Filing, day: dt.date) -> str:
    """The county's risk level (§3.1) on ``day``."""
    from dualtrack.epidemic import services as epidemic

    _label, levels = epidemic.risk_levels([day])
    return levels.get((filing.enterprise.county.code, day), "low")


def applicable_items(level: str, rules: Any = None) -> list[ChecklistItem]:
    """The active checklist items that apply at ``level`` (mandatory or not), in code order."""
    rules = rules or _rules()
    return [i for i in ChecklistItem.objects.filter(is_active=True).order_by("code")
            if level in rules.item_levels(i.code, tuple(i.level_list))]


def missing_items(filing: Filing, day: dt.date, rules: Any = None) -> list[str]:
    """The mandatory items that apply at the county's risk level on ``day`` and are not answered as met."""
    rules = rules or _rules()
    met = set(filing.items.filter(met=True).values_list("item__code", flat=True))
    return sorted(i.code for i in applicable_items(risk_level(filing, day), rules) if i.mandatory and i.code not in met)


PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 50_000_000  # a small file may unpack to gigabytes of pixels (decompression bomb)


def photo_error(upload: Any) -> str | None:
    """Why ``upload`` may not be kept as a checklist answer's photo (None: it may): a JPEG or PNG by its content
    (not its name or the browser's word), at most 5 MB and 50 million pixels, as the problems' photos are checked."""
    from dualtrack.core import images

    size = getattr(upload, "size", None) or 0
    if size > PHOTO_MAX_BYTES:
        return _("照片过大（%(size).1f MB），上限 5 MB") % {"size": size / 1048576}
    data = upload.read(PHOTO_MAX_BYTES + 1)
    upload.seek(0)
    if len(data) > PHOTO_MAX_BYTES:
        return _("照片过大，上限 5 MB")
    if not (data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n")):
        return _("只接受 JPG、PNG 格式的照片")
    try:
        images.check(data, PHOTO_MAX_PIXELS)
    except images.ImageRefused as exc:
        return _("照片尺寸过大，上限 5000 万像素") if exc.kind == "pixels" else _("照片文件已损坏或不是图片")
    return None


# --- applying -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    met: bool | None
    note: str = ""
    photo: Any = None


@dataclass(frozen=True)
class NewFiling:
    """An application as the enterprise (or its liaison officer) fills it on a phone: typed input of :func:`apply`."""

    planned_on: dt.date | None
    planned_workers: int | None
    workers_from_outside: int | None
    officer: str
    phone: str
    answers: dict[str, Answer] = field(default_factory=dict)  # item code → answer; every active item
    applied_on: dt.date | None = None  # a file's 申请日期; a page: the clock's today
    code: str = ""  # a file's 备案编号; a page: numbered FB<year>-NNNNN


def _next_code(day: dt.date) -> str:
    def highest() -> int:
        codes = Filing.objects.filter(code__startswith=f"{CODE_PREFIX}{day.year}-").values_list("code", flat=True)
        return max((int(c.rsplit("-", 1)[1]) for c in codes if c.rsplit("-", 1)[1].isdigit()), default=0)

    return f"{CODE_PREFIX}{day.year}-{sequences.next_value(f'filings:{day.year}', highest):05d}"


def check_application(spec: NewFiling, *, require_answers: bool = True) -> dict[str, str]:
    """The application's errors by field (none: acceptable)."""
    errors: dict[str, str] = {}
    _day(errors, "applied_on", spec.applied_on, required=False)
    if spec.planned_on is None:
        errors["planned_on"] = _("请填写拟复工日期")
    elif spec.planned_on < (spec.applied_on or dates.today()) - dt.timedelta(days=60):
        errors["planned_on"] = _("拟复工日期早于申请日期60天以上")
    if spec.planned_workers is None or not 0 < spec.planned_workers <= MAX_WORKERS:
        errors["planned_workers"] = _("拟到岗人数应大于0")
    if spec.workers_from_outside is None or spec.workers_from_outside < 0:
        errors["workers_from_outside"] = _("市外返岗人数不能为负数，没有请填0")
    elif spec.planned_workers is not None and spec.workers_from_outside > spec.planned_workers:
        errors["workers_from_outside"] = _("市外返岗人数不能多于拟到岗人数")
    if not spec.officer.strip():
        errors["officer"] = _("请填写防控负责人")
    elif len(spec.officer.strip()) > 50:
        errors["officer"] = _("防控负责人最多50个字")
    if not PHONE.match(spec.phone.strip()):
        errors["phone"] = _("联系电话应为11位手机号或带区号的固定电话")
    if require_answers:
        for item in ChecklistItem.objects.filter(is_active=True).order_by("code"):
            answer = spec.answers.get(item.code)
            if answer is None or answer.met is None:
                errors[f"item_{item.code}"] = _("请逐项作答：%(code)s %(text)s") % {"code": item.code,
                                                                              "text": item.text}
        unknown = sorted(set(spec.answers) - set(ChecklistItem.objects.values_list("code", flat=True)))
        if unknown:
            errors["items"] = _("没有这些事项：%(codes)s") % {"codes": listed(unknown)}
    for code, given in sorted(spec.answers.items()):
        problem = photo_error(given.photo) if given.photo else None
        if problem:
            errors[f"photo_{code}"] = problem
    return errors


@transaction.atomic
def apply(actor: Actor, enterprise: Any, spec: NewFiling, *, require_answers: bool = True,
          action: str = Action.APPLY) -> Filing:
    """申请复工备案: a new filing in state 待审核, due at the end of the 1st working day after the application, with
    every active checklist item answered (a photo each where given). Refused while the enterprise has a filing
    pending, filed or suspended (the answer names it). A ``filings`` file applies with ``require_answers=False``
    and ``action=Action.IMPORT`` (its answers come from ``filing_items``; who may import, for their enterprises)."""
    policy.authorize(actor, enterprise, Action.VIEW)
    policy.authorize_create(actor, Filing, action)
    errors = check_application(spec, require_answers=require_answers)
    open_filing = Filing.objects.select_for_update().filter(enterprise=enterprise, state__in=OPEN_STATES).first()
    if open_filing is not None:
        errors["enterprise"] = _("该企业已有%(state)s的备案 %(code)s，不能重复申请") % {
            "state": open_filing.get_state_display(), "code": open_filing.code}
    if errors:
        raise ValidationError(errors)
    applied_on = spec.applied_on or dates.today()
    previous = Filing.objects.filter(enterprise=enterprise, state=FilingState.RETURNED).order_by(
        "-applied_on", "-pk").first()
    filing = Filing.objects.create(
        code=spec.code or _next_code(applied_on), enterprise=enterprise, applied_on=applied_on,
        planned_on=spec.planned_on, planned_workers=spec.planned_workers or 0,
        workers_from_outside=spec.workers_from_outside or 0, officer=spec.officer.strip(), phone=spec.phone.strip(),
        due_on=due_on(applied_on), previous=previous, applied_by=as_user(actor))
    audit.record_change(actor, filing, None)
    ensure_in_scope(filing, actor, action)
    items = {i.code: i for i in ChecklistItem.objects.all()}
    for code, answer in sorted(spec.answers.items()):
        row = FilingItem(filing=filing, item=items[code], met=bool(answer.met), note=answer.note.strip()[:300])
        if answer.photo:
            row.photo = answer.photo
        row.save()
        audit.record_change(actor, row, None)
    _event(filing, EventKind.APPLIED, applied_on, actor)
    return filing


@transaction.atomic
def answer(actor: Actor, filing: Filing, code: str, met: bool, note: str = "", photo: Any = None, *,
           action: str = Action.APPLY) -> FilingItem:
    """One checklist item answered (or answered again) while the filing awaits its decision (a ``filing_items``
    file: ``action=Action.IMPORT``)."""
    filing = Filing.objects.select_for_update().get(pk=filing.pk)
    policy.authorize(actor, filing, action)
    if filing.state != FilingState.APPLIED:
        raise ValidationError({"item": _("备案 %(code)s 已%(state)s，不能再修改作答") % {
            "code": filing.code, "state": filing.get_state_display()}})
    item = ChecklistItem.objects.filter(code=code).first()
    if item is None:
        raise ValidationError({"item": _("没有事项“%(code)s”") % {"code": str(code)[:10]}})
    row = FilingItem.objects.filter(filing=filing, item=item).first()
    before = audit.snapshot(row) if row else None
    problem = photo_error(photo) if photo else None
    if problem:
        raise ValidationError({f"photo_{code}": problem})
    row = row or FilingItem(filing=filing, item=item)
    row.met, row.note = bool(met), note.strip()[:300]
    if photo:
        row.photo = photo
    if before is not None and audit.snapshot(row) == before:
        return row
    row.save()
    audit.record_change(actor, row, before)
    ensure_in_scope(filing, actor, action)
    return row


# --- deciding -----------------------------------------------------------------------------------------------


@transaction.atomic
def record_inspection(actor: Actor, filing: Filing, *, on: dt.date | None, inspectors: str, photo: Any = None) -> Filing:
    """现场查勘: the day, who went, a photo; before the decision."""
    filing = Filing.objects.select_for_update().select_related("enterprise").get(pk=filing.pk)
    policy.authorize(actor, filing, Action.APPROVE)
    errors: dict[str, str] = {}
    _day(errors, "inspected_on", on)
    if on is not None and on < filing.applied_on - dt.timedelta(days=30):
        errors["inspected_on"] = _("查勘日期早于申请日期30天以上")
    if not inspectors.strip():
        errors["inspectors"] = _("请填写查勘人员")
    if filing.state != FilingState.APPLIED:
        errors["inspected_on"] = _("备案 %(code)s 已%(state)s，查勘须在审核前记录") % {
            "code": filing.code, "state": filing.get_state_display()}
    if errors:
        raise ValidationError(errors)
    assert on is not None  # noqa: S101 - checked above
    before = audit.snapshot(filing)
    filing.inspected_on, filing.inspectors = on, inspectors.strip()[:100]
    if photo:
        filing.inspection_photo = photo
    _save(actor, filing, before)
    _event(filing, EventKind.INSPECTED, on, actor, inspectors.strip())
    return filing


def decision_errors(filing: Filing, decision: str, note: str, on: dt.date, rules: Any = None) -> dict[str, str]:
    """Why ``decision`` may not be taken on ``filing`` on ``on`` (none: it may): the state, the reason of a return,
    the unmet mandatory items at the county's risk level on that day (named), the on-site check."""
    rules = rules or _rules()
    errors: dict[str, str] = {}
    _day(errors, "decided_on", on)
    if decision not in Decision.values:
        errors["decision"] = _("审核结果应为已备案或退回")
        return errors
    if filing.state != FilingState.APPLIED:
        errors["decision"] = _("备案 %(code)s 已%(state)s，不能再审核") % {"code": filing.code,
                                                                   "state": filing.get_state_display()}
        return errors
    if on < filing.applied_on:
        errors["decided_on"] = _("审核日期早于申请日期（%(day)s）") % {"day": filing.applied_on.isoformat()}
    if decision == Decision.RETURNED:
        if not note.strip():
            errors["note"] = _("退回须写明理由")
        return errors
    missing = missing_items(filing, on, rules)
    if missing:
        names = dict(ChecklistItem.objects.filter(code__in=missing).values_list("code", "text"))
        errors["decision"] = _("以下必须落实的防控措施尚未落实，不能备案：%(items)s") % {
            "items": listed(f"{c} {names.get(c, '').split('：')[0]}" for c in missing)}
    if inspection_required(filing, rules):
        if filing.inspected_on is None:
            errors["inspected_on"] = _("重点企业或市外返岗%(n)s人以上的企业须先现场查勘，请先记录查勘日期") % {
                "n": rules.inspection_outside_workers}
        elif filing.inspected_on > on:
            errors["inspected_on"] = _("查勘日期晚于审核日期")
    return errors


@transaction.atomic
def decide(actor: Actor, filing: Filing, decision: str, note: str = "", on: dt.date | None = None) -> Filing:
    """审核: 已备案 (filed) or 退回 (returned, with its reason), on ``on`` (a file's 审核日期; a page: today)."""
    filing = Filing.objects.select_for_update().select_related("enterprise__county").get(pk=filing.pk)
    policy.authorize(actor, filing, Action.APPROVE)
    on = on or dates.today()
    errors = decision_errors(filing, decision, note, on)
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(filing)
    filing.state = FilingState.FILED if decision == Decision.FILED else FilingState.RETURNED
    filing.decided_on, filing.decided_by, filing.note = on, as_user(actor), note.strip()[:300]
    _save(actor, filing, before)
    _event(filing, EventKind.FILED if decision == Decision.FILED else EventKind.RETURNED, on, actor, note.strip())
    _tell_enterprise(filing)
    return filing


def _tell_enterprise(filing: Filing) -> None:
    from dualtrack.accounts import services as accounts
    from dualtrack.core import notifications

    users = accounts.enterprise_contacts(filing.enterprise_id)
    text = (f"复工备案 {filing.code} 已备案" if filing.state == FilingState.FILED
            else f"复工备案 {filing.code} 被退回：{filing.note[:60]}")
    notifications.notify(users, text, f"/filings/{filing.code}/")


@transaction.atomic
def lift_suspension(actor: Actor, filing: Filing, reason: str, on: dt.date | None = None) -> Filing:
    """解除暂停: the county lifts an outbreak's suspension with its reason (an event, kept)."""
    filing = Filing.objects.select_for_update().get(pk=filing.pk)
    policy.authorize(actor, filing, Action.APPROVE)
    on = on or dates.today()
    errors: dict[str, str] = {}
    if filing.state != FilingState.SUSPENDED:
        errors["state"] = _("备案 %(code)s 未处于暂停状态") % {"code": filing.code}
    if not reason.strip():
        errors["reason"] = _("请写明解除暂停的理由")
    last = filing.events.filter(kind=EventKind.SUSPENDED).order_by("-date").values_list("date", flat=True).first()
    if last is not None and on < last:
        errors["reason"] = _("解除日期早于暂停日期（%(day)s）") % {"day": last.isoformat()}
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(filing)
    filing.state = FilingState.FILED
    _save(actor, filing, before)
    _event(filing, EventKind.LIFTED, on, actor, reason.strip())
    return filing


@transaction.atomic
def revoke(actor: Actor, filing: Filing, reason: str, on: dt.date | None = None) -> Filing:
    """撤销备案: a filed (or suspended) filing revoked with its reason."""
    filing = Filing.objects.select_for_update().get(pk=filing.pk)
    policy.authorize(actor, filing, Action.APPROVE)
    if filing.state not in FILED_STATES:
        raise ValidationError({"state": _("只有已备案或暂停的备案可以撤销")})
    if not reason.strip():
        raise ValidationError({"reason": _("请写明撤销的理由")})
    before = audit.snapshot(filing)
    filing.state = FilingState.REVOKED
    _save(actor, filing, before)
    _event(filing, EventKind.REVOKED, on or dates.today(), actor, reason.strip())
    return filing


@transaction.atomic
def suspend_for_cluster(cluster: Any) -> list[Filing]:
    """A cluster naming an enterprise suspends its filing filed on or before the cluster's day, from that day, and
    raises a §6 task for the county due at the end of the rules' working day after the cluster's day. Idempotent
    by (filing, cluster). The system's action: no user."""
    from django.conf import settings
    from django.utils import translation

    from dualtrack.core import calendar
    from dualtrack.problems import services as problems

    from .choices import OUTBREAK_TASK_KEY, OUTBREAK_TASK_TEXT
    from .texts import outbreak_task_text

    rules = _rules()
    suspended = []
    for filing in Filing.objects.select_for_update().select_related("enterprise__county").filter(
            enterprise_id=cluster.enterprise_id, state__in=FILED_STATES, decided_on__lte=cluster.date):
        if FilingEvent.objects.filter(filing=filing, cluster=cluster).exists():
            continue
        lifted_after = filing.events.filter(kind=EventKind.LIFTED, date__gte=cluster.date).exists()
        if not lifted_after:  # a cluster entered late, after its suspension was already lifted, stays an event only
            before = audit.snapshot(filing)
            filing.state = FilingState.SUSPENDED
            _save(None, filing, before)
        _event(filing, EventKind.SUSPENDED, cluster.date, None, cluster.description, cluster=cluster)
        params = {"code": filing.code, "name": filing.enterprise.name, "date": cluster.date.isoformat(),
                  "cases": cluster.cases}
        with translation.override(settings.LANGUAGE_CODE):  # a task's text is kept in Chinese
            text = outbreak_task_text(params)
        at = dt.datetime.combine(cluster.date, dt.time(18), calendar.SHANGHAI)
        problems.create_task(f"{OUTBREAK_TASK_KEY}{filing.code}:{cluster.pk}", text, category="其他",
                             county=filing.enterprise.county, enterprise=filing.enterprise,
                             working_days=rules.outbreak_task_working_days, at=min(at, dates.now()),
                             text_code=OUTBREAK_TASK_TEXT, text_params=params)
        suspended.append(filing)
    return suspended


# --- the epidemic ledger ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HealthDay:
    """防疫台账 of one day: typed input of :func:`record_health`."""

    on_duty: int | None
    from_outside: int | None = 0
    under_observation: int | None = 0
    fever: int | None = 0
    masks: int | None = 0
    disinfectant_kg: Any = 0


def check_health(values: HealthDay) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in ("on_duty", "from_outside", "under_observation", "fever", "masks"):
        value = getattr(values, name)
        if value is None or value < 0:
            errors[name] = _("请填写不小于0的整数")
        elif value > (MAX_STOCK if name == "masks" else MAX_WORKERS):
            errors[name] = _("数值过大，请核对")
    try:
        kg = Decimal(str(values.disinfectant_kg if values.disinfectant_kg not in (None, "") else "x"))
        if kg < 0 or kg > MAX_STOCK or not kg.is_finite():
            errors["disinfectant_kg"] = _("请填写不小于0的数")
    except (InvalidOperation, ValueError):
        errors["disinfectant_kg"] = _("请填写不小于0的数")
    if not errors and values.on_duty is not None and values.from_outside is not None \
            and values.from_outside > values.on_duty:
        errors["from_outside"] = _("市外返岗人数不能多于在岗人数")
    return errors


def record_health(actor: Actor, enterprise: Any, day: dt.date | None, values: HealthDay, *,
                  action: str = Action.REPORT) -> tuple[EnterpriseHealth, bool]:
    """防疫台账: the day's figures, created or corrected (audited, the correction kept in the audit log); the
    resumption report is never touched. Fever above 0 tells the county's (or park's) operators that day. An
    ``enterprise_health`` file: ``action=Action.IMPORT``."""
    policy.authorize(actor, enterprise, Action.VIEW)
    policy.authorize_create(actor, EnterpriseHealth, action)
    errors = check_health(values)
    _day(errors, "date", day)
    if errors:
        raise ValidationError(errors)
    assert day is not None  # noqa: S101 - checked above

    def upsert() -> tuple[EnterpriseHealth, bool]:
        with transaction.atomic():
            existing = EnterpriseHealth.objects.select_for_update().filter(enterprise=enterprise, date=day).first()
            before = audit.snapshot(existing) if existing else None
            row = existing or EnterpriseHealth(enterprise=enterprise, date=day)
            for name in ("on_duty", "from_outside", "under_observation", "fever", "masks"):
                setattr(row, name, int(getattr(values, name) or 0))
            row.disinfectant_kg = Decimal(str(values.disinfectant_kg or 0)).quantize(Decimal("0.1"))
            row.reported_by = as_user(actor)
            if existing is not None and audit.snapshot(row) == before:
                return row, False
            newly_fever = row.fever > 0 and (existing is None or existing.fever == 0)
            row.save()
            audit.record_change(actor, row, before)
            ensure_in_scope(row, actor, action)
            if newly_fever:
                _tell_county_of_fever(row)
            return row, True

    try:
        return upsert()
    except IntegrityError:  # the same day sent twice at once: the second finds the first and corrects it
        return upsert()


def _tell_county_of_fever(row: EnterpriseHealth) -> None:
    from dualtrack.accounts import services as accounts
    from dualtrack.core import notifications
    from dualtrack.core.choices import Role

    enterprise = row.enterprise
    users = list(accounts.active_users(Role.DISTRICT, county_id=enterprise.county_id, park__isnull=True))
    if enterprise.park_id:
        users += list(accounts.active_users(Role.DISTRICT, park_id=enterprise.park_id))
    notifications.notify(users, f"{enterprise.name} {row.date:%m月%d日}防疫台账报告发热{row.fever}人，请跟进",
                         f"/filings/ledger/{enterprise.uscc}/")


# --- 复工未备案 visits ------------------------------------------------------------------------------------------


@transaction.atomic
def close_visit(actor: Actor, visit: UnfiledVisit, note: str, on: dt.date | None = None) -> UnfiledVisit:
    """核查完毕: the liaison officer (or the county) records what the visit found."""
    visit = UnfiledVisit.objects.select_for_update().get(pk=visit.pk)
    policy.authorize(actor, visit, Action.CHANGE)
    if visit.state != VisitState.OPEN:
        raise ValidationError({"note": _("该核查任务已完成")})
    if not note.strip():
        raise ValidationError({"note": _("请填写核查情况")})
    before = audit.snapshot(visit)
    visit.state, visit.done_on, visit.note = VisitState.DONE, on or dates.today(), note.strip()[:300]
    visit.save()
    audit.record_change(actor, visit, before)
    ensure_in_scope(visit, actor, Action.CHANGE)
    return visit
