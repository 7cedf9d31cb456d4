"""The assessment (考核, DATA_SPEC 6.9) as a pure function of attainment and warning frames,
with the scores worked out by hand in the comments, and the checks of ``[assessment]``."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import polars as pl
import pytest

from safetystats.config import ConfigError, load_settings
from safetystats.metrics.assessment import (
    Assessment,
    Group,
    assess,
    counted_targets,
    credit,
    load_assessment,
)
from safetystats.metrics.engine import ATTAINMENT_SCHEMA

A = dt.date(2024, 6, 30)
HC, WD, RC, RS, HT = "371002", "371003", "371082", "371083", "371071"
NAMES = {HC: "环翠区", WD: "文登区", RC: "荣成市", RS: "乳山市", HT: "威海火炬高技术产业开发区"}
# target -> (kind, threshold)
TARGETS = {"T1": ("share", 0.4), "T2": ("share", 1.0), "T3": ("count", 0.0),
           "T4": ("share", 1.0), "T5": ("share", 0.5)}  # fmt: skip


def row(code, target_id, numerator, denominator=None, status=None, phase="in_force", year=2024):
    kind, threshold = TARGETS[target_id]
    if status is None:  # a share's status from its value (no projection needed here)
        value = numerator / denominator
        status = "met" if value >= threshold else "behind"
    return {
        "scope": "total" if code is None else "district",
        "district_code": code,
        "district": NAMES.get(code, "全市"),
        "level": 0 if code is None else 1,
        "parent_code": None,
        "target_id": target_id,
        "metric": "m",
        "kind": kind,
        "name": target_id,
        "phase": phase,
        "value": None if status == "no_data" else numerator / (denominator or 1),
        "threshold": threshold,
        "numerator": numerator,
        "denominator": denominator,
        "status": status,
        "gap_count": 0,
        "projected": None,
        "window_start": dt.date(year, 1, 1),
        "deadline": dt.date(year, 12, 31),
        "eval_date": A,
    }


def attainment(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=ATTAINMENT_SCHEMA)


FULL = [("T1", 10, 10), ("T2", 10, 10), ("T3", 0, None, "met"), ("T4", 20, 20)]
ROWS = [
    # 环翠: T1 3/10 -> (0.3/0.4 = 3/4) × 15 = 11.25; T2 9/10 × 10 = 9; T3 met 15; T4 no data 0;
    # T5 weighs 0. (11.25 + 9 + 15 + 0) / 60 × 100 = 58.75 -> 58.7 不合格
    row(HC, "T1", 3, 10), row(HC, "T2", 9, 10), row(HC, "T3", 0, None, "met"),
    row(HC, "T4", 0, 0, "no_data"), row(HC, "T5", 0, 10),
    # 文登 and 荣成 alike: T1 5/10 capped at 1 -> 15; T2 10; T3 met 15; T4 2/3 × 20 = 40/3;
    # (40 + 40/3) / 60 × 100 = 88.88… -> 88.8 良好 (exactly, not 88.9)
    *[row(c, "T1", 5, 10) for c in (WD, RC)], *[row(c, "T2", 10, 10) for c in (WD, RC)],
    *[row(c, "T3", 0, None, "met") for c in (WD, RC)], *[row(c, "T4", 2, 3) for c in (WD, RC)],
    # 乳山: everything met = 100.0, but a serious accident this year: 一票否决, ranked last
    *[row(RS, *r) for r in FULL],
    # 火炬: T4 19/20 × 20 = 19; (15 + 10 + 15 + 19) / 60 = 98.33… -> 98.3 优秀
    row(HT, "T1", 10, 10), row(HT, "T2", 10, 10), row(HT, "T3", 0, None, "met"),
    row(HT, "T4", 19, 20),
    # the total: T3 behind (a count target not met gives 0): (15 + 10 + 0 + 20) / 60 = 75.0
    row(None, "T1", 10, 10), row(None, "T2", 10, 10), row(None, "T3", 2, None, "behind"),
    row(None, "T4", 20, 20),
]  # fmt: skip
WARNINGS = pl.DataFrame(
    [
        dict(district_code=RS, rule="serious_accident", last_date=dt.date(2024, 5, 1)),
        # a rule that does not veto, and a vetoing rule whose accidents lie in the year before
        dict(district_code=WD, rule="two_within_60_days", last_date=dt.date(2024, 3, 1)),
        dict(district_code=HT, rule="yoy_rise_two_months", last_date=dt.date(2023, 12, 31)),
    ]
)
BANDS = [("优秀", Fraction(90)), ("良好", Fraction(80)), ("合格", Fraction(60))]
WEIGHTS = {"T1": Fraction(15), "T2": Fraction(10), "T3": Fraction(15), "T4": Fraction(20)}
SETUP = Assessment(BANDS, ("serious_accident", "yoy_rise_two_months"), WEIGHTS)


def results(frame: pl.DataFrame) -> dict:
    return {r["district_code"]: (r["score"], r["grade"], r["vetoed"], r["rank"])
            for r in frame.iter_rows(named=True)}  # fmt: skip


def test_scores_grades_veto_and_ranks_with_ties():
    out = assess(attainment(ROWS), WARNINGS, SETUP, A)
    assert results(out) == {
        HT: (98.3, "优秀", False, 1),
        WD: (88.8, "良好", False, 2),  # tied with 荣成: both 2, and the next is 4
        RC: (88.8, "良好", False, 2),
        HC: (58.7, "不合格", False, 4),
        RS: (100.0, "一票否决", True, 5),  # the best score, vetoed: last
        None: (75.0, "合格", False, None),
    }
    hc = next(r for r in out.iter_rows(named=True) if r["district_code"] == HC)
    assert {t["target_id"]: t["points"] for t in hc["targets"]} == {
        "T1": 11.25, "T2": 9.0, "T3": 15.0, "T4": 0.0, "T5": 0.0}  # fmt: skip


def test_a_group_s_weights_replace_the_defaults_for_its_units():
    # 功能区 (火炬): T1 weighs 0 and T4 40 there: (0 + 10 + 15 + 19/20 × 40) / (0 + 10 + 15 + 40)
    # = 63 / 65 = 96.92… -> 96.9; the other units keep 15/10/15/20
    group = Group("功能区", frozenset({HT}), {"T1": Fraction(0), "T4": Fraction(40)})
    setup = Assessment(BANDS, ("serious_accident",), WEIGHTS, [group])
    out = results(assess(attainment(ROWS), WARNINGS, setup, A))
    assert out[HT] == (96.9, "优秀", False, 1)
    assert out[HC] == (58.7, "不合格", False, 4)


def test_without_weights_every_target_weighs_the_same():
    # 环翠 with T1..T5 at 1 each: (3/4 + 9/10 + 1 + 0 + 0) / 5 = 0.53 -> 53.0; 火炬
    # (1 + 1 + 1 + 19/20) / 4 = 98.75 -> 98.7; 文登, 荣成 (3 + 2/3) / 4 = 91.66… -> 91.6
    setup = Assessment(BANDS, (), None)
    out = results(assess(attainment(ROWS), WARNINGS, setup, A))
    assert out[RS] == (100.0, "优秀", False, 1)  # no veto rule: first
    assert out[HT] == (98.7, "优秀", False, 2)
    assert out[WD] == out[RC] == (91.6, "优秀", False, 3)
    assert out[HC] == (53.0, "不合格", False, 5)


def test_the_score_counts_the_final_targets_of_the_latest_year_when_none_is_in_force():
    rows = [row(HC, "T1", 4, 10, phase="final", year=2024),
            row(HC, "T1", 1, 10, phase="final", year=2025),
            row(HC, "T2", 1, 2, phase="final", year=2025)]  # fmt: skip
    counted = counted_targets(attainment(rows))
    assert counted["deadline"].dt.year().to_list() == [2025, 2025]
    # 2025: T1 (0.1/0.4) × 15 = 3.75, T2 0.5 × 10 = 5: 8.75 / 25 = 35.0
    assert results(assess(attainment(rows), WARNINGS.clear(), SETUP, A))[HC][0] == 35.0
    # in force beats final
    mixed = attainment(rows + [row(HC, "T2", 1, 1)])
    assert counted_targets(mixed)["phase"].to_list() == ["in_force"]


def test_credit():
    assert credit(row(HC, "T1", 2, 10)) == Fraction(1, 2)  # 0.2 / 0.4
    assert credit(row(HC, "T1", 0, 0, "no_data")) == 0
    assert credit(row(HC, "T3", 3, None, "behind")) == 0
    assert credit(row(HC, "T3", 0, None, "met")) == 1
    assert credit(row(HC, "T1", 0, 10) | {"threshold": 0.0}) == 1  # t = 0


# ---------------------------------------------------------------------------------------------
# the [assessment] table of the targets file
# ---------------------------------------------------------------------------------------------

TARGETS_TOML = """
[[targets]]
id = "video_coverage"
metric = "video_coverage"
threshold = "1.00"
window_start = 2024-01-01
deadline = 2024-12-31

[[targets]]
id = "open_major_hazards"
metric = "open_major_hazards"
threshold = "0"
window_start = 2024-01-01
deadline = 2024-12-31
"""


def settings_with(tmp_path, assessment: str):
    targets = tmp_path / "targets.toml"
    targets.write_text(TARGETS_TOML + assessment, encoding="utf-8")
    config = tmp_path / "safetystats.toml"
    config.write_text(f'[registry]\ntargets = "{targets}"\n', encoding="utf-8")
    return load_settings(config)


def test_the_packaged_assessment_loads_and_weighs_every_default_target():
    setup = load_assessment(load_settings())
    assert setup.bands == BANDS and setup.veto_rules == ("serious_accident",)
    assert sum(setup.weights.values()) == 100


def test_a_group_names_units_in_any_spelling_the_registry_resolves(tmp_path):
    setup = load_assessment(settings_with(tmp_path, """
[assessment]
bands = { "优秀" = 90, "合格" = 60.5 }
veto_rules = ["serious_accident", "two_within_60_days"]
[assessment.weights]
video_coverage = 30
[[assessment.groups]]
name = "功能区"
units = ["高区", "威海市环翠区"]
weights = { open_major_hazards = 10 }
"""))  # fmt: skip
    assert setup.bands == [("优秀", Fraction(90)), ("合格", Fraction(121, 2))]
    assert setup.groups[0].codes == {HT, HC}
    assert setup.weight(HC, "open_major_hazards") == 10
    assert setup.weight(WD, "open_major_hazards") == 0  # not listed: 0
    assert setup.weight(HC, "video_coverage") == 30  # the group keeps the others


def test_without_an_assessment_table_every_target_weighs_the_same(tmp_path):
    setup = load_assessment(settings_with(tmp_path, ""))
    assert setup.weights is None and setup.weight(HC, "video_coverage") == 1
    assert setup.veto_rules == ("serious_accident",)


@pytest.mark.parametrize(
    "table, message",
    [
        ("[assessment.weights]\nvideo_coverag = 10\n", "unknown target 'video_coverag'"),
        ('[assessment]\nbands = { "优秀" = 120 }\n', "band '优秀' = 120 is outside 0–100"),
        ('[assessment]\nbands = { "合格" = -1 }\n', "band '合格' = -1 is outside 0–100"),
        ('[assessment]\nveto_rules = ["big_fire"]\n', "unknown veto rule 'big_fire'"),
        ("[assessment.weights]\nvideo_coverage = -5\n", "a weight must be ≥ 0"),
        ('[assessment.weights]\nvideo_coverage = "many"\n', "'many' is not a number"),
        ('[assessment]\nband = { "优秀" = 90 }\n', "unknown keys ['band']"),
        ('[[assessment.groups]]\nname = "g"\nunits = ["火星区"]\n', "unit '火星区'"),
        ('[[assessment.groups]]\nname = "g"\nweights = { nope = 1 }\n', "unknown target 'nope'"),
    ],
)
def test_a_broken_assessment_is_a_configuration_error_naming_it(tmp_path, table, message):
    with pytest.raises(ConfigError, match="assessment") as caught:
        load_assessment(settings_with(tmp_path, table))
    assert message in str(caught.value)
