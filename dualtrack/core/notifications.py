"""In-application notices (站内通知): any app tells users something; the bell in the header shows how many
are unread and /notifications/ lists them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .actors import Viewer
from .models import Notification


def absolute_url(path: str) -> str:
    """``/problems/WT2020-00001/`` as a link that works from an e-mail or a chat robot (``SITE_URL``)."""
    from django.conf import settings

    if not path or path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path if path.startswith('/') else '/' + path}"


def notify(users: Iterable[Any], title: str, link: str = "") -> int:
    """One notice per user (each user once). Returns how many were written. In-app notices keep the path (the
    bell opens it on whatever address the user signed in at); what leaves the application carries
    :func:`absolute_url`."""
    seen: set[int] = set()
    rows = []
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, title=title[:200], link=link[:300]))
    Notification.objects.bulk_create(rows)
    return len(rows)


def for_user(user: Viewer) -> Any:
    """The reader's own notices (by account): none for an anonymous visitor, the worker or the console."""
    if user is None or user.pk is None:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk)


def unread_count(user: Viewer) -> int:
    return for_user(user).filter(read=False).count()


def mark_read(user: Viewer, notification_id: int | None = None) -> int:
    """Mark one of the user's notices (or all of them) as read; another user's notice is never touched."""
    queryset = for_user(user).filter(read=False)
    if notification_id is not None:
        queryset = queryset.filter(pk=notification_id)
    return queryset.update(read=True)
