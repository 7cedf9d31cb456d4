"""A command that reads (attainment, bulletins, export) looks read-only first whether the store
is current (store.is_current, issue 23 goal 2): then it takes no writers' lock and writes
nothing; a store whose tables and macros another version's SQL made, or that changed since it
was curated, still goes the writer's way, as before."""

import hashlib

import pytest
from conftest import ingested_sample

from safetystats import store
from safetystats.pipeline import refresh


def _bytes(db) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def curated(tmp_path_factory):
    s = ingested_sample(tmp_path_factory.mktemp("current"), seed=3)
    assert refresh(s) is not None  # validated and curated
    return s


def test_a_current_store_is_refreshed_without_a_writer(curated):
    s = curated
    assert store.is_current(s.db)
    before = _bytes(s.db)
    assert refresh(s) is None
    assert _bytes(s.db) == before  # no writer opened it (its macros would be made again)


def test_macros_made_by_other_sql_send_the_refresh_the_writers_way(curated):
    s = curated
    with store.writer(s.db) as con:
        store.set_state(con, **{store.BOOKKEEPING_STATE: "another version"})
    assert not store.is_current(s.db)
    assert refresh(s) is None  # curated: nothing to validate, but the writer made them again
    assert store.is_current(s.db)


def test_a_changed_store_is_not_current(curated):
    s = curated
    with store.writer(s.db) as con:
        store.mark_changed(con)
    assert not store.is_current(s.db)
    assert refresh(s) is not None  # validated again
    assert store.is_current(s.db)


def test_a_store_a_writer_holds_is_not_current(curated):
    with store.writer(curated.db):
        assert not store.is_current(curated.db)  # the caller then waits for the writer


def test_a_missing_store_is_not_current(tmp_path):
    assert not store.is_current(tmp_path / "none.duckdb")
