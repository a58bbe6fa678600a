"""The phone pages of safe resumption (DOMAIN.md §16): the enterprise (or its liaison officer on its behalf) applies
with the checklist answered item by item, sees the state and the reason of a return, applies again; the daily
epidemic ledger beside 今日复工; the liaison officer's 复工未备案 visits. Thin: parse typed input, call one action,
respond. No page wider than 390 px."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dualtrack.core import dates, policy, privacy
from dualtrack.core.actors import actor_of
from dualtrack.core.choices import Action, DateKind
from dualtrack.core.forms import DayField
from dualtrack.core.scoping import get_scoped_or_404
from dualtrack.core.views import form_errors, paginate, query_without_page, validation_messages
from dualtrack.registry import services as registry

from . import actions, services
from .actions import Answer, HealthDay, NewFiling
from .choices import OPEN_STATES, EventKind, FilingState, VisitState
from .models import ChecklistItem, EnterpriseHealth, Filing, UnfiledVisit
from .policy import applies_for_itself, decides, sees_board, works_for_enterprises

#: a filing in one of these (or none) lets the enterprise apply (again)
REAPPLY_STATES = (FilingState.RETURNED, FilingState.REVOKED)
LEDGER_FIELDS = ("on_duty", "from_outside", "under_observation", "fever", "masks", "disinfectant_kg")


# --- whose phone -------------------------------------------------------------------------------------------------


def _uscc(request: HttpRequest) -> str:
    return (request.GET.get("uscc") or request.POST.get("uscc") or "").strip().upper()[:18]


def _enterprise(request: HttpRequest) -> Any:
    """The enterprise the page is for: an enterprise account's own; for anyone else the one ``?uscc=`` names among
    those they may see (404 when it is not theirs); None when none is named (a liaison officer picks on home)."""
    reachable = registry.enterprises_for(request.user)
    if applies_for_itself(request.user):
        found = reachable.filter(pk=getattr(request.user, "enterprise_id", None) or 0).first()
    else:
        uscc = _uscc(request)
        if not uscc:
            return None
        found = reachable.filter(uscc=uscc).first()
    if found is None:
        raise Http404
    return found


def _for(enterprise: Any, request: HttpRequest) -> str:
    """The query that keeps a liaison officer's page on the enterprise they picked."""
    return "" if applies_for_itself(request.user) else f"?uscc={enterprise.uscc}"


def _also(form: forms.Form, errors: dict[str, str]) -> None:
    """A form refused for a value that is not a number or a date says, in the same answer, what else the action
    would refuse (each field once), so that a phone is not sent back twice."""
    for name, message in errors.items():
        if name in form.fields and name not in form.errors:
            form.add_error(name, message)


def _pick_first(request: HttpRequest) -> HttpResponse:
    messages.info(request, _("请先在列表中选择企业"))
    return redirect("filings:home")


# --- home ------------------------------------------------------------------------------------------------------


def _filing_shown(request: HttpRequest, filing: Filing | None) -> dict[str, Any]:
    """A filing as its enterprise (or liaison officer) sees it: the state, the due day, the reason of a return (or
    of a suspension or revocation), the officer and phone and the answers, personal data through the one masking
    path (audited)."""
    if filing is None:
        return {"filing": None, "can_apply": True}
    event = filing.events.filter(kind__in=(EventKind.SUSPENDED, EventKind.REVOKED)).order_by("-date", "-pk").first()
    reason = filing.note if filing.state == FilingState.RETURNED else (
        event.reason if event is not None and filing.state in (FilingState.SUSPENDED, FilingState.REVOKED) else "")
    shown = privacy.shown(request.user, [(filing, {"officer": filing.officer, "phone": filing.phone,
                                                   "reason": reason})],
                          kinds={"officer": privacy.NAME, "phone": privacy.PHONE})[0]
    answers = list(filing.items.select_related("item").order_by("item__code"))
    notes = privacy.shown(request.user, [(row, {"note": row.note}) for row in answers]) if answers else []
    return {
        "filing": filing, "shown": shown, "can_apply": filing.state in REAPPLY_STATES,
        "overdue": filing.state == FilingState.APPLIED and filing.due_on < dates.today(),
        "answers": [{"row": row, "note": note["note"]} for row, note in zip(answers, notes, strict=True)],
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """复工备案 on a phone: an enterprise's own filing; a liaison officer's enterprises and visits. The county's (or
    park's) operators, HQ, leaders and departments have their queue or board."""
    user = request.user
    if not works_for_enterprises(user):
        if decides(user):
            target = reverse("filings:queue")
        elif sees_board(user):
            target = reverse("filings:board")
        else:
            raise PermissionDenied
        asked = request.GET.get("date", "")[:10]
        return redirect(f"{target}?{urlencode({'date': asked})}" if asked else target)
    day = services.as_of()
    today = dates.today()
    if applies_for_itself(user):
        enterprise = _enterprise(request)
        ledger = EnterpriseHealth.objects.restrict(user).filter(enterprise=enterprise, date=today).exists()
        return render(request, "filings/phone_home.html", {
            "enterprise": enterprise, "day": day, "today": today, "ledger_today": ledger,
            **_filing_shown(request, services.latest_filing(enterprise))})
    latest = Filing.objects.filter(enterprise=OuterRef("pk")).order_by("-applied_on", "-pk")
    reported = EnterpriseHealth.objects.filter(enterprise=OuterRef("pk"), date=today)
    query = request.GET.get("q", "").strip()[:50]
    found = registry.enterprises_for(user)
    if query:
        found = found.filter(Q(name__icontains=query) | Q(uscc__startswith=query.upper()))
    found = found.annotate(filing_state=Subquery(latest.values("state")[:1]),
                           filing_code=Subquery(latest.values("code")[:1]),
                           filing_due=Subquery(latest.values("due_on")[:1]),
                           ledger_today=Exists(reported),
                           unfiled=Exists(UnfiledVisit.objects.filter(enterprise=OuterRef("pk"),
                                                                      state=VisitState.OPEN))
                           ).select_related("county").order_by("name")
    page = paginate(request, found)
    labels = dict(FilingState.choices)
    for enterprise in page.object_list:
        enterprise.filing_label = labels.get(enterprise.filing_state, "")
        enterprise.can_apply = enterprise.filing_state is None or enterprise.filing_state in REAPPLY_STATES
        enterprise.overdue = enterprise.filing_state == FilingState.APPLIED and enterprise.filing_due < today
    open_visits = UnfiledVisit.objects.restrict(user).filter(state=VisitState.OPEN).count()
    return render(request, "filings/phone_enterprises.html", {
        "page": page, "q": query, "query": query_without_page(request), "day": day, "today": today,
        "open_visits": open_visits, "sees_visits": UnfiledVisit.permits(user, Action.VIEW)})


# --- applying ----------------------------------------------------------------------------------------------------


class ApplyForm(forms.Form):
    """An application on a phone. Every field is optional here: what is missing or wrong is said by
    ``actions.check_application`` (the one write path), each beside its field; here only the types are read."""

    planned_on = DayField(label=gettext_lazy("拟复工日期"), required=False, when=DateKind.PLAN)
    planned_workers = forms.IntegerField(label=gettext_lazy("拟到岗人数"), required=False,
                                         widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}))
    workers_from_outside = forms.IntegerField(label=gettext_lazy("其中市外返岗人数"), required=False,
                                              widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}))
    officer = forms.CharField(label=gettext_lazy("防控负责人"), required=False, max_length=50,
                              widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label=gettext_lazy("联系电话"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}))
    PLAN = ("planned_on", "planned_workers", "workers_from_outside", "officer", "phone")

    MET = (("1", gettext_lazy("已落实")), ("0", gettext_lazy("未落实")))

    def __init__(self, items: list[ChecklistItem], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.code}"] = forms.ChoiceField(label=item.text, choices=self.MET, required=False,
                                                                 widget=forms.RadioSelect)
            self.fields[f"note_{item.code}"] = forms.CharField(label=gettext_lazy("说明（选填）"), required=False,
                                                               max_length=300)
            self.fields[f"photo_{item.code}"] = forms.FileField(
                label=gettext_lazy("照片（选填）"), required=False,
                widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png", "data-max-bytes":
                                                       actions.PHOTO_MAX_BYTES}))

    def rows(self) -> list[dict[str, Any]]:
        """Each checklist item with its three fields, for the template."""
        return [{"item": item, "met": self[f"item_{item.code}"], "note": self[f"note_{item.code}"],
                 "photo": self[f"photo_{item.code}"]} for item in self.items]

    def spec(self) -> NewFiling:
        data = self.cleaned_data
        answers = {}
        for item in self.items:
            met = data.get(f"item_{item.code}")
            answers[item.code] = Answer(met == "1" if met in ("0", "1") else None, data.get(f"note_{item.code}") or "",
                                        data.get(f"photo_{item.code}"))
        return NewFiling(planned_on=data.get("planned_on"), planned_workers=data.get("planned_workers"),
                         workers_from_outside=data.get("workers_from_outside"), officer=data.get("officer") or "",
                         phone=data.get("phone") or "", answers=answers)


def _initial(request: HttpRequest, filing: Filing | None) -> dict[str, Any]:
    """A new application starts from the returned (or revoked) one: its plan, officer and answers (never its
    photos); the officer and phone through the one masking path."""
    if filing is None:
        return {}
    shown = privacy.shown(request.user, [(filing, {"officer": filing.officer, "phone": filing.phone})],
                          kinds={"officer": privacy.NAME, "phone": privacy.PHONE})[0]
    whole = shown["phone"] == filing.phone  # a masked value is never put back into a form
    initial: dict[str, Any] = {"planned_on": filing.planned_on, "planned_workers": filing.planned_workers,
                               "workers_from_outside": filing.workers_from_outside}
    if whole:
        initial.update(officer=shown["officer"], phone=shown["phone"])
    rows = list(filing.items.select_related("item"))
    notes = privacy.shown(request.user, [(row, {"note": row.note}) for row in rows]) if rows else []
    for row, note in zip(rows, notes, strict=True):
        initial[f"item_{row.item.code}"] = "1" if row.met else "0"
        if note["note"] == row.note:
            initial[f"note_{row.item.code}"] = row.note
    return initial


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    """申请复工备案 (or 重新申请 after a return): the plan, the officer in charge and every checklist item answered
    with an optional note and photo; one action."""
    policy.authorize_create(request.user, Filing, Action.APPLY)
    enterprise = _enterprise(request)
    if enterprise is None:
        return _pick_first(request)
    latest = services.latest_filing(enterprise)
    blocked = latest if latest is not None and latest.state in OPEN_STATES else None
    items = services.checklist()
    initial = _initial(request, latest) if latest is not None and blocked is None else {}
    form = ApplyForm(items, request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and not form.is_valid():
        _also(form, actions.check_application(form.spec()))
    elif request.method == "POST":
        try:
            filing = actions.apply(actor_of(request), enterprise, form.spec())
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("已提交复工备案申请 %(code)s，请等待审核（审核期限 %(due)s）。") % {
                "code": filing.code, "due": f"{filing.due_on:%Y-%m-%d}"})
            return redirect("filings:home")
    reason = ""
    if latest is not None and latest.state in REAPPLY_STATES:
        reason = _filing_shown(request, latest)["shown"]["reason"]
    return render(request, "filings/phone_apply.html", {
        "form": form, "plan": [form[name] for name in form.PLAN], "rows": form.rows(), "enterprise": enterprise,
        "latest": latest, "blocked": blocked, "reason": reason,
        "for_other": not applies_for_itself(request.user), "today": dates.today(),
        "again": latest is not None and latest.state in REAPPLY_STATES})


# --- 防疫台账 ------------------------------------------------------------------------------------------------------


COUNT = forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})


class LedgerForm(forms.Form):
    """防疫台账 of today. Optional here: ``actions.check_health`` says what is missing or wrong, beside its field."""

    on_duty = forms.IntegerField(label=gettext_lazy("在岗人数"), required=False, widget=COUNT)
    from_outside = forms.IntegerField(label=gettext_lazy("其中市外返岗"), required=False, widget=COUNT)
    under_observation = forms.IntegerField(label=gettext_lazy("隔离观察"), required=False, widget=COUNT)
    fever = forms.IntegerField(label=gettext_lazy("发热"), required=False, widget=COUNT)
    masks = forms.IntegerField(label=gettext_lazy("口罩库存（只）"), required=False, widget=COUNT)
    disinfectant_kg = forms.DecimalField(label=gettext_lazy("消毒液库存（公斤）"), required=False, max_digits=12,
                                         decimal_places=1, widget=forms.NumberInput(
                                             attrs={"inputmode": "decimal", "min": 0, "step": "0.1"}))

    def values(self) -> HealthDay:
        data = self.cleaned_data
        return HealthDay(on_duty=data.get("on_duty"), from_outside=data.get("from_outside"),
                         under_observation=data.get("under_observation"), fever=data.get("fever"),
                         masks=data.get("masks"), disinfectant_kg=data.get("disinfectant_kg"))


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    """防疫台账 of today on one screen, beside 今日复工 (never changing it): prefilled when already reported, saved
    again to correct it (the correction audited)."""
    policy.authorize_create(request.user, EnterpriseHealth, Action.REPORT)
    enterprise = _enterprise(request)
    if enterprise is None:
        return _pick_first(request)
    today = dates.today()
    row = EnterpriseHealth.objects.restrict(request.user).filter(enterprise=enterprise, date=today).first()
    initial: dict[str, Any] = {}
    if row is not None:  # the staff's health: read through the one masking path (audited)
        initial = privacy.shown(request.user, [(row, {f: str(getattr(row, f)) for f in LEDGER_FIELDS})],
                                kinds=dict.fromkeys(LEDGER_FIELDS, privacy.NAME))[0]
        if any(initial[f] != str(getattr(row, f)) for f in LEDGER_FIELDS):
            initial = {}  # masked: never put back into a form
    form = LedgerForm(request.POST or None, initial=initial)
    if request.method == "POST" and not form.is_valid():
        _also(form, actions.check_health(form.values()))
    elif request.method == "POST":
        try:
            _row, changed = actions.record_health(actor_of(request), enterprise, today, form.values())
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("今日防疫台账已保存。") if changed else _("今日防疫台账没有变化。"))
            return redirect(reverse("filings:ledger_today") + _for(enterprise, request))
    return render(request, "filings/phone_ledger.html", {
        "form": form, "enterprise": enterprise, "today": today, "row": row,
        "for_other": not applies_for_itself(request.user), "query": _for(enterprise, request)})


# --- 复工未备案 visits -------------------------------------------------------------------------------------------


@login_required
def visits(request: HttpRequest) -> HttpResponse:
    """The liaison officer's 复工未备案 visit tasks (the county's and HQ's as well), open ones first."""
    if not UnfiledVisit.permits(request.user, Action.VIEW):
        raise PermissionDenied
    found = UnfiledVisit.objects.restrict(request.user).select_related("enterprise__county").annotate(
        first=Case(When(state=VisitState.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("first", "-found_on", "pk")
    page = paginate(request, found)
    rows = list(page.object_list)
    notes = privacy.shown(request.user, [(v, {"note": v.note}) for v in rows]) if rows else []
    for visit, note in zip(rows, notes, strict=True):
        visit.note_shown = note["note"]
    return render(request, "filings/phone_visits.html", {
        "page": page, "query": query_without_page(request), "day": services.as_of(),
        "open_count": UnfiledVisit.objects.restrict(request.user).filter(state=VisitState.OPEN).count(),
        "can_close": UnfiledVisit.permits(request.user, Action.CHANGE),
        "can_apply": Filing.permits(request.user, Action.APPLY)})


@login_required
@require_POST
def visit_close(request: HttpRequest, pk: int) -> HttpResponse:
    """核查完毕: what the visit found, in words."""
    visit = get_scoped_or_404(UnfiledVisit.objects, request.user, Action.VIEW, pk=pk)
    try:
        actions.close_visit(actor_of(request), visit, request.POST.get("note", "")[:1000])
    except ValidationError as exc:
        validation_messages(request, exc)
    else:
        messages.success(request, _("已记录核查情况：%(name)s") % {"name": visit.enterprise.name})
    return redirect("filings:visits")

