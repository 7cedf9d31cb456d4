"""The faster forms of the full validation's checks (issue 23 goal 2) find what their plain
forms found, on a store with many broken enterprise codes, names and districts: the check
character of credit codes computed in SQL (was: per code in Python), the checks that read the
register's columns of `record_rows` (were: each joined the register), name_key (was: always
a regexp replacement), the valid rows (were: NOT EXISTS, a name key for every row), the
unchecked codes (were: a distinct over every record), the rows run again (were: every row)."""

import random
import shutil
from contextlib import contextmanager

import duckdb
import polars as pl
import pytest
from conftest import ingested_sample

from safetystats import sql, store
from safetystats.config import sql_parameters
from safetystats.curate import _valid_view
from safetystats.ingest.spec import load_specs
from safetystats.normalize import credit_code_check
from safetystats.pipeline import refresh
from safetystats.sql import load_sql
from safetystats.validate import checks, suite_rows

CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# the checks as they were, each joining the register (the view registered_before)
REGISTERED_BEFORE = """CREATE OR REPLACE TEMP VIEW registered_before AS
SELECT e.enterprise_id, m.code AS district_code FROM enterprises e
LEFT JOIN district_map m ON m.value = e.district"""
BEFORE = {
    "enterprise_unknown": """
SELECT r.dataset, r._key, 'enterprise_id' AS column_name, r.enterprise_id AS raw_value,
       'enterprise_unknown' AS rule_id
FROM records r
WHERE r.enterprise_id IS NOT NULL AND NOT r.by_name
  AND NOT EXISTS (SELECT 1 FROM registered_before g WHERE g.enterprise_id = r.enterprise_id)""",
    "no_district": """
SELECT r.dataset, r._key, 'district' AS column_name, NULL::VARCHAR AS raw_value,
       'no_district' AS rule_id
FROM records r LEFT JOIN registered_before g ON g.enterprise_id = r.enterprise_id
WHERE r.district IS NULL AND NOT r.district_required AND g.enterprise_id IS NULL
  AND NOT (r.by_name AND coalesce(r.name_matches, 0) <> 1)""",
    "district_mismatch": """
SELECT r.dataset, r._key, 'district' AS column_name, r.district AS raw_value,
       'district_mismatch' AS rule_id
FROM records r
JOIN district_map m ON m.value = r.district
JOIN registered_before g ON g.enterprise_id = r.enterprise_id
WHERE m.code IS NOT NULL AND g.district_code IS NOT NULL AND m.code <> g.district_code""",
}


def _codes(n: int) -> list[str]:
    """Credit codes of every kind: right and wrong check characters, lower case, characters
    outside the set (I, O, S, V, Z) in any place, a wrong last character outside the set."""
    rng = random.Random(7)
    out = []
    for i in range(n):
        first = "".join(rng.choice(CHARS) for _ in range(17))
        right = credit_code_check(first + "0") or "0"
        last = (right, rng.choice(CHARS), rng.choice("IOSVZ"))[i % 3]
        code = first + last
        if i % 5 == 0:
            code = code.lower()
        if i % 7 == 0:
            at = rng.randrange(18)
            code = code[:at] + rng.choice("IOSVZiosvz") + code[at + 1 :]
        out.append(code)
    return out


def test_the_check_character_in_sql_is_the_python_rule():
    con = duckdb.connect()
    store.ensure_bookkeeping(con)
    codes = _codes(5000)
    got = dict(
        con.execute(
            "SELECT c, credit_code_expected(c) FROM (SELECT unnest(?) AS c)", [codes]
        ).fetchall()
    )
    expected = {c: credit_code_check(c) for c in codes}
    assert got == expected
    assert sum(v is not None for v in expected.values()) > 1000  # wrong ones found
    assert sum(v is None for v in expected.values()) > 1000  # right or unreadable ones


def test_every_unchecked_code_is_checked_by_the_python_rule():
    """SQL takes the codes of ASCII letters and digits, Python the others (spaces, full-width
    digits, other scripts): credit_codes_checked holds what credit_code_check says for each."""
    con = duckdb.connect()
    store.ensure_bookkeeping(con)
    codes = _codes(2000)
    odd = [" " + c[1:] for c in codes[:50]] + [c[:17] + "\t" for c in codes[50:100]]
    odd += ["９" + c[1:] for c in codes[100:150]] + [c[:5] + "Ä" + c[6:] for c in codes[150:200]]
    odd += [c[:3] + "ǅ" + c[4:] for c in codes[200:210]] + [c[:17] for c in codes[210:220]]
    con.execute(
        "CREATE TEMP TABLE records AS SELECT unnest(?) AS enterprise_id, false AS registered",
        [codes + odd],
    )
    con.execute("CREATE TEMP TABLE checked_enterprises AS SELECT unnest(?) AS enterprise_id", [odd])
    con.execute("INSERT INTO credit_codes_checked VALUES (?, 'W')", [codes[0]])  # seen before
    checks._bad_check_codes(con, since=0)  # every record's code looked at
    stored = dict(con.execute("SELECT * FROM credit_codes_checked").fetchall())
    expected = {c: credit_code_check(c) for c in codes + odd if len(c) == 18}
    expected[codes[0]] = "W"  # kept, not computed again
    assert stored == expected
    bad = dict(con.execute("SELECT * FROM bad_check_codes").fetchall())
    assert bad == {c: e for c, e in expected.items() if e is not None}


def test_name_key_is_the_regexp_replacement():
    con = duckdb.connect()
    store.ensure_bookkeeping(con)
    names = [
        "济南 化工\t有限公司",
        "  山东\n\r甲乙 ",
        "无空格公司",
        "全角\u3000空格",
        "不换行\xa0空格",
    ]
    names += ["换页\f公司", "竖线\v公司", "", None]
    rows = con.execute(
        "SELECT name_key(n), regexp_replace(n, '\\s+', '', 'g') FROM (SELECT unnest(?) AS n)",
        [names],
    ).fetchall()
    assert [a for a, _ in rows] == [b for _, b in rows]
    assert rows[0][0] == "济南化工有限公司"


def _break_enterprises(con, specs) -> None:
    """Records of unknown credit codes, of no code (known, unknown or shared names), without a
    district or in another district than the register's; register rows removed or moved to
    no district or an unknown one (by a hash of the key, so the cases overlap)."""
    districts = [r[0] for r in con.execute("SELECT DISTINCT district FROM enterprises").fetchall()]
    for name in specs:
        columns = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [name]
            ).fetchall()
        }
        if name != "enterprises" and "enterprise_id" in columns:
            con.execute(
                f"UPDATE \"{name}\" SET enterprise_id = 'X' || substr(enterprise_id, 2) "
                "WHERE hash(_key || 'u') % 11 = 0"
            )
            if "enterprise_name" in columns:
                con.execute(
                    f"UPDATE \"{name}\" SET enterprise_id = NULL WHERE hash(_key || 'n') % 9 = 0"
                )
        if "district" in columns:
            con.execute(f"UPDATE \"{name}\" SET district = NULL WHERE hash(_key || 'd') % 7 = 0")
            con.execute(
                f"UPDATE \"{name}\" SET district = ? WHERE hash(_key || 'm') % 5 = 0",
                [districts[0]],
            )
    con.execute("DELETE FROM enterprises WHERE hash(_key || 'r') % 19 = 0")
    con.execute("UPDATE enterprises SET district = NULL WHERE hash(_key || 'z') % 17 = 0")
    con.execute("UPDATE enterprises SET district = '火星区' WHERE hash(_key || 'y') % 23 = 0")
    # a name two enterprises share
    con.execute(
        "UPDATE enterprises SET enterprise_name = (SELECT min(enterprise_name) FROM enterprises) "
        "WHERE hash(_key || 's') % 29 = 0"
    )


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    return ingested_sample(tmp_path_factory.mktemp("broken"), seed=11)


def test_the_checks_reading_record_rows_find_what_the_joins_found(broken):
    s = broken
    with store.writer(s.db) as con:
        specs = load_specs(s)
        _break_enterprises(con, specs)
        checks.create_tables(con)
        checks.district_map(con, s, specs)
        checks.spec_views(con, specs)
        con.execute(REGISTERED_BEFORE)
        for rule, before in BEFORE.items():
            now = store.fetch_frame(con, load_sql(f"checks/{rule}"))
            then = store.fetch_frame(con, before)
            assert now.height > 20, rule  # the cases are there
            assert now.sort(pl.all()).equals(then.sort(pl.all())), rule


def test_enterprise_names_counted_from_distinct_pairs_as_by_a_distinct_count():
    con = duckdb.connect()
    store.ensure_bookkeeping(con)
    checks.create_tables(con)
    rows = [
        ("A1", "甲 公司"),
        ("A2", "甲公司"),
        ("A2", "甲公司"),
        ("B1", "乙公司"),
        ("B1", "乙公司"),
    ]
    rows += [(None, "丙公司"), (None, "丁公司"), ("D1", "丁公司"), ("E1", None), ("F1", "戊\t公司")]
    con.execute("CREATE TEMP TABLE enterprises (enterprise_id VARCHAR, enterprise_name VARCHAR)")
    con.executemany("INSERT INTO enterprises VALUES (?, ?)", rows)
    rows = load_sql("checks/_enterprise_name_rows")
    con.execute(load_sql("checks/_fill_enterprise_names").format(rows=rows, only=""))
    before = """SELECT name_key(enterprise_name),
        CASE WHEN count(DISTINCT enterprise_id) = 1 THEN any_value(enterprise_id) END,
        count(DISTINCT enterprise_id) FROM enterprises WHERE enterprise_name IS NOT NULL GROUP BY 1"""
    now = sorted(con.execute("SELECT * FROM enterprise_names").fetchall())
    assert now == sorted(con.execute(before).fetchall())
    assert ("甲公司", None, 2) in now and ("乙公司", "B1", 1) in now and ("丙公司", None, 0) in now


# the valid view as it was: NOT EXISTS over the quarantine, a name key for every row
VALID_BEFORE = """CREATE OR REPLACE TEMP VIEW "valid_{dataset}" AS
SELECT t.* {excluded} {enterprise_out},
       coalesce(own.code, reg.code) AS district_code
FROM (SELECT * FROM "{dataset}" t WHERE true {only}) t
LEFT JOIN enterprise_names n ON {enterprise} IS NULL AND n.name_key = name_key({enterprise_name})
LEFT JOIN district_map own ON own.value = {district}
LEFT JOIN enterprises e ON e.enterprise_id = coalesce({enterprise}, n.enterprise_id)
LEFT JOIN district_map reg ON reg.value = e.district
WHERE NOT EXISTS (SELECT 1 FROM quarantine q
                  WHERE q.dataset = '{dataset}' AND q.severity = 'error' AND q.record_key = t._key)"""


@pytest.fixture(scope="module")
def validated_broken(tmp_path_factory):
    """The broken store (as above) validated and curated: quarantined rows, records named
    without a code, unregistered codes."""
    s = ingested_sample(tmp_path_factory.mktemp("validated_broken"), seed=11)
    with store.writer(s.db) as con:
        _break_enterprises(con, load_specs(s))
    refresh(s, force=True)
    return s


@contextmanager
def _rolled_back(s):
    """A writer's connection to the validated store whose changes are rolled back."""
    with store.writer(s.db) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
        finally:
            store.rollback(con)


def _valid_rows(con, spec) -> pl.DataFrame:
    _valid_view(con, spec)
    return store.fetch_frame(con, f'SELECT * FROM "valid_{spec.name}"')


def test_valid_rows_are_those_of_the_plain_form(validated_broken, monkeypatch):
    s = validated_broken

    def before(name: str) -> str:
        return VALID_BEFORE if name == "curated/valid_dataset" else load_sql(name)

    with _rolled_back(s) as con:
        specs = load_specs(s)
        quarantined = by_name = 0
        for name, spec in specs.items():
            now = _valid_rows(con, spec)
            with monkeypatch.context() as m:
                m.setattr(sql, "load_sql", before)
                then = _valid_rows(con, spec)
            assert now.sort("_key").equals(then.sort("_key")), name
            stored = store.scalar(con, f'SELECT count(*) FROM "{name}"')
            quarantined += stored - now.height
            if name != "enterprises" and "enterprise_name" in now.columns:
                by_name += store.scalar(
                    con, f'SELECT count(*) FROM "{name}" WHERE enterprise_id IS NULL'
                )
        assert quarantined > 100 and by_name > 20  # the cases are there


def test_unchecked_codes_of_a_full_validation_are_those_of_every_record(validated_broken):
    """A full validation looks at the register's codes and the unregistered records' (the
    others' codes are the register's): the same codes checked as looking at every record."""
    s = validated_broken
    with _rolled_back(s) as con:
        specs = load_specs(s)
        checks.create_tables(con)
        checks.district_map(con, s, specs)
        checks.spec_views(con, specs)  # every row: checked_enterprises is the register
        found = {}
        for since in (None, 0):  # full; every record's code
            con.execute("DELETE FROM credit_codes_checked")
            checks._bad_check_codes(con, since)
            found[since] = store.fetch_frame(con, "SELECT * FROM credit_codes_checked")
        unregistered = store.scalar(
            con,
            "SELECT count(*) FROM records WHERE NOT registered AND length(enterprise_id) = 18",
        )
    assert unregistered > 20  # records of codes the register lacks
    full, every = (f.sort("enterprise_id") for f in found.values())
    assert every.height > 100 and every["expected"].count() > 0
    assert full.equals(every)


def test_rows_run_again_keep_the_same_failures_when_every_row_runs(validated_broken):
    """A full validation lists only the rows with kept failures as run again: the failures
    kept are the same (those of rows no longer stored)."""
    s = validated_broken
    with _rolled_back(s) as con:
        specs = load_specs(s)
        checks.create_tables(con)
        checks.district_map(con, s, specs)
        checks.spec_views(con, specs)
        con.execute(
            "INSERT INTO gx_failures (dataset, record_key, rule_id) VALUES ('hazards', 'GONE', 'x')"
        )
        kept = {}
        for form in ("before", "now"):
            if form == "now":
                suite_rows.revalidated(con, None)
            else:
                con.execute(
                    "CREATE OR REPLACE TEMP TABLE revalidated AS SELECT dataset, _key FROM located"
                )
            kept[form] = store.fetch_frame(con, load_sql("checks/_gx_kept"))
        failures = store.scalar(con, "SELECT count(*) FROM gx_failures")
        con.execute("DELETE FROM gx_failures WHERE record_key = 'GONE'")
    assert failures > 20
    assert kept["now"]["record_key"].to_list() == ["GONE"]
    assert kept["now"].equals(kept["before"])


def test_training_increments_by_plan_row_are_those_by_enterprise_and_category(validated_broken):
    s = validated_broken
    text = load_sql("marts/mart_training_increments").format(
        table="TEMP TABLE increments", scope="", scope_pairs=""
    )
    before = text.replace("PARTITION BY p.rowid", "PARTITION BY p.enterprise_id, p.category")
    assert before != text
    values = sql_parameters(s)
    with _rolled_back(s) as con:
        made = []
        for form in (text, before):
            con.execute(form, sql.bind(form, values))
            made.append(store.fetch_frame(con, "SELECT * FROM increments ORDER BY ALL"))
    assert made[0].height > 100 and made[0]["increment"].sum() > 0
    assert made[0].equals(made[1])


RECORD_UNITS_BEFORE = """SELECT r.dataset, r._key, coalesce(own.code, reg.code) AS unit_code,
       coalesce(own.name, reg.name) AS unit
FROM record_rows r
LEFT JOIN district_map own ON own.value = r.district
LEFT JOIN enterprises e ON e.enterprise_id = r.enterprise_id
LEFT JOIN district_map reg ON reg.value = e.district
WHERE EXISTS (SELECT 1 FROM q_new q WHERE q.dataset = r.dataset AND q.record_key = r._key)
UNION ALL
SELECT 'enterprises', e._key, m.code, m.name FROM enterprises e
LEFT JOIN district_map m ON m.value = e.district
WHERE e._key IN (SELECT record_key FROM q_new WHERE dataset = 'enterprises')"""


def test_quarantined_records_units_are_those_of_the_plain_form(validated_broken):
    s = validated_broken
    with _rolled_back(s) as con:
        specs = load_specs(s)
        quarantined = store.fetch_frame(con, "SELECT dataset, record_key FROM quarantine")
        checks.create_tables(con)
        checks.district_map(con, s, specs)
        checks.spec_views(con, specs)
        with store.registered(con, "q_new", quarantined):
            con.execute(load_sql("checks/_record_units"))
            now = store.fetch_frame(con, "SELECT * FROM record_units ORDER BY ALL")
            then = store.fetch_frame(con, RECORD_UNITS_BEFORE + " ORDER BY ALL")
    assert now.height > 100 and now["unit_code"].count() > 100
    assert now.equals(then)


def test_validation_frees_the_records_it_checked_before_curation(validated_broken, tmp_path):
    """record_rows (every record checked: about 2 GB of DuckDB's memory at 4x the province)
    is dropped when validation ends; curation, which runs next on the same connection, does
    not read it."""
    from safetystats.config import load_settings
    from safetystats.curate import curate
    from safetystats.validate import validate

    shutil.copyfile(validated_broken.db, tmp_path / "s.duckdb")
    s = load_settings(raw=validated_broken.raw, db=tmp_path / "s.duckdb", reports=tmp_path / "r")
    with store.writer(s.db, step="validate") as con:
        validate(con, s, full=True)
        temp = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE temporary "
            "UNION ALL SELECT view_name FROM duckdb_views() WHERE temporary"
        ).fetchall()
        assert not {"record_rows", "records", "record_units"} & {name for (name,) in temp}
        assert curate(con, s).tables["curated_hazards"] > 0
