"""Streaming readers: rows come one at a time; the file is never held whole in memory."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from .parsers import CellError

CHUNK = 1 << 20
ENCODINGS = ("utf-8", "gb18030")


class FileFormatError(CellError):
    """The file as a whole cannot be read (encoding, format)."""


def _rewind(fh: IO[bytes]) -> None:
    fh.seek(0)


def sniff_kind(fh: IO[bytes], filename: str) -> str:
    _rewind(fh)
    head = fh.read(8)
    _rewind(fh)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    lower = filename.lower()
    if lower.endswith((".xls",)) and head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileFormatError(_("不支持旧版 .xls 文件,请在 Excel 中另存为 .xlsx 或 CSV"))
    if lower.endswith(".xlsx"):
        raise FileFormatError(_("文件不是有效的 .xlsx 文件"))
    return "csv"


def _line_of_offset(fh: IO[bytes], offset: int) -> int:
    _rewind(fh)
    line, read = 1, 0
    while read < offset:
        chunk = fh.read(min(CHUNK, offset - read))
        if not chunk:
            break
        line += chunk.count(b"\n")
        read += len(chunk)
    return line


def detect_encoding(fh: IO[bytes]) -> str:
    """UTF-8 (with or without BOM), else GB18030, checked over the whole file in chunks."""
    first_failure: tuple[int, int] | None = None
    for encoding in ENCODINGS:
        _rewind(fh)
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        offset = 0
        try:
            while True:
                chunk = fh.read(CHUNK)
                decoder.decode(chunk, final=not chunk)
                if not chunk:
                    break
                offset += len(chunk)
        except UnicodeDecodeError as exc:
            if first_failure is None:
                first_failure = (offset + exc.start, 0)
            continue
        _rewind(fh)
        return "utf-8-sig" if encoding == "utf-8" else encoding
    bad_offset = first_failure[0] if first_failure else 0
    line = _line_of_offset(fh, bad_offset)
    _rewind(fh)
    raise FileFormatError(
        _("文件编码无法识别(第%(line)d行附近):请保存为 UTF-8 或 GB18030 编码的 CSV,或 .xlsx 文件") % {"line": line}
    )


def iter_csv(fh: IO[bytes]) -> Iterator[list[Any]]:
    encoding = detect_encoding(fh)
    text = io.TextIOWrapper(fh, encoding=encoding, newline="")  # type: ignore[arg-type]
    try:
        first = text.readline()
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        yield from csv.reader([first], delimiter=delimiter)
        yield from csv.reader(text, delimiter=delimiter)
    finally:
        if not text.closed:
            text.detach()  # leave the caller's file open


def iter_xlsx(fh: IO[bytes]) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(fh, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileFormatError(_("文件不是有效的 .xlsx 文件")) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def iter_rows(fh: IO[bytes], filename: str) -> Iterator[list[Any]]:
    """Rows of the first sheet (XLSX) or of the CSV, header first."""
    kind = sniff_kind(fh, filename)
    return iter_xlsx(fh) if kind == "xlsx" else iter_csv(fh)
