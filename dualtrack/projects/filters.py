"""One filter set for the project register, the API and the Excel export."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dualtrack.core import dates

from .choices import Level, Light, Nature, Stage
from .models import Project


class ProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("代码、名称或责任单位"), method="search")
    level = django_filters.ChoiceFilter(label=_("项目级别"), choices=Level.choices, empty_label=_("全部"))
    nature = django_filters.ChoiceFilter(label=_("建设性质"), choices=Nature.choices, empty_label=_("全部"))
    stage = django_filters.ChoiceFilter(label=_("项目阶段"), choices=Stage.choices, empty_label=_("全部"))
    county = django_filters.CharFilter(label=_("区划代码"), field_name="county__code")
    light = django_filters.ChoiceFilter(label=_("亮灯"), choices=[*Light.choices, ("none", _("不亮灯"))],
                                        empty_label=_("全部"), method="filter_light")

    class Meta:
        model = Project
        fields = ["q", "level", "nature", "stage", "county", "light"]

    def __init__(self, data: Any = None, queryset: Any = None, *, request: Any = None, prefix: Any = None,
                 day: dt.date | None = None, lights: dict[str, str | None] | None = None) -> None:
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.day = day  # the day whose lights the table shows: the light filter judges the same day
        self.lights = lights  # code → the stored light on that day (the register's and the API's read of the store)

    def light_day(self) -> dt.date:
        """The page's or API call's day; else ``?date=``; else the day the register opens on (the data-as-of day)."""
        from .services import as_of

        if self.day is not None:
            return self.day
        try:
            requested = dates.parse_day(self.data.get("date")) if self.data else None
        except dates.BadDay:
            requested = None
        return requested or as_of()

    def search(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value)
                               | Q(responsible_unit__icontains=value))

    def filter_light(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        """The light on the same day as the table shows: the stored lights of the day (the register and the API
        pass what they read; otherwise the stored lights are read here, computed first if not stored yet)."""
        from .services import lights_ensured

        if not value:
            return queryset
        lights = self.lights
        if lights is None:
            lights = {row.code: row.light for row in lights_ensured(self.light_day()).projects}
        wanted = None if value == "none" else value
        return queryset.filter(code__in=[code for code, light in lights.items() if light == wanted])
