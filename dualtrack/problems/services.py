"""Writes on problems: report, move (with the full history), escalate; the ledger export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dualtrack.accounts import services as accounts
from dualtrack.core import audit, calendar, dates, errors, notifications, policy
from dualtrack.core import rules as rule_sets
from dualtrack.core.choices import Action, AuditAction
from dualtrack.core.scoping import ensure_in_scope, user_role

from .choices import DESCRIPTION_MAX, OPEN_STATES, TRANSITIONS, State
from .models import Attachment, Problem, ProblemEvent, Visit
from .rules import RULES_KEY


class ConcurrentChange(errors.ConcurrentChange):
    """Someone else moved the problem first."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem, _("该问题已被他人处理,当前状态为“%(state)s”,请刷新后再试。") % {
            "state": problem.get_state_display()})


def _event(problem: Problem, actor: Any, from_state: str, to_state: str, comment: str,
           level: int | None = None, at: dt.datetime | None = None) -> None:
    ProblemEvent.objects.create(
        problem=problem, at=at or timezone.now(), actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor.get_username() if actor is not None else "system", from_state=from_state,
        to_state=to_state, escalation_level=level, comment=comment)


def next_ref(now: dt.datetime) -> str:
    """WT<year>-<number>: numbered per year from a sequence (safe when many enterprises report at once),
    skipping any number an imported ledger already uses."""
    from dualtrack.core.sequences import next_value

    year = now.astimezone(dates.SHANGHAI).year
    prefix = f"WT{year}-"

    def highest() -> int:
        refs = Problem.objects.filter(ref__regex=rf"^{prefix}[0-9]+$").values_list("ref", flat=True)
        return max((int(r[len(prefix):]) for r in refs), default=0)

    while True:
        ref = f"{prefix}{next_value(f'problem-ref-{year}', highest):05d}"
        if not Problem.objects.filter(ref=ref).exists():
            return ref


@transaction.atomic
def report(actor: Any, description: str, enterprise: Any = None, project_code: str = "") -> Problem:
    """An enterprise or a liaison officer reports a problem (发现). The enterprise must be one the actor may
    report for (its own, one in the officer's care); HQ may report without one."""
    policy.authorize_create(actor, Problem, Action.REPORT)
    if enterprise is not None:
        policy.authorize(actor, enterprise, Action.REPORT)
    if not description.strip():
        raise ValidationError({"description": _("请描述问题")})
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError({"description": _("问题描述不能超过 %(n)d 字") % {"n": DESCRIPTION_MAX}})
    now = timezone.now()
    problem = Problem.objects.create(ref=next_ref(now), description=description.strip(), enterprise=enterprise,
                                     project_code=project_code, reported_at=now)
    if not policy.may(actor, problem, Action.REPORT):
        raise ValidationError({"enterprise": _("请填写反映问题的企业")})
    _event(problem, actor, "", State.REPORTED, "", at=now)
    audit.record_change(actor, problem, None)
    return problem


def with_personal_flag(user: Any, queryset: Any) -> Any:
    """``queryset`` with ``personal_visible`` on each problem: whether ``user`` may see the phone and ID numbers
    in its texts (the policy's ``PERSONAL``), in the same query."""
    from django.db.models import BooleanField, ExpressionWrapper, Q, Value

    found = policy.scope(user, Problem, Action.PERSONAL)
    if found is policy.ALL:
        flag: Any = Value(True)
    elif found is policy.NOTHING:
        flag = Value(False)
    else:
        flag = ExpressionWrapper(Q(found), output_field=BooleanField())
    return queryset.annotate(personal_visible=flag)


def texts_for(user: Any, problem: Problem) -> dict[str, Any]:
    """The problem's description, answer and history comments as ``user`` may see them; a view of unmasked
    personal data is audited."""
    from dualtrack.core.privacy import contains_personal, mask

    visible = policy.may(user, problem, Action.PERSONAL)
    events = list(problem.events.all())
    texts = [problem.description, problem.answer, *(e.comment for e in events)]
    if visible and any(contains_personal(t) for t in texts):
        audit.record(user, AuditAction.VIEW_PERSONAL, problem, detail={"fields": ["description", "answer", "comments"]})
    show = (lambda t: t) if visible else mask
    for event in events:
        event.comment = show(event.comment)
    return {"description": show(problem.description), "answer": show(problem.answer), "events": events,
            "personal_visible": visible}


def report_for(actor: Any, description: str, uscc: str = "") -> Problem:
    """Report a problem for the enterprise with credit code ``uscc`` (a liaison officer, HQ), or for the
    actor's own enterprise. The page and the API both come here."""
    from dualtrack.registry import services as registry

    policy.authorize_create(actor, Problem, Action.REPORT)
    enterprise = None
    if uscc.strip():
        enterprise = registry.enterprises_for(actor, Action.REPORT).filter(uscc=uscc.strip().upper()).first()
        if enterprise is None:
            raise ValidationError({"enterprise": _("企业不存在或不在您的联系范围内")})
    elif getattr(actor, "enterprise_id", None):
        enterprise = registry.enterprises_for(actor, Action.REPORT).filter(pk=actor.enterprise_id).first()
    return report(actor, description, enterprise=enterprise)


@transaction.atomic
def move(problem_id: int, expected_version: int, to_state: str, actor: Any, comment: str = "",
         **fields: Any) -> Problem:
    """Move a problem along §6. The caller says which version it saw: if someone moved the problem in the
    meantime, :class:`ConcurrentChange` says so and nothing is written."""
    problem = Problem.objects.restrict(actor, Action.VIEW).select_for_update().filter(pk=problem_id).first()
    if problem is None:
        raise Http404
    if problem.version != expected_version:
        raise ConcurrentChange(problem)
    verb = TRANSITIONS.get((problem.state, to_state))
    if verb is None:
        raise ValidationError({"state": _("不能从“%(from)s”转为“%(to)s”") % {
            "from": problem.get_state_display(), "to": State(to_state).label}})
    policy.authorize(actor, problem, verb)
    before = audit.snapshot(problem)
    now = timezone.now()
    if to_state == State.TRIAGED:
        for field in ("category", "department", "complexity"):
            if not fields.get(field):
                raise ValidationError({field: _("梳理时须确定类别、责任部门和复杂程度")})
            setattr(problem, field, fields[field])
    if to_state == State.ASSIGNED:
        definition = rule_sets.current(RULES_KEY).definition
        due = calendar.deadline(now, definition["deadline_days"][problem.complexity])
        problem.assigned_at, problem.due_at, problem.next_action_at = now, due.due_at, due.due_at
        problem.escalation_level = 0
    if to_state == State.RESOLVED:
        if not (fields.get("answer") or "").strip():
            raise ValidationError({"answer": _("办结须填写答复")})
        problem.answer, problem.resolved_at, problem.next_action_at = fields["answer"].strip(), now, None
    if to_state == State.CLOSED:
        problem.closed_at = now
    if to_state == State.RETURNED:
        problem.next_action_at = None
    if to_state == State.IN_PROGRESS and problem.state == State.RESOLVED:  # reopened
        problem.resolved_at, problem.next_action_at = None, problem.due_at
    from_state = problem.state
    problem.state, problem.version = to_state, problem.version + 1
    problem.save()
    _event(problem, actor, from_state, to_state, comment, at=now)
    audit.record_change(actor, problem, before)
    if to_state == State.TRIAGED:
        flag_recurrence(problem)
    if to_state == State.ASSIGNED:
        local_due = problem.due_at.astimezone(dates.SHANGHAI) if problem.due_at else None
        notifications.notify(accounts.escalation_addressees(1, problem.department_id),
                             f"新交办问题 {problem.ref},限 {local_due:%m月%d日} 前办结" if local_due else
                             f"新交办问题 {problem.ref}", f"/problems/{problem.ref}/")
    ensure_in_scope(problem, actor, Action.VIEW)
    return problem


def escalate_due(now: dt.datetime | None = None) -> int:
    """Raise every open problem past its current deadline one level up the chain (分级调度), with a new
    deadline for that level; ``due_at`` never moves. Each row is locked and re-checked before it changes,
    so two workers running at once escalate it once."""
    now = now or timezone.now()
    definition = rule_sets.current(RULES_KEY).definition
    top = len(definition["levels"]) - 1
    escalated = 0
    due = Problem.objects.filter(state__in=OPEN_STATES, next_action_at__lte=now, escalation_level__lt=top)
    for problem_id, level in list(due.values_list("pk", "escalation_level")):
        with transaction.atomic():
            locked = Problem.objects.select_for_update(**_skip_locked()).filter(
                pk=problem_id, state__in=OPEN_STATES, escalation_level=level, next_action_at__lte=now).first()
            if locked is None:
                continue  # moved, resolved or escalated by someone else meanwhile
            deadline = calendar.deadline(now, definition["deadline_days"][locked.complexity or "general"])
            locked.escalation_level = level + 1
            locked.next_action_at = deadline.due_at
            locked.version += 1
            locked.save(update_fields=["escalation_level", "next_action_at", "version"])
            _event(locked, None, locked.state, locked.state, f"逾期,调度至:{definition['levels'][level + 1]}",
                   level=level + 1, at=now)
            audit.record(None, AuditAction.UPDATE, locked, before={"escalation_level": level},
                         after={"escalation_level": level + 1, "next_action_at": deadline.due_at})
            _notify_escalation(locked, definition["levels"][level + 1], deadline.due_at)
            escalated += 1
    return escalated


def _skip_locked() -> dict[str, bool]:
    return {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}


def export_rows(now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The ledger for ``dualtrack problems export --json`` (times ISO 8601 with +08:00)."""
    now = now or timezone.now()

    def iso(value: dt.datetime | None) -> str | None:
        return value.astimezone(dates.SHANGHAI).isoformat() if value else None

    rows = []
    for p in Problem.objects.select_related("category", "department").order_by("ref"):
        rows.append({
            "ref": p.ref, "state": p.state, "category": p.category.name if p.category else None,
            "complexity": p.complexity or None, "department": p.department.code if p.department else None,
            "assigned_at": iso(p.assigned_at), "due_at": iso(p.due_at), "escalation_level": p.escalation_level,
            "overdue": bool(p.due_at and p.state in OPEN_STATES and now > p.due_at),
        })
    return rows


def statistics(user: Any) -> dict[str, list[dict[str, Any]]]:
    """By category and by department: problems, resolved, on time, on-time rate, mean handling time in
    working days (assignment to resolution)."""
    rows = list(Problem.objects.restrict(user, Action.VIEW).filter(assigned_at__isnull=False).values_list(
        "category__name", "department__name", "assigned_at", "due_at", "resolved_at"))
    local_days = [(a.astimezone(dates.SHANGHAI).date(), r.astimezone(dates.SHANGHAI).date())
                  for _c, _d, a, _due, r in rows if r is not None]
    counter = calendar.WorkingDayCounter(min(a for a, _r in local_days), max(r for _a, r in local_days)) \
        if local_days else None
    groups: dict[str, dict[str, dict[str, Any]]] = {"category": {}, "department": {}}
    for category, department, assigned_at, due_at, resolved_at in rows:
        for kind, key in (("category", category or "—"), ("department", department or "—")):
            stats = groups[kind].setdefault(key, {"name": key, "total": 0, "resolved": 0, "on_time": 0, "days": 0})
            stats["total"] += 1
            if resolved_at is not None:
                stats["resolved"] += 1
                stats["on_time"] += int(due_at is None or resolved_at <= due_at)
                stats["days"] += counter.between(assigned_at.astimezone(dates.SHANGHAI).date(),  # type: ignore[union-attr]
                                                 resolved_at.astimezone(dates.SHANGHAI).date())
    result: dict[str, list[dict[str, Any]]] = {}
    for kind, table in groups.items():
        result[kind] = sorted(({**s, "on_time_rate": round(s["on_time"] / s["resolved"], 4) if s["resolved"] else None,
                                "mean_days": round(s["days"] / s["resolved"], 2) if s["resolved"] else None}
                               for s in table.values()), key=lambda s: -s["total"])
    return result


def _notify_escalation(problem: Problem, level_name: str, due_at: dt.datetime) -> None:
    local = due_at.astimezone(dates.SHANGHAI)
    title = f"问题 {problem.ref} 逾期未办结,已调度至{level_name},请于 {local:%m月%d日} 前督办"
    link = f"/problems/{problem.ref}/"
    notifications.notify(accounts.escalation_addressees(problem.escalation_level, problem.department_id), title, link)


def deadline_flags(now: dt.datetime | None = None) -> dict[str, Any]:
    """The Q objects for the due-soon (临期) and overdue (逾期) states of open problems, as of ``now``."""
    from django.db.models import Q

    now = now or timezone.now()
    hours = rule_sets.current(RULES_KEY).definition.get("due_soon_hours", 24)
    return {
        "overdue": Q(state__in=OPEN_STATES, due_at__lt=now),
        "due_soon": Q(state__in=OPEN_STATES, due_at__gte=now, due_at__lte=now + dt.timedelta(hours=hours)),
    }


def deadline_status(problem: Problem, now: dt.datetime | None = None) -> str | None:
    """``"overdue"``, ``"due_soon"`` or None for one problem (the same rule as :func:`deadline_flags`)."""
    now = now or timezone.now()
    if problem.state not in OPEN_STATES or problem.due_at is None:
        return None
    if problem.due_at < now:
        return "overdue"
    hours = rule_sets.current(RULES_KEY).definition.get("due_soon_hours", 24)
    return "due_soon" if problem.due_at <= now + dt.timedelta(hours=hours) else None


def flag_recurrence(problem: Problem) -> int:
    """反复出现: the same category for the same enterprise or project ``count`` times within ``days`` days
    (rule set) flags every problem of that run for a root-cause review. Returns how many are flagged."""
    if problem.category_id is None or not (problem.enterprise_id or problem.project_code):
        return 0
    rule = rule_sets.current(RULES_KEY).definition.get("recurrence", {"count": 3, "days": 30})
    window = dt.timedelta(days=rule["days"])
    same = Problem.objects.filter(category_id=problem.category_id, duplicate_of__isnull=True,
                                  reported_at__gt=problem.reported_at - window,
                                  reported_at__lt=problem.reported_at + window)
    same = same.filter(enterprise_id=problem.enterprise_id) if problem.enterprise_id else same.filter(
        project_code=problem.project_code)
    times = sorted(same.values_list("pk", "reported_at"), key=lambda row: row[1])
    flagged: set[int] = set()
    for i in range(len(times)):  # every run of `count` problems that fits in the window
        j = i + rule["count"] - 1
        if j < len(times) and times[j][1] - times[i][1] < window:
            flagged.update(pk for pk, _at in times[i:j + 1])
    if flagged:
        Problem.objects.filter(pk__in=flagged, recurring=False).update(recurring=True)
    return len(flagged)


def refresh_recurrence() -> int:
    """Recompute every recurrence flag (after an import): one ordered pass over (enterprise or project,
    category, time), no query per problem."""
    rule = rule_sets.current(RULES_KEY).definition.get("recurrence", {"count": 3, "days": 30})
    window = dt.timedelta(days=rule["days"])
    rows = Problem.objects.filter(category__isnull=False, duplicate_of__isnull=True).exclude(
        enterprise__isnull=True, project_code="").values_list("pk", "enterprise_id", "project_code", "category_id",
                                                              "reported_at")
    runs: dict[tuple[Any, ...], list[tuple[dt.datetime, int]]] = {}
    for pk, enterprise_id, project_code, category_id, reported_at in rows:
        runs.setdefault((enterprise_id or project_code, category_id), []).append((reported_at, pk))
    flagged: set[int] = set()
    for times in runs.values():
        times.sort()
        for i in range(len(times) - rule["count"] + 1):
            j = i + rule["count"] - 1
            if times[j][0] - times[i][0] < window:
                flagged.update(pk for _at, pk in times[i:j + 1])
    Problem.objects.exclude(pk__in=flagged).filter(recurring=True).update(recurring=False)
    Problem.objects.filter(pk__in=flagged, recurring=False).update(recurring=True)
    return len(flagged)


@transaction.atomic
def merge(problem_id: int, into_ref: str, actor: Any, comment: str = "") -> Problem:
    """Merge a duplicate into an earlier problem (梳理时合并重复问题): the duplicate is closed with a link to the
    one that is followed; its history says so, and so does the other's."""
    problem = Problem.objects.restrict(actor, Action.VIEW).select_for_update().filter(pk=problem_id).first()
    if problem is None:
        raise Http404
    policy.authorize(actor, problem, Action.TRIAGE)
    target = Problem.objects.restrict(actor, Action.VIEW).select_for_update().filter(ref=into_ref.strip()).first()
    if target is None:
        raise ValidationError({"into": _("找不到编号为“%(ref)s”的问题") % {"ref": into_ref}})
    if target.pk == problem.pk or target.duplicate_of_id:
        raise ValidationError({"into": _("不能合并到自身或已合并的问题")})
    if problem.state not in (State.REPORTED, State.RETURNED, State.TRIAGED):
        raise ValidationError({"state": _("只有待梳理的问题可以合并")})
    before = audit.snapshot(problem)
    now = timezone.now()
    from_state = problem.state
    problem.duplicate_of, problem.state, problem.closed_at = target, State.CLOSED, now
    problem.next_action_at, problem.version = None, problem.version + 1
    problem.save()
    Problem.objects.filter(duplicates=problem).update(duplicate_of=target)  # earlier merges follow along
    _event(problem, actor, from_state, State.CLOSED, f"与 {target.ref} 重复,合并。{comment}".strip(), at=now)
    _event(target, actor, target.state, target.state, f"合并重复问题 {problem.ref}", at=now)
    audit.record_change(actor, problem, before)
    return problem


# Attachments: photos and PDFs, checked by their content, kept outside the web root.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_PIXELS = 50_000_000  # a small file may unpack to gigabytes of pixels (decompression bomb)
_SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"%PDF-", "application/pdf"))


def attachment_dir() -> Any:
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.ATTACHMENTS_ROOT)
    path.mkdir(parents=True, exist_ok=True)
    return path


def sniff(head: bytes) -> str | None:
    return next((kind for magic, kind in _SIGNATURES if head.startswith(magic)), None)


def _check_content(data: bytes, content_type: str) -> None:
    import io

    if content_type.startswith("image/"):
        import warnings

        from PIL import Image, UnidentifiedImageError

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data)) as image:
                    if image.width * image.height > ATTACHMENT_MAX_PIXELS:
                        raise ValidationError({"file": _("图片尺寸过大(%(w)d×%(h)d 像素),上限 5000 万像素") % {
                            "w": image.width, "h": image.height}})
                    image.verify()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValidationError({"file": _("图片尺寸过大,上限 5000 万像素")}) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise ValidationError({"file": _("图片文件已损坏或不是图片")}) from exc
    elif b"%%EOF" not in data[-2048:]:
        raise ValidationError({"file": _("PDF 文件不完整")})


@transaction.atomic
def attach(problem: Problem, upload: Any, actor: Any) -> Attachment:
    """Keep a photo (JPEG/PNG) or PDF with a problem. The type is decided by the file's content, not its name
    or the browser's word; anything else, or more than 10 MB, is refused with the reason."""
    import hashlib
    import secrets

    policy.authorize(actor, problem, Action.CHANGE)
    if problem.state == State.CLOSED:
        raise ValidationError({"file": _("已销号的问题不能再添加附件")})
    size = getattr(upload, "size", None) or 0
    if size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("文件过大(%(size).1f MB),上限 10 MB") % {"size": size / 1048576}})
    data = upload.read(ATTACHMENT_MAX_BYTES + 1)
    if len(data) > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("文件过大,上限 10 MB")})
    content_type = sniff(data[:16])
    if content_type is None:
        raise ValidationError({"file": _("只接受照片(JPG、PNG)和 PDF 文件")})
    _check_content(data, content_type)
    stored_name = secrets.token_hex(16)
    (attachment_dir() / stored_name).write_bytes(data)
    name = (getattr(upload, "name", "") or "attachment").replace("/", "_").replace("\\", "_")[-200:]
    attachment = Attachment.objects.create(problem=problem, name=name, content_type=content_type, size=len(data),
                                           sha256=hashlib.sha256(data).hexdigest(), stored_name=stored_name,
                                           uploaded_at=timezone.now(), uploaded_by=actor)
    audit.record_change(actor, attachment, None)
    return attachment


def attachment_path(attachment: Attachment) -> Any:
    return attachment_dir() / attachment.stored_name


# Liaison officers (驻企服务员): visits and coverage.

@transaction.atomic
def log_visit(actor: Any, visited_on: dt.date, notes: str, enterprise: Any = None, project_code: str = "") -> Visit:
    """A liaison officer logs a visit (走访记录) to one of the enterprises in their care."""
    policy.authorize_create(actor, Visit, Action.ADD)
    if enterprise is not None:
        policy.authorize(actor, enterprise, Action.REPORT)
    if not notes.strip():
        raise ValidationError({"notes": _("请填写走访情况")})
    if enterprise is None and not project_code:
        raise ValidationError({"enterprise": _("请选择走访的企业或项目")})
    if visited_on > dates.today():
        raise ValidationError({"visited_on": _("走访日期不能晚于今天")})
    visit = Visit.objects.create(officer=actor, enterprise=enterprise, project_code=project_code,
                                 visited_on=visited_on, notes=notes.strip())
    audit.record_change(actor, visit, None)
    return visit


_COVERAGE: list[Any] = []


def register_coverage(provider: Any) -> None:
    """Other modules add what their liaison officers must cover (key projects): ``provider(user)`` returns
    ``{"label", "total", "covered", "rate", "uncovered": [(code, name, county), …]}``."""
    if provider not in _COVERAGE:
        _COVERAGE.append(provider)


def coverage_extras(user: Any) -> list[dict[str, Any]]:
    return [provider(user) for provider in _COVERAGE]


def coverage(user: Any) -> dict[str, Any]:
    """全覆盖: key enterprises in the user's scope without a liaison officer, per county, with the list."""
    from django.db.models import Count, Q

    from dualtrack.registry import services as registry

    keys = registry.enterprises_for(user).filter(is_key=True)
    per_county = list(keys.values("county__code", "county__name").annotate(
        total=Count("pk", distinct=True),
        covered=Count("pk", filter=Q(liaison_officers__isnull=False), distinct=True)).order_by("county__code"))
    for row in per_county:
        row["uncovered"] = row["total"] - row["covered"]
        row["rate"] = round(row["covered"] / row["total"], 4) if row["total"] else None
    uncovered = keys.filter(liaison_officers__isnull=True).select_related("county").order_by("county__code", "name")
    total = sum(r["total"] for r in per_county)
    covered = sum(r["covered"] for r in per_county)
    return {"counties": per_county, "uncovered": uncovered, "total": total, "covered": covered,
            "rate": round(covered / total, 4) if total else None}


today = dates.today


def escalation_levels() -> list[str]:
    return list(rule_sets.current(RULES_KEY).definition["levels"])


def escalated_for(user: Any) -> Any:
    """The open problems escalated to ``user`` (the same addressing as the notifications): HQ sees them all;
    a leader those at their level (a vice-mayor in charge, level 2, those of their departments, or all of
    level 2 for a department nobody is in charge of)."""
    from django.db.models import Q

    escalated = Problem.objects.restrict(user).filter(state__in=OPEN_STATES, escalation_level__gt=0)
    role = user_role(user)
    if role == "hq":
        return escalated.order_by("-escalation_level", "next_action_at")
    level = getattr(user, "leader_level", None)
    if role != "leader" or not level:
        return escalated.none()
    mine = escalated.filter(escalation_level=level)
    if level == 2:
        supervised = list(user.supervised_departments.values_list("pk", flat=True))
        mine = mine.filter(Q(department_id__in=supervised)
                           | ~Q(department_id__in=accounts.departments_with_level2_leader()))
    return mine.order_by("next_action_at")


def officers() -> Any:
    return accounts.liaison_officers().order_by("username")


def assign_liaison(actor: Any, username: str, usccs: list[str]) -> int:
    """HQ puts enterprises (by credit code) in a liaison officer's care."""
    from dualtrack.registry import services as registry

    policy.authorize_create(actor, "accounts.User", Action.CHANGE)
    officer = accounts.user_by_username(username.strip())
    if officer is None or officer.role != "liaison":
        raise ValidationError({"username": _("“%(username)s”不是驻企服务员账号") % {"username": username}})
    if not usccs:
        raise ValidationError({"uscc": _("请填写企业统一社会信用代码")})
    found = dict(registry.all_enterprises().filter(uscc__in=usccs).values_list("uscc", "pk"))
    missing = [code for code in usccs if code not in found]
    if missing:
        raise ValidationError({"uscc": _("企业不存在:") + "、".join(missing[:10])})
    with transaction.atomic():
        return accounts.assign_enterprises(actor, officer, list(found.values()))


def visits_exist(officer: Any) -> bool:
    return Visit.objects.filter(officer=officer).exists()


def add_demo_visits(officer: Any, visits: list[tuple[int, dt.date, str]]) -> int:
    """The demo's visit log, through :func:`log_visit` (validated and audited like a real one)."""
    from dualtrack.registry import services as registry

    enterprises = registry.all_enterprises().in_bulk({pk for pk, _day, _notes in visits})
    for pk, day, notes in visits:
        log_visit(officer, day, notes, enterprise=enterprises[pk])
    return len(visits)


def replay_escalation(start: dt.date, end: dt.date) -> int:
    """Run the escalation step as the worker would have at 08:00 on every day from ``start`` to ``end`` (for
    the demo, or to catch up after the worker was stopped). Idempotent like the worker."""
    total = 0
    day = start
    while day <= end:
        total += escalate_due(dt.datetime.combine(day, dt.time(8, 0), tzinfo=calendar.SHANGHAI))
        day += dt.timedelta(days=1)
    return total


@transaction.atomic
def create_task(source_key: str, description: str, *, category: str = "其他", department: Any = None,
                complexity: str = "general", escalation_level: int = 0, project_code: str = "",
                enterprise: Any = None, at: dt.datetime | None = None) -> tuple[Problem, bool]:
    """A task another module sets in motion (督办任务, e.g. a key project's yellow light): created already
    assigned, with the deadline of its complexity and starting at ``escalation_level`` of the chain, so the
    problems module's deadlines, escalation and notifications apply. ``source_key`` makes it idempotent:
    the same key returns the existing task. Returns (task, created)."""
    from .models import Category

    existing = Problem.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing, False
    now = at or timezone.now()
    definition = rule_sets.current(RULES_KEY).definition
    due = calendar.deadline(now, definition["deadline_days"][complexity]).due_at
    category_obj = Category.objects.filter(name=category).first() or Category.objects.filter(name="其他").first()
    problem = Problem.objects.create(
        ref=next_ref(now), description=description, category=category_obj, complexity=complexity,
        department=department, enterprise=enterprise, project_code=project_code, state=State.ASSIGNED,
        reported_at=now, assigned_at=now, due_at=due, next_action_at=due, escalation_level=escalation_level,
        source_key=source_key)
    level_name = definition["levels"][min(escalation_level, len(definition["levels"]) - 1)]
    _event(problem, None, "", State.ASSIGNED, f"系统生成督办任务,送{level_name}", level=escalation_level or None, at=now)
    audit.record_change(None, problem, None)
    notifications.notify(accounts.escalation_addressees(max(escalation_level, 1), department_id=getattr(
        department, "pk", None)), f"督办任务 {problem.ref}:{description[:60]}", f"/problems/{problem.ref}/")
    return problem, True


def tasks_by_keys(keys: list[str]) -> dict[str, Problem]:
    """The tasks other modules created, by their source keys (only those asked for)."""
    return {p.source_key: p for p in Problem.objects.filter(source_key__in=keys)} if keys else {}


def tasks_for_project(user: Any, project_code: str) -> Any:
    """The problems and dispatch tasks of a project that ``user`` may see."""
    return Problem.objects.restrict(user).filter(project_code=project_code).select_related(
        "department").order_by("-reported_at")


def open_project_tasks(user: Any) -> Any:
    """Open dispatch tasks set in motion by key projects, most escalated first."""
    return Problem.objects.restrict(user).filter(source_key__startswith="project:", state__in=OPEN_STATES).select_related(
        "department").order_by("-escalation_level", "due_at")
