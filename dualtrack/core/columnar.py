"""A stored result in a compact columnar form (Arrow IPC streams, zstd-compressed), not ``dataclasses.asdict`` to
JSON: a result dataclass's scalar fields go into a small JSON header; each field that is a list of flat
dataclasses (the rows, the cells) becomes one Arrow table, one column per field, written and read without
copying every cell through dictionaries.

Types a row field may have: ``str``, ``int``, ``float``, ``bool``, ``datetime.date``, ``Decimal`` and ``Fraction``
(kept exact, as text), ``list[float | None]`` / ``list[int]`` / ``list[str]``, each optionally ``| None``. A header
field may also be a JSON value (dict, list) or a nested dataclass of such fields.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import json
import struct
import types
import typing
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

MAGIC = b"DTJ1"


class CodecError(TypeError):
    """A result type holds a field the store cannot keep; the message names it."""


def _strip_optional(hint: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return hint, False


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _table_fields(cls: type) -> list[str]:
    """The fields of ``cls`` that are lists of dataclasses (each stored as a table)."""
    found = []
    for f in dataclasses.fields(cls):
        hint, _optional = _strip_optional(_hints(cls)[f.name])
        if typing.get_origin(hint) is list:
            (item,) = typing.get_args(hint) or (Any,)
            if dataclasses.is_dataclass(item):
                found.append(f.name)
    return found


def _row_type(cls: type, name: str) -> type:
    hint, _optional = _strip_optional(_hints(cls)[name])
    return typing.get_args(hint)[0]  # type: ignore[no-any-return]


def _arrow_type(hint: Any, where: str) -> Any:
    import pyarrow as pa

    base, _optional = _strip_optional(hint)
    if base is bool:
        return pa.bool_()
    if base is int:
        return pa.int64()
    if base is float:
        return pa.float64()
    if base is str or base in (Decimal, Fraction):
        return pa.string()
    if base is dt.date:
        return pa.date32()
    if typing.get_origin(base) is list:
        (item,) = typing.get_args(base)
        return pa.list_(_arrow_type(item, where))
    raise CodecError(f"{where}: a stored row cannot hold {hint!r}")


def _to_text(base: Any, values: list[Any]) -> list[Any]:
    if base in (Decimal, Fraction):
        return [None if v is None else str(v) for v in values]
    return values


def _from_text(base: Any, values: list[Any]) -> list[Any]:
    if base is Decimal:
        return [None if v is None else Decimal(v) for v in values]
    if base is Fraction:
        return [None if v is None else Fraction(v) for v in values]
    return values


def rows_table(row_type: type, rows: list[Any]) -> pa.Table:
    """``rows`` (instances of the flat dataclass ``row_type``) as an Arrow table, a column per field."""
    import pyarrow as pa

    hints = _hints(row_type)
    columns = {}
    for f in dataclasses.fields(row_type):
        base, _optional = _strip_optional(hints[f.name])
        values = [getattr(r, f.name) for r in rows]
        columns[f.name] = pa.array(_to_text(base, values), _arrow_type(hints[f.name], f"{row_type.__name__}.{f.name}"))
    return pa.table(columns)


def table_rows(row_type: type, table: pa.Table) -> list[Any]:
    """The rows of ``table`` as ``row_type`` instances (fields the table lacks take their defaults)."""
    hints = _hints(row_type)
    names = [f.name for f in dataclasses.fields(row_type) if f.name in table.column_names]
    columns = [_from_text(_strip_optional(hints[n])[0], table.column(n).to_pylist()) for n in names]
    return [row_type(**dict(zip(names, values, strict=True))) for values in zip(*columns, strict=True)] \
        if columns else []


def _header_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | Fraction):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _header_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_header_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _header_value(v) for k, v in value.items()}
    return value


def _read_header_value(hint: Any, value: Any) -> Any:
    base, _optional = _strip_optional(hint)
    if value is None:
        return None
    if base is dt.date:
        return dt.date.fromisoformat(value)
    if base is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if base in (Decimal, Fraction):
        return base(value)
    if dataclasses.is_dataclass(base) and isinstance(base, type):
        hints = _hints(base)
        return base(**{f.name: _read_header_value(hints[f.name], value.get(f.name))
                       for f in dataclasses.fields(base) if f.name in value})
    if typing.get_origin(base) is list:
        (item,) = typing.get_args(base) or (Any,)
        return [_read_header_value(item, v) for v in value]
    return value


def encode(result: Any) -> bytes:
    """``result`` (a dataclass) as bytes: the magic, the header's length and JSON, then each table as a named,
    length-prefixed Arrow IPC stream."""
    import pyarrow as pa

    cls = type(result)
    tables = _table_fields(cls)
    header = {f.name: _header_value(getattr(result, f.name)) for f in dataclasses.fields(cls) if f.name not in tables}
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
    out = io.BytesIO()
    out.write(MAGIC)
    out.write(struct.pack(">I", len(head)))
    out.write(head)
    options = pa.ipc.IpcWriteOptions(compression="zstd")
    for name in tables:
        table = rows_table(_row_type(cls, name), getattr(result, name))
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
            writer.write_table(table)
        body = sink.getvalue().to_pybytes()
        key = name.encode()
        out.write(struct.pack(">H", len(key)) + key + struct.pack(">Q", len(body)))
        out.write(body)
    return out.getvalue()


def _tables(data: bytes, only: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and the tables ``encode`` wrote (``only``: that table alone is decompressed and read)."""
    import pyarrow as pa

    if data[:4] != MAGIC:
        raise CodecError("not a stored result")
    length = struct.unpack(">I", data[4:8])[0]
    header = json.loads(data[8:8 + length])
    at = 8 + length
    tables: dict[str, Any] = {}
    while at < len(data):
        key_length = struct.unpack(">H", data[at:at + 2])[0]
        name = data[at + 2:at + 2 + key_length].decode()
        at += 2 + key_length
        body_length = struct.unpack(">Q", data[at:at + 8])[0]
        at += 8
        if only is None or name == only:
            with pa.ipc.open_stream(pa.py_buffer(data[at:at + body_length])) as reader:
                tables[name] = reader.read_all()
        at += body_length
    return header, tables


def decode_part(cls: type, data: bytes, name: str) -> list[Any]:
    """One table of a stored ``cls`` result as its rows (the others are skipped, not decompressed): what a later
    computation reuses of an earlier period's result."""
    _header, tables = _tables(data, only=name)
    return table_rows(_row_type(cls, name), tables[name]) if name in tables else []


def decode(cls: type, data: bytes) -> Any:
    """The result ``encode`` wrote, as a ``cls`` instance."""
    header, tables = _tables(data)
    hints = _hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in tables:
            values[f.name] = table_rows(_row_type(cls, f.name), tables[f.name])
        elif f.name in header:
            values[f.name] = _read_header_value(hints[f.name], header[f.name])
    return cls(**values)
