"""The store's connections."""


def test_the_stores_connections_have_the_configured_memory_limit(tmp_path, monkeypatch):
    """config/performance.toml [store] memory_limit (3GB; DuckDB says 2.7 GiB), overridden by
    SAFETYSTATS_MEMORY_LIMIT: a national year's validation spills instead of taking 10 GB."""
    from safetystats import store

    db = tmp_path / "s.duckdb"

    def limit() -> str:
        with store.writer(db) as con:
            return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]

    assert limit() == "2.7 GiB"
    monkeypatch.setenv(store.MEMORY_LIMIT_ENV, "1GB")
    assert limit() == "953.6 MiB"


def test_a_writers_step_has_its_own_memory_limit(tmp_path, monkeypatch):
    """config/performance.toml [store.step_memory_limit]: ingest 1GB, validate 2GB (issue 23:
    4x the province from empty in <= 3 GB a process); any other connection [store]'s 3GB;
    SAFETYSTATS_MEMORY_LIMIT overrides every one."""
    from safetystats import store

    db = tmp_path / "s.duckdb"

    def limit(step=None) -> str:
        with store.writer(db, step=step) as con:
            return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]

    assert [limit("ingest"), limit("validate"), limit()] == ["953.6 MiB", "1.8 GiB", "2.7 GiB"]
    monkeypatch.setenv(store.MEMORY_LIMIT_ENV, "4GB")
    assert limit("ingest") == limit("validate") == "3.7 GiB"


def test_bookkeeping_runs_again_only_when_its_sql_changed(tmp_path):
    """A writer's start runs sql/bookkeeping/ and sql/rules/ only when the store's state does
    not name this version's SQL (the tables and macros are kept in the store): issue 23, every
    command that writes saved about 40 statements."""
    import duckdb

    from safetystats import store

    con = duckdb.connect(str(tmp_path / "s.duckdb"))
    macro = "SELECT count(*) FROM duckdb_functions() WHERE function_name = 'in_scope'"
    store.ensure_bookkeeping(con)
    assert con.execute(macro).fetchone()[0] == 1
    con.execute("DROP MACRO in_scope")
    store.ensure_bookkeeping(con)  # the state names this SQL: nothing run again
    assert con.execute(macro).fetchone()[0] == 0
    store.set_state(con, bookkeeping_sql="an older version's")
    store.ensure_bookkeeping(con)
    assert con.execute(macro).fetchone()[0] == 1
    assert store.state(con)["bookkeeping_sql"] == store.bookkeeping_fingerprint()


def test_a_registered_frame_reads_as_through_pyarrow():
    """store.registered hands polars' own Arrow C stream to DuckDB (no pyarrow imported): the
    same column types and rows as a pyarrow table of the frame; a frame with a column of type
    Null (DuckDB refuses one in a stream) goes through pyarrow."""
    import datetime as dt
    from decimal import Decimal

    import duckdb
    import polars as pl

    from safetystats import store

    typed = pl.DataFrame(
        {
            "text": ["甲", None],
            "whole": [1, None],
            "small": pl.Series([1, 2], dtype=pl.Int32),
            "real": [1.5, None],
            "flag": [True, None],
            "day": [dt.date(2024, 1, 1), None],
            "at": [dt.datetime(2024, 1, 1, 3), None],
            "names": [["x"], None],
            "amount": pl.Series([Decimal("1.25"), None], dtype=pl.Decimal(18, 3)),
            "blank_text": pl.Series([None, None], dtype=pl.String),
        }
    )
    untyped = pl.DataFrame({"code": ["a", "b"], "parent": [None, None]})
    assert untyped.schema["parent"] == pl.Null
    con = duckdb.connect()
    for frame in (typed, untyped):
        con.register("via_pyarrow", frame.to_arrow(compat_level=pl.CompatLevel.newest()))
        with store.registered(con, "frame", frame):
            for sql in ("DESCRIBE {}", "SELECT * FROM {}"):
                got = con.execute(sql.format("frame")).fetchall()
                assert got == con.execute(sql.format("via_pyarrow")).fetchall()
        con.unregister("via_pyarrow")


def test_an_ingests_checkpoint_does_not_merge_row_groups(tmp_path):
    """config/performance.toml [store.step_vacuum_tasks] ingest = validate = 0: rows appended
    beside partly filled row groups that hold deleted rows are checkpointed as a row group of
    their own (the month's drills into the 4x store: 0.01 s instead of 0.5 s of CPU merging
    three row groups); a writer without a step merges them (DuckDB's default). The rows are the
    same either way, and both stores open again with them."""
    import duckdb

    from safetystats import store

    def appended(step: str | None) -> tuple[int, list]:
        db = tmp_path / f"{step}.duckdb"
        with store.writer(db):  # a store of this version
            pass
        con = duckdb.connect(str(db), config={"max_vacuum_tasks": 0})
        con.execute("CREATE TABLE t (i BIGINT, s VARCHAR)")
        for k in range(3):  # three row groups of 100,000 rows, each checkpointed alone
            con.execute(
                "INSERT INTO t SELECT i, 'x' || i FROM range($a, $b) r(i)",
                {"a": k * 100_000, "b": (k + 1) * 100_000},
            )
            con.execute("CHECKPOINT")
        con.execute("DELETE FROM t WHERE i % 10 < 5")  # replaced rows
        con.execute("CHECKPOINT")
        con.close()
        with store.writer(db, step=step) as con:
            con.execute("INSERT INTO t SELECT i, 'y' FROM range(1000) r(i)")
        con = duckdb.connect(str(db), read_only=True)
        groups = con.execute(
            "SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('t')"
        ).fetchone()[0]
        rows = con.execute("SELECT i, s FROM t ORDER BY i, s").fetchall()
        con.close()
        return groups, rows

    (kept, ingested), (merged, other) = appended("ingest"), appended(None)
    assert (kept, merged) == (4, 3)
    assert ingested == other and len(ingested) == 151_000
    assert appended("validate")[0] == 4


def test_the_curation_rules_change_with_the_code_that_resolves_districts(tmp_path, monkeypatch):
    """validate keeps the district values it resolved (district_map) while the rules are the
    same: a change of the resolver's code makes them new, as a new registry does."""
    from safetystats import store
    from safetystats.config import load_settings

    assert [p.name for p in store.RESOLVER if p.is_file()] == ["registry.py", "normalize.py"]
    s = load_settings(db=tmp_path / "s.duckdb")
    resolver = [tmp_path / "registry.py", tmp_path / "normalize.py"]
    for path in resolver:
        path.write_text("# the resolver\n", encoding="utf-8")
    monkeypatch.setattr(store, "RESOLVER", tuple(resolver))
    before = store.curation_rules(s)
    assert store.curation_rules(load_settings(db=tmp_path / "moved.duckdb")) == before
    resolver[1].write_text("# the resolver, changed\n", encoding="utf-8")
    assert store.curation_rules(s) != before
