"""Architecture: the store's writer/reader locks across real processes, reads that never
write, and the wheel standing alone outside the repository."""

from __future__ import annotations

import hashlib
import os
import select
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from conftest import write_rows
from ledgers import FILES, write_clean

from safetystats.config import load_settings
from safetystats.errors import StoreBusyError, StoreNotReadyError
from safetystats.ingest import ingest
from safetystats.metrics import attainment
from safetystats.pipeline import refresh
from safetystats.report.bulletin import DistrictBulletin

# real processes, real locks and a GX-validated store: end-to-end tests
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).parent / "safetystats"
CONFIG = '[paths]\nraw = "{raw}"\ndb = "store.duckdb"\nreports = "reports"\n'

# A second process that holds a lock until its standard input closes (or ``seconds`` pass).
HOLDER = """
import select, sys, time
from pathlib import Path
kind, db, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
if kind == "foreign":  # a DuckDB shell or notebook writing to the store, without our lock
    import duckdb
    con = duckdb.connect(db)
    con.execute("SELECT 1").fetchall()
    hold = None
else:
    from safetystats import store
    hold = (store.writer if kind == "writer" else store.reader)(Path(db))
    hold.__enter__()
print("locked", flush=True)
select.select([sys.stdin], [], [], seconds)
"""


@contextmanager
def holding(kind: str, db: Path, seconds: float = 60):
    """Another process holding the store: ``writer`` (our exclusive lock), ``reader`` (our
    shared lock and a read-only connection) or ``foreign`` (a plain duckdb.connect)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, kind, str(db), str(seconds)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        line = proc.stdout.readline() if ready else ""
        if line.strip() != "locked":
            proc.kill()
            pytest.fail(f"the {kind} holder did not start: {proc.communicate()[1]}")
        yield proc
    finally:
        if proc.poll() is None:
            proc.stdin.close()  # releases the lock: the holder's select returns
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def cli(config: Path, *args: str, timeout: float = 30, **env: str) -> subprocess.CompletedProcess:
    return subprocess.Popen(
        [str(CLI), "--config", str(config), *args],
        cwd=config.parent,
        env={
            **os.environ,
            "GX_ANALYTICS_ENABLED": "false",
            "SAFETYSTATS_LOCK_TIMEOUT": "30",
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen, timeout: float = 60) -> tuple[int, str, str]:
    out, errs = proc.communicate(timeout=timeout)
    return proc.returncode, out, errs


def flat(text: str) -> str:
    """Rich wraps long lines: compare with the whitespace collapsed."""
    return " ".join(text.split())


def write_config(folder: Path, raw: str = "raw", name: str = "safetystats.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / raw).mkdir(exist_ok=True)
    path = folder / name
    path.write_text(CONFIG.format(raw=raw), encoding="utf-8")
    return path


def fingerprint(db: Path) -> tuple:
    """What a read must leave as it was: the file's bytes and mtime, the WAL's absence."""
    wal = db.with_name(db.name + ".wal")
    return (
        hashlib.sha256(db.read_bytes()).hexdigest(),
        db.stat().st_mtime_ns,
        db.stat().st_size,
        wal.exists(),
    )


def store_state(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT name, value FROM store_state ORDER BY name").fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def ready_db(tmp_path_factory) -> Path:
    """A store ingested from the clean hand-made ledgers, validated and curated (built once:
    the expectation suites take seconds)."""
    folder = tmp_path_factory.mktemp("ready")
    settings = load_settings(write_config(folder))
    write_clean(settings.raw)
    assert all(r.status == "ingested" for r in ingest(None, settings))
    refresh(settings)
    return settings.db


@pytest.fixture
def ready(tmp_path, ready_db):
    """(config, settings) of a copy of the ready store in this test's folder."""
    config = write_config(tmp_path)
    shutil.copy2(ready_db, tmp_path / "store.duckdb")
    return config, load_settings(config)


# --- 1a: a reader while a writer is at work -----------------------------------------------


def test_readers_refuse_at_once_while_another_process_writes(ready):
    config, settings = ready
    assert attainment(settings).height  # the store is ready and readable
    with holding("writer", settings.db) as holder:
        started = time.monotonic()
        with pytest.raises(StoreBusyError) as bulletin_error:
            DistrictBulletin.load(district="环翠区", as_of="2024-12-31", config=str(config))
        with pytest.raises(StoreBusyError) as api_error:
            attainment(settings)
        assert time.monotonic() - started < 2  # readers never wait
        for exc in (bulletin_error.value, api_error.value):
            assert "is being written by another safetystats process" in str(exc)
            assert str(settings.db) in str(exc)
            assert not isinstance(exc, duckdb.Error)
            assert not isinstance(exc.__cause__, duckdb.Error)

        # the CLI refreshes first (a writer): it waits SAFETYSTATS_LOCK_TIMEOUT, then says so
        code, out, errs = finish(cli(config, "attainment", SAFETYSTATS_LOCK_TIMEOUT="1"))
        assert holder.poll() is None  # the lock was held all along
    assert code == 1, errs
    assert "in use by another safetystats process" in flat(errs)
    assert "SAFETYSTATS_LOCK_TIMEOUT" in errs
    assert "Traceback" not in errs + out
    assert "IOException" not in errs + out
    assert attainment(settings).height  # and reads work again once the writer is gone


def test_readers_do_not_block_each_other(ready):
    config, settings = ready
    with holding("reader", settings.db):
        rows = attainment(settings)
        bulletin = DistrictBulletin.load(district="环翠区", config=str(config))
    assert rows.height and bulletin.rows.height


# --- 1b: two writers at once ---------------------------------------------------------------


def test_two_concurrent_ingests_into_one_store_keep_both(tmp_path):
    for raw, dataset in (("raw_a", "enterprises"), ("raw_b", "hazards")):
        name, header, rows = FILES[dataset]
        write_rows(tmp_path / raw / dataset / name, [header, *rows])
    config_a = write_config(tmp_path, "raw_a", "a.toml")
    config_b = write_config(tmp_path, "raw_b", "b.toml")
    db = tmp_path / "store.duckdb"

    # both start while a third process holds the writers' lock, so both wait and then race
    with holding("writer", db):
        procs = [cli(config_a, "ingest"), cli(config_b, "ingest")]
        time.sleep(1.5)
        assert all(p.poll() is None for p in procs)  # nobody wrote while the lock was held
    results = [finish(p) for p in procs]

    for code, out, errs in results:
        assert code == 0, errs
        assert "ingested" in out and "Traceback" not in errs
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.sql("SELECT enterprise_id FROM enterprises ORDER BY 1").fetchall() == [
            ("E1",),
            ("E2",),
        ]
        assert con.sql("SELECT hazard_id FROM hazards").fetchall() == [("H1",)]
        assert con.sql("SELECT count(*) FROM ingest_files").fetchall() == [(2,)]
    finally:
        con.close()


# --- 1c: a writer that waits too long -------------------------------------------------------


def test_a_writer_gives_up_after_the_lock_timeout_with_a_message(tmp_path):
    config = write_config(tmp_path)
    name, header, rows = FILES["enterprises"]
    write_rows(tmp_path / "raw" / name, [header, *rows])
    db = tmp_path / "store.duckdb"
    # the holder keeps the lock for a minute (released when the block ends): the command must
    # give up after its 1 s, however long a loaded machine takes to start it
    with holding("writer", db, seconds=60) as holder:
        started = time.monotonic()
        code, out, errs = finish(cli(config, "ingest", SAFETYSTATS_LOCK_TIMEOUT="1"))
        waited = time.monotonic() - started
        assert holder.poll() is None
    assert code == 1, errs
    assert waited < 30  # it gave up after about a second (plus its start), not after 60 s
    text = flat(errs)
    assert f"the store {db} stayed in use by another safetystats process for 1 s" in text
    assert "SAFETYSTATS_LOCK_TIMEOUT" in text
    assert "Traceback" not in errs + out
    # nothing was stored
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert "enterprises" not in {t for (t,) in con.sql("SHOW TABLES").fetchall()}
    finally:
        con.close()


# --- 1d: a foreign DuckDB writer ------------------------------------------------------------


def test_a_store_open_in_another_program_is_a_clear_busy_error(ready):
    config, settings = ready
    with holding("foreign", settings.db):
        with pytest.raises(StoreBusyError, match="is open in another program") as api_error:
            attainment(settings)
        with pytest.raises(StoreBusyError, match="is open in another program"):
            DistrictBulletin.load(district="环翠区", config=str(config))
        code, out, errs = finish(cli(config, "attainment", SAFETYSTATS_LOCK_TIMEOUT="1"))
    assert str(settings.db) in str(api_error.value)
    assert code == 1, errs
    assert "is open in another program" in flat(errs)
    assert "Traceback" not in errs + out


# --- 1e: reads never write -------------------------------------------------------------------


def test_the_api_refuses_a_changed_store_and_leaves_it_as_it_was(tmp_path):
    settings = load_settings(write_config(tmp_path))
    write_clean(settings.raw)
    assert all(r.status == "ingested" for r in ingest(None, settings))  # no refresh
    before, state = fingerprint(settings.db), store_state(settings.db)
    assert "changed_at" in dict(state) and "curated_change" not in dict(state)

    with pytest.raises(StoreNotReadyError, match="`safetystats validate`") as error:
        attainment(settings)
    assert str(settings.db) in str(error.value)
    with pytest.raises(StoreNotReadyError, match="`safetystats validate`"):
        DistrictBulletin.load(district="环翠区", config=str(tmp_path / "safetystats.toml"))

    assert fingerprint(settings.db) == before
    assert store_state(settings.db) == state
    assert not (tmp_path / "reports").exists()  # and no report was written either


def test_reading_a_ready_store_writes_nothing(ready):
    config, settings = ready
    before, state = fingerprint(settings.db), store_state(settings.db)
    assert attainment(settings).height
    assert DistrictBulletin.load(district="环翠区", config=str(config)).rows.height
    assert fingerprint(settings.db) == before
    assert store_state(settings.db) == state


def test_a_missing_store_is_not_ready_and_is_not_created(tmp_path):
    settings = load_settings(write_config(tmp_path))
    with pytest.raises(StoreNotReadyError, match="safetystats ingest"):
        attainment(settings)
    assert not settings.db.exists()
    assert not settings.db.with_name(settings.db.name + ".lock").exists()


# --- a bulletins run and an ingest at the same time -----------------------------------------


@pytest.mark.slow
def test_an_ingest_during_a_bulletins_run_waits_for_it(ready, tmp_path):
    config, settings = ready
    name, header, _ = FILES["hazards"]
    extra = write_rows(
        tmp_path / "new" / "hazards" / name,
        [header, ["H99", "E1", "环翠区", "一般", "2024-06-01", "", "", "", "", "", ""]],
    )
    bulletins = cli(
        config, "bulletins", "--jobs", "1", "--district", "环翠区"
    )  # a unit with records
    try:
        deadline = time.monotonic() + 60
        while not list(settings.reports.glob("*/.run-config.toml")):  # the run has begun
            assert bulletins.poll() is None and time.monotonic() < deadline, finish(bulletins)
            time.sleep(0.05)
        code, out, errs = finish(
            cli(config, "ingest", str(extra), SAFETYSTATS_LOCK_TIMEOUT="120"), timeout=150
        )
        assert code == 0, errs  # it waited for the readers, as writers do
        b_code, b_out, b_errs = finish(bulletins, timeout=300)
    finally:
        if bulletins.poll() is None:
            bulletins.kill()
            bulletins.wait()
    assert b_code == 0, b_errs
    assert "2 of 2 bulletins written" in flat(b_out)  # 环翠区 and the overview


# --- 2: the wheel ------------------------------------------------------------------------------
