"""The URL patterns outside the Django admin, and which of them take a write: one walk and one rule, shared by the
write contract (``test_write_contract``) and the hostile write sweep (``test_hostile_write_sweep``), so the two can
never disagree about what a write is."""

from __future__ import annotations

import inspect
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

WRITES = {"post", "put", "patch", "delete"}
FORMAT_SUFFIXES = ("<format>", "(?P<format>", "<drf_format_suffix:format>")


def patterns() -> list[tuple[str | None, str, Any]]:
    """(namespaced name or None, route without its leading slash, view) of every pattern outside the admin, the
    API's ``.json`` suffix variants left out (the same views as their plain names)."""
    found: list[tuple[str | None, str, Any]] = []

    def walk(resolver: URLResolver, namespace: str, prefix: str) -> None:
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                if item.namespace != "admin":
                    walk(item, f"{namespace}{item.namespace}:" if item.namespace else namespace,
                         prefix + str(item.pattern))
            elif isinstance(item, URLPattern):
                route = prefix + str(item.pattern)
                if not any(suffix in route for suffix in FORMAT_SUFFIXES):
                    found.append((f"{namespace}{item.name}" if item.name else None, route, item.callback))

    walk(get_resolver(), "", "")
    return found


def unwrapped_source(view: Any) -> str:
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    try:
        return inspect.getsource(view)
    except (OSError, TypeError):
        return ""


def allowed_methods(view: Any) -> set[str] | None:
    """The methods a ``require_POST``/``require_http_methods`` decorator lets through; None when undecorated."""
    while True:
        allowed = inspect.getclosurevars(view).nonlocals.get("request_method_list") \
            if hasattr(view, "__code__") else None
        if allowed is not None:
            return {m.lower() for m in allowed}
        if not hasattr(view, "__wrapped__"):
            return None
        view = view.__wrapped__


def takes_writes(view: Any) -> bool:
    """A DRF view (or viewset route) or class-based view with post/put/patch/delete; a function view restricted to
    methods that include a write, or one that reads ``request.method``, ``request.POST`` or ``request.FILES``."""
    view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
    if view_class is not None:
        actions = getattr(view, "actions", None)
        methods = set(actions) if actions else {m for m in WRITES if hasattr(view_class, m)}
        return bool(methods & WRITES)
    allowed = allowed_methods(view)
    if allowed is not None:
        return bool(allowed & WRITES)
    source = unwrapped_source(view)
    return any(marker in source for marker in ("request.method", "request.POST", "request.FILES"))


def write_views() -> list[tuple[str | None, str, Any]]:
    """(name, route, view) of every pattern whose view takes a write."""
    return [(name, route, view) for name, route, view in patterns() if takes_writes(view)]
