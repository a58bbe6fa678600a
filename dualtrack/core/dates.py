"""Days and times as users mean them (DOMAIN.md §15): Asia/Shanghai, and the day a page is asked for.

One of each, used everywhere: the time zone, "today", and the resolver of a requested ``?date=``. A date
that is malformed or outside what can hold data (before ``DATA_EARLIEST_DAY``, after today) is refused with
a message that says so, in bounded time: pages show it as a notice and open on their default day, the API
answers 400.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

SHANGHAI = ZoneInfo("Asia/Shanghai")


class BadClock(ValueError):
    """``DUALTRACK_CLOCK`` is not an ISO date-time with its offset."""


@functools.lru_cache(maxsize=8)
def parse_clock(raw: str) -> dt.datetime | None:
    """``DUALTRACK_CLOCK`` as an aware date-time (a bare date is that day at 18:00 in Asia/Shanghai); None when
    empty. :class:`BadClock` names what is wrong."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(18, 0), tzinfo=SHANGHAI)
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise BadClock(f"DUALTRACK_CLOCK={text[:40]!r} is not an ISO date-time such as 2020-04-30T18:00:00+08:00") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment


def set_clock() -> dt.datetime | None:
    """The moment ``DUALTRACK_CLOCK`` fixes, or None when the clock is the real time."""
    return parse_clock(str(getattr(settings, "DUALTRACK_CLOCK", "") or ""))


def now() -> dt.datetime:
    """The one clock (DOMAIN.md §15 "One clock"): every "now" of the domain (deadlines, windows, overdue flags,
    the latest day a module may show). ``DUALTRACK_CLOCK`` (settings) sets it for a demo, a training or a replay;
    unset, it is the real time. Record-keeping times (the audit log's ``at``, a file's creation) stay real."""
    fixed = set_clock()
    return fixed if fixed is not None else timezone.now()


def real_now() -> dt.datetime:
    """The real time, for record-keeping and machinery only: the audit log's ``at`` beside the clock's, a job queue's
    claims and retries, an API token's age, when a file or a cached picture was made."""
    return timezone.now()


def today() -> dt.date:
    """The clock's today in Asia/Shanghai."""
    return now().astimezone(SHANGHAI).date()


def earliest_day() -> dt.date:
    return dt.date.fromisoformat(str(getattr(settings, "DATA_EARLIEST_DAY", "2000-01-01")))


class BadDay(ValueError):
    """A requested date that is malformed or out of range; ``str()`` is the message for the user."""


def parse_day(raw: Any, *, earliest: dt.date | None = None, latest: dt.date | None = None) -> dt.date | None:
    """``YYYY-MM-DD`` as a date within [earliest, latest] (default: ``DATA_EARLIEST_DAY`` to today); None when
    absent; :class:`BadDay` otherwise."""
    if raw is None or str(raw).strip() == "":
        return None
    text = str(raw).strip()
    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise BadDay(_("日期“%(value)s”格式不正确，应为 YYYY-MM-DD") % {"value": text[:40]})
    low, high = earliest or earliest_day(), latest or today()
    if not low <= day <= high:
        raise BadDay(_("日期 %(day)s 超出可查询范围（%(low)s 至 %(high)s）") % {
            "day": day.isoformat(), "low": low.isoformat(), "high": high.isoformat()})
    return day


def requested_day(request: Any, default: Callable[[], dt.date | None], *, earliest: dt.date | None = None,
                  latest: dt.date | None = None) -> dt.date:
    """The day a page is asked for (``?date=`` or a posted ``date``), else ``default()`` (the latest day with
    data), else today. A bad date is shown as a notice and the page opens on the default day."""
    raw = request.GET.get("date") or request.POST.get("date")
    try:
        day = parse_day(raw, earliest=earliest, latest=latest)
    except BadDay as exc:
        from django.contrib import messages

        messages.warning(request, str(exc))
        day = None
    return day or default() or today()


def parse_month(raw: Any, *, earliest: dt.date | None = None, latest: dt.date | None = None) -> dt.date | None:
    """``YYYY-MM`` as the first day of that month, within [earliest, latest] (default: ``DATA_EARLIEST_DAY`` to
    today's month); None when absent; :class:`BadDay` otherwise."""
    if raw is None or str(raw).strip() == "":
        return None
    text = str(raw).strip()
    month = None
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit() and 1 <= int(text[5:]) <= 12:
        month = dt.date(int(text[:4]), int(text[5:]), 1)
    if month is None:
        raise BadDay(_("月份“%(value)s”格式不正确，应为 YYYY-MM") % {"value": text[:40]})
    low = (earliest or earliest_day()).replace(day=1)
    high = (latest or today()).replace(day=1)
    if not low <= month <= high:
        raise BadDay(_("月份 %(month)s 超出可查询范围（%(low)s 至 %(high)s）") % {
            "month": f"{month:%Y-%m}", "low": f"{low:%Y-%m}", "high": f"{high:%Y-%m}"})
    return month


def requested_month(request: Any, default: Callable[[], dt.date | None]) -> dt.date:
    """The month a page is asked for (``?month=YYYY-MM``), else ``default()`` (the latest month with data), else
    this month. A bad month is shown as a notice and the page opens on the default month."""
    try:
        month = parse_month(request.GET.get("month") or request.POST.get("month"))
    except BadDay as exc:
        from django.contrib import messages

        messages.warning(request, str(exc))
        month = None
    return month or default() or today().replace(day=1)
