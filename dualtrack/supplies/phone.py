"""The phone pages of the supplies (防疫物资, DOMAIN.md §17): an enterprise (or its liaison officer on its behalf) sees
its requests with what was asked for, committed and issued kept apart, both statuses, lateness and its place in the
queue, and what it may still ask for (from which day, its workers on duty, each cap); it asks with one row per item.
A county sees its requesters' requests and asks for its grassroots units; HQ asks for any kind. Thin: parse typed
input, call one action, respond; the figures are the stored judgement's (``services.read``), never computed here. No
page wider than 390 px."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualtrack.core import dates, policy, privacy
from dualtrack.core.actors import actor_of
from dualtrack.core.choices import Action, DateKind, Role
from dualtrack.core.forms import DayField
from dualtrack.core.scoping import OutOfScope
from dualtrack.core.views import paginate, query_without_page
from dualtrack.registry import services as registry

from . import actions, services
from .actions import NewLine, NewRequest
from .choices import COMMIT_STATUS_LABELS, FULFIL_STATUS_LABELS, RequestKind
from .models import Issue, SupplyItem, SupplyRequest
from .policy import ROLE_KINDS, PhoneSide, applies_for_county, phone_side

HOME_REQUESTS = 10  # the latest requests on home; all of them on 我的申请
COUNTY_REQUESTS = 20


# --- whose phone -------------------------------------------------------------------------------------------------


def _side(request: HttpRequest) -> PhoneSide | None:
    return phone_side(request.user)


def _uscc(request: HttpRequest) -> str:
    return (request.GET.get("uscc") or request.POST.get("uscc") or "").strip().upper()[:18]


def _enterprise(request: HttpRequest) -> Any:
    """The enterprise the page is for: an enterprise account's own; a liaison officer's the one ``?uscc=`` names
    among theirs (404 for one that is not theirs); None when a liaison officer has named none."""
    reachable = registry.enterprises_for(request.user)
    if _side(request) == PhoneSide.ENTERPRISE:
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
    return "" if _side(request) == PhoneSide.ENTERPRISE else "?" + urlencode({"uscc": enterprise.uscc})


def _day(request: HttpRequest) -> dt.date:
    """The day the figures are for: ``?date=`` (the card's day), else the clock's today (a request made now is
    shown now), never past the clock."""
    return services.as_of(dates.requested_day(request, dates.today))


# --- a request as the phone shows it ---------------------------------------------------------------------------


def _shown(result: Any, rows: list[Any]) -> list[dict[str, Any]]:
    """Each request row of the stored result with its lines (item, unit, requested, committed, issued, needed-by,
    overdue) and both statuses in words."""
    names = services.item_names()
    by_request: dict[str, list[Any]] = {}
    for line in result.lines:
        by_request.setdefault(line.request, []).append(line)
    shown = []
    for row in rows:
        lines = []
        for line in by_request.get(row.code, []):
            item = names.get(line.item)
            lines.append({"line": line, "name": item.name if item else line.item, "unit": item.unit if item else ""})
        shown.append({"row": row, "lines": lines, "kind": _kind_label(row.kind),
                      "commit": COMMIT_STATUS_LABELS.get(row.commit_status, row.commit_status),
                      "fulfil": FULFIL_STATUS_LABELS.get(row.fulfil_status, row.fulfil_status)})
    return shown


def _kind_label(kind: str) -> str:
    return str(RequestKind(kind).label) if kind in RequestKind.values else kind


def _latest(rows: list[Any]) -> list[Any]:
    return sorted(rows, key=lambda r: (r.date, r.code), reverse=True)


def _of_enterprise(result: Any, enterprise: Any, projects: list[int]) -> list[Any]:
    return _latest([r for r in result.requests if r.enterprise_id == enterprise.pk or (
        r.project_id is not None and r.project_id in projects)])


def _allowance(request: HttpRequest, enterprise: Any) -> dict[str, Any]:
    """What the enterprise may still ask for today: from which day, its workers on duty by its latest report, each
    per-head item's cap with how it is reckoned."""
    today = dates.today()
    allowance = services.allowance(enterprise, today)
    rules = services.rules()
    workers = services.latest_workers(enterprise, today)
    caps = []
    for item, cap in allowance.caps:
        reckoned = _("在岗%(workers)s人×每人每日%(per)s%(unit)s×%(days)s天") % {
            "workers": workers[1], "per": _number(item.per_head_day), "unit": item.unit,
            "days": rules.cap_days} if workers is not None else ""
        caps.append({"item": item, "cap": cap, "reckoned": reckoned})
    return {"allowance": allowance, "workers": workers, "cap_days": rules.cap_days,
            "interval_days": rules.request_interval_days, "caps": caps,
            "cap_of": {c["item"].code: c for c in caps},
            "report_link": reverse("resumption:report") + _for(enterprise, request),
            "kind_label": _kind_label(RequestKind.KEY_ENTERPRISE if enterprise.is_key else RequestKind.RESUMED)}


def _number(value: Any) -> str:
    """A use per head as people write it (2, 0.5)."""
    return f"{Decimal(str(value)).normalize():f}"


def _pending(answer: Any) -> dict[str, Any]:
    from dualtrack.core import capability

    return {"waiting": answer, "waiting_measure": capability.measure("supplies"), "waiting_period": answer.period}


# --- home ------------------------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """防疫物资 on a phone: an enterprise's own requests and what it may still ask for; a liaison officer's
    enterprises, then the one picked; a county's requesters' requests. HQ, leaders and the supplies office have the
    board."""
    user = request.user
    side = _side(request)
    if side is None:
        if not SupplyRequest.permits(user, Action.VIEW):
            raise PermissionDenied
        asked = request.GET.get("date", "")[:10]
        target = reverse("supplies:board")
        return redirect(f"{target}?{urlencode({'date': asked})}" if asked else target)
    day = _day(request)
    if side == PhoneSide.COUNTY:
        return _county_home(request, day)
    enterprise = _enterprise(request)
    if enterprise is None:
        return _pick(request, day)
    result, answer = services.read(day, user)
    projects = services.owned_projects(enterprise, user)
    context: dict[str, Any] = {
        "enterprise": enterprise, "day": day, "today": dates.today(), "for_other": side == PhoneSide.LIAISON,
        "query": _for(enterprise, request), "projects": projects, **_allowance(request, enterprise)}
    if result is None:
        context.update(_pending(answer))
    else:
        rows = _of_enterprise(result, enterprise, services.owned_project_ids(enterprise))
        context.update(requests=_shown(result, rows[:HOME_REQUESTS]), more=len(rows) > HOME_REQUESTS,
                       total=len(rows), rules_version=result.rules_version)
    return render(request, "supplies/phone_home.html", context)


def _pick(request: HttpRequest, day: dt.date) -> HttpResponse:
    """A liaison officer's enterprises to pick from (by name or credit code)."""
    query = request.GET.get("q", "").strip()[:50]
    found = registry.enterprises_for(request.user)
    if query:
        found = found.filter(Q(name__icontains=query) | Q(uscc__startswith=query.upper()))
    page = paginate(request, found.select_related("county").order_by("name"))
    return render(request, "supplies/phone_enterprises.html", {
        "page": page, "q": query, "query": query_without_page(request), "day": day})


def _county_home(request: HttpRequest, day: dt.date) -> HttpResponse:
    """A county's (or park's) requesters' requests, latest first, and the button to ask for a grassroots unit."""
    result, answer = services.read(day, request.user)
    context: dict[str, Any] = {"day": day, "can_apply": applies_for_county(request.user),
                               "county": getattr(request.user, "county", None) or getattr(request.user, "park", None)}
    if result is None:
        context.update(_pending(answer))
    else:
        rows = _latest(result.requests)
        context.update(requests=_shown(result, rows[:COUNTY_REQUESTS]), more=len(rows) > COUNTY_REQUESTS,
                       total=len(rows), queued=len(result.queue),
                       overdue=sum(r.overdue for r in result.requests), rules_version=result.rules_version)
    return render(request, "supplies/phone_county.html", context)


# --- asking ------------------------------------------------------------------------------------------------------


LINE_ERROR = re.compile(r"^line_(\d+)_(requested|needed_by|item)$")


class ApplyForm(forms.Form):
    """A request on a phone: one row per active item (a blank quantity: not asked), its needed-by day (default
    tomorrow). Who it is for: an enterprise itself or one of its key projects; a county's place; for HQ any kind
    and a typed code. Every field is optional here: ``actions.check_request`` (the one write path) says what is
    missing or wrong, each beside its field; here only the types are read."""

    note = forms.CharField(label=gettext_lazy("用途说明（选填）"), required=False, max_length=300,
                           widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：复工防护、卡口值守")}))

    def __init__(self, items: list[SupplyItem], mode: str, *args: Any, projects: Sequence[Any] = (),
                 places: Sequence[tuple[Any, list[Any]]] = (), **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # what is used per head (masks) first: the rows an enterprise is capped on
        self.items, self.mode = sorted(items, key=lambda i: (i.per_head_day is None, i.code)), mode
        today = dates.today()
        if mode == "enterprise" and projects:
            self.fields["project"] = forms.ChoiceField(
                label=gettext_lazy("为谁申请"), required=False,
                choices=[("", _("本企业")), *((p.code, _("重点项目：%(name)s") % {"name": p.name}) for p in projects)])
        elif mode == "county":
            self.fields["kind"] = forms.ChoiceField(label=gettext_lazy("申请类型"), choices=[
                (k.value, k.label) for k in ROLE_KINDS[Role.DISTRICT]], initial=RequestKind.GRASSROOTS)
            choices: list[Any] = []
            for place, villages in places:
                if not villages:
                    choices.append((place.code, place.name))
                else:
                    choices.append((place.name, [(place.code, place.name), *((v.code, v.name) for v in villages)]))
            self.fields["applicant"] = forms.ChoiceField(label=gettext_lazy("申请单位（区县、乡镇或村）"), choices=[
                ("", _("请选择")), *choices], required=False)
        elif mode == "hq":
            self.fields["kind"] = forms.ChoiceField(label=gettext_lazy("申请方类型"), choices=[
                ("", _("请选择")), *RequestKind.choices], required=False)
            self.fields["applicant"] = forms.CharField(
                label=gettext_lazy("申请方代码"), required=False, max_length=40,
                help_text=gettext_lazy("企业填统一社会信用代码，重点项目填项目代码，其他填部门或区划代码"))
            self.fields["applicant_name"] = forms.CharField(
                label=gettext_lazy("单位名称（选填）"), required=False, max_length=100,
                widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：市人民医院")}))
        for item in items:
            self.fields[f"requested_{item.code}"] = forms.IntegerField(
                label=_("申请数量（%(unit)s）") % {"unit": item.unit}, required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}))
            self.fields[f"needed_by_{item.code}"] = DayField(
                label=gettext_lazy("需用日期"), required=False, when=DateKind.PLAN,
                initial=today + dt.timedelta(days=1))
            self.fields[f"needed_by_{item.code}"].widget.attrs.update(
                {"min": today.isoformat(), "max": (today + dt.timedelta(days=90)).isoformat()})
        self.asked: list[str] = []  # the item codes of the spec's lines, in order

    def who(self) -> list[Any]:
        return [self[name] for name in ("project", "kind", "applicant", "applicant_name") if name in self.fields]

    def rows(self, caps: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"item": item, "requested": self[f"requested_{item.code}"],
                 "needed_by": self[f"needed_by_{item.code}"], "cap": caps.get(item.code)} for item in self.items]

    def spec(self, enterprise: Any) -> NewRequest:
        data = getattr(self, "cleaned_data", {})
        lines, self.asked = [], []
        for item in self.items:
            if self.data.get(f"requested_{item.code}", "").strip() == "":
                continue  # blank: not asked
            lines.append(NewLine(item.code, data.get(f"requested_{item.code}"), data.get(f"needed_by_{item.code}")))
            self.asked.append(item.code)
        note = data.get("note") or ""
        if self.mode == "enterprise":
            project = data.get("project") or ""
            if project:
                return NewRequest(RequestKind.KEY_PROJECT, project, lines, note=note)
            kind = RequestKind.KEY_ENTERPRISE if enterprise.is_key else RequestKind.RESUMED
            return NewRequest(kind, enterprise.uscc, lines, note=note)
        return NewRequest(data.get("kind") or "", data.get("applicant") or "", lines,
                          applicant_name=data.get("applicant_name") or "", note=note)

    def refused(self, errors: dict[str, list[str]]) -> None:
        """The action's refusals beside their fields: a line's by its item's row, who it is for by that field, the
        interval and the rest at the top; each message once."""
        for key, messages_ in errors.items():
            name: str | None = key
            found = LINE_ERROR.match(key)
            if found is not None:
                n, part = int(found.group(1)), found.group(2)
                code = self.asked[n] if n < len(self.asked) else ""
                name = f"{'needed_by' if part == 'needed_by' else 'requested'}_{code}"
            elif key == "applicant" and self.mode == "enterprise":
                name = "project"
            if name not in self.fields:
                name = None
            elif name in self.errors:
                continue  # a value that is not a number or a date: its own message says it
            for message in messages_:
                if message not in (self.errors.get(name or "__all__") or []):
                    self.add_error(name, message)


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    """申请防疫物资: an enterprise for itself or its key project (its kind set by itself: 重点企业 when it is a key
    enterprise, else 复工企业), a liaison officer for an enterprise of theirs, a county for its grassroots units or
    a public batch, HQ for any kind. The caps and the day it may ask again are shown before it asks; a refusal names
    the limit beside the field; nothing is half-written."""
    policy.authorize_create(request.user, SupplyRequest, Action.APPLY)
    side = _side(request)
    enterprise, context = None, {}
    if side in (PhoneSide.ENTERPRISE, PhoneSide.LIAISON):
        enterprise = _enterprise(request)
        if enterprise is None:
            messages.info(request, _("请先在列表中选择企业"))
            return redirect("supplies:home")
        mode, extra = "enterprise", {"projects": services.owned_projects(enterprise, request.user)}
        context = _allowance(request, enterprise)
    elif side == PhoneSide.COUNTY:
        if not applies_for_county(request.user):
            raise PermissionDenied  # a park's account follows its enterprises; it asks for no grassroots unit
        mode, extra = "county", {"places": services.grassroots_places(request.user.county)}  # type: ignore[union-attr]
    else:
        mode, extra = "hq", {}
    form = ApplyForm(services.items(), mode, request.POST or None, **extra)
    if request.method == "POST":
        valid = form.is_valid()
        spec = form.spec(enterprise)
        if not valid:
            errors, _applicant = actions.check_request(actor_of(request), spec)
            form.refused({k: [v] for k, v in errors.items()})
        else:
            try:
                made = actions.request(actor_of(request), spec)
            except ValidationError as exc:
                form.refused(exc.message_dict)
            except OutOfScope:  # never offered; a forged choice: nothing was written (one transaction)
                form.add_error(None, _("不能为该单位申请"))
            else:
                messages.success(request, _("已提交物资申请 %(code)s，请等待分配和发放。") % {"code": made.code})
                if mode == "hq":
                    return redirect("supplies:mine")
                return redirect(reverse("supplies:home") + (_for(enterprise, request) if enterprise else ""))
    return render(request, "supplies/phone_apply.html", {
        **context, "form": form, "who": form.who(), "rows": form.rows(context.get("cap_of", {})),
        "enterprise": enterprise, "mode": mode, "today": dates.today(), "for_other": side == PhoneSide.LIAISON,
        "query": _for(enterprise, request) if enterprise else "",
        "county": getattr(request.user, "county", None) if mode == "county" else None})


# --- my requests -------------------------------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的申请: the requests of the user's side (an enterprise's own and its key projects'; a liaison officer's
    enterprises', or the one picked; a county's requesters'; for HQ and others those they made), latest first, each
    opening to its lines and its issues (day, quantity, depot, the receiver as the policy allows)."""
    user = request.user
    side = _side(request)
    if not SupplyRequest.permits(user, Action.VIEW):
        raise PermissionDenied
    found = SupplyRequest.objects.restrict(user)
    enterprise = None
    if side == PhoneSide.LIAISON and _uscc(request):
        enterprise = _enterprise(request)
        found = found.filter(Q(enterprise=enterprise) | Q(project__owner=enterprise))
    elif side is None:
        found = found.filter(requested_by=user)
    day = _day(request)
    page = paginate(request, found.order_by("-date", "-code"))
    requests = list(page.object_list)
    result, answer = services.read(day, user)
    context: dict[str, Any] = {"page": page, "query": query_without_page(request), "day": day,
                               "enterprise": enterprise, "for_other": enterprise is not None,
                               "uscc_query": _for(enterprise, request) if enterprise else ""}
    if result is None:
        context.update(_pending(answer))
        context["entries"] = [{"request": r, "shown": None, "issues": []} for r in requests]
        return render(request, "supplies/phone_mine.html", context)
    rows = {r.code: r for r in result.requests}
    shown = {s["row"].code: s for s in _shown(result, [rows[r.code] for r in requests if r.code in rows])}
    issues = _issues(request, requests, day)
    context.update(rules_version=result.rules_version, entries=[
        {"request": r, "shown": shown.get(r.code), "issues": issues.get(r.pk, [])} for r in requests])
    return render(request, "supplies/phone_mine.html", context)


def _issues(request: HttpRequest, requests: list[SupplyRequest], day: dt.date) -> dict[int, list[dict[str, Any]]]:
    """The issues of the page's requests up to the day, the receiver through the one masking path (whole for the
    requester's side, the office and HQ; a whole view audited)."""
    found = list(Issue.objects.restrict(request.user).filter(line__request__in=requests, date__lte=day)
                 .select_related("line__item", "depot").order_by("date", "id"))
    if not found:
        return {}
    receivers = privacy.shown(request.user, [(i, {"receiver": i.receiver}) for i in found],
                              kinds={"receiver": privacy.NAME})
    out: dict[int, list[dict[str, Any]]] = {}
    for issue, shown in zip(found, receivers, strict=True):
        out.setdefault(issue.line.request_id, []).append({"issue": issue, "receiver": shown["receiver"]})
    return out
