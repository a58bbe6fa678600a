"""Registry pages. Thin: parse the query, fetch through the restricted queryset, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from dualtrack.core import cards, exportjobs
from dualtrack.core.choices import Action
from dualtrack.core.scoping import get_scoped_or_404
from dualtrack.core.views import paginate, query_without_page

from .choices import RegionLevel
from .filters import EnterpriseFilterSet
from .models import Department, Enterprise, Industry, Park, Region
from .policy import sees_liaisons


def _require(model: type, request: HttpRequest, action: str = Action.VIEW) -> None:
    if not model.permits(request.user, action):  # type: ignore[attr-defined]
        raise PermissionDenied


def _enterprise_filter(request: HttpRequest) -> EnterpriseFilterSet:
    queryset = Enterprise.objects.restrict(request.user, Action.VIEW).select_related(
        "county", "park", "industry_division")
    return EnterpriseFilterSet(request.GET or None, queryset=queryset, request=request)


def _count_by(request: HttpRequest, field: str) -> dict[int, int]:
    """Enterprises in the user's scope, counted per county or park."""
    rows = (Enterprise.objects.restrict(request.user, Action.VIEW).order_by().values(field)
            .annotate(n=Count("id")).values_list(field, "n"))
    return dict(rows)


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    _require(Enterprise, request)
    filterset = _enterprise_filter(request)
    context = {
        "filter": filterset, "page": paginate(request, filterset.qs), "query": query_without_page(request),
        "can_export": Enterprise.permits(request.user, Action.EXPORT),
    }
    template = "registry/_enterprise_table.html" if request.htmx else "registry/enterprise_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def enterprise_export(request: HttpRequest) -> HttpResponse | FileResponse:
    _require(Enterprise, request, Action.EXPORT)
    return exportjobs.export(request, "registry.enterprises")


@login_required
def enterprise_detail(request: HttpRequest, uscc: str) -> HttpResponse:
    enterprise = get_scoped_or_404(
        Enterprise.objects.select_related("county", "township", "park", "industry_division"), request.user,
        Action.VIEW, uscc=uscc)
    panels = cards.panels_for(request.user, enterprise)  # 一企一档: each app's part, as far as the user may see it
    return render(request, "registry/enterprise_detail.html", {
        "enterprise": enterprise, "panels": panels,
        "charts": [dict(p.chart, key=p.key) for p in panels if p.chart],
        "accounts": enterprise.power_accounts.all(),
        "key_lists": enterprise.key_lists.all(),
        "can_view_liaisons": sees_liaisons(request.user),
        "liaisons": enterprise.liaison_officers.all(),
    })


@login_required
def region_list(request: HttpRequest) -> HttpResponse:
    _require(Region, request)
    per_county = _count_by(request, "county_id")
    counties = list(Region.objects.restrict(request.user).filter(level=RegionLevel.COUNTY)
                    .annotate(townships=Count("children")))
    for county in counties:
        county.enterprise_count = per_county.get(county.pk, 0)  # type: ignore[attr-defined]
    return render(request, "registry/region_list.html", {
        "city": Region.objects.filter(level=RegionLevel.CITY).first(), "counties": counties})


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = get_scoped_or_404(Region.objects.select_related("parent"), request.user, Action.VIEW, code=code)
    children = region.children.order_by("sort_order", "code")
    return render(request, "registry/region_detail.html", {"region": region, "children": children})


@login_required
def park_list(request: HttpRequest) -> HttpResponse:
    _require(Park, request)
    per_park = _count_by(request, "park_id")
    parks = list(Park.objects.restrict(request.user).select_related("county"))
    for park in parks:
        park.enterprise_count = per_park.get(park.pk, 0)  # type: ignore[attr-defined]
    return render(request, "registry/park_list.html", {"parks": parks})


@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    _require(Department, request)
    return render(request, "registry/department_list.html",
                  {"departments": Department.objects.restrict(request.user)})


@login_required
def industry_list(request: HttpRequest) -> HttpResponse:
    _require(Industry, request)
    industries = Industry.objects.restrict(request.user).order_by("section", "level", "code")
    sections = [i for i in industries if i.level == "section"]
    divisions: dict[str, list[Industry]] = {}
    for item in industries:
        if item.level == "division":
            divisions.setdefault(item.section, []).append(item)
    return render(request, "registry/industry_list.html", {
        "sections": [(s, divisions.get(s.code, [])) for s in sections]})
