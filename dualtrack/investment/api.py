"""``/api/v1/investment?date=YYYY-MM-DD`` (the pipeline's as-of day without one, ``services.as_of``): the leads the caller may see with their
lights, and the scopes' figures, as ``dualtrack investment --json`` prints them; ``/api/v1/investment/pipeline``: the
project pipeline, as ``--pipeline`` prints it."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dualtrack.core.api import api_day
from dualtrack.core.choices import Action

from . import pipeline, services
from .models import GroundbreakingEvent, InvestmentTarget


class InvestmentView(APIView):
    @extend_schema(parameters=[OpenApiParameter("date", str)], responses={200: dict})
    def get(self, request: Request) -> Response:
        if not InvestmentTarget.permits(request.user, Action.VIEW):
            raise exceptions.PermissionDenied
        return Response(services.evaluate(api_day(request, services.as_of), request.user).as_json())


class PipelineView(APIView):
    """The project pipeline of the date's year up to the date: 四个一批, 集中开工 events and 争资, as
    ``dualtrack investment --pipeline --json`` prints them, of the projects the caller may see."""

    @extend_schema(parameters=[OpenApiParameter("date", str)], responses={200: dict})
    def get(self, request: Request) -> Response:
        if not GroundbreakingEvent.permits(request.user, Action.VIEW):
            raise exceptions.PermissionDenied
        return Response(pipeline.pipeline_json(api_day(request, services.as_of), request.user))
