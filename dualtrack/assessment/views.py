"""STUB: being written."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def _stub(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
home = enterprises = enterprises_xlsx = parks = parks_xlsx = manage = compute_draft = publish = finalise = _stub
correct = adopt_preset = objections = answer = enterprise = _stub
