"""Staging tables: one per dataset (typed, upserted by key) with its history, written one
file per transaction (DATA_SPEC section 5)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from safetystats import store
from safetystats.config import Settings, packaged
from safetystats.ingest.parts import RowParts
from safetystats.ingest.spec import SQL_TYPES, DatasetSpec
from safetystats.sql import bind, load_sql
from safetystats.store import registered
from safetystats.store_schema import unread_columns

BOOKKEEPING = [
    ("_key", "VARCHAR"),
    ("_file_id", "BIGINT"),
    ("_sheet", "VARCHAR"),
    ("_row", "BIGINT"),
]
HISTORY = BOOKKEEPING + [("_replaced_by_file_id", "BIGINT"), ("_replaced_at", "TIMESTAMP")]


def _ddl(table: str, spec: DatasetSpec, extra: list[tuple[str, str]]) -> str:
    """CREATE TABLE for a dataset's stored columns (generated from its spec) and ``extra``."""
    cols = [f'"{n}" {SQL_TYPES[dt]}' for n, dt in spec.stored_columns()]
    cols += [f'"{n}" {t}' for n, t in extra]
    return f'CREATE TABLE IF NOT EXISTS "{table}" ({", ".join(cols)})'


def ensure_tables(con: duckdb.DuckDBPyConnection, specs: dict[str, DatasetSpec]) -> None:
    """Every dataset's table and history table. A column a newer spec added is added (empty)
    to a table without rows; a store with rows read without it is refused (StoreVersionError
    naming the command that rebuilds the store from the raw files), so that no value reads as
    blank that was never read. (A cell's raw-text column, ``__raw``, is added either way.)"""
    lacking, unread = {}, {}
    for name, spec in specs.items():
        for table, extra in ((name, BOOKKEEPING), (f"{name}_history", HISTORY)):
            con.execute(_ddl(table, spec, extra))
            have = dict(con.execute(load_sql("store/column_types"), {"table": table}).fetchall())
            lacking[table] = [(c, t) for c, t in spec.stored_columns() if c not in have]
            values = [c for c, _ in lacking[table] if not c.endswith("__raw")]
            if values and store.scalar(con, load_sql("store/row_count").format(table=table)):
                unread[name] = sorted(set(unread.get(name, [])) | set(values))
    if unread:
        raise unread_columns(unread)
    add = load_sql("store/add_column")
    for table, columns in lacking.items():
        for column, dtype in columns:
            con.execute(add.format(table=table, column=column, type=SQL_TYPES[dtype]))


# (size, modification time) of each file hashed in this process, by resolved path, until the
# file is recorded: the stat taken before reading, so that a file changed while it was read is
# read again next time
_HASHED: dict[str, tuple[int, int]] = {}


def file_digests(con: duckdb.DuckDBPyConnection, paths: list[Path], read) -> list[str]:
    """Each file's sha256: the one recorded for its path when its size and modification time
    are those recorded (a month's ingest does not read the raw folder's earlier files again),
    else ``read(path)``'s; those are read a few at once (config/performance.toml
    ``hash_threads``: hashlib releases the GIL). Each is recorded with its file
    (:func:`record_file`, in the file's transaction) or, for a file already stored, by
    :func:`record_stat`."""
    found: dict[Path, str] = {}
    todo: list[Path] = []
    for path in paths:
        stat = path.stat()  # taken before reading: a file changed meanwhile is read next time
        key = {"path": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        known = con.execute(load_sql("staging/file_stats_known"), key).fetchone()
        if known:
            found[path] = known[0]
            continue
        _HASHED[key["path"]] = (stat.st_size, stat.st_mtime_ns)
        todo.append(path)
    threads = min(len(todo), os.cpu_count() or 1, packaged("performance")["ingest"]["hash_threads"])
    if threads > 1:
        with ThreadPoolExecutor(threads) as pool:
            found.update(zip(todo, pool.map(read, todo), strict=True))
    else:
        found.update((path, read(path)) for path in todo)
    return [found[path] for path in paths]


def record_stat(con: duckdb.DuckDBPyConnection, path: str, digest: str) -> None:
    """The size and modification time of a file hashed in this process, under its sha256."""
    seen = _HASHED.pop(path, None)
    if seen is not None:
        values = {"path": path, "size": seen[0], "mtime_ns": seen[1], "sha256": digest}
        con.execute(load_sql("staging/file_stats_record"), values)


def known_sha(con: duckdb.DuckDBPyConnection, sha: str) -> bool:
    return bool(
        con.execute("SELECT count(*) FROM ingest_files WHERE sha256 = ?", [sha]).fetchall()[0][0]
    )


def register_same(con: duckdb.DuckDBPyConnection, settings: Settings, since: int) -> None:
    """The temp table register_same (staging/register_same.sql): the register's rows that files
    after ``since`` stored again unchanged, without a kept error. Made once per ``since`` on a
    connection (store.made_once; 0.8 s for a register of 800 k rows sent again whole)."""

    def make():
        have = con.execute(load_sql("store/column_types"), {"table": "enterprises"}).fetchall()
        columns = ", ".join(f'"{c}"' for c in ["_key", *(n for n, _ in have if n[0] != "_")])
        text = load_sql("staging/register_same").format(columns=columns)
        con.execute(text, {"since": since, "errors": settings.error_rules})

    store.made_once(con, "register_same", since, make)


def sample_files_stored(con: duckdb.DuckDBPyConnection, prefix: str) -> int:
    return con.execute(load_sql("staging/sample_files_stored"), {"prefix": prefix}).fetchone()[0]


def new_file_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT nextval('file_id_seq')").fetchall()[0][0]


def upsert(
    con: duckdb.DuckDBPyConnection,
    spec: DatasetSpec,
    staged: pl.DataFrame | RowParts,
    file_id: int,
    now: datetime,
) -> None:
    """Later ingestion wins; replaced rows move to the history table with their file.
    ``staged`` carries each row's ``_key`` (prepare.record_key): a frame, or a file in
    chunks' rows kept on disk. The replaced rows are found in one pass over the table's keys
    within the staged keys' bounds (row groups outside them are skipped: a month's new
    records read no old row group of a big table); when there are none (a file of new
    records) the history and the delete, which read every column, are not run."""
    last = _last_date_key(spec)
    with _staged_rows(con, staged, file_id):
        values = dict(
            zip(("lo", "hi", "last_lo", "last_hi"), _bounds(con, spec, staged, last), strict=True)
        )
        within = f'AND "{last}" BETWEEN $last_lo AND $last_hi' if last else ""
        if _step(con, "upsert_replaced", spec, values, last_bounds=within).fetchone()[0]:
            _step(con, "upsert_history", spec, {"file_id": file_id, "now": now})
            _step(con, "upsert_delete", spec)
        _step(con, "upsert_insert", spec)


def _bounds(con, spec: DatasetSpec, staged: pl.DataFrame | RowParts, last: str | None) -> tuple:
    """The least and greatest staged key, and of the last key column when it is a date
    (upsert_bounds.sql): for a file in parts, those kept as its parts were written (over the
    rows of repeated keys not stored too: wider bounds find the same replaced rows)."""
    if isinstance(staged, RowParts) and (last is None or last in staged.bounds):
        return (*staged.bounds["_key"], *(staged.bounds[last] if last else (None, None)))
    return _step(con, "upsert_bounds", spec, last=f'"{last}"' if last else "NULL").fetchone()


def _last_date_key(spec: DatasetSpec) -> str | None:
    """The dataset's last key column when it is a date or month that is always filled (never
    stood in for by a name): a replaced row has the staged row's key, and so its value of
    that column ('/' joins the key's parts, a date holds none), which bounds the rows to read."""
    last = spec.key[-1]
    column = spec.column(last)
    dated = column.type.split(":")[0] in ("date", "month")
    return last if dated and column.required and not spec.substitute(last) else None


def _step(con: duckdb.DuckDBPyConnection, step: str, spec: DatasetSpec, params=None, **parts: str):
    text = load_sql(f"staging/{step}").format(dataset=spec.name, **parts)
    return con.execute(text, bind(text, params) if params else None)


@contextmanager
def _staged_rows(con: duckdb.DuckDBPyConnection, staged: pl.DataFrame | RowParts, file_id: int):
    """``staged`` readable as ``staged_rows`` with its ``_file_id``, for the block."""
    if isinstance(staged, pl.DataFrame):
        frame = staged.with_columns(pl.lit(file_id, dtype=pl.Int64).alias("_file_id"))
        with registered(con, "staged_rows", frame):
            yield
        return
    values = {"parts": staged.paths, "file_id": file_id, "dropped": staged.dropped}
    con.execute(load_sql("staging/parts_rows"), values)
    con.execute(load_sql("staging/parts_view"))
    yield  # on failure the file's transaction is rolled back, and the view with it
    con.execute(load_sql("staging/parts_view_drop"))


def insert_held(con: duckdb.DuckDBPyConnection, held: list[dict], file_id: int) -> None:
    if not held:
        return
    frame = pl.DataFrame(
        held,
        schema={
            "dataset": pl.String,
            "sheet": pl.String,
            "row": pl.Int64,
            "rule": pl.String,
            "column": pl.String,
            "value": pl.String,
            "record": pl.String,
        },
    )
    with registered(con, "held_frame", frame):
        con.execute(load_sql("staging/insert_held"), {"file_id": file_id})


def record_file(con: duckdb.DuckDBPyConnection, **values) -> None:
    """One row of ingest_files (the names of staging/record_file.sql), and the file's size and
    modification time (:func:`file_digests`)."""
    con.execute(load_sql("staging/record_file"), values)
    record_stat(con, values["path"], values["sha256"])


def record_headers(con: duckdb.DuckDBPyConnection, file_id: int, headers: list[tuple]) -> None:
    """(sheet, column, header as the file wrote it) of one file version."""
    if not headers:
        return
    frame = pl.DataFrame(
        headers,
        schema={"sheet": pl.String, "column_name": pl.String, "header": pl.String},
        orient="row",
    )
    with registered(con, "header_rows", frame):
        con.execute(load_sql("staging/record_headers"), {"file_id": file_id})
