"""Streaming readers: rows come one at a time; the file is never held whole in memory.

Hostile files are refused with a message, never a server error: an .xlsx is checked before it is parsed
(what it unpacks to, no DTD in any XML part, so no entity expansion), its XML is parsed through defusedxml,
and a CSV field longer than the csv module's limit names its line.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from .parsers import CellError

CHUNK = 1 << 20
ENCODINGS = ("utf-8", "gb18030")
ALLOWED_SUFFIXES = (".csv", ".xlsx", ".txt")


class FileFormatError(CellError):
    """The file as a whole cannot be read (encoding, format)."""


class FileTooLarge(FileFormatError):
    """The file, what it unpacks to, or its rows exceed the configured limits."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int  # the file as uploaded
    max_unpacked_bytes: int  # an .xlsx: the sum of its parts
    max_rows: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(max_bytes=settings.IMPORT_MAX_UPLOAD_BYTES, max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
                   max_rows=settings.IMPORT_MAX_ROWS)


def check_name(filename: str) -> None:
    """The same rule for the upload page, the API and the CLI: .xlsx or .csv (.txt: tab-separated)."""
    if not filename.lower().endswith(ALLOWED_SUFFIXES):
        raise FileFormatError(_("只接受 .xlsx 或 .csv 文件"))


def check_size(fh: IO[bytes], limits: Limits) -> None:
    fh.seek(0, io.SEEK_END)
    size = fh.tell()
    fh.seek(0)
    if size > limits.max_bytes:
        raise FileTooLarge(_("文件过大（%(size).1f MB），上限 %(limit).0f MB") % {
            "size": size / 1048576, "limit": limits.max_bytes / 1048576})


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
        first = text.readline(csv.field_size_limit() + 1)
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        reader = csv.reader([first], delimiter=delimiter)
        line = 1
        try:
            yield from reader
            reader = csv.reader(text, delimiter=delimiter)
            line = 2  # the file's line being read (the header was line 1)
            for row in reader:
                yield row
                line = reader.line_num + 2
        except csv.Error as exc:
            raise FileFormatError(_("第%(line)d行附近无法读取（单元格超过 %(limit)d 个字符或引号不配对）") % {
                "line": line, "limit": csv.field_size_limit()}) from exc
    finally:
        if not text.closed:
            text.detach()  # leave the caller's file open


_ROOT_OR_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY|<[A-Za-z_]")


def _check_xlsx_parts(fh: IO[bytes], limits: Limits) -> None:
    """Before openpyxl sees the file: a valid zip, unpacking to at most the limit, and no XML part that
    declares a DTD (entity expansion, external entities). Each part is read only up to its root element."""
    try:
        archive = zipfile.ZipFile(fh)  # a file object passed in is left open when the archive closes
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileFormatError(_("文件不是有效的 .xlsx 文件")) from exc
    try:
        infos = archive.infolist()
        unpacked = sum(info.file_size for info in infos)
        if unpacked > limits.max_unpacked_bytes:
            raise FileTooLarge(_("文件解压后过大（%(size).0f MB），上限 %(limit).0f MB") % {
                "size": unpacked / 1048576, "limit": limits.max_unpacked_bytes / 1048576})
        for info in infos:
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            with archive.open(info) as part:
                tail = b""
                while True:
                    chunk = part.read(65536)
                    if not chunk:
                        break
                    found = _ROOT_OR_DTD.search(tail + chunk)
                    if found:
                        if found.group().startswith(b"<!"):
                            raise FileFormatError(_("文件含有 DTD 声明(%(part)s),出于安全原因拒绝导入") % {
                                "part": info.filename})
                        break
                    tail = chunk[-16:]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise FileFormatError(_("文件不是有效的 .xlsx 文件")) from exc
    finally:
        archive.close()
        fh.seek(0)


# What openpyxl (and the XML parser under it) raises on a damaged workbook: the message is ours.
_XLSX_ERRORS: tuple[type[BaseException], ...] = (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError,
                                                 IndexError, AttributeError, EOFError, SyntaxError)


def iter_xlsx(fh: IO[bytes], limits: Limits | None = None) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    _check_xlsx_parts(fh, limits or Limits.from_settings())
    try:
        workbook = load_workbook(fh, read_only=True, data_only=True)
    except _XLSX_ERRORS as exc:
        raise FileFormatError(_("文件不是有效的 .xlsx 文件")) from exc
    try:
        if not workbook.worksheets:
            raise FileFormatError(_("文件中没有工作表"))
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                break
            except _XLSX_ERRORS as exc:
                raise FileFormatError(_("文件不是有效的 .xlsx 文件(工作表无法读取)")) from exc
            yield list(row)
    finally:
        workbook.close()


def iter_rows(fh: IO[bytes], filename: str, limits: Limits | None = None) -> Iterator[list[Any]]:
    """Rows of the first sheet (XLSX) or of the CSV, header first."""
    kind = sniff_kind(fh, filename)
    return iter_xlsx(fh, limits) if kind == "xlsx" else iter_csv(fh)
