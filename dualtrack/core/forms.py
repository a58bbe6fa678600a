"""Form fields shared by every app's pages: days and moments bounded as the one clock says (DOMAIN.md §15), so a
page refuses what an import row refuses (``core.imports.parsers.check_day``), with the same message."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .choices import DateKind
from .imports.parsers import CellError, check_day, day_bounds


class _Bounded:
    """Refuse a day outside what a date of ``when`` may be, with the import's message."""

    when: str

    def _bound(self, value: Any) -> None:
        if value is None:
            return
        try:
            check_day(value, self.when)
        except CellError as exc:
            raise ValidationError(str(exc), code="out_of_range") from exc


class _Picker:
    """A phone's picker offering only the days a date of ``when`` may take, read from the clock when drawn (a
    form class outlives a day)."""

    when: str = DateKind.EVENT
    time_suffix = ""

    def get_context(self, name: str, value: Any, attrs: Any) -> Any:
        context = super().get_context(name, value, attrs)  # type: ignore[misc]
        if self.when != DateKind.PLAN:  # a plan's picker stays open: its bound is decades ahead
            low, high = day_bounds(self.when)
            start, end = ("T00:00", "T23:59") if self.time_suffix else ("", "")
            context["widget"]["attrs"].update({"min": low.isoformat() + start, "max": high.isoformat() + end})
        return context


class DayPicker(_Picker, forms.DateInput):
    """``<input type="date">`` (YYYY-MM-DD whatever the language's format) within the clock's bounds."""

    input_type = "date"

    def __init__(self, when: str = DateKind.EVENT) -> None:
        self.when = when
        super().__init__(format="%Y-%m-%d")


class MomentPicker(_Picker, forms.DateTimeInput):
    input_type = "datetime-local"
    time_suffix = "T"

    def __init__(self, when: str = DateKind.EVENT) -> None:
        self.when = when
        super().__init__(format="%Y-%m-%dT%H:%M")


class DayField(_Bounded, forms.DateField):
    """A day (``<input type="date">``): a day of data or an event by default, never past the clock's today."""

    def __init__(self, *args: Any, when: str = DateKind.EVENT, **kwargs: Any) -> None:
        self.when = when
        kwargs.setdefault("widget", DayPicker(when))
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> dt.date | None:
        day = super().clean(value)
        self._bound(day)
        return day


class MomentField(_Bounded, forms.DateTimeField):
    """A date-time in Asia/Shanghai, bounded by its day as :class:`DayField` is."""

    def __init__(self, *args: Any, when: str = DateKind.EVENT, **kwargs: Any) -> None:
        self.when = when
        kwargs.setdefault("widget", MomentPicker(when))
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> dt.datetime | None:
        moment = super().clean(value)
        if moment is not None:
            from .dates import SHANGHAI

            self._bound(moment.astimezone(SHANGHAI) if moment.tzinfo else moment)
        return moment
