"""Ingest with worker processes (ingest/parallel.py): files read and prepared in two worker
processes, stored by the main process in order, give the same store, file ids, messages and
counts as ingesting them one after the other in one process."""

import os

import pytest

from safetystats import store
from safetystats.config import load_settings
from safetystats.ingest import ingest
from safetystats.ingest.parallel import workers
from safetystats.sample import write_sample

# every table ingest writes, bookkeeping included (ingested_at and _ingested_at vary by run)
VARYING = ("ingested_at", "_ingested_at", "replaced_at", "_replaced_at")


def _store(s) -> dict:
    with store.reader(s.db, require_curated=False) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        out = {}
        for name in sorted(set(names) - {"store_state"}):  # when it changed
            cols = [
                c[0]
                for c in con.execute(f'DESCRIBE "{name}"').fetchall()
                if c[0] not in VARYING and c[0] != "path"
            ]
            quoted = ", ".join(f'"{c}"' for c in cols)
            rows = con.execute(f'SELECT {quoted} FROM "{name}"').fetchall()
            out[name] = sorted(map(repr, rows))
        return out


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    folder = tmp_path_factory.mktemp("raw")
    write_sample(folder, load_settings(raw=folder), seed=7, scale_name="small")
    return folder


def test_two_workers_store_what_one_process_stores(raw, tmp_path):
    one = load_settings(raw=raw, db=tmp_path / "one.duckdb", reports=tmp_path / "r1")
    two = load_settings(raw=raw, db=tmp_path / "two.duckdb", reports=tmp_path / "r2")
    serial = ingest(None, one, jobs=1)
    parallel = ingest(None, two, jobs=2)
    assert len(serial) > 10  # the small sample: every dataset, updates, rosters
    summary = [(r.path.name, r.status, r.rows_read, r.rows_stored, r.rows_held) for r in serial]
    assert summary == [
        (r.path.name, r.status, r.rows_read, r.rows_stored, r.rows_held) for r in parallel
    ]
    assert [r.warnings for r in serial] == [r.warnings for r in parallel]
    assert {r.status for r in serial} == {"ingested"}
    assert _store(one) == _store(two)
    # again: every file unchanged, none sent to a worker
    again = ingest(None, two, jobs=2)
    assert {r.status for r in again} == {"unchanged"}


def test_a_bad_file_among_workers_fails_alone(raw, tmp_path):
    bad = raw.parent / "bad"
    bad.mkdir()
    (bad / "a.csv").write_text("no,header,here\n1,2,3\n", encoding="utf-8")
    files = sorted(raw.rglob("*.csv"))[:2]
    s = load_settings(raw=raw, db=tmp_path / "s.duckdb", reports=tmp_path / "r")
    results = ingest([files[0], bad / "a.csv", files[1]], s, jobs=2)
    assert [r.status for r in results] == ["ingested", "failed", "ingested"]
    assert "a.csv" in results[1].message


def test_workers_follow_the_settings(tmp_path):
    small = tmp_path / "a.csv"
    small.write_text("x\n", encoding="utf-8")
    assert workers([(small, "1"), (small, "2")], None) == 0  # a few bytes: in this process
    assert workers([(small, "1"), (small, "2")], 2) == 2
    assert workers([(small, "1")], 4) == 1
    assert workers([(small, "1"), (small, "2")], 1) == 0
    big = tmp_path / "b.csv"
    with open(big, "wb") as fh:
        fh.truncate(60_000_000)  # sparse: above parallel_from_bytes (50 MB)
    cores = os.cpu_count() or 1
    # one per core, on machines of min_cores (3) or more; on 2 cores one process is faster
    assert workers([(big, "1"), (big, "2"), (big, "3")], None) == (
        min(cores, 3) if cores >= 3 else 0
    )
