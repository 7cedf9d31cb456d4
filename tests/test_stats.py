"""Accident and enforcement statistics (DATA_SPEC 6.7, 6.8, 7) on small in-memory stores built
by tests/sqlkit.py, worked out by hand in the comments. A = 2024-11-30: the year to date is
2024-01-01..11-30 (a year earlier 2023-01-01..11-30), the month 2024-11-01..11-30 (2023-11-01..
11-30)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from sqlkit import SETTINGS, D, build

from safetystats.stats import accident_statistics, enforcement_statistics
from safetystats.stats.spans import change, change_text, round_half_away, spans, year_earlier

HC, WD, RC, RS = "371002", "371003", "371082", "371083"  # 环翠区, 文登区, 荣成市, 乳山市
A = "2024-11-30"
ENTERPRISES = [
    dict(enterprise_id="E1", enterprise_name="甲化工", district_code=HC, industry="危险化学品"),
    dict(enterprise_id="E2", enterprise_name="乙工贸", district_code=HC, industry="工贸"),
    dict(enterprise_id="E3", enterprise_name="丙建筑", district_code=WD, industry="建筑施工"),
    dict(enterprise_id="E5", enterprise_name="戊", district_code=RC, industry="工贸"),
]


def accident(accident_id, day, district_code, level="一般", deaths=0, **more):
    return dict(accident_id=accident_id, accident_date=day, district_code=district_code,
                level=level, deaths=deaths, **more)  # fmt: skip


ACCIDENTS = [
    # 环翠: A1, A2 this year; A3 in last year's span; A4 after last year's span; A5 after A
    accident("A1", "2024-03-10", HC, deaths=1, injuries=2, direct_loss=10.5, enterprise_id="E1"),
    accident("A2", "2024-11-05", HC, "较大", deaths=3, injuries=0, direct_loss=100.0,
             enterprise_name="某建筑公司", industry="建筑施工"),
    accident("A3", "2023-06-01", HC, deaths=1),
    accident("A4", "2023-12-15", HC, deaths=2),
    accident("A5", "2024-12-01", HC, deaths=9),
    # 文登: only last year (in both spans of last year)
    accident("B1", "2023-11-20", WD, deaths=1),
    # 荣成: nothing at all; 乳山: one on A itself, none a year earlier
    accident("B2", A, RS, deaths=0),
]  # fmt: skip


@pytest.fixture(scope="module")
def accidents_store():
    con = build(enterprises=ENTERPRISES, accidents=ACCIDENTS)
    yield con
    con.close()


def by_unit(rows: list[dict]) -> dict:
    return {(r["district_code"], r["span"]): r for r in rows}


def figures(row: dict, fields: list[str]) -> tuple:
    return tuple(row[f] for f in fields) + tuple(row[f"prev_{f}"] for f in fields)


FOUR = ["accidents", "deaths", "injuries", "direct_loss"]


def test_accident_statistics(accidents_store):
    rows = by_unit(accident_statistics(SETTINGS, D(A), con=accidents_store))
    # every unit of the registry (7) and the total, × 2 spans
    assert len(rows) == 16
    # 环翠 ytd: A1 + A2 = 2 accidents, 1 + 3 deaths, 2 + 0 injuries, 10.5 + 100 万元;
    # a year earlier A3 only (A4 is after 2023-11-30): 1, 1 death, injuries and loss blank -> 0
    hc = rows[(HC, "ytd")]
    assert figures(hc, FOUR) == (2, 4, 2, 110.5, 1, 1, 0, 0)
    assert (hc["start"], hc["end"], hc["prev_start"], hc["prev_end"]) == (
        "2024-01-01", A, "2023-01-01", "2023-11-30")  # fmt: skip
    # (2 − 1) / 1 = +100.0%; deaths (4 − 1) / 1 = +300.0%
    assert hc["change"]["accidents"] == {"difference": 1, "percent": 100.0, "trend": "上升"}
    assert hc["change"]["deaths"] == {"difference": 3, "percent": 300.0, "trend": "上升"}
    assert hc["by_level"] == {"一般": 1, "较大": 1, "重大": 0, "特别重大": 0}
    assert hc["prev_by_level"] == {"一般": 1, "较大": 0, "重大": 0, "特别重大": 0}
    # the record's industry (A2), else the register's (A1: E1 危险化学品)
    assert hc["by_industry"] == {"危险化学品": 1, "建筑施工": 1}
    assert hc["serious"] == [
        dict(accident_id="A2", date="2024-11-05", district="环翠区",
             enterprise_name="某建筑公司", level="较大", deaths=3)
    ]  # fmt: skip
    # 环翠 month: A2 only; nothing in 2023-11 -> 新增 (no percentage)
    month = rows[(HC, "month")]
    assert figures(month, ["accidents", "deaths"]) == (1, 3, 0, 0)
    assert month["change"]["accidents"] == {"difference": 1, "percent": None, "trend": "新增"}
    # 文登: none this year, B1 a year earlier in both spans -> −100.0%, 下降
    for span in ("ytd", "month"):
        wd = rows[(WD, span)]
        assert figures(wd, ["accidents", "deaths"]) == (0, 0, 1, 1)
        assert wd["change"]["accidents"] == {"difference": -1, "percent": -100.0, "trend": "下降"}
        assert wd["serious"] == []
    # 荣成: nothing in either year: 0 (a ledger is loaded), 持平
    rc = rows[(RC, "ytd")]
    assert figures(rc, FOUR) == (0, 0, 0, 0, 0, 0, 0, 0)
    assert rc["change"]["accidents"] == {"difference": 0, "percent": None, "trend": "持平"}
    assert rc["by_level"] == {"一般": 0, "较大": 0, "重大": 0, "特别重大": 0}
    # 乳山: B2 on A itself (in both spans), 0 deaths both years: 新增 / 持平
    rs = rows[(RS, "month")]
    assert figures(rs, ["accidents", "deaths"]) == (1, 0, 0, 0)
    assert change_text(rs["change"]["accidents"]) == "新增"
    assert change_text(rs["change"]["deaths"]) == "持平"
    # the total: ytd A1, A2, B2 = 3 (4 deaths) against A3, B1 = 2 (2 deaths): +50.0%, +100.0%
    total = rows[(None, "ytd")]
    assert total["district"] == "全市" and total["level"] == 0
    assert figures(total, ["accidents", "deaths"]) == (3, 4, 2, 2)
    assert change_text(total["change"]["accidents"]) == "上升50.0%"
    assert total["by_level"] == {"一般": 2, "较大": 1, "重大": 0, "特别重大": 0}
    # month: A2, B2 (3 deaths) against B1 (1 death): +100.0%, +200.0%
    total_month = rows[(None, "month")]
    assert figures(total_month, ["accidents", "deaths"]) == (2, 3, 1, 1)
    assert change_text(total_month["change"]["deaths"]) == "上升200.0%"
    assert [a["accident_id"] for a in total_month["serious"]] == ["A2"]


def test_accident_statistics_without_an_accident_ledger_are_dashes_never_zero():
    con = build(enterprises=ENTERPRISES)
    rows = accident_statistics(SETTINGS, D(A), con=con)
    for row in rows:
        assert figures(row, FOUR) == (None,) * 8
        assert row["by_level"] is None and row["serious"] is None
        assert row["change"]["accidents"] is None and change_text(None) == "—"


def test_a_loaded_accident_ledger_without_accidents_in_the_spans_gives_zeros():
    # an accident ledger was ingested (all its accidents are older): 0, not "—"
    con = build(enterprises=ENTERPRISES, accidents=[accident("Z1", "2021-05-01", HC)])
    con.execute(
        "INSERT INTO ingest_files (file_id, path, file_name, sha256, dataset, ingested_at, "
        "ingested_on) VALUES (1, 'a.xlsx', 'a.xlsx', 'x', 'accidents', now(), current_date)"
    )
    rows = by_unit(accident_statistics(SETTINGS, D(A), con=con))
    assert figures(rows[(HC, "ytd")], FOUR) == (0, 0, 0, 0, 0, 0, 0, 0)
    assert rows[(None, "month")]["serious"] == []


def test_february_29_is_compared_with_february_28():
    # A = 2024-02-29: a year earlier is 2023-02-28; the month spans 2024-02-01..29 and
    # 2023-02-01..28. Y2 on 2023-02-28 is in last year's spans, Y3 on 2023-03-01 is not.
    assert year_earlier(D("2024-02-29")) == D("2023-02-28")
    assert year_earlier(D("2025-03-01")) == D("2024-03-01")
    ytd, month = spans(D("2024-02-29"))
    assert (ytd.start, ytd.end, ytd.prev_start, ytd.prev_end) == (
        D("2024-01-01"), D("2024-02-29"), D("2023-01-01"), D("2023-02-28"))  # fmt: skip
    assert (month.start, month.prev_start, month.prev_end) == (
        D("2024-02-01"), D("2023-02-01"), D("2023-02-28"))  # fmt: skip
    con = build(
        enterprises=ENTERPRISES,
        accidents=[accident("Y1", "2024-02-29", HC, deaths=1), accident("Y2", "2023-02-28", HC),
                   accident("Y3", "2023-03-01", HC)],
    )  # fmt: skip
    rows = by_unit(accident_statistics(SETTINGS, D("2024-02-29"), con=con))
    for span in ("ytd", "month"):
        assert figures(rows[(HC, span)], ["accidents", "deaths"]) == (1, 1, 1, 0)
        assert rows[(HC, span)]["change"]["accidents"]["trend"] == "持平"  # 1 against 1
        assert rows[(HC, span)]["change"]["deaths"]["trend"] == "新增"  # 1 against 0


@pytest.mark.parametrize(
    "cur, prev, expected",
    [
        (15, 16, {"difference": -1, "percent": -6.3, "trend": "下降"}),  # −6.25% -> −6.3
        (17, 16, {"difference": 1, "percent": 6.3, "trend": "上升"}),  # +6.25% -> +6.3
        (12, 15, {"difference": -3, "percent": -20.0, "trend": "下降"}),  # the 通报's example
        (13, 16, {"difference": -3, "percent": -18.8, "trend": "下降"}),  # −18.75% -> −18.8
        (5, 5, {"difference": 0, "percent": 0.0, "trend": "持平"}),
        (3, 0, {"difference": 3, "percent": None, "trend": "新增"}),
        (0, 0, {"difference": 0, "percent": None, "trend": "持平"}),
        (0.3, 0.2, {"difference": 0.1, "percent": 50.0, "trend": "上升"}),  # exact, not 49.99…
        (None, 3, None),
    ],
)
def test_change(cur, prev, expected):
    assert change(cur, prev) == expected


def test_round_half_away_from_zero():
    assert round_half_away(Fraction(5, 4)) == 1.3  # 1.25
    assert round_half_away(Fraction(-5, 4)) == -1.3
    assert round_half_away(Fraction(1, 40)) == 0.0  # 0.025 -> 0.0 at one decimal
    assert change_text(change(13, 16)) == "下降18.8%"


# ---------------------------------------------------------------------------------------------
# enforcement (6.8)
# ---------------------------------------------------------------------------------------------

ALL = dict(unannounced=False, case_filed=False, penalty=0.0, suspension=False, off_site=False,
           hazards_found=0, major_hazards_found=0)  # fmt: skip


def inspection(inspection_id, enterprise_id, district_code, day, kind="执法检查", **columns):
    # district_code: the unit the record resolved to (here its enterprise's)
    return dict(inspection_id=inspection_id, enterprise_id=enterprise_id,
                district_code=district_code, inspection_date=day, kind=kind, **columns)  # fmt: skip


INSPECTIONS = [
    # 环翠 carries every column
    inspection("I1", "E1", HC, "2024-03-01", **ALL | dict(unannounced=True, case_filed=True,
               penalty=2.5, hazards_found=3, major_hazards_found=1)),
    inspection("I2", "E1", HC, "2024-11-10", **ALL | dict(suspension=True, off_site=True,
               hazards_found=1)),
    inspection("I3", "E2", HC, "2024-11-12", "督导检查", hazards_found=2),  # the others blank
    inspection("I4", "E2", HC, "2023-11-15", **ALL | dict(unannounced=True, penalty=1.0)),
    # 文登: a ledger without the enforcement columns (hazards found only)
    inspection("J1", "E3", WD, "2024-05-01", hazards_found=4),
    inspection("J2", "E3", WD, "2023-05-01", "负责人带队检查", hazards_found=1),
    # E1 (环翠's) inspected in 文登 too: once in 文登 and once, not twice, in the total
    inspection("J3", "E1", WD, "2024-07-01", "督导检查", hazards_found=0),
    # 荣成: carries the columns, but its only inspection is older than both spans
    inspection("K1", "E5", RC, "2022-06-01", **ALL),
    # 乳山: no inspection at all
]  # fmt: skip


def inspections_store(rows: list[dict]):
    """A store whose inspections (with the enforcement columns of DATA_SPEC 2.10) are curated
    by the package's SQL."""
    return build(enterprises=ENTERPRISES, inspections=rows)


ENFORCEMENT = ["inspections", "enterprises_inspected", "enforcement", "unannounced_enforcement",
               "cases_filed", "penalty", "suspensions", "off_site", "hazards_found",
               "major_hazards_found"]  # fmt: skip


def test_enforcement_statistics():
    rows = by_unit(enforcement_statistics(SETTINGS, D(A), con=inspections_store(INSPECTIONS)))
    hc = rows[(HC, "ytd")]
    # ytd I1, I2, I3: 3 inspections of E1, E2; 执法检查 I1, I2, of which 四不两直 I1; 立案 I1;
    # 2.5 万元; 停产 I2; 非现场 I2; hazards 3 + 1 + 2; major 1 (I3 blank)
    assert tuple(hc[f] for f in ENFORCEMENT) == (3, 2, 2, 1, 1, 2.5, 1, 1, 6, 1)
    # a year earlier I4: 执法检查 四不两直 with 1.0 万元
    assert tuple(hc[f"prev_{f}"] for f in ENFORCEMENT) == (1, 1, 1, 1, 0, 1.0, 0, 0, 0, 0)
    assert hc["unannounced_share"] == 0.5  # 1 of 2 执法检查
    assert hc["by_kind"] == {"执法检查": 2, "负责人带队检查": 0, "督导检查": 1, "专家检查": 0,
                             "其他": 0}  # fmt: skip
    assert hc["change"]["penalty"] == {"difference": 1.5, "percent": 150.0, "trend": "上升"}
    # month: I2, I3 against I4
    month = rows[(HC, "month")]
    assert tuple(month[f] for f in ENFORCEMENT) == (2, 2, 1, 0, 0, 0, 1, 1, 3, 0)
    assert month["change"]["penalty"] == {"difference": -1.0, "percent": -100.0, "trend": "下降"}
    # 文登 has no enforcement columns in any record: those figures are "—", never 0; J1, J3 of
    # E3 and E1
    wd = rows[(WD, "ytd")]
    assert tuple(wd[f] for f in ENFORCEMENT) == (2, 2, 1, None, None, None, None, None, 4, None)
    assert tuple(wd[f"prev_{f}"] for f in ENFORCEMENT[:3]) == (1, 1, 0)
    assert wd["change"]["cases_filed"] is None and wd["unannounced_share"] is None
    # 荣成 carries them but had no inspection in either span: 0 everywhere
    rc = rows[(RC, "month")]
    assert tuple(rc[f] for f in ENFORCEMENT) == (0,) * 10
    assert rc["change"]["inspections"]["trend"] == "持平"
    # 乳山 has no inspection at all: counted 0, the columns' figures unknown
    rs = rows[(RS, "ytd")]
    assert tuple(rs[f] for f in ENFORCEMENT) == (0, 0, 0) + (None,) * 7
    # the total carries every column: I1, I2, I3, J1, J3 of E1, E2, E3 (E1 in two units, once);
    # hazards 6 + 4 + 0
    total = rows[(None, "ytd")]
    assert tuple(total[f] for f in ENFORCEMENT) == (5, 3, 3, 1, 1, 2.5, 1, 1, 10, 1)


def test_a_store_curated_before_the_enforcement_columns_existed_shows_dashes():
    # an older store: curated_inspections without the columns of 2.10 (hazards_found only)
    con = inspections_store(INSPECTIONS)
    con.execute(
        "CREATE OR REPLACE TABLE curated_inspections AS SELECT inspection_id, enterprise_id, "
        "enterprise_name, inspection_date, kind, hazards_found, district_code "
        "FROM curated_inspections"
    )
    hc = by_unit(enforcement_statistics(SETTINGS, D(A), con=con))[(HC, "ytd")]
    assert tuple(hc[f] for f in ENFORCEMENT) == (3, 2, 2, None, None, None, None, None, 6, None)


def test_enforcement_statistics_without_an_inspection_ledger():
    rows = enforcement_statistics(SETTINGS, D(A), con=inspections_store([]))
    assert all(r[f] is None for r in rows for f in ENFORCEMENT)
    assert all(r["by_kind"] is None for r in rows)


# ---------------------------------------------------------------------------------------------
# the commands, on a store filled by ingest
# ---------------------------------------------------------------------------------------------


def cli(config, *args):
    from click.testing import CliRunner

    from safetystats.cli import app

    return CliRunner().invoke(app, ["--config", str(config), *args])


def ingested(root, files: dict[str, list[list]]):
    """A config whose raw folder holds ``files`` (path under raw/ -> rows), ingested."""
    from conftest import write_rows

    for path, rows in files.items():
        write_rows(root / "raw" / path, rows)
    config = root / "safetystats.toml"
    config.write_text('[paths]\nraw = "raw"\ndb = "s.duckdb"\nreports = "r"\n', encoding="utf-8")
    assert cli(config, "ingest").exit_code == 0
    return config


@pytest.fixture(scope="module")
def accident_config(tmp_path_factory):
    return ingested(tmp_path_factory.mktemp("stats"), {
        "accidents/a.csv":
        [
            ["事故编号", "事故发生时间", "所属区市", "事故等级", "死亡人数", "受伤人数", "直接经济损失(万元)"],
            ["A1", "2024-03-01", "环翠区", "一般", "1", "", "12.5"],
            ["A2", "2024-06-10", "环翠区", "较大", "3", "2", "80"],
            ["A3", "2023-06-15", "环翠区", "一般", "2", "", ""],
            ["A4", "2023-05-01", "文登区", "一般", "0", "", ""],
        ],
    })  # fmt: skip


@pytest.mark.slow  # ingest, GX, curation, the CLI
def test_stats_accidents_command_json(accident_config):
    import json

    result = cli(accident_config, "stats", "accidents", "--as-of", "2024-06-30", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["as_of"] == "2024-06-30"
    rows = by_unit(data["rows"])
    # 环翠 ytd: A1 + A2 = 2, 4 deaths, 2 injuries, 92.5 万元; a year earlier A3 (2 deaths):
    # accidents +100.0%, deaths +100.0%
    hc = rows[(HC, "ytd")]
    assert figures(hc, FOUR) == (2, 4, 2, 92.5, 1, 2, 0, 0)
    assert hc["change"]["deaths"] == {"difference": 2, "percent": 100.0, "trend": "上升"}
    assert [s["accident_id"] for s in hc["serious"]] == ["A2"]
    # 环翠 month (2024-06): A2 against A3 (2023-06-15): 1 and 1 -> 持平
    assert rows[(HC, "month")]["change"]["accidents"]["trend"] == "持平"
    # 文登: 0 against 1 (A4 in 2023-05): −100.0%
    assert rows[(WD, "ytd")]["change"]["accidents"]["percent"] == -100.0
    # --district keeps the unit named and the total
    named = cli(accident_config, "stats", "accidents", "--as-of", "2024-06-30",
                "--district", "文登", "--format", "csv")  # fmt: skip
    assert named.exit_code == 0, named.output
    lines = named.stdout.lstrip("\ufeff").splitlines()
    assert len(lines) == 1 + 4 and lines[0].startswith("district_code,district,level")
    table = cli(accident_config, "stats", "accidents", "--as-of", "2024-06-30")
    assert table.exit_code == 0 and "(上升100.0%)" in table.stdout


@pytest.mark.slow
def test_stats_without_the_ledger_says_so_and_exits_1(accident_config):
    result = cli(
        accident_config, "stats", "enforcement", "--as-of", "2024-06-30", "--format", "json"
    )
    assert result.exit_code == 1
    assert "检查记录" in result.stderr
    import json

    assert all(r["inspections"] is None for r in json.loads(result.stdout)["rows"])


@pytest.mark.slow
def test_stats_usage_errors_exit_2(accident_config):
    assert cli(accident_config, "stats", "fires").exit_code == 2
    assert cli(accident_config, "stats", "accidents", "--format", "xml").exit_code == 2
    assert cli(accident_config, "stats", "accidents", "--as-of", "2999-01-01").exit_code == 2


@pytest.mark.slow
def test_assess_command_json(accident_config):
    import json

    result = cli(accident_config, "assess", "--as-of", "2024-06-30", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rows = {r["district"]: r for r in data["rows"]}
    assert len(rows) == 7  # the 7 units of level 1, not the total
    # only accidents are loaded: every share target is no_data (0 points); open_major_hazards
    # (a count, 0 open <= 0) is met: 15 of 100 points -> 15.0 for every unit
    hc = rows["环翠区"]
    assert (hc["score"], hc["grade"], hc["vetoed"], hc["rank"]) == (15.0, "一票否决", True, 7)
    assert hc["targets"]["open_major_hazards"] == 15.0 and hc["targets"]["video_coverage"] == 0
    others = [r for name, r in rows.items() if name != "环翠区"]
    assert {(r["score"], r["grade"], r["rank"]) for r in others} == {(15.0, "不合格", 1)}
    compared = cli(accident_config, "assess", "--as-of", "2024-06-30", "--compare", "2024-03-31")
    assert compared.exit_code == 0, compared.output
    assert "上期数据按现有台账重算" in compared.stderr
    data = json.loads(
        cli(accident_config, "assess", "--as-of", "2024-06-30", "--compare", "2024-03-31",
            "--format", "json").stdout
    )  # fmt: skip
    hc = next(r for r in data["rows"] if r["district"] == "环翠区")
    # at 03-31 the 较大 accident (06-10) had not happened: 环翠 was tied first, not vetoed
    assert (hc["prev_score"], hc["prev_grade"], hc["prev_rank"]) == (15.0, "不合格", 1)
    assert hc["score_change"] == 0.0


def test_a_broken_assessment_exits_2_naming_it(tmp_path):
    targets = tmp_path / "targets.toml"
    packaged = (SETTINGS.targets).read_text(encoding="utf-8")
    targets.write_text(packaged.replace('veto_rules = ["serious_accident"]',
                                        'veto_rules = ["fire"]'), encoding="utf-8")  # fmt: skip
    config = tmp_path / "safetystats.toml"
    config.write_text(f'[registry]\ntargets = "{targets}"\n', encoding="utf-8")
    result = cli(config, "assess")
    assert result.exit_code == 2
    assert "unknown veto rule 'fire'" in result.stderr


@pytest.fixture(scope="module")
def enforcement_config(tmp_path_factory):
    # 环翠's ledger gives penalties in 元 (divided by 10,000) and the way of checking in 检查方式;
    # 文登's ledger has none of the enforcement columns
    return ingested(tmp_path_factory.mktemp("enforcement"), {
        "inspections/环翠.csv": [
            ["检查编号", "企业编号", "所属区市", "检查日期", "检查方式", "是否立案", "罚款金额(元)",
             "责令停产停业", "非现场执法", "发现隐患数", "发现重大隐患数"],
            ["I1", "E1", "环翠区", "2024-06-03", "四不两直", "是", "25000", "否", "否", "3", "1"],
            ["I2", "E2", "环翠区", "2024-06-20", "执法检查", "否", "", "是", "是", "2", "0"],
            ["I3", "E2", "环翠区", "2023-06-05", "督导检查", "否", "5000", "否", "否", "1", "0"],
        ],
        "inspections/文登.csv": [
            ["检查编号", "企业编号", "所属区市", "检查日期", "检查类型", "发现隐患数"],
            ["J1", "E3", "文登区", "2024-02-01", "执法检查", "4"],
        ],
    })  # fmt: skip


@pytest.mark.slow  # ingest, GX, curation, the CLI
def test_stats_enforcement_command_with_a_yuan_header(enforcement_config):
    import json

    result = cli(enforcement_config, "stats", "enforcement", "--as-of", "2024-06-30",
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = by_unit(json.loads(result.stdout)["rows"])
    hc = rows[(HC, "ytd")]
    # I1 (四不两直 -> 执法检查, unannounced; 立案; 25,000 元 = 2.5 万元) and I2 (执法检查, 停产,
    # 非现场): 2 执法检查 of 2 enterprises, 1 unannounced (50%); hazards 3 + 2, major 1
    assert tuple(hc[f] for f in ENFORCEMENT) == (2, 2, 2, 1, 1, 2.5, 1, 1, 5, 1)
    assert hc["unannounced_share"] == 0.5
    # a year earlier I3: 督导检查 with 5,000 元 = 0.5 万元 -> penalties +2.0 (+400.0%)
    assert (hc["prev_inspections"], hc["prev_enforcement"], hc["prev_penalty"]) == (1, 0, 0.5)
    assert hc["change"]["penalty"] == {"difference": 2.0, "percent": 400.0, "trend": "上升"}
    # 文登's ledger has no enforcement column: "—" for them, its hazards found counted
    wd = rows[(WD, "ytd")]
    assert tuple(wd[f] for f in ENFORCEMENT) == (1, 1, 1, None, None, None, None, None, 4, None)
    # the total has the columns through 环翠: 文登's inspection counts as not unannounced
    total = rows[(None, "ytd")]
    assert tuple(total[f] for f in ENFORCEMENT) == (3, 3, 3, 1, 1, 2.5, 1, 1, 9, 1)


def test_csv_rows_are_flat_and_inert():
    from safetystats.stats.present import to_csv

    rows = [
        {"district_code": "1", "district": "=HYPERLINK(\"x\")", "accidents": 2, "prev_accidents": 0,
         "change": {"accidents": change(2, 0)}, "by_level": {"一般": 2, "较大": 0},
         "serious": [{"accident_id": "A1"}, {"accident_id": "A2"}]},
    ]  # fmt: skip
    text = to_csv(rows)
    assert text.startswith("\ufeff")
    header, line = text.lstrip("\ufeff").splitlines()
    assert header == ("district_code,district,accidents,prev_accidents,change.accidents,"
                      "by_level.一般,by_level.较大,serious")  # fmt: skip
    assert line == '1,"\'=HYPERLINK(""x"")",2,0,新增,2,0,A1|A2'
