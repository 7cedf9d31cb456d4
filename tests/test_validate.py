"""Validation: every rule of DATA_SPEC section 4 quarantines (or lists) the exact row."""

import csv
import json
import re

import pytest
from conftest import query
from ledgers import BROKEN, write_broken, write_clean

from safetystats.config import load_settings
from safetystats.ingest import ingest
from safetystats.paths import EXPECTATIONS_DIR
from safetystats.pipeline import refresh
from safetystats.store import is_curated

pytestmark = pytest.mark.slow  # Great Expectations over real stores


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    root = tmp_path_factory.mktemp("broken")
    s = load_settings(raw=root / "raw", db=root / "store.duckdb", reports=root / "reports")
    write_broken(s.raw)
    assert all(r.status == "ingested" for r in ingest(None, s))
    return s, refresh(s, force=True)


def quarantine_rows(settings):
    return query(
        settings,
        "SELECT dataset, file_name, row_no, column_name, raw_value, rule_id, severity FROM quarantine",
    )


@pytest.mark.parametrize("expected", BROKEN, ids=[f"{b[0]}-{b[5]}-{b[2]}" for b in BROKEN])
def test_each_rule_lands_the_exact_row(broken, expected):
    settings, _ = broken
    assert expected in quarantine_rows(settings)


def test_nothing_else_is_reported(broken):
    settings, _ = broken
    assert sorted(quarantine_rows(settings), key=str) == sorted(BROKEN, key=str)


def test_every_rule_of_the_catalogue_is_exercised(broken):
    settings, _ = broken
    assert {b[5] for b in BROKEN} == set(settings.rules)


def test_errors_leave_the_curated_tables_and_warnings_stay(broken):
    settings, _ = broken
    assert query(settings, "SELECT hazard_id FROM curated_hazards ORDER BY hazard_id") == [
        ("H1",),
        ("H11",),
        ("H12",),
        ("H13",),
        ("H14",),
        ("H18",),
    ]
    assert query(
        settings, "SELECT drill_id FROM curated_drills WHERE drill_id LIKE 'D%' ORDER BY 1"
    ) == [
        ("D1",),
        ("D2",),
        ("D3",),
    ]
    # the drill that named 甲化工有限公司 (no credit code) is E1's, with a key derived from its content
    assert query(
        settings,
        "SELECT drill_id LIKE 'auto:%', enterprise_id FROM curated_drills WHERE drill_id NOT LIKE 'D%'",
    ) == [(True, "E1")]
    assert query(
        settings,
        "SELECT enterprise_id, district_code, high_risk, hazchem, status FROM curated_enterprises "
        "ORDER BY 1",
    ) == [
        (
            "91371002MA3C4XBK10",
            "371083",
            False,
            False,
            "在营",
        ),  # a wrong check character: a warning
        ("E1", "371002", True, True, "在营"),
        ("E2", "371003", False, False, "在营"),
        ("E3", "371082", False, False, "在营"),
        ("E7", "371003", False, False, "在营"),
        ("E8", "371082", False, False, "在营"),
    ]
    # district: the record's own wins over the register's; blank takes the register's
    assert query(
        settings,
        "SELECT hazard_id, district_code FROM curated_hazards WHERE hazard_id IN ('H1','H12') "
        "ORDER BY 1",
    ) == [("H1", "371002"), ("H12", "371003")]
    assert query(
        settings, "SELECT industry FROM curated_enterprises WHERE enterprise_id = 'E3'"
    ) == [("其他",)]


def test_summary_counts(broken):
    _, result = broken
    by = {d.dataset: d for d in result.datasets}
    # 18 stored (H1-H14, H16-H19) + 3 held (the H15 conflict, H20's extra field) + 4 held from
    # hazards_cells.xlsx (a formula without value, an error value, a derived-key conflict of two
    # rows); valid: H1, H11-H14 and H18 (warning only)
    hazards = by["hazards"]
    assert (hazards.rows_checked, hazards.rows_held, hazards.rows_valid) == (18, 7, 6)
    assert (hazards.errors, hazards.warnings) == (19, 6)  # 14 + the 5 held rows above
    assert by["training_plan"].status == "quarantined"
    # D4-D6 by their values, and the two drills whose enterprise name is unknown or ambiguous
    assert by["drills"].rows_quarantined == 5


def test_quarantine_csv_is_utf8_with_bom_and_readable(broken):
    settings, _ = broken
    data = (settings.reports / "quarantine.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(data.decode("utf-8-sig").splitlines()))
    assert len(rows) == len(BROKEN)
    火星 = next(r for r in rows if r["原始值(value)"] == "火星区")
    assert 火星["文件(file)"] == "enterprises.csv" and 火星["行号(row)"] == "5"
    assert (
        "不在单位登记表中" in 火星["说明"]
        and "环翠区" in 火星["说明"]
        and "not in the unit registry" in 火星["message"]
    )


def test_report_page_has_no_external_reference(broken):
    settings, _ = broken
    page = (settings.reports / "validation.html").read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert (
        "隐患台账" in page
        and "隐患等级无法识别" in page
        and "expect_column" not in page
        and "特大" in page
    )
    summary = json.loads((settings.reports / "validation_summary.json").read_text(encoding="utf-8"))
    assert {d["dataset"] for d in summary["datasets"]} >= {"hazards", "drills"}


def test_the_report_page_speaks_the_clerks_language(broken):
    """18.6: messages filled in (not "“该列”的值“…”为负数"), the file's own header names (not
    found_date), rules without failing rows folded into one line, bilingual CSV headers from
    the labels."""
    settings, _ = broken
    page = (settings.reports / "validation.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.S))
    assert "“该列”" not in text and "“…”" not in text and "{" not in text
    internal = {"found_date", "enterprise_id", "employees", "level", "district", "funds"}
    assert not any(re.search(rf"(?<![.\w]){c}\b", text) for c in internal)  # not in a setting
    assert "“从业人员数”的值“-10”为负数" in text  # E5's row: the header as the file has it
    # the rules tables list only rules that found rows; the others are one folded line
    for table in re.findall(r"<table><tr><th>规则</th>.*?</table>", page, flags=re.S):
        for row in re.findall(r"<tr class=[^>]*>(.*?)</tr>", table):
            failing = re.findall(r'<td class="num">(\d+)</td>', row)[0]
            assert int(failing) > 0, row
    assert re.search(r"<details><summary>其余 \d+ 项检查全部通过</summary>", page)
    from safetystats.config import labels_for

    header = (settings.reports / "quarantine.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(",") == list(labels_for(settings)["quarantine_csv"].values())


def test_the_report_page_has_no_cramped_column_in_a_browser(broken, tmp_path):
    """No column squeezed to a character a line (级别 was one character wide): at a phone's
    width (414 px, emulated) every header and every short cell is one line; long messages
    wrap; a wide table scrolls inside its own box, not the page."""
    from browser import chromium, full_page_screenshot

    settings, _ = broken
    driver = chromium(tmp_path)
    try:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 414, "height": 896, "deviceScaleFactor": 1, "mobile": True},
        )
        driver.get((settings.reports / "validation.html").as_uri())
        tall = driver.execute_script(
            """const out = [];
            for (const c of document.querySelectorAll('th, td:not(.text)')) {
              const size = parseFloat(getComputedStyle(c).fontSize);
              const text = document.createRange();
              text.selectNodeContents(c);  // the text's own box, not the row's height
              if (c.textContent.trim() && text.getBoundingClientRect().height > size * 2.2)
                out.push(c.textContent);
            }
            return out;"""
        )
        assert tall == [], tall[:5]
        page_width = driver.execute_script("return document.documentElement.scrollWidth")
        assert page_width <= 414
        full_page_screenshot(driver, "validation_report_phone.png")
    finally:
        driver.quit()


def test_clean_ledgers_give_an_empty_quarantine(settings):
    write_clean(settings.raw)
    ingest(None, settings)
    result = refresh(settings, force=True)
    assert quarantine_rows(settings) == []
    assert all(d.status == "passed" for d in result.datasets)


def needs_refresh(db) -> bool:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return not is_curated(con)
    finally:
        con.close()


def test_validation_is_needed_again_after_a_change(settings):
    write_clean(settings.raw)
    ingest(None, settings)
    assert needs_refresh(settings.db)
    refresh(settings)
    assert not needs_refresh(settings.db)
    (settings.raw / "hazards" / "more.csv").write_text(
        "隐患编号,统一社会信用代码,隐患等级,发现日期\nH2,E1,一般,2024-01-01\n", encoding="utf-8"
    )
    ingest(None, settings)
    assert needs_refresh(settings.db)


def test_committed_suites_match_the_dataset_specs():
    """expectations/*.json are generated from datasets.toml: they must not drift apart."""
    from safetystats.ingest.spec import load_specs
    from safetystats.validate.suites import expectation_specs

    settings = load_settings()
    checks = settings.datasets.get("checks", {})
    for name, spec in load_specs(settings).items():
        stored = json.loads((EXPECTATIONS_DIR / f"{name}.json").read_text(encoding="utf-8"))
        got = [(e["type"], e["kwargs"], e["meta"]) for e in stored["expectations"]]
        want = expectation_specs(spec, checks.get(name, []))
        assert len(got) == len(want), name
        for (gtype, gkw, gmeta), (cls, kw, meta) in zip(got, want, strict=True):
            assert gtype == re.sub(r"(?<!^)(?=[A-Z])", "_", cls).lower()
            assert gmeta == meta
            condition = gkw.pop("row_condition", None)
            if condition is not None:  # GX stores a string condition as a pass-through filter
                assert condition["pass_through_filter"] == kw["row_condition"]
            assert gkw == {k: v for k, v in kw.items() if k != "row_condition"}
