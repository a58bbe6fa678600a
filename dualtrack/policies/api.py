"""``/api/v1/measures`` and ``/api/v1/policy-applications`` (read, token auth, scoped)."""

from __future__ import annotations

from rest_framework import serializers

from dualtrack.core.api import PersonalTextsList, PersonalTextsSerializer, ScopedReadOnlyViewSet

from .filters import ApplicationFilterSet
from .models import Application, Measure


class MeasureSerializer(serializers.ModelSerializer):
    policy = serializers.CharField(source="policy.doc_number", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)

    class Meta:
        model = Measure
        fields = ["code", "title", "policy", "support_type", "department", "window_start", "window_end",
                  "no_application", "amount_rule", "amount_fixed", "amount_per_head", "headcount_basis", "share_rate",
                  "base_label", "cap", "eligibility"]


class ApplicationSerializer(PersonalTextsSerializer):
    measure = serializers.CharField(source="measure.code", read_only=True)
    enterprise = serializers.CharField(source="enterprise.uscc", read_only=True)

    class Meta:
        model = Application
        fields = ["id", "measure", "enterprise", "source", "state", "submitted_at", "amount", "approved_amount",
                  "reject_reason", "paid_amount", "paid_on", "voucher_no", "version"]
        personal_fields = ("reject_reason",)  # phone and ID numbers: the one masking path
        list_serializer_class = PersonalTextsList


class MeasureViewSet(ScopedReadOnlyViewSet):
    queryset = Measure.objects.select_related("policy", "department")
    serializer_class = MeasureSerializer
    lookup_field = "code"


class ApplicationViewSet(ScopedReadOnlyViewSet):
    queryset = Application.objects.select_related("measure", "enterprise")
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilterSet
