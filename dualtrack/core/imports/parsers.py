"""Cell parsers: each takes a raw cell (str from CSV, or int/float/datetime from XLSX) and returns the
typed value or raises :class:`CellError` with a message for the user."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _


class CellError(ValueError):
    """A cell's value is not acceptable; the message is shown to the user beside row and column."""


EXCEL_EPOCH = dt.date(1899, 12, 30)
_TRUE = {"是", "y", "yes", "1", "true", "t", "√", "✓"}
_FALSE = {"否", "n", "no", "0", "false", "f", "×", "✗"}
_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


# A count cell above this would overflow the database's integer; a decimal at or above this is not a figure
# anyone reports (money is kept with 14 digits, two after the point).
MAX_INTEGER = 2_147_483_647
MAX_DECIMAL = Decimal(10) ** 12
# Characters no cell may hold: NUL and the other C0 controls but tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_characters(value: str) -> None:
    """Refuse control characters (a NUL byte cannot even be stored on PostgreSQL)."""
    bad = _CONTROL.search(value)
    if bad:
        raise CellError(_("含有不允许的控制字符(U+%(code)04X)") % {"code": ord(bad.group())})


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    """A cell as text; integral numbers from XLSX lose their ``.0`` (account numbers, codes)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip().replace("\u3000", " ").strip()


def code(value: Any) -> str:
    """An identifier: text, upper-cased, inner spaces removed."""
    return re.sub(r"\s+", "", text(value)).upper()


def boolean(value: Any) -> bool:
    raw = text(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError(_("“%(value)s”不是有效的是/否值(可填 是/否、Y/N、1/0、true/false)") % {"value": text(value)})


def non_negative_int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(_("“%(value)s”不是整数") % {"value": value})
    if isinstance(value, int):
        result = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("“%(value)s”不是整数") % {"value": value})
        result = int(value)
    else:
        raw = text(value).replace(",", "")
        if not re.fullmatch(r"[+-]?\d+(\.0+)?", raw):
            raise CellError(_("“%(value)s”不是整数") % {"value": text(value)})
        result = int(Decimal(raw))
    if result < 0:
        raise CellError(_("不能为负数： %(value)s") % {"value": result})
    if result > MAX_INTEGER:
        raise CellError(_("数值过大： %(value)s（上限 %(max)d）") % {"value": text(value)[:30], "max": MAX_INTEGER})
    return result


def decimal_number(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("“%(value)s”不是数字") % {"value": value})
    try:
        number = Decimal(str(value).replace(",", "").strip()) if not isinstance(value, float) else Decimal(repr(value))
    except InvalidOperation as exc:
        raise CellError(_("“%(value)s”不是数字") % {"value": text(value)[:30]}) from exc
    if not number.is_finite():
        raise CellError(_("“%(value)s”不是数字") % {"value": text(value)[:30]})
    if abs(number) >= MAX_DECIMAL:
        raise CellError(_("数值过大： %(value)s") % {"value": text(value)[:30]})
    return number


def excel_serial_to_date(serial: float) -> dt.date:
    if not 1 <= serial < 2958466:
        raise CellError(_("日期序号超出范围： %(value)s") % {"value": serial})
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def date(value: Any) -> dt.date:
    """``YYYY-MM-DD`` (also ``/``, ``.``, ``年月日`` and ``YYYYMMDD``), an XLSX date cell, or an Excel
    date serial number (43871 = 2020-02-10)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return excel_serial_to_date(float(value))
    raw = text(value)
    if re.fullmatch(r"\d{5}(\.0+)?", raw):
        return excel_serial_to_date(float(raw))
    raw = raw.split(" ")[0].split("T")[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                break
    raise CellError(_("“%(value)s”不是有效日期(格式 YYYY-MM-DD)") % {"value": text(value)})


def day_bounds(kind: str) -> tuple[dt.date, dt.date]:
    """The first and last day a date of ``kind`` (:class:`~dualtrack.core.choices.DateKind`) may take."""
    from dualtrack.core import dates
    from dualtrack.core.choices import EARLIEST_PAST_DAY, PLAN_YEARS_AHEAD, DateKind

    today = dates.today()
    if kind == DateKind.PAST:
        return dt.date.fromisoformat(EARLIEST_PAST_DAY), today
    if kind == DateKind.PLAN:
        return dates.earliest_day(), today.replace(year=today.year + PLAN_YEARS_AHEAD, month=12, day=31)
    return dates.earliest_day(), today


def check_day(value: Any, kind: str) -> None:
    """Refuse a date or date-time outside what a date of ``kind`` may be: before ``DATA_EARLIEST_DAY`` (or 1900 for
    a date of record), or after the clock's today (a plan: far in the future). Compared on the local day, so an
    absurd date-time (0001-01-01 00:00+08:00) is refused before anything converts it to UTC."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        return
    low, high = day_bounds(kind)
    if day < low:
        raise CellError(_("日期不能早于%(low)s：%(day)s") % {"day": day.isoformat(), "low": low.isoformat()})
    if day > high:
        from dualtrack.core.choices import DateKind

        if kind == DateKind.PLAN:
            raise CellError(_("日期不能晚于%(high)s：%(day)s") % {"day": day.isoformat(), "high": high.isoformat()})
        raise CellError(_("日期不能晚于今天（%(today)s）：%(day)s") % {"day": day.isoformat(), "today": high.isoformat()})


def month(value: Any) -> dt.date:
    """``YYYY-MM`` (or a date) as the first day of that month."""
    if isinstance(value, dt.date | dt.datetime | int | float):
        return date(value).replace(day=1)
    raw = text(value)
    match = re.fullmatch(r"(\d{4})[-/年.](\d{1,2})月?", raw)
    if match and 1 <= int(match[2]) <= 12:
        return dt.date(int(match[1]), int(match[2]), 1)
    try:
        return date(raw).replace(day=1)
    except CellError:
        raise CellError(_("“%(value)s”不是有效月份(格式 YYYY-MM)") % {"value": raw}) from None


def choice(table: dict[str, str], label: str) -> Any:
    """A parser taking any key of ``table`` (a choice's label or its value) to the stored value; anything else is
    the cell's error naming what was expected."""
    def parse(value: Any) -> str:
        raw = text(value)
        if raw not in table:
            raise CellError(_("“%(value)s”不是有效的%(label)s") % {"value": raw, "label": label})
        return table[raw]
    return parse


def amount(value: Any, places: str = "0.0001") -> Decimal:
    """A non-negative quantity (亿元, 万元 or a count with decimals), rounded to ``places``."""
    number = decimal_number(value)
    if number < 0:
        raise CellError(_("数值不能为负"))
    return number.quantize(Decimal(places))
