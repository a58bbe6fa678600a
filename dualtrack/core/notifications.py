"""In-application notices (站内通知): any app tells users something; the bell in the header shows how many unread
notices need the reader and /notifications/ lists them, grouped by kind. Automatic events reach a leader as one
digest a day (每日汇总: "今日有12项重点项目任务待督办"), not one notice each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from . import policy
from .actors import Viewer
from .choices import NoticeKind
from .digests import DIGEST_PROJECT, digest_text
from .models import Notification

# The kinds a leader's bell counts: the day's digest and what was escalated or instructed to them directly (not each
# automatic event, nor the bulletins). Every other reader's bell counts every unread notice.
LEADER_BELL = (NoticeKind.DIGEST, NoticeKind.ESCALATION, NoticeKind.INSTRUCTION)


def absolute_url(path: str) -> str:
    """``/problems/WT2020-00001/`` as a link that works from an e-mail or a chat robot (``SITE_URL``)."""
    from django.conf import settings

    if not path or path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path if path.startswith('/') else '/' + path}"


def notify(users: Iterable[Any], title: str, link: str = "", kind: str = NoticeKind.NOTICE) -> int:
    """One notice per user (each user once). Returns how many were written. In-app notices keep the path (the
    bell opens it on whatever address the user signed in at); what leaves the application carries
    :func:`absolute_url`."""
    seen: set[int] = set()
    rows = []
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, title=title[:200], link=link[:300], kind=kind))
    Notification.objects.bulk_create(rows)
    return len(rows)


def add_to_digest(users: Iterable[Any], day: dt.date, item: str, group: str, link: str) -> int:
    """Put ``item`` (a task's reference) in each user's digest of ``day`` (每日汇总): one notice per user and day,
    kept in the database (unique by user, kind and day) and made unread again when it gains an item. Idempotent:
    an item already in the digest changes nothing, and two writers at once make one digest. Returns how many
    digests gained the item."""
    gained = 0
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        with transaction.atomic():
            digest = _digest_row(user.pk, day, link)
            items = dict(digest.params.get("items") or {})
            if item in items:
                continue
            items[item] = group
            digest.params = {"items": items}
            digest.read = False
            digest.title = _chinese(digest)[:200]
            digest.save(update_fields=["params", "read", "title"])
            gained += 1
    return gained


def _digest_row(user_id: int, day: dt.date, link: str) -> Notification:
    """The user's digest of ``day``, locked (created when missing; a concurrent creator's row is taken)."""
    mine = Notification.objects.select_for_update().filter(user_id=user_id, kind=NoticeKind.DIGEST, day=day)
    found = mine.first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Notification.objects.create(user_id=user_id, kind=NoticeKind.DIGEST, day=day, link=link[:300],
                                               title="", params={"items": {}})
    except IntegrityError:
        return mine.get()


def _chinese(notice: Notification) -> str:
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):  # the stored title is the Chinese one (admin, legacy)
        return digest_text(notice)


def for_user(user: Viewer, kind: str | None = None) -> Any:
    """The reader's own notices (by account): none for an anonymous visitor, the worker or the console; of one
    ``kind`` when given."""
    if user is None or user.pk is None:
        return Notification.objects.none()
    notices = Notification.objects.filter(user_id=user.pk)
    return notices.filter(kind=kind) if kind else notices


def needs_reader(user: Viewer) -> Any:
    """The unread notices that need the reader (what the bell counts): a leader's digest and direct escalations
    and instructions; for everyone else every unread notice."""
    unread = for_user(user).filter(read=False)
    if policy.receives_digest(user):
        return unread.filter(kind__in=LEADER_BELL)
    return unread


def unread_count(user: Viewer) -> int:
    return needs_reader(user).count()


def kind_counts(user: Viewer) -> dict[str, tuple[int, int]]:
    """Per kind the reader has: (notices, unread), for the notices page's groups."""
    from django.db.models import Count, Q

    rows = for_user(user).values("kind").annotate(n=Count("pk"), unread=Count("pk", filter=Q(read=False)))
    return {row["kind"]: (row["n"], row["unread"]) for row in rows}


def settle(link: str, user_ids: Iterable[int], kind: str = NoticeKind.ESCALATION) -> int:
    """Mark read the unread notices of ``kind`` about ``link`` of ``user_ids``: they no longer need their readers
    (a problem escalated past a leader, or closed). Returns how many were settled."""
    return Notification.objects.filter(link=link, kind=kind, read=False, user_id__in=list(user_ids)).update(read=True)


def mark_read(user: Viewer, notification_id: int | None = None) -> int:
    """Mark one of the user's notices (or all of them) as read; another user's notice is never touched."""
    queryset = for_user(user).filter(read=False)
    if notification_id is not None:
        queryset = queryset.filter(pk=notification_id)
    return queryset.update(read=True)


__all__ = ["DIGEST_PROJECT", "LEADER_BELL", "absolute_url", "add_to_digest", "digest_text", "for_user", "kind_counts",
           "mark_read", "needs_reader", "notify", "settle", "unread_count"]
