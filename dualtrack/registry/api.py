"""REST API for the registry (read-only; changes come through imports)."""

from __future__ import annotations

from rest_framework import serializers

from dualtrack.core.api import ScopedReadOnlyViewSet

from .filters import EnterpriseFilterSet
from .models import Department, Enterprise, Industry, Park, Region


class RegionSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", allow_null=True, read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent_code", "urban"]


class ParkSerializer(serializers.ModelSerializer):
    county_code = serializers.CharField(source="county.code", read_only=True)

    class Meta:
        model = Park
        fields = ["code", "name", "county_code"]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["code", "name"]


class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["code", "name", "name_en", "level", "section"]


class EnterpriseSerializer(serializers.ModelSerializer):
    county_code = serializers.CharField(source="county.code", read_only=True)
    park_code = serializers.CharField(source="park.code", allow_null=True, read_only=True)
    power_accounts: serializers.SlugRelatedField = serializers.SlugRelatedField(many=True, read_only=True, slug_field="account_no")

    class Meta:
        model = Enterprise
        fields = ["uscc", "name", "county_code", "park_code", "industry_code", "industry_section", "size_class",
                  "normal_headcount", "is_key", "power_accounts"]


class RegionViewSet(ScopedReadOnlyViewSet):
    queryset = Region.objects.select_related("parent").order_by("sort_order", "code")
    serializer_class = RegionSerializer
    lookup_field = "code"
    filterset_fields = ["level"]


class ParkViewSet(ScopedReadOnlyViewSet):
    queryset = Park.objects.select_related("county")
    serializer_class = ParkSerializer
    lookup_field = "code"


class DepartmentViewSet(ScopedReadOnlyViewSet):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    lookup_field = "code"


class IndustryViewSet(ScopedReadOnlyViewSet):
    queryset = Industry.objects.all()
    serializer_class = IndustrySerializer
    lookup_field = "code"
    filterset_fields = ["level", "section"]


class EnterpriseViewSet(ScopedReadOnlyViewSet):
    queryset = Enterprise.objects.select_related("county", "park").prefetch_related("power_accounts")
    serializer_class = EnterpriseSerializer
    lookup_field = "uscc"
    filterset_class = EnterpriseFilterSet
