"""Hostile files as a standing sweep (#26): EVERY registered dataset (and every file importer) is given a file with
its header and one row whose every cell is a hostile value (far dates, non-dates, huge integers, -1, 1e999, 3000
characters, control characters, unknown codes), imported by HQ and by a district operator. The answer is an error
list naming the row and the column — never an exception — and nothing is written. An absurd date (0001-01-01,
9999-12-31) in any date column is refused naming the row and that column (the runner bounds dates by
``Column.when``). A newly registered dataset is swept without being named here.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from dualtrack.core.imports import Dataset, registered_datasets, run_import
from dualtrack.core.imports.base import ImportResult, file_importer_names, get_file_importer

from .conftest import City
from .helpers import csv_bytes, xlsx_bytes

HUGE = "9" * 40
HOSTILE_CELLS = ["9999-12-31", "0001-01-01", "not-a-date", HUGE, "-1", "1e999", "x" * 3000, "UNKNOWN-代码\x00\x01"]
# As an .xlsx holds them: typed cells the CSV cannot carry.
HOSTILE_TYPED = [1e308, -1.5, -(2**62), dt.date(1900, 1, 1), True]
ABSURD_DATES = ["0001-01-01", "9999-12-31"]
USERS = ["hq", "district"]


def row_counts() -> dict[str, int]:
    """The number of rows of every table of the project's models (one query): what any write would change."""
    tables = sorted({m._meta.db_table for m in apps.get_models() if m._meta.managed and not m._meta.proxy})
    quote = connection.ops.quote_name
    # Table names from the models, quoted: nothing from outside.
    select = ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select}")
        counts = cursor.fetchone()
    return dict(zip(tables, counts, strict=True))


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {t: (before[t], after[t]) for t in before if before[t] != after[t]}


def _is_date_column(dataset: Dataset, key: str) -> bool:
    """Whether a column's cells are days or moments (its parser turns a day into a date or date-time)."""
    column = dataset.column(key)
    try:
        parsed = column.parse("2020-02-18")
    except Exception:  # noqa: BLE001 - a column that does not take a day is not a date column
        return False
    return isinstance(parsed, dt.date)


def _example_row(dataset: Dataset) -> list[Any]:
    return [c.example if c.example not in (None, "") else "1" for c in dataset.columns]


def _import(dataset: Dataset, data: bytes, filename: str, user: Any) -> tuple[ImportResult | None, str]:
    try:
        return run_import(dataset, io.BytesIO(data), filename, user), ""
    except Exception as exc:  # noqa: BLE001 - the defect the sweep looks for
        return None, f"{type(exc).__name__}: {exc}"[:300]


def _refused_cells(dataset: Dataset, value: Any) -> list[str]:
    """The columns that refuse ``value`` on its own (its parser, its length and characters, its date bounds)."""
    from dualtrack.core.imports import parsers

    refused = []
    for column in dataset.columns:
        try:
            if isinstance(value, str):
                column.check_length(value.strip())
            parsed = column.parse(value)
            column.check_length(parsed)
            parsers.check_day(parsed, column.when)
        except parsers.CellError:
            refused.append(column.header)
    return refused


def _judge(dataset: Dataset, value: Any, result: ImportResult | None, crash: str, failures: list[Any],
           where: tuple[Any, ...], allowed: bool) -> bool:
    """Whether the row was written (a row of free text each column takes is a valid row)."""
    if result is None:
        failures.append((*where, "exception", crash))
        return False
    if result.ok:
        refused = _refused_cells(dataset, value)
        if refused:
            failures.append((*where, "accepted though these columns refuse the value", refused))
        return True
    if result.created or result.updated or result.unchanged:
        failures.append((*where, "counted as written", result.as_dict()))
    if allowed and not any(e.row is not None and e.column for e in result.errors):
        failures.append((*where, "no error names a row and a column", [str(e)[:200] for e in result.errors[:5]]))
    return False


@pytest.mark.parametrize("role", USERS)
def test_every_dataset_refuses_hostile_rows(city: City, role: str) -> None:
    user = city.users[role]
    failures: list[Any] = []
    accepted: list[Any] = []
    datasets = registered_datasets()
    assert len(datasets) >= 30
    for dataset in datasets:
        header = [c.header for c in dataset.columns]
        allowed = dataset.can_import(user)
        before = row_counts()
        for value in [*HOSTILE_CELLS, *HOSTILE_TYPED]:
            data, name = ((csv_bytes([header, [value] * len(header)]), "hostile.csv") if isinstance(value, str)
                          else (xlsx_bytes([header, [value] * len(header)]), "hostile.xlsx"))
            result, crash = _import(dataset, data, name, user)
            if _judge(dataset, value, result, crash, failures, (dataset.name, repr(value)[:20]), allowed):
                accepted.append((dataset.name, repr(value)[:20]))
                before = row_counts()  # a valid row of free text was written: what follows is compared to it
                continue
            after = row_counts()
            if changed(before, after):
                failures.append((dataset.name, repr(value)[:20], "written", changed(before, after)))
    print("\naccepted as valid free text:", accepted)
    assert failures == [], failures[:20]


@pytest.mark.parametrize("role", USERS)
def test_absurd_dates_are_refused_naming_row_and_column(city: City, role: str) -> None:
    """Each date column of each dataset in turn holds 0001-01-01 or 9999-12-31, the other cells their examples:
    refused, the error naming row 2 and that column (as CSV text and as an .xlsx date cell)."""
    user = city.users[role]
    failures: list[Any] = []
    swept = 0
    for dataset in registered_datasets():
        if not dataset.can_import(user):
            continue
        header = [c.header for c in dataset.columns]
        before = row_counts()
        for index, column in enumerate(dataset.columns):
            if not _is_date_column(dataset, column.key):
                continue
            for value in ABSURD_DATES:
                swept += 1
                for cell, filename in ((value, "dates.csv"), (dt.datetime.fromisoformat(value), "dates.xlsx")):
                    row = _example_row(dataset)
                    row[index] = cell
                    data = csv_bytes([header, row]) if filename.endswith(".csv") else xlsx_bytes([header, row])
                    result, crash = _import(dataset, data, filename, user)
                    where = (dataset.name, column.header, value, filename)
                    if result is None:
                        failures.append((*where, "exception", crash))
                    elif result.ok or (2, column.header) not in {(e.row, e.column) for e in result.errors}:
                        failures.append((*where, "not refused at row 2 in that column",
                                         [str(e)[:120] for e in result.errors[:5]]))
        if changed(before, row_counts()):
            failures.append((dataset.name, "written", changed(before, row_counts())))
    assert swept >= (20 if role == "hq" else 1)
    assert failures == [], failures[:20]


@pytest.mark.parametrize("role", USERS)
def test_every_file_importer_refuses_hostile_rows(city: City, role: str, tmp_path: Path) -> None:
    """The importers of whole files (power readings): the same hostile rows, refused, nothing stored."""
    from dualtrack.power.engine import readings_path

    user = city.users[role]
    failures: list[Any] = []
    names = file_importer_names()
    assert "power" in names
    header = ["日期", "电力户号", "用电量"]
    for name in names:
        importer = get_file_importer(name)
        assert importer is not None
        before = row_counts()
        stored = sorted(p.name for p in readings_path().rglob("*")) if readings_path().exists() else []
        cells = [*HOSTILE_CELLS, *[[d, "J1", "10"] for d in ABSURD_DATES]]
        for value in cells:
            row = value if isinstance(value, list) else [value] * len(header)
            path = tmp_path / "hostile.csv"
            path.write_bytes(csv_bytes([header, row]))
            try:
                result = importer(path, user)
            except Exception as exc:  # noqa: BLE001 - the defect the sweep looks for
                failures.append((name, repr(row)[:60], "exception", f"{type(exc).__name__}: {exc}"[:300]))
                continue
            if result.ok:
                failures.append((name, repr(row)[:60], "accepted"))
            elif role == "hq" and not any(e.row is not None and e.column for e in result.errors):
                failures.append((name, repr(row)[:60], "no row and column", [str(e)[:120] for e in result.errors]))
        after_stored = sorted(p.name for p in readings_path().rglob("*")) if readings_path().exists() else []
        if changed(before, row_counts()) or after_stored != stored:
            failures.append((name, "written", changed(before, row_counts()), after_stored))
    assert failures == [], failures[:20]
