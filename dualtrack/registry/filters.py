"""One filter set per model, shared by the list page, the API and the export."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .choices import RegionLevel, SizeClass
from .models import Enterprise, Industry, KeyList, Park, Region

_CODE_LIKE = re.compile(r"^[0-9A-HJ-NP-RTUW-Y]{6,18}$")


def _counties(request: Any) -> QuerySet[Region]:
    return Region.objects.filter(level=RegionLevel.COUNTY)


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称或信用代码"), method="search")
    county = django_filters.ModelChoiceFilter(label=_("区县（市）"), queryset=_counties, to_field_name="code",
                                              empty_label=_("全部"))
    park = django_filters.ModelChoiceFilter(label=_("园区"), queryset=Park.objects.all(), to_field_name="code",
                                            empty_label=_("全部"))
    industry = django_filters.ModelChoiceFilter(
        label=_("行业门类"), queryset=Industry.objects.filter(level="section"), to_field_name="code",
        field_name="industry_section", method="filter_section", empty_label=_("全部"),
    )
    size_class = django_filters.ChoiceFilter(label=_("规模类型"), choices=SizeClass.choices, empty_label=_("全部"))
    is_key = django_filters.ChoiceFilter(label=_("重点企业"), choices=[("1", _("是")), ("0", _("否"))],
                                         empty_label=_("全部"), method="filter_key")
    key_list = django_filters.ModelChoiceFilter(label=_("重点企业名单"), queryset=KeyList.objects.all(),
                                                to_field_name="code", field_name="key_lists", empty_label=_("全部"))

    class Meta:
        model = Enterprise
        fields = ["q", "county", "park", "industry", "size_class", "is_key", "key_list"]

    def search(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        """A credit code or its beginning (6+ characters of the code alphabet with digits) is looked up on
        the code's index; anything else matches within the name."""
        value = value.strip()
        if not value:
            return queryset
        upper = value.upper()
        if _CODE_LIKE.match(upper) and sum(c.isdigit() for c in upper) >= 2:
            return queryset.filter(uscc__gte=upper, uscc__lt=upper + "\uffff")
        return queryset.filter(name__icontains=value)

    def filter_key(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        return queryset.filter(is_key=value == "1") if value in ("0", "1") else queryset

    def filter_section(self, queryset: QuerySet[Enterprise], name: str, value: Industry | None) -> QuerySet:
        return queryset.filter(industry_section=value.code) if value else queryset
