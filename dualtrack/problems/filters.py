"""One filter set for the ledger page, the API and the Excel export."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dualtrack.core import dates

from .choices import Complexity, State
from .models import Category, Problem


def _all_yes_no() -> forms.Select:
    """A yes/no filter that starts at 全部 (Django's NullBooleanSelect starts at 未知, which read as a state)."""
    return forms.Select(choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))])


class ProblemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("编号、描述或企业"), method="search")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=State.choices, empty_label=_("全部"))
    category = django_filters.ModelChoiceFilter(label=_("类别"), queryset=Category.objects.all(), empty_label=_("全部"))
    complexity = django_filters.ChoiceFilter(label=_("复杂程度"), choices=Complexity.choices, empty_label=_("全部"))
    overdue = django_filters.BooleanFilter(label=_("逾期"), method="filter_overdue", widget=_all_yes_no())
    deadline = django_filters.ChoiceFilter(label=_("时限"), method="filter_deadline", empty_label=_("全部"),
                                           choices=[("due_soon", _("临期")), ("overdue", _("逾期"))])
    recurring = django_filters.BooleanFilter(label=_("反复出现"), widget=_all_yes_no())
    escalated = django_filters.BooleanFilter(label=_("已调度"), method="filter_escalated", widget=_all_yes_no())

    class Meta:
        model = Problem
        fields = ["q", "state", "category", "complexity", "overdue", "deadline", "recurring", "escalated"]

    def search(self, queryset: QuerySet[Problem], name: str, value: str) -> QuerySet[Problem]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(ref__icontains=value) | Q(description__icontains=value)
                               | Q(enterprise__name__icontains=value))

    def filter_overdue(self, queryset: QuerySet[Problem], name: str, value: bool | None) -> QuerySet[Problem]:

        from .choices import OPEN_STATES

        if value is None:
            return queryset
        overdue = Q(state__in=OPEN_STATES, due_at__lt=dates.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_deadline(self, queryset: QuerySet[Problem], name: str, value: str) -> QuerySet[Problem]:
        from .services import deadline_flags

        flags = deadline_flags()
        return queryset.filter(flags[value]) if value in flags else queryset

    def filter_escalated(self, queryset: QuerySet[Problem], name: str, value: bool | None) -> QuerySet[Problem]:
        if value is None:
            return queryset
        return queryset.filter(escalation_level__gt=0) if value else queryset.filter(escalation_level=0)
