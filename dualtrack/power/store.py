"""Importing power readings into the columnar store (``dualtrack import power FILE``).

Accepted files: CSV (UTF-8, UTF-8 with BOM, GB18030) or Parquet with the columns 日期[date],
电力户号[account], 用电量[kwh] (daily readings), or 电力户号[account], 时间[timestamp], 用电量[kwh]
(15-minute interval readings, summed per day). DuckDB streams the file: tens of millions of rows are
never held in Python. All or nothing: any bad row rejects the file with its row and column listed;
re-importing the same readings changes nothing (a day's reading of an account is replaced, never added).
"""

from __future__ import annotations

import codecs
import hashlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from dualtrack.core import audit
from dualtrack.core.actors import Actor, Viewer
from dualtrack.core.choices import AuditAction, DateKind
from dualtrack.core.imports import ImportResult
from dualtrack.core.imports.parsers import day_bounds
from dualtrack.core.imports.readers import FileFormatError, detect_encoding
from dualtrack.core.lazy import lazy

from .engine import readings_path
from .policy import imports_readings

if TYPE_CHECKING:
    import duckdb
else:
    duckdb = lazy("duckdb")

HEADERS = {
    "date": ("日期", "date"), "account": ("电力户号", "account"), "kwh": ("用电量", "kwh"),
    "timestamp": ("时间", "timestamp"),
}
MAX_ERRORS = 1000


def _normalise(name: str) -> str:
    return name.replace("\ufeff", "").strip().lower()


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    names = [row[0] for row in con.execute(f"DESCRIBE {relation}").fetchall()]
    found: dict[str, str] = {}
    for name in names:
        for key, aliases in HEADERS.items():
            if _normalise(name) in {a.lower() for a in aliases}:
                found[key] = name
    return found


def _utf8_copy(path: Path, folder: Path) -> Path:
    """DuckDB reads UTF-8; a GB18030 file is transcoded as a stream into a temporary copy."""
    with path.open("rb") as fh:
        encoding = detect_encoding(fh)
    if encoding != "gb18030":
        return path
    target = folder / "utf8.csv"
    with path.open("rb") as src, target.open("wb") as dst:
        decoder = codecs.getincrementaldecoder("gb18030")()
        for chunk in iter(lambda: src.read(1 << 20), b""):
            dst.write(decoder.decode(chunk).encode("utf-8"))
        dst.write(decoder.decode(b"", final=True).encode("utf-8"))
    return target


def _ident(name: str) -> str:
    """A column name from the file as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    """A path as an SQL string literal (view definitions cannot take parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def can_import(user: Viewer) -> bool:
    return imports_readings(user)


def import_power(path: Path, user: Actor, *, store: Path | None = None) -> ImportResult:
    result = ImportResult(dataset="power", filename=path.name)
    if not can_import(user):
        result.add_error(_("您没有导入“%(label)s”的权限") % {"label": _("用电量")})
        return result
    root = store or readings_path()
    with tempfile.TemporaryDirectory(prefix="power-import-") as work:
        workdir = Path(work)
        con = duckdb.connect(str(workdir / "import.duckdb"),
                             config={"threads": int(os.environ.get("POWER_THREADS", os.cpu_count() or 2)),
                                     "preserve_insertion_order": True})
        try:
            _stage(con, path, workdir, result)
            if result.ok:
                _write(con, root, workdir, result)
        except (duckdb.Error, FileFormatError) as exc:
            result.add_error(_("无法读取文件： %(error)s") % {"error": str(exc).splitlines()[0]})
        finally:
            con.close()
    if result.ok:
        from dualtrack.core import versions

        versions.changed("power", getattr(result, "earliest_day", None))
        audit.record(user, AuditAction.IMPORT, object_type="import.power", object_repr=path.name[:300],
                     detail={k: v for k, v in result.as_dict().items() if k != "errors"} | {"sha256": _digest(path)})
    return result


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _stage(con: duckdb.DuckDBPyConnection, path: Path, workdir: Path, result: ImportResult) -> None:
    """Load the file into a staging table of (row, date, account, kwh) with every error listed."""
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == b"PAR1":
        con.execute(f"CREATE VIEW src AS SELECT *, row_number() OVER () + 1 AS _row FROM read_parquet({_literal(path)})")
    else:
        source = _utf8_copy(path, workdir)
        con.execute(f"CREATE VIEW src AS SELECT *, row_number() OVER () + 1 AS _row FROM read_csv({_literal(source)}, "
                    "header = true, all_varchar = true, delim = ',', quote = '\"')")
    cols = _columns(con, "src")
    interval = "timestamp" in cols and "date" not in cols
    needed = ["account", "kwh", "timestamp" if interval else "date"]
    missing = [k for k in needed if k not in cols]
    for key in missing:
        result.add_error(_("缺少必需的列“%(header)s”（或英文列名 %(key)s）") % {
            "header": HEADERS[key][0], "key": key}, row=1, column=HEADERS[key][0])
    if missing:
        return
    when = _ident(cols["timestamp" if interval else "date"])
    account, kwh = _ident(cols["account"]), _ident(cols["kwh"])
    when_expr = (f"try_cast(try_cast({when} AS TIMESTAMP) AS DATE)" if interval
                 else f"coalesce(try_cast({when} AS DATE), try_strptime(CAST({when} AS VARCHAR), '%Y/%m/%d')::DATE)")
    # Identifiers are quoted by _ident; no value from the file is spliced into the SQL.
    con.execute(f"""
        CREATE TABLE staged AS SELECT _row,
            CAST({when} AS VARCHAR) AS raw_when, {when_expr} AS date,
            trim(CAST({account} AS VARCHAR)) AS account,
            CAST({kwh} AS VARCHAR) AS raw_kwh, try_cast({kwh} AS DOUBLE) AS kwh
        FROM src""")
    result.rows = con.execute("SELECT count(*) FROM staged").fetchone()[0]  # type: ignore[index]
    earliest, latest = day_bounds(DateKind.EVENT)  # a reading is a day of data: as every import column's dates
    checks = [
        ("date IS NULL", HEADERS["timestamp" if interval else "date"][0], "raw_when",
         _("不是有效时间(YYYY-MM-DD HH:MM)") if interval else _("不是有效日期(格式 YYYY-MM-DD)")),
        ("account IS NULL OR account = ''", HEADERS["account"][0], "account", _("不能为空")),
        ("kwh IS NULL", HEADERS["kwh"][0], "raw_kwh", _("不是数字")),
        ("kwh < 0", HEADERS["kwh"][0], "raw_kwh", _("不能为负数")),
        (f"date < DATE '{earliest.isoformat()}'", HEADERS["timestamp" if interval else "date"][0], "raw_when",
         _("日期不能早于%(low)s") % {"low": earliest.isoformat()}),
        (f"date > DATE '{latest.isoformat()}'", HEADERS["timestamp" if interval else "date"][0], "raw_when",
         _("日期晚于今天")),
    ]
    for condition, column, value, message in checks:
        for row, raw in con.execute(f"SELECT _row, {value} FROM staged WHERE {condition} ORDER BY _row "
                                    f"LIMIT {MAX_ERRORS}").fetchall():
            result.add_error(message, row=row, column=column, value=raw)
    key = "date, account, raw_when" if interval else "date, account"
    duplicates = (
        "SELECT _row, first_row, account FROM (SELECT _row, account, "
        f"min(_row) OVER (PARTITION BY {key}) AS first_row FROM staged "
        "WHERE date IS NOT NULL AND account IS NOT NULL) "
        f"WHERE _row <> first_row ORDER BY _row LIMIT {MAX_ERRORS}")
    for row, first, raw in con.execute(duplicates).fetchall():
        result.add_error(_("与第%(row)d行重复（%(key)s）") % {"row": first, "key": raw}, row=row,
                         column=HEADERS["account"][0], value=raw)
    if result.error_count:
        result.errors.sort(key=lambda e: (e.row or 0))
        return
    con.execute("CREATE TABLE daily AS SELECT date, account, sum(kwh) AS kwh FROM staged GROUP BY date, account")


def _write(con: duckdb.DuckDBPyConnection, root: Path, workdir: Path, result: ImportResult) -> None:
    """Merge each day of the file with that day's stored readings; swap the day files in at the end."""
    root.mkdir(parents=True, exist_ok=True)
    days = [d for (d,) in con.execute("SELECT DISTINCT date FROM daily ORDER BY date").fetchall()]
    result.earliest_day = days[0] if days else None
    prepared: list[tuple[Path, Path]] = []
    for day in days:
        target = root / day.isoformat() / "readings.parquet"
        new = workdir / f"{day.isoformat()}-{uuid.uuid4().hex}.parquet"
        if target.exists():
            counts = con.execute("""
                SELECT count(*) FILTER (WHERE o.account IS NULL),
                       count(*) FILTER (WHERE o.account IS NOT NULL AND o.kwh <> n.kwh),
                       count(*) FILTER (WHERE o.kwh = n.kwh)
                FROM (SELECT * FROM daily WHERE date = ?) n LEFT JOIN read_parquet(?) o USING (account)""",
                                 [day, str(target)]).fetchone()
            created, updated, unchanged = counts  # type: ignore[misc]
            if created == 0 and updated == 0:
                result.unchanged += unchanged
                continue
            merge = (
                "COPY (SELECT date, account, kwh FROM ("
                "SELECT date, account, kwh, 1 AS src FROM daily WHERE date = ? "
                "UNION ALL SELECT date, account, kwh, 0 AS src FROM read_parquet(?)) "
                "QUALIFY row_number() OVER (PARTITION BY account ORDER BY src DESC) = 1 ORDER BY account) "
                f"TO {_literal(new)} (FORMAT parquet, COMPRESSION zstd)")
            con.execute(merge, [day, str(target)])
        else:
            created, updated, unchanged = con.execute("SELECT count(*), 0, 0 FROM daily WHERE date = ?",
                                                      [day]).fetchone()  # type: ignore[misc]
            con.execute(f"COPY (SELECT date, account, kwh FROM daily WHERE date = ? ORDER BY account) "
                        f"TO {_literal(new)} (FORMAT parquet, COMPRESSION zstd)", [day])
        result.created += created
        result.updated += updated
        result.unchanged += unchanged
        prepared.append((new, target))
    for new, target in prepared:  # every day is written before any is swapped in
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(new), str(target.with_suffix(".tmp")))
        os.replace(target.with_suffix(".tmp"), target)
