"""Accident early warnings (DATA_SPEC 6.5), each rule on its edges, worked out by hand."""

import datetime as dt

import pytest

from safetystats.config import packaged
from safetystats.metrics.warnings import (
    Accident,
    last_two_months,
    serious_accident,
    two_within_60_days,
    yoy_rise_two_months,
)

D = dt.date
LIMITS = packaged("thresholds")["accident_warnings"]  # 60 days; 较大, 重大, 特别重大


def acc(i: str, day: str, level: str = "一般", deaths: int = 0) -> Accident:
    return Accident(i, D.fromisoformat(day), level, deaths)


def ids(found) -> list[str]:
    return [a.id for a in found]


def test_two_accidents_59_days_apart_warn_and_60_days_apart_do_not():
    as_of = D(2024, 12, 31)
    # 2024-03-01 + 59 days = 2024-04-29: d2 - d1 = 59 < 60
    assert ids(
        two_within_60_days([acc("A", "2024-03-01"), acc("B", "2024-04-29")], as_of, LIMITS)
    ) == [
        "A",
        "B",
    ]
    # 2024-03-01 + 60 days = 2024-04-30: d2 - d1 = 60, not < 60
    assert two_within_60_days([acc("A", "2024-03-01"), acc("B", "2024-04-30")], as_of, LIMITS) == []


def test_a_pair_may_start_the_year_before_but_must_end_in_as_of_s_year():
    as_of = D(2025, 1, 31)
    # 2024-12-20 and 2025-01-10: 21 days; d2 is in 2025 up to A -> both listed
    found = two_within_60_days([acc("A", "2024-12-20"), acc("B", "2025-01-10")], as_of, LIMITS)
    assert ids(found) == ["A", "B"]
    # both in 2024: d2 is not in A's year -> nothing in 2025
    assert two_within_60_days([acc("A", "2024-11-20"), acc("B", "2024-12-10")], as_of, LIMITS) == []


def test_every_accident_of_a_qualifying_pair_is_listed_once():
    as_of = D(2024, 12, 31)
    a = [
        acc("A", "2024-01-01"),
        acc("B", "2024-02-01"),
        acc("C", "2024-03-15"),
        acc("D", "2024-09-01"),
    ]
    # A-B 31 days, B-C 43 days, A-C 74 days; D is 170 days after C -> A, B, C
    assert ids(two_within_60_days(a, as_of, LIMITS)) == ["A", "B", "C"]


def test_the_last_two_complete_months():
    assert last_two_months(D(2024, 6, 30)) == ((2024, 5), (2024, 6))  # A is June's last day
    assert last_two_months(D(2024, 6, 29)) == ((2024, 4), (2024, 5))  # June is not complete
    assert last_two_months(D(2025, 1, 15)) == ((2024, 11), (2024, 12))  # January: last year's


def test_a_rise_in_count_and_deaths_two_months_running_warns():
    as_of = D(2024, 6, 30)  # months May and June 2024 against May and June 2023
    a = [
        acc("Y1", "2023-05-10", deaths=1),  # May 2023: 1 accident, 1 death
        acc("N1", "2024-05-03", deaths=1),
        acc("N2", "2024-05-20", deaths=1),  # May 2024: 2 accidents, 2 deaths: both up
        acc("N3", "2024-06-11", deaths=2),  # June 2024: 1 accident, 2 deaths; June 2023: 0, 0
    ]  # a rise from 0 counts
    assert ids(yoy_rise_two_months(a, as_of, LIMITS)) == ["N1", "N2", "N3"]


def test_a_rise_in_count_but_not_in_deaths_does_not_warn():
    as_of = D(2024, 6, 30)
    a = [
        acc("Y1", "2023-05-10", deaths=3),  # May 2023: 1 accident, 3 deaths
        acc("N1", "2024-05-03", deaths=1),
        acc("N2", "2024-05-20", deaths=1),  # May 2024: 2 accidents (up), 2 deaths (down)
        acc("N3", "2024-06-11", deaths=2),  # June: up in both
    ]
    assert yoy_rise_two_months(a, as_of, LIMITS) == []


def test_one_month_up_is_not_two_months_running():
    as_of = D(2024, 6, 30)
    a = [acc("N3", "2024-06-11", deaths=2)]  # June up from 0, May 0 vs 0: not a rise
    assert yoy_rise_two_months(a, as_of, LIMITS) == []


def test_a_serious_accident_of_the_year_is_a_veto():
    as_of = D(2024, 8, 1)
    a = [
        acc("A", "2023-12-30", "较大"),  # last year: not this year's
        acc("B", "2024-02-01", "一般"),
        acc("C", "2024-07-01", "重大"),
    ]
    assert ids(serious_accident(a, as_of, LIMITS)) == ["C"]


@pytest.mark.slow  # ingest, GX, curation, the CLI
def test_warnings_command_json_per_unit_and_total(tmp_path):
    import json

    from click.testing import CliRunner
    from conftest import write_rows

    from safetystats.cli import app

    raw = tmp_path / "raw"
    write_rows(
        raw / "accidents" / "a.csv",
        [
            ["事故编号", "事故发生时间", "所属区市", "事故等级", "死亡人数"],
            ["A1", "2024-03-01", "环翠区", "一般", "1"],
            ["A2", "2024-04-29", "环翠区", "一般", "0"],  # 59 days after A1: 环翠区 and 全市
            ["A3", "2024-05-01", "文登区", "较大", "3"],  # 较大: 文登区 and 全市
        ],
    )
    config = tmp_path / "safetystats.toml"
    config.write_text('[paths]\nraw = "raw"\ndb = "s.duckdb"\nreports = "r"\n', encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["--config", str(config), "ingest"]).exit_code == 0
    result = runner.invoke(
        app, ["--config", str(config), "warnings", "--as-of", "2024-06-30", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["as_of"] == "2024-06-30"
    got = {(r["district"], r["rule"], tuple(r["accident_ids"])) for r in data["rows"]}
    assert got == {
        ("环翠区", "two_within_60_days", ("A1", "A2")),
        ("文登区", "serious_accident", ("A3",)),
        # the total sees all three: A1-A2 (59 days) and A2-A3 (2 days) are pairs
        ("全市", "two_within_60_days", ("A1", "A2", "A3")),
        ("全市", "serious_accident", ("A3",)),
    }
    row = next(
        r for r in data["rows"] if r["district"] == "全市" and r["rule"] == "two_within_60_days"
    )
    assert (row["district_code"], row["first_date"], row["last_date"]) == (
        None,
        "2024-03-01",
        "2024-05-01",
    )


def test_a_page_names_the_first_five_accidents_of_a_warning_and_counts_the_rest(settings):
    """Seven accidents ten days apart in 环翠区: one two_within_60_days warning with seven
    ids; the page names A1–A5 and says 等7起 (a province's total page would otherwise print
    pages of ids)."""
    from conftest import write_rows

    from safetystats.ingest import ingest
    from safetystats.metrics.engine import open_store
    from safetystats.pipeline import refresh
    from safetystats.report.bulletin import DistrictBulletin
    from safetystats.report.precomputed import RunFigures

    rows = [["事故编号", "事故发生时间", "所属区市", "事故等级", "死亡人数"]]
    rows += [[f"A{i}", f"2024-03-{1 + 10 * (i - 1):02d}", "环翠区", "一般", "0"] for i in (1, 2, 3)]
    rows += [[f"A{i}", f"2024-04-{10 * (i - 4) + 1:02d}", "环翠区", "一般", "0"] for i in (4, 5, 6)]
    rows += [["A7", "2024-05-01", "环翠区", "一般", "0"]]
    write_rows(settings.raw / "accidents" / "a.csv", rows)
    ingest(None, settings)
    refresh(settings)
    unit = settings.registry.resolve("环翠区")
    with open_store(settings) as con:
        run = RunFigures.compute(settings, D(2024, 6, 30), "zh", con, [unit.code], [unit.code])
    status = DistrictBulletin(settings, unit, run, "zh", {})._data_status()
    assert "A1、A2、A3、A4、A5 等7起" in status and "A6" not in status
