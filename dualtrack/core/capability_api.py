"""What core derives from a measure for the API and the console: ``/api/v1/<measure>`` with a real OpenAPI schema
(the contract dataclass as a serializer), and the ``--json`` command (:class:`MeasureCommand`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import typing
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import capability, dates, judgements
from .actors import Viewer
from .capability import FORMAT_HINT, Measure, Period


def _field(hint: Any, name: str) -> serializers.Field:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    nullable = type(None) in args
    if nullable:
        rest = [a for a in args if a is not type(None)]
        hint = rest[0] if len(rest) == 1 else Any
        origin, args = typing.get_origin(hint), typing.get_args(hint)
    options: dict[str, Any] = {"allow_null": nullable}
    if hint is bool:
        return serializers.BooleanField(**options)
    if hint is int:
        return serializers.IntegerField(**options)
    if hint in (float, Decimal, Fraction):
        return serializers.FloatField(**options)
    if hint is str:
        return serializers.CharField(**options)
    if hint is dt.date:
        return serializers.DateField(**options)
    if origin is list and args and dataclasses.is_dataclass(args[0]):
        return serializer_for(typing.cast(type, args[0]))(many=True, **options)  # type: ignore[no-any-return]
    if origin is list:
        child = _field(args[0], name) if args else serializers.JSONField()
        return serializers.ListField(child=child, **options)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return serializer_for(hint)(**options)  # type: ignore[no-any-return]
    return serializers.JSONField(**options)


@functools.cache
def serializer_for(cls: type) -> type[serializers.Serializer]:
    """A serializer describing the contract dataclass ``cls`` (for the schema; the body is the contract itself)."""
    hints = typing.get_type_hints(cls)
    fields = {f.metadata.get("json", f.name): _field(hints[f.name], f.name) for f in dataclasses.fields(cls)}
    return type(f"{cls.__name__}Serializer", (serializers.Serializer,), fields)


@extend_schema_serializer(many=False)  # one answer, never a list: not paged on a list endpoint (/api/v1/projects)
class JudgementPendingSerializer(serializers.Serializer):
    """The answer while a period is computed (202, ``status`` "pending") or when computing it failed (503,
    "failed")."""

    status = serializers.CharField()
    measure = serializers.CharField()
    period = serializers.CharField()
    detail = serializers.CharField()


PendingSerializer = JudgementPendingSerializer()
# The header of those answers: when to ask again.
RETRY_AFTER = OpenApiParameter("Retry-After", int, OpenApiParameter.HEADER, response=[202, 503],
                               description="seconds to wait before asking again")


def period_or_default(measure: Measure[Any, Any, Any], raw: Any, actor: Viewer) -> Period:
    """The asked period (``dates.BadDay`` when malformed), else the measure's as-of period, else today's."""
    return measure.parse(raw) or measure.as_of(actor) or Period.of(measure.period_kind, dates.today())


class MeasureView(APIView):
    """A measure's result for a period in the caller's scope, as its ``--json`` command prints it. 202 while the
    period is being computed (ask again after ``Retry-After`` seconds)."""

    measure_key = ""

    def get(self, request: Request) -> Response:
        measure = capability.measure(self.measure_key)
        if not measure.can_view(request.user):
            raise exceptions.PermissionDenied
        try:
            period = period_or_default(measure, request.query_params.get(measure.parameter), request.user)
        except dates.BadDay as exc:
            raise exceptions.ValidationError({measure.parameter: [str(exc)]}) from exc
        found = judgements.read(measure, period)
        if isinstance(found, judgements.Pending) or found.stale:
            failed = isinstance(found, judgements.Pending) and found.failed
            return Response({"status": "failed" if failed else "pending", "measure": measure.key,
                             "period": period.key,
                             "detail": _("计算失败，已记录错误") if failed else _("正在计算，请稍后再试")},
                            status=503 if failed else 202, headers={"Retry-After": "2"})
        return Response(measure.as_json(measure.visible(found.result, request.user)))


def view_for(measure: Measure[Any, Any, Any]) -> Any:
    """The API view of ``measure``, its schema from the contract dataclass."""
    name = "".join(part.title() for part in measure.key.replace("-", "_").split("_")) + "View"
    parameter = OpenApiParameter(measure.parameter, str, description=f"{FORMAT_HINT[measure.period_kind]} "
                                 "(default: the as-of period, 数据截至)")
    responses: dict[int, Any] = {
        200: serializer_for(measure.contract) if measure.contract else OpenApiResponse(description="the contract"),
        202: OpenApiResponse(PendingSerializer, "being computed: ask again after Retry-After seconds"),
        503: OpenApiResponse(PendingSerializer, "computing it failed (the error is logged): ask again later")}
    def own_get(self: MeasureView, request: Request) -> Response:  # each view its own function: the schema's
        return MeasureView.get(self, request)  # annotation is kept on the function, not shared between measures

    get = extend_schema(parameters=[parameter, RETRY_AFTER], responses=responses, operation_id=f"{measure.key}_result",
                        description=(type(measure).__doc__ or "").strip())(own_get)
    view: Any = type(name, (MeasureView,), {"measure_key": measure.key, "get": get, "__doc__": MeasureView.__doc__})
    return view.as_view()


def urlpatterns() -> list[Any]:
    from django.urls import path

    return [path(m.api_path, view_for(m), name=m.api_name or f"api-{m.key}")
            for m in capability.measures() if m.api_path]


class MeasureCommand(BaseCommand):
    """``dualtrack <measure> --<period> P --json``: the result for a period, the whole city (the contract); without
    ``--json``, the measure's lines. A subclass sets ``measure_key``."""

    measure_key = ""
    empty = "no data yet"
    # A contract is read by scripts many times a day: the deployment checks (URL configuration, admin …) are
    # ``migrate``'s and the server's business, and cost a reading command more than reading a stored result does.
    requires_system_checks: list[str] = []

    @property
    def measure(self) -> Measure[Any, Any, Any]:
        return capability.measure(self.measure_key)

    def add_arguments(self, parser: CommandParser) -> None:
        measure = self.measure
        parser.add_argument(f"--{measure.parameter}", dest="period",
                            help=f"{FORMAT_HINT[measure.period_kind]} (default: the as-of period)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        measure = self.measure
        try:
            period = measure.parse(options["period"]) or measure.as_of(None)
        except dates.BadDay as exc:
            raise CommandError(f"--{measure.parameter}: {exc}") from exc
        if period is None:
            raise CommandError(self.empty)
        result = judgements.ensure(measure, period).result
        if options["json"]:
            self.stdout.write(json.dumps(measure.as_json(result), ensure_ascii=False, indent=1))
            return
        for line in measure.text_lines(result):
            self.stdout.write(line)
