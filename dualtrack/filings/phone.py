"""The phone pages of safe resumption (DOMAIN.md §16): the enterprise (or its liaison officer on its behalf) applies
with the checklist answered item by item, sees the state and the reason of a return, applies again; the daily
epidemic ledger beside 今日复工; the liaison officer's 复工未备案 visits. Thin: parse typed input, call one action,
respond. No page wider than 390 px."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


home = apply = ledger = visits = visit_close = _todo
