"""Navigation per role, and the texts the pages' scripts show."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from .i18n import js_catalog
from .navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "js_catalog": js_catalog()}
    items = []
    for item in menu_for(user):
        try:
            url = item.url_for(user) if item.url_for else reverse(item.url_name)
        except NoReverseMatch:
            continue
        if not url:
            continue
        items.append({"label": item.label, "url": url, "active": request.path.startswith(url) and url != "/"
                      or request.path == url})
    from .notifications import unread_count

    return {"nav_items": items, "unread_notifications": unread_count(user), "js_catalog": js_catalog()}
