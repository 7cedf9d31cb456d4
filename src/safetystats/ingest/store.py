"""The DuckDB store: one table per dataset (typed, upserted by key), its history, the
ingest log and the held rows. One transaction per file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from safetystats.ingest.spec import SQL_TYPES, DatasetSpec
from safetystats.sql import load_sql

BOOKKEEPING = [
    ("_key", "VARCHAR"),
    ("_file_id", "BIGINT"),
    ("_sheet", "VARCHAR"),
    ("_row", "BIGINT"),
]


def fetch_frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None
) -> pl.DataFrame:
    """A query's result as a polars frame (through Arrow)."""
    return pl.from_arrow(con.sql(sql, params=params).to_arrow_table())


def connect(db: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    db.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(db), read_only=read_only)


def _ddl(table: str, spec: DatasetSpec, extra: list[tuple[str, str]]) -> str:
    cols = [f'"{n}" {SQL_TYPES[dt]}' for n, dt in spec.stored_columns()] + [
        f'"{n}" {t}' for n, t in extra
    ]
    return f'CREATE TABLE IF NOT EXISTS "{table}" ({", ".join(cols)})'


def ensure_schema(con: duckdb.DuckDBPyConnection, specs: dict[str, DatasetSpec]) -> None:
    con.execute(load_sql("schema_bookkeeping"))
    for name, spec in specs.items():
        con.execute(_ddl(name, spec, BOOKKEEPING))
        con.execute(
            _ddl(
                f"{name}_history",
                spec,
                BOOKKEEPING + [("_replaced_by_file_id", "BIGINT"), ("_replaced_at", "TIMESTAMP")],
            )
        )


def known_sha(con: duckdb.DuckDBPyConnection, sha: str) -> bool:
    return (
        con.execute("SELECT count(*) FROM ingest_files WHERE sha256 = ?", [sha]).fetchall()[0][0]
        > 0
    )


def new_file_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT nextval('file_id_seq')").fetchall()[0][0]


def upsert(
    con: duckdb.DuckDBPyConnection,
    spec: DatasetSpec,
    staged: pl.DataFrame,
    file_id: int,
    now: datetime,
) -> None:
    """Later ingestion wins; replaced rows move to the history table with their file."""
    frame = staged.with_columns(
        pl.concat_str([pl.col(k).cast(pl.String) for k in spec.key], separator="/").alias("_key"),
        pl.lit(file_id, dtype=pl.Int64).alias("_file_id"),
    )
    con.register("staged_rows", frame.to_arrow())
    try:
        match = " AND ".join(f't."{k}" = s."{k}"' for k in spec.key)
        con.execute(
            f'INSERT INTO "{spec.name}_history" SELECT t.*, ? AS _replaced_by_file_id, ? AS _replaced_at '
            f'FROM "{spec.name}" t WHERE EXISTS (SELECT 1 FROM staged_rows s WHERE {match})',
            [file_id, now],
        )
        con.execute(f'DELETE FROM "{spec.name}" t USING staged_rows s WHERE {match}')
        con.execute(f'INSERT INTO "{spec.name}" BY NAME SELECT * FROM staged_rows')
    finally:
        con.unregister("staged_rows")


def insert_held(con: duckdb.DuckDBPyConnection, held: list[dict], file_id: int) -> None:
    if not held:
        return
    con.executemany(
        "INSERT INTO held_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                file_id,
                h["dataset"],
                h["sheet"],
                h["row"],
                h["rule"],
                h["column"],
                h["value"],
                h["record"],
            ]
            for h in held
        ],
    )


def mark_changed(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "INSERT OR REPLACE INTO store_state VALUES ('changed_at', ?)", [datetime.now().isoformat()]
    )
