"""DATA_SPEC 6.9 to the letter, on its edges (spec audit): exact credit of a decimal share,
bands at their boundaries, scores rounded down (never half-up), weights that do not sum to 100,
ties after rounding, vetoed units after every other and among themselves by score, ranks among
siblings only, a unit without a score. Scores are worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import polars as pl
from test_assessment import row as base_row

from safetystats.metrics.assessment import Assessment, Group, assess
from safetystats.metrics.engine import ATTAINMENT_SCHEMA

A = dt.date(2024, 6, 30)
BANDS = [("优秀", Fraction(90)), ("良好", Fraction(80)), ("合格", Fraction(60))]
NO_WARNINGS = pl.DataFrame(
    schema={"district_code": pl.String, "rule": pl.String, "last_date": pl.Date}
)


def row(code, target_id, numerator, denominator, threshold=1.0, parent=None, value=None,
        status=None, kind="share"):  # fmt: skip
    """An attainment row as the engine writes it (test_assessment's, with this test's target,
    threshold, parent and value); ``value`` defaults to numerator/denominator."""
    if value is None and denominator:
        value = numerator / denominator
    if status is None:
        status = "met" if value is not None and value >= threshold else "behind"
    out = base_row(code, "T1", numerator, denominator, status)
    return out | dict(
        district=code or "全市", level=0 if code is None else (2 if parent else 1),
        parent_code=parent, target_id=target_id, name=target_id, kind=kind, value=value,
        threshold=threshold, metric="task_progress" if target_id == "TP" else "m",
    )  # fmt: skip


def scored(rows, weights=None, veto=(), warnings=NO_WARNINGS, groups=()) -> dict:
    setup = Assessment(BANDS, tuple(veto), weights, list(groups))
    frame = assess(pl.DataFrame(rows, schema=ATTAINMENT_SCHEMA), warnings, setup, A)
    return {
        r["district_code"]: (r["score"], r["grade"], r["rank"]) for r in frame.iter_rows(named=True)
    }


def test_a_decimal_task_progress_is_credited_its_exact_value_not_the_rounded_counts():
    # task_progress of 1.5 km done of 2.5 km planned: the attainment table shows numerator 1 and
    # denominator 2 (rounded down), its value is 1.5 / 2.5 = 0.6; credit = 0.6 / 1 -> 60.0 合格
    # (the rounded counts would give 1/2 -> 50.0 不合格). 0.3 of 0.5 km planned shows 0 / 0:
    # still 0.3 / 0.5 = 0.6 -> 60.0, never a division by zero.
    out = scored([row("X", "TP", 1, 2, value=0.6), row("Y", "TP", 0, 0, value=0.6)])
    assert out["X"] == (60.0, "合格", 1)
    assert out["Y"] == (60.0, "合格", 1)


def test_grades_at_the_band_boundaries_and_scores_rounded_down():
    # one target, t = 1: the score is value × 100 rounded down to one decimal
    out = scored([
        row("A", "T", 9, 10),       # 90.0 exactly: 优秀 (a band is "≥")
        row("B", "T", 899, 1000),   # 89.9: 良好
        row("C", "T", 3, 5),        # 60.0: 合格
        row("D", "T", 599, 1000),   # 59.9: 不合格
        row("E", "T", 2, 3),        # 66.66… -> 66.6 (half-up would be 66.7)
        row("F", "T", 80, 100),     # 80.0: 良好
        row("G", "T", 1999, 2500),  # 79.96 -> 79.9 (half-up would be 80.0 良好): 合格
    ])  # fmt: skip
    assert {k: v[:2] for k, v in out.items() if k} == {
        "A": (90.0, "优秀"), "B": (89.9, "良好"), "C": (60.0, "合格"), "D": (59.9, "不合格"),
        "E": (66.6, "合格"), "F": (80.0, "良好"), "G": (79.9, "合格"),
    }  # fmt: skip


def test_exact_fractions_add_up_and_weights_need_not_sum_to_100():
    # equal weights, credits 1/3 and 2/3: (1/3 + 2/3) / 2 = 50.0 exactly (floats give 49.99…)
    out = scored([row("A", "T1", 1, 3), row("A", "T2", 2, 3)])
    assert out["A"][0] == 50.0
    # weights 3 and 1 (sum 4): credits 1 and 0 -> 3 / 4 = 75.0
    out = scored([row("B", "T1", 1, 1), row("B", "T2", 0, 1)],
                 weights={"T1": Fraction(3), "T2": Fraction(1)})  # fmt: skip
    assert out["B"] == (75.0, "合格", 1)
    # a share with t = 0 gives full credit whatever its value: (1 + 0) / 2 = 50.0
    out = scored([row("C", "T1", 0, 5, threshold=0.0), row("C", "T2", 0, 5)])
    assert out["C"][0] == 50.0


def test_equal_shown_scores_share_a_rank_and_vetoed_units_come_last_by_score():
    # P: 8/9 = 88.88… -> 88.8; Q: 1777/2000 = 88.85 -> 88.8: the same shown score, rank 2 both
    # (R 95.0 is 1); S 70.0 is 4 (the rank after a tie skips). V and W are vetoed with the best
    # scores (99.0, 99.0) and U vetoed with 10.0: after every unit that is not, V and W share 5,
    # U is 7.
    rows = [row("R", "T", 95, 100), row("P", "T", 8, 9), row("Q", "T", 1777, 2000),
            row("S", "T", 70, 100), row("V", "T", 99, 100), row("W", "T", 99, 100),
            row("U", "T", 1, 10)]  # fmt: skip
    warnings = pl.DataFrame(
        [dict(district_code=c, rule="serious_accident", last_date=dt.date(2024, 2, 1))
         for c in "VWU"]
    )  # fmt: skip
    out = scored(rows, veto=["serious_accident"], warnings=warnings)
    assert {k: (v[2], v[1]) for k, v in out.items() if k} == {
        "R": (1, "优秀"), "P": (2, "良好"), "Q": (2, "良好"), "S": (4, "合格"),
        "V": (5, "一票否决"), "W": (5, "一票否决"), "U": (7, "一票否决"),
    }  # fmt: skip


def test_ranks_are_among_siblings_only():
    # two parents: their children are ranked each among their own (1, 2 and 1, 2), whatever
    # the scores of the others
    rows = [row("X1", "T", 1, 10, parent="X"), row("X2", "T", 2, 10, parent="X"),
            row("Y1", "T", 9, 10, parent="Y"), row("Y2", "T", 8, 10, parent="Y")]  # fmt: skip
    out = scored(rows)
    assert {k: v[2] for k, v in out.items()} == {"X2": 1, "X1": 2, "Y1": 1, "Y2": 2}


def test_a_unit_without_any_weighted_target_has_no_score_and_ranks_after_the_scored():
    # a group gives Z's only target weight 0: no score, no grade, ranked after its siblings
    # (3), never first; the vetoed still come after it
    group = Group("功能区", frozenset({"Z"}), {"T": Fraction(0)})
    rows = [row("A", "T", 5, 10), row("B", "T", 9, 10), row("Z", "T", 1, 10)]
    out = scored(rows, weights={"T": Fraction(10)}, groups=[group])
    assert out["Z"] == (None, None, 3)
    assert (out["B"][2], out["A"][2]) == (1, 2)
