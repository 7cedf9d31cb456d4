"""The store's schema version (DATA_SPEC 5). A store records the version of the schema it was
written with (store_state.schema_version; the stores of 0.x before this file had none:
version 1). A writer opening an older store migrates it in place, in one transaction, after a
backup copy beside it; a store that cannot be migrated, or one of a newer version, is refused
with a message naming the command that rebuilds it from the raw files."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import duckdb

from safetystats.errors import StoreVersionError
from safetystats.sql import execute_folder, load_sql

SCHEMA_VERSION = 2
REBUILD = "safetystats ingest --rebuild"
# what validation and curation kept from the older version: dropped, so both run in full
RESET_STATE = (
    "curated_change",
    "curation_version",
    "curation_fingerprint",
    "curated_file_id",
    "quarantine_curated",
    "gx_fingerprint",
    "gx_file_id",
    "validated_change",
)


def version_of(con: duckdb.DuckDBPyConnection) -> int | None:
    """The store's schema version; None for a new, empty store; 0 for a file that is not a
    safetystats store (or one older than its bookkeeping)."""
    tables = {t for (t,) in con.execute(load_sql("store/tables")).fetchall()}
    if not tables:
        return None
    if not {"store_state", "ingest_files"} <= tables:
        return 0
    found = con.execute(load_sql("store/schema_version")).fetchall()
    return int(found[0][0]) if found else 1


def refusal(db: Path, why_zh: str, why_en: str) -> StoreVersionError:
    return StoreVersionError(
        f"the store {db} {why_en}: rebuild it from the raw files with `{REBUILD}` (the old "
        f"store is kept beside it) / 数据库{why_zh}：请运行 `{REBUILD}` 从原始台账重建（旧库保留在旁边）"
    )


def unread_columns(missing: dict[str, list[str]]) -> StoreVersionError:
    """The refusal of a store whose rows were read by a version that did not read columns
    this version reads (dataset → columns)."""
    listed = "; ".join(f"{d}: {', '.join(c)}" for d, c in missing.items())
    return StoreVersionError(
        f"the store holds rows read by an older safetystats that did not read these columns "
        f"({listed}); their values would look blank: rebuild the store from the raw files with "
        f"`{REBUILD}` (the old store is kept beside it) / 数据库中的记录由旧版本读取，缺少这些列"
        f"（{listed}），请运行 `{REBUILD}` 从原始台账重建"
    )


def check(con: duckdb.DuckDBPyConnection, db: Path) -> int | None:
    """The store's version when this version can use it as it is (None: a new store); raises
    StoreVersionError for a newer store or one that cannot be migrated. An older store that
    can be migrated returns its version (a writer then calls ``migrate``)."""
    version = version_of(con)
    if version is not None and version > SCHEMA_VERSION:
        raise StoreVersionError(
            f"the store {db} was written by a newer safetystats (store schema {version}; this "
            f"version reads schema {SCHEMA_VERSION}): update safetystats, or rebuild the store "
            f"with `{REBUILD}` / 数据库由更新版本的 safetystats 写入，请升级本程序或运行 `{REBUILD}` 重建"
        )
    if version == 0:
        raise refusal(
            db,
            "不是本程序的数据库或版本过旧",
            "is not a safetystats store, or one too old to migrate",
        )
    return version


def backup_path(db: Path, version: int) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return db.with_name(f"{db.stem}.schema{version}-{stamp}.bak{db.suffix}")


def copy_beside(db: Path, version: int) -> Path:
    """A copy of the store (and its write-ahead log) beside it, before it is migrated."""
    backup = backup_path(db, version)
    try:
        shutil.copy2(db, backup)
        wal = db.with_name(db.name + ".wal")
        if wal.exists():
            shutil.copy2(wal, backup.with_name(backup.name + ".wal"))
    except BaseException:
        backup.unlink(missing_ok=True)
        backup.with_name(backup.name + ".wal").unlink(missing_ok=True)
        raise
    return backup


def _sync_bookkeeping(con: duckdb.DuckDBPyConnection) -> None:
    """The store's own tables as this version writes them: missing tables created, missing
    columns added (empty) to the tables an older version made."""
    execute_folder(con, "bookkeeping")
    fresh = duckdb.connect(":memory:")
    try:
        execute_folder(fresh, "bookkeeping")
        wanted = fresh.execute(load_sql("store/all_columns")).fetchall()
    finally:
        fresh.close()
    have = {(t, c) for t, c, _ in con.execute(load_sql("store/all_columns")).fetchall()}
    for table, column, dtype in wanted:
        if (table, column) not in have:
            con.execute(load_sql("store/add_column").format(table=table, column=column, type=dtype))


def _to_2(con: duckdb.DuckDBPyConnection) -> None:
    """1 → 2: the bookkeeping of this version; validation and curation run again in full
    (curated tables and marts are rebuilt with every column this version reads)."""
    _sync_bookkeeping(con)
    con.execute(load_sql("store/forget_state"), {"names": list(RESET_STATE)})


MIGRATIONS = {1: _to_2}  # from version → the step to the next


def migrate(con: duckdb.DuckDBPyConnection, version: int) -> None:
    """Every step from ``version`` to SCHEMA_VERSION, then the new version recorded (inside
    the caller's transaction)."""
    for step in range(version, SCHEMA_VERSION):
        MIGRATIONS[step](con)
    stamp(con)


def stamp(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(load_sql("store/set_schema_version"), {"version": str(SCHEMA_VERSION)})
