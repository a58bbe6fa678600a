"""招商引资: the lead pipeline by stage with lights, the league table against targets, one lead's page."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dualtrack.core import dates
from dualtrack.core.choices import Action
from dualtrack.core.scoping import get_scoped_or_404
from dualtrack.core.views import paginate_list, query_without_page

from . import services
from .choices import ActivityKind, Reason, Stage
from .models import InvestmentTarget, Lead


def _default_day() -> object:
    from django.db.models import Max

    from .models import LeadActivity

    found = LeadActivity.objects.aggregate(d=Max("date"))["d"]
    return min(found, dates.today()) if found else None


@login_required
def leads(request: HttpRequest) -> HttpResponse:
    """The pipeline: how many leads at each stage, and the leads with their lights (the ones needing action first)."""
    if not Lead.permits(request.user, Action.VIEW):
        raise PermissionDenied
    day = dates.requested_day(request, _default_day)  # type: ignore[arg-type]
    evaluation = services.evaluate(day, request.user)
    stage = request.GET.get("stage", "") if request.GET.get("stage") in Stage.values else ""
    light = request.GET.get("light", "") if request.GET.get("light") in ("red", "yellow") else ""
    counts = Counter(s.stage for s in evaluation.leads)
    rows = [s for s in evaluation.leads if (not stage or s.stage == stage) and (not light or s.light == light)]
    rows.sort(key=lambda s: ({"red": 0, "yellow": 1}.get(s.light or "", 2), s.code))
    return render(request, "investment/leads.html", {
        "day": day, "rules_version": evaluation.rules_version, "page": paginate_list(request, rows),
        "stages": [(value, label, counts.get(value, 0)) for value, label in Stage.choices], "stage": stage,
        "light": light, "reasons": dict(Reason.choices), "stage_names": dict(Stage.choices),
        "query": query_without_page(request)})


@login_required
def league(request: HttpRequest) -> HttpResponse:
    """The league table: the city, each county and park against its targets for the year."""
    if not InvestmentTarget.permits(request.user, Action.VIEW):
        raise PermissionDenied
    day = dates.requested_day(request, _default_day)  # type: ignore[arg-type]
    evaluation = services.evaluate(day)
    scopes = sorted(evaluation.scopes[1:], key=lambda s: -(s.progress or 0))
    return render(request, "investment/league.html", {
        "day": day, "rules_version": evaluation.rules_version, "city": evaluation.scopes[0], "scopes": scopes})


@login_required
def lead(request: HttpRequest, code: str) -> HttpResponse:
    found = get_scoped_or_404(Lead.objects.select_related("county", "park", "officer", "enterprise"), request.user,
                              Action.VIEW, code=code.upper()[:30])
    return render(request, "investment/lead.html", {
        "lead": found, "activities": found.activities.order_by("-date")[:200],
        "arrivals": found.arrivals.order_by("month"), "kinds": dict(ActivityKind.choices)})
