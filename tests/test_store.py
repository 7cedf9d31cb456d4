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
