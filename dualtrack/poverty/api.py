"""``/api/v1/poverty?year=YYYY`` (default: the year the war map opens on, ``board.as_of_year``): the households the caller may see (the poverty office, a county's operators) and
every county's aggregates, as ``dualtrack poverty --json`` prints them; no names."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dualtrack.core.choices import Action

from . import board, services
from .models import RegionFlag


class PovertyView(APIView):
    @extend_schema(parameters=[OpenApiParameter("year", int)], responses={200: dict})
    def get(self, request: Request) -> Response:
        if not RegionFlag.permits(request.user, Action.VIEW):
            raise exceptions.PermissionDenied
        raw = request.query_params.get("year") or str(board.as_of_year())
        if not raw.isdigit() or not 2014 <= int(raw) <= 2100:
            raise exceptions.ValidationError({"year": ["YYYY"]})
        return Response(services.evaluate(int(raw), request.user).as_json())
