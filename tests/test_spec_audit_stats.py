"""DATA_SPEC 6.7 and 6.8 on their edges (spec audit), on in-memory stores curated by the
package's SQL (tests/sqlkit.py), worked out by hand in the comments: the first day of a year,
February 28 of a year after a leap year, serious accidents outside the month, blank deaths,
a three-level registry (a record counts in its unit and every ancestor), an enforcement column
carried only in an earlier year, unannounced checks that are not 执法检查, an enterprise
inspected twice."""

from __future__ import annotations

import pytest
from sqlkit import SETTINGS, D, build

from safetystats.config import load_settings
from safetystats.stats import accident_statistics, enforcement_statistics

HC, WD, RC = "371002", "371003", "371082"  # 环翠区, 文登区, 荣成市
ENTERPRISES = [
    dict(enterprise_id="E1", enterprise_name="甲化工", district_code=HC, industry="危险化学品"),
    dict(enterprise_id="E2", enterprise_name="乙工贸", district_code=WD, industry="工贸"),
]


def accident(accident_id, day, code, level="一般", deaths=0, **more):
    return dict(accident_id=accident_id, accident_date=day, district_code=code, level=level,
                deaths=deaths, **more)  # fmt: skip


def rows_at(as_of: str, settings=SETTINGS, **datasets) -> dict:
    con = build(enterprises=ENTERPRISES, **datasets)
    for i, dataset in enumerate(datasets, start=1):  # a ledger was ingested: 0, never "—"
        con.execute(
            "INSERT INTO ingest_files (file_id, path, file_name, sha256, dataset, ingested_at, "
            "ingested_on) VALUES (?, 'f.xlsx', 'f.xlsx', 'x', ?, now(), current_date)",
            [i, dataset],
        )
    make = accident_statistics if "accidents" in datasets else enforcement_statistics
    out = make(settings, D(as_of), con=con)
    con.close()
    return {(r["district_code"], r["span"]): r for r in out}


def test_the_first_day_of_the_year():
    # A = 2024-01-01: the year to date and the month are both that one day; a year earlier
    # 2023-01-01. X1 (2023-12-31) is in neither; X2 (2023-01-01) is a year earlier; X3 on A.
    rows = rows_at("2024-01-01", accidents=[
        accident("X1", "2023-12-31", HC, deaths=5), accident("X2", "2023-01-01", HC, deaths=1),
        accident("X3", "2024-01-01", HC, deaths=3)])  # fmt: skip
    for span in ("ytd", "month"):
        hc = rows[(HC, span)]
        assert (hc["start"], hc["end"], hc["prev_start"], hc["prev_end"]) == (
            "2024-01-01", "2024-01-01", "2023-01-01", "2023-01-01")  # fmt: skip
        # 1 against 1 accident: 持平 (0.0%); 3 deaths against 1: +200.0%
        assert (hc["accidents"], hc["prev_accidents"], hc["deaths"], hc["prev_deaths"]) == (
            1,
            1,
            3,
            1,
        )
        assert hc["change"]["accidents"] == {"difference": 0, "percent": 0.0, "trend": "持平"}
        assert hc["change"]["deaths"] == {"difference": 2, "percent": 200.0, "trend": "上升"}


def test_february_28_after_a_leap_year_reads_the_letter_of_the_spec():
    # A = 2025-02-28: a year earlier is 2024-02-28 (no Feb 29 in 2025 to map), so the month a
    # year earlier is 2024-02-01..02-28 and an accident on 2024-02-29 is in neither span
    # (reading: "the same spans a year earlier"; the other reading, the whole of February 2024,
    # would count it — see the audit report)
    rows = rows_at("2025-02-28", accidents=[
        accident("Y1", "2024-02-29", HC, deaths=1), accident("Y2", "2024-02-28", HC),
        accident("Y3", "2025-02-28", HC)])  # fmt: skip
    hc = rows[(HC, "month")]
    assert (hc["prev_start"], hc["prev_end"]) == ("2024-02-01", "2024-02-28")
    assert (hc["accidents"], hc["prev_accidents"], hc["prev_deaths"]) == (1, 1, 0)


def test_serious_accidents_are_listed_per_span_and_blank_deaths_count_nothing():
    # A = 2024-11-30. S1 较大 in March: in the year-to-date list, not the month's; S2 重大 in
    # November with deaths blank: in both, deaths 0; G1 一般: in no list. ytd deaths 2 + 0 + 1.
    rows = rows_at("2024-11-30", accidents=[
        accident("S1", "2024-03-10", HC, "较大", deaths=2, enterprise_id="E1"),
        accident("S2", "2024-11-02", WD, "重大", deaths=None, enterprise_name="某矿"),
        accident("G1", "2024-11-03", WD, deaths=1)])  # fmt: skip
    total_ytd, total_month = rows[(None, "ytd")], rows[(None, "month")]
    assert [a["accident_id"] for a in total_ytd["serious"]] == ["S1", "S2"]
    assert [a["accident_id"] for a in total_month["serious"]] == ["S2"]
    assert total_ytd["serious"][0] == dict(accident_id="S1", date="2024-03-10", district="环翠区",
                                           enterprise_name="甲化工", level="较大", deaths=2)  # fmt: skip
    assert total_ytd["serious"][1]["deaths"] == 0
    assert total_ytd["deaths"] == 3 and total_month["deaths"] == 1
    assert rows[(HC, "month")]["serious"] == [] and rows[(WD, "month")]["serious"] != []
    assert total_ytd["by_level"] == {"一般": 1, "较大": 1, "重大": 1, "特别重大": 0}


REGISTRY = [
    ["code", "name", "aliases", "parent"],
    ["3702", "青岛市", "", ""],
    ["370202", "市南区", "", "3702"],
    ["370203", "市北区", "", "3702"],
    ["370203001", "辽宁路街道", "", "370203"],
]


def test_a_record_counts_in_its_unit_and_every_ancestor(tmp_path):
    # 辽宁路街道 (370203001): Z1; 市北区 itself: Z2; 市南区: Z3. 市北区 = Z1 + Z2 = 2, 青岛市 = 3,
    # and the total 3 (each once); levels 1, 2, 3 and 0 for the total
    path = tmp_path / "registry.csv"
    path.write_text("\n".join(",".join(r) for r in REGISTRY), encoding="utf-8")
    settings = load_settings(districts=path, db=tmp_path / "s.duckdb")
    rows = rows_at("2024-06-30", settings, accidents=[
        accident("Z1", "2024-06-01", "370203001", deaths=1),
        accident("Z2", "2024-06-02", "370203", deaths=2),
        accident("Z3", "2024-05-02", "370202")])  # fmt: skip
    got = {
        k[0]: (r["level"], r["accidents"], r["deaths"]) for k, r in rows.items() if k[1] == "ytd"
    }
    assert got == {"3702": (1, 3, 3), "370202": (2, 1, 0), "370203": (2, 2, 3),
                   "370203001": (3, 1, 1), None: (0, 3, 3)}  # fmt: skip


def inspection(inspection_id, enterprise_id, code, day, kind="执法检查", **columns):
    return dict(inspection_id=inspection_id, enterprise_id=enterprise_id, district_code=code,
                inspection_date=day, kind=kind, **columns)  # fmt: skip


def test_enforcement_edges():
    # A = 2024-11-30.
    # 环翠: I1 and I2 both of E1 (one enterprise inspected, two inspections); I1 执法检查 四不两直;
    #   I3 督导检查 done 四不两直: not an 执法检查, so not in unannounced_enforcement (1 of 2
    #   执法检查 = 50%). Penalties 1.5 + blank = 1.5 万元.
    # 文登: its only record carrying case_filed is K0 of 2022 (any date counts): case_filed is
    #   0 this year, not "—"; penalty is carried by none of its records: "—".
    rows = rows_at("2024-11-30", inspections=[
        inspection("I1", "E1", HC, "2024-02-01", unannounced=True, penalty=1.5),
        inspection("I2", "E1", HC, "2024-11-05", unannounced=False),
        inspection("I3", "E1", HC, "2024-11-06", "督导检查", unannounced=True),
        inspection("K0", "E2", WD, "2022-03-01", case_filed=True),
        inspection("K1", "E2", WD, "2024-04-01")])  # fmt: skip
    hc = rows[(HC, "ytd")]
    assert (hc["inspections"], hc["enterprises_inspected"], hc["enforcement"]) == (3, 1, 2)
    assert (hc["unannounced_enforcement"], hc["unannounced_share"]) == (1, 0.5)
    assert hc["penalty"] == 1.5
    assert hc["by_kind"]["执法检查"] == 2 and hc["by_kind"]["督导检查"] == 1
    month = rows[(HC, "month")]  # I2, I3: E1 once; the 执法检查 I2 was not unannounced
    assert (month["inspections"], month["enterprises_inspected"]) == (2, 1)
    assert (month["unannounced_enforcement"], month["unannounced_share"]) == (0, 0.0)
    wd = rows[(WD, "ytd")]
    assert (wd["cases_filed"], wd["prev_cases_filed"]) == (0, 0)
    assert wd["penalty"] is None and wd["prev_penalty"] is None
    assert wd["change"]["penalty"] is None
    # 荣成 has no inspection at all: counts 0, every column "—"
    rc = rows[(RC, "ytd")]
    assert rc["inspections"] == 0 and rc["cases_filed"] is None and rc["unannounced_share"] is None
    # the total: E1, E2 = 2 enterprises; 4 inspections this year
    total = rows[(None, "ytd")]
    assert (total["inspections"], total["enterprises_inspected"], total["penalty"]) == (4, 2, 1.5)


@pytest.mark.parametrize("as_of", ["2024-02-29", "2024-12-31"])
def test_a_span_never_reaches_past_the_as_of(as_of):
    # an accident the day after A is in no span
    day_after = {"2024-02-29": "2024-03-01", "2024-12-31": "2025-01-01"}[as_of]
    rows = rows_at(as_of, accidents=[accident("N1", day_after, HC)])
    assert all(r["accidents"] == 0 and r["prev_accidents"] == 0 for r in rows.values())


@pytest.mark.parametrize(
    ("dataset", "row", "latest"),
    [("activities", dict(activity_id="HD1", district_code=HC, kind="会议", activity_date="2024-05-08"),
      "2024-05-08"),
     ("tasks", dict(task_id="T1", task="农村公路危桥改造", district_code=HC, planned=14, done=3,
                    report_date="2024-06-30"), "2024-06-30")],
)  # fmt: skip
def test_the_default_as_of_is_the_latest_event_date_of_every_dataset(dataset, row, latest):
    # 7: "--as-of defaults to the latest event date in the store": an activity held (2.13) or a
    # task reported (2.12) after every other record moves it
    from safetystats.metrics.engine import latest_event_date

    con = build(enterprises=ENTERPRISES, accidents=[accident("A1", "2024-01-05", HC)],
                **{dataset: [row]})  # fmt: skip
    assert latest_event_date(con) == D(latest)


def test_the_notice_headline_of_the_spec_example():
    # 6.7's example: "1-11月，全市共发生生产安全事故12起、死亡13人，同比分别下降20.0%、18.8%".
    # This year 12 accidents (C0 with 2 deaths, 11 with 1: 13 deaths) up to 11-30; a year
    # earlier 15 (P0 with 2, 14 with 1: 16 deaths). (12 − 15) / 15 = −20.0%; (13 − 16) / 16 =
    # −18.75% -> −18.8% (half away from zero). November: C10 (1 death) against P10 (1): 持平.
    from safetystats.config import labels_for
    from safetystats.report.notice_text import NoticeFigures, _Text, accidents_section

    this_year = [accident(f"C{i}", f"2024-{1 + i % 11:02d}-05", HC if i % 2 else WD,
                          deaths=2 if i == 0 else 1) for i in range(12)]  # fmt: skip
    last_year = [accident(f"P{i}", f"2023-{1 + i % 11:02d}-06", HC, deaths=2 if i == 0 else 1)
                 for i in range(15)]  # fmt: skip
    rows = list(rows_at("2024-11-30", accidents=this_year + last_year).values())
    figures = NoticeFigures(D("2024-11-30"), "全市", [(HC, "环翠区"), (WD, "文登区")], [], [], [], {},
                            accidents=rows)  # fmt: skip
    blocks = accidents_section(figures, _Text(labels_for(SETTINGS), "zh"))
    text = " ".join(b.text for b in blocks)
    assert "全市共发生生产安全事故12起、死亡13人，同比分别下降20.0%、18.8%" in text
    assert "11月，发生生产安全事故1起、死亡1人，同比均持平" in text


def test_accident_count_of_the_total_is_zero_on_a_date_without_accidents():
    # 6.1 accident_count: accidents of the unit in [W, E]. W = 2024-01-01. The only accident
    # (A1, 较大, 2 deaths) is on 2024-05-10: at 04-30 (E, or P of the projection) the city had
    # none, 0 — not 1; at 06-30 it had 1 (2 deaths). Of levels 重大/特别重大: none at any date.
    from sqlkit import counts

    con = build(enterprises=ENTERPRISES, accidents=[accident("A1", "2024-05-10", HC, "较大", 2)])
    dates = ["2024-04-30", "2024-06-30"]
    assert counts(con, "accident_count", "2024-01-01", dates) == {
        ("2024-04-30", None): (0, 0), ("2024-06-30", HC): (1, 0), ("2024-06-30", None): (1, 0)}  # fmt: skip
    deaths = counts(con, "accident_count", "2024-01-01", dates, measure="deaths")
    assert deaths[("2024-04-30", None)] == (0, 0) and deaths[("2024-06-30", None)] == (2, 0)
    serious = counts(con, "accident_count", "2024-01-01", dates, levels=["重大", "特别重大"])
    assert serious == {("2024-04-30", None): (0, 0), ("2024-06-30", None): (0, 0)}


@pytest.mark.parametrize(
    ("metric", "values", "key", "canonical"),
    [("accident_count", dict(levels=["较大事故", "重大"]), "levels", ["较大", "重大"]),
     ("event_frequency", dict(dataset="drills", types=["疏散"]), "types", ["疏散逃生"]),
     ("event_frequency", dict(dataset="inspections", types=["执法", "主要负责人带队"]), "types",
      ["执法检查", "负责人带队检查"]),
     ("event_quota", dict(dataset="activities", types=["安委会会议"], quota=1), "types", ["会议"]),
     ("activity_frequency", dict(kinds=["专题督导", "自定义活动"]), "kinds", ["督导检查", "自定义活动"])],
)  # fmt: skip
def test_target_values_in_a_spelling_the_ledgers_accept_match_the_records(
    metric, values, key, canonical
):
    # 2.9/2.3/2.10/2.13 accept 较大事故, 疏散, 执法, 安委会会议 … for the canonical values the
    # records hold: a target written with them counts those records (a value unknown to the
    # vocabulary, e.g. a user's own kind, stays as written)
    from sqlkit import target

    assert target(metric, "2024-01-01", **values).parameters[key] == canonical


def test_accident_count_of_levels_written_with_the_word_accident():
    # levels = ["较大事故"]: A1 (较大) counts: 1, not a silent 0 (which would read "met")
    from sqlkit import counts

    con = build(enterprises=ENTERPRISES, accidents=[accident("A1", "2024-05-10", HC, "较大", 2)])
    got = counts(con, "accident_count", "2024-01-01", ["2024-06-30"], levels=["较大事故"])
    assert got == {("2024-06-30", HC): (1, 0), ("2024-06-30", None): (1, 0)}


def test_scope_values_in_a_spelling_the_ledgers_accept():
    # 6.1 scope: hazard level and source as a ledger writes them (重大, 自查) are the values the
    # curated hazards hold (major, 企业自查)
    from sqlkit import target

    made = target("major_hazard_rectification", "2024-01-01", level="重大", source=["自查", "举报"])
    assert made.scope == {"level": ["major"], "source": ["企业自查", "举报"]}
