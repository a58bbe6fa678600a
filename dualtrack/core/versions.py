"""Data versions and the data-as-of day (数据截至).

Every write path of a source (case reports, resumption reports, the registry, power readings …) calls
:func:`changed` with the earliest day it touched: the source's version is bumped (what is cached from it is
rebuilt on its next use) and :data:`data_changed` tells whoever keeps derived results (the stored daily
picture) from which day they are stale. Apps register a model with :func:`track` so that its ORM saves and
deletes count as changes; bulk writes (imports) call :func:`changed` themselves.

Apps also register a *source of the day's data* with :func:`register_source`: the data-as-of day is the
latest day that every registered source with any data has reached (power readings arrive a day after case
reports, so the morning picture is of the day before), never after the calendar's today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from . import dates

data_changed = Signal()  # kwargs: source (str), day (date | None: every day)


def version(source: str) -> tuple[int, str]:
    """The source's version and when it was last bumped (a key for caches of what is derived from it)."""
    from .models import DataVersion

    row = DataVersion.objects.filter(source=source).values_list("version", "changed_at").first()
    return (row[0], row[1].isoformat()) if row else (0, "")


def changed(source: str, day: dt.date | None = None) -> None:
    """``source`` changed from ``day`` on (None: on every day)."""
    from .models import DataVersion

    if not DataVersion.objects.filter(source=source).update(version=F("version") + 1):
        try:
            with transaction.atomic():
                DataVersion.objects.create(source=source, version=1)
        except IntegrityError:  # created meanwhile by another writer
            DataVersion.objects.filter(source=source).update(version=F("version") + 1)
    data_changed.send(sender=source, source=source, day=day)


def track(model: Any, source: str, day_of: Callable[[Any], dt.date | None]) -> None:
    """Count every save and delete of ``model`` as a change of ``source`` from ``day_of(instance)``."""

    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        changed(source, day_of(instance))

    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"versions:{source}:{model._meta.label}")
    post_delete.connect(receiver, sender=model, weak=False,
                        dispatch_uid=f"versions:{source}:{model._meta.label}:delete")


@dataclass(frozen=True)
class Source:
    """A source of the day's data: ``latest()`` answers the last day it has data for (None: no data)."""

    name: str
    label: Any  # a lazy translation
    latest: Callable[[], dt.date | None]


_SOURCES: dict[str, Source] = {}


def register_source(name: str, label: Any, latest: Callable[[], dt.date | None]) -> None:
    _SOURCES[name] = Source(name, label, latest)


@dataclass(frozen=True)
class AsOf:
    """The data-as-of day and how far each source has arrived."""

    day: dt.date | None
    sources: dict[str, dt.date | None] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def arrived(self, source: str, day: dt.date) -> bool:
        latest = self.sources.get(source)
        return latest is not None and latest >= day


def as_of() -> AsOf:
    today = dates.today()
    latest = {name: source.latest() for name, source in sorted(_SOURCES.items())}
    reached = [min(day, today) for day in latest.values() if day is not None]
    return AsOf(day=min(reached) if reached else None, sources=latest,
                labels={name: str(source.label) for name, source in _SOURCES.items()})


def data_day() -> dt.date:
    """The default day of every dashboard, the bulletin and ``situation``: the data-as-of day, else today."""
    return as_of().day or dates.today()


def bound(on: dt.date | None = None) -> dt.date:
    """A module's as-of day on a picture of ``on`` (default: the data-as-of day), never past the clock (DOMAIN.md §15
    "one source has one as-of day, whichever page shows it"): each module answers its day through this
    (``projects.services.as_of``, ``economy.services.as_of_month``), and its pages, card, bulletin section, API
    and console command all ask that one function."""
    return min(on, dates.today()) if on is not None else data_day()  # data_day never passes the clock

