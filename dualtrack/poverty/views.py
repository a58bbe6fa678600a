"""脱贫攻坚作战图: counties, then one county's townships and villages, with aggregates only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dualtrack.core import audit, capability, dates, judgements
from dualtrack.core.actors import actor_of
from dualtrack.core.choices import Action, AuditAction
from dualtrack.core.forms import DayField
from dualtrack.core.scoping import get_scoped_or_404
from dualtrack.core.views import (
    form_errors,
    paginate,
    paginate_list,
    query_without_page,
    validation_messages,
)
from dualtrack.core.views_judgements import pending

from . import board, findings, services, warmap
from .choices import FINDING_WORKING_DAYS, GUARANTEE_NAMES, MONITOR_NAMES, FindingSource, HelperPost
from .models import CensusItem, Finding, Helper, Household, InspectionTeam, RegionFlag, WeeklyBoard


@login_required
def war_map(request: HttpRequest) -> HttpResponse:
    """The counties on the map and in a table; ``?area=`` a county (its townships, each with its villages folded
    beneath) or a township (its villages), named at the top (全市 › 县 › 乡镇). Out of the user's scope (a county's
    operator asking for another county) or unknown: 404. ``?county=`` is the former name of ``?area=``."""
    if not RegionFlag.permits(request.user, Action.VIEW):
        raise PermissionDenied
    day = dates.requested_day(request, board.as_of)
    year = _year(request, day)
    code = (request.GET.get("area") or request.GET.get("county") or "").strip()[:12]
    evaluation, answer = services.read(year, None)  # the stored year (aggregates only): the page never judges
    if evaluation is None:
        return pending(request, answer, _("脱贫攻坚作战图"))
    counties = services.war_map(year, None, evaluation)
    drill, areas, townships = warmap.resolve(code, year=year, day=day, user=request.user, counties=counties,
                                             evaluation=evaluation)  # 404 out of the user's scope
    lights = board.read_project_lights(day) if not code else []  # the poverty projects' stored lights of the day
    if isinstance(lights, judgements.Pending):
        return pending(request, lights, _("脱贫攻坚作战图"))
    open_findings = findings.counts_by_area(day)
    helpers = board.helpers_by_area(day)
    may_see_households = Household.permits(request.user, Action.VIEW)
    shown = [*counties, *(areas if code else [])]
    for area in shown:
        area.findings = open_findings.get(area.code, {})
        area.helpers = helpers.get(area.code, (0, 0))
    warmap.link(shown, year=year, day=day, user=request.user, households=may_see_households)
    layer = warmap.map_layer(drill, counties=counties, statuses=evaluation.counties, townships=townships,
                             flags=services.region_flags())
    return render(request, "poverty/war_map.html", {
        "year": year, "day": day, "county": drill.county.code if drill.county else None, "drill": drill,
        "areas": areas, "townships": townships,
        "guarantees": list(GUARANTEE_NAMES.items()), "reason_names": {"income": _("收入未达标"), **GUARANTEE_NAMES},
        "total": warmap.city_total(counties, day) if not code else None,
        "warned": sum(1 for c in evaluation.counties if c.warning),
        "focus_status": next((c for c in evaluation.counties if drill.county and c.code == drill.county.code), None),
        "rules_version": evaluation.rules_version, "map": layer,
        "counties": {c.code: c for c in board.county_board(year, day, evaluation, lights)} if not code else {},
        "census": board.census(day), "latest_board": WeeklyBoard.objects.order_by("-week").first(),
        "may_see_households": may_see_households})


@login_required
def households(request: HttpRequest) -> HttpResponse:
    """一户一户对账: the households the user may see (the poverty office, a county's operators), filtered by village,
    status and name; anyone else is refused."""
    if not Household.permits(request.user, Action.VIEW):
        raise PermissionDenied
    year = _year(request)
    queryset = Household.objects.restrict(request.user).select_related("village").order_by("code")
    village = (request.GET.get("village") or "").strip()[:12]
    if village:
        queryset = queryset.filter(village__code=village)
    query = (request.GET.get("q") or "").strip()[:50]
    if query:
        queryset = queryset.filter(Q(code__icontains=query) | Q(head_name__icontains=query))
    evaluation, answer = services.read(year, request.user)  # the stored year, narrowed to the user's households
    if evaluation is None:
        return pending(request, answer, _("建档立卡户"))
    statuses = {h.code: h for h in evaluation.households}
    status = request.GET.get("status", "")
    if status in ("not_met", "monitored"):
        wanted = [c for c, h in statuses.items() if (not h.met if status == "not_met" else h.monitored)]
        queryset = queryset.filter(code__in=wanted)
    page = paginate(request, queryset)
    for household in page:
        household.status = statuses.get(household.code)
    audit.record(request.user, AuditAction.VIEW_PERSONAL, object_type="poverty.household",
                 object_repr=f"{len(page.object_list)} households", detail={"village": village, "year": year})
    return render(request, "poverty/households.html", {
        "page": page, "year": year, "village": village, "q": query, "status": status, "area_path": _area_path(village),
        "query": query_without_page(request), "names": dict(GUARANTEE_NAMES)})


@login_required
def household(request: HttpRequest, code: str) -> HttpResponse:
    """A household's checks, reasons and labourers: 404 except to the poverty office and its county's operators;
    every view audited."""
    found = get_scoped_or_404(Household.objects.select_related("village", "county"), request.user, Action.VIEW,
                              code=code.upper()[:30])
    checks: list[dict[str, Any]] = []
    waiting = None  # the first year being computed: the page says so and asks again
    for check in found.checks.order_by("-year"):
        status = services.household_status(check.year, found.code)  # the year's stored result, never judged here
        if isinstance(status, judgements.Pending):
            waiting = waiting or status
            checks.append({"check": check, "pending": status})
            continue
        checks.append({"check": check, "met": status.met, "reasons": status.reasons, "monitored": status.monitored,
                       "why": status.monitor_reasons})
    arrived = services.arrived_workers()
    labourers = list(found.labourers.order_by("name"))
    for labourer in labourers:
        labourer.arrived = labourer.worker_id is not None and labourer.worker_id in arrived
    audit.record(request.user, AuditAction.VIEW_PERSONAL, found)
    return render(request, "poverty/household.html", {
        "household": found, "checks": checks, "waiting": waiting,
        "waiting_measure": capability.measure(waiting.measure) if waiting else None, "findings": findings.rows(request.user, household=found.code),
        "sources": dict(FindingSource.choices), "labourers": labourers,
        "names": dict(GUARANTEE_NAMES), "monitor_names": MONITOR_NAMES})


def _year(request: HttpRequest, day: dt.date | None = None) -> int:
    """``?year=``, else the year of checks shown on ``day`` (``board.as_of_year``); kept within 2014 and this year."""
    raw = (request.GET.get("year") or "").strip()
    year = int(raw) if raw.isdigit() and len(raw) == 4 else board.as_of_year(day)
    return min(max(year, 2014), dates.today().year)


# --- 问题整改 and 对账销号 -------------------------------------------------------------------------------------------

class FindingForm(forms.Form):
    source = forms.ChoiceField(label=gettext_lazy("问题来源"), choices=FindingSource.choices)
    village = forms.ChoiceField(label=gettext_lazy("村"))
    household = forms.CharField(label=gettext_lazy("户编号（可不填）"), max_length=30, required=False)
    description = forms.CharField(label=gettext_lazy("问题描述"), max_length=findings.DESCRIPTION_MAX,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    found_on = DayField(label=gettext_lazy("发现日期"))
    working_days = forms.IntegerField(label=gettext_lazy("整改时限（工作日）"), min_value=1, max_value=60,
                                      initial=FINDING_WORKING_DAYS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from dualtrack.registry import services as registry

        names = registry.region_names()
        self.fields["village"].choices = sorted(  # type: ignore[attr-defined]
            ((code, f"{names.get(code[:6], '')} {names.get(code[:9], '')} {names.get(code, code)}")
             for code in registry.villages_with_counties()), key=lambda c: c[0])


@login_required
def finding_list(request: HttpRequest) -> HttpResponse:
    """问题清单: the findings the user may see with their tasks' states and deadlines; the office (and HQ) add
    one here."""
    if not Finding.permits(request.user, Action.VIEW):
        raise PermissionDenied
    county = (request.GET.get("county") or "").strip()[:6]
    state = request.GET.get("state", "") if request.GET.get("state") in ("open", "overdue", "closed") else ""
    household = (request.GET.get("household") or "").strip()[:30]
    area = (request.GET.get("area") or "").strip()[:12]
    may_add = Finding.permits(request.user, Action.ADD)
    form = FindingForm(initial={"found_on": dates.today()}) if may_add else None
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied
        form = FindingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                found = findings.raise_finding(
                    actor_of(request), source=data["source"], village_code=data["village"],
                    household_code=data["household"].strip().upper(), description=data["description"],
                    found_on=data["found_on"], working_days=data["working_days"])
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("问题 %(code)s 已交办区县整改，督办编号 %(ref)s") % {
                    "code": found.code, "ref": found.task_ref})
                return redirect("poverty:findings")
    day = dates.requested_day(request, board.as_of)
    end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dates.SHANGHAI)
    rows = findings.rows(request.user, now=min(end, dates.now()), county=county, state=state, household=household,
                         area=area)
    page = paginate_list(request, rows)
    return render(request, "poverty/findings.html", {
        "page": page, "form": form, "county": county, "state": state, "household": household, "day": day,
        "area": area, "area_path": _area_path(area), "total": len(rows),
        "counties": _counties_for(request.user), "sources": dict(FindingSource.choices),
        "query": query_without_page(request),
        "may_reconcile": Household.permits(request.user, Action.VIEW)}, status=400 if form is not None and form.errors else 200)


def _area_path(code: str) -> list[tuple[str, str]]:
    """A county's, township's or village's code as the names of its places from the county down, each with its
    code: 青溪县 › 溪口镇 › 杏横东村 (empty for an unknown code)."""
    from dualtrack.registry import services as registry

    region = registry.region_by_code(code) if code else None
    path = []
    while region is not None and region.level in ("county", "township", "village"):
        path.append((region.code, region.name))
        region = region.parent
    return path[::-1]


def _counties_for(user: object) -> list[tuple[str, str]]:
    from dualtrack.registry import services as registry

    own = getattr(user, "county_id", None)
    return [(c.code, c.name) for c in registry.counties() if own is None or c.pk == own]


@login_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    """一户一户对账销号: each household's findings until all are closed (the office and the county only)."""
    if not Household.permits(request.user, Action.VIEW):
        raise PermissionDenied
    day = dates.requested_day(request, board.as_of)
    end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dates.SHANGHAI)
    rows = findings.reconciliation(request.user, min(end, dates.now()))
    cleared = sum(1 for r in rows if r.cleared)
    return render(request, "poverty/reconciliation.html", {
        "page": paginate_list(request, rows), "cleared": cleared, "total": len(rows), "day": day,
        "query": query_without_page(request)})


# --- 帮扶力量与督战队 ------------------------------------------------------------------------------------------------

@login_required
def forces(request: HttpRequest) -> HttpResponse:
    """Inspection teams (督战队, fewer than 3 full-time members flagged) and help teams on site by village."""
    if not InspectionTeam.permits(request.user, Action.VIEW):
        raise PermissionDenied
    day = dates.requested_day(request, board.as_of)
    teams = list(InspectionTeam.objects.restrict(request.user).select_related("township", "county"))
    for team in teams:
        team.short = board.understaffed(team)
    helpers = Helper.objects.restrict(request.user).select_related("village", "county").order_by(
        "county__code", "village__code", "post", "name")
    villages: dict[str, dict[str, object]] = {}
    for h in helpers:
        entry = villages.setdefault(h.village.code, {"county": h.county.name, "name": h.village.name, "total": 0,
                                                     "on_site": 0, "missing": []})
        entry["total"] += 1  # type: ignore[operator]
        if h.arrived_on is not None and h.arrived_on <= day:
            entry["on_site"] += 1  # type: ignore[operator]
        else:
            entry["missing"].append(f"{HelperPost(h.post).label} {h.name}")  # type: ignore[attr-defined]
    return render(request, "poverty/forces.html", {
        "day": day, "teams": teams, "short": sum(1 for t in teams if t.short), "villages": list(villages.values()),
        "minimum": board.INSPECTION_MIN_FULL_TIME})


# --- 普查倒计时 ----------------------------------------------------------------------------------------------------

@login_required
def census(request: HttpRequest) -> HttpResponse:
    if not CensusItem.permits(request.user, Action.VIEW):
        raise PermissionDenied
    day = dates.requested_day(request, board.as_of)
    return render(request, "poverty/census.html", {
        "day": day, "census": board.census(day), "items": CensusItem.objects.select_related("done_by"),
        "may_tick": CensusItem.permits(request.user, Action.CHANGE)})


@login_required
@require_POST
def census_tick(request: HttpRequest, order: int) -> HttpResponse:
    item = get_scoped_or_404(CensusItem.objects.all(), request.user, Action.VIEW, order=order)
    try:
        done_on = dates.parse_day(request.POST.get("done_on")) if request.POST.get("done") == "1" else None
        board.tick_census_item(actor_of(request), item, done=request.POST.get("done") == "1", on=done_on)
    except dates.BadDay as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        validation_messages(request, exc)
    else:
        messages.success(request, _("已更新：%(title)s") % {"title": item.title})
    return redirect("poverty:census")


# --- 一周一调度 ----------------------------------------------------------------------------------------------------

@login_required
def weekly_list(request: HttpRequest) -> HttpResponse:
    if not WeeklyBoard.permits(request.user, Action.VIEW):
        raise PermissionDenied
    may_freeze = WeeklyBoard.permits(request.user, Action.ADD)
    this_week = board.monday(board.as_of())
    if request.method == "POST":
        if not may_freeze:
            raise PermissionDenied
        try:
            week = dates.parse_day(request.POST.get("week")) or this_week
            frozen = board.freeze_week(actor_of(request), week)
        except dates.BadDay as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            validation_messages(request, exc)
        else:
            messages.success(request, _("%(week)s 一周一调度已冻结") % {"week": frozen.week.isoformat()})
            return redirect("poverty:weekly", week=frozen.week.isoformat())
        return redirect("poverty:weekly_list")
    boards = WeeklyBoard.objects.defer("xlsx", "figures").order_by("-week")
    return render(request, "poverty/weekly_list.html", {
        "page": paginate(request, boards), "may_freeze": may_freeze, "this_week": this_week,
        "this_week_frozen": WeeklyBoard.objects.filter(week=this_week).exists(),
        "query": query_without_page(request)})


def _board(request: HttpRequest, week: str) -> WeeklyBoard:
    try:
        day = dt.date.fromisoformat(week)
    except ValueError as exc:
        raise Http404 from exc
    return get_scoped_or_404(WeeklyBoard.objects.all(), request.user, Action.VIEW, week=day)


@login_required
def weekly(request: HttpRequest, week: str) -> HttpResponse:
    frozen = _board(request, week)
    return render(request, "poverty/weekly.html", {"board": frozen, "f": frozen.figures})


@login_required
def weekly_xlsx(request: HttpRequest, week: str) -> HttpResponseBase:
    """The frozen file, byte for byte as it was frozen."""
    import io

    from django.http import FileResponse

    from dualtrack.core.exports import XLSX, dated_name

    frozen = _board(request, week)
    name = dated_name("一周一调度", frozen.week)
    audit.record(request.user, AuditAction.EXPORT, frozen, detail={"filename": name})
    return FileResponse(io.BytesIO(bytes(frozen.xlsx)), as_attachment=True, filename=name, content_type=XLSX)
