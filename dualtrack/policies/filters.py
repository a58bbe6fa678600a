"""One filter set for the applications ledger page, the API and the Excel export."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .choices import ApplicationSource, ApplicationState
from .models import Application


class ApplicationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("企业名称或信用代码"), method="search")
    measure = django_filters.CharFilter(label=_("条款编号"), field_name="measure__code")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=ApplicationState.choices, empty_label=_("全部"))
    source = django_filters.ChoiceFilter(label=_("来源"), choices=ApplicationSource.choices, empty_label=_("全部"))
    department = django_filters.CharFilter(label=_("部门代码"), field_name="measure__department__code")
    county = django_filters.CharFilter(label=_("区划代码"), field_name="enterprise__county__code")

    class Meta:
        model = Application
        fields = ["q", "measure", "state", "source", "department", "county"]

    def search(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(enterprise__name__icontains=value) | Q(enterprise__uscc__startswith=value.upper()))
