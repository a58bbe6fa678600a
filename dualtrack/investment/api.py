"""``/api/v1/investment?date=YYYY-MM-DD`` (the data-as-of day without one): the leads the caller may see with their lights, and the scopes'
figures, as ``dualtrack investment --json`` prints them."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dualtrack.core import dates
from dualtrack.core.choices import Action

from . import services
from .models import InvestmentTarget


class InvestmentView(APIView):
    @extend_schema(parameters=[OpenApiParameter("date", str)], responses={200: dict})
    def get(self, request: Request) -> Response:
        if not InvestmentTarget.permits(request.user, Action.VIEW):
            raise exceptions.PermissionDenied
        try:
            # Without a date: the data-as-of day, as the pages open on it.
            day = dates.parse_day(request.query_params.get("date")) or services.data_day() or dates.today()
        except dates.BadDay as exc:
            raise exceptions.ValidationError({"date": [str(exc)]}) from exc
        return Response(services.evaluate(day, request.user).as_json())
