"""脱贫攻坚作战图: counties, then one county's townships and villages, with aggregates only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from dualtrack.core import audit, dates
from dualtrack.core.choices import Action, AuditAction
from dualtrack.core.scoping import get_scoped_or_404
from dualtrack.core.views import paginate, query_without_page

from . import services
from .choices import GUARANTEE_NAMES, MONITOR_NAMES
from .models import Household, RegionFlag


@login_required
def war_map(request: HttpRequest) -> HttpResponse:
    if not RegionFlag.permits(request.user, Action.VIEW):
        raise PermissionDenied
    try:
        year = int(request.GET.get("year") or dates.today().year)
    except ValueError:
        year = dates.today().year
    year = min(max(year, 2014), dates.today().year)
    county = (request.GET.get("county") or "").strip()[:12] or None
    areas = services.war_map(year, county)
    if county and not areas:
        raise Http404
    evaluation = services.evaluate(year, None)
    return render(request, "poverty/war_map.html", {
        "year": year, "county": county, "areas": areas, "guarantees": list(GUARANTEE_NAMES.items()),
        "rules_version": evaluation.rules_version,
        "counties": {c.code: c for c in evaluation.counties},
        "may_see_households": Household.permits(request.user, Action.VIEW)})


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
    statuses = {h.code: h for h in services.evaluate(year, request.user).households}
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
        "page": page, "year": year, "village": village, "q": query, "status": status,
        "query": query_without_page(request), "names": dict(GUARANTEE_NAMES)})


@login_required
def household(request: HttpRequest, code: str) -> HttpResponse:
    """A household's checks, reasons and labourers: 404 except to the poverty office and its county's operators;
    every view audited."""
    found = get_scoped_or_404(Household.objects.select_related("village", "county"), request.user, Action.VIEW,
                              code=code.upper()[:30])
    rules = services.current_rules()
    checks = []
    for check in found.checks.order_by("-year"):
        facts = services.facts_of(check)
        met, reasons = services.engine.exit_standard(facts, rules)
        monitored, why = services.engine.monitoring(facts, rules)
        checks.append({"check": check, "met": met, "reasons": reasons, "monitored": monitored, "why": why})
    audit.record(request.user, AuditAction.VIEW_PERSONAL, found)
    return render(request, "poverty/household.html", {
        "household": found, "checks": checks, "labourers": found.labourers.order_by("name"),
        "names": dict(GUARANTEE_NAMES), "monitor_names": MONITOR_NAMES})


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or dates.today().year)
    except ValueError:
        year = dates.today().year
    return min(max(year, 2014), dates.today().year)
