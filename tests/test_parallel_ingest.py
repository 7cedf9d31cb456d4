"""Ingest with worker processes or a thread preparing ahead (ingest/parallel.py): files read
and prepared in two worker processes, or the next file prepared in a thread of the writer's
process while this one is stored, give the same store, file ids, messages and counts as
ingesting them one after the other in one process."""

import os
import threading

import duckdb
import pytest
from conftest import write_rows
from test_ingest import HAZARD_HEADER

from safetystats import store
from safetystats.config import load_settings
from safetystats.ingest import ingest
from safetystats.ingest.parallel import overlap, prepared_files, workers, writer_threads
from safetystats.ingest.spec import load_specs
from safetystats.sample import write_sample

pytestmark = pytest.mark.slow  # worker processes and the sample ingested several times

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


def _same_runs(serial, other) -> None:
    """Each file's status, counts, message and warnings."""

    def seen(run):
        return [
            (r.path.name, r.status, r.rows_read, r.rows_stored, r.rows_held, r.message, r.warnings)
            for r in run
        ]

    assert seen(serial) == seen(other)


@pytest.mark.slow  # the small sample twice (the edges below run in the fast layer)
def test_the_overlap_stores_what_one_after_the_other_stores(raw, tmp_path, prepare_ahead):
    one = load_settings(raw=raw, db=tmp_path / "one.duckdb", reports=tmp_path / "r1")
    ahead = load_settings(raw=raw, db=tmp_path / "ahead.duckdb", reports=tmp_path / "r2")
    serial = ingest(None, one, jobs=1)
    overlapped = ingest(None, ahead)  # small files: no worker process, a thread prepares ahead
    assert len(serial) > 10 and {r.status for r in serial} == {"ingested"}
    _same_runs(serial, overlapped)
    assert _store(one) == _store(ahead)


@pytest.fixture
def edges(tmp_path):
    """Hazards in four files: a key replaced by a later file (twice), a file without a header
    in the middle, rows held (a conflicting repeated key, a blank key); and a drills file."""
    raw = tmp_path / "raw"
    h = raw / "hazards"
    write_rows(
        h / "a.csv",
        [
            HAZARD_HEADER,
            ["H1", "E1", "文登区", "重大", "2024-01-02", ""],
            ["H2", "E1", "文登区", "一般", "2024-01-03", ""],
            ["H9", "E2", "文登区", "一般", "2024-01-04", ""],
            ["H9", "E2", "文登区", "重大", "2024-01-04", ""],  # conflict: both held
        ],
    )
    write_rows(
        h / "b.csv",
        [
            HAZARD_HEADER,
            ["H1", "E1", "文登区", "重大", "2024-01-02", "2024-02-01"],  # replaces a.csv's
            ["H3", "E1", "文登区", "一般", "2024-01-05", ""],
        ],
    )
    write_rows(h / "c.csv", [["没有", "表头"], ["1", "2"]])  # fails alone
    write_rows(
        h / "d.csv",
        [
            HAZARD_HEADER,
            ["H1", "E1", "文登区", "重大", "2024-01-02", "2024-03-01"],  # replaces b.csv's
            ["", "E1", "文登区", "一般", "2024-01-06", ""],  # no key: held
        ],
    )
    write_rows(
        raw / "drills" / "e.csv",
        [["演练编号", "统一社会信用代码", "演练日期"], ["D1", "E1", "2024-01-05"]],
    )
    return raw


def test_the_overlap_keeps_replacements_failures_and_held_rows(edges, tmp_path, prepare_ahead):
    one = load_settings(raw=edges, db=tmp_path / "one.duckdb", reports=tmp_path / "r1")
    ahead = load_settings(raw=edges, db=tmp_path / "ahead.duckdb", reports=tmp_path / "r2")
    serial = ingest(None, one, jobs=1)
    overlapped = ingest(None, ahead)
    # in path order: drills/e.csv, then hazards/a.csv to d.csv
    assert [r.status for r in serial] == ["ingested", "ingested", "ingested", "failed", "ingested"]
    assert "c.csv" in serial[3].message and "no header row" in serial[3].message
    assert [r.rows_held for r in serial] == [0, 2, 0, 0, 1]
    _same_runs(serial, overlapped)
    stored = _store(ahead)
    assert stored == _store(one)
    assert len(stored["hazards_history"]) == 2  # H1 of a.csv, then of b.csv
    assert len(stored["held_rows"]) == 3


def test_the_next_file_is_prepared_while_this_one_is_stored(edges, prepare_ahead):
    settings = load_settings(raw=edges)
    specs = load_specs(settings, variants=True)
    files = [(p, "") for p in sorted(edges.rglob("*.csv"))]
    assert workers(files, None) == 0 and overlap(files, None) and not overlap(files, 1)

    def preparing() -> bool:
        return any(t.name.startswith("prepare") for t in threading.enumerate())

    ahead = prepared_files(files, settings, specs)
    first = next(ahead)  # while the writer stores it, a thread prepares the next file
    assert first.preps and preparing()
    assert len([first, *ahead]) == len(files)
    ahead.close()
    assert not preparing()
    one_by_one = prepared_files(files, settings, specs, jobs=1)
    next(one_by_one)
    assert not preparing()
    one_by_one.close()


def test_two_threads_prepare_two_files_at_once(edges, tmp_path, prepare_ahead, monkeypatch):
    """config/performance.toml's overlap_threads (2): the first two files are prepared at the
    same time (each waits for the other at a barrier, which one thread could never pass), and
    the store is still what one file after the other gives."""
    from safetystats.ingest import parallel

    assert parallel.packaged("performance")["ingest"]["overlap_threads"] == 2
    barrier, lock = threading.Barrier(2, timeout=20), threading.Lock()
    prepare = parallel._prepare
    started, met = [], []

    def together(path, *args):
        with lock:  # the first two files to start wait for each other
            first_two = len(started) < 2
            started.append(path)
        if first_two:
            met.append(barrier.wait())
        return prepare(path, *args)

    monkeypatch.setattr(parallel, "_prepare", together)
    one = load_settings(raw=edges, db=tmp_path / "one.duckdb", reports=tmp_path / "r1")
    ahead = load_settings(raw=edges, db=tmp_path / "ahead.duckdb", reports=tmp_path / "r2")
    overlapped = ingest(None, ahead)
    assert sorted(met) == [0, 1]  # both passed: neither timed out
    serial = ingest(None, one, jobs=1)
    _same_runs(serial, overlapped)
    assert _store(one) == _store(ahead)


def test_the_writer_keeps_its_threads_while_a_thread_prepares(
    edges, tmp_path, prepare_ahead, monkeypatch
):
    """config/performance.toml's writer_threads while a thread prepares ahead (0: DuckDB's
    own, one per core), and DuckDB's own again after, or without the thread."""
    from safetystats.ingest import parallel

    files = [(p, "") for p in sorted(edges.rglob("*.csv"))]
    con = duckdb.connect(str(tmp_path / "s.duckdb"))

    def threads() -> int:
        return con.execute("SELECT current_setting('threads')").fetchone()[0]

    default = threads()
    with writer_threads(con, files, None):  # performance.toml: writer_threads = 0
        assert threads() == default
    with_overlap = parallel.packaged

    def one_writer_thread(name: str) -> dict:
        rules = with_overlap(name)
        if name == "performance":
            rules["ingest"]["writer_threads"] = 1
        return rules

    monkeypatch.setattr(parallel, "packaged", one_writer_thread)
    with writer_threads(con, files, None):
        assert threads() == 1
    assert threads() == default
    with writer_threads(con, files, 1):  # one file after the other: DuckDB's own threads
        assert threads() == default
    con.close()


def test_a_thread_prepares_ahead_only_for_files_up_to_a_size(edges, monkeypatch):
    """config/performance.toml: overlap on, for files holding together at most
    overlap_up_to_bytes (at 4x the province two large files at once cost memory)."""
    from safetystats.ingest import parallel

    files = [(p, "") for p in sorted(edges.rglob("*.csv"))]
    assert overlap(files, None) and not overlap(files, 1) and not overlap(files[:1], None)
    size = sum(p.stat().st_size for p, _ in files)
    packaged = parallel.packaged

    def up_to(limit: int):
        def rules(name: str) -> dict:
            found = packaged(name)
            if name == "performance":
                found["ingest"]["overlap_up_to_bytes"] = limit
            return found

        return rules

    monkeypatch.setattr(parallel, "packaged", up_to(size))
    assert overlap(files, None)
    monkeypatch.setattr(parallel, "packaged", up_to(size - 1))
    assert not overlap(files, None)
