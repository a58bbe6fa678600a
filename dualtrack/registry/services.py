"""What other apps may use of the registry."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from dualtrack.core.choices import Action

from .choices import RegionLevel, SizeClass
from .models import Department, Enterprise, Industry, Park, Region


def counties() -> QuerySet[Region]:
    return Region.objects.filter(level=RegionLevel.COUNTY).order_by("sort_order", "code")


def city() -> Region | None:
    return Region.objects.filter(level=RegionLevel.CITY).order_by("code").first()


def enterprises_for(user: Any, action: str = Action.VIEW) -> QuerySet[Enterprise]:
    return Enterprise.objects.restrict(user, action)


def industry_sections() -> QuerySet[Industry]:
    return Industry.objects.filter(level="section")


def registry_summary(user: Any) -> dict[str, Any]:
    """Headline counts for the home page, within the user's scope."""
    enterprises = Enterprise.objects.restrict(user, Action.VIEW)
    counts = dict(enterprises.order_by().values_list("size_class").annotate(n=Count("id")))
    by_size = [(size.label, counts.get(size.value, 0)) for size in SizeClass]
    return {
        "enterprises": sum(counts.values()),
        "by_size": by_size,
        "key_enterprises": enterprises.filter(is_key=True).count(),
        "counties": Region.objects.restrict(user).filter(level=RegionLevel.COUNTY).count(),
        "parks": Park.objects.restrict(user).count(),
        "departments": Department.objects.restrict(user).count(),
    }


def park_county_id(park_id: int | None) -> int | None:
    if park_id is None:
        return None
    return Park.objects.filter(pk=park_id).values_list("county_id", flat=True).first()


def county_by_code(code: str) -> Region | None:
    return Region.objects.filter(level=RegionLevel.COUNTY, code=code).first()


def county_ids_by_code() -> dict[str, int]:
    return dict(Region.objects.filter(level=RegionLevel.COUNTY).values_list("code", "id"))
