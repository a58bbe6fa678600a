"""The one .xlsx export path (导出): every .xlsx the platform writes (a list a user downloads, a bulletin's or a
report's annex, an import template, a frozen weekly board) goes through :func:`write_xlsx` (or
:func:`xlsx_bytes`, :func:`xlsx_download`), which hold the rules of DOMAIN.md §15 in one place; no other module
writes with openpyxl (``tests/test_exports_everywhere.py`` checks it):

- a text value beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is stored as text, never as
  a formula (``=HYPERLINK(…)``, ``=cmd|…``); numbers stay numbers;
- times are Asia/Shanghai wall-clock times (a problem reported at 09:30 shows 09:30, not 01:30);
- the file has a Chinese name, and the export is audited (who, what, how many rows, which filters).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from django.http import FileResponse, HttpRequest

from dualtrack.core import dates

from . import audit
from .choices import AuditAction
from .dates import SHANGHAI
from .lazy import lazy

if TYPE_CHECKING:
    import openpyxl
    import openpyxl.cell
    import openpyxl.styles
else:
    openpyxl = lazy("openpyxl")  # loaded when a file is first written (#27 §4, start-up)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Styled:
    """A cell's value with its look (a bulletin's title in bold 14 pt); the value is written as any other."""

    value: Any
    bold: bool = False
    size: float | None = None


@dataclass
class Sheet:
    """One sheet: its title, header row (none when empty) and data rows (any iterable, consumed once)."""

    title: str
    header: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    widths: dict[str, float] = field(default_factory=dict)
    count: int = 0  # filled in as the rows are written
    formats: Sequence[str | None] = ()  # per column: the number format of the data cells that hold a value
    freeze: str | None = "A2"
    header_fill: str | None = None  # an RGB colour behind the header row
    header_format: str | None = None  # the header cells' number format ("@": the column is text)


def cell_value(value: Any) -> Any:
    """A Python value as a cell holds it: aware times in Shanghai without a zone, everything else as is."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(SHANGHAI).replace(tzinfo=None)
    return value


@functools.cache
def _bold() -> Any:
    return openpyxl.styles.Font(bold=True)


def safe_cell(sheet: Any, value: Any, *, bold: bool = False, number_format: str | None = None,
              fill: str | None = None) -> Any:
    """A write-only cell for ``value``; text that a spreadsheet would run as a formula is kept as text."""
    size = None
    if isinstance(value, Styled):
        bold, size, value = bold or value.bold, value.size, value.value
    value = cell_value(value)
    cell = openpyxl.cell.WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
    if isinstance(value, Decimal):
        cell.number_format = "0.00"
    if number_format is not None and value is not None:
        cell.number_format = number_format
    if bold or size:
        cell.font = openpyxl.styles.Font(bold=True, size=size) if size else _bold()
    if fill is not None:
        cell.fill = openpyxl.styles.PatternFill("solid", fgColor=fill)
    return cell


def write_xlsx(sheets: Sequence[Sheet], out: IO[bytes]) -> int:
    """Write the sheets (streamed, rows never all in memory) to ``out``; returns the data rows written."""
    workbook = openpyxl.Workbook(write_only=True)
    total = 0
    try:
        for spec in sheets:
            sheet = workbook.create_sheet(spec.title[:31])
            if spec.freeze:
                sheet.freeze_panes = spec.freeze
            for column, width in spec.widths.items():
                sheet.column_dimensions[column].width = width
            if spec.header:
                sheet.append([safe_cell(sheet, h, bold=True, number_format=spec.header_format, fill=spec.header_fill)
                              for h in spec.header])
            formats = list(spec.formats)
            for row in spec.rows:
                sheet.append([safe_cell(sheet, v, number_format=formats[i] if i < len(formats) else None)
                              for i, v in enumerate(row)])
                spec.count += 1
            total += spec.count
    except BaseException:
        for sheet in workbook.worksheets:  # close the half-written sheets' streams now, not when collected
            with contextlib.suppress(Exception):
                sheet.close()
        raise
    workbook.save(out)
    return total


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as the bytes of an .xlsx file (a file stored in the database: a bulletin's, a board's)."""
    out = io.BytesIO()
    write_xlsx(sheets, out)
    return out.getvalue()


def xlsx_download(request: HttpRequest, sheets: Sequence[Sheet], filename: str, *, object_type: str,
                  object_repr: str, detail: dict[str, Any] | None = None) -> FileResponse:
    """The sheets as a download named ``filename`` (Chinese, e.g. 问题台账-2020年2月19日.xlsx), with its
    audit row (who exported what, how many rows)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    rows = write_xlsx(sheets, handle)
    handle.seek(0)
    audit.record(request.user, AuditAction.EXPORT, object_type=object_type, object_repr=object_repr,
                 detail={"rows": rows, "filename": filename, **(detail or {})})
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


def dated_name(stem: str, day: dt.date | None = None, suffix: str = "xlsx") -> str:
    """``问题台账-2020年2月19日.xlsx``; without a day, the moment of export (Shanghai)."""
    if day is None:
        now = dates.now().astimezone(SHANGHAI)
        return f"{stem}-{now.year}年{now.month}月{now.day}日{now:%H%M}.{suffix}"
    return f"{stem}-{day.year}年{day.month}月{day.day}日.{suffix}"
