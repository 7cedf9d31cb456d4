"""The DuckDB store, as every layer opens it.

DuckDB allows one writing process per file, and a reader cannot open a file that a writer
holds. Writers (ingest, validate, curate) therefore take an exclusive lock on ``<db>.lock``
and wait for it; readers (metrics, bulletins, notebooks) take a shared lock and never wait:
they say that a writer is at work. Reads never write: a reader opens the store read-only and
refuses a store that changed since it was last validated and curated.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from safetystats import store_schema
from safetystats.errors import StoreBusyError, StoreNotReadyError, disk_error
from safetystats.sql import execute_folder, load_sql, names_in

LOCK_TIMEOUT_ENV = "SAFETYSTATS_LOCK_TIMEOUT"
MEMORY_LIMIT_ENV = "SAFETYSTATS_MEMORY_LIMIT"  # e.g. 4GB: overrides config/performance.toml
DEFAULT_LOCK_TIMEOUT = 600.0  # seconds a writer waits for another writer or readers
# bumped when curation builds new tables: a store curated by an older version is curated again
CURATION_VERSION = "8"


def fetch_frame(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> pl.DataFrame:
    """A query's result as a polars frame, through the Arrow C stream that DuckDB hands to
    polars directly: the same frame as through a pyarrow table, without importing pyarrow and
    numpy (0.17 s of CPU, most of what `attainment` imports beyond polars and DuckDB)."""
    return pl.DataFrame(con.sql(sql, params=params))


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params=None):
    return con.execute(sql, params or []).fetchall()[0][0]


def _lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def _acquire(db: Path, mode: int, timeout: float):
    """Open and lock ``<db>.lock``; the file object holds the lock until closed."""
    path = _lock_path(db)
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+")
    except OSError as exc:
        raise StoreBusyError(
            f"cannot use the store folder {db.parent}: {exc.strerror} (数据库目录不可写或不存在)"
        ) from exc
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if time.monotonic() >= deadline:
                handle.close()
                raise StoreBusyError(_busy_message(db, mode, timeout)) from None
            time.sleep(0.1)


def _busy_message(db: Path, mode: int, timeout: float) -> str:
    if mode == fcntl.LOCK_SH:
        return (
            f"the store {db} is being written by another safetystats process (ingest or "
            "validate); try again when it has finished (数据库正在被其他进程写入，请稍后再试)"
        )
    return (
        f"the store {db} stayed in use by another safetystats process for {timeout:.0f} s; "
        f"try again later or raise {LOCK_TIMEOUT_ENV} (数据库被其他进程占用)"
    )


def _vacuum(step: str | None) -> dict:
    """DuckDB's ``max_vacuum_tasks`` for a writer's step (config/performance.toml
    ``[store.step_vacuum_tasks]``; else DuckDB's default): how many merges of a table's partly
    filled row groups holding deleted rows its checkpoint may do. A monthly update's ingest
    appends a few thousand rows; merging the row groups beside them rewrote up to three full
    row groups (0.5 s of CPU, 1 s of wall time for the 4x drills), which 0 leaves as they are."""
    from safetystats.config import packaged

    tasks = packaged("performance")["store"].get("step_vacuum_tasks", {}).get(step)
    return {} if tasks is None else {"max_vacuum_tasks": tasks}


def _memory_limit(step: str | None = None) -> dict:
    """DuckDB's memory limit for a connection (config/performance.toml ``[store]``: the
    ``step_memory_limit`` of the writer's step, else ``memory_limit``; the environment's
    SAFETYSTATS_MEMORY_LIMIT overrides both): beyond it DuckDB spills to a folder beside the
    store instead of holding a national year's tables in memory (docs/scaling.md); blank:
    DuckDB's default, 80 % of the machine's memory."""
    from safetystats.config import packaged

    rules = packaged("performance")["store"]
    limit = os.environ.get(MEMORY_LIMIT_ENV) or (
        rules.get("step_memory_limit", {}).get(step) or rules["memory_limit"]
    )
    return {"memory_limit": limit} if limit else {}


def _connect(db: Path, read_only: bool, step: str | None = None) -> duckdb.DuckDBPyConnection:
    try:
        config = _memory_limit(step) | _vacuum(step)
        return duckdb.connect(str(db), read_only=read_only, config=config)
    except duckdb.Error as exc:
        full = disk_error(exc)
        if full is not None:
            raise full from exc
        if not isinstance(exc, duckdb.IOException):
            raise
        text = str(exc)
        if "lock" in text.lower():
            raise StoreBusyError(
                f"the store {db} is open in another program (a DuckDB shell or notebook that "
                "writes to it); close it and try again (数据库被其他程序占用)"
            ) from exc
        raise StoreBusyError(f"cannot open the store {db}: {text.splitlines()[0]}") from exc


@contextmanager
def shared_lock(db: Path):
    """Hold the readers' lock (no DuckDB connection): writers wait until it is released."""
    handle = _acquire(db, fcntl.LOCK_SH, 0)
    try:
        yield
    finally:
        handle.close()


@contextmanager
def writer(db: Path, timeout: float | None = None, step: str | None = None):
    """A read-write connection, after the writers' lock (waits up to ``timeout`` seconds);
    ``step`` (ingest, validate) chooses its memory limit."""
    if timeout is None:
        timeout = float(os.environ.get(LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT))
    handle = _acquire(db, fcntl.LOCK_EX, timeout)
    try:
        con = _open_current(db, step)
        try:
            ensure_bookkeeping(con)
            yield con
        except Exception as exc:
            _close(con, quiet=True)
            full = disk_error(exc)
            if full is None or full is exc:
                raise
            raise full from exc
        except BaseException:
            _close(con, quiet=True)
            raise
        _close(con)
    finally:
        handle.close()


def _close(con: duckdb.DuckDBPyConnection, quiet: bool = False) -> None:
    """Close a writer's connection (DuckDB checkpoints then: a full disk is said as one;
    ``quiet`` after another error, which is the one raised)."""
    try:
        con.close()
    except duckdb.Error as exc:
        if quiet:
            return
        full = disk_error(exc)
        if full is None:
            raise
        raise full from exc


def _open_current(db: Path, step: str | None = None) -> duckdb.DuckDBPyConnection:
    """A writer's connection to a store of this version's schema: a new store is stamped, an
    older one migrated in place (one transaction, after a backup copy beside it); a newer one,
    or one that cannot be migrated, is refused (StoreVersionError)."""
    con = _connect(db, read_only=False, step=step)
    try:
        version = store_schema.check(con, db)
        if version is None:
            ensure_bookkeeping(con)
            store_schema.stamp(con)
        elif version < store_schema.SCHEMA_VERSION:
            con.close()
            backup = store_schema.copy_beside(db, version)
            con = _connect(db, read_only=False, step=step)
            try:
                with transaction(con):
                    store_schema.migrate(con, version)
            except duckdb.Error as exc:
                raise store_schema.refusal(
                    db,
                    f"无法从第 {version} 版迁移（未做任何修改，备份：{backup.name}）",
                    f"could not be migrated from schema {version} ({str(exc).splitlines()[0]}; "
                    f"it is unchanged, a copy is at {backup})",
                ) from exc
        return con
    except BaseException:
        con.close()
        raise


@contextmanager
def reader(db: Path, require_curated: bool = True):
    """A read-only connection. Raises StoreNotReadyError when the store does not exist or
    changed since it was last curated, StoreBusyError when a writer is at work. It does not
    know the settings: whether the store was curated under the current settings and registry
    is pipeline.refresh's question, which every command asks before it reads."""
    if not db.exists():
        raise StoreNotReadyError(
            f"no store at {db}: run `safetystats ingest` first (还没有数据库，请先导入台账)"
        )
    with shared_lock(db):
        con = _connect(db, read_only=True)
        try:
            version = store_schema.check(con, db)
            if version is not None and version < store_schema.SCHEMA_VERSION:
                raise StoreNotReadyError(
                    f"the store {db} was written by an older safetystats: run `safetystats "
                    "validate` to update it (a copy is kept beside it) "
                    "(数据库由旧版本写入，请先运行 safetystats validate 升级)"
                )
            if require_curated and not is_curated(con):
                raise StoreNotReadyError(
                    f"the store {db} changed since it was last validated: run "
                    "`safetystats validate` first (数据已更新，请先运行 safetystats validate)"
                )
            yield con
        finally:
            con.close()


def set_aside(db: Path) -> Path | None:
    """Move the store (and its write-ahead log) aside, under the writers' lock, so that a new
    one is built in its place; returns where it went (None: there was no store)."""
    handle = _acquire(
        db, fcntl.LOCK_EX, float(os.environ.get(LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT))
    )
    try:
        if not db.exists():
            return None
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = db.with_name(f"{db.stem}.before-rebuild-{stamp}{db.suffix}")
        wal = db.with_name(db.name + ".wal")
        if wal.exists():
            wal.rename(aside.with_name(aside.name + ".wal"))
        db.rename(aside)
        return aside
    finally:
        handle.close()


def rules_fingerprint(settings, *files: Path) -> str:
    """A digest of what validation and curation read besides the store: the settings without
    their paths (a store moved elsewhere is not new), this version's curation, and ``files``
    (the suites, the registry)."""
    import hashlib

    from safetystats.config import settings_toml

    h = hashlib.sha256(settings_toml(settings, paths=False).encode())
    h.update(CURATION_VERSION.encode())
    for path in files:
        h.update(path.name.encode() + (path.read_bytes() if path.exists() else b""))
    return h.hexdigest()


# the code that resolves district values (validate keeps what it resolved: district_map)
RESOLVER = (Path(__file__).parent / "registry.py", Path(__file__).parent / "normalize.py")


def curation_rules(settings) -> str:
    """The fingerprint of what the curated tables and the cross-dataset checks depend on
    besides the store: the settings they read (without paths), the registry and the code that
    resolves its units."""
    return rules_fingerprint(settings, settings.districts, *RESOLVER)


def made_once(con: duckdb.DuckDBPyConnection, name: str, since: int, make) -> None:
    """``make()`` the temp table ``name`` on this connection unless it was made already for the
    files after ``since`` up to the store's last one (its comment says so): what the steps of
    one refresh read in turn (refresh's estimate, the checks, curation)."""
    made = f"since {since} to {scalar(con, load_sql('store/last_file_id'))}"
    found = con.execute(load_sql("store/temp_table_comment"), {"name": name}).fetchall()
    if found and found[0][0] == made:
        return
    make()
    con.execute(load_sql("store/comment_temp_table").format(name=name, comment=made))


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """One transaction for the block: committed when it ends, rolled back on any error (the
    error raised is the one that caused it)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll the open transaction back; a ROLLBACK that fails because a write error
    invalidated the database is left unsaid (nothing was committed)."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame):
    """A polars frame readable by SQL as ``name`` for the block, as Arrow string views, which
    DuckDB reads as polars holds them: no copy of its text (about 0.3 s a million rows of
    hazards). Handed over as polars' own Arrow C stream (made again for each query that reads
    it), which gives DuckDB the same types as a pyarrow table without importing pyarrow and
    numpy (about 0.2 s of CPU in every ingest and validate); a frame with a column of type
    Null (all blank, no type) goes through pyarrow, as DuckDB refuses such a column in a
    stream."""
    if any(dtype == pl.Null for dtype in frame.dtypes):
        table = frame.to_arrow(compat_level=pl.CompatLevel.newest())
    else:
        table = _ArrowStream(frame)
    con.register(name, table)
    try:
        yield
    finally:
        con.unregister(name)


class _ArrowStream:
    """A polars frame seen only through the Arrow PyCapsule interface."""

    def __init__(self, frame: pl.DataFrame):
        self.frame = frame

    def __arrow_c_stream__(self, requested_schema=None):
        return self.frame.__arrow_c_stream__(requested_schema)


# the state naming the SQL the store's own tables and rule macros were last made with
BOOKKEEPING_STATE = "bookkeeping_sql"


@functools.cache
def bookkeeping_fingerprint() -> str:
    """A hash of the SQL of sql/bookkeeping/ and sql/rules/ (what ensure_bookkeeping runs)."""
    digest = hashlib.sha256()
    for name in names_in("bookkeeping") + names_in("rules"):
        digest.update(f"{name}\n{load_sql(name)}\n".encode())
    return digest.hexdigest()[:16]


def ensure_bookkeeping(con: duckdb.DuckDBPyConnection) -> None:
    """The store's own tables and the rule macros (idempotent), and the state saying which
    SQL made them (``is_current`` reads it). A store whose state names this version's SQL has
    them all (the macros are kept in the store): nothing is run again (about 40 statements,
    0.04 s of every writer's start)."""
    if state(con).get(BOOKKEEPING_STATE) == bookkeeping_fingerprint():
        return
    execute_folder(con, "bookkeeping")
    execute_folder(con, "rules")
    set_state(con, **{BOOKKEEPING_STATE: bookkeeping_fingerprint()})


def is_current(db: Path, rules: str | None = None) -> bool:
    """True when a read-only look finds the store validated and curated as it is now, its
    tables and rule macros made by this version's SQL (and, given ``rules``, under the
    settings and registry of that ``curation_rules``): a command that reads needs no writer
    (no writers' lock, no validation code imported). False when a writer is at work or the
    store is missing or older: the caller then takes the writer's way, which waits or says."""
    try:
        with reader(db, require_curated=False) as con:
            made_by = state(con).get(BOOKKEEPING_STATE)
            return is_curated(con, rules) and made_by == bookkeeping_fingerprint()
    except (StoreBusyError, StoreNotReadyError):
        return False


def state(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    try:
        return dict(con.execute(load_sql("store/state")).fetchall())
    except duckdb.CatalogException:
        return {}


def replace_kept(
    con: duckdb.DuckDBPyConnection, table: str, found, name: str, fingerprint: str
) -> None:
    """Replace a table of kept results (``gx_failures``, ``check_failures``) with ``found`` and
    note the settings and the last file they are for (state ``<name>_fingerprint`` and
    ``<name>_file_id``); inside the caller's transaction."""
    with registered(con, "kept_new", found):
        con.execute(load_sql("store/replace_kept").format(table=table))
    last = scalar(con, load_sql("store/last_file_id"))
    set_state(con, **{f"{name}_fingerprint": fingerprint, f"{name}_file_id": str(last)})


def set_state(con: duckdb.DuckDBPyConnection, **values: str) -> None:
    for name, value in values.items():
        con.execute(load_sql("store/set_state"), {"name": name, "value": value})


def mark_changed(con: duckdb.DuckDBPyConnection) -> None:
    set_state(con, changed_at=datetime.now().isoformat())


def is_curated(con: duckdb.DuckDBPyConnection, rules: str | None = None) -> bool:
    """True when validation and curation ran on the store as it is now, by this version (and,
    given ``rules``, under the settings and registry of that ``curation_rules``)."""
    s = state(con)
    return (
        "curated_change" in s
        and s.get("curation_version") == CURATION_VERSION
        and s.get("changed_at", "") == s.get("curated_change")
        and (rules is None or s.get("curation_fingerprint") == rules)
    )
