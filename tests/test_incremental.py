"""Incremental validation: the suites run over the rows of the files ingested since the last
validation, the other rows keep their results. A store filled in two halves, validated after
each, must equal the same store filled in one go and validated in full."""

import datetime as dt
import re
from dataclasses import replace

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
from safetystats.sample.monthly import write_update
from safetystats.validate import validate
from safetystats.validate.suite_rows import since as suites_since

pytestmark = pytest.mark.slow  # GX

AS_OF = dt.date(2024, 12, 31)
DATE = r"datetime\.date\((\d+), (\d+), 1\)"  # a month in a repr


def _tables(s) -> dict:
    """Every table of the store that validation and curation write, as sorted rows."""
    with store.reader(s.db) as con:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE table_name IN ('quarantine', "
                "'gx_failures', 'check_failures', 'enterprise_names') "
                "OR table_name LIKE 'curated_%' OR table_name LIKE 'mart_%' ORDER BY 1"
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
    # row by row, though refresh would validate so large a part of the store in full
    with store.writer(halves.db) as con:
        validate(con, halves)
        assert curate(con, halves).since is not None
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
    assert a["quarantine"] and a["gx_failures"] and a["check_failures"]  # something was compared
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


# a drill whose enterprise _corrections moves to 文登区
MOVED_DRILL = (
    "SELECT d.enterprise_id, d.district, d.drill_date, d.drill_type FROM drills d "
    "JOIN enterprises e USING (enterprise_id) WHERE d.district = e.district "
    "AND e.district <> '文登区' ORDER BY d.drill_date, 1 LIMIT 1"
)


def _named_hazard(s, folder):
    """Two hazards that name their enterprise without a credit code (old records matched by
    name): one of an enterprise that _corrections renames (returned), one without a district
    of the enterprise that _corrections moves (its unit is the register's)."""
    named = query(
        s,
        "SELECT enterprise_id, enterprise_name, district FROM enterprises e "
        "WHERE district = '环翠区' AND enterprise_id NOT LIKE '%BAD%' AND (SELECT count(*) "
        "FROM enterprises n WHERE n.enterprise_name = e.enterprise_name) = 1 ORDER BY 1 LIMIT 1",
    )[0]
    moved = query(s, "SELECT enterprise_name FROM enterprises WHERE enterprise_id = ?", [
        query(s, MOVED_DRILL)[0][0]
    ])[0][0]  # fmt: skip
    path = write_rows(
        folder / "隐患补录.csv",
        [["隐患编号", "企业名称", "所属区市", "隐患等级", "隐患描述", "发现日期"]]
        + [["YH-补录-1", named[1], named[2], "一般", "消防通道堵塞", "2024-05-06"]]
        + [["YH-补录-2", moved, "", "一般", "安全出口堵塞", "2024-05-07"]],
    )
    return named, path


def _first_count(s, other: str) -> tuple:
    """A pair's first training count with people trained, before June 2024, of an enterprise in
    business with a task, other than ``other``: (enterprise_id, category, month, trained)."""
    return query(
        s,
        "SELECT c.enterprise_id, c.category, c.month, c.trained FROM training_counts c "
        "JOIN training_plan p USING (enterprise_id, category) JOIN enterprises e "
        "USING (enterprise_id) WHERE c.month BETWEEN '2024-01-01' AND '2024-05-01' "
        "AND c.trained > 0 AND p.task > 0 AND e.status = '在营' AND c.enterprise_id <> ? "
        "AND NOT EXISTS (SELECT 1 FROM training_counts k WHERE k.enterprise_id = c.enterprise_id "
        "AND k.category = c.category AND k.month < c.month AND k.trained > 0) "
        "ORDER BY c.month, 1, 2 LIMIT 1",
        [other],
    )[0]


def _in_error(folder, count: tuple):
    """A file that sends ``count`` again with more passed than trained: an error."""
    return write_rows(
        folder / "培训台账更正.csv",
        [["统一社会信用代码", "培训类别", "统计月份", "培训人数", "考核合格人数"]]
        + [[count[0], count[1], f"{count[2]:%Y-%m}", str(count[3]), str(count[3] + 5)]],
    )


def _corrections(s, folder, renamed):
    """Files that change old rows' results: a drill on a day that has drills, an old drill
    moved to another day (its old day loses it), a training count of mid-2024 corrected (the
    months after it carry the running total), an earlier count that becomes an error (its month
    loses it), an enterprise with drills moved to another district and industry (its old
    records' district checks change), and the enterprise of _named_hazard renamed (the old
    hazard that names it without a credit code no longer finds it). Returns the drill, the
    count, the moved drill, the count in error and the files."""
    drill = query(s, MOVED_DRILL)[0]
    shifted = query(  # the first drill of another enterprise, moved 45 days on
        s,
        "SELECT drill_id, enterprise_id, district, drill_date, drill_type FROM drills "
        "WHERE enterprise_id <> ? ORDER BY drill_date, drill_id LIMIT 1",
        [drill[0]],
    )[0]
    count = query(  # a pair short of its task before June 2024 and training after it
        s,
        "SELECT c.enterprise_id, c.category, c.trained, p.task FROM training_counts c "
        "JOIN training_plan p USING (enterprise_id, category) JOIN enterprises e "
        "USING (enterprise_id) WHERE c.month = '2024-06-01' AND p.task > 0 AND e.status = '在营' "
        "AND coalesce((SELECT sum(trained) FROM training_counts k WHERE k.enterprise_id = "
        "c.enterprise_id AND k.category = c.category AND k.month < c.month), 0) < p.task "
        "AND EXISTS (SELECT 1 FROM training_counts k WHERE k.enterprise_id = c.enterprise_id "
        "AND k.category = c.category AND k.month > c.month AND k.trained > 0) ORDER BY 1, 2 LIMIT 1",
    )[0]
    failed = _first_count(s, count[0])
    moved = query(
        s,
        "SELECT enterprise_id, enterprise_name FROM enterprises WHERE enterprise_id = ?",
        [drill[0]],
    )[0]
    day = drill[2].isoformat()
    later = (shifted[3] + dt.timedelta(days=45)).isoformat()
    return (
        drill,
        count,
        shifted,
        failed,
        [
            write_rows(
                folder / "演练补录.csv",
                [
                    [
                        "演练编号",
                        "统一社会信用代码",
                        "所属区市",
                        "演练日期",
                        "演练类型",
                        "不提前通知",
                        "不设定脚本",
                        "不预设场景",
                        "不预设地点",
                        "参演人数",
                        "是否评估",
                    ]
                ]
                + [["YL-补录-1", drill[0], drill[1], day, drill[3], "√", "√", "√", "√", "30", "是"]]
                + [
                    [
                        shifted[0],
                        shifted[1],
                        shifted[2],
                        later,
                        shifted[4],
                        "√",
                        "",
                        "",
                        "",
                        "20",
                        "否",
                    ]
                ],
            ),
            write_rows(
                folder / "培训台账更正.csv",
                [["统一社会信用代码", "培训类别", "统计月份", "培训人数", "考核合格人数"]]
                # June reaches the task: the later months add nothing any more
                + [[count[0], count[1], "2024-06", str(count[2] + count[3]), "0"]],
            ),
            _in_error(folder / "错误", failed),  # the count leaves its month
            write_rows(
                folder / "企业名录更正.csv",
                [["统一社会信用代码", "企业名称", "所属区市", "行业领域", "从业人员数", "经营状态"]]
                + [[moved[0], moved[1], "文登区", "危险化学品", "80", "在营"]]
                + [[renamed[0], renamed[1] + "更名", renamed[2], "其他", "12", "在营"]],
            ),
        ],
    )


# the rows of mart_training_tasks of a unit, category and enterprise attributes
TASKS_OF_GROUP = (
    "SELECT count(*) FROM mart_training_tasks WHERE (district_code, category, industry, "
    "hazchem, high_risk) IS NOT DISTINCT FROM (?, ?, ?, ?, ?)"
)


def _plan_corrections(s, folder, others: list[str]):
    """A training plan file that takes one pair out of mart_training_tasks (its task set to 0:
    a pair alone in its unit, category and enterprise attributes, so that the mart's row goes)
    and raises another pair's task; ``others``: enterprises the other corrections change.
    Returns the file and the mart row that goes."""
    alone = query(
        s,
        "SELECT p.enterprise_id, p.category, p.task, p.district_code, e.industry, e.hazchem, "
        "e.high_risk FROM curated_training_plan p "
        "JOIN curated_enterprises e USING (enterprise_id) WHERE p.task > 0 AND e.status = '在营' "
        "AND p.enterprise_id NOT IN (SELECT unnest(?)) QUALIFY count(*) OVER (PARTITION BY "
        "p.district_code, p.category, e.industry, e.hazchem, e.high_risk) = 1 ORDER BY 1, 2 "
        "LIMIT 2",
        [others],
    )
    assert len(alone) == 2
    (gone, raised) = alone
    path = write_rows(
        folder / "培训任务更正.csv",
        [["统一社会信用代码", "培训类别", "三年培训任务数"]]
        + [[gone[0], gone[1], "0"], [raised[0], raised[1], str(raised[2] + 7)]],
    )
    return path, [gone[3], gone[1], *gone[4:]]


def _old_mismatches(s, last_old: int) -> int:
    """district_mismatch findings on rows of the files up to ``last_old``."""
    sql = "SELECT count(*) FROM quarantine WHERE rule_id = 'district_mismatch' AND file_id <= ?"
    return query(s, sql, [last_old])[0][0]


def test_a_monthly_update_and_corrections_validated_incrementally_equal_a_full_validation(
    raw, tmp_path
):
    """The month's files of this wave's datasets (tasks, activities, inspections with their
    enforcement columns, accidents, drills, training, hazards, register) and corrections of old
    rows, validated and curated incrementally, equal the same store validated in full: the
    kept check results, enterprise_names, the quarantine, every curated table and mart."""
    files, _ = discover([raw])
    steps = load_settings(raw=raw, db=tmp_path / "steps.duckdb", reports=tmp_path / "r1")
    ingest(files, steps)
    renamed, named = _named_hazard(steps, tmp_path / "named")
    ingest([named], steps)
    refresh(steps)
    before = _tables(steps)
    last_old = query(steps, "SELECT max(file_id) FROM ingest_files")[0][0]
    mismatches_before = _old_mismatches(steps, last_old)
    update = write_update(
        tmp_path / "update", steps, dt.date(2025, 1, 1), seed=7, scale_name="small"
    )
    drill, count, shifted, failed, corrections = _corrections(
        steps, tmp_path / "corrections", renamed
    )
    others = [drill[0], count[0], renamed[0]]
    plan, gone = _plan_corrections(steps, tmp_path / "plan", others)
    assert query(steps, TASKS_OF_GROUP, gone) == [(1,)]
    assert {p.parent.name for p in update} >= {"tasks", "activities", "inspections", "accidents"}
    new = [*update, *corrections, plan]
    assert all(r.status == "ingested" for r in ingest(new, steps))
    with store.writer(steps.db) as con:
        incremental = validate(con, steps)
        assert curate(con, steps).since is not None

    whole = load_settings(raw=raw, db=tmp_path / "whole.duckdb", reports=tmp_path / "r2")
    ingest([*files, named, *new], whole)
    full = refresh(whole, full=True)

    a, b = _tables(steps), _tables(whole)
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name
    assert incremental.expectations == full.expectations
    assert [d.__dict__ for d in incremental.datasets] == [d.__dict__ for d in full.datasets]
    # the cases are real: old records of the moved enterprise now break district_mismatch
    assert _old_mismatches(steps, last_old) > mismatches_before
    for name in ("curated_tasks", "curated_activities", "curated_accidents", "curated_inspections"):
        assert a[name] != before[name], name
    # the register carries the new name; the old hazards that name their enterprise without a
    # credit code: one no longer finds it, the other is in the moved enterprise's new unit
    assert any(renamed[1] + "更名" in row for row in a["curated_enterprises"])
    for hazard in ("YH-补录-1", "YH-补录-2"):
        old, now = ([r for r in t["curated_hazards"] if hazard in r] for t in (before, a))
        assert old and old != now, hazard
    moved = "SELECT district_code FROM curated_hazards WHERE hazard_id = 'YH-补录-2'"
    assert query(steps, moved) == [("371003",)]  # 文登区, the register's new district
    # the drill's day changed in mart_drill_days; the training months from 2024-06 on changed
    # (and the day the old drill left, and the month of the count now in error)
    changed_days = set(a["mart_drill_days"]) ^ set(before["mart_drill_days"])
    assert any(repr(drill[2]) in row for row in changed_days)
    assert any(repr(shifted[3]) in row for row in changed_days)
    changed = set(a["mart_training_increments"]) ^ set(before["mart_training_increments"])
    months = {tuple(map(int, m)) for row in changed for m in re.findall(DATE, row)}
    assert (2024, 6) in months and max(months) > (2024, 6)
    assert (failed[2].year, failed[2].month) in months and failed[2].month < 6
    # mart_training_tasks: a pair's task raised, a pair taken out (its row gone), the moved
    # enterprise's tasks in their new industry
    assert query(whole, TASKS_OF_GROUP, gone) == query(steps, TASKS_OF_GROUP, gone) == [(0,)]
    changed = set(a["mart_training_tasks"]) ^ set(before["mart_training_tasks"])
    assert len(changed) >= 3


def _new_code(s, tag: str) -> str:
    """A valid credit code the register does not hold (``tag``: one letter)."""
    from safetystats.normalize import credit_code_check

    code = query(s, "SELECT max(enterprise_id) FROM enterprises WHERE enterprise_id LIKE '9137%'")
    body = code[0][0][:8] + "NEW0000" + tag + "X"
    return body + (credit_code_check(body + "0") or "0")


def test_enterprises_new_to_the_register_that_old_records_named(raw, tmp_path):
    """A month that registers enterprises that old records named (by a credit code, and by a
    name without one) before they were registered: those records are found by their kept
    failures (enterprise_unknown, enterprise_name_unknown), not by a scan of every record's
    enterprise columns, and validation and curation give what a full validation gives."""
    files, _ = discover([raw])
    steps = load_settings(raw=raw, db=tmp_path / "steps.duckdb", reports=tmp_path / "r1")
    ingest(files, steps)
    code, name = _new_code(steps, "A"), "威海新登记测试有限公司"
    early = write_rows(
        tmp_path / "early" / "隐患补录.csv",
        [
            [
                "隐患编号",
                "统一社会信用代码",
                "企业名称",
                "所属区市",
                "隐患等级",
                "隐患描述",
                "发现日期",
            ]
        ]
        + [["YH-未登记-1", code, "", "环翠区", "一般", "消防通道堵塞", "2024-05-06"]]
        + [["YH-未登记-2", "", name, "", "一般", "安全出口堵塞", "2024-05-07"]],
    )
    ingest([early], steps)
    refresh(steps)
    unknown = "SELECT rule_id FROM check_failures WHERE record_key LIKE 'YH-未登记%' ORDER BY 1"
    assert [r[0] for r in query(steps, unknown)] == [
        "enterprise_name_unknown",
        "enterprise_unknown",
    ]
    before = _tables(steps)
    registered = write_rows(
        tmp_path / "register" / "企业名录新增.csv",
        [["统一社会信用代码", "企业名称", "所属区市", "行业领域", "从业人员数", "经营状态"]]
        + [[code, "威海未登记企业", "文登区", "工贸", "20", "在营"]]
        + [[_new_code(steps, "B"), name, "荣成市", "工贸", "20", "在营"]],
    )
    assert ingest([registered], steps)[0].status == "ingested"
    with store.writer(steps.db) as con:
        validate(con, steps)
        # no enterprise the register held changed: no scan, the two records by their failures
        assert store.scalar(con, "SELECT count(*) FROM register_known") == 0
        found = "SELECT count(*) FROM enterprise_records WHERE _key LIKE 'YH-未登记%'"
        assert store.scalar(con, found) == 2
        assert curate(con, steps).since is not None

    whole = load_settings(raw=raw, db=tmp_path / "whole.duckdb", reports=tmp_path / "r2")
    ingest([*files, early, registered], whole)
    refresh(whole, full=True)
    a, b = _tables(steps), _tables(whole)
    assert a.keys() == b.keys()
    for table in a:
        assert a[table] == b[table], table
    # the failures are lifted; the record by code is now in its enterprise's register unit
    assert [r[0] for r in query(steps, unknown)] == ["district_mismatch"]
    for hazard in ("YH-未登记-1", "YH-未登记-2"):  # and the curated rows changed
        old, now = ([r for r in t["curated_hazards"] if hazard in r] for t in (before, a))
        assert now and old != now, hazard


def test_names_that_become_shared_or_single_in_the_register(raw, tmp_path):
    """enterprise_names redone from the register rows that can hold the changed names: a name
    of one enterprise that a new enterprise takes too (now ambiguous), and a name of two
    enterprises that one of them leaves (now single), with old records naming each without a
    credit code; equal to a full validation."""
    files, _ = discover([raw])
    steps = load_settings(raw=raw, db=tmp_path / "steps.duckdb", reports=tmp_path / "r1")
    ingest(files, steps)
    header = ["统一社会信用代码", "企业名称", "所属区市", "行业领域", "从业人员数", "经营状态"]
    a, b, c, d = (_new_code(steps, tag) for tag in "ABCD")
    one, two = "威海甲名称测试公司", "威海乙名称测试公司"
    early = [
        write_rows(
            tmp_path / "early" / "企业名录补录.csv",
            [header]
            + [[a, one, "环翠区", "工贸", "20", "在营"]]
            + [[code, two, "环翠区", "工贸", "20", "在营"] for code in (b, c)],
        ),
        write_rows(
            tmp_path / "early" / "隐患补录.csv",
            [["隐患编号", "企业名称", "所属区市", "隐患等级", "隐患描述", "发现日期"]]
            + [["YH-名称-1", one, "", "一般", "消防通道堵塞", "2024-05-06"]]
            + [["YH-名称-2", two, "", "一般", "安全出口堵塞", "2024-05-07"]],
        ),
    ]
    ingest(early, steps)
    refresh(steps)
    later = write_rows(
        tmp_path / "later" / "企业名录更正.csv",
        [header]
        + [[d, one, "文登区", "工贸", "20", "在营"]]
        + [[c, "威海丙名称测试公司", "环翠区", "工贸", "20", "在营"]],
    )
    assert ingest([later], steps)[0].status == "ingested"
    with store.writer(steps.db) as con:
        validate(con, steps)
        assert curate(con, steps).since is not None

    whole = load_settings(raw=raw, db=tmp_path / "whole.duckdb", reports=tmp_path / "r2")
    ingest([*files, *early, later], whole)
    refresh(whole, full=True)
    x, y = _tables(steps), _tables(whole)
    for table in x:
        assert x[table] == y[table], table
    names = "SELECT enterprise_id, enterprises FROM enterprise_names WHERE name_key = ?"
    assert query(steps, names, [one]) == [(None, 2)] and query(steps, names, [two]) == [(b, 1)]


def test_district_values_new_to_the_store_are_resolved_when_they_come(raw, tmp_path):
    """district_map is kept between validations: an incremental one resolves the district
    values of the new rows that it lacks (a unit the registry knows under its city's name, a
    unit it does not know) and gives what a full validation gives."""
    files, _ = discover([raw])
    steps = load_settings(raw=raw, db=tmp_path / "steps.duckdb", reports=tmp_path / "r1")
    ingest(files, steps)
    refresh(steps)
    known, unknown, held = "山东威海文登区", "文登新区", "山东威海荣成市"
    assert steps.registry.resolve_detail(known).unit is not None
    assert steps.registry.resolve_detail(unknown).unit is None
    mapped = "SELECT value, code FROM district_map WHERE value IN (?, ?, ?) ORDER BY value"
    assert query(steps, mapped, [known, unknown, held]) == []  # new to the store
    (code,) = query(steps, "SELECT min(enterprise_id) FROM curated_enterprises")[0]
    month = write_rows(
        tmp_path / "month" / "隐患新增.csv",
        [["隐患编号", "统一社会信用代码", "所属区市", "隐患等级", "隐患描述", "发现日期"]]
        + [["YH-新写法-1", code, known, "一般", "消防通道堵塞", "2024-11-06"]]
        + [["YH-新写法-2", code, unknown, "一般", "安全出口堵塞", "2024-11-07"]]
        # the same hazard twice with different levels: both rows held at ingestion, in the
        # unit their district names
        + [
            ["YH-新写法-3", code, held, level, "配电箱无防护", "2024-11-08"]
            for level in ("一般", "重大")
        ],
    )
    assert ingest([month], steps)[0].rows_held == 2
    with store.writer(steps.db) as con:
        validate(con, steps)
        assert curate(con, steps).since is not None  # incremental
    assert query(steps, mapped, [known, unknown, held]) == [
        (known, steps.registry.resolve_detail(known).unit.code),
        (held, steps.registry.resolve_detail(held).unit.code),
        (unknown, None),
    ]
    failed = "SELECT rule_id FROM quarantine WHERE record_key = 'YH-新写法-2'"
    assert ("unknown_district",) in query(steps, failed)
    units = "SELECT DISTINCT unit_code FROM quarantine WHERE raw_value = 'YH-新写法-3'"
    assert query(steps, units) == [(steps.registry.resolve_detail(held).unit.code,)]

    whole = load_settings(raw=raw, db=tmp_path / "whole.duckdb", reports=tmp_path / "r2")
    ingest([*files, month], whole)
    refresh(whole, full=True)
    a, b = _tables(steps), _tables(whole)
    assert a.keys() == b.keys()
    for table in a:
        assert a[table] == b[table], table


def test_a_new_registry_resolves_every_district_value_again(raw, tmp_path):
    """A kept district_map is the old registry's: with a new registry the store is validated
    again before it is read, and every value is resolved again (a unit taken out of it no
    longer resolves); other paths alone do not make it stale."""
    files, _ = discover([raw])
    s = load_settings(raw=raw, db=tmp_path / "s.duckdb", reports=tmp_path / "r1")
    ingest(files, s)
    refresh(s)
    mapped = "SELECT value, code FROM district_map"
    assert dict(query(s, mapped))["文登区"] == "371003"
    units = write_rows(
        tmp_path / "units.csv",
        [["code", "name", "aliases", "parent"], ["371000", "威海市", "", ""]]
        + [["371002", "环翠区", "环翠", "371000"]],
    )
    moved = load_settings(raw=raw, db=s.db, reports=tmp_path / "r3")
    assert refresh(moved) is None  # current: the same settings read from elsewhere
    worded = replace(moved, lang="en", notice={"issuer": "另一发文机关"})
    assert refresh(worded) is None  # and what only figures and documents read
    other = load_settings(raw=raw, db=s.db, reports=tmp_path / "r2", districts=units)
    assert refresh(other) is not None  # as `run`, `attainment`, `bulletins` do first
    assert refresh(other) is None
    after = dict(query(other, mapped))
    assert after.keys() == dict(query(s, mapped)).keys() and after["文登区"] is None
    for value, code in after.items():
        unit = other.registry.resolve_detail(value).unit
        assert code == (unit and unit.code), value
    # a map of another definition (an older version's) is made again by a full validation
    with store.writer(s.db) as con:
        con.execute("ALTER TABLE district_map ADD COLUMN older INTEGER")
    refresh(other, force=True, full=True)
    columns = "SELECT column_name FROM duckdb_columns() WHERE table_name = 'district_map'"
    assert [c for (c,) in query(other, columns)] == [
        "value",
        "code",
        "name",
        "detail_zh",
        "detail_en",
    ]


def _register_again(raw, folder, changed: int, extra: tuple = ()):
    """The sample's register sent again whole, as another workbook (saved by openpyxl, as a
    clerk's Excel would): the employees of its first ``changed`` enterprises (with a number of
    employees) multiplied by ten, and the ``extra`` rows after them (in the sheet's columns).
    Returns the file and the credit codes changed."""
    import openpyxl

    book = openpyxl.load_workbook(raw / "enterprises" / "样例数据_企业名录.xlsx")
    for row in extra:
        book.worksheets[0].append(row)
    rows = book.worksheets[0].iter_rows()
    header = next(r for r in rows if any(c.value == "从业人员数" for c in r))
    column = next(i for i, c in enumerate(header) if c.value == "从业人员数")
    codes = []
    for row in rows:
        cell = row[column]
        if len(codes) < changed and str(cell.value or "").isdigit():
            cell.value = str(int(cell.value) * 10)
            codes.append(row[0].value)
    folder.mkdir(parents=True, exist_ok=True)
    book.save(folder / "企业名录重报.xlsx")
    return folder / "企业名录重报.xlsx", codes


def test_a_register_sent_again_whole_checks_and_rebuilds_only_what_changed(raw, tmp_path):
    """An office sends its whole register again with two enterprises changed: only the records
    of those two are checked and curated again (a register row moved to the new file is not a
    change, unless it has an error: its enterprise's records name the file and row; a warning
    names nothing of it), and the store equals one validated in full."""
    files, _ = discover([raw])
    steps = load_settings(raw=raw, db=tmp_path / "steps.duckdb", reports=tmp_path / "r1")
    ingest(files, steps)
    # an enterprise whose register row has a warning only (an industry not in the list)
    header = ["统一社会信用代码", "企业名称", "所属区市", "行业领域", "是否高危行业", "从业人员数"]
    header.append("经营状态")
    warned_row = [_new_code(steps, "W"), "威海星际采矿有限公司", "环翠区", "星际采矿", "否"]
    warned_row += ["12", "在营"]
    added = write_rows(tmp_path / "added" / "企业名录补录.csv", [header, warned_row])
    ingest([added], steps)
    refresh(steps)
    again, codes = _register_again(raw, tmp_path / "again", changed=2, extra=[warned_row])
    assert len(codes) == 2 and ingest([again], steps)[0].status == "ingested"
    with store.writer(steps.db) as con:
        incremental = validate(con, steps)
        changed = {
            r[0] for r in con.execute("SELECT enterprise_id FROM register_changed").fetchall()
        }
        failures = (
            "SELECT DISTINCT e.enterprise_id FROM enterprises e JOIN (SELECT record_key, rule_id "
            "FROM gx_failures UNION ALL SELECT record_key, rule_id FROM check_failures) f "
            "ON f.record_key = e._key WHERE {}"
        )
        rules = [steps.error_rules]
        erred = {r[0] for r in con.execute(failures.format("f.rule_id IN ?"), rules).fetchall()}
        warned = {
            r[0] for r in con.execute(failures.format("f.rule_id NOT IN ?"), rules).fetchall()
        }
        assert curate(con, steps).since is not None
        rebuilt = {
            r[0] for r in con.execute("SELECT enterprise_id FROM changed_enterprises").fetchall()
        }
    # the two changed and the register's rows with errors (their file and row moved); rows with
    # warnings only are not changes
    assert erred and warned_row[0] in warned - erred
    assert changed == set(codes) | erred and rebuilt == changed

    whole = load_settings(raw=raw, db=tmp_path / "whole.duckdb", reports=tmp_path / "r2")
    ingest([*files, added, again], whole)
    full = refresh(whole, full=True)
    a, b = _tables(steps), _tables(whole)
    for name in a:
        assert a[name] == b[name], name
    assert [d.__dict__ for d in incremental.datasets] == [d.__dict__ for d in full.datasets]
    # a record of an enterprise whose register row fails names the register's new file
    assert any(
        "企业名录重报.xlsx" in row for row in a["quarantine"] if "enterprise_quarantined" in row
    )


def test_a_correction_of_most_of_the_register_is_validated_in_full(raw, tmp_path, caplog):
    """Row by row costs more than a full validation when most of the store is to be done
    again (config/performance.toml [validate]): a register sent again with most enterprises
    changed is validated and curated in full; sent again with two changed, row by row."""
    import logging

    from safetystats.ingest.spec import load_specs
    from safetystats.validate.checks import incremental_cost

    files, _ = discover([raw])
    s = load_settings(raw=raw, db=tmp_path / "s.duckdb", reports=tmp_path / "r")
    ingest(files, s)
    refresh(s)
    few, _ = _register_again(raw, tmp_path / "few", changed=2)
    most, codes = _register_again(raw, tmp_path / "most", changed=10_000)
    ingest([few], s)
    with store.writer(s.db) as con:
        assert 0 < incremental_cost(con, s, load_specs(s)) < 1
    ingest([most], s)
    with store.writer(s.db) as con:
        assert incremental_cost(con, s, load_specs(s)) > 1
    assert len(codes) > 100
    with caplog.at_level(logging.INFO, logger="safetystats"):
        refresh(s)
    said = {r.name: r.getMessage() for r in caplog.records}
    assert said["safetystats.pipeline"].endswith("times every row: every row")
    assert said["safetystats.curate"].startswith("curate: every row")
    whole = load_settings(raw=raw, db=tmp_path / "whole.duckdb", reports=tmp_path / "r2")
    ingest([*files, few, most], whole)
    refresh(whole, full=True)
    assert _tables(s) == _tables(whole)


def _steps_and_whole(raw, tmp_path, steps, files, new) -> tuple[dict, dict]:
    """``new`` ingested into ``steps`` (the validated store of ``files``), validated and curated
    incrementally, and all of them validated in full: the two stores' tables."""
    assert all(r.status == "ingested" for r in ingest(new, steps))
    with store.writer(steps.db) as con:
        validate(con, steps)
        assert curate(con, steps).since is not None
    whole = load_settings(raw=raw, db=tmp_path / "whole.duckdb", reports=tmp_path / "r2")
    ingest([*files, *new], whole)
    refresh(whole, full=True)
    return _tables(steps), _tables(whole)


@pytest.mark.parametrize("row", ["count", "plan"])
def test_a_training_row_that_becomes_an_error_leaves_its_months(raw, tmp_path, row):
    """The only change of a month: an old training count, or the plan row of its pair, now in
    error. Its curated row goes and none replaces it, so the months that
    mart_training_increments makes again are read from the row as it was (the columns that
    marts/incremental.toml keeps of it: a count's month, a plan row's pair)."""
    files, _ = discover([raw])
    steps = load_settings(raw=raw, db=tmp_path / "steps.duckdb", reports=tmp_path / "r1")
    ingest(files, steps)
    refresh(steps)
    before = _tables(steps)["mart_training_increments"]
    count = _first_count(steps, "")
    error = (
        _in_error(tmp_path / "error", count)
        if row == "count"
        else write_rows(  # a negative task
            tmp_path / "error" / "培训任务更正.csv",
            [["统一社会信用代码", "培训类别", "三年培训任务数"], [count[0], count[1], "-3"]],
        )
    )
    a, b = _steps_and_whole(raw, tmp_path, steps, files, [error])
    for name in ("curated_training_counts", "curated_training_plan", "mart_training_increments"):
        assert a[name] == b[name], name
    changed = set(a["mart_training_increments"]) ^ set(before)
    months = {tuple(map(int, m)) for row in changed for m in re.findall(DATE, row)}
    assert (count[2].year, count[2].month) in months


def test_hazards_that_become_major_or_not_move_in_the_mart_of_major_hazards(raw, tmp_path):
    """A month that makes a general hazard major, a major one general and another major one an
    error (found in 2099): mart_major_hazards, updated from the changed hazards as they are now,
    equals a full validation's and the major ones of the curated hazards."""
    files, _ = discover([raw])
    steps = load_settings(raw=raw, db=tmp_path / "steps.duckdb", reports=tmp_path / "r1")
    ingest(files, steps)
    refresh(steps)
    pick = (
        "SELECT hazard_id, enterprise_id, district, level, found_date FROM hazards "
        "WHERE level = ? AND found_date IS NOT NULL AND enterprise_id IS NOT NULL "
        "AND hazard_id IN (SELECT hazard_id FROM curated_hazards) ORDER BY hazard_id LIMIT ?"
    )
    (up,) = query(steps, pick, ["general", 1])
    down, gone = query(steps, pick, ["major", 2])
    rows = [(up, "重大", up[4]), (down, "一般", down[4]), (gone, "重大", dt.date(2099, 1, 1))]
    corrections = write_rows(
        tmp_path / "hz" / "隐患更正.csv",
        [["隐患编号", "统一社会信用代码", "所属区市", "隐患等级", "隐患描述", "发现日期"]]
        + [[h[0], h[1], h[2] or "", level, "更正", found.isoformat()] for h, level, found in rows],
    )
    a, b = _steps_and_whole(raw, tmp_path, steps, files, [corrections])
    assert a["mart_major_hazards"] == b["mart_major_hazards"]
    assert a["curated_hazards"] == b["curated_hazards"]
    major = "SELECT hazard_id FROM mart_major_hazards ORDER BY 1"
    curated = "SELECT hazard_id FROM curated_hazards WHERE level = 'major' ORDER BY 1"
    assert query(steps, major) == query(steps, curated)
    ids = {r[0] for r in query(steps, major)}
    assert up[0] in ids and down[0] not in ids and gone[0] not in ids
