"""Staging tables: one per dataset (typed, upserted by key) with its history, written one
file per transaction (DATA_SPEC section 5)."""

from __future__ import annotations

from datetime import datetime

import duckdb
import polars as pl

from safetystats.ingest.spec import SQL_TYPES, DatasetSpec
from safetystats.sql import load_sql
from safetystats.store import registered

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
    """Every dataset's table and history table; columns a newer spec added to a store made by
    an older version are added (empty), so an upgrade keeps the store."""
    for name, spec in specs.items():
        for table, extra in ((name, BOOKKEEPING), (f"{name}_history", HISTORY)):
            con.execute(_ddl(table, spec, extra))
            have = {
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table]
                ).fetchall()
            }
            for column, dtype in spec.stored_columns():
                if column not in have:
                    con.execute(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {SQL_TYPES[dtype]}')


def known_sha(con: duckdb.DuckDBPyConnection, sha: str) -> bool:
    return bool(
        con.execute("SELECT count(*) FROM ingest_files WHERE sha256 = ?", [sha]).fetchall()[0][0]
    )


def sample_files_stored(con: duckdb.DuckDBPyConnection, prefix: str) -> int:
    return con.execute(load_sql("staging/sample_files_stored"), {"prefix": prefix}).fetchone()[0]


def new_file_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT nextval('file_id_seq')").fetchall()[0][0]


def upsert(
    con: duckdb.DuckDBPyConnection,
    spec: DatasetSpec,
    staged: pl.DataFrame,
    file_id: int,
    now: datetime,
) -> None:
    """Later ingestion wins; replaced rows move to the history table with their file.
    ``staged`` carries each row's ``_key`` (prepare.record_key)."""
    frame = staged.with_columns(pl.lit(file_id, dtype=pl.Int64).alias("_file_id"))
    with registered(con, "staged_rows", frame):
        for step in ("upsert_history", "upsert_delete", "upsert_insert"):
            sql = load_sql(f"staging/{step}").format(dataset=spec.name)
            params = {"file_id": file_id, "now": now} if step == "upsert_history" else None
            con.execute(sql, params)


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
    """One row of ingest_files (the names of staging/record_file.sql)."""
    con.execute(load_sql("staging/record_file"), values)


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
