"""``/api/v1/investment/pipeline?date=YYYY-MM-DD`` (the pipeline's as-of day without one, ``services.as_of``): the
project pipeline, as ``dualtrack investment --pipeline --json`` prints it. ``/api/v1/investment`` (the leads' lights
and the scopes' figures) is derived from the measure (``measure.InvestmentMeasure``, ``core.capability_api``)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dualtrack.core.api import api_day
from dualtrack.core.choices import Action

from . import pipeline, services
from .models import GroundbreakingEvent


class PipelineView(APIView):
    """The project pipeline of the date's year up to the date: 四个一批, 集中开工 events and 争资, as
    ``dualtrack investment --pipeline --json`` prints them, of the projects the caller may see."""

    @extend_schema(parameters=[OpenApiParameter("date", str)], responses={200: dict})
    def get(self, request: Request) -> Response:
        if not GroundbreakingEvent.permits(request.user, Action.VIEW):
            raise exceptions.PermissionDenied
        return Response(pipeline.pipeline_json(api_day(request, services.as_of), request.user))
