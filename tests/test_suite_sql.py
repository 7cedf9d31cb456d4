"""The suites run as SQL (validate/suite_sql.py) find exactly the rows GX finds."""

import polars as pl
import pytest
from conftest import ingested_sample

from safetystats import store
from safetystats.ingest.spec import load_specs
from safetystats.pipeline import refresh
from safetystats.validate import checks, suite_rows, suite_sql
from safetystats.validate.suite_sql import _Columns, compile_expectation, condition_sql

TYPES = {"status": "VARCHAR", "level__raw": "VARCHAR", "trained": "DOUBLE", "n": "BIGINT"}


@pytest.mark.parametrize(
    ("condition", "sql"),
    [
        ("`level__raw`.isnull()", '(t."level__raw" IS NULL)'),
        ("trained.isnull()", '((t."trained" IS NULL OR isnan(t."trained")))'),  # NaN is null
        ("status == '已销号'", "(t.\"status\" = '已销号')"),
        (
            "status in ['未整改', '整改中'] & `level__raw`.notnull()",
            "(t.\"status\" IN ('未整改', '整改中')) AND (NOT t.\"level__raw\" IS NULL)",
        ),
        ({"pass_through_filter": "n.isnull()", "type": "pass_through"}, '(t."n" IS NULL)'),
    ],
)
def test_row_conditions_of_the_suites_as_sql(condition, sql):
    assert condition_sql(condition, _Columns(TYPES)) == sql


@pytest.mark.parametrize(
    "condition",
    [
        "n > 3",  # not in the subset
        "status == 'a' | n.isnull()",  # or
        "missing.isnull()",  # no such column
        "n == '3'",  # text compared with a number
        "",
    ],
)
def test_a_condition_outside_the_subset_is_not_compiled(condition):
    assert condition_sql(condition, _Columns(TYPES)) is None


def test_an_expectation_outside_what_compiles_is_not_compiled():
    columns = _Columns(TYPES)
    null = {
        "type": "expect_column_values_to_not_be_null",
        "kwargs": {"column": "status"},
        "meta": {"rule_id": "required_missing", "report_column": "status"},
    }
    assert compile_expectation(null, columns).failing == 't."status" IS NULL'
    for other in (
        {"kwargs": {"column": "status", "mostly": 0.9}},  # a keyword we do not translate
        {"kwargs": {"column": "status", "row_condition": "n > 3", "condition_parser": "pandas"}},
        {"type": "expect_column_values_to_match_regex"},  # a kind we do not translate
        {"meta": {"rule_id": "required_missing"}},  # no column to report
    ):
        assert compile_expectation(null | other, columns) is None


BROKEN = {  # a value that breaks a rule, per SQL type (and blank for every column)
    "DOUBLE": "-1.5",
    "BIGINT": "-3",
    "DATE": "DATE '2099-01-01'",
    "VARCHAR": "'坏值'",
}


def _break_values(con, specs) -> None:
    """Every column of every dataset: one row in 17 blank, one in 13 given a breaking value
    (by a hash of the key, so rows break in different columns)."""
    for name, spec in specs.items():
        for column, dtype in con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
            "AND NOT starts_with(column_name, '_')",
            [name],
        ).fetchall():
            if column in spec.key:
                continue
            salt = f"{name}.{column}"
            con.execute(
                f'UPDATE "{name}" SET "{column}" = NULL WHERE hash(_key || ?) % 17 = 0', [salt]
            )
            if dtype in BROKEN:
                con.execute(
                    f'UPDATE "{name}" SET "{column}" = {BROKEN[dtype]} '
                    "WHERE hash(_key || ?) % 13 = 1",
                    [salt],
                )


@pytest.mark.slow  # GX
def test_sql_and_gx_find_the_same_failing_rows(tmp_path, monkeypatch):
    s = ingested_sample(tmp_path, seed=5)  # carries bad rows of every kind
    refresh(s)
    with store.writer(s.db) as con:
        specs = load_specs(s)
        checks.create_tables(con)
        checks.district_map(con, s, specs)
        checks.spec_views(con, specs)
        suite_rows.revalidated(con, None)
        _break_values(con, specs)
        by_sql = pl.concat(suite_rows.suite_rows(con, specs, s, None), how="diagonal_relaxed")
        by_gx = pl.concat(suite_rows.gx_rows(con, specs, s, None), how="diagonal_relaxed")
        # a suite that does not compile is run by GX, the others as SQL
        compile_suite = suite_sql.compile_suite
        monkeypatch.setattr(
            suite_sql,
            "compile_suite",
            lambda name, *a: None if name == "hazards" else compile_suite(name, *a),
        )
        mixed = pl.concat(suite_rows.suite_rows(con, specs, s, None), how="diagonal_relaxed")
    columns = sorted(by_gx.columns)
    assert sorted(by_sql.columns) == columns
    by_sql, by_gx, mixed = (f.select(columns).sort(pl.all()) for f in (by_sql, by_gx, mixed))
    assert by_sql.height > 1000  # something was compared
    assert by_sql["rule_id"].n_unique() >= 8
    assert by_sql.filter(pl.col("dataset") == "hazards").height
    assert by_sql.equals(by_gx)
    assert mixed.equals(by_gx)
