"""``/api/v1/worker-return?at=YYYY-MM-DDTHH:MM``: the campaign as of a moment, as ``dualtrack worker-return --json``
prints it, within the caller's scope; no personal data."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dualtrack.core import dates
from dualtrack.core.choices import Action
from dualtrack.core.dates import SHANGHAI

from . import services
from .models import Trip


class WorkerReturnView(APIView):
    @extend_schema(parameters=[OpenApiParameter("at", str, description="YYYY-MM-DD HH:MM, Asia/Shanghai (default: "
                                                "now)")], responses={200: dict})
    def get(self, request: Request) -> Response:
        if not Trip.permits(request.user, Action.VIEW):
            raise exceptions.PermissionDenied
        raw = (request.query_params.get("at") or "").strip()
        at = dates.now().astimezone(SHANGHAI)
        if raw:
            try:
                at = dt.datetime.strptime(raw.replace("T", " ")[:16], "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)
            except ValueError as exc:
                raise exceptions.ValidationError({"at": ["YYYY-MM-DD HH:MM"]}) from exc
            if not 2000 <= at.year <= 2100:
                raise exceptions.ValidationError({"at": ["YYYY-MM-DD HH:MM"]})
        return Response(services.campaign(at, request.user).as_json())
