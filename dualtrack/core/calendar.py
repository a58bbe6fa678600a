"""Chinese working days (工作日) for deadlines: statutory holidays and adjusted working days (调休).

The source, in order: the HQ-kept table (:class:`CalendarDay`, overriding and extending), then
chinese-calendar (which knows the years it was released with, and raises for later ones), then weekends
only — with a warning the pages show — for a year neither covers. A deadline computation never fails.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar
from django.utils.translation import gettext as _

from .dates import SHANGHAI  # noqa: E402 - re-exported: deadlines are in Shanghai time
from .models import CalendarDay


@dataclass(frozen=True)
class Deadline:
    due_day: dt.date
    due_at: dt.datetime  # 23:59:59 Asia/Shanghai on the due day
    estimated: bool  # True when a year on the way was known only by its weekends
    warning: str | None


class WorkingCalendar:
    """Answers for a span of dates with one query for the HQ table."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        self.overrides = dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_working"))
        self.estimated_years: set[int] = set()

    def is_working(self, day: dt.date) -> bool:
        if day in self.overrides:
            return bool(self.overrides[day])
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            self.estimated_years.add(day.year)
            return day.weekday() < 5

    def warning(self) -> str | None:
        if not self.estimated_years:
            return None
        years = "、".join(str(y) for y in sorted(self.estimated_years))
        return _("%(years)s年的法定节假日和调休尚未录入，按周一至周五计算工作日；"
                 "请市指挥部在“节假日与调休”中录入。") % {"years": years}


def add_working_days(day: dt.date, count: int) -> tuple[dt.date, WorkingCalendar]:
    """The ``count``-th working day after ``day`` (the day itself does not count)."""
    if count < 0:
        raise ValueError("count must not be negative")
    calendar = WorkingCalendar(day, day + dt.timedelta(days=count * 3 + 40))
    current, found = day, 0
    while found < count:
        current += dt.timedelta(days=1)
        if calendar.is_working(current):
            found += 1
    return current, calendar


def deadline(assigned_at: dt.datetime, working_days: int) -> Deadline:
    """Due at the end (23:59:59, Asia/Shanghai) of the Nth working day after the day of assignment
    (限时办结, DOMAIN.md §6)."""
    if assigned_at.tzinfo is None:
        raise ValueError("assigned_at must be timezone-aware")
    local_day = assigned_at.astimezone(SHANGHAI).date()
    due_day, calendar = add_working_days(local_day, working_days)
    due_at = dt.datetime.combine(due_day, dt.time(23, 59, 59), tzinfo=SHANGHAI)
    warning = calendar.warning()
    return Deadline(due_day=due_day, due_at=due_at, estimated=warning is not None, warning=warning)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (handling time in working days)."""
    if end <= start:
        return 0
    calendar = WorkingCalendar(start, end)
    return sum(calendar.is_working(start + dt.timedelta(days=i)) for i in range(1, (end - start).days + 1))


class WorkingDayCounter:
    """Working days between many pairs of dates in one go (statistics over a whole ledger): one query for
    the HQ table and one pass over the span, then each answer is a subtraction."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        self.start = start
        calendar = WorkingCalendar(start, end)
        self.cumulative = [0]
        for i in range(1, (end - start).days + 1):
            self.cumulative.append(self.cumulative[-1] + int(calendar.is_working(start + dt.timedelta(days=i))))

    def between(self, start: dt.date, end: dt.date) -> int:
        """As :func:`working_days_between`, for dates inside the counter's span."""
        if end <= start:
            return 0
        return self.cumulative[(end - self.start).days] - self.cumulative[(start - self.start).days]


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months; the month's last day when the day does not exist in it
    (31 August + 6 months = 28 February, or 29 in a leap year)."""
    import calendar as month_calendar

    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = month_calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))
