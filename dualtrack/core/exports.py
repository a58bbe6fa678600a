"""The one .xlsx export path (导出): every list a user downloads goes through :func:`write_xlsx` and
:func:`xlsx_download`, which hold the rules of DOMAIN.md §15 in one place:

- a text value beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is stored as text, never as
  a formula (``=HYPERLINK(…)``, ``=cmd|…``); numbers stay numbers;
- times are Asia/Shanghai wall-clock times (a problem reported at 09:30 shows 09:30, not 01:30);
- the file has a Chinese name, and the export is audited (who, what, how many rows, which filters).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.http import FileResponse, HttpRequest
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from dualtrack.core import dates

from . import audit
from .choices import AuditAction
from .dates import SHANGHAI

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_BOLD = Font(bold=True)


@dataclass
class Sheet:
    """One sheet: its title, header row and data rows (any iterable, consumed once)."""

    title: str
    header: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    widths: dict[str, float] = field(default_factory=dict)
    count: int = 0  # filled in as the rows are written


def cell_value(value: Any) -> Any:
    """A Python value as a cell holds it: aware times in Shanghai without a zone, everything else as is."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(SHANGHAI).replace(tzinfo=None)
    return value


def safe_cell(sheet: Any, value: Any, *, bold: bool = False) -> Any:
    """A write-only cell for ``value``; text that a spreadsheet would run as a formula is kept as text."""
    value = cell_value(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
    if isinstance(value, Decimal):
        cell.number_format = "0.00"
    if bold:
        cell.font = _BOLD
    return cell


def write_xlsx(sheets: Sequence[Sheet], out: IO[bytes]) -> int:
    """Write the sheets (streamed, rows never all in memory) to ``out``; returns the data rows written."""
    workbook = Workbook(write_only=True)
    total = 0
    try:
        for spec in sheets:
            sheet = workbook.create_sheet(spec.title[:31])
            sheet.freeze_panes = "A2"
            for column, width in spec.widths.items():
                sheet.column_dimensions[column].width = width
            sheet.append([safe_cell(sheet, h, bold=True) for h in spec.header])
            for row in spec.rows:
                sheet.append([safe_cell(sheet, v) for v in row])
                spec.count += 1
            total += spec.count
    except BaseException:
        for sheet in workbook.worksheets:  # close the half-written sheets' streams now, not when collected
            with contextlib.suppress(Exception):
                sheet.close()
        raise
    workbook.save(out)
    return total


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
