"""Pages of the supplies for the supplies office, HQ, leaders and counties (DOMAIN.md §17). STUB: being written."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def _stub(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


board = board_xlsx = stock = stock_xlsx = receive = queue = coverage = coverage_xlsx = _stub
request_detail = commit = issue = _stub
