"""API plumbing shared by every app: error bodies, scoped viewsets, the import endpoint."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from .actors import actor_of
from .choices import Action
from .errors import ConcurrentChange
from .imports import get_dataset, run_import

logger = logging.getLogger(__name__)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus the answers of the domain functions, translated once for every endpoint: their
    ValidationError is a 400 naming the fields, ConcurrentChange a 409 with the object's current version and
    state; a JSON body instead of an HTML 500 for anything unexpected. A 404 says only "not found", in the
    user's language (Django's "No Enterprise matches the given query." is English and names the model)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, ConcurrentChange):
        body: dict[str, Any] = {"detail": str(exc)}
        current = exc.obj
        if current is not None:
            body |= {k: getattr(current, k) for k in ("version", "state") if hasattr(current, k)}
        return Response(body, status=status.HTTP_409_CONFLICT)
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("unhandled API error", exc_info=exc)
        return Response({"detail": _("系统暂时无法处理该请求，已记录错误。")},
                        status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    return response


def api_day(request: Request, default: Any) -> Any:
    """The ``?date=`` an API call asks for, else ``default()``, else today; a malformed or out-of-range date
    is a 400 naming the field."""
    from . import dates

    try:
        day = dates.parse_day(request.query_params.get("date"))
    except dates.BadDay as exc:
        raise exceptions.ValidationError({"date": [str(exc)]}) from exc
    return day or default() or dates.today()


class PersonalTextsList(serializers.ListSerializer):
    """A page of records whose free texts go through the one masking path at once (one policy query, one audit
    write): ``Meta.list_serializer_class`` of a :class:`PersonalTextsSerializer`."""

    def to_representation(self, data: Any) -> list[Any]:
        from . import privacy

        items = list(data.all() if hasattr(data, "all") else data)
        fields = self.child.Meta.personal_fields  # type: ignore[union-attr]
        self.context["personal_texts"] = dict(zip((o.pk for o in items), privacy.texts(
            self.context["request"].user, items, *fields), strict=True))
        return super().to_representation(items)


class PersonalTextsSerializer(serializers.ModelSerializer):
    """A record's free texts and contacts (``Meta.personal_fields``) as ``core.privacy.texts`` shows them to the
    caller: whole where the record's policy grants ``PERSONAL`` (the view audited), masked elsewhere, as on the
    pages and in the exports."""

    def to_representation(self, instance: Any) -> Any:
        from . import privacy

        data = super().to_representation(instance)
        shown = (self.context.get("personal_texts") or {}).get(instance.pk)
        if shown is None:
            shown = privacy.texts(self.context["request"].user, [instance], *self.Meta.personal_fields)[0]
        data.update({f: v for f, v in shown.items() if f in data})
        return data


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Lists and objects come only through ``restrict(user, view)``: out of scope is 404; a role that may
    see none of the model gets 403 on the list."""

    def get_queryset(self) -> Any:
        return self.queryset.restrict(self.request.user, Action.VIEW)  # type: ignore[union-attr]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        model = self.queryset.model  # type: ignore[union-attr]
        if not model.permits(request.user, Action.VIEW):
            raise exceptions.PermissionDenied
        return super().list(request, *args, **kwargs)


ImportResultSerializer = inline_serializer(
    name="ImportResult",
    fields={
        "dataset": serializers.CharField(), "filename": serializers.CharField(), "ok": serializers.BooleanField(),
        "rows": serializers.IntegerField(), "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(), "unchanged": serializers.IntegerField(),
        "error_count": serializers.IntegerField(),
        "errors": inline_serializer(name="ImportError", many=True, fields={
            "row": serializers.IntegerField(allow_null=True), "column": serializers.CharField(allow_null=True),
            "value": serializers.CharField(allow_null=True), "message": serializers.CharField()}),
    },
)


class ImportView(APIView):
    """``POST /api/v1/imports/<dataset>``: a CSV or XLSX file in the ``file`` field; all-or-nothing."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": inline_serializer(name="ImportUpload", fields={"file": serializers.FileField()})},
        responses={200: ImportResultSerializer, 422: OpenApiResponse(ImportResultSerializer, "rejected, nothing written")},
    )
    def post(self, request: Request, dataset: str) -> Response:
        found = get_dataset(dataset)
        if found is None or not found.can_import(request.user):
            raise Http404
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError({"file": [_("请选择要导入的文件")]})
        result = run_import(found, upload.file, upload.name or "upload", actor_of(request))
        return Response(result.as_dict(), status=200 if result.ok else 422)


def api_month(request: Request, default: Any) -> Any:
    """The ``?month=YYYY-MM`` an API call asks for, else ``default()``, else this month; a malformed or
    out-of-range month is a 400 naming the field."""
    from . import dates

    try:
        month = dates.parse_month(request.query_params.get("month"))
    except dates.BadDay as exc:
        raise exceptions.ValidationError({"month": [str(exc)]}) from exc
    return month or default() or dates.today().replace(day=1)
