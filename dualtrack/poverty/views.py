"""脱贫攻坚作战图: counties, then one county's townships and villages, with aggregates only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from dualtrack.core import dates
from dualtrack.core.choices import Action

from . import services
from .choices import GUARANTEE_NAMES
from .models import RegionFlag


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
        "counties": {c.code: c for c in evaluation.counties}})
