"""Incremental validation: the suites run over the rows of the files ingested since the last
validation, the other rows keep their results. A store filled in two halves, validated after
each, must equal the same store filled in one go and validated in full."""

import datetime as dt

import pytest
from conftest import query, write_rows

from safetystats import store
from safetystats.cli import attainment_json
from safetystats.config import load_settings
from safetystats.curate import curate
from safetystats.ingest import ingest
from safetystats.ingest.pipeline import discover
from safetystats.metrics import engine
from safetystats.pipeline import refresh
from safetystats.sample import write_sample
from safetystats.validate import validate
from safetystats.validate.suite_rows import since as suites_since

pytestmark = pytest.mark.slow  # GX

AS_OF = dt.date(2024, 12, 31)


def _tables(s) -> dict:
    """Every table of the store that validation and curation write, as sorted rows."""
    with store.reader(s.db) as con:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE table_name = 'quarantine' "
                "OR table_name LIKE 'curated_%' OR table_name LIKE 'mart_%' "
                "OR table_name = 'gx_failures' ORDER BY 1"
            ).fetchall()
        ]
        return {n: sorted(map(repr, con.execute(f'SELECT * FROM "{n}"').fetchall())) for n in names}


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    folder = tmp_path_factory.mktemp("raw")
    write_sample(folder, load_settings(raw=folder), seed=7, scale_name="small")
    return folder


def test_two_halves_validated_incrementally_equal_one_full_validation(raw, tmp_path):
    files, _ = discover([raw])
    # the second half holds the update of 2024's hazards (rows of the first half replaced),
    # inspections, rosters, training and video sites
    cut = next(i for i, f in enumerate(files) if "更新" in f.name)
    first, second = files[:cut], files[cut:]
    assert first and second

    halves = load_settings(raw=raw, db=tmp_path / "halves.duckdb", reports=tmp_path / "r1")
    ingest(first, halves)
    refresh(halves)
    ingest(second, halves)
    refresh(halves)
    # then a register correction: the busiest enterprises move to another district and
    # industry, one loses its credit code's place (blank name: an error), one is renamed
    busiest = query(
        halves,
        "SELECT h.enterprise_id, e.enterprise_name FROM hazards h JOIN enterprises e "
        "USING (enterprise_id) GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 4",
    )
    correction = write_rows(
        tmp_path / "更正" / "企业名录更正.csv",
        [["统一社会信用代码", "企业名称", "所属区市", "行业领域", "从业人员数", "经营状态"]]
        + [[code, name, "文登区", "危险化学品", "80", "在营"] for code, name in busiest[:2]]
        + [[busiest[2][0], "", "文登区", "工贸", "10", "在营"]]
        + [[busiest[3][0], busiest[3][1] + "（更名）", "荣成市", "工贸", "10", "在营"]],
    )
    assert ingest([correction], halves)[0].status == "ingested"
    with store.writer(halves.db) as con:  # what refresh does, to see that it was incremental
        incremental = validate(con, halves)
        assert curate(con, halves).since is not None

    whole = load_settings(raw=raw, db=tmp_path / "whole.duckdb", reports=tmp_path / "r2")
    ingest([*files, correction], whole)
    full = refresh(whole, full=True)

    a, b = _tables(halves), _tables(whole)
    assert a.keys() == b.keys() and "quarantine" in a and "curated_hazards" in a
    for name in a:
        assert a[name] == b[name], name
    assert a["quarantine"] and a["gx_failures"]  # something was compared
    assert incremental.expectations == full.expectations
    assert [d.__dict__ for d in incremental.datasets] == [d.__dict__ for d in full.datasets]
    assert attainment_json(engine.attainment(halves, AS_OF)) == attainment_json(
        engine.attainment(whole, AS_OF)
    )


def test_the_suites_run_only_over_new_rows_and_full_runs_them_all(raw, tmp_path):
    """Kept results are used: a failure recorded for an old row stays until a full pass."""
    s = load_settings(raw=raw, db=tmp_path / "s.duckdb", reports=tmp_path / "r")
    ingest(None, s)
    refresh(s)
    with store.writer(s.db) as con:  # a result the suites would not give, on an old row
        key = con.execute("SELECT _key FROM hazards LIMIT 1").fetchall()[0][0]
        con.execute(
            "INSERT INTO gx_failures (dataset, record_key, rule_id, column_name, expectation) "
            "VALUES ('hazards', ?, 'negative_value', 'hazard_id', 'marker')",
            [key],
        )
    curated = "SELECT count(*) FROM curated_hazards WHERE _key = ?"
    refresh(s, force=True)  # nothing new: the suites are not run again, the result is kept
    with store.reader(s.db) as con:
        assert store.scalar(con, "SELECT count(*) FROM gx_failures WHERE expectation = 'marker'")
        # and the row, now in error, left the curated table (quarantine_changed)
        assert not store.scalar(con, curated, [key])
    refresh(s, force=True, full=True)  # every row again
    with store.reader(s.db) as con:
        assert not store.scalar(
            con, "SELECT count(*) FROM gx_failures WHERE expectation = 'marker'"
        )
        assert store.scalar(con, curated, [key])


def test_a_store_moved_to_another_folder_stays_incremental(raw, tmp_path):
    import shutil

    s = load_settings(raw=raw, db=tmp_path / "a" / "s.duckdb", reports=tmp_path / "a" / "r")
    ingest(None, s)
    refresh(s)
    (tmp_path / "b").mkdir()
    shutil.copy(s.db, tmp_path / "b" / "s.duckdb")
    moved = load_settings(raw=raw, db=tmp_path / "b" / "s.duckdb", reports=tmp_path / "b" / "r")
    with store.writer(moved.db) as con:  # the paths are not what the rules read
        assert suites_since(con, moved, full=False) is not None  # the suites' results are kept
        validate(con, moved)
        assert curate(con, moved).since is not None  # and only changed rows are curated
