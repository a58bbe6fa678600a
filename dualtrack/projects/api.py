"""``/api/v1/projects``: the register with each project's light on ``date`` (token auth, scoped)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from dualtrack.core import judgements
from dualtrack.core.api import ScopedReadOnlyViewSet, api_day
from dualtrack.core.capability_api import RETRY_AFTER, PendingSerializer
from dualtrack.core.choices import Action

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
# The answers while the day's lights are computed (as every measure's endpoint, ``core.capability_api``).
WAITING = {
    202: OpenApiResponse(PendingSerializer, "the day's lights are being computed: ask again after Retry-After "
                                            "seconds"),
    503: OpenApiResponse(PendingSerializer, "computing the day's lights failed (the error is logged): ask again later"),
}


class StoredLightsFilter(DjangoFilterBackend):
    """The register's filters, the light filter on the stored lights of the call's day (``ProjectViewSet.lights``)."""

    def get_filterset_kwargs(self, request: Any, queryset: Any, view: Any) -> dict[str, Any]:
        lights = view.lights()  # Pending: the call answers 202 whatever the filter
        return {**super().get_filterset_kwargs(request, queryset, view), "day": view.day,
                "lights": {} if isinstance(lights, judgements.Pending) else
                {code: row.light for code, row in lights.items()}}


class ProjectViewSet(ScopedReadOnlyViewSet):
    """The lights are the stored ones of the day (the measure ``projects``), never computed in the call: 202 while
    the day is computed (ask again after ``Retry-After`` seconds), as every measure's API."""

    queryset = Project.objects.select_related("county")
    serializer_class = ProjectSerializer
    lookup_field = "code"
    filterset_class = ProjectFilterSet
    filter_backends = [StoredLightsFilter]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Resolved before anything else: a bad date is a 400, never another day's lights (nor an empty list).
        self.day: dt.date = api_day(request, services.as_of)

    def lights(self) -> Any:
        """The stored whole-city lights of the day by code (the queryset is the caller's scope), or ``Pending``
        while the day is computed or its stored lights are stale (as ``core.capability_api.MeasureView``)."""
        if not hasattr(self, "_lights"):
            self._lights = services.lights_by_code(self.day, fresh=True)
        return self._lights

    def _pending(self) -> Response | None:
        found = self.lights()
        if not isinstance(found, judgements.Pending):
            return None
        return Response({"status": "failed" if found.failed else "pending", "measure": found.measure,
                         "period": found.period.key,
                         "detail": _("计算失败，已记录错误") if found.failed else _("正在计算，请稍后再试")},
                        status=503 if found.failed else 202, headers={"Retry-After": "2"})

    @extend_schema(parameters=[DATE, RETRY_AFTER], responses={200: ProjectSerializer(many=True), **WAITING})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not Project.permits(request.user, Action.VIEW):
            raise exceptions.PermissionDenied
        waiting = self._pending()
        return waiting if waiting is not None else super().list(request, *args, **kwargs)

    @extend_schema(parameters=[DATE, RETRY_AFTER], responses={200: ProjectSerializer, **WAITING})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()  # out of scope: 404 before anything else
        waiting = self._pending()
        return waiting if waiting is not None else Response(self.get_serializer(instance).data)

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        objects = args[0] if args else None
        if objects is not None:
            items = objects if isinstance(objects, list | tuple) else [objects]
            if items and hasattr(items[0], "code"):
                lights = self.lights()
                kwargs.setdefault("context", self.get_serializer_context())["statuses"] = {
                    p.code: lights[p.code].as_json() for p in items if p.code in lights}
        return super().get_serializer(*args, **kwargs)
