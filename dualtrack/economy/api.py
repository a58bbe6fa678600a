"""``/api/v1/economy?month=YYYY-MM``: the month's indicators against the year's targets, as ``dualtrack economy
--month YYYY-MM --json`` prints them, within the caller's scope."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dualtrack.core.api import api_month

from . import services


class EconomyView(APIView):
    """One row per indicator and scope that has a target for the month's year: ``indicator``, ``scope``, ``kind``,
    ``target``, ``target_growth``, ``actual``, ``growth``, ``completion``, ``time_progress``, ``on_schedule``,
    ``double_half`` (null before June), ``light``, ``needed_growth`` (fractions; null where §11 gives none)."""

    @extend_schema(parameters=[OpenApiParameter("month", str, description="YYYY-MM (default: the latest month "
                                                "ended with data)")], responses={200: dict})
    def get(self, request: Request) -> Response:
        if not services.can_view(request.user):
            raise exceptions.PermissionDenied
        month = api_month(request, lambda: services.as_of_month(request.user))
        return Response(services.evaluate(month, request.user, with_trend=False).as_json())
