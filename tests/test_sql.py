"""Fast SQL unit tests: every rule macro, curated table, mart, metric query and report query of
src/safetystats/sql/, on small hand-built tables in an in-memory DuckDB (no files, no GX).

The stores are built by tests/sqlkit.py from each dataset's valid rows with the package's own
curated and mart SQL; metrics run through engine.metric_counts for a target parsed from a
targets-file entry (sqlkit.target). Arithmetic is worked out by hand in the comments (DATA_SPEC
sections 2 and 6). Dates: W = 2024-01-01 (window start), E = 2024-06-30 (evaluation / as-of
date), YEAR_END = 2024-12-31.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
import sqlkit
from sqlkit import SETTINGS, D, build, counts, report, target

from safetystats import store
from safetystats.curate import _unique_by_key, column_tests
from safetystats.ingest import staging
from safetystats.metrics import engine
from safetystats.metrics.targets import load_targets, metric_definitions
from safetystats.paths import PACKAGED_CONFIG
from safetystats.sql import bind, execute_folder, load_sql, names_in
from safetystats.validate.checks import create_tables

HC, WD, RC = "371002", "371003", "371082"  # 环翠区, 文登区, 荣成市
W, E = "2024-01-01", "2024-06-30"
BEFORE_W, AFTER_E, E_MINUS_1 = "2023-12-31", "2024-07-01", "2024-06-29"
YEAR_END = "2024-12-31"
FOUR = dict(
    no_advance_notice=True, no_script=True, no_preset_scenario=True, no_preset_location=True
)
FIVE = dict(responsible_person="张三", measures="加固", funds=1.5, contingency_plan=True)

# The register. high_risk blank -> from the industry; status blank -> 在营.
ENTERPRISES = [
    # 环翠: a hazchem (so high-risk) firm and an ordinary one
    dict(enterprise_id="E1", enterprise_name="甲化工", district_code=HC, industry="危险化学品"),
    dict(
        enterprise_id="E2",
        enterprise_name="乙工贸",
        district_code=HC,
        industry="工贸",
        status="在营",
    ),
    # 文登: a high-risk non-hazchem firm and a 停产 one
    dict(enterprise_id="E3", enterprise_name="丙建筑", district_code=WD, industry="建筑施工"),
    dict(
        enterprise_id="E4",
        enterprise_name="丁工贸",
        district_code=WD,
        industry="工贸",
        status="停产",
    ),
    # 荣成: high_risk given explicitly against the industry default, a 关闭 firm, a high-risk firm
    dict(
        enterprise_id="E5", enterprise_name="戊", district_code=RC, industry="工贸", high_risk=True
    ),
    dict(
        enterprise_id="E6",
        enterprise_name="己矿",
        district_code=RC,
        industry="矿山",
        high_risk=False,
    ),
    dict(
        enterprise_id="E7", enterprise_name="庚", district_code=RC, industry="工贸", status="关闭"
    ),
    dict(enterprise_id="E8", enterprise_name="辛烟花", district_code=RC, industry="烟花爆竹"),
]


def one(con, sql: str, params=None):
    return con.execute(sql, params or []).fetchall()[0][0]


# ---------------------------------------------------------------------------------------------
# rules/: the macros
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def macros():
    con = duckdb.connect()
    execute_folder(con, "rules")
    yield con
    con.close()


@pytest.mark.parametrize(
    "as_of, expected",
    [
        ("2024-02-29", False),  # the day before found: not open yet
        ("2024-03-01", True),  # found that day
        ("2024-03-09", True),  # the day before rectified
        ("2024-03-10", False),  # rectified that day: no longer open
        ("2030-01-01", False),
    ],
)
def test_is_open_at_boundaries(macros, as_of, expected):
    sql = "SELECT is_open_at(DATE '2024-03-01', DATE '2024-03-10', ?::DATE)"
    assert one(macros, sql, [as_of]) is expected


def test_is_open_at_without_rectified_date(macros):
    assert one(macros, "SELECT is_open_at(DATE '2024-03-01', NULL, DATE '2030-01-01')") is True
    assert one(macros, "SELECT is_open_at(DATE '2024-03-01', NULL, DATE '2024-02-01')") is False


@pytest.mark.parametrize(
    "flags, expected",
    [
        ("true, true, true, true", True),
        ("true, true, true, false", False),
        ("false, true, true, true", False),
        ("true, NULL, true, true", False),  # unknown counts as not, never NULL
        ("NULL, NULL, NULL, NULL", False),
    ],
)
def test_is_unannounced(macros, flags, expected):
    assert one(macros, f"SELECT is_unannounced({flags})") is expected


@pytest.mark.parametrize(
    "args, expected",
    [
        ("'张三', '加固', 1.5, DATE '2024-05-01', true", True),
        ("'张三', '加固', 0, DATE '2024-05-01', true", True),  # funds 0 is present
        ("NULL, '加固', 1.5, DATE '2024-05-01', true", False),  # 责任
        ("'张三', NULL, 1.5, DATE '2024-05-01', true", False),  # 措施
        ("'张三', '加固', NULL, DATE '2024-05-01', true", False),  # 资金
        ("'张三', '加固', 1.5, NULL, true", False),  # 时限
        ("'张三', '加固', 1.5, DATE '2024-05-01', false", False),  # 预案
        ("'张三', '加固', 1.5, DATE '2024-05-01', NULL", False),  # 预案 unknown: not NULL
    ],
)
def test_five_point_complete(macros, args, expected):
    assert one(macros, f"SELECT five_point_complete({args})") is expected


@pytest.mark.parametrize(
    "wanted, value, expected",
    [
        ("NULL", "'工贸'", True),  # no filter: any value
        ("NULL", "NULL", True),  # ... even an unknown one
        ("['工贸']", "'工贸'", True),
        ("['工贸']", "'矿山'", False),
        ("['工贸', '矿山']", "'矿山'", True),  # a list of two: either
        ("[true]", "true", True),
        ("[false]", "true", False),
    ],
)
def test_in_scope(macros, wanted, value, expected):
    assert one(macros, f"SELECT in_scope({wanted}, {value})") is expected


def test_in_scope_leaves_out_an_unknown_value_of_a_scoped_target(macros):
    # an enterprise unknown to the register has no industry: a filter keeps no such row
    sql = "SELECT count(*) FROM (VALUES (NULL), ('工贸')) v(x) WHERE in_scope(['工贸'], x)"
    assert one(macros, sql) == 1
    sql = "SELECT count(*) FROM (VALUES (NULL), ('工贸')) v(x) WHERE in_scope(?, x)"
    assert one(macros, sql, [None]) == 2  # a NULL list bound from Python: no filter


@pytest.mark.parametrize(
    "day, per, expected",
    [
        ("2024-01-01", "year", "2024-01-01"),
        ("2024-12-31", "year", "2024-01-01"),
        ("2024-06-30", "half_year", "2024-01-01"),  # 30 June: the first half
        ("2024-07-01", "half_year", "2024-07-01"),  # 1 July: the second
        ("2024-12-31", "half_year", "2024-07-01"),
        ("2024-03-31", "quarter", "2024-01-01"),
        ("2024-04-01", "quarter", "2024-04-01"),
        ("2024-09-30", "quarter", "2024-07-01"),
        ("2024-02-29", "month", "2024-02-01"),
        ("2024-03-01", "month", "2024-03-01"),
    ],
)
def test_period_start(macros, day, per, expected):
    assert one(macros, "SELECT period_start(?::DATE, ?)", [day, per]) == D(expected)


@pytest.mark.parametrize(
    "start, per, last_day",
    [
        ("2024-01-01", "year", "2024-12-31"),
        ("2024-01-01", "half_year", "2024-06-30"),
        ("2024-07-01", "half_year", "2024-12-31"),
        ("2024-04-01", "quarter", "2024-06-30"),
        ("2024-02-01", "month", "2024-02-29"),  # a leap year
        ("2023-02-01", "month", "2023-02-28"),
    ],
)
def test_period_length_gives_the_last_day_of_the_period(macros, start, per, last_day):
    sql = "SELECT (?::DATE + period_length(?))::DATE - 1"
    assert one(macros, sql, [start, per]) == D(last_day)


@pytest.mark.parametrize(
    "trained, task",
    [
        ([6, 7, 3], 10),  # 6 -> 6, 13 -> 10 (+4), 16 -> 10 (+0): sum 10 = min(16, 10)
        ([2, 2], 10),  # never reaches the task: sum 4
        ([15, 1], 10),  # over the task in the first month: +10, +0
        ([0, 0, 5], 5),  # reaches it exactly
        ([3, 4], 0),  # task 0: nothing
    ],
)
def test_capped_increment_sums_to_min_of_total_and_task(macros, trained, task):
    values = ", ".join(f"({i}, {t})" for i, t in enumerate(trained))
    increments = macros.execute(
        f"""SELECT capped_increment(sum(trained) OVER (ORDER BY i), trained, {task})
            FROM (VALUES {values}) v(i, trained) ORDER BY i"""
    ).fetchall()
    running = 0
    for k, (inc,) in enumerate(increments):
        assert inc >= 0
        running += inc
        # every prefix sums to min(trained so far, task)
        assert running == min(sum(trained[: k + 1]), task)
    assert running == min(sum(trained), task)


# ---------------------------------------------------------------------------------------------
# curated/: the tables metrics read, and their column tests
# ---------------------------------------------------------------------------------------------


def test_kit_tables_have_the_columns_curate_builds_from_staged_tables():
    """The hand-built tables have exactly the curated columns (names, types, order): compare
    with curated tables built by the curate path from empty staged tables."""
    from safetystats.curate import _curated_sql, _valid_view

    real = duckdb.connect()
    store.ensure_bookkeeping(real)
    staging.ensure_tables(real, sqlkit.SPECS)
    create_tables(real)
    for name in sqlkit.DATASETS:
        _valid_view(real, sqlkit.SPECS[name])
        text = _curated_sql(name)
        real.execute(text, bind(text, sqlkit.CURATE_VALUES))
    kit = build()

    def describe(con, table):
        return [r[:2] for r in con.execute(f"DESCRIBE {table}").fetchall()]

    for name in sqlkit.DATASETS:
        assert describe(kit, f"curated_{name}") == describe(real, f"curated_{name}"), name
    # and the brief's list for the register
    assert [c for c, _ in describe(kit, "curated_enterprises")] == [
        "enterprise_id", "enterprise_name", "district_code", "industry", "high_risk", "hazchem",
        "employees", "status", "_file_id",
    ]  # fmt: skip


def test_valid_view_drops_error_rows_and_takes_the_district_from_the_register():
    con = duckdb.connect()
    store.ensure_bookkeeping(con)
    staging.ensure_tables(con, sqlkit.SPECS)
    create_tables(con)
    con.execute(
        "INSERT INTO district_map VALUES ('环翠', ?, '环翠区', NULL, NULL), ('文登', ?, '文登区', NULL, NULL)",
        [HC, WD],
    )
    con.execute(
        """INSERT INTO enterprises BY NAME SELECT 'E1' AS enterprise_id, '甲' AS enterprise_name,
           '环翠' AS district, '工贸' AS industry, 'E1' AS _key, 1 AS _file_id"""
    )
    con.execute(
        """INSERT INTO drills BY NAME SELECT * FROM (VALUES
             ('D1', 'E1', NULL, DATE '2024-03-01', 'D1'),   -- blank district: the register's
             ('D2', 'E1', '文登', DATE '2024-03-01', 'D2'),  -- own district wins
             ('D3', 'E1', NULL, DATE '2024-03-01', 'D3'),   -- quarantined (error): gone
             ('D4', 'E1', NULL, DATE '2024-03-01', 'D4')    -- a warning only: kept
           ) v(drill_id, enterprise_id, district, drill_date, _key)"""
    )
    con.execute(
        """INSERT INTO quarantine (dataset, record_key, rule_id, severity) VALUES
           ('drills', 'D3', 'bad_date', 'error'), ('drills', 'D4', 'unannounced_mismatch', 'warning'),
           ('hazards', 'D1', 'other_dataset', 'error')"""
    )
    from safetystats.curate import _curated_sql, _valid_view

    for name in ("enterprises", "drills"):
        _valid_view(con, sqlkit.SPECS[name])
        text = _curated_sql(name)
        con.execute(text, bind(text, sqlkit.CURATE_VALUES))
    got = con.execute("SELECT drill_id, district_code FROM curated_drills ORDER BY 1").fetchall()
    assert got == [("D1", HC), ("D2", WD), ("D4", HC)]


def test_curated_enterprises_defaults():
    con = build(
        enterprises=ENTERPRISES
        + [dict(enterprise_id="E9", enterprise_name="无区", industry="工贸")]  # no unit: dropped
    )
    got = con.execute(
        "SELECT enterprise_id, high_risk, hazchem, status FROM curated_enterprises ORDER BY 1"
    ).fetchall()
    assert got == [
        ("E1", True, True, "在营"),  # 危险化学品: high-risk by default, hazchem
        ("E2", False, False, "在营"),
        ("E3", True, False, "在营"),  # 建筑施工: high-risk, not hazchem
        ("E4", False, False, "停产"),
        ("E5", True, False, "在营"),  # 工贸 but high_risk given as true
        ("E6", False, False, "在营"),  # 矿山 but high_risk given as false
        ("E7", False, False, "关闭"),
        ("E8", True, False, "在营"),
    ]


def test_curated_drills_and_hazards_derived_columns():
    con = build(
        enterprises=ENTERPRISES,
        drills=[
            dict(drill_id="D1", enterprise_id="E1", drill_date=W, **FOUR),
            dict(drill_id="D2", enterprise_id="E1", drill_date=W, **(FOUR | {"no_script": None})),
        ],
        hazards=[
            # the register's name wins over the ledger's; an unknown firm keeps its own name
            dict(hazard_id="H1", enterprise_id="E1", enterprise_name="甲化工有限公司",
                 level="major", found_date=W, deadline=E, **FIVE),
            dict(hazard_id="H2", enterprise_id="EX", enterprise_name="某某厂", district_code=HC,
                 level="major", found_date=W, deadline=E, **(FIVE | {"funds": None})),
        ],
    )  # fmt: skip
    assert con.execute(
        "SELECT drill_id, is_unannounced FROM curated_drills ORDER BY 1"
    ).fetchall() == [
        ("D1", True),
        ("D2", False),
    ]
    got = con.execute(
        "SELECT hazard_id, enterprise_name, industry, five_point_complete, district_code "
        "FROM curated_hazards ORDER BY 1"
    ).fetchall()
    assert got == [("H1", "甲化工", "危险化学品", True, HC), ("H2", "某某厂", None, False, HC)]


# ---------------------------------------------------------------------------------------------
# The stores of the metric tests (module-scoped: built once, a few milliseconds each)
# ---------------------------------------------------------------------------------------------

UNANNOUNCED_DRILLS = [
    # 环翠
    dict(drill_id="D01", enterprise_id="E1", drill_date=BEFORE_W, **FOUR),  # day before W: out
    dict(drill_id="D02", enterprise_id="E1", drill_date=W, **FOUR),  # on W: in, 四不
    dict(
        drill_id="D03", enterprise_id="E2", drill_date="2024-03-15", **(FOUR | {"no_script": False})
    ),
    dict(drill_id="D04", enterprise_id="E2", drill_date=E, **FOUR),  # on E: in, 四不
    dict(drill_id="D05", enterprise_id="E2", drill_date=AFTER_E, **FOUR),  # day after E: out
    # 文登
    dict(drill_id="D06", enterprise_id="E3", drill_date="2024-02-01", **FOUR),
    dict(
        drill_id="D07", enterprise_id="E4", drill_date="2024-02-01", **(FOUR | {"no_script": None})
    ),
    dict(drill_id="D08", enterprise_id="E4", drill_date="2024-05-01"),  # no flags: not 四不
    dict(drill_id="D09", enterprise_id="E3", drill_date="2024-04-01"),
    # 荣成: an enterprise unknown to the register (no industry: out of every scoped target)
    dict(drill_id="D10", enterprise_id="EX", district_code=RC, drill_date="2024-02-02", **FOUR),
]


@pytest.fixture(scope="module")
def drills_store():
    con = build(enterprises=ENTERPRISES, drills=UNANNOUNCED_DRILLS)
    yield con
    con.close()


VIDEO_SITES = [
    # 环翠
    dict(site_id="V1", enterprise_id="E1", district_code=HC, high_consequence=True,
         video_installed=True, installed_date=E),  # installed on E: counts at E
    dict(site_id="V2", enterprise_id="E2", district_code=HC, high_consequence=True,
         video_installed=True, installed_date=AFTER_E),  # installed after E: not yet at E
    dict(site_id="V3", district_code=HC, high_consequence=True,
         video_installed=True),  # blank installed_date: counts at any date
    dict(site_id="V4", enterprise_id="E2", district_code=HC, high_consequence=True,
         video_installed=False),  # denominator only
    dict(site_id="V5", enterprise_id="E2", district_code=HC, high_consequence=False,
         video_installed=True, installed_date=W),  # not a high-consequence site: nowhere
    # 文登
    dict(site_id="V6", enterprise_id="E3", district_code=WD, high_consequence=True,
         video_installed=True, installed_date=W),
]  # fmt: skip


@pytest.fixture(scope="module")
def video_store():
    con = build(enterprises=ENTERPRISES, video_sites=VIDEO_SITES)
    yield con
    con.close()


def major(hazard_id, enterprise_id, found_date, **more):
    return dict(hazard_id=hazard_id, enterprise_id=enterprise_id, level="major",
                found_date=found_date, **more)  # fmt: skip


# One store for the five major-hazard metrics. Per hazard found in [W, E]: rectified by E (R),
# closed by E (C), 五落实 complete (F), under 挂牌督办 (S).
MAJOR_HAZARDS = [
    # 环翠
    major("H1", "E1", BEFORE_W, deadline="2024-01-31", supervision="city", source="举报",
          **FIVE),  # found the day before W: out of the window; never rectified: open
    major("H2", "E1", W, deadline="2024-03-01", rectified_date=E, closed_date=AFTER_E,
          source="企业自查", **FIVE),  # on W: in; R on E, C after E; F; supervision blank: not S
    major("H3", "E2", E, deadline="2024-07-15", rectified_date=AFTER_E, supervision="province",
          source="执法检查", **(FIVE | {"contingency_plan": False})),  # on E: in; S; no 预案: not F
    major("H4", "E2", AFTER_E, deadline="2024-08-01", supervision="city", source="执法检查",
          **FIVE),  # found the day after E: out (open from AFTER_E)
    dict(hazard_id="H5", enterprise_id="E2", level="general", found_date="2024-03-01",
         deadline="2024-03-05", rectified_date="2024-03-02", closed_date="2024-03-03",
         supervision="city", source="执法检查", **FIVE),  # general: never counted
    # 文登
    major("H6", "E3", "2024-02-01", deadline="2024-02-15", rectified_date="2024-02-10",
          closed_date="2024-02-20", source="执法检查", **FIVE),  # R, C, F; supervision blank
    major("H7", "E4", "2024-03-01", supervision="yes", source="暗访检查",
          **FIVE),  # a 停产 firm's hazard counts; open; no deadline: not F; "yes": S
    major("H8", "E3", "2024-03-05", deadline="2024-03-10", rectified_date="2024-03-06",
          closed_date=E, supervision="none",
          **(FIVE | {"funds": 0})),  # R; C on E; funds 0 is present: F; "none": not S; no source
]  # fmt: skip


@pytest.fixture(scope="module")
def hazards_store():
    con = build(enterprises=ENTERPRISES, hazards=MAJOR_HAZARDS)
    yield con
    con.close()


def evac(drill_id, enterprise_id, drill_date, drill_type="疏散逃生"):
    return dict(drill_id=drill_id, enterprise_id=enterprise_id, drill_date=drill_date,
                drill_type=drill_type)  # fmt: skip


# The default evacuation target (config/targets.toml, DATA_SPEC 6.6): every year at least one
# 疏散逃生 drill, a high-risk enterprise every half-year.
EVACUATION = dict(
    dataset="drills",
    types=["疏散逃生"],
    per="year",
    required=1,
    per_high_risk="half_year",
    required_high_risk=1,
)
# Who needs what: high-risk (half-years): E1, E3, E5 (工贸, high_risk given), E8;
# the others (years): E2, E6 (矿山, high_risk given false). E4 停产 and E7 关闭 are out.
EVACUATION_DRILLS = [
    evac("X01", "E1", W),  # E1: first half on W ...
    evac("X02", "E1", AFTER_E),  # ... second half on 1 July
    evac("X03", "E2", BEFORE_W),  # E2: in 2023, before W ...
    evac("X04", "E2", "2024-03-01", "综合应急预案"),  # ... another type ...
    evac("X11", "E2", "2024-08-15"),  # ... and in August: 2024 done from 08-15 on
    evac("X05", "E3", "2024-01-15"),  # E3: January only, none in July-December
    evac("X06", "E4", "2024-03-01"),  # 停产: out of the denominator
    evac("X07", "E5", E),  # E5: on 30 June (first half) ...
    evac("X08", "E5", AFTER_E),  # ... and on 1 July (second half)
    evac("X09", "E6", "2024-05-05"),  # E6: once in 2024
    evac("X10", "E7", "2024-03-01"),  # 关闭: out
    evac("X12", "E8", AFTER_E),  # E8: 1 July only, nothing in the first half
]


@pytest.fixture(scope="module")
def evacuation_store():
    con = build(enterprises=ENTERPRISES, drills=EVACUATION_DRILLS)
    yield con
    con.close()


def inspection(inspection_id, enterprise_id, day, kind="负责人带队检查"):
    return dict(inspection_id=inspection_id, enterprise_id=enterprise_id, inspection_date=day,
                kind=kind)  # fmt: skip


def onsite(drill_id, enterprise_id, drill_date, evaluated=None):
    return evac(drill_id, enterprise_id, drill_date, "现场处置方案") | {"evaluated": evaluated}


# The other event_frequency parameters, on a register of four: E2 (环翠), E3 (文登, high-risk),
# E4 (文登, 停产: out), E6 (荣成, not high-risk).
FREQUENCY_ENTERPRISES = [e for e in ENTERPRISES if e["enterprise_id"] in ("E2", "E3", "E4", "E6")]
# principal-led checks (DATA_SPEC 6.6): every quarter, monthly for high-risk enterprises
PRINCIPAL = dict(
    dataset="inspections", types=["负责人带队检查"], per="quarter", per_high_risk="month"
)
INSPECTIONS = [
    # E2 (quarters)
    inspection("I01", "E2", "2024-02-10"),  # Q1
    inspection("I02", "E2", "2024-04-01"),  # Q2, its first day
    inspection("I03", "E2", "2024-08-01", "执法检查"),  # Q3, another kind
    inspection("I04", "E2", "2024-09-30"),  # Q3, its last day
    # E3 (months): January, February, March, no April, May, June
    inspection("I05", "E3", "2024-01-31"),
    inspection("I06", "E3", "2024-02-01"),
    inspection("I07", "E3", "2024-03-15"),
    inspection("I08", "E3", "2024-05-10"),
    inspection("I09", "E3", E),
    # E6 (quarters)
    inspection("I10", "E6", BEFORE_W),  # before W
    inspection("I11", "E6", "2024-03-31"),  # Q1, its last day
    inspection("I12", "E6", E),  # Q2, its last day
    inspection("I13", "E4", "2024-02-01"),  # 停产: out
]
# 现场处置方案 drills (柳州公园街道, 辽宁: each half-year, evaluated drills); E6 has none
ONSITE = dict(dataset="drills", types=["现场处置方案"], per="half_year")
FREQUENCY_DRILLS = [
    onsite("F1", "E2", "2024-03-01", evaluated=True),
    onsite("F2", "E2", "2024-08-01"),  # evaluated blank
    onsite("F3", "E3", "2024-02-01", evaluated=False),
    onsite("F4", "E3", "2024-05-01", evaluated=True),
    onsite("F5", "E3", "2024-09-01", evaluated=True),
]


@pytest.fixture(scope="module")
def frequency_store():
    con = build(enterprises=FREQUENCY_ENTERPRISES, inspections=INSPECTIONS, drills=FREQUENCY_DRILLS)
    yield con
    con.close()


def roster_row(roster, object_id, district_code, done, **more):
    return dict(roster=roster, object_id=object_id, district_code=district_code, done=done,
                **more)  # fmt: skip


ROSTERS = [
    # 电梯 (elevators on the emergency platform)
    roster_row("电梯", "R1", HC, True, in_scope=True, done_date="2024-03-01"),
    roster_row("电梯", "R2", HC, True),  # in_scope blank = in; done_date blank: done at any date
    roster_row("电梯", "R3", HC, True, in_scope=False, done_date=W),  # not in scope: nowhere
    roster_row("电梯", "R4", HC, True, in_scope=True, done_date=AFTER_E),  # done after E
    roster_row("电梯", "R5", WD, False),  # not done: denominator only
    roster_row("电梯", "R6", WD, True, done_date=E),  # done on E
    # another roster, one object id shared with 电梯: never in 电梯's counts
    roster_row("变型拖拉机", "R1", HC, True, done_date=W),
    roster_row("变型拖拉机", "T2", RC, False),
]


@pytest.fixture(scope="module")
def roster_store():
    con = build(rosters=ROSTERS)
    yield con
    con.close()


def plan(enterprise_id, category, task, cycle_start=None):
    return dict(enterprise_id=enterprise_id, category=category, task=task, cycle_start=cycle_start)


def trained(enterprise_id, category, month, n):
    return dict(enterprise_id=enterprise_id, category=category, month=month, trained=n)


TRAINING_PLAN = [
    plan("E2", "全员", 10),
    plan("E2", "班组长", 5),
    plan("E1", "全员", 4),
    plan("E3", "全员", 20, "2024-03-15"),  # cycle from March (its month counts whole)
    plan("E3", "班组长", 0),  # task 0: left out
]
TRAINING_COUNTS = [
    trained("E2", "全员", "2023-12-01", 6),  # before the cycle start (2024-01-01)
    trained("E2", "全员", "2024-01-01", 6),
    trained("E2", "全员", "2024-05-01", 7),  # 13 so far, capped at 10
    trained("E2", "全员", "2024-07-01", 3),  # after E's month
    trained("E2", "班组长", "2024-06-01", 2),  # E's own month counts
    trained("E1", "全员", "2024-04-01", 2),  # 2 of 4
    trained("E3", "全员", "2024-02-01", 100),  # before E3's cycle start
    trained("E3", "全员", "2024-03-01", 5),
    trained("E3", "班组长", "2024-03-01", 3),  # a task-0 row: nothing
]


@pytest.fixture(scope="module")
def training_store():
    con = build(
        enterprises=ENTERPRISES, training_plan=TRAINING_PLAN, training_counts=TRAINING_COUNTS
    )
    yield con
    con.close()


# metric id -> (the fixture of its store, the target's parameters)
STORES = {
    "unannounced_drill_share": ("drills_store", {}),
    "video_coverage": ("video_store", {}),
    "training_completion": ("training_store", {}),
    "major_hazard_rectification": ("hazards_store", {}),
    "major_hazard_closure": ("hazards_store", {}),
    "five_point_completeness": ("hazards_store", {}),
    "supervision_coverage": ("hazards_store", {}),
    "open_major_hazards": ("hazards_store", {}),
    "event_frequency": ("evacuation_store", EVACUATION),
    "roster_coverage": ("roster_store", {"roster": "电梯"}),
}
METRICS = metric_definitions()


# the metrics of issue 20, tested in tests/test_sql_new_metrics.py
NEW_METRICS = {"activity_frequency", "event_quota", "task_progress", "accident_count",
               "training_pass_rate"}  # fmt: skip


def test_every_metric_and_metric_query_has_a_test():
    assert sorted(STORES.keys() | NEW_METRICS) == sorted(METRICS)
    queries = {"metrics/" + METRICS[m]["sql"] for m in METRICS} | {"metrics/latest_event_date"}
    shared = {f"metrics/shared_{n}" for m in METRICS for n in METRICS[m].get("shared", [])}
    assert sorted(queries | shared) == names_in("metrics")


def test_the_default_evacuation_target_is_the_one_tested():
    (evacuation,) = [t for t in load_targets(PACKAGED_CONFIG / "targets.toml")
                     if t.id == "evacuation_drill_coverage"]  # fmt: skip
    assert evacuation.metric == "event_frequency"
    assert (evacuation.window_start, evacuation.deadline) == (D(W), D(YEAR_END))
    assert evacuation.scope == {}
    assert evacuation.parameters == EVACUATION | {"evaluated_only": False}


MAJOR_HAZARD_COLUMNS = ["rectified", "closed", "five_point_complete", "supervised"]
# the columns beside numerator and denominator (engine.EXTRA_COLUMNS): the running period of
# the period rule, the records considered and filled of "missing, not false", the ledger
PERIOD_COLUMNS = ["period_numerator", "period_denominator", "considered", "filled"]
EXTRA_COLUMNS = {
    "event_frequency": PERIOD_COLUMNS,
    "activity_frequency": PERIOD_COLUMNS,
    "event_quota": ["considered", "filled"],
    "training_pass_rate": ["considered", "filled"],
    "accident_count": ["has_ledger"],
}


@pytest.fixture(scope="module")
def empty_store():
    con = build()
    yield con
    con.close()


@pytest.mark.parametrize("metric", sorted(STORES))
def test_metric_query_columns(empty_store, metric):
    """Each metric query's own columns; the four major-hazard metrics share one query and each
    takes its numerator column (metrics.toml)."""
    sql = METRICS[metric]["sql"]
    tgt = target(metric, W, **STORES[metric][1])
    with engine.target_inputs(empty_store, tgt, SETTINGS):  # its shared inputs
        frame = engine.query(
            empty_store,
            f"metrics/{sql}",
            SETTINGS,
            eval_dates=[D(E)],
            none_supervision=["none"],
            **tgt.sql_values(),
        )
    own = MAJOR_HAZARD_COLUMNS if sql == "metric_major_hazards" else ["numerator"]
    base = ["eval_date", "district_code", "is_total", *own, "denominator"]
    assert frame.columns == base + EXTRA_COLUMNS.get(metric, [])
    numerator = {
        "major_hazard_rectification": "rectified",
        "major_hazard_closure": "closed",
        "five_point_completeness": "five_point_complete",
        "supervision_coverage": "supervised",
    }.get(metric, "numerator")
    assert METRICS[metric].get("numerator", "numerator") == numerator


# ---------------------------------------------------------------------------------------------
# metrics/
# ---------------------------------------------------------------------------------------------


def test_unannounced_drill_share(drills_store):
    got = counts(drills_store, "unannounced_drill_share", W, ["2024-03-31", E])
    assert got == {
        # 环翠: D02, D03 in [W, 03-31], D02 四不 -> 1/2
        ("2024-03-31", HC): (1, 2),
        # 文登: D06, D07 (D09 is 04-01), D06 四不 -> 1/2
        ("2024-03-31", WD): (1, 2),
        ("2024-03-31", RC): (1, 1),  # D10
        ("2024-03-31", None): (3, 5),
        # 环翠: 3 drills in [W, E] (D02 on W, D03, D04 on E; not D01, D05), 2 四不 -> 2/3
        (E, HC): (2, 3),
        # 文登: D06, D07, D08, D09; only D06 四不 (a NULL flag is not 四不) -> 1/4
        (E, WD): (1, 4),
        (E, RC): (1, 1),
        # total: 4/8 from the counts, not the mean of 2/3, 1/4, 1/1 (= 23/36)
        (E, None): (4, 8),
    }


@pytest.mark.parametrize(
    "scope, expected",
    [
        # hazchem: E1 only -> D02
        ({"hazchem": [True]}, {HC: (1, 1), None: (1, 1)}),
        # not hazchem: E2 (D03, D04), E3/E4 (D06-D09); D10's unknown firm has no attributes
        ({"hazchem": [False]}, {HC: (1, 2), WD: (1, 4), None: (2, 6)}),
        # industry 工贸: E2 (D03, D04), E4 (D07, D08)
        ({"industry": ["工贸"]}, {HC: (1, 2), WD: (0, 2), None: (1, 4)}),
        # two industries: 工贸 as above + 建筑施工 E3 (D06 四不, D09) -> 文登 1/4
        ({"industry": ["工贸", "建筑施工"]}, {HC: (1, 2), WD: (1, 4), None: (2, 6)}),
        # high-risk: E1 (D02), E3 (D06, D09)
        ({"high_risk": [True]}, {HC: (1, 1), WD: (1, 2), None: (2, 3)}),
        # both values of high_risk: every drill of a known firm (not D10) -> 3/7
        ({"high_risk": [True, False]}, {HC: (2, 3), WD: (1, 4), None: (3, 7)}),
    ],
)
def test_unannounced_drill_share_scope(drills_store, scope, expected):
    got = counts(drills_store, "unannounced_drill_share", W, [E], **scope)
    assert got == {(E, code): nd for code, nd in expected.items()}


def test_unannounced_drill_share_window_start_moves(drills_store):
    # W = 2024-01-02: D02 (on 01-01) leaves 环翠 -> 1/2 (D03, D04)
    got = counts(drills_store, "unannounced_drill_share", "2024-01-02", [E])
    assert got[(E, HC)] == (1, 2)
    # W = 2023-12-31: D01 joins -> 3/4
    got = counts(drills_store, "unannounced_drill_share", BEFORE_W, [E])
    assert got[(E, HC)] == (3, 4)


def test_video_coverage(video_store):
    got = counts(video_store, "video_coverage", W, ["2023-01-01", E, AFTER_E])
    assert got == {
        # before anything: only V3 (blank date) counts; 4 high-consequence sites in 环翠
        ("2023-01-01", HC): (1, 4),
        ("2023-01-01", WD): (0, 1),
        ("2023-01-01", None): (1, 5),
        # at E: V1 (installed on E), V3 -> 2/4 (V2 after E, V4 no video, V5 not h.-c.)
        (E, HC): (2, 4),
        (E, WD): (1, 1),
        (E, None): (3, 5),
        # E + 1: V2 joins
        (AFTER_E, HC): (3, 4),
        (AFTER_E, WD): (1, 1),
        (AFTER_E, None): (4, 5),
    }


@pytest.mark.parametrize(
    "scope, expected",
    [
        # 工贸: V2, V4 (E2); V3 without an enterprise is out of a scoped target
        ({"industry": ["工贸"]}, {HC: (0, 2), None: (0, 2)}),
        # 工贸 or 危险化学品: + V1 (E1, installed on E) -> 1/3
        ({"industry": ["工贸", "危险化学品"]}, {HC: (1, 3), None: (1, 3)}),
        ({"hazchem": [True]}, {HC: (1, 1), None: (1, 1)}),  # V1
        ({"high_risk": [True]}, {HC: (1, 1), WD: (1, 1), None: (2, 2)}),  # V1, V6
    ],
)
def test_video_coverage_scope(video_store, scope, expected):
    got = counts(video_store, "video_coverage", W, [E], **scope)
    assert got == {(E, code): nd for code, nd in expected.items()}


@pytest.mark.parametrize(
    "metric, expected",
    [
        (
            "major_hazard_rectification",
            {
                # E - 1: 环翠 only H2 (H3 is found on E), rectified on E: not yet -> 0/1
                (E_MINUS_1, HC): (0, 1),
                (E_MINUS_1, WD): (2, 3),  # H6, H8 rectified; H7 open
                (E_MINUS_1, None): (2, 4),
                # E: H2 (rectified on E) + H3 (found on E, open); not H1, H4, H5 -> 1/2
                (E, HC): (1, 2),
                (E, WD): (2, 3),
                (E, None): (3, 5),  # total 3/5, not the mean 7/12
            },
        ),
        (
            "major_hazard_closure",
            {
                (E_MINUS_1, HC): (0, 1),  # H2 closed after E
                (E_MINUS_1, WD): (1, 3),  # H6 (02-20); H8 is closed on E
                (E_MINUS_1, None): (1, 4),
                (E, HC): (0, 2),  # H2 closed after E, H3 not closed
                (E, WD): (2, 3),  # H6, H8 (on E)
                (E, None): (2, 5),
            },
        ),
        (
            "five_point_completeness",
            {
                (E_MINUS_1, HC): (1, 1),  # H2
                (E_MINUS_1, WD): (2, 3),  # H6, H8 (funds 0); H7 has no deadline
                (E_MINUS_1, None): (3, 4),
                (E, HC): (1, 2),  # H3 without 预案
                (E, WD): (2, 3),
                (E, None): (3, 5),
            },
        ),
        (
            "supervision_coverage",
            {
                (E_MINUS_1, HC): (0, 1),  # H2: supervision blank
                (E_MINUS_1, WD): (1, 3),  # H7 ("yes"); H6 blank, H8 "none"
                (E_MINUS_1, None): (1, 4),
                (E, HC): (1, 2),  # + H3 (province)
                (E, WD): (1, 3),
                (E, None): (2, 5),
            },
        ),
    ],
)
def test_major_hazard_metrics(hazards_store, metric, expected):
    assert counts(hazards_store, metric, W, [E_MINUS_1, E]) == expected


@pytest.mark.parametrize(
    "metric, scope, expected",
    [
        ("major_hazard_rectification", {"hazchem": [True]}, {HC: (1, 1), None: (1, 1)}),  # H2
        # 工贸: H3 (E2), H7 (E4)
        ("major_hazard_rectification", {"industry": ["工贸"]},
         {HC: (0, 1), WD: (0, 1), None: (0, 2)}),
        # 危险化学品 or 建筑施工: H2; H6, H8
        ("major_hazard_rectification", {"industry": ["危险化学品", "建筑施工"]},
         {HC: (1, 1), WD: (2, 2), None: (3, 3)}),
        ("major_hazard_rectification", {"high_risk": [True]},
         {HC: (1, 1), WD: (2, 2), None: (3, 3)}),  # H2; H6, H8
        ("major_hazard_rectification", {"high_risk": [False]},
         {HC: (0, 1), WD: (0, 1), None: (0, 2)}),  # H3; H7
        # source 执法检查: H3 (open), H6 (rectified); H4 is after E, H5 general
        ("major_hazard_rectification", {"source": ["执法检查"]},
         {HC: (0, 1), WD: (1, 1), None: (1, 2)}),
        # + 暗访检查: H7 (open); H8 has no source: out of a source-scoped target
        ("major_hazard_rectification", {"source": ["执法检查", "暗访检查"]},
         {HC: (0, 1), WD: (1, 2), None: (1, 3)}),
        # level major: all of them; general: none (the metrics count major hazards, H5 is not)
        ("major_hazard_rectification", {"level": ["major"]},
         {HC: (1, 2), WD: (2, 3), None: (3, 5)}),
        ("major_hazard_rectification", {"level": ["general"]}, {}),
        ("major_hazard_closure", {"high_risk": [True]},
         {HC: (0, 1), WD: (2, 2), None: (2, 3)}),  # H2 not closed; H6, H8 closed
        ("major_hazard_closure", {"source": ["执法检查"]},
         {HC: (0, 1), WD: (1, 1), None: (1, 2)}),  # H3 no; H6
        ("five_point_completeness", {"industry": ["工贸"]},
         {HC: (0, 1), WD: (0, 1), None: (0, 2)}),  # H3 (no 预案), H7 (no deadline)
        ("five_point_completeness", {"hazchem": [False]},
         {HC: (0, 1), WD: (2, 3), None: (2, 4)}),  # H3; H6, H7, H8
        ("supervision_coverage", {"high_risk": [False]},
         {HC: (1, 1), WD: (1, 1), None: (2, 2)}),  # H3 province, H7 yes
        ("supervision_coverage", {"high_risk": [True]},
         {HC: (0, 1), WD: (0, 2), None: (0, 3)}),  # H2 blank; H6 blank, H8 "none"
    ],
)  # fmt: skip
def test_major_hazard_metrics_scope(hazards_store, metric, scope, expected):
    got = counts(hazards_store, metric, W, [E], **scope)
    assert got == {(E, code): nd for code, nd in expected.items()}


def test_major_hazard_metrics_share_one_table_per_run():
    """The major-hazard metrics read one temp table (sql/metrics/shared_major_hazards.sql), made
    once for the targets of a run and dropped after it, or by each query alone: the same counts.
    Made for targets without a scope on the register's columns, it does not read them, and is
    made again with them for a target that has one. H9's enterprise is not in the register:
    counted without a scope, not under one on the register's columns."""
    h9 = major("H9", "E99", W, district_code=HC, rectified_date=E, source="执法检查", **FIVE)
    con = build(enterprises=ENTERPRISES, hazards=[*MAJOR_HAZARDS, h9])
    metrics = [m for m in METRICS if "major_hazards" in METRICS[m].get("shared", [])]
    exists = load_sql("store/table_exists")
    alone = {m: counts(con, m, W, [E]) for m in metrics}
    assert not store.scalar(con, exists, {"table": "major_hazards"})
    with engine.shared_inputs(con, [target(m, W) for m in metrics]):
        together = {m: counts(con, m, W, [E]) for m in metrics}
        assert store.scalar(con, exists, {"table": "major_hazards"})
        scoped_inside = counts(con, "major_hazard_rectification", W, [E], high_risk=[False])
    assert not store.scalar(con, exists, {"table": "major_hazards"})
    assert together == alone
    assert alone["major_hazard_rectification"][E, HC] == (2, 3)  # H2, H9 by E; H3 not
    assert alone["open_major_hazards"][E, HC] == (2, 0)  # H1, H3
    scoped = counts(con, "major_hazard_rectification", W, [E], high_risk=[False])
    assert scoped[E, HC] == (0, 1)  # H3 (E2); not H9
    assert scoped_inside == scoped


def test_open_major_hazards_is_a_count_of_hazards_found_at_any_date(hazards_store):
    got = counts(hazards_store, "open_major_hazards", W, [BEFORE_W, E_MINUS_1, E, AFTER_E])
    assert got == {  # (count, 0): a count has no denominator
        (BEFORE_W, HC): (1, 0),  # H1, found that day
        (BEFORE_W, None): (1, 0),
        # E - 1: H1 (found before W still counts), H2 (rectified on E: open the day before)
        (E_MINUS_1, HC): (2, 0),
        (E_MINUS_1, WD): (1, 0),  # H7 (a 停产 firm's); H6, H8 rectified
        (E_MINUS_1, None): (3, 0),
        # E: H1, H3 (found on E, rectified after E: still open); H2 rectified on E; not H5
        (E, HC): (2, 0),
        (E, WD): (1, 0),
        (E, None): (3, 0),
        # E + 1: H1, H4 (found that day); H3 rectified that day
        (AFTER_E, HC): (2, 0),
        (AFTER_E, WD): (1, 0),
        (AFTER_E, None): (3, 0),
    }
    # the window does not matter: W = 2024-06-01 (after H1, H2, H7 were found) gives the same
    assert counts(hazards_store, "open_major_hazards", "2024-06-01", [E]) == {
        k: v for k, v in got.items() if k[0] == E
    }


@pytest.mark.parametrize(
    "scope, expected",
    [
        ({"hazchem": [True]}, {HC: (1, 0), None: (1, 0)}),  # H1 (E1)
        ({"source": ["执法检查"]}, {HC: (1, 0), None: (1, 0)}),  # H3; H1 is 举报
        ({"high_risk": [False]}, {HC: (1, 0), WD: (1, 0), None: (2, 0)}),  # H3 (E2); H7 (E4)
        ({"industry": ["工贸", "危险化学品"]}, {HC: (2, 0), WD: (1, 0), None: (3, 0)}),
    ],
)
def test_open_major_hazards_scope(hazards_store, scope, expected):
    got = counts(hazards_store, "open_major_hazards", W, [E], **scope)
    assert got == {(E, code): nd for code, nd in expected.items()}


def test_event_frequency_evacuation(evacuation_store):
    """The default evacuation target: 在营 E1, E2 (环翠), E3 (文登), E5, E6, E8 (荣成)."""
    got = counts(evacuation_store, "event_frequency", W, [E_MINUS_1, E, AFTER_E, YEAR_END],
                 **EVACUATION)  # fmt: skip
    assert got == {
        # E - 1: E1 (X01), E3 (X05), E6 (X09) meet; E2 none of type in 2024 up to E - 1,
        # E5's drill is on E, E8's after E
        (E_MINUS_1, HC): (1, 2),
        (E_MINUS_1, WD): (1, 1),  # E4 停产: not in the denominator
        (E_MINUS_1, RC): (1, 3),  # E7 关闭: not in it either
        (E_MINUS_1, None): (3, 6),
        # E: 30 June is in the first half: E5 (X07) meets
        (E, HC): (1, 2),
        (E, WD): (1, 1),  # E3: January's drill, half-year 1 only
        (E, RC): (2, 3),
        (E, None): (4, 6),
        # E + 1 (the period rule): half-year 1 has ended and is judged, half-year 2 is running
        # and not held against anyone: E1 (X01), E3 (X05), E5 (X07) meet; E8's drill on
        # 1 July leaves half-year 1 empty; E2 and E6 (years) still need their running year:
        # E6 has X09, E2 none yet. (Before the period rule 文登 was 0/1 and the total 3/6.)
        (AFTER_E, HC): (1, 2),
        (AFTER_E, WD): (1, 1),
        (AFTER_E, RC): (2, 3),
        (AFTER_E, None): (4, 6),
        # 12-31: E2 meets (X11 in August); E3 (none in July-December) and E8 (none in
        # January-June) fail
        (YEAR_END, HC): (2, 2),
        (YEAR_END, WD): (0, 1),
        (YEAR_END, RC): (2, 3),
        (YEAR_END, None): (4, 6),
    }


@pytest.mark.parametrize(
    "scope, expected",
    [
        # high-risk 在营: E1, E3, E5 meet, E8 not
        ({"high_risk": [True]}, {HC: (1, 1), WD: (1, 1), RC: (1, 2), None: (3, 4)}),
        ({"high_risk": [False]}, {HC: (0, 1), RC: (1, 1), None: (1, 2)}),  # E2 no, E6 yes
        # 工贸 or 建筑施工, 在营: E2 (no), E3, E5 (yes); E4 停产 and E7 关闭 are out
        ({"industry": ["工贸", "建筑施工"]},
         {HC: (0, 1), WD: (1, 1), RC: (1, 1), None: (2, 3)}),
        ({"hazchem": [True]}, {HC: (1, 1), None: (1, 1)}),  # E1
        ({"hazchem": [False]}, {HC: (0, 1), WD: (1, 1), RC: (2, 3), None: (3, 5)}),
    ],
)  # fmt: skip
def test_event_frequency_scope(evacuation_store, scope, expected):
    got = counts(evacuation_store, "event_frequency", W, [E], **(EVACUATION | scope))
    assert got == {(E, code): nd for code, nd in expected.items()}


def test_event_frequency_counts_only_events_inside_the_window(evacuation_store):
    # W = 2024-01-02: half-year 1 is [01-02, 06-30]; E1's drill on 01-01 lies in the calendar
    # half-year but before W -> E1 fails: 环翠 0/2; E3, E5, E6 still meet
    got = counts(evacuation_store, "event_frequency", "2024-01-02", [E], **EVACUATION)
    assert got == {(E, HC): (0, 2), (E, WD): (1, 1), (E, RC): (2, 3), (E, None): (3, 6)}
    # W = 2023-12-31: the periods overlapping [W, E] include the one-day slivers 2023
    # [12-31, 12-31] and 2023 H2 [12-31, 12-31], both ended by E and judged. Only E2 holds a
    # drill on that day (X03): for E2 (years) 2023 is the only ended period (2024 is running,
    # not held against it) -> E2 meets; the high-risk firms' 2023 H2 sliver is empty -> no one
    # else meets (before the period rule E2 failed too, for its empty 2024: 0/6)
    got = counts(evacuation_store, "event_frequency", BEFORE_W, [E], **EVACUATION)
    assert got == {(E, HC): (1, 2), (E, WD): (0, 1), (E, RC): (0, 3), (E, None): (1, 6)}


def test_event_frequency_per_year_for_everyone(evacuation_store):
    values = EVACUATION | {"per_high_risk": "year"}
    got = counts(evacuation_store, "event_frequency", W, [E, YEAR_END], **values)
    assert got == {
        # E: the year up to E is the first half: as the default (E1, E3, E5, E6 meet)
        (E, HC): (1, 2),
        (E, WD): (1, 1),
        (E, RC): (2, 3),
        (E, None): (4, 6),
        # 12-31: one drill in 2024 is enough: E3 (January) and E8 (July) now meet; all 6
        (YEAR_END, HC): (2, 2),
        (YEAR_END, WD): (1, 1),
        (YEAR_END, RC): (3, 3),
        (YEAR_END, None): (6, 6),
    }


def test_event_frequency_defaults_of_the_high_risk_parameters(evacuation_store):
    # per_high_risk and required_high_risk left out: the same as per and required (year, 1)
    values = dict(dataset="drills", types=["疏散逃生"], per="year", required=1)
    assert counts(evacuation_store, "event_frequency", W, [YEAR_END], **values) == {
        (YEAR_END, HC): (2, 2), (YEAR_END, WD): (1, 1), (YEAR_END, RC): (3, 3),
        (YEAR_END, None): (6, 6),
    }  # fmt: skip


def test_event_frequency_any_type_and_required_two(evacuation_store):
    # types empty = every drill type: E2's 综合应急预案 drill (X04) counts -> E2 meets at E
    values = EVACUATION | {"types": [], "per_high_risk": "year"}
    got = counts(evacuation_store, "event_frequency", W, [E], **values)
    assert got == {(E, HC): (2, 2), (E, WD): (1, 1), (E, RC): (2, 3), (E, None): (5, 6)}
    # two 疏散逃生 drills a year: E1 (X01, X02), E5 (X07, X08); E2 (X11 only), E3, E6, E8 one
    values = EVACUATION | {"required": 2, "per_high_risk": "year", "required_high_risk": 2}
    got = counts(evacuation_store, "event_frequency", W, [YEAR_END], **values)
    assert got == {
        (YEAR_END, HC): (1, 2), (YEAR_END, WD): (0, 1), (YEAR_END, RC): (1, 3),
        (YEAR_END, None): (2, 6),
    }  # fmt: skip


def test_event_frequency_inspections_by_quarter_and_month(frequency_store):
    """Principal-led checks: E2 and E6 every quarter, high-risk E3 every month."""
    dates = ["2024-03-31", "2024-04-30", E, "2024-09-29", "2024-09-30", "2024-10-01"]
    got = counts(frequency_store, "event_frequency", W, dates, **PRINCIPAL)
    assert got == {
        # Q1 ended on 03-31 (judged): E2 (I01), E6 (I11 on 03-31; I10 is before W);
        # E3 January-March (I05-I07)
        ("2024-03-31", HC): (1, 1),
        ("2024-03-31", WD): (1, 1),
        ("2024-03-31", RC): (1, 1),
        ("2024-03-31", None): (3, 3),
        # 04-30: Q1 judged, Q2 running (not held against): E2, E6 meet; E3's April ended
        # empty. (Before the period rule E6 failed for its empty Q2 so far: 1/3.)
        ("2024-04-30", HC): (1, 1),
        ("2024-04-30", WD): (0, 1),
        ("2024-04-30", RC): (1, 1),
        ("2024-04-30", None): (2, 3),
        # E: Q2 ended: E2 (I02), E6 (I12 on 06-30); E3's April stays empty
        (E, HC): (1, 1),
        (E, WD): (0, 1),
        (E, RC): (1, 1),
        (E, None): (2, 3),
        # 09-29: Q3 still running: Q1, Q2 judged -> E2, E6 meet (before: 0/3, as E2's I03 is
        # 执法检查 and E6 has nothing in Q3)
        ("2024-09-29", HC): (1, 1),
        ("2024-09-29", WD): (0, 1),
        ("2024-09-29", RC): (1, 1),
        ("2024-09-29", None): (2, 3),
        # 09-30: Q3 ends and is judged: E2's I04 on its last day; E6 nothing in Q3
        ("2024-09-30", HC): (1, 1),
        ("2024-09-30", WD): (0, 1),
        ("2024-09-30", RC): (0, 1),
        ("2024-09-30", None): (1, 3),
        # 10-01, the worked example of DATA_SPEC 6.1: Q1-Q3 judged, Q4 running: E2 (checks in
        # Q1, Q2, Q3) meets; the share does not drop on the first day of a quarter
        ("2024-10-01", HC): (1, 1),
        ("2024-10-01", WD): (0, 1),
        ("2024-10-01", RC): (0, 1),
        ("2024-10-01", None): (1, 3),
    }


def test_event_frequency_inspection_kinds(frequency_store):
    # any kind at 09-29: Q1, Q2 judged (Q3 running): E2 and E6 meet, E3's April is empty;
    # at 09-30 E2's 执法检查 of 08-01 and I04 fill Q3, E6's Q3 is empty
    dates = ["2024-09-29", "2024-09-30"]
    got = counts(frequency_store, "event_frequency", W, dates, **PRINCIPAL | {"types": []})
    assert got[("2024-09-29", HC)] == (1, 1)
    assert got[("2024-09-29", None)] == (2, 3)
    assert got[("2024-09-30", RC)] == (0, 1)
    # enforcement checks once a year: only E2 (I03 on 08-01), so not yet at E
    values = dict(dataset="inspections", types=["执法检查"], per="year")
    got = counts(frequency_store, "event_frequency", W, [E, "2024-09-30"], **values)
    assert got == {
        (E, HC): (0, 1), (E, WD): (0, 1), (E, RC): (0, 1), (E, None): (0, 3),
        ("2024-09-30", HC): (1, 1), ("2024-09-30", WD): (0, 1), ("2024-09-30", RC): (0, 1),
        ("2024-09-30", None): (1, 3),
    }  # fmt: skip


def test_event_frequency_months_from_a_window_start_inside_a_month(frequency_store):
    # W = 2024-02-01, monthly for everyone, at 03-31: February [02-01, 02-29], March
    # E3: I06 (on W), I07 -> meets (January's I05 is before W and not needed);
    # E2: February I01, no March -> no; E6: nothing in February -> no
    values = PRINCIPAL | {"per": "month"}
    got = counts(frequency_store, "event_frequency", "2024-02-01", ["2024-03-31"], **values)
    d = "2024-03-31"
    assert got == {(d, HC): (0, 1), (d, WD): (1, 1), (d, RC): (0, 1), (d, None): (1, 3)}


def test_event_frequency_past_126_periods():
    """A firm's met periods 1..126 are the bits of one number (metric_event_frequency.sql), the
    later ones a list: monthly drills from 2010-01 on, E2 every month, E3 all but the 127th
    (2020-07), E6 all but the 5th. With 126 months ended E2 and E3 meet, with 127 or 128 E2
    alone; E4 (停产) is out."""
    gaps = {"E2": None, "E3": 127, "E6": 5}
    drills = [
        evac(f"L{firm}{m}", firm, f"{2010 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}-15")
        for firm, gap in gaps.items()
        for m in range(1, 129)
        if m != gap
    ]
    con = build(enterprises=FREQUENCY_ENTERPRISES, drills=drills)
    values = EVACUATION | {"per": "month", "per_high_risk": "month"}
    dates = ["2020-06-30", "2020-07-31", "2020-08-31"]  # the 126th, 127th, 128th month ended
    got = counts(con, "event_frequency", "2010-01-01", dates, **values)
    con.close()
    assert [got[d, None] for d in dates] == [(2, 3), (1, 3), (1, 3)]


def test_event_frequency_required_two_and_required_high_risk(frequency_store):
    # two principal-led checks a year: at 03-31 E2 has 1 (I01), E6 1 (I11), E3 3
    values = dict(dataset="inspections", types=["负责人带队检查"], per="year", required=2)
    got = counts(frequency_store, "event_frequency", W, ["2024-03-31", E], **values)
    assert got == {
        ("2024-03-31", HC): (0, 1), ("2024-03-31", WD): (1, 1), ("2024-03-31", RC): (0, 1),
        ("2024-03-31", None): (1, 3),
        # E: E2 I01, I02; E6 I11, I12 -> all meet
        (E, HC): (1, 1), (E, WD): (1, 1), (E, RC): (1, 1), (E, None): (3, 3),
    }  # fmt: skip
    # every quarter, 3 for the high-risk E3: Q1 3 (I05-I07), Q2 only 2 (I08, I09)
    values = PRINCIPAL | {"per_high_risk": "quarter", "required_high_risk": 3}
    got = counts(frequency_store, "event_frequency", W, ["2024-03-31", E], **values)
    assert got == {
        ("2024-03-31", HC): (1, 1), ("2024-03-31", WD): (1, 1), ("2024-03-31", RC): (1, 1),
        ("2024-03-31", None): (3, 3),
        (E, HC): (1, 1), (E, WD): (0, 1), (E, RC): (1, 1), (E, None): (2, 3),
    }  # fmt: skip


def test_event_frequency_evaluated_only(frequency_store):
    dates = ["2024-04-30", YEAR_END]
    got = counts(frequency_store, "event_frequency", W, dates, **ONSITE, evaluated_only=True)
    assert got == {
        # 04-30: E2 F1 (evaluated); E3 only F3 (evaluated false); E6 no drill
        ("2024-04-30", HC): (1, 1), ("2024-04-30", WD): (0, 1), ("2024-04-30", RC): (0, 1),
        ("2024-04-30", None): (1, 3),
        # 12-31: E2's second half has F2, evaluated blank: no; E3 F4, F5 -> yes
        (YEAR_END, HC): (0, 1), (YEAR_END, WD): (1, 1), (YEAR_END, RC): (0, 1),
        (YEAR_END, None): (1, 3),
    }  # fmt: skip
    got = counts(frequency_store, "event_frequency", W, dates, **ONSITE)  # every drill counts
    assert got == {
        ("2024-04-30", HC): (1, 1), ("2024-04-30", WD): (1, 1), ("2024-04-30", RC): (0, 1),
        ("2024-04-30", None): (2, 3),
        (YEAR_END, HC): (1, 1), (YEAR_END, WD): (1, 1), (YEAR_END, RC): (0, 1),
        (YEAR_END, None): (2, 3),
    }  # fmt: skip


def test_event_frequency_reads_only_its_dataset(frequency_store):
    # drills of any type once a year: E6 has inspections but no drill
    values = dict(dataset="drills", per="year")
    got = counts(frequency_store, "event_frequency", W, [YEAR_END], **values)
    assert got == {
        (YEAR_END, HC): (1, 1), (YEAR_END, WD): (1, 1), (YEAR_END, RC): (0, 1),
        (YEAR_END, None): (2, 3),
    }  # fmt: skip
    # inspections of any kind once a year: all three
    values = dict(dataset="inspections", per="year")
    got = counts(frequency_store, "event_frequency", W, [YEAR_END], **values)
    assert got[(YEAR_END, None)] == (3, 3)


def test_roster_coverage(roster_store):
    got = counts(roster_store, "roster_coverage", W, [E_MINUS_1, E, AFTER_E], roster="电梯")
    assert got == {
        # 环翠: R1 (03-01), R2 (blank in_scope and date) done; R4 after E; R3 not in scope
        (E_MINUS_1, HC): (2, 3),
        (E_MINUS_1, WD): (0, 2),  # R5 not done, R6 done on E
        (E_MINUS_1, None): (2, 5),
        (E, HC): (2, 3),
        (E, WD): (1, 2),
        (E, None): (3, 5),
        (AFTER_E, HC): (3, 3),  # R4 joins
        (AFTER_E, WD): (1, 2),
        (AFTER_E, None): (4, 5),
    }
    got = counts(roster_store, "roster_coverage", W, [E], roster="变型拖拉机")
    assert got == {(E, HC): (1, 1), (E, RC): (0, 1), (E, None): (1, 2)}
    assert counts(roster_store, "roster_coverage", W, [E], roster="油气储存企业") == {}


def test_training_completion(training_store):
    got = counts(training_store, "training_completion", W, ["2024-03-31", "2024-05-31", E])
    assert got == {
        # 03-31: E2 全员 6 (2023-12 is before the cycle), E1 0 -> 6 / (10 + 5 + 4)
        ("2024-03-31", HC): (6, 19),
        # 文登: E3 全员 5 (February's 100 is before its cycle start), task 20; 班组长 task 0 out
        ("2024-03-31", WD): (5, 20),
        ("2024-03-31", None): (11, 39),
        # 05-31: E2 全员 min(13, 10) = 10, 班组长 0, E1 2 -> 12/19
        ("2024-05-31", HC): (12, 19),
        ("2024-05-31", WD): (5, 20),
        ("2024-05-31", None): (17, 39),
        # E: + E2 班组长 2 in June. The cap is per enterprise x category: E2's 3 extra 全员 do
        # not fill E1's 全员 (pooled: min(15, 14) = 14) nor E2's 班组长 -> 10 + 2 + 2 = 14
        (E, HC): (14, 19),
        (E, WD): (5, 20),
        (E, None): (19, 39),
    }


@pytest.mark.parametrize(
    "scope, expected",
    [
        ({"hazchem": [False]}, {HC: (12, 15), WD: (5, 20), None: (17, 35)}),  # E2; E3
        ({"hazchem": [True]}, {HC: (2, 4), None: (2, 4)}),  # E1
        ({"high_risk": [True]}, {HC: (2, 4), WD: (5, 20), None: (7, 24)}),  # E1; E3
        ({"industry": ["工贸"]}, {HC: (12, 15), None: (12, 15)}),  # E2
        # 全员: E2 min(13, 10) + E1 2 of 10 + 4; E3 5 of 20
        ({"category": ["全员"]}, {HC: (12, 14), WD: (5, 20), None: (17, 34)}),
        # 班组长: E2 2 of 5; E3's task-0 row is left out, so 文登 has no row
        ({"category": ["班组长"]}, {HC: (2, 5), None: (2, 5)}),
        # both categories: as unscoped
        ({"category": ["全员", "班组长"]}, {HC: (14, 19), WD: (5, 20), None: (19, 39)}),
        ({"category": ["主要负责人"]}, {}),  # no such task
        # 全员 and not hazchem: E2 10 of 10; E3 5 of 20
        ({"category": ["全员"], "hazchem": [False]}, {HC: (10, 10), WD: (5, 20), None: (15, 30)}),
    ],
)
def test_training_completion_scope(training_store, scope, expected):
    got = counts(training_store, "training_completion", W, [E], **scope)
    assert got == {(E, code): nd for code, nd in expected.items()}


def test_training_completion_counts_a_district_without_training_as_zero():
    con = build(enterprises=ENTERPRISES, training_plan=[plan("E3", "全员", 8)])
    assert counts(con, "training_completion", W, [E]) == {(E, WD): (0, 8), (E, None): (0, 8)}


STOPPED_TRAINING = dict(
    enterprises=ENTERPRISES,
    training_plan=[plan("E3", "全员", 20), plan("E4", "全员", 10)],
    training_counts=[
        trained("E3", "全员", "2024-03-01", 5),
        trained("E4", "全员", "2024-02-01", 10),
    ],
)


def test_training_completion_leaves_out_stopped_enterprises():
    con = build(**STOPPED_TRAINING)
    # 文登: E3 5/20; E4 is 停产, its 10/10 does not count
    assert counts(con, "training_completion", W, [E]) == {
        (E, WD): (5, 20),
        (E, None): (5, 20),
    }


@pytest.mark.parametrize("metric", sorted(STORES))
def test_total_is_the_sum_of_the_district_counts(request, metric):
    fixture, values = STORES[metric]
    con = request.getfixturevalue(fixture)
    dates = ["2024-03-31", E_MINUS_1, E, AFTER_E]
    got = counts(con, metric, W, dates, **values)
    for day in dates:
        districts = [nd for (d, code), nd in got.items() if d == day and code is not None]
        assert districts, (metric, day)
        total = got[(day, None)]
        assert total == (sum(n for n, _ in districts), sum(d for _, d in districts)), day


@pytest.mark.parametrize("metric", sorted(STORES))
def test_an_empty_store_gives_no_rows(empty_store, metric):
    got = counts(empty_store, metric, W, [E], **STORES[metric][1])
    if metric == "event_frequency":
        # its query keeps one total row per date (the dates left-joined): 0 of 0, which the
        # engine reads as a missing row (no_data)
        assert got == {(E, None): (0, 0)}
    else:
        assert got == {}


def test_event_frequency_before_the_window_start_has_no_enterprises(evacuation_store):
    # E < W: no period overlaps [W, E]: nobody is counted (no_data), not everyone failing
    got = counts(evacuation_store, "event_frequency", W, [BEFORE_W], **EVACUATION)
    assert got == {(BEFORE_W, None): (0, 0)}


def test_latest_event_date():
    assert engine.latest_event_date(build()) is None
    con = build(
        enterprises=ENTERPRISES,
        hazards=[major("H1", "E1", "2024-03-01", rectified_date="2024-04-01", closed_date="2024-09-15")],
        drills=[evac("X1", "E1", "2024-05-05")],
        video_sites=[dict(site_id="V1", district_code=HC, high_consequence=True,
                          video_installed=True, installed_date="2024-08-01")],
        training_counts=[trained("E1", "全员", "2024-09-01", 1)],
    )  # fmt: skip
    # a training month stands for its last day: 2024-09 -> 09-30, after the closed date 09-15
    assert engine.latest_event_date(con) == D("2024-09-30")
    con = build(
        enterprises=ENTERPRISES,
        hazards=[
            major("H1", "E1", "2024-03-01", rectified_date="2024-04-01", closed_date="2024-10-02")
        ],
        training_counts=[trained("E1", "全员", "2024-09-01", 1)],
    )
    assert engine.latest_event_date(con) == D("2024-10-02")  # the closed date
    con = build(
        enterprises=ENTERPRISES,
        hazards=[major("H1", "E1", "2024-03-01", rectified_date="2024-04-01")],
        drills=[evac("X1", "E1", "2024-03-31")],
    )
    assert engine.latest_event_date(con) == D("2024-04-01")  # the rectified date


@pytest.fixture(scope="module")
def ledgers_to_march():
    con = build(enterprises=ENTERPRISES, drills=[evac("X1", "E1", "2024-03-31")])
    yield con
    con.close()


@pytest.mark.parametrize(
    "table, row",
    [
        ("curated_inspections", dict(inspection_id="I1", enterprise_id="E1",
                                     inspection_date="2024-05-01", kind="执法检查")),
        ("curated_accidents", dict(accident_id="A1", accident_date="2024-05-01",
                                   district_code=HC, level="一般")),
        ("curated_rosters", dict(roster="电梯", object_id="R1", district_code=HC, done=True,
                                 done_date="2024-05-01")),
    ],
    ids=["inspections", "accidents", "rosters"],
)  # fmt: skip
def test_latest_event_date_reads_the_new_datasets(ledgers_to_march, table, row):
    # the other ledgers end on 03-31: an inspection, accident or roster completion on 05-01 is
    # the latest event (at an as-of of 03-31 the accident's warning would never show)
    con = ledgers_to_march
    assert engine.latest_event_date(con) == D("2024-03-31")
    names = ", ".join(row)
    con.execute("BEGIN TRANSACTION")
    try:
        marks = ", ".join("?" for _ in row)
        con.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values()))
        assert engine.latest_event_date(con) == D("2024-05-01")
    finally:
        con.execute("ROLLBACK")


# ---------------------------------------------------------------------------------------------
# marts/
# ---------------------------------------------------------------------------------------------


def test_mart_drill_days(drills_store):
    got = drills_store.execute(
        """SELECT district_code, industry, hazchem, high_risk, drill_date, drills, unannounced
           FROM mart_drill_days WHERE district_code = ? ORDER BY drill_date, industry""",
        [WD],
    ).fetchall()
    assert got == [
        # 02-01: D06 (E3 建筑施工, 四不) and D07 (E4 工贸) -> two rows, one per attribute set
        (WD, "工贸", False, False, D("2024-02-01"), 1, 0),
        (WD, "建筑施工", False, True, D("2024-02-01"), 1, 1),
        (WD, "建筑施工", False, True, D("2024-04-01"), 1, 0),
        (WD, "工贸", False, False, D("2024-05-01"), 1, 0),
    ]
    # every drill once: 10 drills, 6 四不 (D01, D02, D04, D05, D06, D10)
    assert drills_store.execute(
        "SELECT sum(drills), sum(unannounced) FROM mart_drill_days"
    ).fetchall() == [(10, 6)]


def test_mart_training_tasks_and_increments(training_store):
    tasks = training_store.execute(
        "SELECT district_code, category, industry, task FROM mart_training_tasks ORDER BY ALL"
    ).fetchall()
    assert tasks == [
        (HC, "全员", "危险化学品", 4),  # (危 sorts before 工)
        (HC, "全员", "工贸", 10),
        (HC, "班组长", "工贸", 5),
        (WD, "全员", "建筑施工", 20),  # 班组长 task 0: no row
    ]
    inc = training_store.execute(
        """SELECT category, month, increment FROM mart_training_increments
           WHERE district_code = ? AND industry = '工贸' ORDER BY ALL""",
        [HC],
    ).fetchall()
    assert inc == [
        # E2 全员: 6 (01), 13 -> +4 (05), 16 -> +0 (07); 2023-12 is before the cycle
        ("全员", D("2024-01-01"), 6),
        ("全员", D("2024-05-01"), 4),
        ("全员", D("2024-07-01"), 0),
        ("班组长", D("2024-06-01"), 2),
    ]
    # E3 全员: from its cycle month 2024-03 only
    assert training_store.execute(
        "SELECT month, increment FROM mart_training_increments WHERE district_code = ?", [WD]
    ).fetchall() == [(D("2024-03-01"), 5)]


def test_column_tests_pass_on_the_test_stores(
    drills_store, video_store, hazards_store, evacuation_store, frequency_store, roster_store,
    training_store,
):  # fmt: skip
    for con in (drills_store, video_store, hazards_store, evacuation_store, frequency_store,
                roster_store, training_store):  # fmt: skip
        assert column_tests(con, "curated") == []
        assert column_tests(con, "marts") == []


def test_column_tests_report_a_duplicate_key_and_blanks():
    con = build(
        enterprises=ENTERPRISES,
        drills=[evac("X1", "E1", W), evac("X1", "E2", E), evac("X2", "E1", W)],
        hazards=[major("H1", "E1", W), dict(hazard_id="H2", enterprise_id="E1", level="重大",
                                            found_date=W)],
        training_plan=[plan("E1", None, 3)],
    )  # fmt: skip
    failures = column_tests(con, "curated")
    assert 'curated_drills: ("drill_id") not unique in 1 cases' in failures
    assert "curated_hazards.level: 1 values outside ['major', 'general']" in failures
    assert "curated_training_plan.category: 1 blank values" in failures
    assert len(failures) == 3, failures
    # the blank category reaches the mart too
    assert column_tests(con, "marts") == ["mart_training_tasks.category: 1 blank values"]


def test_column_tests_of_rebuilt_rows_read_only_those_rows_and_their_groups():
    """An incremental curation tests the rows it rebuilt (the temp table rebuilt): their blanks
    and values, and the uniqueness of the groups they fall in, not the other rows."""
    con = build(
        enterprises=ENTERPRISES,
        drills=[evac("X1", "E1", W), evac("X1", "E2", E), evac("X2", "E1", W)],
        hazards=[major("H1", "E1", W), dict(hazard_id="H2", enterprise_id="E1", level="重大",
                                            found_date=W)],
    )  # fmt: skip
    con.execute("CREATE TEMP TABLE rebuilt AS SELECT * FROM curated_drills WHERE drill_id = 'X2'")
    assert column_tests(con, "curated", "curated_drills", changed=True) == []
    con.execute("INSERT INTO rebuilt SELECT * FROM curated_drills WHERE drill_id = 'X1' LIMIT 1")
    assert column_tests(con, "curated", "curated_drills", changed=True) == [
        'curated_drills: ("drill_id") not unique in 1 cases'
    ]
    con.execute("CREATE OR REPLACE TEMP TABLE rebuilt AS SELECT * FROM curated_hazards")
    con.execute("UPDATE rebuilt SET found_date = NULL WHERE hazard_id = 'H1'")
    assert column_tests(con, "curated", "curated_hazards", changed=True) == [
        "curated_hazards.found_date: 1 blank values",
        "curated_hazards.level: 1 values outside ['major', 'general']",
    ]


def test_keyed_column_tests_of_rebuilt_rows_read_only_those_rows():
    """Where the unique columns are the rows' key, an incremental curation has replaced every
    row of the keys it rebuilt: the uniqueness test reads the rebuilt rows only. It still finds
    a key repeated among them, and no longer compares them with the rows kept."""
    con = build(
        enterprises=ENTERPRISES,
        drills=[evac("X1", "E1", W), evac("X2", "E1", W)],
    )  # fmt: skip
    con.execute("CREATE TEMP TABLE rebuilt AS SELECT * FROM curated_drills WHERE drill_id = 'X2'")
    con.execute("INSERT INTO rebuilt SELECT * FROM curated_drills WHERE drill_id = 'X2'")
    assert column_tests(con, "curated", "curated_drills", changed=True, keyed=True) == [
        'curated_drills: ("drill_id") not unique in 1 cases'
    ]
    # a row kept with the key of a rebuilt one: a curation that did not replace it (which the
    # equivalence tests of test_incremental.py rule out) is not what the keyed test looks at
    con.execute("INSERT INTO curated_drills SELECT * FROM curated_drills WHERE drill_id = 'X1'")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE rebuilt AS "
        "SELECT * FROM curated_drills WHERE drill_id = 'X1' LIMIT 1"
    )
    assert column_tests(con, "curated", "curated_drills", changed=True, keyed=True) == []
    assert column_tests(con, "curated", "curated_drills", changed=True) == [
        'curated_drills: ("drill_id") not unique in 1 cases'
    ]


def test_unique_by_key_only_where_the_key_is_the_one_unique_column_as_written():
    keyed = {name for name, spec in sqlkit.SPECS.items() if _unique_by_key(spec)}
    # hazard_id, drill_id, ... are the keys; a training count's enterprise may be known by its
    # name (enterprise_name stands in: two keys can meet in one enterprise), a task's key has
    # two columns
    assert {"hazards", "drills", "inspections", "video_sites", "activities"} <= keyed
    assert not keyed & {"training_counts", "training_plan", "tasks"}


# ---------------------------------------------------------------------------------------------
# report/
# ---------------------------------------------------------------------------------------------

REPORTS_COVERED = {
    "accidents", "data_freshness", "drills_by_type", "hazard_ageing", "hazard_figures",
    "hazard_statistics", "open_major_hazards", "overdue_hazards", "package_hazards",
    "package_quarantine", "provenance",
    "quarantine_list", "short_of_events", "short_of_training", "training_by_category",
    "unit_quality",
}  # fmt: skip


def test_every_report_query_has_a_test():
    assert {n.removeprefix("report/") for n in names_in("report")} == REPORTS_COVERED


FIGURE_HAZARDS = [
    # 环翠 (as of A = E = 2024-06-30)
    major("A1", "E1", "2024-01-10", deadline="2024-03-01", supervision="city",
          **FIVE),  # open, overdue, supervised, 五落实 complete
    major("A2", "E1", "2024-02-01", deadline=E, supervision="none",
          **(FIVE | {"funds": None})),  # open, deadline = A: not overdue; not supervised
    major("A3", "E2", W, deadline="2024-02-01", rectified_date="2024-01-21"),  # 20 days, on time
    dict(hazard_id="A4", enterprise_id="E2", level="general", found_date="2024-03-01",
         deadline="2024-03-10", rectified_date="2024-03-31"),  # 30 days, late
    dict(hazard_id="A5", enterprise_id="E2", level="general", found_date="2024-04-01",
         deadline="2024-05-01"),  # open, overdue, supervision blank
    dict(hazard_id="A6", enterprise_id="E2", level="general", found_date="2024-05-01",
         rectified_date="2024-05-11"),  # 10 days, no deadline: not in the on-time rate
    major("A7", "E1", AFTER_E, deadline="2024-08-01", **FIVE),  # found after A: nowhere
    major("A8", "E2", "2024-03-01", deadline="2024-04-01", rectified_date="2024-07-05",
          supervision="district", **FIVE),  # rectified after A: open and overdue at A
    # 文登
    major("B1", "E3", "2024-02-01", deadline="2024-03-01", rectified_date="2024-03-01",
          supervision="yes"),  # 29 days; rectified on the deadline = on time
    dict(hazard_id="B2", enterprise_id="E3", level="general", found_date="2024-02-01",
         deadline="2024-02-10", rectified_date="2024-02-14"),  # 13 days, late
]  # fmt: skip


@pytest.fixture(scope="module")
def figures_store():
    con = build(enterprises=ENTERPRISES, hazards=FIGURE_HAZARDS)
    yield con
    con.close()


def test_hazard_figures(figures_store):
    with engine.unit_tree(figures_store, SETTINGS):  # the registry's tree, as the engine gives it
        rows = report(figures_store, "hazard_figures", as_of=E, none_supervision=["none"])
    by = {None if r.pop("is_total") else r["district_code"]: r for r in rows}
    for r in by.values():
        r.pop("district_code")
    assert by[HC] == dict(
        major_found=4,  # A1, A2, A3, A8 (A7 found after A)
        major_open=3,  # A1, A2, A8 (A8 rectified after A)
        major_overdue=2,  # A1, A8; A2's deadline is A itself
        open_all=4,  # + A5
        overdue_all=3,  # A1, A5, A8
        rectified_with_deadline=2,  # A3, A4 (A6 has no deadline, A8 after A)
        rectified_on_time=1,  # A3 -> on-time rate 1/2
        median_days_to_rectify=20.0,  # median of 20, 30, 10
        open_supervised=2,  # A1 (city), A8 (district); not A2 (none) nor A5 (blank)
        major_open_five_complete=2,  # A1, A8 of 3 open major (A2 has no funds)
    )
    assert by[WD] == dict(
        major_found=1, major_open=0, major_overdue=0, open_all=0, overdue_all=0,
        rectified_with_deadline=2, rectified_on_time=1,  # B1 on its deadline, B2 late
        median_days_to_rectify=21.0,  # (29 + 13) / 2
        open_supervised=0, major_open_five_complete=0,
    )  # fmt: skip
    assert by[None] == dict(
        major_found=5, major_open=3, major_overdue=2, open_all=4, overdue_all=3,
        rectified_with_deadline=4, rectified_on_time=2,
        # the median of all five durations 10, 13, 20, 29, 30, not the mean of 20 and 21
        median_days_to_rectify=20.0,
        open_supervised=2, major_open_five_complete=2,
    )  # fmt: skip


def test_hazard_figures_through_the_engine(figures_store):
    frame = engine.hazard_figures(SETTINGS, D(E), district="环翠区", con=figures_store)
    hc, total = frame.to_dicts()
    assert (hc["district_code"], hc["on_time_rate"], hc["five_complete_rate"]) == (HC, 0.5, 2 / 3)
    assert (total["scope"], total["on_time_rate"], total["major_open"]) == ("total", 0.5, 3)


def test_hazard_figures_earlier_as_of(figures_store):
    # A = 2024-03-01: A8 found that day (open, deadline 04-01 not passed), A4 found, not rectified
    with engine.unit_tree(figures_store, SETTINGS):
        rows = report(
            figures_store, "hazard_figures", as_of="2024-03-01", none_supervision=["none"]
        )
    hc = next(r for r in rows if r["district_code"] == HC)
    # major found: A1, A2, A3, A8; open: A1 (deadline 03-01 = A: not overdue), A2, A8
    assert (hc["major_found"], hc["major_open"], hc["major_overdue"]) == (4, 3, 0)
    assert (hc["open_all"], hc["median_days_to_rectify"]) == (4, 20.0)  # + A4; only A3 rectified


OPEN_MAJOR = [
    major("M3", "E1", "2024-01-10", deadline="2024-03-01"),  # overdue
    dict(hazard_id="M1", enterprise_id="EX", enterprise_name="某某厂", district_code=HC,
         level="major", found_date="2024-03-01", deadline="2024-04-01",
         description="消防通道堵塞", supervision="city"),  # overdue; unknown firm: own name
    major("M2", "E2", "2024-01-10", deadline="2024-02-01", **FIVE),  # overdue, ties M3 on found
    major("M4", "E2", W),  # no deadline: not overdue
    major("M5", "E2", "2024-02-01", deadline=E),  # deadline = A: not overdue
    major("M6", "E2", W, deadline="2024-02-01", rectified_date=E),  # rectified on A: not open
    major("M7", "E2", AFTER_E, deadline="2024-07-02"),  # found after A
    dict(hazard_id="G1", enterprise_id="E2", level="general", found_date=W),  # general
    # 文登, a firm unknown to the register without a name: its id is shown
    dict(hazard_id="M8", enterprise_id="EY", district_code=WD, level="major",
         found_date="2024-05-01", deadline="2024-05-02"),
]  # fmt: skip


@pytest.fixture(scope="module")
def open_major_store():
    con = build(enterprises=ENTERPRISES, hazards=OPEN_MAJOR)
    yield con
    con.close()


def test_open_major_hazards_order_overdue_first_then_oldest(open_major_store):
    rows = report(open_major_store, "open_major_hazards", as_of=E)
    assert [(r["hazard_id"], r["overdue"]) for r in rows] == [
        ("M2", True),  # found 01-10, id before M3
        ("M3", True),  # found 01-10
        ("M1", True),  # found 03-01
        ("M8", True),  # found 05-01
        ("M4", False),  # found 01-01, no deadline
        ("M5", False),  # found 02-01, deadline on A
    ]
    m2 = rows[0]
    # 2024-01-10 -> 06-30: 21 (Jan) + 29 + 31 + 30 + 31 + 30 = 172 days
    assert (m2["enterprise"], m2["days_open"], m2["five_complete"]) == ("乙工贸", 172, True)
    m1 = rows[2]
    assert (m1["enterprise"], m1["supervision"], m1["description"]) == (
        "某某厂", "city", "消防通道堵塞"
    )  # fmt: skip
    assert (m1["days_open"], m1["five_complete"]) == (121, False)  # 03-01 -> 06-30
    assert rows[3]["enterprise"] == "EY"
    assert list(rows[0]) == [
        "district_code", "hazard_id", "enterprise", "found_date", "deadline", "days_open", "overdue",
        "supervision", "description", "five_complete",
    ]  # fmt: skip


def test_open_major_hazards_of_one_district(open_major_store):
    rows = report(open_major_store, "open_major_hazards", as_of=E, district_codes=[HC])
    assert [r["hazard_id"] for r in rows] == ["M2", "M3", "M1", "M4", "M5"]
    # the day before M6 was rectified, it is open and overdue (deadline 02-01); M8 not in 环翠
    rows = report(open_major_store, "open_major_hazards", as_of=E_MINUS_1, district_codes=[HC])
    assert [r["hazard_id"] for r in rows] == ["M6", "M2", "M3", "M1", "M4", "M5"]


def test_hazard_ageing_buckets():
    a = D(E)
    ages = {"2024-05-31": 30, "2024-05-30": 31, "2024-04-01": 90, "2024-03-31": 91,
            "2024-01-02": 180, "2024-01-01": 181}  # fmt: skip
    for found, days in ages.items():  # the hand arithmetic of the dates
        assert a - D(found) == dt.timedelta(days=days)
    con = build(
        enterprises=ENTERPRISES,
        hazards=[
            dict(hazard_id="K0", enterprise_id="E2", level="general", found_date=E),  # 0 -> 1
            major("K1", "E2", "2024-05-31"),  # 30 days -> bucket 1 (≤ 30)
            major("K2", "E2", "2024-05-30"),  # 31 -> 2
            major("K3", "E2", "2024-04-01"),  # 90 -> 2 (≤ 90)
            major("K4", "E2", "2024-03-31"),  # 91 -> 3
            dict(hazard_id="K5", enterprise_id="E2", level="general",
                 found_date="2024-01-02"),  # 180 -> 3 (≤ 180)
            major("K6", "E2", "2024-01-01"),  # 181 -> 4
            major("K7", "E2", "2023-06-01"),  # > 180 -> 4
            major("K8", "E2", "2024-05-31", rectified_date=E),  # rectified on A: not open
            major("K9", "E2", AFTER_E),  # found after A
            dict(hazard_id="K10", enterprise_id="E3", level="general",
                 found_date="2024-05-31"),  # 文登
        ],
    )  # fmt: skip
    rows = report(con, "hazard_ageing", as_of=E, district_codes=[HC])
    assert [tuple(r.values()) for r in rows] == [
        (1, "general", 1),  # K0
        (1, "major", 1),  # K1
        (2, "major", 2),  # K2, K3
        (3, "general", 1),  # K5
        (3, "major", 1),  # K4
        (4, "major", 2),  # K6, K7
    ]
    rows = report(con, "hazard_ageing", as_of=E)  # all units: K10 joins bucket 1
    assert [tuple(r.values()) for r in rows][0] == (1, "general", 2)
    assert sum(r["hazards"] for r in rows) == 9


def test_drills_by_type():
    con = build(
        enterprises=ENTERPRISES,
        drills=[
            dict(evac("T1", "E1", W), **FOUR),  # on W
            evac("T2", "E1", E),  # on A
            evac("T3", "E2", "2024-03-01"),
            dict(drill_id="T4", enterprise_id="E2", drill_date="2024-02-01", **FOUR),  # no type
            evac("T5", "E2", BEFORE_W, "综合应急预案"),  # before W
            evac("T6", "E2", AFTER_E, "综合应急预案"),  # after A
            evac("T7", "E3", "2024-02-01", "专项应急预案"),  # 文登
        ],
    )
    rows = report(con, "drills_by_type", window_start=W, as_of=E, district_codes=[HC])
    assert [tuple(r.values()) for r in rows] == [
        ("未注明", True, 1),  # T4, labelled with the settings' "unspecified"
        ("疏散逃生", False, 2),  # T2, T3
        ("疏散逃生", True, 1),  # T1
    ]
    rows = report(con, "drills_by_type", window_start=W, as_of=E)
    assert [tuple(r.values()) for r in rows][0] == ("专项应急预案", False, 1)
    assert sum(r["drills"] for r in rows) == 5  # T1-T4, T7


SHORT_COLUMNS = [
    "enterprise_id", "enterprise_name", "industry", "high_risk", "district_code",
    "periods_short", "missing_periods", "events", "required",
]  # fmt: skip


def short(con, as_of, window_start=W, district_codes=None, **values):
    """short_of_events rows as (enterprise_id, missing periods, events, required)."""
    values = target("event_frequency", window_start, **values).sql_values()
    rows = report(con, "short_of_events", as_of=as_of, district_codes=district_codes, **values)
    for r in rows:
        assert list(r) == SHORT_COLUMNS and r["periods_short"] == len(r["missing_periods"])
    return [(r["enterprise_id"], r["missing_periods"], r["events"], r["required"]) for r in rows]


def p(start, end):
    return [f"{start}–{end}"]


def test_short_of_events_evacuation(evacuation_store):
    # E: E8 has no drill in half-year 1, E2 none in 2024 up to E; high-risk first
    assert short(evacuation_store, E, **EVACUATION) == [
        ("E8", p(W, E), 0, 1),
        ("E2", p(W, E), 0, 1),
    ]  # not E1, E3, E5, E6 (they meet), E4 停产, E7 关闭
    rows = report(
        evacuation_store, "short_of_events", as_of=E, district_codes=None,
        **target("event_frequency", W, **EVACUATION).sql_values(),
    )  # fmt: skip
    assert rows[0] == dict(
        enterprise_id="E8", enterprise_name="辛烟花", industry="烟花爆竹", high_risk=True,
        district_code=RC, periods_short=1, missing_periods=p(W, E), events=0, required=1,
    )  # fmt: skip
    # E + 1 (the period rule): half-year 1 has ended and is judged, half-year 2 is running and
    # not listed (before: E3 listed for the one-day [07-01, 07-01]); E8's half-year 1 is empty;
    # E2's year, running with none ended, is judged
    assert short(evacuation_store, AFTER_E, **EVACUATION) == [
        ("E8", p(W, E), 0, 1),
        ("E2", p(W, AFTER_E), 0, 1),
    ]
    # 12-31: E2 has its drill (August); E3 none in July-December
    assert short(evacuation_store, YEAR_END, **EVACUATION) == [
        ("E8", p(W, E), 0, 1),
        ("E3", p(AFTER_E, YEAR_END), 0, 1),
    ]


def test_short_of_events_lists_each_enterprise_once_with_its_missing_periods(evacuation_store):
    """DATA_SPEC 8.1: the list counts enterprises (as the target's gap does), each once with
    the periods it lacks; before, one row per enterprise and period (10 rows here)."""
    # a drill every quarter for high-risk E1, E3, E5, E8, at 12-31 (drills in EVACUATION_DRILLS):
    # E1 (01-01, 07-01): Q2, Q4; E3 (01-15): Q2, Q3, Q4; E5 (06-30, 07-01): Q1, Q4;
    # E8 (07-01): Q1, Q2, Q4; E2 and E6 (one a year) did theirs
    values = EVACUATION | {"per_high_risk": "quarter"}
    q1, q2 = p(W, "2024-03-31"), p("2024-04-01", E)
    q3, q4 = p(AFTER_E, "2024-09-30"), p("2024-10-01", YEAR_END)
    assert short(evacuation_store, YEAR_END, **values) == [
        ("E5", q1 + q4, 0, 2),  # by first missing period (Q1), then events, then id
        ("E8", q1 + q2 + q4, 0, 3),
        ("E1", q2 + q4, 0, 2),
        ("E3", q2 + q3 + q4, 0, 3),
    ]


def test_short_of_events_of_some_units(evacuation_store):
    assert short(evacuation_store, E, district_codes=[HC], **EVACUATION) == [("E2", p(W, E), 0, 1)]
    assert short(evacuation_store, YEAR_END, district_codes=[HC], **EVACUATION) == []
    assert short(evacuation_store, YEAR_END, district_codes=[WD, RC], **EVACUATION) == [
        ("E8", p(W, E), 0, 1),
        ("E3", p(AFTER_E, YEAR_END), 0, 1),
    ]


def test_short_of_events_orders_by_events_then_id(evacuation_store):
    # two a year for everyone, at E: E1 1 (X01), E3 1, E5 1 (X07 on E), E8 0; E2 0, E6 1
    values = EVACUATION | {"required": 2, "per_high_risk": "year", "required_high_risk": 2}
    assert short(evacuation_store, E, **values) == [
        ("E8", p(W, E), 0, 2),
        ("E1", p(W, E), 1, 2),
        ("E3", p(W, E), 1, 2),
        ("E5", p(W, E), 1, 2),
        ("E2", p(W, E), 0, 2),
        ("E6", p(W, E), 1, 2),
    ]


def test_short_of_events_inspections(frequency_store):
    # 04-30: E3 nothing in April (monthly, ended on 04-30); E6's Q2 [04-01, 04-30] is still
    # running beside the ended Q1: not held against it (before the period rule it was listed)
    assert short(frequency_store, "2024-04-30", **PRINCIPAL) == [
        ("E3", p("2024-04-01", "2024-04-30"), 0, 1),
    ]
    # E, three a quarter for high-risk E3: Q2 [04-01, 06-30] holds 2 (I08, I09)
    values = PRINCIPAL | {"per_high_risk": "quarter", "required_high_risk": 3}
    assert short(frequency_store, E, **values) == [("E3", p("2024-04-01", E), 2, 3)]


def test_short_of_events_through_the_engine(evacuation_store):
    # an as-of after the deadline: the target's deadline 12-31 is used
    evacuation = target("event_frequency", W, deadline=YEAR_END, **EVACUATION)
    frame = engine.short_of_events(evacuation_store, SETTINGS, evacuation, D("2025-03-01"), None)
    assert frame.columns == SHORT_COLUMNS
    assert [(r["enterprise_id"], r["missing_periods"]) for r in frame.to_dicts()] == [
        ("E8", p(W, E)),
        ("E3", p(AFTER_E, YEAR_END)),
    ]


def test_training_by_category(training_store):
    rows = report(training_store, "training_by_category", as_of=E)
    assert [tuple(r.values()) for r in rows] == [
        ("全员", 17, 34),  # E2 min(13, 10) + E1 2 + E3 5 / 10 + 4 + 20
        ("班组长", 2, 5),  # E2's June; E3's task-0 row is left out
    ]
    rows = report(training_store, "training_by_category", as_of="2024-05-31", district_codes=[HC])
    assert [tuple(r.values()) for r in rows] == [("全员", 12, 14), ("班组长", 0, 5)]
    rows = report(training_store, "training_by_category", as_of=E, district_codes=[WD])
    assert [tuple(r.values()) for r in rows] == [("全员", 5, 20)]


def test_training_by_category_leaves_out_stopped_enterprises():
    con = build(**STOPPED_TRAINING)
    rows = report(con, "training_by_category", as_of=E, district_codes=[WD])
    assert [tuple(r.values()) for r in rows] == [("全员", 5, 20)]  # the SQL gives 15/30


def test_provenance_lists_the_files_in_file_id_order():
    con = build()
    con.execute(
        """INSERT INTO ingest_files (file_id, path, file_name, sha256, dataset, rows_stored,
                                     is_sample, ingested_at, ingested_on) VALUES
           (2, 'raw/b.xlsx', 'b.xlsx', 'bb', 'drills', 7, false, TIMESTAMP '2024-07-02 09:00', DATE '2024-07-02'),
           (1, 'raw/a.csv', 'a.csv', 'aa', 'hazards,drills', 12, true, TIMESTAMP '2024-07-01 08:00', DATE '2024-07-01')"""
    )
    rows = report(con, "provenance")
    assert [tuple(r.values()) for r in rows] == [
        ("a.csv", "hazards,drills", "aa", 12, True, dt.datetime(2024, 7, 1, 8, 0)),
        ("b.xlsx", "drills", "bb", 7, False, dt.datetime(2024, 7, 2, 9, 0)),
    ]
    assert report(build(), "provenance") == []


def test_overdue_hazards_longest_overdue_first(open_major_store):
    rows = report(open_major_store, "overdue_hazards", as_of=E)
    # open at A with a deadline before A, days overdue = A - deadline:
    # M2 02-01 -> 06-30: 29 (Feb) + 31 + 30 + 31 + 29 = 150; M3 03-01: 121; M1 04-01: 90;
    # M8 05-02: 59. Not M4 (no deadline), M5 (deadline on A), M6 (rectified on A), M7 (found
    # after A), G1 (general, no deadline)
    assert [(r["hazard_id"], r["days_overdue"]) for r in rows] == [
        ("M2", 150),
        ("M3", 121),
        ("M1", 90),
        ("M8", 59),
    ]
    assert list(rows[0]) == [
        "district_code", "hazard_id", "enterprise", "hazard_level", "found_date", "deadline",
        "days_overdue", "supervision", "description",
    ]  # fmt: skip
    m1 = rows[2]
    assert (m1["district_code"], m1["enterprise"], m1["hazard_level"]) == (HC, "某某厂", "major")
    assert (m1["supervision"], m1["description"]) == ("city", "消防通道堵塞")
    assert (rows[3]["district_code"], rows[3]["enterprise"]) == (WD, "EY")


def test_overdue_hazards_ties_and_units(open_major_store):
    # the day before A: M6 (rectified on A) is still open; M2 and M6 both 149 days past 02-01
    rows = report(open_major_store, "overdue_hazards", as_of=E_MINUS_1, district_codes=[HC])
    assert [(r["hazard_id"], r["days_overdue"]) for r in rows] == [
        ("M2", 149),
        ("M6", 149),  # tie: by hazard id
        ("M3", 120),
        ("M1", 89),
    ]  # M8 is 文登's
    rows = report(open_major_store, "overdue_hazards", as_of=E, district_codes=[WD])
    assert [r["hazard_id"] for r in rows] == ["M8"]
    # A = 03-01: M3's deadline is A itself (not overdue); M2 and M6 (deadline 02-01, M6
    # rectified only on E) 29 days
    rows = report(open_major_store, "overdue_hazards", as_of="2024-03-01")
    assert [(r["hazard_id"], r["days_overdue"]) for r in rows] == [("M2", 29), ("M6", 29)]


def test_package_hazards_every_open_hazard_with_its_key_and_version(open_major_store):
    rows = report(open_major_store, "package_hazards", as_of=E, district_codes=[HC, WD])
    # open at A (any level): overdue first, longest first (M2 150, M3 121, M1 90, M8 59 days,
    # as in overdue_hazards), then the others by finding date and id: G1 and M4 found on W,
    # M5 on 02-01. Not M6 (rectified on A) nor M7 (found after A).
    assert [(r["hazard_id"], r["overdue"], r["days_overdue"]) for r in rows] == [
        ("M2", True, 150),
        ("M3", True, 121),
        ("M1", True, 90),
        ("M8", True, 59),
        ("G1", False, None),
        ("M4", False, None),
        ("M5", False, None),
    ]
    m1 = rows[2]
    # the key a return is matched on and the version (file) it was written from
    assert (m1["record_key"], m1["version"], m1["level"]) == ("M1", 1, "major")
    assert (m1["enterprise_id"], m1["enterprise"], m1["supervision"]) == ("EX", "某某厂", "city")
    rows = report(open_major_store, "package_hazards", as_of=E, district_codes=[WD])
    assert [r["hazard_id"] for r in rows] == ["M8"]


def test_package_quarantine_lists_a_units_errors_only():
    con = build()
    con.execute(load_sql("checks/_quarantine"))  # the table validate fills
    con.execute(
        "INSERT INTO quarantine (dataset, record_key, file_id, file_name, sheet, row_no, column_name,"
        " raw_value, rule_id, severity, message_zh, message_en, source, unit_code, unit, header,"
        " dataset_zh, rule_zh, severity_zh) VALUES"
        " ('hazards', 'H2', 7, 'b.csv', '', 9, 'found_date', '上周', 'invalid_date', 'error', 'm', 'm',"
        "  'gx', $hc, '环翠区', '发现日期', '隐患台账', '日期无法识别', '错误'),"
        " ('hazards', 'H1', 7, 'a.csv', '', 3, 'deadline', '', 'missing_deadline', 'warning', 'm', 'm',"
        "  'gx', $hc, '环翠区', '整改期限', '隐患台账', '缺少整改期限', '警告'),"
        " ('drills', 'D1', 8, 'a.csv', '', 5, 'drill_date', 'x', 'invalid_date', 'error', 'm', 'm',"
        "  'gx', $wd, '文登区', '演练日期', '演练记录', '日期无法识别', '错误'),"
        " ('drills', 'D2', 8, 'a.csv', '', 6, 'district', '火星区', 'unknown_district', 'error', 'm',"
        "  'm', 'check', NULL, NULL, '所属区市', '演练记录', '区市无法识别', '错误')",
        {"hc": HC, "wd": WD},
    )
    # 环翠's errors (not its warning H1; not 文登's D1; not D2, which has no unit)
    rows = report(con, "package_quarantine", district_codes=[HC])
    assert [(r["record_key"], r["column_name"], r["raw_value"], r["version"]) for r in rows] == [
        ("H2", "found_date", "上周", 7)
    ]
    assert [r["record_key"] for r in report(con, "package_quarantine", district_codes=None)] == [
        "D1",
        "H2",
    ]


def test_overdue_hazards_of_every_level():
    con = build(
        enterprises=ENTERPRISES,
        hazards=[
            dict(hazard_id="V1", enterprise_id="E2", level="general", found_date=W,
                 deadline="2024-06-20"),  # open, 10 days overdue
            dict(hazard_id="V2", enterprise_id="E2", level="general", found_date=W,
                 deadline="2024-06-20", rectified_date=AFTER_E),  # rectified after A: open
            dict(hazard_id="V3", enterprise_id="E2", level="general", found_date=W,
                 deadline="2024-06-20", rectified_date="2024-06-25"),  # rectified: out
        ],
    )  # fmt: skip
    rows = report(con, "overdue_hazards", as_of=E)
    assert [(r["hazard_id"], r["hazard_level"], r["days_overdue"]) for r in rows] == [
        ("V1", "general", 10),
        ("V2", "general", 10),
    ]


def test_short_of_training(training_store):
    rows = report(training_store, "short_of_training", as_of=E)
    assert [tuple(r.values()) for r in rows] == [
        # 环翠, the most missing first: E2 班组长 2 (June) of 5 -> 3 missing
        (HC, "E2", "乙工贸", "工贸", "班组长", 2, 5, 3),
        # E1 全员 2 (April) of 4 -> 2 missing
        (HC, "E1", "甲化工", "危险化学品", "全员", 2, 4, 2),
        # 文登: E3 全员 5 (March; February's 100 is before its cycle start 03-15) of 20
        (WD, "E3", "丙建筑", "建筑施工", "全员", 5, 20, 15),
    ]  # not E2 全员 (6 + 7 = 13, capped at 10 = its task), not E3 班组长 (task 0)
    assert list(rows[0]) == [
        "district_code", "enterprise_id", "enterprise_name", "industry", "category", "trained",
        "task", "missing",
    ]  # fmt: skip
    # 05-31: E2 班组长 has nothing yet (June's 2 not counted) -> 5 missing; E1 still 2 of 4
    rows = report(training_store, "short_of_training", as_of="2024-05-31", district_codes=[HC])
    assert [(r["enterprise_id"], r["category"], r["trained"], r["missing"]) for r in rows] == [
        ("E2", "班组长", 0, 5),
        ("E1", "全员", 2, 2),
    ]
    # 03-31: E2 全员 6 (January; December 2023 before the cycle) of 10 -> 4 missing, as E1's 4
    # (nothing yet): tie broken by enterprise id, then category
    rows = report(training_store, "short_of_training", as_of="2024-03-31", district_codes=[HC])
    assert [(r["enterprise_id"], r["category"], r["missing"]) for r in rows] == [
        ("E2", "班组长", 5),
        ("E1", "全员", 4),
        ("E2", "全员", 4),
    ]


def test_short_of_training_leaves_out_stopped_enterprises():
    con = build(
        enterprises=ENTERPRISES,
        training_plan=[plan("E3", "全员", 20), plan("E4", "全员", 10)],
        training_counts=[trained("E3", "全员", "2024-03-01", 5)],
    )
    rows = report(con, "short_of_training", as_of=E)
    # E4 (停产) has 0 of 10 but is not listed; E3 5 of 20
    assert [(r["enterprise_id"], r["trained"], r["missing"]) for r in rows] == [("E3", 5, 15)]


# hazard statistics (6.4): found in A's calendar year up to A, as of A = E = 2024-06-30
STATISTICS_HAZARDS = [
    # 环翠: E1 危险化学品, E2 工贸
    dict(hazard_id="S0", enterprise_id="E1", level="general", source="企业自查",
         found_date=BEFORE_W),  # 2023-12-31: last year's, not counted (though open at A)
    major("S1", "E1", W, source="执法检查",
          deadline="2024-03-01"),  # 1 January counts; open, overdue
    dict(hazard_id="S2", enterprise_id="E1", level="general", source="企业自查",
         found_date="2024-02-01", deadline="2024-03-10",
         rectified_date="2024-03-01"),  # rectified by A
    dict(hazard_id="S3", enterprise_id="E2", level="general", source="企业自查",
         found_date="2024-03-01", deadline="2024-04-01",
         rectified_date="2024-07-05"),  # rectified after A: open and overdue at A
    dict(hazard_id="S4", enterprise_id="E2", level="general", found_date="2024-05-01",
         deadline=E),  # no source: 未注明; open, deadline on A: not overdue
    major("S5", "E2", E, source="举报"),  # found on A: counts, open; no deadline
    dict(hazard_id="S6", enterprise_id="E2", level="general", source="企业自查",
         found_date=AFTER_E),  # after A: not counted
    dict(hazard_id="S7", enterprise_id="EX", district_code=HC, level="general",
         source="企业自查", found_date="2024-04-01", deadline="2024-04-10",
         rectified_date=E),  # unknown firm: industry 未注明; rectified on A (late): not open
    # 文登: E3 建筑施工
    major("S8", "E3", "2024-02-01", source="执法检查", deadline="2024-02-10"),  # open, overdue
]  # fmt: skip

STATISTICS_COLUMNS = [
    "district_code", "is_total", "breakdown", "industry", "source", "hazard_level", "found",
    "rectified", "open", "overdue",
]  # fmt: skip


def statistics(rows) -> dict:
    """{(unit or None for the total, industry or (source, level)): (found, rectified, open,
    overdue)} of hazard_statistics rows."""
    out = {}
    for r in rows:
        assert list(r) == STATISTICS_COLUMNS
        assert r["is_total"] == (r["district_code"] is None)
        if r["breakdown"] == "industry":
            assert r["source"] is None and r["hazard_level"] is None
            part = r["industry"]
        else:
            assert r["breakdown"] == "source_level" and r["industry"] is None
            part = (r["source"], r["hazard_level"])
        key = (r["district_code"], part)
        assert key not in out, f"two rows for {key}"
        out[key] = (r["found"], r["rectified"], r["open"], r["overdue"])
    return out


@pytest.fixture(scope="module")
def statistics_store():
    con = build(enterprises=ENTERPRISES, hazards=STATISTICS_HAZARDS)
    yield con
    con.close()


def test_hazard_statistics(statistics_store):
    with engine.unit_tree(statistics_store, SETTINGS):
        rows = report(statistics_store, "hazard_statistics", as_of=E)
    # (found, rectified by A, open at A, overdue at A)
    assert statistics(rows) == {
        # the total: 环翠 and 文登 together
        (None, "危险化学品"): (2, 1, 1, 1),  # S1, S2
        (None, "工贸"): (3, 0, 3, 1),  # S3, S4, S5
        (None, "建筑施工"): (1, 0, 1, 1),  # S8
        (None, "未注明"): (1, 1, 0, 0),  # S7
        (None, ("企业自查", "general")): (3, 2, 1, 1),  # S2, S3, S7
        (None, ("举报", "major")): (1, 0, 1, 0),  # S5
        (None, ("执法检查", "major")): (2, 0, 2, 2),  # S1, S8
        (None, ("未注明", "general")): (1, 0, 1, 0),  # S4
        # 环翠: S0 (2023-12-31) and S6 (after A) nowhere
        (HC, "危险化学品"): (2, 1, 1, 1),  # S1 open + overdue, S2 rectified
        (HC, "工贸"): (3, 0, 3, 1),  # S3 (rectified after A: open, overdue), S4, S5 open
        (HC, "未注明"): (1, 1, 0, 0),  # S7 rectified on A
        (HC, ("企业自查", "general")): (3, 2, 1, 1),  # S2, S7 rectified; S3 open + overdue
        (HC, ("举报", "major")): (1, 0, 1, 0),  # S5
        (HC, ("执法检查", "major")): (1, 0, 1, 1),  # S1
        (HC, ("未注明", "general")): (1, 0, 1, 0),  # S4, deadline on A
        # 文登
        (WD, "建筑施工"): (1, 0, 1, 1),  # S8
        (WD, ("执法检查", "major")): (1, 0, 1, 1),
    }
    # the total first, then by unit, breakdown ('industry' before 'source_level')
    assert [(r["district_code"], r["breakdown"]) for r in rows] == (
        [(None, "industry")] * 4 + [(None, "source_level")] * 4
        + [(HC, "industry")] * 3 + [(HC, "source_level")] * 4
        + [(WD, "industry"), (WD, "source_level")]
    )  # fmt: skip


def test_hazard_statistics_year_edges(statistics_store):
    with engine.unit_tree(statistics_store, SETTINGS):
        # A = 2023-12-31: 2023 holds only S0 (found on A, open, no deadline)
        rows = report(statistics_store, "hazard_statistics", as_of=BEFORE_W)
        assert statistics(rows) == {
            (None, "危险化学品"): (1, 0, 1, 0),
            (None, ("企业自查", "general")): (1, 0, 1, 0),
            (HC, "危险化学品"): (1, 0, 1, 0),
            (HC, ("企业自查", "general")): (1, 0, 1, 0),
        }
        # A = 2024-01-01: a new year; only S1 (found that day; deadline 03-01 not passed)
        rows = report(statistics_store, "hazard_statistics", as_of=W)
        assert statistics(rows)[(HC, ("执法检查", "major"))] == (1, 0, 1, 0)
        assert len(rows) == 4  # 环翠 and the total, one row per breakdown


def test_hazard_statistics_through_the_engine(statistics_store):
    frame = engine.hazard_statistics(SETTINGS, D(E), district="文登区", con=statistics_store)
    rows = frame.to_dicts()
    # the total's eight rows first, then 文登's two (环翠's rows left out); names added
    total, wd = rows[:8], rows[8:]
    assert {(r["district_code"], r["district"]) for r in total} == {(None, "全市")}
    assert sum(r["found"] for r in total if r["breakdown"] == "industry") == 7  # S1-S5, S7, S8
    assert [(r["district_code"], r["district"], r["breakdown"]) for r in wd] == [
        (WD, "文登区", "industry"),
        (WD, "文登区", "source_level"),
    ]
    assert (wd[0]["industry"], wd[0]["found"], wd[0]["overdue"]) == ("建筑施工", 1, 1)
    assert (wd[1]["source"], wd[1]["hazard_level"], wd[1]["open"]) == ("执法检查", "major", 1)
    assert "is_total" not in frame.columns


# data freshness (6.4), A = E = 2024-06-30: A - 45 days = 2024-05-16, A - 46 days = 2024-05-15
FRESHNESS = dict(
    enterprises=ENTERPRISES,
    hazards=[
        dict(hazard_id="F1", enterprise_id="E2", level="general", found_date="2024-01-10"),
        dict(hazard_id="F2", enterprise_id="E2", level="general",
             found_date="2024-05-16"),  # 环翠's latest: 45 days, not stale
        dict(hazard_id="F3", enterprise_id="E2", level="general",
             found_date=AFTER_E),  # after A: ignored
        dict(hazard_id="F4", enterprise_id="E3", level="general",
             found_date="2024-05-15"),  # 文登: 46 days, stale
    ],
    drills=[
        evac("F5", "E1", "2024-05-15"),  # 环翠: 46 days, stale
        evac("F6", "E3", E),  # 文登: on A, 0 days
    ],
    training_counts=[
        trained("E2", "全员", "2024-06-01", 3),  # 环翠: June -> its last day 06-30
        trained("E5", "全员", "2024-01-01", 3),  # 荣成: January -> 01-31
    ],
    accidents=[
        dict(accident_id="F7", accident_date=W, district_code=RC, level="一般"),  # 181 days
    ],
    inspections=[
        inspection("F8", "E3", "2024-03-01"),  # 文登
        inspection("F9", "E3", "2024-07-02"),  # after A: ignored
    ],
)  # fmt: skip


@pytest.fixture(scope="module")
def freshness_store():
    con = build(**FRESHNESS)
    yield con
    con.close()


def test_data_freshness(freshness_store):
    with engine.unit_tree(freshness_store, SETTINGS):
        rows = report(freshness_store, "data_freshness", as_of=E)
    assert list(rows[0]) == ["district_code", "is_total", "dataset", "latest"]
    assert [tuple(r.values()) for r in rows] == [
        # the total: the latest of every unit
        (None, True, "accidents", D(W)),
        (None, True, "drills", D(E)),  # 文登's F6
        (None, True, "hazards", D("2024-05-16")),  # 环翠's F2 (F3 after A)
        (None, True, "inspections", D("2024-03-01")),  # F9 after A
        (None, True, "training_counts", D(E)),  # June's last day
        (HC, False, "drills", D("2024-05-15")),
        (HC, False, "hazards", D("2024-05-16")),  # F2, not F1
        (HC, False, "training_counts", D(E)),
        (WD, False, "drills", D(E)),
        (WD, False, "hazards", D("2024-05-15")),
        (WD, False, "inspections", D("2024-03-01")),
        (RC, False, "accidents", D(W)),
        (RC, False, "training_counts", D("2024-01-31")),
    ]


def test_data_freshness_stale_after_45_days(freshness_store):
    frame = engine.data_freshness(SETTINGS, D(E), con=freshness_store)
    got = {
        (r["district_code"], r["dataset"]): (r["days_since"], r["stale"])
        for r in frame.iter_rows(named=True)
    }
    assert got == {
        (None, "accidents"): (181, False),  # only hazards and drills can be stale
        (None, "drills"): (0, False),
        (None, "hazards"): (45, False),  # 05-16: exactly 45 days is not more than 45
        (None, "inspections"): (121, False),
        (None, "training_counts"): (0, False),
        (HC, "drills"): (46, True),  # 05-15: 46 days
        (HC, "hazards"): (45, False),
        (HC, "training_counts"): (0, False),
        (WD, "drills"): (0, False),
        (WD, "hazards"): (46, True),
        (WD, "inspections"): (121, False),
        (RC, "accidents"): (181, False),
        (RC, "training_counts"): (151, False),  # 01-31 -> 06-30; never stale
    }
    names = {r["district_code"]: r["district"] for r in frame.iter_rows(named=True)}
    assert names == {None: "全市", HC: "环翠区", WD: "文登区", RC: "荣成市"}
    # A = 07-01: 文登's hazards 47 days; 环翠's F3 (found on A) now counts: 0 days
    frame = engine.data_freshness(SETTINGS, D(AFTER_E), con=freshness_store)
    got = {
        (r["district_code"], r["dataset"]): (r["latest"], r["days_since"], r["stale"])
        for r in frame.iter_rows(named=True)
        if r["dataset"] == "hazards"
    }
    assert got == {
        (None, "hazards"): (D(AFTER_E), 0, False),
        (HC, "hazards"): (D(AFTER_E), 0, False),
        (WD, "hazards"): (D("2024-05-15"), 47, True),
    }
    # one unit asked for: its rows and the total's
    frame = engine.data_freshness(SETTINGS, D(E), district="文登区", con=freshness_store)
    assert set(frame["district_code"].to_list()) == {None, WD}


def test_data_freshness_never_after_the_as_of_date(freshness_store):
    frame = engine.data_freshness(SETTINGS, D("2024-06-15"), district="环翠区", con=freshness_store)
    hc = {r["dataset"]: r for r in frame.iter_rows(named=True) if r["district_code"] == HC}
    # June's counts (month 2024-06-01) are the latest on or before 06-15; 06-30 is not
    assert hc["training_counts"]["latest"] <= D("2024-06-15")
    assert hc["training_counts"]["days_since"] >= 0


def test_accidents_report():
    con = build(
        enterprises=ENTERPRISES,
        accidents=[
            dict(accident_id="C3", accident_date="2024-03-01", enterprise_id="E3",
                 level="较大", deaths=3),  # district from the register: 文登
            dict(accident_id="C2", accident_date="2024-03-01", district_code=HC,
                 level="一般"),  # deaths blank -> 0; same day as C3: by id
            dict(accident_id="C1", accident_date=BEFORE_W, district_code=RC, level="一般",
                 deaths=1),  # on since
            dict(accident_id="C4", accident_date=E, district_code=HC, level="一般",
                 deaths=0),  # on A
            dict(accident_id="C0", accident_date="2023-12-30", district_code=RC,
                 level="一般"),  # before since
            dict(accident_id="C5", accident_date=AFTER_E, district_code=HC,
                 level="重大"),  # after A
        ],
    )  # fmt: skip
    rows = report(con, "accidents", since=D(BEFORE_W), as_of=E)
    assert [tuple(r.values()) for r in rows] == [
        ("C1", D(BEFORE_W), "一般", 1, RC),
        ("C2", D("2024-03-01"), "一般", 0, HC),
        ("C3", D("2024-03-01"), "较大", 3, WD),
        ("C4", D(E), "一般", 0, HC),
    ]
    assert list(rows[0]) == ["accident_id", "accident_date", "level", "deaths", "district_code"]


def accident(accident_id, day, district_code, level="一般", deaths=0):
    return dict(
        accident_id=accident_id, accident_date=day, district_code=district_code, level=level,
        deaths=deaths,
    )  # fmt: skip


def warnings_of(con, as_of, district=None) -> list[tuple]:
    """accident_warnings rows as (district_code, district, rule, first, last, accident ids)."""
    from safetystats.metrics.warnings import accident_warnings

    frame = accident_warnings(SETTINGS, D(as_of), district, con=con)
    assert frame["as_of"].to_list() == [D(as_of)] * frame.height
    return [
        (r["district_code"], r["district"], r["rule"], r["first_date"].isoformat(),
         r["last_date"].isoformat(), r["accident_ids"])
        for r in frame.iter_rows(named=True)
    ]  # fmt: skip


def test_warnings_two_within_60_days_rolled_up_to_the_total():
    # 环翠 03-01 and 文登 04-29: 31 (March) + 29 = 59 days apart. Neither unit has two; the
    # total (the registry is flat: the total is the units' parent) has the pair
    con = build(accidents=[accident("X1", "2024-03-01", HC), accident("X2", "2024-04-29", WD)])
    assert warnings_of(con, E) == [
        (None, "全市", "two_within_60_days", "2024-03-01", "2024-04-29", ["X1", "X2"]),
    ]
    assert warnings_of(con, "2024-04-28") == []  # X2 not yet
    # a unit asked for: its own rows (none) and the total's
    assert [r[0] for r in warnings_of(con, E, "环翠区")] == [None]


def test_warnings_two_within_60_days_edges():
    accidents = [
        accident("Y1", "2023-12-01", RC),  # Y1 -> Y3: 31 + 29 = 60 days: not a pair
        accident("Y2", "2023-12-02", RC),  # Y2 -> Y3: 59 days, d1 in the year before counts
        accident("Y3", "2024-01-30", RC),
        accident("Y4", "2024-07-01", RC),  # after A: nowhere
    ]
    con = build(accidents=accidents)
    # Y1 and Y2 are a pair, but both in 2023: only Y2 -> Y3 qualifies
    expected = ("two_within_60_days", "2023-12-02", "2024-01-30", ["Y2", "Y3"])
    assert warnings_of(con, E) == [(RC, "荣成市", *expected), (None, "全市", *expected)]
    # A = 2023-12-31: Y1 -> Y2 (1 day) is a pair of A's year
    assert warnings_of(con, BEFORE_W, "荣成市")[0][2:] == (
        "two_within_60_days", "2023-12-01", "2023-12-02", ["Y1", "Y2"]
    )  # fmt: skip


def test_warnings_yoy_rise_two_months():
    accidents = [
        accident("Z1", "2023-04-10", HC, deaths=0),  # April 2023: 1 accident, 0 deaths
        accident("Z2", "2024-04-05", HC, deaths=1),  # April 2024: 2 accidents, 1 death
        accident("Z3", "2024-04-25", HC, deaths=0),
        accident("Z4", "2024-05-20", HC, deaths=2),  # May 2024: 1, 2 deaths (May 2023: 0, 0)
    ]
    con = build(accidents=accidents)
    # A = 06-15 is not June's last day: the months are April and May; both rose in count and
    # deaths. (The three 2024 accidents are also within 60 days of each other.)
    rows = [r for r in warnings_of(con, "2024-06-15") if r[2] == "yoy_rise_two_months"]
    expected = ("yoy_rise_two_months", "2024-04-05", "2024-05-20", ["Z2", "Z3", "Z4"])
    assert rows == [(HC, "环翠区", *expected), (None, "全市", *expected)]
    # A = 06-30 is June's last day: May and June; June 2024 has none -> no rise
    assert "yoy_rise_two_months" not in {r[2] for r in warnings_of(con, E)}
    # April's count rises (1 -> 2) but its deaths do not (Z1 now 1 death = 1): no warning
    con = build(accidents=[accident("Z1", "2023-04-10", HC, deaths=1), *accidents[1:]])
    assert "yoy_rise_two_months" not in {r[2] for r in warnings_of(con, "2024-06-15")}


def test_warnings_yoy_rise_in_january_compares_the_year_before():
    # A = 2025-01-15: the months are November and December 2024, against 2023's
    accidents = [
        accident("J1", "2023-11-03", WD, deaths=1),  # Nov 2023: 1, 1
        accident("J2", "2024-11-03", WD, deaths=1),  # Nov 2024: 2, 3
        accident("J3", "2024-11-20", WD, deaths=2),
        accident("J4", "2024-12-31", WD, deaths=1),  # Dec 2024: 1, 1 (Dec 2023: 0, 0)
    ]
    con = build(accidents=accidents)
    rows = [r for r in warnings_of(con, "2025-01-15") if r[2] == "yoy_rise_two_months"]
    assert [r[0] for r in rows] == [WD, None]
    assert rows[0][3:] == ("2024-11-03", "2024-12-31", ["J2", "J3", "J4"])


def test_warnings_serious_accident():
    accidents = [
        accident("K1", "2023-06-01", WD, level="重大", deaths=10),  # last year: not counted
        accident("K2", "2024-02-01", WD, level="较大", deaths=3),
        accident("K3", "2024-05-01", HC, level="一般", deaths=1),  # 一般: not serious
        accident("K4", AFTER_E, HC, level="特别重大", deaths=30),  # after A
    ]
    con = build(accidents=accidents)
    expected = ("serious_accident", "2024-02-01", "2024-02-01", ["K2"])
    assert warnings_of(con, E) == [(WD, "文登区", *expected), (None, "全市", *expected)]
    # nothing else at A: K2 -> K3 is 29 + 31 + 30 = 90 days (no pair); June has no accident
    # (no rise). At 01-31, K2 has not happened and K1 is last year's
    assert warnings_of(con, "2024-01-31") == []


QUARANTINE_COLUMNS = (
    "dataset, record_key, file_name, sheet, row_no, column_name, raw_value, rule_id, severity, "
    "message_zh, message_en, source, unit_code, unit, header, dataset_zh, rule_zh, severity_zh"
)


def quarantined(rule_id, severity, unit_code, unit, file_name, row_no, column, raw):
    rule_zh = {"date_invalid": "日期无效", "district_unknown": "区县无法识别",
               "blank_required": "必填为空", "deadline_missing": "缺整改期限"}[rule_id]  # fmt: skip
    return (
        "hazards", f"H{row_no}", file_name, "Sheet1", row_no, column, raw, rule_id, severity,
        f"{rule_zh}：{raw}", f"{rule_id}: {raw}", "gx", unit_code, unit, column + "（表头）",
        "隐患台账", rule_zh, {"error": "错误", "warning": "警告"}[severity],
    )  # fmt: skip


QUARANTINE = [
    quarantined("date_invalid", "error", HC, "环翠区", "a.xlsx", 5, "found_date", "2024-13-01"),
    quarantined("date_invalid", "error", HC, "环翠区", "a.xlsx", 3, "found_date", "2024-02-30"),
    quarantined("deadline_missing", "warning", HC, "环翠区", "a.xlsx", 4, "deadline", ""),
    quarantined("blank_required", "warning", HC, "环翠区", "a.xlsx", 3, "level", ""),
    quarantined("date_invalid", "error", WD, "文登区", "b.csv", 2, "found_date", "昨天"),
    quarantined("district_unknown", "error", None, None, "a.xlsx", 7, "district", "某某区"),
]


@pytest.fixture(scope="module")
def quarantine_store():
    con = build()
    create_tables(con)
    marks = ", ".join("?" for _ in QUARANTINE_COLUMNS.split(","))
    con.executemany(f"INSERT INTO quarantine ({QUARANTINE_COLUMNS}) VALUES ({marks})", QUARANTINE)
    yield con
    con.close()


def test_unit_quality(quarantine_store):
    rows = report(quarantine_store, "unit_quality")
    assert list(rows[0]) == ["rule_id", "rule_zh", "severity", "rows"]
    # errors first, then the most rows, then the rule id
    assert [tuple(r.values()) for r in rows] == [
        ("date_invalid", "日期无效", "error", 3),  # 环翠 2, 文登 1
        ("district_unknown", "区县无法识别", "error", 1),  # no unit: only in the all-units view
        ("blank_required", "必填为空", "warning", 1),
        ("deadline_missing", "缺整改期限", "warning", 1),
    ]
    rows = report(quarantine_store, "unit_quality", district_codes=[HC])
    assert [(r["rule_id"], r["rows"]) for r in rows] == [
        ("date_invalid", 2),
        ("blank_required", 1),
        ("deadline_missing", 1),
    ]
    rows = report(quarantine_store, "unit_quality", district_codes=[WD, RC])
    assert [(r["rule_id"], r["rows"]) for r in rows] == [("date_invalid", 1)]
    assert report(quarantine_store, "unit_quality", district_codes=[RC]) == []


def test_quarantine_list(quarantine_store):
    rows = report(quarantine_store, "quarantine_list")
    assert list(rows[0]) == [
        "unit",
        "dataset_zh",
        "dataset",
        "rule_id",
        "severity",
        "file_name",
        "sheet",
        "row_no",
        "header",
        "column_name",
        "raw_value",
        "rule_zh",
        "severity_zh",
        "message_zh",
        "message_en",
    ]  # fmt: skip (dataset, rule_id, severity: the English workbook's words)
    # by unit (binary order: 文 U+6587 before 环 U+73AF; no unit last), file, row, rule id
    assert [(r["unit"], r["file_name"], r["row_no"], r["rule_zh"]) for r in rows] == [
        ("文登区", "b.csv", 2, "日期无效"),
        ("环翠区", "a.xlsx", 3, "必填为空"),  # blank_required before date_invalid
        ("环翠区", "a.xlsx", 3, "日期无效"),
        ("环翠区", "a.xlsx", 4, "缺整改期限"),
        ("环翠区", "a.xlsx", 5, "日期无效"),
        (None, "a.xlsx", 7, "区县无法识别"),
    ]
    first = rows[0]
    assert (first["header"], first["column_name"], first["raw_value"]) == (
        "found_date（表头）", "found_date", "昨天"
    )  # fmt: skip
    assert (first["severity_zh"], first["message_en"]) == ("错误", "date_invalid: 昨天")


def test_report_queries_bind_only_what_they_use():
    # every report and metric query takes its parameters from bind(): no stray $name in comments
    for name in names_in("report") + names_in("metrics"):
        assert set(bind(load_sql(name), _AllValues())) <= _AllValues.names, name


class _AllValues(dict):
    names = {
        "as_of", "window_start", "eval_dates", "industry", "hazchem", "high_risk", "category",
        "source", "level", "dataset", "types", "per", "per_high_risk", "required",
        "required_high_risk", "evaluated_only", "roster", "active_status", "cycle_start_default",
        "district_codes", "unspecified", "none_supervision", "since", "deadline", "kinds",
        "organisers", "principal_led_only", "flags", "tasks", "measure", "levels", "age_days",
        "register",
    }  # fmt: skip

    def __missing__(self, key):
        assert key in self.names, f"unknown parameter ${key}"
        return None
