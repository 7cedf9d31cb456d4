"""The sample carries what the plans' duties need (issue 20): 八大行动 works with progress
reports, committee and unit activities, inspections with the enforcement columns, accidents of
two years. Read through ingestion into a real store (no validation needed for these counts)."""

import duckdb
import pytest

from safetystats.config import load_settings
from safetystats.ingest import ingest
from safetystats.sample import write_sample, write_update
from safetystats.sample.monthly import parse_month


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("sample")
    s = load_settings(raw=root / "raw", db=root / "store.duckdb", reports=root / "reports")
    write_sample(s.raw, s, seed=7, scale_name="small")
    write_update(s.raw, s, parse_month("2025-01"), seed=7, scale_name="small")
    results = ingest(None, s)
    assert [r.path.name for r in results if r.status != "ingested"] == []
    con = duckdb.connect(str(s.db), read_only=True)
    yield con
    con.close()


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_the_numbered_works_of_the_plan_are_all_there(store):
    # planned at the last report of 2024: 15 座, 14 座, 71 公里, 10 支 (W28, W29, W30, W44)
    got = dict(
        rows(
            store,
            "SELECT task, sum(planned) FROM tasks WHERE report_date = '2024-12-31' GROUP BY 1",
        )
    )
    assert got["小型病险水库除险加固"] == 15
    assert got["农村公路危桥改造"] == 14
    assert got["村道安保工程"] == 71
    assert got["市级专业救援队伍"] == 10
    assert got["化工园区封闭化管理"] > 0 and got["三个系统配备投用"] > 0


def test_works_report_several_times_some_over_delivered_some_behind(store):
    [(tasks, reported_again)] = rows(
        store,
        "SELECT count(*), count(*) FILTER (WHERE n >= 2) FROM "
        "(SELECT task_id, count(*) n FROM tasks WHERE report_date <= '2024-12-31' "
        "AND task_id NOT LIKE 'BAD-%' GROUP BY 1)",  # the broken row is quarantined later
    )
    assert tasks == 56 and reported_again == tasks  # 15 + 14 + 8 + 10 + 3 + 6 works
    last = "SELECT count(*) FROM tasks WHERE report_date = '2024-12-31' AND done {} planned"
    assert rows(store, last.format(">"))[0][0] > 0  # over-delivery, kept as reported
    assert rows(store, last.format("<"))[0][0] > 0  # behind
    # the ledger typed without ids: its works keep one derived id over their reports
    assert rows(store, "SELECT count(DISTINCT task_id) FROM tasks WHERE task_id LIKE 'auto:%'") == [
        (19,)  # 10 teams, 3 parks, 6 units' 三个系统
    ]
    # the update of 2025-01 reports the unfinished works again under their ids
    assert rows(store, "SELECT count(*) FROM tasks WHERE report_date = '2025-01-31'")[0][0] > 0


def test_every_kind_of_activity_some_periods_missed_some_blanks(store):
    kinds = dict(
        rows(store, "SELECT kind, count(*) FROM activities WHERE kind IS NOT NULL GROUP BY 1")
    )
    assert set(kinds) == {"会议", "联合检查", "督导检查", "警示教育", "宣传教育", "风险研判"}
    # 推进会 is monthly: 7 units × 12 months would be 84; the less diligent miss some
    months = rows(
        store,
        "SELECT district, count(DISTINCT month(activity_date)) FROM activities "
        "WHERE organiser LIKE '%安委办' AND kind = '会议' AND year(activity_date) = 2024 "
        "GROUP BY 1",
    )
    assert min(n for _, n in months) < 12
    assert rows(store, "SELECT count(*) FROM activities WHERE principal_led IS NULL")[0][0] > 0


def test_inspections_carry_the_enforcement_columns_but_one_units_ledger(store):
    by_file = rows(
        store,
        "SELECT f.file_name, count(i.unannounced), count(*) FROM inspections i "
        "JOIN ingest_files f ON f.file_id = i._file_id WHERE i.kind = '执法检查' GROUP BY 1",
    )
    bare = [f for f, known, n in by_file if known == 0]
    assert len(bare) == 1 and bare[0].endswith("_2024.csv")  # "—" for that unit, never 0
    # 四不两直 or 暗查暗访: a share of the enforcement checks, none of the principals' own
    share = rows(
        store,
        "SELECT count(*) FILTER (WHERE unannounced), count(unannounced) FROM inspections "
        "WHERE kind = '执法检查'",
    )[0]
    assert 0 < share[0] < share[1]
    # the ledger in 元 is stored in 万元: no penalty of a city's checks is 10,000 times too large
    assert rows(store, "SELECT max(penalty) < 100, count(penalty) > 0 FROM inspections") == [
        (True, True)
    ]


def test_accidents_of_two_years_with_the_planted_warnings(store):
    years = dict(rows(store, "SELECT year(accident_date), count(*) FROM accidents GROUP BY 1"))
    assert years[2023] > 0 and years[2024] > 0
    assert rows(store, "SELECT count(*) FROM accidents WHERE level = '较大'")[0][0] >= 1
    # two accidents within 60 days at one enterprise's unit (planted)
    pairs = rows(
        store,
        "SELECT count(*) FROM accidents a JOIN accidents b ON a.district = b.district "
        "AND b.accident_date > a.accident_date "
        "AND b.accident_date <= a.accident_date + INTERVAL 60 DAY",
    )
    assert pairs[0][0] >= 1
