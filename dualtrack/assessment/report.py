"""STUB: being written."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def _stub(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
report_docx = report_xlsx = _stub
