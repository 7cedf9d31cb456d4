"""Attainment: every figure below is worked out by hand from the small ledgers in each test."""

import datetime as dt
import json
import math
import re
from fractions import Fraction

import pytest
from click.testing import CliRunner
from conftest import write_rows

from safetystats.config import ConfigError
from safetystats.errors import StoreNotReadyError
from safetystats.ingest import ingest
from safetystats.metrics import attainment, hazard_figures, monthly_series
from safetystats.metrics.engine import gap_count, projection
from safetystats.metrics.targets import parse_targets
from safetystats.pipeline import refresh

D = dt.date
REGISTER = [
    ["统一社会信用代码", "企业名称", "所属区市", "行业领域", "从业人员数", "经营状态"],
    ["E1", "甲化工", "环翠区", "危险化学品", "50", "在营"],  # hazchem, high-risk by industry
    ["E2", "乙机械", "环翠区", "工贸", "20", "在营"],
    ["E3", "丙机械", "文登区", "工贸", "20", "停产"],  # not 在营: out of enterprise denominators
    [
        "E4",
        "丁建设",
        "371003",
        "建筑施工",
        "80",
        "",
    ],  # district by code; blank status = 在营; high-risk
]
DRILL_HEADER = [
    "演练编号",
    "统一社会信用代码",
    "所属区市",
    "演练日期",
    "演练类型",
    "是否四不演练",
    "参演人数",
]


def ledger(settings, **files):
    write_rows(settings.raw / "enterprises" / "register.csv", REGISTER)
    for name, rows in files.items():
        write_rows(settings.raw / name / f"{name}.csv", rows)
    assert all(r.status == "ingested" for r in ingest(None, settings))
    refresh(settings)


def row(frame, target, district):
    out = frame.filter((frame["target_id"] == target) & (frame["district"] == district)).to_dicts()
    assert len(out) == 1
    return out[0]


def unannounced_drills():
    rows = [
        DRILL_HEADER,
        ["D0", "E2", "环翠", "2023-12-31", "综合", "是", "10"],  # before the window
        ["D1", "E2", "环翠", "2024-01-01", "综合", "否", "10"],
    ]  # the window's first day
    rows += [
        [f"D{i}", "E2", "环翠", "2024-03-10", "专项", "是" if i == 2 else "否", "10"]
        for i in range(2, 11)
    ]
    rows += [
        [f"D{i}", "E2", "环翠", "2024-08-10", "专项", "是" if i <= 16 else "否", "10"]
        for i in range(11, 21)
    ]
    rows += [
        ["D21", "E2", "环翠", "2024-12-31", "专项", "是", "10"],  # the deadline itself
        ["D22", "E2", "环翠", "2025-01-01", "专项", "是", "10"],
    ]  # after the deadline
    return rows


@pytest.mark.slow  # ingest, GX and curation for real
def test_unannounced_share_on_track_through_the_projection(settings):
    ledger(settings, drills=unannounced_drills())
    a = attainment(settings, as_of=D(2024, 9, 30))
    r = row(a, "unannounced_drill_share", "环翠区")
    # E = 2024-09-30: D1..D20 count: unannounced D2 + D11..D16 = 7 of 20 -> 0.35 < 0.40
    assert (r["numerator"], r["denominator"], r["value"]) == (7, 20, 0.35)
    # DATA_SPEC 6.2: P = max(W, E - 90) = 2024-07-02: D1..D10, 1 unannounced (n_P = 1, d_P = 10).
    # D - E = 92 days, E - P = 90: n_D = 7 + 6 * 92/90 = 1182/90, d_D = 20 + 10 * 92/90 = 2720/90
    # projected = 1182/2720 = 591/1360 = 0.4346 >= 0.40 (the share itself is not extrapolated)
    assert r["projected"] == pytest.approx(591 / 1360)
    assert r["status"] == "on_track"
    # ceil((0.4 * 20 - 7) / 0.6) = ceil(1.67) = 2 more unannounced drills
    assert r["gap_count"] == 2
    assert row(a, "unannounced_drill_share", "文登区")["status"] == "no_data"
    assert row(a, "unannounced_drill_share", "全市")["numerator"] == 7


@pytest.mark.slow  # ingest, GX and curation for real
def test_unannounced_share_after_the_deadline_and_before_the_window(settings):
    ledger(settings, drills=unannounced_drills())
    r = row(attainment(settings, as_of=D(2025, 6, 30)), "unannounced_drill_share", "环翠区")
    # E = min(as-of, deadline) = 2024-12-31: D1..D21 (D22 is after), 8 of 21; E = D so projected = value
    assert (r["numerator"], r["denominator"]) == (8, 21)
    assert r["projected"] == r["value"] and r["status"] == "behind"
    assert r["gap_count"] == 1  # ceil((8.4 - 8) / 0.6) = 1
    # before the window W = 2024-01-01 the target has not started: not evaluated, not shown (6.3)
    early = attainment(settings, as_of=D(2023, 12, 31))
    assert "unannounced_drill_share" not in early["target_id"].to_list()
    # after its deadline it is final, with its value at D
    late = row(attainment(settings, as_of=D(2025, 6, 30)), "unannounced_drill_share", "环翠区")
    assert (late["phase"], late["eval_date"]) == ("final", D(2024, 12, 31))


@pytest.mark.slow  # ingest, GX and curation for real
def test_video_coverage(settings):
    ledger(
        settings,
        video_sites=[
            ["点位编号", "所属区市", "是否高后果区", "是否安装智能视频监控", "安装日期"],
            ["V1", "环翠区", "是", "是", "2024-03-01"],
            ["V2", "371002", "是", "是", ""],  # installed, no date: counts at any as-of date
            ["V3", "环翠", "是", "是", "2024-11-15"],  # installed after E
            ["V4", "环翠区", "是", "否", ""],
            ["V5", "环翠区", "否", "是", "2024-01-01"],  # not a high-consequence area
            ["V6", "文登区", "是", "是", "2024-01-01"],
        ],
    )
    a = attainment(settings, as_of=D(2024, 9, 30))
    r = row(a, "video_coverage", "环翠区")
    assert (r["numerator"], r["denominator"], r["value"], r["gap_count"], r["status"]) == (
        2,
        4,
        0.5,
        2,
        "behind",
    )
    assert row(a, "video_coverage", "文登区")["status"] == "met"
    assert (
        row(a, "video_coverage", "全市")["value"] == 0.6
    )  # 3 of 5, from rows, not an average of 0.5 and 1.0
    r = row(attainment(settings, as_of=D(2024, 12, 31)), "video_coverage", "环翠区")
    assert (r["numerator"], r["gap_count"]) == (3, 1)


@pytest.mark.slow  # ingest, GX and curation for real
def test_training_capped_counted_from_cycle_start_to_e_month(settings):
    ledger(
        settings,
        training_plan=[
            ["统一社会信用代码", "培训类别", "三年培训任务数", "周期开始"],
            ["E2", "全员", "10", ""],
            ["E2", "班组长", "5", ""],
            ["E1", "全员", "4", ""],
            ["E4", "全员", "1235", "2024-03-01"],
            ["E3", "全员", "0", ""],
        ],
        training_counts=[
            ["统一社会信用代码", "培训类别", "统计月份", "培训人数"],
            ["E2", "全员", "2023-12", "6"],  # before the cycle start
            ["E2", "全员", "2024-01", "6"],
            ["E2", "全员", "2024-05", "7"],  # 13, capped at 10
            ["E2", "全员", "2024-10", "3"],  # after E's month
            ["E2", "班组长", "2024-09", "2"],  # E's own month counts
            ["E1", "全员", "2024-04", "4"],
            ["E4", "全员", "2024-02", "100"],
        ],
    )  # before E4's cycle start (2024-03)
    a = attainment(settings, as_of=D(2024, 9, 30))
    hw = row(a, "training_completion", "环翠区")
    assert (hw["numerator"], hw["denominator"], hw["value"], hw["status"]) == (12, 15, 0.8, "met")
    wd = row(a, "training_completion", "文登区")
    # ceil(0.6 x 1235 - 0) = 741
    assert (wd["numerator"], wd["denominator"], wd["gap_count"], wd["status"]) == (
        0,
        1235,
        741,
        "behind",
    )
    total = row(a, "training_completion", "全市")
    assert (total["numerator"], total["denominator"], total["gap_count"]) == (12, 1250, 738)
    hazchem = row(a, "training_completion_hazchem", "环翠区")
    assert (hazchem["numerator"], hazchem["denominator"], hazchem["status"]) == (4, 4, "met")
    assert row(a, "training_completion_hazchem", "文登区")["status"] == "no_data"


@pytest.mark.slow  # ingest, GX and curation for real
def test_major_hazard_rectification_and_hazard_figures(settings):
    ledger(
        settings,
        hazards=[
            [
                "隐患编号",
                "统一社会信用代码",
                "隐患等级",
                "发现日期",
                "整改期限",
                "整改完成日期",
                "挂牌督办",
                "整改责任人",
                "整改措施",
                "整改资金",
                "应急预案",
            ],
            [
                "H1",
                "E1",
                "重大",
                "2022-12-31",
                "2023-03-01",
                "",
                "市级",
                "张",
                "措施",
                "1",
                "是",
            ],  # before the window
            ["H2", "E1", "重大", "2023-01-01", "2023-03-01", "2023-02-01", "", "", "", "", ""],
            [
                "H3",
                "E1",
                "重大",
                "2024-05-01",
                "2024-06-01",
                "2024-10-15",
                "省级",
                "李",
                "措施",
                "2",
                "否",
            ],
            ["H4", "E1", "重大隐患", "2024-09-30", "2024-12-01", "", "无", "王", "措施", "3", "是"],
            ["H5", "E1", "一般", "2024-01-01", "2024-02-01", "", "", "", "", "", ""],
            ["H6", "E1", "一般", "2024-01-01", "2024-02-01", "2024-01-11", "", "", "", "", ""],
        ],
    )
    a = attainment(settings, as_of=D(2024, 9, 30))
    r = row(a, "major_hazard_rectification", "环翠区")
    # found in [2023-01-01, 2024-09-30]: H2, H3, H4; rectified by E: H2 -> 1/3, 2 still open
    assert (r["numerator"], r["denominator"], r["gap_count"]) == (1, 3, 2)
    # P = E - 90 = 2024-07-02: H2, H3 found, H2 rectified: n_P = 1, d_P = 2. Counts' pace over
    # the 92 days to D: n_D = 1 + 0, d_D = 3 + 1 * 92/90 = 362/90 -> 90/362 = 45/181
    assert r["projected"] == pytest.approx(45 / 181)
    assert r["status"] == "behind"
    f = hazard_figures(settings, as_of=D(2024, 9, 30), district="环翠区").to_dicts()[0]
    assert (f["major_open"], f["major_overdue"]) == (3, 2)  # H1, H3, H4 open; H1, H3 past deadline
    assert f["open_supervised"] == 2  # H1 市级, H3 省级 (H4 无)
    assert f["five_complete_rate"] == pytest.approx(2 / 3)  # H1 and H4 complete; H3 has no plan
    assert f["on_time_rate"] == 1.0  # H2 and H6 rectified before their deadlines
    assert f["median_days_to_rectify"] == 20.5  # 31 and 10 days


@pytest.mark.slow  # ingest, GX and curation for real
def test_evacuation_coverage_excludes_non_operating_and_needs_two_for_high_risk(settings):
    ledger(
        settings,
        drills=[
            DRILL_HEADER,
            ["V1", "E1", "", "2024-03-01", "疏散逃生", "否", "10"],  # high-risk: 1 of 2
            ["V2", "E2", "", "2024-06-01", "逃生", "否", "10"],
            ["V3", "E4", "", "2024-02-01", "疏散", "否", "10"],
            ["V4", "E4", "", "2024-08-01", "疏散逃生演练", "否", "10"],
            ["V5", "E2", "", "2024-06-05", "综合", "否", "10"],  # not an evacuation drill
        ],
    )
    # 09-30 (the period rule, DATA_SPEC 6.1): a high-risk firm's first half has ended and is
    # judged, its second half is still running and not held against it: E1 (V1 in March)
    # meets. (Before the period rule: 1/2, gap 1, and 全市 2/3.)
    a = attainment(settings, as_of=D(2024, 9, 30))
    hw = row(a, "evacuation_drill_coverage", "环翠区")
    assert (hw["numerator"], hw["denominator"], hw["gap_count"]) == (2, 2, 0)
    wd = row(a, "evacuation_drill_coverage", "文登区")  # E3 停产 is out; E4 has its two
    assert (wd["numerator"], wd["denominator"], wd["status"]) == (1, 1, "met")
    total = row(a, "evacuation_drill_coverage", "全市")
    assert (total["numerator"], total["denominator"]) == (3, 3)
    # 12-31: every half has ended: E1 has nothing in the second half: 1 of 2, 1 firm short
    a = attainment(settings, as_of=D(2024, 12, 31))
    hw = row(a, "evacuation_drill_coverage", "环翠区")
    assert (hw["numerator"], hw["denominator"], hw["gap_count"]) == (1, 2, 1)
    total = row(a, "evacuation_drill_coverage", "全市")
    assert (total["numerator"], total["denominator"]) == (2, 3)


@pytest.mark.slow  # ingest, GX and curation for real
def test_quarantined_rows_never_reach_a_metric(settings):
    ledger(settings, drills=unannounced_drills())
    before = attainment(settings, as_of=D(2024, 9, 30))
    write_rows(
        settings.raw / "drills" / "zz_bad.csv",
        [
            DRILL_HEADER,
            ["X1", "E2", "环翠", "2024-05-01", "综合", "是", "-3"],  # negative participants: error
            ["X2", "E2", "火星区", "2024-05-01", "综合", "是", "3"],  # unknown district: error
            ["X3", "E2", "环翠", "2024-05-32", "综合", "是", "3"],  # not a date: error
        ],
    )
    ingest(None, settings)
    with pytest.raises(StoreNotReadyError, match="safetystats validate"):  # reads never validate
        attainment(settings, as_of=D(2024, 9, 30))
    refresh(settings)
    after = attainment(settings, as_of=D(2024, 9, 30))
    assert after.drop("as_of").equals(before.drop("as_of"))


@pytest.mark.slow  # ingest, GX and curation for real
def test_district_by_alias_or_code(settings):
    ledger(settings, drills=unannounced_drills())
    by_alias = attainment(settings, as_of=D(2024, 9, 30), district="环翠")
    by_code = attainment(settings, as_of=D(2024, 9, 30), district="371002")
    assert by_alias.equals(by_code)
    assert set(by_alias["district"]) == {"环翠区", "全市"}


@pytest.mark.slow  # ingest, GX and curation for real
def test_monthly_series(settings):
    ledger(settings, drills=unannounced_drills())
    s = monthly_series(settings, as_of=D(2024, 9, 30))
    hw = s.filter((s["target_id"] == "unannounced_drill_share") & (s["district"] == "环翠区"))
    assert hw["date"].to_list() == [
        D(2024, m, [31, 29, 31, 30, 31, 30, 31, 31, 30][m - 1]) for m in range(1, 10)
    ]
    values = dict(zip(hw["date"].to_list(), hw["value"].to_list(), strict=True))
    assert values[D(2024, 1, 31)] == 0.0  # D1 only
    assert values[D(2024, 3, 31)] == 0.1  # D1..D10, one unannounced
    assert values[D(2024, 9, 30)] == 0.35


@pytest.mark.slow  # ingest, GX and curation for real
def test_a_gap_where_float_arithmetic_is_off_by_one(settings):
    ledger(
        settings,
        drills=[DRILL_HEADER]
        + [[f"W{i}", "E4", "", f"2024-04-0{i}", "综合", "否", "5"] for i in (1, 2, 3)],
    )
    r = row(attainment(settings, as_of=D(2024, 9, 30)), "unannounced_drill_share", "文登区")
    # 3 drills, none unannounced: (0.4 x 3 - 0) / 0.6 = 2 exactly -> 2 more (2 of 5 = 40%)
    assert r["gap_count"] == 2
    assert math.ceil((0.4 * 3 - 0) / (1 - 0.4)) == 3  # what floats would have said


def test_gap_and_projection_are_exact():
    t = Fraction("0.6")
    assert gap_count("training_completion", t, 0, 1235) == 741
    assert gap_count("unannounced_drill_share", Fraction("0.4"), 7, 20) == 2
    assert gap_count("unannounced_drill_share", Fraction("0.4"), 9, 20) == 0
    assert gap_count("major_hazard_rectification", Fraction(1), 1, 3) == 2
    e, p, deadline = D(2024, 10, 2), D(2024, 7, 4), D(2024, 12, 31)  # E - P = 90, D - E = 90
    # n: 5 -> 10 (+5 per 90 days), d: 20 -> 20: n_D = 15, d_D = 20 -> 0.75
    assert projection((10, 20), (5, 20), e, p, deadline) == Fraction(3, 4)
    # n: 0 -> 10, d: 10 -> 10: n_D = 20 > d_D = 10 -> clipped to 1
    assert projection((10, 10), (0, 10), e, p, deadline) == 1
    # a share steady at 46% early in its year keeps projecting 46%, not 0% (the old defect)
    assert projection((46, 100), (23, 50), e, p, deadline) == Fraction(46, 100)
    assert projection((1, 2), (0, 0), deadline, p, deadline) == Fraction(1, 2)  # E = D: the value
    assert projection((1, 2), (1, 2), e, e, deadline) == Fraction(1, 2)  # E = P: the value
    assert projection((0, 0), (0, 0), e, p, deadline) is None  # no denominator: no_data
    # a count (open major hazards): 4 at P, 2 at E -> 0 at D; clipped at 0 further on
    assert projection((2, 0), (4, 0), e, p, deadline, is_count=True) == 0
    assert projection((2, 0), (8, 0), e, p, deadline, is_count=True) == 0


@pytest.mark.parametrize(
    "change,message",
    [
        ({"metric": "nope"}, "unknown metric"),
        ({"threshold": "40"}, "must be in (0, 1]"),
        ({"threshold": "0"}, "must be in (0, 1]"),
        ({"window_start": D(2025, 1, 1)}, "after the deadline"),
        ({"scope": {"size": "big"}}, "unknown scope key"),
        # the metrics of issue 20: every unknown or wrong parameter names the target
        ({"metric": "activity_frequency", "per": "week"}, "per 'week'"),
        ({"metric": "activity_frequency", "dataset": "drills"}, "unknown parameter 'dataset'"),
        ({"metric": "activity_frequency", "required": 0}, "required must be a whole number"),
        ({"metric": "activity_frequency", "kinds": [1]}, "kinds must be text"),
        ({"metric": "activity_frequency", "level": -1}, "level must be a whole number"),
        ({"metric": "event_quota", "quota": 2, "quotas": "a.csv"}, "quota = N or quotas"),
        ({"metric": "event_quota", "quota": 0.5}, "quota must be a whole number"),
        ({"metric": "event_quota", "quota": 1, "flags": ["nope"]}, "flag 'nope'"),
        ({"metric": "task_progress", "tasks": []}, "task_progress needs tasks"),
        ({"metric": "accident_count", "threshold": "0.5"}, "must be a whole number"),
        ({"metric": "accident_count", "measure": "loss"}, "measure 'loss'"),
        ({"metric": "training_pass_rate", "scope": {"source": "x"}}, "unknown scope key"),
    ],
)
def test_targets_are_checked_on_load(change, message):
    entry = {
        "id": "x",
        "metric": "video_coverage",
        "threshold": "1.0",
        "window_start": D(2024, 1, 1),
        "deadline": D(2024, 12, 31),
    } | change
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("]", r"\]")) as error:
        parse_targets({"targets": [entry]}, "targets.toml")
    assert str(error.value).startswith("targets.toml: target x:")


@pytest.mark.slow  # ingest, GX and curation for real
def test_cli_json_has_every_district_and_a_total_per_target(settings, tmp_path):
    from safetystats.cli import app
    from safetystats.sample import write_sample

    write_sample(settings.raw, settings, seed=5, scale_name="small")
    ingest(None, settings)
    config = tmp_path / "safetystats.toml"
    config.write_text(
        f'[paths]\nraw = "{settings.raw}"\ndb = "{settings.db}"\nreports = "{settings.reports}"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["--config", str(config), "attainment", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # stdout is the data; the validation summary went to stderr
    assert data["as_of"] == "2024-12-31"
    rows = data["rows"]
    assert len(rows) == 8 * (7 + 1)  # the 8 default targets (6.6) x (7 districts + the total)
    assert set(rows[0]) == {
        "scope",
        "district_code",
        "district",
        "level",
        "parent_code",
        "target_id",
        "metric",
        "phase",
        "value",
        "threshold",
        "numerator",
        "denominator",
        "status",
        "gap_count",
        "projected",
        "window_start",
        "deadline",
    }
    totals = [r for r in rows if r["scope"] == "total"]
    assert len(totals) == 8 and all(
        r["district"] == "全市" and r["district_code"] is None and r["level"] == 0 for r in totals
    )
    units = [r for r in rows if r["scope"] == "district"]
    assert all(r["level"] == 1 and r["parent_code"] is None for r in units)  # a flat registry
    assert {r["phase"] for r in rows} == {"in_force"}  # A = D = 2024-12-31: still in force
    for target in {r["target_id"] for r in rows}:  # the total is computed from rows, not averaged
        parts = [r for r in rows if r["target_id"] == target and r["scope"] == "district"]
        total = next(r for r in totals if r["target_id"] == target)
        assert total["numerator"] == sum(r["numerator"] for r in parts)
        assert total["denominator"] == (
            None
            if total["metric"] == "open_major_hazards"  # a count has no denominator
            else sum(r["denominator"] for r in parts)
        )
    statuses = {r["status"] for r in rows}
    assert {"met", "behind"} <= statuses
    bad = CliRunner().invoke(app, ["--config", str(config), "attainment", "--district", "火星区"])
    assert bad.exit_code == 2
    # the table: a count target's numerator alone (it printed "18/None"), a share's n/d
    table = CliRunner().invoke(app, ["--config", str(config), "attainment"]).stdout
    assert "None" not in table
    total = next(r for r in totals if r["metric"] == "open_major_hazards")
    assert re.search(rf"│\s*{total['numerator']}\s*│", table)


@pytest.mark.slow  # ingest, GX and curation for real
def test_a_broken_targets_file_is_exit_code_2_with_a_message(settings, tmp_path):
    import subprocess
    import sys

    from ledgers import write_clean

    write_clean(settings.raw)
    ingest(None, settings)
    targets = tmp_path / "targets.toml"
    targets.write_text(
        '[[targets]]\nid = "x"\nmetric = "video_coverage"\nthreshold = "40"\n'
        "window_start = 2024-01-01\ndeadline = 2024-12-31\n",
        encoding="utf-8",
    )
    config = tmp_path / "safetystats.toml"
    config.write_text(
        f'[paths]\nraw = "{settings.raw}"\ndb = "{settings.db}"\nreports = "{settings.reports}"\n'
        f'[registry]\ntargets = "{targets}"\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "safetystats.cli", "--config", str(config), "attainment"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "threshold 40 must be in (0, 1]" in done.stderr
