"""``POST /api/v1/resumption/reports``: reports from enterprises' or districts' systems."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dualtrack.core import policy
from dualtrack.core.actors import actor_of
from dualtrack.core.choices import MAX_COUNT, Action
from dualtrack.core.parsers import BoundedJSONParser
from dualtrack.registry import services as registry

from . import services
from .models import ReportSource


class ReportSerializer(serializers.Serializer):
    date = serializers.DateField()
    uscc = serializers.CharField(max_length=18)
    resumed = serializers.BooleanField()
    workers_on_duty = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    capacity = serializers.DecimalField(max_digits=5, decimal_places=4, min_value=0, max_value=1, required=False,
                                        allow_null=True, default=None)


class ReportsView(APIView):
    parser_classes = [BoundedJSONParser]  # one report (an object) or a list of them: JSON only

    @extend_schema(request=ReportSerializer(many=True), responses={
        200: dict, 404: OpenApiResponse(dict, "An enterprise named is unknown or out of the caller's reach: the rows "
                                              "(from 0) say which; nothing is written")},
                   description="One report (a JSON object) or a list of them; all are written or none.")
    def post(self, request: Request) -> Response:
        many = isinstance(request.data, list)
        serializer = ReportSerializer(data=request.data, many=many)
        serializer.is_valid(raise_exception=True)
        items: list[dict[str, Any]] = serializer.validated_data if many else [serializer.validated_data]
        policy.authorize_create(request.user, "registry.Enterprise", Action.REPORT)
        reachable = registry.enterprises_for(request.user, Action.REPORT)
        found = {e.uscc: e for e in reachable.filter(uscc__in=[i["uscc"] for i in items])}
        missing = {str(n): {"uscc": [_("企业不存在或不在您的管辖范围内")]} for n, i in enumerate(items)
                   if i["uscc"] not in found}
        if missing:  # out of reach is not found, as on the report page; the rows say which
            raise exceptions.NotFound(missing)
        changed = 0
        with transaction.atomic():  # all or none; a refused item is a 400 naming its fields (core.api)
            for item in items:
                _report, did = services.save_report(actor_of(request), found[item["uscc"]], item["date"],
                                                    item["resumed"], item["workers_on_duty"], item["capacity"],
                                                    source=ReportSource.API)
                changed += did
        return Response({"received": len(items), "changed": changed})
