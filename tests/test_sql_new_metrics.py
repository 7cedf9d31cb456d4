"""The metrics of DATA_SPEC 6.1 added with issue 20 (activity_frequency, event_quota,
task_progress, accident_count, training_pass_rate), the period rule of activity_frequency, and
every metric's gap where t × s is fractional — each on a few rows in an in-memory store
(tests/sqlkit.py), with the expected figures worked out by hand in the comments.

The default registry (config/districts.csv) has one level of seven units: the metrics whose
subjects are units (activity_frequency, event_quota) count all seven.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import polars as pl
import pytest
from sqlkit import SETTINGS, D, build, counts, target

from safetystats.errors import ConfigError
from safetystats.metrics import engine
from safetystats.metrics.targets import metric_definitions, parse_targets
from safetystats.paths import PACKAGED_CONFIG
from safetystats.registry import DistrictRegistry

DAYS = SETTINGS.thresholds["projection_days"]  # 90: a projection's pace starts E − 90 days

HC, WD, RC = "371002", "371003", "371082"  # 环翠区, 文登区, 荣成市
W, E, AFTER_E, YEAR_END = "2024-01-01", "2024-06-30", "2024-07-01", "2024-12-31"
UNITS = 7  # the units of the default registry

store = build  # tasks (2.12), activities (2.13) and inspections' enforcement columns (2.10)


ENTERPRISES = [
    dict(enterprise_id="E1", enterprise_name="甲化工", district_code=HC, industry="危险化学品"),
    dict(enterprise_id="E2", enterprise_name="乙工贸", district_code=HC, industry="工贸"),
    dict(enterprise_id="E3", enterprise_name="丙建筑", district_code=WD, industry="建筑施工"),
    dict(enterprise_id="E6", enterprise_name="己矿", district_code=RC, industry="矿山"),
]


# ---------------------------------------------------------------------------------------------
# activity_frequency: committee meetings every quarter (青岛 Q02: 每季度至少召开1次会议)
# ---------------------------------------------------------------------------------------------


def activity(activity_id, code, day, kind="会议", organiser="安委会", principal_led=None):
    return dict(activity_id=activity_id, district_code=code, activity_date=day, kind=kind,
                organiser=organiser, principal_led=principal_led)  # fmt: skip


ACTIVITIES = [
    # 环翠: Q1 on its last day, Q2 on its first day (another organiser, principal_led blank), Q3
    activity("A1", HC, "2024-03-31", principal_led=True),
    activity("A2", HC, "2024-04-01", organiser="危化品专委会"),
    activity("A3", HC, "2024-07-15", principal_led=False),
    # 文登: Q1; in Q2 only a 联合检查 (another kind); Q3 on its last day
    activity("A4", WD, "2024-02-10"),
    activity("A5", WD, "2024-05-05", kind="联合检查"),
    activity("A6", WD, "2024-09-30"),
    # 荣成: only on Q4's first day
    activity("A7", RC, "2024-10-01"),
]
MEETINGS = dict(kinds=["会议"], per="quarter", required=1)


@pytest.fixture(scope="module")
def activities_store():
    con = store(activities=ACTIVITIES)
    yield con
    con.close()


def activity_counts(con, dates, **values):
    frame = engine.metric_counts(
        con,
        target("activity_frequency", W, deadline=YEAR_END, **(MEETINGS | values)),
        [D(d) for d in dates],
        SETTINGS,
    )
    return {
        (r["eval_date"].isoformat(), None if r["is_total"] else r["district_code"]): (
            r["numerator"], r["denominator"], r["period_numerator"], r["period_denominator"]
        )
        for r in frame.iter_rows(named=True)
    }  # fmt: skip


def test_activity_frequency_period_rule_at_quarter_boundaries(activities_store):
    dates = ["2024-03-30", "2024-03-31", "2024-04-01", E, "2024-09-30", "2024-10-01"]
    got = activity_counts(activities_store, dates)
    totals = {day: got[(day, None)] for day in dates}
    # (meeting, units, running period already held, units with a running period)
    assert totals == {
        # 03-30: no quarter has ended: the running Q1 must already hold a meeting: 文登 (A4)
        # only; 环翠's A1 is the next day. Q1 is judged, so no 本期已完成 figure beside it
        "2024-03-30": (1, UNITS, 0, 0),
        # 03-31: Q1 ends and is judged: 环翠 (A1), 文登 (A4); nothing runs any more
        "2024-03-31": (2, UNITS, 0, 0),
        # 04-01: Q1 judged; Q2 runs (not held against anyone); 环翠's A2 already holds it
        "2024-04-01": (2, UNITS, 1, UNITS),
        # 06-30: Q1, Q2 judged: 环翠 (A1, A2) meets; 文登's Q2 has only a 联合检查
        E: (1, UNITS, 0, 0),
        # 09-30: Q3 ends: 环翠 (A3); 文登 already failed Q2
        "2024-09-30": (1, UNITS, 0, 0),
        # 10-01: Q1-Q3 judged, Q4 runs: 荣成's A7 on its first day holds it
        "2024-10-01": (1, UNITS, 1, UNITS),
    }
    assert got[("2024-10-01", HC)] == (1, 1, 0, 1)
    assert got[("2024-10-01", RC)] == (0, 1, 1, 1)


def test_activity_frequency_organisers_and_principal_led(activities_store):
    # organisers 安委会 only: 环翠's Q2 meeting (A2) was the 专委会's -> nobody meets at 06-30
    got = activity_counts(activities_store, [E], organisers=["安委会"])
    assert got[(E, None)][:2] == (0, UNITS)
    # principal-led only, at 03-31: 环翠's A1 (true) meets Q1; 文登's A4 leaves it blank
    frame = engine.metric_counts(
        activities_store,
        target("activity_frequency", W, deadline=YEAR_END, principal_led_only=True, **MEETINGS),
        [D("2024-03-31")],
        SETTINGS,
    )
    rows = {r["district_code"]: r for r in frame.iter_rows(named=True) if not r["is_total"]}
    assert (rows[HC]["numerator"], rows[HC]["considered"], rows[HC]["filled"]) == (1, 1, 1)
    # 文登: one meeting considered, its principal_led blank: missing, not false
    assert (rows[WD]["numerator"], rows[WD]["considered"], rows[WD]["filled"]) == (0, 1, 0)


def test_activity_frequency_missing_flag_is_no_data_and_left_out_of_the_total(activities_store):
    tgt = target("activity_frequency", W, deadline=YEAR_END, principal_led_only=True, **MEETINGS)
    day = D("2024-03-31")
    counts_ = engine.target_counts(activities_store, tgt, [day], SETTINGS)
    where = {p.code: p for p in engine.places(SETTINGS, None)}
    # 文登 is unknown (its only meeting leaves 主要负责人参加 blank): no figure at all
    assert counts_.at(day, where[WD]) is None
    # the total: 7 units less 文登 = 6, of which 环翠 meets: 1/6 (with 文登 as a failure: 1/7)
    assert counts_.at(day, where[None]) == (1, 6)
    row = engine._rows_for(tgt, day, counts_, where[WD], "zh", DAYS)
    assert (row["status"], row["value"], row["numerator"], row["denominator"]) == (
        "no_data", None, None, None
    )  # fmt: skip
    assert row["reason"] == "台账未填写主要负责人是否参加"


# ---------------------------------------------------------------------------------------------
# event_quota: the annual enforcement plan (高安 G12) and one off-site case (威海 W42)
# ---------------------------------------------------------------------------------------------


def inspection(inspection_id, enterprise_id, day, kind="执法检查", **flags):
    return dict(inspection_id=inspection_id, enterprise_id=enterprise_id, inspection_date=day,
                kind=kind, **flags)  # fmt: skip


INSPECTIONS = [
    # 环翠: four 执法检查 (one on E, one the day after), one off-site
    inspection("I1", "E1", "2024-01-05", off_site=True),
    inspection("I2", "E2", "2024-03-01", off_site=False),
    inspection("I3", "E1", E, off_site=False),
    inspection("I4", "E2", AFTER_E, off_site=False),
    # 文登: one 执法检查 and a principal-led check; off_site left blank on both
    inspection("I5", "E3", "2024-02-01"),
    inspection("I6", "E3", "2024-03-01", kind="负责人带队检查"),
    # 荣成: five 执法检查, none off-site
    *[inspection(f"I{i}", "E6", f"2024-0{i - 5}-10", off_site=False) for i in range(7, 12)],
]


@pytest.fixture(scope="module")
def quota_store():
    con = store(enterprises=ENTERPRISES, inspections=INSPECTIONS)
    yield con
    con.close()


def quota_target(tmp_path, quotas: str | None = None, **values):
    """An event_quota target made from a targets file in tmp_path (quotas CSV beside it)."""
    entry = {"id": "plan", "metric": "event_quota", "threshold": "0.9", "window_start": D(W),
             "deadline": D(YEAR_END), "dataset": "inspections"} | values  # fmt: skip
    if quotas is not None:
        (tmp_path / "quotas.csv").write_text(quotas, encoding="utf-8")
        entry["quotas"] = "quotas.csv"
    (parsed,) = parse_targets({"targets": [entry]}, str(tmp_path / "targets.toml"))
    return parsed


def test_event_quota_from_a_quotas_file(quota_store, tmp_path):
    # 环翠 3, 文登 2 (spelled as its alias); 荣成 is not in the file: left out
    tgt = quota_target(tmp_path, "unit,quota\n环翠区,3\n文登,2\n", types=["执法检查"])
    frame = engine.metric_counts(quota_store, tgt, [D(E), D(YEAR_END)], SETTINGS)
    got = {(r["eval_date"].isoformat(), r["district_code"]): (r["numerator"], r["denominator"])
           for r in frame.iter_rows(named=True) if r["denominator"] or r["is_total"]}  # fmt: skip
    assert got == {
        # E: 环翠 I1, I2, I3 (on E) = 3 of 3; 文登 I5 = 1 of 2 (I6 is another kind): 4/5
        (E, HC): (3, 3),
        (E, WD): (1, 2),
        (E, None): (4, 5),
        # 12-31: 环翠's fourth (I4) is over-delivery, capped at 3: still 4/5
        (YEAR_END, HC): (3, 3),
        (YEAR_END, WD): (1, 2),
        (YEAR_END, None): (4, 5),
    }
    # t = 0.9 of 5 = 4.5: still ⌈4.5 − 4⌉ = 1 inspection (a floor would say 0)
    assert engine.gap_count("event_quota", tgt.threshold, 4, 5) == 1


def test_event_quota_flag_blank_is_no_data(quota_store, tmp_path):
    # one off-site case per unit (quota = 1 for each of the 7 units)
    tgt = quota_target(tmp_path, quota=1, flags=["off_site"])
    day = D(E)
    counts_ = engine.target_counts(quota_store, tgt, [day], SETTINGS)
    where = {p.code: p for p in engine.places(SETTINGS, None)}
    # 环翠: I1 off-site: 1/1; 荣成: five, none off-site: 0/1 (a real no)
    assert counts_.at(day, where[HC]) == (1, 1)
    assert counts_.at(day, where[RC]) == (0, 1)
    # 文登: two inspections looked at, both leave 非现场执法 blank: no_data, left out of the total
    assert counts_.at(day, where[WD]) is None
    assert counts_.at(day, where[None]) == (1, 6)  # 7 quotas less 文登's
    assert tgt.missing_reason("zh") == "台账未填写是否非现场执法"


@pytest.mark.parametrize(
    "values, message",
    [
        ({}, "quota = N or quotas"),
        ({"quota": 1, "flags": ["evaluated"]}, "flag 'evaluated' for dataset inspections"),
        ({"quota": 1, "dataset": "hazards"}, "dataset 'hazards'"),
        ({"quota": 1, "kinds": ["会议"]}, "unknown parameter 'kinds'"),
    ],
)
def test_event_quota_configuration_errors_name_the_target(tmp_path, values, message):
    with pytest.raises(ConfigError, match="target plan") as error:
        quota_target(tmp_path, **values)
    assert message in str(error.value)


def test_event_quota_unknown_unit_in_the_quotas_file(quota_store, tmp_path):
    tgt = quota_target(tmp_path, "unit,quota\n不存在区,3\n")
    with pytest.raises(ConfigError, match="target plan: quotas: '不存在区'"):
        engine.metric_counts(quota_store, tgt, [D(E)], SETTINGS)


def test_event_quota_units_inside_each_other_and_an_unknown_level(quota_store, tmp_path):
    settings = dataclasses.replace(
        SETTINGS, districts=PACKAGED_CONFIG / "registries" / "street.csv"
    )
    tgt = quota_target(tmp_path, "unit,quota\n公园街道,3\n解放社区,1\n")
    with pytest.raises(ConfigError, match="target plan: quotas: 解放社区 lies inside 公园街道"):
        engine.target_units(settings, tgt)
    tgt = quota_target(tmp_path, quota=1, level=3)
    with pytest.raises(ConfigError, match="target plan: level 3: the registry has levels 1"):
        engine.metric_counts(quota_store, tgt, [D(E)], SETTINGS)


def test_event_quota_missing_quotas_file(tmp_path):
    with pytest.raises(ConfigError, match="quotas file .* cannot be read"):
        parse_targets(
            {"targets": [{"id": "plan", "metric": "event_quota", "threshold": "0.9",
                          "window_start": D(W), "deadline": D(YEAR_END),
                          "quotas": "nowhere.csv"}]},
            str(tmp_path / "targets.toml"),
        )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# task_progress: 15 座 reservoirs (威海 W28) and the like
# ---------------------------------------------------------------------------------------------


def report_row(task_id, code, day, planned, done, task="小型病险水库除险加固", measure="座"):
    return dict(task_id=task_id, task=task, district_code=code, report_date=day,
                planned=planned, done=done, measure=measure)  # fmt: skip


TASKS = [
    # 环翠 T1 (10 座): 4 by 03-31, 7 reported on E, 12 the day after (over-delivery)
    report_row("T1", HC, "2024-03-31", 10, 4),
    report_row("T1", HC, E, 10, 7),
    report_row("T1", HC, AFTER_E, 10, 12),
    # 文登 T2 (5 座): 6 done on 05-01: over-delivery, capped at 5
    report_row("T2", WD, "2024-05-01", 5, 6),
    # 荣成: another task, and T4 (7 座) first reported after E
    report_row("T3", RC, "2024-05-01", 14, 3, task="农村公路危桥改造"),
    report_row("T4", RC, "2024-07-02", 7, 0),
    # 乳山: 71 公里 of village roads, 35.5 done
    report_row("T5", "371083", "2024-04-01", 71, 35.5, task="重要村道安保工程", measure="公里"),
]


@pytest.fixture(scope="module")
def tasks_store():
    con = store(tasks=TASKS)
    yield con
    con.close()


def test_task_progress_latest_report_by_e_capped(tasks_store):
    dates = [E, AFTER_E, YEAR_END]
    got = counts(tasks_store, "task_progress", W, dates, tasks=["小型病险水库除险加固"])
    assert got == {
        # E: T1's report dated E (7) counts, its E + 1 report (12) not yet; T2 6 -> 5; T4 has
        # no report by E: 7 + 5 = 12 of 10 + 5 = 15
        (E, HC): (7, 10), (E, WD): (5, 5), (E, None): (12, 15),
        # E + 1: T1's 12 is capped at 10: 15/15
        (AFTER_E, HC): (10, 10), (AFTER_E, WD): (5, 5), (AFTER_E, None): (15, 15),
        # 12-31: T4 (荣成, 0 of 7) is reported: 15/22
        (YEAR_END, HC): (10, 10), (YEAR_END, WD): (5, 5), (YEAR_END, RC): (0, 7),
        (YEAR_END, None): (15, 22),
    }  # fmt: skip


def test_task_progress_fractional_quantities_and_gap(tasks_store):
    # 35.5 of 71 公里: exactly one half; t = 0.6: ⌈0.6 × 71 − 35.5⌉ = ⌈42.6 − 35.5⌉ = ⌈7.1⌉ = 8
    tgt = target("task_progress", W, tasks=["重要村道安保工程"])
    counts_ = engine.target_counts(tasks_store, tgt, [D(E)], SETTINGS)
    total = engine.total_place(SETTINGS, "zh")
    n, d = counts_.at(D(E), total)
    assert (n, d) == (Fraction(71, 2), 71)
    row = engine._rows_for(tgt, D(E), counts_, total, "zh", DAYS)
    assert (row["value"], row["numerator"], row["denominator"]) == (
        0.5,
        35,
        71,
    )  # shown rounded down
    assert engine.gap_count("task_progress", Fraction(3, 5), n, d) == 8
    # 荣成's T4 at 12-31: 0 of 7 at t = 0.6: ⌈4.2⌉ = 5 still needed
    assert engine.gap_count("task_progress", Fraction(3, 5), 0, 7) == 5


def test_task_progress_needs_tasks():
    with pytest.raises(ConfigError, match="target t: task_progress needs tasks"):
        target("task_progress", W)


# ---------------------------------------------------------------------------------------------
# accident_count: accidents and deaths of the unit in [W, E] (青岛 G14, 高安 G11)
# ---------------------------------------------------------------------------------------------


def accident(accident_id, enterprise_id, day, level="一般", deaths=0):
    return dict(accident_id=accident_id, enterprise_id=enterprise_id, accident_date=day,
                level=level, deaths=deaths)  # fmt: skip


ACCIDENTS = [
    accident("C1", "E1", "2024-01-10", deaths=1),
    accident("C2", "E2", E, level="较大", deaths=3),  # on E: counts
    accident("C3", "E2", AFTER_E),  # the day after E: not yet
    accident("C4", "E3", "2023-12-31", deaths=2),  # before W
    accident("C5", "E6", "2024-03-01", deaths=None),  # deaths blank: 0 deaths, 1 accident
]


@pytest.fixture(scope="module")
def accidents_store():
    con = store(enterprises=ENTERPRISES, accidents=ACCIDENTS)
    yield con
    con.close()


def test_accident_count_accidents_and_deaths(accidents_store):
    got = counts(accidents_store, "accident_count", W, [E], measure="accidents")
    # 环翠 C1, C2; 荣成 C5; 文登's C4 is before W
    assert got == {(E, HC): (2, 0), (E, RC): (1, 0), (E, None): (3, 0)}
    got = counts(accidents_store, "accident_count", W, [E], measure="deaths")
    assert got == {(E, HC): (4, 0), (E, RC): (0, 0), (E, None): (4, 0)}  # 1 + 3; C5 blank
    got = counts(accidents_store, "accident_count", W, [E], levels=["较大", "重大", "特别重大"])
    assert got == {(E, HC): (1, 0), (E, None): (1, 0)}


def test_accident_count_status_and_no_ledger(accidents_store):
    tgt = target("accident_count", W, measure="accidents")  # threshold 0: none at all
    where = {p.code: p for p in engine.places(SETTINGS, None)}
    counts_ = engine.target_counts(accidents_store, tgt, [D(E)], SETTINGS)
    row = engine._rows_for(tgt, D(E), counts_, where[WD], "zh", DAYS)
    assert (row["status"], row["numerator"], row["gap_count"]) == ("met", 0, 0)  # a real zero
    row = engine._rows_for(tgt, D(E), counts_, where[HC], "zh", DAYS)
    assert (row["status"], row["numerator"], row["gap_count"]) == ("behind", 2, 2)
    # no accident ledger in the store at all: unknown everywhere, never 0
    empty = build()
    counts_ = engine.target_counts(empty, tgt, [D(E)], SETTINGS)
    row = engine._rows_for(tgt, D(E), counts_, where[WD], "zh", DAYS)
    assert (row["status"], row["numerator"], row["reason"]) == ("no_data", None, "未导入事故台账")
    # a loaded accident ledger with no rows: "none reported", 0, met
    empty.execute(
        "INSERT INTO ingest_files (file_id, path, file_name, sha256, dataset, ingested_at, "
        "ingested_on) VALUES (1, 'a.xlsx', 'a.xlsx', 'x', 'accidents', now(), today())"
    )
    counts_ = engine.target_counts(empty, tgt, [D(E)], SETTINGS)
    row = engine._rows_for(tgt, D(E), counts_, where[WD], "zh", DAYS)
    assert (row["status"], row["numerator"]) == ("met", 0)


def test_accident_count_measure_is_checked():
    with pytest.raises(ConfigError, match="target t: measure 'injuries'"):
        target("accident_count", W, measure="injuries")


# ---------------------------------------------------------------------------------------------
# training_pass_rate: 考核合格率 (威海 W35)
# ---------------------------------------------------------------------------------------------


def trained(enterprise_id, month, n, passed, category="全员"):
    return dict(enterprise_id=enterprise_id, category=category, month=month, trained=n,
                passed=passed)  # fmt: skip


TRAINING_COUNTS = [
    trained("E2", "2024-01-01", 10, 8),
    trained("E2", "2024-06-01", 5, None),  # E's month, passed blank: out of both counts
    trained("E1", "2024-03-01", 7, 4, category="主要负责人"),
    trained("E3", "2023-12-01", 9, 9),  # before W's month
    trained("E3", "2024-07-01", 3, 3),  # after E's month
    trained("E6", "2024-02-01", 4, None),  # 荣成: its only row leaves passed blank
]


@pytest.fixture(scope="module")
def pass_store():
    con = store(enterprises=ENTERPRISES, training_counts=TRAINING_COUNTS)
    yield con
    con.close()


def test_training_pass_rate(pass_store):
    got = counts(pass_store, "training_pass_rate", W, [E, YEAR_END])
    assert got == {
        # E: 环翠 8 + 4 passed of 10 + 7 trained (E2's June row has no passed); 荣成 0 of 0
        (E, HC): (12, 17), (E, RC): (0, 0), (E, None): (12, 17),
        # 12-31: 文登's July row (3 of 3) joins
        (YEAR_END, HC): (12, 17), (YEAR_END, WD): (3, 3), (YEAR_END, RC): (0, 0),
        (YEAR_END, None): (15, 20),
    }  # fmt: skip
    got = counts(pass_store, "training_pass_rate", W, [E], category=["主要负责人"])
    assert got == {(E, HC): (4, 7), (E, None): (4, 7)}
    # t = 0.9 of 17: ⌈15.3 − 12⌉ = ⌈3.3⌉ = 4 more persons must pass
    assert engine.gap_count("training_pass_rate", Fraction(9, 10), 12, 17) == 4


def test_training_pass_rate_blank_passed_is_no_data(pass_store):
    tgt = target("training_pass_rate", W)
    counts_ = engine.target_counts(pass_store, tgt, [D(E)], SETTINGS)
    where = {p.code: p for p in engine.places(SETTINGS, None)}
    assert counts_.at(D(E), where[RC]) is None  # one row, passed blank
    assert counts_.at(D(E), where[HC]) == (12, 17)  # E2's blank June row is left out only
    assert counts_.at(D(E), where[None]) == (12, 17)
    row = engine._rows_for(tgt, D(E), counts_, where[RC], "zh", DAYS)
    assert (row["status"], row["reason"]) == ("no_data", "台账未填写考核合格人数")


# ---------------------------------------------------------------------------------------------
# Every metric's gap where t × s is fractional: a ceil → floor slip in engine.gap_count fails
# ---------------------------------------------------------------------------------------------

# metric -> (threshold, numerator, denominator, gap worked by hand)
FRACTIONAL_GAPS = {
    # (t·n − u)/(1 − t) = (0.4 × 7 − 0)/0.6 = 2.8/0.6 = 4.67 → 5 more unannounced drills
    "unannounced_drill_share": ("0.4", 0, 7, 5),
    # ⌈t·s − c⌉ = ⌈0.6 × 7 − 0⌉ = ⌈4.2⌉ = 5
    "video_coverage": ("0.6", 0, 7, 5),
    "roster_coverage": ("0.6", 0, 7, 5),
    "training_completion": ("0.6", 0, 7, 5),
    "major_hazard_closure": ("0.6", 0, 7, 5),
    "five_point_completeness": ("0.6", 0, 7, 5),
    "supervision_coverage": ("0.6", 0, 7, 5),
    "event_frequency": ("0.6", 0, 7, 5),
    "activity_frequency": ("0.6", 0, 7, 5),
    "event_quota": ("0.6", 0, 7, 5),
    "task_progress": ("0.6", 0, 7, 5),
    "training_pass_rate": ("0.6", 0, 7, 5),
    # ⌈0.9 × 5 − 2⌉ = ⌈2.5⌉ = 3 (t = 1 in the default; any t works the same)
    "major_hazard_rectification": ("0.9", 2, 5, 3),
    # counts: t is a whole number, count − t is whole: 5 open, t = 2 → 3 over
    "open_major_hazards": ("2", 5, 0, 3),
    "accident_count": ("2", 5, 0, 3),
}


def test_every_metric_has_a_fractional_gap_case():
    assert sorted(FRACTIONAL_GAPS) == sorted(metric_definitions())


@pytest.mark.parametrize("metric", sorted(FRACTIONAL_GAPS))
def test_gap_is_the_ceiling_of_the_exact_shortfall(metric):
    t, n, d, expected = FRACTIONAL_GAPS[metric]
    assert engine.gap_count(metric, Fraction(t), n, d) == expected


# metric -> (its store, the target's parameters, the columns beside numerator and denominator)
STORES = {
    "activity_frequency": ("activities_store", MEETINGS,
                           ["period_numerator", "period_denominator", "considered", "filled"]),
    "event_quota": ("quota_store", {"quota": 1}, ["considered", "filled"]),
    "task_progress": ("tasks_store", {"tasks": ["小型病险水库除险加固"]}, []),
    "accident_count": ("accidents_store", {}, ["has_ledger"]),
    "training_pass_rate": ("pass_store", {}, ["considered", "filled"]),
}  # fmt: skip


@pytest.mark.parametrize("metric", sorted(STORES))
def test_metric_query_columns_and_total_is_the_sum(request, metric):
    fixture, values, extra = STORES[metric]
    con = request.getfixturevalue(fixture)
    tgt = target(metric, W, deadline=YEAR_END, **values)
    dates = [D("2024-03-31"), D(E), D(YEAR_END)]
    with engine.target_inputs(con, tgt, SETTINGS):
        frame = engine.query(con, "metrics/" + metric_definitions()[metric]["sql"], SETTINGS,
                             eval_dates=dates, **tgt.sql_values())  # fmt: skip
    base = ["eval_date", "district_code", "is_total", "numerator", "denominator"]
    assert frame.columns == base + extra
    for day in dates:
        rows = frame.filter(frame["eval_date"] == day)
        units = rows.filter(~rows["is_total"])
        (total,) = rows.filter(rows["is_total"]).iter_rows(named=True)
        assert total["numerator"] == units["numerator"].sum(), (metric, day)
        assert total["denominator"] == units["denominator"].sum(), (metric, day)


# ---------------------------------------------------------------------------------------------
# Missing, not false, decided per unit of the level below the top and left out above it
# ---------------------------------------------------------------------------------------------


def test_unknown_units_are_left_out_of_every_figure_above_them():
    """Counts over the Shandong registry (cities, then counties): the deciding level is 2."""
    registry = DistrictRegistry.from_csv(PACKAGED_CONFIG / "registries" / "shandong.csv")
    jinan, lixia, shizhong = "3701", "370102", "370103"
    day = D(E)
    frame = pl.DataFrame(
        [
            # 历下: 3 of 4 meet, 5 records looked at, none with the flag filled: unknown
            (day, lixia, False, 3, 4, 5, 0),
            # 市中: 1 of 2, 2 records, 1 filled: known
            (day, shizhong, False, 1, 2, 2, 1),
            # the total as SQL gives it: every row
            (day, None, True, 4, 6, 7, 1),
        ],
        schema=["eval_date", "district_code", "is_total", "numerator", "denominator",
                "considered", "filled"],
        orient="row",
    )  # fmt: skip
    counts_ = engine.Counts(frame, registry, level=2)
    place = {u.code: engine.Place("district", u.code, u.name, u.level, u.parent,
                                  frozenset([u.code, *(d.code for d in registry.descendants(u.code))]))
             for u in registry.districts}  # fmt: skip
    total = engine.Place("total", None, "全省", 0, None, None)
    assert counts_.at(day, place[lixia]) is None
    assert counts_.at(day, place[shizhong]) == (1, 2)
    # 济南 (level 1, above the deciding level): 历下 left out: 1/2, not 4/6 (nor 1/6)
    assert counts_.at(day, place[jinan]) == (1, 2)
    assert counts_.at(day, total) == (1, 2)  # 4/6 less 历下's 3/4
    # deciding at level 1: 济南's subtree has 7 records, 1 filled: known, and 历下 (level 2,
    # below it) is still unknown by its own records but counted in 济南's figures
    counts_ = engine.Counts(frame, registry, level=1)
    assert counts_.at(day, place[lixia]) is None
    assert counts_.at(day, place[jinan]) == (4, 6)
    assert counts_.at(day, total) == (4, 6)


# ---------------------------------------------------------------------------------------------
# event_frequency: the running period beside the target, and a blank 是否评估
# ---------------------------------------------------------------------------------------------

PRINCIPAL_CHECKS = [
    inspection("P1", "E2", "2024-02-10", kind="负责人带队检查"),  # 环翠 E2: Q1, Q2, Q3's last day
    inspection("P2", "E2", "2024-05-10", kind="负责人带队检查"),
    inspection("P3", "E2", "2024-09-30", kind="负责人带队检查"),
    inspection("P4", "E6", "2024-03-01", kind="负责人带队检查"),  # 荣成 E6: Q1, Q2, Q4's first day
    inspection("P5", "E6", "2024-06-01", kind="负责人带队检查"),
    inspection("P6", "E6", "2024-10-01", kind="负责人带队检查"),
]
QUARTERLY = dict(dataset="inspections", types=["负责人带队检查"], per="quarter")
# not high-risk: E2 (工贸), E6 (矿山, given false); E1 and E3 are high-risk: left out by scope
QUARTERLY_SCOPE = dict(high_risk=[False])


def drill(drill_id, enterprise_id, day, evaluated):
    return dict(drill_id=drill_id, enterprise_id=enterprise_id, drill_date=day,
                drill_type="现场处置方案", evaluated=evaluated)  # fmt: skip


EVALUATED = [
    drill("F1", "E2", "2024-03-01", True),  # 环翠: evaluated in the first half
    drill("F2", "E3", "2024-03-01", None),  # 文登: its only drills leave 是否评估 blank
    drill("F3", "E3", "2024-05-01", None),
    drill("F4", "E6", "2024-04-01", False),  # 荣成: evaluated false: a real no
]
ENTERPRISES_NOT_HIGH_RISK = [
    e | {"high_risk": False} if e["enterprise_id"] == "E6" else e for e in ENTERPRISES
]


@pytest.fixture(scope="module")
def frequency_store():
    con = store(enterprises=ENTERPRISES_NOT_HIGH_RISK, inspections=PRINCIPAL_CHECKS,
                drills=EVALUATED)  # fmt: skip
    yield con
    con.close()


def test_event_frequency_running_period_beside_the_target(frequency_store):
    tgt = target("event_frequency", W, deadline=YEAR_END, **QUARTERLY, **QUARTERLY_SCOPE)
    days = [D("2024-09-29"), D("2024-09-30"), D("2024-10-01")]
    counts_ = engine.target_counts(frequency_store, tgt, days, SETTINGS)
    total = engine.total_place(SETTINGS, "zh")
    # (meeting / firms, 本期已完成 x / y)
    got = {d.isoformat(): (counts_.at(d, total), counts_.period_at(d, total)) for d in days}
    assert got == {
        # 09-29: Q1, Q2 judged: both meet; Q3 runs: neither has its check yet (P3 is on 09-30)
        "2024-09-29": ((2, 2), (0, 2)),
        # 09-30: Q3 ends and is judged: E2 (P3) meets, E6 not; nothing runs
        "2024-09-30": ((1, 2), (0, 0)),
        # 10-01: Q1-Q3 judged (E2 meets); Q4 runs: E6's P6 on its first day already holds it
        "2024-10-01": ((1, 2), (1, 2)),
    }
    row = engine._rows_for(tgt, D("2024-09-30"), counts_, total, "zh", DAYS)
    assert (row["period_numerator"], row["period_denominator"]) == (None, None)
    # at 10-01 with its projection date P = 10-01 − 90 days = 07-03 (periods overlapping
    # [W, P]: Q1, Q2 judged, Q3 running: 2 of 2 meet), as attainment computes it
    e, p = D("2024-10-01"), D("2024-07-03")
    assert engine.projection_date(tgt, e, DAYS) == p
    counts_ = engine.target_counts(frequency_store, tgt, [e, p], SETTINGS)
    assert counts_.at(p, total) == (2, 2)
    row = engine._rows_for(tgt, e, counts_, total, "zh", DAYS)
    assert (row["value"], row["period_numerator"], row["period_denominator"]) == (0.5, 1, 2)
    # numerator at D: 1 + (1 − 2)·91/90 = −1/90 → the share clips at 0: the pace of the
    # counts (one firm lost in 90 days) says behind
    assert (row["projected"], row["status"]) == (0.0, "behind")


def test_event_frequency_blank_evaluated_is_no_data_for_the_unit(frequency_store):
    tgt = target("event_frequency", W, deadline=YEAR_END, dataset="drills",
                 types=["现场处置方案"], per="half_year", evaluated_only=True)  # fmt: skip
    day = D(E)
    counts_ = engine.target_counts(frequency_store, tgt, [day], SETTINGS)
    where = {p.code: p for p in engine.places(SETTINGS, None)}
    # 在营 firms: 环翠 E1, E2; 文登 E3; 荣成 E6. At 06-30 the first half is judged:
    assert counts_.at(day, where[HC]) == (1, 2)  # E2 (F1 evaluated); E1 no drill: 0
    assert counts_.at(day, where[RC]) == (0, 1)  # E6: evaluated false
    assert counts_.at(day, where[WD]) is None  # E3's drills leave 是否评估 blank: unknown
    assert counts_.at(day, where[None]) == (1, 3)  # 文登's firm left out (not 1/4)
    row = engine._rows_for(tgt, day, counts_, where[WD], "zh", DAYS)
    assert (row["status"], row["reason"], row["value"]) == ("no_data", "台账未填写是否评估", None)
