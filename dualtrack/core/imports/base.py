"""Datasets and the all-or-nothing import runner."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import audit, policy
from ..actors import Actor, Viewer
from ..choices import Action, AuditAction, DateKind
from ..scoping import OutOfScope
from . import parsers
from .parsers import CellError
from .readers import FileTooLarge, Limits, check_name, check_size, iter_rows

MAX_LISTED_ERRORS = 1000
TEXT_MAX_LENGTH = 200  # the longest name, unit or code a column holds unless it says otherwise


@dataclass(frozen=True)
class Column:
    """One column of a dataset: Chinese header, English key, parser."""

    key: str
    header: str
    parse: Callable[[Any], Any] = parsers.text
    required: bool = True  # the column must be present in the file
    blank: bool = False  # a cell may be empty (the value is then ``default``)
    default: Any = None
    example: Any = ""
    help: Any = ""
    max_length: int | None = None  # of a text value; TEXT_MAX_LENGTH when not given
    # What a date in this column is about (DateKind): a day of data or an event by default, never past the clock
    when: str = DateKind.EVENT

    def check_length(self, value: Any) -> None:
        """A text value must fit the field it goes into, and hold no control character."""
        if isinstance(value, str):
            limit = self.max_length or TEXT_MAX_LENGTH
            if len(value) > limit:
                raise CellError(_("长度 %(length)d 超过上限 %(limit)d 个字符") % {"length": len(value), "limit": limit})
            parsers.check_characters(value)

    def label(self) -> str:
        return f"{self.header}[{self.key}]"


@dataclass
class ImportErrorItem:
    """One problem: the row as numbered in Excel (header = 1) and the column header, when known."""

    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(_("第%(row)d行") % {"row": self.row})
        if self.column:
            where.append(_("“%(column)s”列") % {"column": self.column})
        prefix = " ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


@dataclass
class ImportResult:
    dataset: str
    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportErrorItem] = field(default_factory=list)
    error_count: int = 0
    earliest_day: Any = None  # the earliest day the rows are for (``Dataset.day_column``): what is stale from

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def unlisted_errors(self) -> int:
        return self.error_count - len(self.errors)

    def add_error(self, message: str, row: int | None = None, column: str | None = None,
                  value: Any = None) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            shown = None if value is None else parsers.text(value)[:100]
            self.errors.append(ImportErrorItem(message=str(message), row=row, column=column, value=shown))

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset, "filename": self.filename, "ok": self.ok, "rows": self.rows,
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "error_count": self.error_count, "errors": [e.as_dict() for e in self.errors],
        }


Row = tuple[int, dict[str, Any]]  # the row as numbered in Excel, and its parsed values


class RowContext:
    """Passed to a dataset's row checks and writes: reports errors against the current row, and judges whether an
    existing record may be changed through the import (:meth:`may_change`, :meth:`refuse_foreign`)."""

    def __init__(self, result: ImportResult, headers: dict[str, str], dataset: Dataset | None = None) -> None:
        self.result = result
        self.headers = headers  # column key -> header as written in the file
        self.dataset = dataset
        self.row: int = 0
        self.failed = False

    def error(self, key: str | None, message: str, value: Any = None) -> None:
        self.failed = True
        column = self.headers.get(key, key) if key else None
        self.result.add_error(message, row=self.row, column=column, value=value)

    # --- the one write path: an existing record is changed only within the importing user's scope ------------
    @property
    def action(self) -> str:
        """The action an import of this dataset takes on its rows (the model's declared policy is judged on it)."""
        return self.dataset.import_action if self.dataset is not None else Action.IMPORT

    def may_change(self, user: Actor, existing: models.Model, row: Row, action: str | None = None) -> bool:
        """Whether ``user`` may change ``existing`` (found by the row's natural key) through this import: the
        declared policy judged on the record as it is. If not, a row error names the row and the record's owner."""
        if policy.may(user, existing, action or self.action):
            return True
        self.refuse(existing, row)
        return False

    def refuse_foreign(self, user: Actor, found: Iterable[tuple[Row, models.Model]],
                       action: str | None = None) -> set[int]:
        """:meth:`may_change` for many rows at once (one query per model): the row numbers refused."""
        pairs = list(found)
        refused: set[int] = set()
        by_model: dict[type[models.Model], list[tuple[Row, models.Model]]] = {}
        for row, obj in pairs:
            by_model.setdefault(type(obj), []).append((row, obj))
        for model, items in by_model.items():
            scope = policy.scope(user, model, action or self.action)
            if scope is policy.ALL:
                continue
            allowed: set[Any] = set()
            if scope is not policy.NOTHING:
                allowed = set(model._default_manager.filter(scope, pk__in=[o.pk for _r, o in items]).values_list(
                    "pk", flat=True))
            for row, obj in items:
                if obj.pk not in allowed:
                    self.refuse(obj, row)
                    refused.add(row[0])
        return refused

    def refuse(self, existing: models.Model, row: Row) -> None:
        """The row error for a record of another scope: the row, its key and the record's owner, nothing written."""
        number, values = row
        keys: tuple[str, ...] = ()
        headers: list[str] = []
        if self.dataset is not None:
            keys = self.dataset.natural_key
            headers = [self.headers.get(k) or self.dataset.column(k).header for k in keys]
        what, key = "/".join(headers), "/".join(parsers.text(values.get(k)) for k in keys)
        self.row = number
        self.error(keys[0] if keys else None, _("%(what)s %(key)s 已属于%(owner)s，不在您的范围内，无权通过导入修改")
                   % {"what": what or existing._meta.verbose_name, "key": key or str(existing),
                      "owner": owner_of(existing)}, key or None)


OWNER_FIELDS = ("park", "county", "home_county", "origin", "enterprise", "township", "village", "department",
                "indicator", "project", "lead", "household", "trip", "worker")


def owner_of(obj: models.Model) -> str:
    """Whose a record is, in words: its model's ``import_owner()``, or the first of its county, park, enterprise …
    (a record that follows another's scope: that record's owner)."""
    named = getattr(obj, "import_owner", None)
    if callable(named):
        return str(named())
    try:
        declared = policy.declared(type(obj))
    except ImproperlyConfigured:
        declared = None
    if declared is not None and declared.via is not None:
        parent: Any = obj
        for step in declared.via[0].split("__"):
            parent = getattr(parent, step, None)
        if isinstance(parent, models.Model):
            return owner_of(parent)
    for name in OWNER_FIELDS:
        try:
            obj._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        value = getattr(obj, name, None)
        if value is not None:
            return str(getattr(value, "name", None) or value)
    return _("其他单位")


class _Rollback(Exception):
    pass


def _normalise_header(value: Any) -> str:
    return re.sub(r"[\s\ufeff]+", "", parsers.text(value)).lower()


class Dataset:
    """Declare ``name``, ``label``, ``columns``, ``natural_key``; implement :meth:`write_batch`."""

    name: str = ""
    label: Any = ""
    columns: list[Column] = []
    natural_key: tuple[str, ...] = ()
    batch_size: int | None = 2000  # None: the rows are written together at the end (small datasets)
    # The data source a successful import changes (``core.versions``), and the column giving each row's day
    # (what is derived from the source is stale from the earliest day imported; None: every day).
    source: str | None = None
    day_column: str | None = None
    # The model the rows are written to, and the action of its declared policy an import takes: who may import
    # (:meth:`can_import`) and, row by row, which existing records a user may change (``RowContext.may_change``,
    # which :func:`~dualtrack.core.imports.upsert` always asks).
    model: Any = None
    import_action: str = Action.IMPORT

    # --- permissions -------------------------------------------------------------------------
    def can_import(self, user: Viewer) -> bool:
        """By default the model's declared policy: ``user`` may take :attr:`import_action` on some of its rows."""
        if self.model is None:
            raise NotImplementedError(f"{self.name}: declare model or implement can_import")
        return policy.allows(user, self.model, self.import_action)

    # --- hooks ---------------------------------------------------------------------------------
    def prepare(self, user: Actor) -> dict[str, Any]:
        """Look-up tables for the whole file (codes to ids); called once before the first row."""
        return {}

    def check_row(self, values: dict[str, Any], ctx: RowContext, state: dict[str, Any], user: Actor) -> None:
        """Cross-column and scope checks for one parsed row; report with ``ctx.error``."""

    def check_all(self, rows: list[tuple[int, dict[str, Any]]], ctx: RowContext, state: dict[str, Any],
                  user: Actor) -> None:
        """Checks across rows (``batch_size = None`` datasets only): every valid row, even when others failed."""

    def write_batch(self, rows: list[tuple[int, dict[str, Any]]], ctx: RowContext, state: dict[str, Any],
                    user: Actor, result: ImportResult) -> None:
        """Create or update the rows (all valid so far), counting ``created``/``updated``/``unchanged``
        and auditing each change. May still report errors through ``ctx``."""
        raise NotImplementedError

    # --- helpers -------------------------------------------------------------------------------
    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def key_of(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(values.get(k) for k in self.natural_key)

    def template_rows(self) -> list[list[Any]]:
        return [[c.header for c in self.columns], [c.example for c in self.columns]]


_REGISTRY: dict[str, Dataset] = {}
# Datasets too large for row-by-row Python (power readings): a function that imports a whole file.
_FILE_IMPORTERS: dict[str, Callable[[Any, Any], ImportResult]] = {}


def register_file_importer(name: str, importer: Callable[[Any, Any], ImportResult]) -> None:
    """``importer(path, user)`` imports a file all or nothing and returns its :class:`ImportResult`."""
    _FILE_IMPORTERS[name] = importer


def get_file_importer(name: str) -> Callable[[Any, Any], ImportResult] | None:
    return _FILE_IMPORTERS.get(name)


def file_importer_names() -> list[str]:
    return sorted(_FILE_IMPORTERS)


def register(dataset_class: type[Dataset]) -> type[Dataset]:
    _REGISTRY[dataset_class.name] = dataset_class()
    return dataset_class


def registered_datasets() -> list[Dataset]:
    return list(_REGISTRY.values())


def get_dataset(name: str) -> Dataset | None:
    return _REGISTRY.get(name)


def _map_headers(dataset: Dataset, header: list[Any], result: ImportResult) -> dict[str, int] | None:
    lookup: dict[str, Column] = {}
    for col in dataset.columns:
        lookup[_normalise_header(col.header)] = col
        lookup[_normalise_header(col.key)] = col
        lookup[_normalise_header(col.label())] = col
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        found = lookup.get(_normalise_header(cell))
        if found is None:
            continue
        if found.key in positions:
            result.add_error(_("列重复"), row=1, column=parsers.text(cell))
            continue
        positions[found.key] = index
    for col in dataset.columns:
        if col.required and col.key not in positions:
            result.add_error(_("缺少必需的列“%(header)s”（或英文列名 %(key)s）") % {"header": col.header, "key": col.key},
                             row=1, column=col.header)
    return None if result.error_count else positions


def run_import(dataset: Dataset, fh: IO[bytes], filename: str, user: Actor, *, dry_run: bool = False,
               limits: Limits | None = None) -> ImportResult:
    """Import one file: every row valid and written, or nothing written and every error listed (and then
    nothing counted as created, updated or unchanged)."""
    result = ImportResult(dataset=dataset.name, filename=filename)
    if not dataset.can_import(user):
        result.add_error(_("您没有导入“%(label)s”的权限") % {"label": dataset.label})
        return result
    limits = limits or Limits.from_settings()
    digest = hashlib.sha256()
    try:
        check_name(filename)
        check_size(fh, limits)
        with transaction.atomic():
            _run(dataset, fh, filename, user, result, digest, limits)
            if result.error_count or dry_run:
                raise _Rollback
            if dataset.source:  # what was derived from this source, from the earliest day written on, is stale
                from .. import versions

                versions.changed(dataset.source, result.earliest_day)
            audit.record(
                user, AuditAction.IMPORT, object_type=f"import.{dataset.name}", object_repr=filename[:300],
                detail={k: v for k, v in result.as_dict().items() if k != "errors"} | {"sha256": digest.hexdigest()},
            )
    except _Rollback:
        pass
    except CellError as exc:  # the file itself (encoding, format, limits)
        result.add_error(str(exc))
    except OutOfScope:
        result.add_error(_("导入的数据超出您的权限范围，未写入任何数据"))
    if not result.ok:
        result.created = result.updated = result.unchanged = 0  # nothing was written
    return result


def _run(dataset: Dataset, fh: IO[bytes], filename: str, user: Actor, result: ImportResult, digest: Any,
         limits: Limits) -> None:
    fh.seek(0)
    for chunk in iter(lambda: fh.read(1 << 20), b""):
        digest.update(chunk)
    fh.seek(0)
    rows = iter_rows(fh, filename, limits)
    try:
        _read(dataset, rows, user, result, limits)
    finally:
        rows.close()  # type: ignore[attr-defined]


def _read(dataset: Dataset, rows: Any, user: Actor, result: ImportResult, limits: Limits) -> None:
    header = next(rows, None)
    if header is None:
        result.add_error(_("文件为空"))
        return
    positions = _map_headers(dataset, header, result)
    if positions is None:
        return
    headers = {key: parsers.text(header[index]) for key, index in positions.items()}
    ctx = RowContext(result, headers, dataset)
    state = dataset.prepare(user)
    seen: dict[tuple[Any, ...], int] = {}
    batch: list[tuple[int, dict[str, Any]]] = []
    columns = [c for c in dataset.columns if c.key in positions]
    row_number = 1
    for raw in rows:
        row_number += 1
        if all(parsers.is_blank(v) for v in raw):
            continue
        result.rows += 1
        if result.rows > limits.max_rows:
            raise FileTooLarge(_("文件超过 %(n)d 行的上限，请分批导入") % {"n": limits.max_rows})
        ctx.row, ctx.failed = row_number, False
        values: dict[str, Any] = {}
        for col in columns:
            index = positions[col.key]
            cell = raw[index] if index < len(raw) else None
            if parsers.is_blank(cell):
                if col.blank:
                    values[col.key] = col.default
                else:
                    ctx.error(col.key, _("不能为空"))
                continue
            try:
                if isinstance(cell, str):
                    col.check_length(cell.strip())  # before parsing: nothing oversized or with NUL goes further
                values[col.key] = col.parse(cell)
                col.check_length(values[col.key])
                parsers.check_day(values[col.key], col.when)
            except CellError as exc:
                ctx.error(col.key, str(exc), cell)
        if ctx.failed:
            continue
        key = dataset.key_of(values)
        if key in seen:
            ctx.error(dataset.natural_key[0], _("与第%(row)d行重复（%(key)s）") % {
                "row": seen[key], "key": "/".join(parsers.text(k) for k in key)})
            continue
        seen[key] = row_number
        dataset.check_row(values, ctx, state, user)
        if ctx.failed:
            continue
        if dataset.day_column and values.get(dataset.day_column) is not None and (
                result.earliest_day is None or values[dataset.day_column] < result.earliest_day):
            result.earliest_day = values[dataset.day_column]
        if dataset.batch_size is None:  # small dataset: checked as a whole at the end
            batch.append((row_number, values))
            continue
        if result.error_count:
            continue  # once the file has an error nothing is written; keep checking the rest
        batch.append((row_number, values))
        if dataset.batch_size and len(batch) >= dataset.batch_size:
            dataset.write_batch(batch, ctx, state, user, result)
            batch = []
    if dataset.batch_size is None:
        dataset.check_all(batch, ctx, state, user)
    if batch and not result.error_count:
        dataset.write_batch(batch, ctx, state, user, result)
    if result.rows == 0 and not result.error_count:
        result.add_error(_("文件中没有数据行"))


def describe_columns(dataset: Dataset) -> Iterable[dict[str, Any]]:
    for col in dataset.columns:
        yield {"header": col.header, "key": col.key, "required": col.required and not col.blank,
               "example": col.example, "help": col.help}


__all__ = ["FileTooLarge", "CellError", "Column", "Dataset", "ImportErrorItem", "ImportResult", "Row", "RowContext",
           "gettext_lazy", "owner_of"]
