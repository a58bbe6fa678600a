"""Fast multi-row inserts for imports: ``COPY`` on PostgreSQL, one prepared INSERT run with ``executemany``
elsewhere.

Django's ``bulk_create`` compiles every value through the ORM, which dominates an import of hundreds of
thousands of rows. Here only the fields that need the database's own form (dates, times, JSON, decimals)
are prepared; the rest pass through as they are. Same transaction, same database, no raw SQL elsewhere.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from django.db import connection, models

_PREPARED = (models.DateTimeField, models.DateField, models.TimeField, models.JSONField, models.DecimalField,
             models.UUIDField, models.BooleanField)


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]],
                batch_size: int = 5000, ready: Collection[str] = ()) -> int:
    """Insert ``rows`` (values in the order of ``fields``) into ``model``'s table; returns the count. ``ready``: the
    fields whose values are given already in the database's form (:func:`prepared`), for a caller that writes one
    value on many rows (a day, a time) and prepares it once."""
    opts = model._meta
    columns: list[models.Field] = [opts.get_field(name) for name in fields]  # type: ignore[misc]
    prepare = [(i, col) for i, col in enumerate(columns) if isinstance(col, _PREPARED) and fields[i] not in ready]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(str(c.column)) for c in columns)}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    if connection.vendor == "postgresql":
        return _copy_rows(opts.db_table, columns, prepare, rows)
    count = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            values = list(row)
            for index, col in prepare:
                values[index] = col.get_db_prep_save(values[index], connection)
            batch.append(values)
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def prepared(model: type[models.Model], name: str, value: Any) -> Any:
    """``value`` of field ``name`` of ``model`` in the database's form, as :func:`insert_rows` would write it."""
    return model._meta.get_field(name).get_db_prep_save(value, connection)  # type: ignore[union-attr]


def _copy_rows(table: str, columns: list[models.Field], prepare: Sequence[tuple[int, models.Field]],
               rows: Iterable[Sequence[Any]]) -> int:
    """PostgreSQL: ``COPY … FROM STDIN`` through psycopg 3, far cheaper than many INSERTs."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(str(c.column)) for c in columns)}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            values = list(row)
            for index, col in prepare:
                values[index] = col.get_db_prep_save(values[index], connection)
            copy.write_row(values)
            count += 1
    return count
