"""``/api/v1/epidemic/…``: case reports from the health commission's system (the situation, ``epidemic/situation``,
is the measure's endpoint: ``epidemic.measure``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dualtrack.core import dates, policy
from dualtrack.core.actors import actor_of
from dualtrack.core.choices import MAX_COUNT, Action
from dualtrack.core.parsers import BoundedJSONParser
from dualtrack.registry import services as registry

from . import services
from .models import CaseReport


class CaseReportSerializer(serializers.Serializer):
    """One county's report for one day (the ``cases`` dataset's columns)."""

    date = serializers.DateField()
    county_code = serializers.CharField(max_length=12)
    new_confirmed = serializers.IntegerField(min_value=0, max_value=MAX_COUNT)
    new_local = serializers.IntegerField(min_value=0, max_value=MAX_COUNT)
    new_asymptomatic = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    new_suspected = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    new_cured = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    new_deaths = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["new_local"] > attrs["new_confirmed"]:
            raise serializers.ValidationError({"new_local": _("本地病例数不能多于新增确诊数")})
        if attrs["date"] > dates.today():
            raise serializers.ValidationError({"date": _("日期晚于今天")})
        county = registry.county_by_code(attrs["county_code"])
        if county is None:
            raise serializers.ValidationError({"county_code": _("区县（市）代码不存在")})
        attrs["county"] = county
        return attrs


class CaseReportsView(APIView):
    """``POST``: one report or a list of them (all or nothing). Correcting a day's report is posting it
    again; every change is audited."""

    parser_classes = [BoundedJSONParser]  # one report (an object) or a list of them: JSON only

    @extend_schema(request=CaseReportSerializer(many=True), responses={200: dict},
                   description="One report (a JSON object) or a list of them; all are written or none.")
    def post(self, request: Request) -> Response:
        policy.authorize_create(request.user, CaseReport, Action.REPORT)
        many = isinstance(request.data, list)
        serializer = CaseReportSerializer(data=request.data, many=many)
        serializer.is_valid(raise_exception=True)
        items = serializer.validated_data if many else [serializer.validated_data]
        changed = 0
        with transaction.atomic():  # all or none; a refused item is a 400 naming its fields (core.api)
            for item in items:
                values = {f: item[f] for f in services.FIELDS}
                _report, did_change = services.save_case_report(actor_of(request), item["county"], item["date"], values)
                changed += did_change
        return Response({"received": len(items), "changed": changed})
