from typing import Any

from django import forms
from django.contrib import admin

from dualtrack.core.admin_site import AuditedModelAdmin

from .models import Measure, Notice, Policy


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["policy", "code", "title", "support_type", "department", "window_start", "window_end",
                  "no_application", "amount_rule", "amount_fixed", "amount_per_head", "headcount_basis", "share_rate",
                  "base_label", "cap", "eligibility", "description"]

    def clean(self) -> dict[str, Any]:
        from .services import validate_measure

        data = super().clean() or {}
        candidate = Measure(**{k: v for k, v in data.items() if k in {f.name for f in Measure._meta.fields}})
        if all(k in data for k in ("window_start", "window_end", "amount_rule")):
            try:
                validate_measure(candidate)
            except forms.ValidationError as exc:
                raise forms.ValidationError(exc.messages) from exc
        return data


class MeasureInline(admin.StackedInline):
    model = Measure
    form = MeasureForm
    extra = 0


@admin.register(Policy)
class PolicyAdmin(AuditedModelAdmin):
    list_display = ["doc_number", "title", "issuer", "issued_on"]
    search_fields = ["title", "doc_number"]
    inlines = [MeasureInline]


@admin.register(Measure)
class MeasureAdmin(AuditedModelAdmin):
    form = MeasureForm
    list_display = ["code", "title", "support_type", "department", "no_application", "window_start", "window_end"]
    list_filter = ["support_type", "no_application", "department"]
    search_fields = ["code", "title"]


@admin.register(Notice)
class NoticeAdmin(AuditedModelAdmin):
    list_display = ["title", "measure", "period_start", "period_end", "published"]
