"""Pages of safe resumption for the county's (or park's) operators, HQ, leaders and departments (DOMAIN.md §16):
the queue, a filing's page with its decision, on-site check, suspension and revocation, the board, 复工未备案 and an
enterprise's ledger. Thin: parse typed input, call one action, respond."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


queue = board = board_xlsx = unfiled = unfiled_xlsx = enterprise_ledger = filing = decide = inspection = lift = \
    revoke = item_photo = _todo
