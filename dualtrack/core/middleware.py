"""Request context for the audit log (client address), kept in a context variable."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_ip", default=None)


def client_ip(request: HttpRequest | None = None) -> str | None:
    if request is not None:
        return request.META.get("REMOTE_ADDR")
    return _client_ip.get()


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        token = _client_ip.set(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)


class LanguageMiddleware:
    """Simplified Chinese unless the user chose English with the switch (the language cookie); the
    browser's Accept-Language is not consulted, so an English-language browser still sees Chinese first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        codes = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in codes else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class ContentSecurityPolicyMiddleware:
    """Every response carries the Content-Security-Policy of ``settings.CONTENT_SECURITY_POLICY`` unless the
    view set its own (attachments send a stricter sandbox)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        from django.conf import settings

        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


class ConcurrentChangeMiddleware:
    """A page whose write lost a race (:class:`~dualtrack.core.errors.ConcurrentChange`) goes back to itself with
    the message, nothing written, instead of an error page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.contrib import messages
        from django.shortcuts import redirect

        from .errors import ConcurrentChange

        if not isinstance(exception, ConcurrentChange) or request.path.startswith("/api/"):
            return None
        messages.error(request, str(exception))
        return redirect(request.get_full_path())


class RejectNulMiddleware:
    """A NUL character in a query or form parameter is never data anyone meant to send, and PostgreSQL cannot
    store or even compare it: such a request is a clear 400 before any view (or database) sees it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        from django.core.exceptions import BadRequest

        if "\x00" in request.path or any("\x00" in key or any("\x00" in v for v in values)
                                         for key, values in request.GET.lists()):
            raise BadRequest("NUL in the request")
        form = request.META.get("CONTENT_TYPE", "").startswith(("application/x-www-form-urlencoded",
                                                                "multipart/form-data"))
        # The API's bodies are read by its own parsers (JSON strings are checked there); reading them here would
        # take the stream from under them.
        if request.method == "POST" and form and not request.path.startswith("/api/") and any(
                "\x00" in key or any(isinstance(v, str) and "\x00" in v for v in values)
                for key, values in request.POST.lists()):
            raise BadRequest("NUL in the request")
        return self.get_response(request)
