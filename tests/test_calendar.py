"""Working-day deadlines: statutory holidays and 调休 (chinese-calendar), the HQ table that overrides and
extends it, and weekends-only with a warning for a year neither covers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from dualtrack.core.calendar import SHANGHAI, add_working_days, deadline, working_days_between
from dualtrack.core.models import CalendarDay


def at(day: str, time: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize("assigned,days,due", [
    ("2020-01-23", 1, "2020-02-03"),  # Spring Festival 2020, extended to 2 February
    ("2020-01-23", 3, "2020-02-05"),
    ("2020-01-18", 1, "2020-01-19"),  # Sunday 19 January 2020 was a working day (调休)
    ("2020-09-30", 1, "2020-10-09"),  # National Day 2020: 1–8 October off
    ("2020-09-30", 2, "2020-10-10"),  # Saturday 10 October 2020 was a working day
    ("2020-09-26", 1, "2020-09-27"),  # Sunday 27 September 2020 was a working day
    ("2020-02-10", 15, "2020-03-02"),  # a complex problem: 15 working days
])
def test_deadlines_around_2020_holidays(db: Any, assigned: str, days: int, due: str) -> None:
    result = deadline(at(assigned), days)
    assert result.due_day == dt.date.fromisoformat(due)
    assert result.due_at == at(due, "23:59:59") and not result.estimated and result.warning is None


def test_hq_table_overrides_the_library(db: Any) -> None:
    CalendarDay.objects.create(date=dt.date(2020, 10, 10), is_working=False, name="试验:取消调休")
    assert deadline(at("2020-09-30"), 2).due_day == dt.date(2020, 10, 12)


def test_a_year_the_library_does_not_know(db: Any) -> None:
    result = deadline(at("2027-03-05"), 1)  # a Friday
    assert result.due_day == dt.date(2027, 3, 8) and result.estimated
    assert result.warning is not None and "2027" in result.warning
    CalendarDay.objects.create(date=dt.date(2027, 3, 8), is_working=False, name="假设的节日")
    assert deadline(at("2027-03-05"), 1).due_day == dt.date(2027, 3, 9)


def test_the_day_of_assignment_is_local(db: Any) -> None:
    # 17:00 UTC on 22 January is 01:00 on 23 January in Shanghai: the deadline counts from the 23rd.
    with time_machine.travel(dt.datetime(2020, 1, 22, 17, 0, tzinfo=dt.UTC), tick=False):
        assert deadline(timezone.now(), 1).due_day == dt.date(2020, 2, 3)
    with pytest.raises(ValueError, match="aware"):
        deadline(dt.datetime(2020, 1, 22, 17, 0), 1)  # noqa: DTZ001 - refusing a naive time is the point


def test_working_days_between(db: Any) -> None:
    assert working_days_between(dt.date(2020, 1, 23), dt.date(2020, 2, 5)) == 3
    assert working_days_between(dt.date(2020, 2, 5), dt.date(2020, 2, 5)) == 0
    assert add_working_days(dt.date(2020, 2, 7), 0)[0] == dt.date(2020, 2, 7)


def test_working_day_counter_agrees_with_working_days_between(db: object) -> None:
    import datetime as dt

    from dualtrack.core.calendar import WorkingDayCounter, working_days_between

    start, end = dt.date(2020, 1, 1), dt.date(2020, 12, 31)
    counter = WorkingDayCounter(start, end)
    pairs = [(dt.date(2020, 1, 20), dt.date(2020, 2, 10)), (dt.date(2020, 9, 28), dt.date(2020, 10, 12)),
             (dt.date(2020, 5, 1), dt.date(2020, 5, 1)), (start, end)]
    for a, b in pairs:
        assert counter.between(a, b) == working_days_between(a, b)
    assert counter.between(dt.date(2020, 9, 30), dt.date(2020, 10, 10)) == 2  # 9 October and the 调休 Saturday 10th
