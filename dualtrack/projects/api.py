"""``/api/v1/projects``: the register with each project's light on ``date`` (token auth, scoped)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from dualtrack.core.api import ScopedReadOnlyViewSet, api_day

from . import services
from .filters import ProjectFilterSet
from .models import Project


class ProjectSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code", read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["code", "name", "level", "nature", "stage", "county", "responsible_unit", "contact_leader",
                  "total_investment", "annual_plan", "planned_start", "actual_start", "planned_completion",
                  "actual_completion", "longitude", "latitude", "status"]

    def get_status(self, obj: Project) -> dict[str, Any] | None:
        statuses = self.context.get("statuses") or {}
        return statuses.get(obj.code)


DATE = OpenApiParameter("date", str, description="YYYY-MM-DD; the light on this day (default: the data-as-of day)")


class ProjectViewSet(ScopedReadOnlyViewSet):
    queryset = Project.objects.select_related("county")
    serializer_class = ProjectSerializer
    lookup_field = "code"
    filterset_class = ProjectFilterSet

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Resolved before anything else: a bad date is a 400, never another day's lights (nor an empty list).
        self.day: dt.date = api_day(request, services.as_of)

    @extend_schema(parameters=[DATE])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(parameters=[DATE])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        objects = args[0] if args else None
        if objects is not None:
            items = objects if isinstance(objects, list | tuple) else [objects]
            if items and hasattr(items[0], "code"):
                rows = services.statuses(Project.objects.filter(pk__in=[p.pk for p in items]), self.day)
                kwargs.setdefault("context", self.get_serializer_context())["statuses"] = {
                    r.code: r.as_json() for r in rows}
        return super().get_serializer(*args, **kwargs)
