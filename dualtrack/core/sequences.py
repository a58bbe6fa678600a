"""Gap-tolerant, collision-free counters for references (问题编号 and the like)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import Sequence


def next_value(key: str, start: Callable[[], int] = lambda: 0) -> int:
    """The next number of ``key``. The row is created on first use from ``start()`` (e.g. the highest number
    already in use), then advanced with ``UPDATE … SET value = value + 1``, which locks the row until the
    caller's transaction ends: two requests at once get two numbers."""
    with transaction.atomic():
        if not Sequence.objects.filter(key=key).update(value=F("value") + 1):
            try:
                with transaction.atomic():
                    Sequence.objects.create(key=key, value=start() + 1)
            except IntegrityError:  # created meanwhile by another request
                Sequence.objects.filter(key=key).update(value=F("value") + 1)
        return Sequence.objects.get(key=key).value
