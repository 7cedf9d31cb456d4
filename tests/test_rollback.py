"""A failure mid-validate or mid-curate rolls back: the store (a real DuckDB file) holds the
same tables and rows as before, the report files are as they were, and the next normal run
gives what it would have given had the failure never happened (DATA_SPEC 5, issue 17)."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from ledgers import write_broken, write_clean

from safetystats import curate as curate_module
from safetystats import store
from safetystats.config import load_settings
from safetystats.curate import curate
from safetystats.ingest import ingest
from safetystats.pipeline import refresh
from safetystats.validate import checks, quarantine, report, validate

pytestmark = pytest.mark.slow  # validation of real stores


class Injected(RuntimeError):
    """The failure a test injects."""


def snapshot(db) -> dict:
    """Everything the store holds: every table's rows, views, macros and sequences."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1"
        ).fetchall()
        for (name,) in tables:
            out[name] = sorted(con.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
        out["(views)"] = con.execute(
            "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal AND NOT temporary "
            "ORDER BY 1"
        ).fetchall()
        out["(macros)"] = con.execute(
            "SELECT function_name, macro_definition FROM duckdb_functions() "
            "WHERE function_type LIKE '%macro%' AND NOT internal ORDER BY 1, 2"
        ).fetchall()
        out["(sequences)"] = con.execute(
            "SELECT sequence_name, last_value FROM duckdb_sequences() ORDER BY 1"
        ).fetchall()
        return out
    finally:
        con.close()


def files_of(folder) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


@pytest.fixture
def changed(tmp_path):
    """A validated and curated store, then a second ingestion of ledgers with broken rows (the
    store changed: validate has new rows, credit codes, quarantine and curated rows to write),
    and a twin copy of that store that no failure will touch."""
    s = load_settings(raw=tmp_path / "raw", db=tmp_path / "store.duckdb", reports=tmp_path / "r")
    write_clean(s.raw)
    assert all(r.status == "ingested" for r in ingest(None, s))
    refresh(s)
    write_broken(s.raw)
    assert all(r.status in ("ingested", "unchanged") for r in ingest(None, s))
    twin = load_settings(raw=s.raw, db=tmp_path / "twin.duckdb", reports=tmp_path / "twin_r")
    shutil.copy(s.db, twin.db)
    return s, twin


def after_real(module, name: str):
    """A replacement of module.name that does the real work, then fails."""
    real = getattr(module, name)

    def failing(*args, **kwargs):
        real(*args, **kwargs)
        raise Injected(f"{name} failed after its work")

    return failing


VALIDATE_FAILURES = {
    # in the cross-dataset checks: new credit codes were just stored in credit_codes_checked
    "checks": (checks, "_register_errors"),
    # the quarantine, the suites' kept failures and the district map replaced
    "quarantine-saved": (quarantine, "save"),
    # everything written, the report files too (as temporary files): only COMMIT is left
    "reports-written": (report, "write_outputs"),
}


@pytest.mark.parametrize("where", VALIDATE_FAILURES)
def test_a_failure_mid_validate_leaves_the_store_and_reports_as_they_were(
    changed, monkeypatch, where
):
    s, twin = changed
    before, reports_before = snapshot(s.db), files_of(s.reports)
    module, name = VALIDATE_FAILURES[where]
    with monkeypatch.context() as m:
        m.setattr(module, name, after_real(module, name))
        with pytest.raises(Injected), store.writer(s.db) as con:
            validate(con, s)
    assert snapshot(s.db) == before
    assert files_of(s.reports) == reports_before  # no new report, no temporary file left
    assert not store_is_current(s)
    # the next normal run gives what it gives on the twin store that never failed
    result, twin_result = refresh(s), refresh(twin)
    assert result.as_frame().equals(twin_result.as_frame())
    assert result.as_frame()["errors"].sum() > 10  # the broken rows were found
    assert without_times(snapshot(s.db)) == without_times(snapshot(twin.db))


CURATE_FAILURES = {
    # the register rebuilt, then the hazards fail
    "hazards": "_curate_table",
    # every curated table and mart rebuilt: the column tests fail
    "column-tests": "column_tests",
}


@pytest.mark.parametrize("where", CURATE_FAILURES)
def test_a_failure_mid_curate_leaves_the_store_as_it_was(changed, monkeypatch, where):
    s, twin = changed
    with store.writer(s.db) as con:
        validate(con, s)
    with store.writer(twin.db) as con:
        validate(con, twin)
    before = snapshot(s.db)
    name = CURATE_FAILURES[where]
    real = getattr(curate_module, name)
    calls = []

    def failing(*args, **kwargs):
        out = real(*args, **kwargs)
        calls.append(args)
        if len(calls) == 2:  # the second call: the first one's work is in the transaction
            raise Injected(f"{name} failed")
        return out

    with monkeypatch.context() as m:
        m.setattr(curate_module, name, failing)
        with pytest.raises(Injected), store.writer(s.db) as con:
            curate(con, s)
    assert len(calls) == 2
    assert snapshot(s.db) == before
    assert not store_is_current(s)
    with store.writer(s.db) as con:
        curate(con, s)
    with store.writer(twin.db) as con:
        curate(con, twin)
    assert without_times(snapshot(s.db)) == without_times(snapshot(twin.db))
    assert store_is_current(s)


def store_is_current(s) -> bool:
    con = duckdb.connect(str(s.db), read_only=True)
    try:
        return store.is_curated(con)
    finally:
        con.close()


def without_times(snap: dict) -> dict:
    """A snapshot without the times a run records (when it validated, curated, ingested)."""
    state = [r for r in snap["store_state"] if not r[0].endswith(("_at", "_change"))]
    return snap | {"store_state": state}
