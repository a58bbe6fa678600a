"""Pages of safe resumption for the county's (or park's) operators, HQ, leaders and departments (DOMAIN.md §16):
the queue, a filing's page with its decision, on-site check, suspension and revocation, the board, 复工未备案 and an
enterprise's ledger. Thin: parse typed input, call one action, respond."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dualtrack.core import audit, dates, exports, policy, privacy
from dualtrack.core.actors import Viewer, actor_of
from dualtrack.core.choices import Action, AuditAction
from dualtrack.core.forms import DayField
from dualtrack.core.scoping import get_scoped_or_404
from dualtrack.core.views import form_errors, paginate, query_without_page
from dualtrack.core.views_judgements import pending
from dualtrack.registry import services as registry

from . import actions, services
from . import policy as access
from .choices import FILED_STATES, Decision, EventKind, FilingState, UnfiledSource, VisitState
from .models import EnterpriseHealth, Filing, FilingEvent, UnfiledVisit

LEDGER_DAYS = 30
RECENT_DECISIONS = 20
THUMBNAIL_PX = 480
#: the on-site check's photo, served beside the answers' (an item code is at most 10 characters: never this)
INSPECTION_PHOTO = "_inspection"
LEVEL_NAMES = {"low": gettext_lazy("低风险"), "medium": gettext_lazy("中风险"), "high": gettext_lazy("高风险")}


def nav(user: Viewer) -> dict[str, bool]:
    """Which of the section's pages the user may open (the sub-menu shows only those)."""
    return {"can_queue": access.decides(user), "can_board": access.sees_board(user),
            "can_unfiled": Filing.permits(user, Action.VIEW)}


# --- the queue ----------------------------------------------------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """待审核: the applications the user may decide, overdue first then by due day (an overdue one is due
    earliest), each linking to its page; then the latest decisions."""
    if not access.decides(request.user):
        raise PermissionDenied
    day = services.as_of()
    pending_filings = Filing.objects.restrict(request.user, Action.APPROVE).filter(
        state=FilingState.APPLIED).select_related("enterprise__county", "enterprise__park").order_by(
        "due_on", "applied_on", "code")
    page = paginate(request, pending_filings)
    for filing in page:
        filing.overdue = day > filing.due_on  # type: ignore[attr-defined]
    decided = FilingEvent.objects.restrict(request.user, Action.APPROVE).filter(
        kind__in=(EventKind.FILED, EventKind.RETURNED)).select_related("filing__enterprise").order_by(
        "-date", "-id")[:RECENT_DECISIONS]
    return render(request, "filings/queue.html", {**nav(request.user),
        "page": page, "day": day, "decided": list(decided), "query": query_without_page(request),
        "overdue": Filing.objects.restrict(request.user, Action.APPROVE).filter(
            state=FilingState.APPLIED, due_on__lt=day).count()})


# --- a filing's page and its forms ----------------------------------------------------------------------------------


class _OnTheFilingPage(forms.Form):
    """A form drawn beside the filing page's other forms: its ids carry its name, so no two fields share an id."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class InspectionForm(_OnTheFilingPage):
    id_prefix = "inspection"
    inspected_on = DayField(label=gettext_lazy("查勘日期"))
    inspectors = forms.CharField(label=gettext_lazy("查勘人员"), max_length=100)
    photo = forms.FileField(label=gettext_lazy("现场照片（可选）"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png",
                                                                   "capture": "environment"}))

    def clean_photo(self) -> Any:
        """A JPEG or PNG by its content, as an answer's photo is checked (``actions.photo_error``)."""
        photo = self.cleaned_data.get("photo")
        if photo:
            error = actions.photo_error(photo)
            if error:
                raise ValidationError(error)
        return photo


class DecideForm(_OnTheFilingPage):
    id_prefix = "decide"
    decision = forms.ChoiceField(label=gettext_lazy("审核结果"), choices=Decision.choices,
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=gettext_lazy("意见（退回须写明理由）"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class LiftForm(_OnTheFilingPage):
    id_prefix = "lift"
    reason = forms.CharField(label=gettext_lazy("解除理由"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RevokeForm(_OnTheFilingPage):
    id_prefix = "revoke"
    reason = forms.CharField(label=gettext_lazy("撤销理由"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}))


def _filings() -> Any:
    return Filing.objects.select_related("enterprise__county", "enterprise__park", "decided_by", "previous")


def _found(request: HttpRequest, code: str) -> Filing:
    """The filing ``code`` if the user may see it, else 404."""
    return get_scoped_or_404(_filings(), request.user, Action.VIEW, code=code.strip().upper()[:30])


def _forms(request: HttpRequest, filing: Filing) -> dict[str, Any]:
    """The forms of the filing's page the user may use: the county (or park) and HQ decide, record the on-site
    check while undecided, lift a suspension and revoke a filing."""
    if not policy.may(request.user, filing, Action.APPROVE):
        return {}
    undecided = filing.state == FilingState.APPLIED
    return {"inspection_form": InspectionForm(initial={"inspected_on": dates.today()})
            if undecided and actions.inspection_required(filing) else None,
            "decide_form": DecideForm() if undecided else None,
            "lift_form": LiftForm() if filing.state == FilingState.SUSPENDED else None,
            "revoke_form": RevokeForm() if filing.state in FILED_STATES else None}


def _photo_url(filing: Filing, item: str, view: str) -> str:
    return reverse("filings:item_photo", args=[filing.code, item]) + f"?view={view}"


def _filing_page(request: HttpRequest, filing: Filing, forms_: dict[str, Any], status: int = 200) -> HttpResponse:
    day = dates.today()
    person = privacy.shown(request.user, [(filing, {"officer": filing.officer, "phone": filing.phone,
                                                    "note": filing.note})],
                           kinds={"officer": privacy.NAME, "phone": privacy.PHONE})[0]
    answers = list(filing.items.select_related("item").order_by("item__code"))
    for row in answers:
        row.thumb = _photo_url(filing, row.item.code, "thumb") if row.photo else ""  # type: ignore[attr-defined]
        row.full = _photo_url(filing, row.item.code, "photo") if row.photo else ""  # type: ignore[attr-defined]
    events = privacy.attach(request.user, filing.events.select_related("actor").order_by("date", "id"), "reason")
    level = actions.risk_level(filing, day)
    missing = actions.missing_items(filing, day) if filing.state == FilingState.APPLIED else []
    names = {row.item.code: row.item.text for row in answers}
    return render(request, "filings/filing.html", {**nav(request.user),
        "filing": filing, "person": person, "answers": answers, "events": events, "day": day,
        "level": level, "level_name": LEVEL_NAMES.get(level, level), "overdue": filing.state == FilingState.APPLIED
        and services.as_of() > filing.due_on,
        "missing": [(code, names.get(code, "")) for code in missing],
        "inspection_required": actions.inspection_required(filing),
        "inspection_photo": _photo_url(filing, INSPECTION_PHOTO, "thumb") if filing.inspection_photo else "",
        "inspection_full": _photo_url(filing, INSPECTION_PHOTO, "photo") if filing.inspection_photo else "",
        "ledger_link": reverse("filings:ledger", args=[filing.enterprise.uscc])
        if EnterpriseHealth.permits(request.user, Action.VIEW) and policy.may(request.user, filing, Action.PERSONAL)
        else "", **forms_}, status=status)


@login_required
def filing(request: HttpRequest, code: str) -> HttpResponse:
    """A filing: the enterprise, its dates and workers, the officer and phone (whole where the policy grants it,
    audited; masked elsewhere), the answers item by item with their photos, the events, the county's risk level
    today and what is not met; the forms for those who decide. ≤ 390 px friendly: the enterprise and its liaison
    officer read it on a phone."""
    found = _found(request, code)
    return _filing_page(request, found, _forms(request, found))


Notes = list[tuple[int, str]]


def _work(request: HttpRequest, code: str, name: str, make: Callable[[Filing], forms.Form],
          run: Callable[[Filing, dict[str, Any]], Notes]) -> HttpResponse:
    """A form posted on the filing's page: ``run`` calls the action and answers the messages to show, and the user
    goes back to the filing; on an error the page comes again with this form's errors beside its fields."""
    found = _found(request, code)
    policy.authorize(request.user, found, Action.APPROVE)  # 403 for who sees it but may not decide
    form = make(found)
    if form.is_valid():
        try:
            notes = run(found, form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            for level, text in notes:
                messages.add_message(request, level, text)
            return redirect("filings:filing", code=found.code)
    forms_ = _forms(request, found)
    forms_[name] = form
    return _filing_page(request, found, forms_)


@login_required
@require_POST
def decide(request: HttpRequest, code: str) -> HttpResponse:
    """审核: 已备案, or 退回 with its reason; a refusal (an unmet mandatory item, a missing on-site check) comes back
    with the action's message naming what is missing."""
    def run(found: Filing, data: dict[str, Any]) -> Notes:
        done = actions.decide(actor_of(request), found, data["decision"], data["note"])
        return [(messages.SUCCESS, _("复工备案 %(code)s：%(state)s") % {"code": done.code,
                                                                   "state": done.get_state_display()})]

    return _work(request, code, "decide_form", lambda f: DecideForm(request.POST), run)


@login_required
@require_POST
def inspection(request: HttpRequest, code: str) -> HttpResponse:
    """现场查勘: the day, who went, a photo."""
    def run(found: Filing, data: dict[str, Any]) -> Notes:
        actions.record_inspection(actor_of(request), found, on=data["inspected_on"], inspectors=data["inspectors"],
                                  photo=data.get("photo") or None)
        return [(messages.SUCCESS, _("已记录现场查勘"))]

    return _work(request, code, "inspection_form", lambda f: InspectionForm(request.POST, request.FILES), run)


@login_required
@require_POST
def lift(request: HttpRequest, code: str) -> HttpResponse:
    """解除暂停, with its reason."""
    def run(found: Filing, data: dict[str, Any]) -> Notes:
        actions.lift_suspension(actor_of(request), found, data["reason"])
        return [(messages.SUCCESS, _("已解除暂停"))]

    return _work(request, code, "lift_form", lambda f: LiftForm(request.POST), run)


@login_required
@require_POST
def revoke(request: HttpRequest, code: str) -> HttpResponse:
    """撤销备案, with its reason."""
    def run(found: Filing, data: dict[str, Any]) -> Notes:
        actions.revoke(actor_of(request), found, data["reason"])
        return [(messages.SUCCESS, _("已撤销备案"))]

    return _work(request, code, "revoke_form", lambda f: RevokeForm(request.POST), run)


def _thumbnail(handle: Any) -> bytes:
    """A photo's preview (``core.images``): JPEG, at most ``THUMBNAIL_PX`` on its longer side, upright."""
    from dualtrack.core import images

    try:
        return images.preview_jpeg(handle, THUMBNAIL_PX, actions.PHOTO_MAX_PIXELS)
    except images.ImageRefused as exc:
        raise Http404 from exc


@login_required
def item_photo(request: HttpRequest, code: str, item: str) -> HttpResponseBase:
    """An answer's photo (or the on-site check's, ``_inspection``), to those who may see the filing (404
    otherwise): ``?view=thumb`` its preview, ``?view=photo`` the photo inline, else a download; only JPEG and PNG
    are ever served inline."""
    found = _found(request, code)
    if item == INSPECTION_PHOTO:
        stored = found.inspection_photo
    else:
        row = found.items.filter(item__code=item[:10]).first()
        stored = row.photo if row is not None else None
    if not stored:
        raise Http404
    name = stored.name.rsplit("/", 1)[-1]
    kind = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}.get(name.rsplit(".", 1)[-1].lower())
    if kind is None:
        raise Http404
    try:
        handle = stored.storage.open(stored.name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    view = request.GET.get("view", "")
    if view == "thumb":
        try:
            with handle:
                data = _thumbnail(handle)
        except (OSError, ValueError, SyntaxError) as exc:  # not a readable image
            raise Http404 from exc
        response: HttpResponseBase = HttpResponse(data, content_type="image/jpeg")
        response["Cache-Control"] = "private, max-age=3600"
    elif view == "photo":
        response = FileResponse(handle, as_attachment=False, filename=name, content_type=kind)
        response["Cache-Control"] = "private, max-age=3600"
    else:
        response = FileResponse(handle, as_attachment=True, filename=name, content_type=kind)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- the board -------------------------------------------------------------------------------------------------------


def _rate(met: int, answered: int) -> float | None:
    return met / answered if answered else None


def _board_rows(result: Any) -> tuple[list[Any], list[tuple[str, str]], dict[str, dict[str, float | None]]]:
    """The scopes in order (counties, then parks, then the city), the checklist's (code, text) and each scope's
    compliance rate per item (met ÷ answered; None where nothing was answered: never 0)."""
    checklist = [(i.code, i.text) for i in services.checklist()]
    rates: dict[str, dict[str, float | None]] = {}
    for rate in result.items:
        rates.setdefault(rate.scope, {})[rate.item] = _rate(rate.met, rate.answered)
    order = {"county": 0, "park": 1, "city": 2}
    scopes = sorted(result.scopes, key=lambda s: order.get(s.kind, 3))
    return scopes, checklist, rates


def _requested_day(request: HttpRequest) -> dt.date:
    return dates.requested_day(request, services.as_of)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """复工备案看板: per county and park, applied, filed, returned, pending, overdue, suspended and resumed-unfiled, and
    each checklist item's compliance; the outbreaks in restarted enterprises and today's fever flags."""
    if not access.sees_board(request.user):
        raise PermissionDenied
    day = _requested_day(request)
    result, answer = services.read(day, request.user)
    if result is None:
        return pending(request, answer, _("复工备案"))
    scopes, checklist, rates = _board_rows(result)
    names = registry.enterprise_names({o.enterprise_id for o in result.outbreaks})
    outbreaks = [{"row": o, "name": names.get(o.enterprise_id, o.uscc)} for o in result.outbreaks]
    fevers = list(services.fevers(day, request.user).order_by("enterprise__name")[:200])
    return render(request, "filings/board.html", {**nav(request.user),
        "day": day, "rules_version": result.rules_version, "scopes": scopes, "checklist": checklist,
        "rows": [(s, [rates.get(s.code, {}).get(code) for code, _text in checklist]) for s in scopes],
        "outbreaks": outbreaks, "fevers": fevers, "kinds": {"county": _("区县"), "park": _("园区"), "city": _("全市")}})


@login_required
def board_xlsx(request: HttpRequest) -> HttpResponseBase:
    if not access.sees_board(request.user) or not Filing.permits(request.user, Action.EXPORT):
        raise PermissionDenied
    day = _requested_day(request)
    result, answer = services.read(day, request.user)
    if result is None:
        return pending(request, answer, _("复工备案"))
    scopes, checklist, rates = _board_rows(result)
    kinds = {"county": _("区县"), "park": _("园区"), "city": _("全市")}
    header = [_("范围代码"), _("范围"), _("类别"), _("申请"), _("已备案"), _("退回"), _("待审核"), _("超期未审核"), _("暂停"),
              _("撤销"), _("复工未备案"), *(_("%(code)s落实率") % {"code": code} for code, _text in checklist),
              _("数据截至")]
    sheet = exports.Sheet(_("复工备案"), header, (
        [s.code, s.name, kinds.get(s.kind, s.kind), s.applied, s.filed, s.returned, s.pending, s.overdue, s.suspended,
         s.revoked, s.resumed_unfiled, *(rates.get(s.code, {}).get(code) for code, _text in checklist), day]
        for s in scopes), widths={"B": 30},
        formats=[None, None, None, *["0"] * 8, *["0.0%"] * len(checklist), "yyyy-mm-dd"])
    items = exports.Sheet(_("防控措施清单"), [_("事项代码"), _("事项")], ([c, t] for c, t in checklist), widths={"B": 60})
    return exports.xlsx_download(request, [sheet, items], exports.dated_name(_("复工备案看板"), day),
                                 object_type="filings.filing", object_repr=_("复工备案看板"),
                                 detail={"date": day.isoformat(), "rules_version": result.rules_version})


# --- 复工未备案 -----------------------------------------------------------------------------------------------------------


def _unfiled_rows(request: HttpRequest, result: Any) -> list[dict[str, Any]]:
    """复工未备案 on the day as the user may see it, per county: each enterprise with its source, its liaison
    officers and its latest visit task (one query each, whatever the number)."""
    ids = [u.enterprise_id for u in result.unfiled]
    details = registry.enterprise_details(ids)
    visits: dict[int, UnfiledVisit] = {}
    for visit in UnfiledVisit.objects.restrict(request.user).filter(enterprise_id__in=ids).order_by(
            "enterprise_id", "-found_on", "-pk"):
        visits.setdefault(visit.enterprise_id, visit)
    found = list(visits.values())
    # A visit's finding is free text: whole for those who make and follow the visit, masked elsewhere (audited).
    for visit, shown in zip(found, privacy.shown(request.user, [(v, {"note": v.note}) for v in found]) if found
                            else [], strict=True):
        visit.note_shown = shown["note"]  # type: ignore[attr-defined]
    county_names = {s.code: s.name for s in result.scopes if s.kind == "county"}
    sources = dict(UnfiledSource.choices)
    rows = []
    for u in sorted(result.unfiled, key=lambda u: (u.county, u.uscc)):
        about = details.get(u.enterprise_id, {})
        rows.append({"uscc": u.uscc, "name": about.get("name", u.uscc), "county": county_names.get(u.county, u.county),
                     "county_code": u.county, "source": str(sources.get(u.source, u.source)),
                     "liaisons": "、".join(about.get("liaisons", [])), "visit": visits.get(u.enterprise_id)})
    return rows


def _may_see_unfiled(user: Viewer) -> bool:
    return Filing.permits(user, Action.VIEW) and not access.applies_for_itself(user)


@login_required
def unfiled(request: HttpRequest) -> HttpResponse:
    """复工未备案 on the day, per county: resumed by report or by power with no filing filed, with the enterprise's
    liaison officers and the visit task's state."""
    if not _may_see_unfiled(request.user):
        raise PermissionDenied
    day = _requested_day(request)
    result, answer = services.read(day, request.user)
    if result is None:
        return pending(request, answer, _("复工未备案"))
    rows = _unfiled_rows(request, result)
    counties: list[tuple[str, list[dict[str, Any]]]] = []
    for row in rows:
        if not counties or counties[-1][0] != row["county"]:
            counties.append((row["county"], []))
        counties[-1][1].append(row)
    return render(request, "filings/unfiled.html", {**nav(request.user),
        "day": day, "rules_version": result.rules_version, "counties": counties, "total": len(rows),
        "states": dict(VisitState.choices)})


@login_required
def unfiled_xlsx(request: HttpRequest) -> HttpResponseBase:
    if not _may_see_unfiled(request.user) or not Filing.permits(request.user, Action.EXPORT):
        raise PermissionDenied
    day = _requested_day(request)
    result, answer = services.read(day, request.user)
    if result is None:
        return pending(request, answer, _("复工未备案"))
    rows = _unfiled_rows(request, result)
    states = dict(VisitState.choices)
    sheet = exports.Sheet(_("复工未备案"), [_("区县"), _("统一社会信用代码"), _("企业"), _("来源"), _("驻企服务员"),
                                       _("核查任务"), _("核查情况"), _("数据截至")],
                          ([r["county"], r["uscc"], r["name"], r["source"], r["liaisons"],
                            str(states.get(r["visit"].state, "")) if r["visit"] else _("未生成"),
                            r["visit"].note_shown if r["visit"] else "", day] for r in rows),
                          widths={"B": 22, "C": 36, "G": 40}, formats=[*[None] * 7, "yyyy-mm-dd"])
    return exports.xlsx_download(request, [sheet], exports.dated_name(_("复工未备案"), day),
                                 object_type="filings.filing", object_repr=_("复工未备案"),
                                 detail={"date": day.isoformat(), "rules_version": result.rules_version})


# --- an enterprise's 防疫台账 -----------------------------------------------------------------------------------------


def _unprefixed(q: Any, prefix: str) -> Any:
    """A scope written on a model's ``enterprise`` relation, read on the enterprise itself."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(_unprefixed(child, prefix))
        else:
            key, value = child
            key = "pk" if key == f"{prefix}_id" else key.removeprefix(f"{prefix}__")
            out.children.append((key, value))
    return out


def ledger_enterprise(user: Viewer, uscc: str) -> Any:
    """The enterprise ``uscc`` if ``user`` may see its epidemic ledger (the officer's phone's policy), else 404."""
    found = policy.scope(user, EnterpriseHealth, Action.VIEW)
    if found is policy.NOTHING:
        raise Http404
    enterprises = registry.all_enterprises().filter(uscc=uscc.strip().upper()[:18])
    if found is not policy.ALL:
        enterprises = enterprises.filter(_unprefixed(found, "enterprise")).distinct()
    enterprise = enterprises.select_related("county", "park").first()
    if enterprise is None:
        raise Http404
    return enterprise


def ledger_days(user: Viewer, enterprise: Any, day: dt.date, days: int) -> list[tuple[dt.date, Any]]:
    """The ``days`` days up to ``day``, latest first, each with its ledger row (None: 未报送, never 0)."""
    rows = {r.date: r for r in EnterpriseHealth.objects.restrict(user).filter(
        enterprise=enterprise, date__gt=day - dt.timedelta(days=days), date__lte=day)}
    return [(day - dt.timedelta(days=n), rows.get(day - dt.timedelta(days=n))) for n in range(days)]


def audit_ledger_view(user: Viewer, enterprise: Any, shown: list[tuple[dt.date, Any]]) -> None:
    """A view of the ledger's figures (the staff's health) is a view of personal data: audited."""
    reported = [d for d, row in shown if row is not None]
    if reported:
        audit.record(user, AuditAction.VIEW_PERSONAL, enterprise,
                     detail={"fields": ["health_ledger"], "from": min(reported).isoformat(),
                             "to": max(reported).isoformat(), "days": len(reported)})


@login_required
def enterprise_ledger(request: HttpRequest, uscc: str) -> HttpResponse:
    """防疫台账: an enterprise's daily figures over the last 30 days (a day not reported says so), for the enterprise,
    its liaison officer, its county (or park) and HQ; 404 for anyone else. Every view is audited."""
    enterprise = ledger_enterprise(request.user, uscc)
    day = _requested_day(request)
    shown = ledger_days(request.user, enterprise, day, LEDGER_DAYS)
    audit_ledger_view(request.user, enterprise, shown)
    latest = Filing.objects.restrict(request.user).filter(enterprise=enterprise).order_by("-applied_on", "-pk").first()
    return render(request, "filings/ledger.html", {**nav(request.user),
        "enterprise": enterprise, "day": day, "rows": shown, "filing": latest,
        "reported": sum(1 for _d, row in shown if row is not None), "days": LEDGER_DAYS})
