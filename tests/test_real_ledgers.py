"""Ledgers in the shapes real offices send (tests/fixtures/real, see EXPECTED.md there):
each file's rows stored, quarantined (file row, column, rule) and skipped, as DATA_SPEC 3,
3.1 and 4 say, worked out by hand in expected.json."""

import json
import shutil
from pathlib import Path

import pytest
from conftest import query

from safetystats.config import load_settings
from safetystats.ingest import ingest
from safetystats.pipeline import refresh

pytestmark = pytest.mark.slow  # a store validated with GX

REAL = Path(__file__).parent / "fixtures" / "real"
EXPECTED = json.loads((REAL / "expected.json").read_text(encoding="utf-8"))
FILES = sorted(k for k in EXPECTED if not k.startswith("_"))
FOLDERS = ("enterprises", "hazards", "drills", "training_counts")


def _store(root: Path, extra: str = ""):
    raw = root / "raw"
    for folder in FOLDERS:
        shutil.copytree(REAL / folder, raw / folder)
    config = root / "safetystats.toml"
    config.write_text(
        '[paths]\nraw = "raw"\ndb = "store.duckdb"\nreports = "reports"\n' + extra,
        encoding="utf-8",
    )
    settings = load_settings(config)
    results = {r.path.relative_to(raw).as_posix(): r for r in ingest(None, settings)}
    refresh(settings)
    return settings, results


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    return _store(tmp_path_factory.mktemp("real"))


@pytest.fixture(scope="module")
def mapped(tmp_path_factory):
    return _store(
        tmp_path_factory.mktemp("mapped"), (REAL / "ruoyi_mapping.toml").read_text("utf-8")
    )


def _quarantine(settings, name: str, severity: str) -> set:
    return set(
        query(
            settings,
            "SELECT row_no, column_name, rule_id FROM quarantine WHERE file_name = ? AND severity = ?",
            [name, severity],
        )
    )


def _stored(settings, dataset: str, name: str) -> int:
    return query(
        settings,
        f"SELECT count(*) FROM curated_{dataset} c JOIN ingest_files f ON f.file_id = c._file_id "
        "WHERE f.file_name = ?",
        [name],
    )[0][0]


def _check(settings, results, file: str, want: dict) -> None:
    name = Path(file).name
    result = results[file]
    if want["fails_with"]:
        assert result.status == "failed", file
        assert name in result.message
        return
    assert result.status == "ingested", (file, result.message)
    assert result.rows_read == want["rows_read"], file
    skipped = want["skipped"]
    footer = skipped.get("footer", 0) + skipped.get("subtotal", 0)  # 合计/小计 are footers too
    assert result.skipped_by_reason["empty"] == skipped.get("empty", 0), file
    assert result.skipped_by_reason["footer"] == footer, file
    # every error and warning the spec asks for is reported at its row and column
    assert {tuple(x) for x in want["quarantined"]} <= _quarantine(settings, name, "error"), file
    assert {tuple(x) for x in want["warnings"]} <= _quarantine(settings, name, "warning"), file
    # read = stored + held + skipped, and what reaches the curated table is exactly what is due
    assert result.rows_read == result.rows_stored + result.rows_held + result.rows_skipped, file
    if want["dataset"] != "training_counts":
        assert _stored(settings, want["dataset"], name) == want["stored"], file


@pytest.mark.parametrize("file", FILES)
def test_each_real_ledger_lands_as_the_spec_says(real, file):
    _check(*real, file, EXPECTED[file])


def test_a_user_mapping_makes_the_ruoyi_export_load(mapped):
    file = "hazards/ruoyi_export.xlsx"
    _check(*mapped, file, EXPECTED[file] | EXPECTED[file]["with_mapping"])


def test_trainees_are_counted_per_enterprise_category_and_month(real):
    settings, results = real
    result = results["training_counts/特种作业人员培训名单.xlsx"]
    # 20 trainees counted at ingest; the one of an enterprise the register does not know is
    # quarantined with its aggregate row: 19 trainees in 11 rows, 15 of them passed
    rows = query(
        settings,
        "SELECT count(*), sum(trained), sum(passed) FROM curated_training_counts c "
        "JOIN ingest_files f ON f.file_id = c._file_id WHERE f.file_name = ?",
        [result.path.name],
    )
    assert rows == [(11, 19, 15)]


def test_merged_two_row_header_reads_sub_headers_and_lists_the_unused_ones(real):
    _, results = real
    result = results["hazards/重大隐患台账_两行表头.xlsx"]
    assert any("整改责任单位/建设" in w for w in result.warnings)
    assert result.title_rows == 0


def test_the_derived_keys_are_auto_keys(real):
    settings, _ = real
    ids = query(
        settings,
        "SELECT DISTINCT left(hazard_id, 5), length(hazard_id) FROM curated_hazards c "
        "JOIN ingest_files f ON f.file_id = c._file_id WHERE f.file_name LIKE '隐患排查治理台账%'",
    )
    assert ids == [("auto:", 17)]


def test_an_aggregate_table_is_rejected_with_a_clear_message(real):
    _, results = real
    message = results["training_counts/培训情况汇总表.xlsx"].message
    assert "汇总" in message and "aggregates" in message


def test_the_same_records_next_month_keep_their_derived_keys(tmp_path):
    """An auto: key comes from the record's content: the same rows sent again in another file
    (here as CSV) replace the earlier ones instead of adding to them."""
    from safetystats.ingest.read import read_tables

    settings = load_settings(raw=tmp_path / "raw", db=tmp_path / "s.duckdb", reports=tmp_path / "r")
    source = REAL / "hazards" / "隐患排查治理台账（导出）.xlsx"
    first = settings.raw / "hazards" / "2024-01.xlsx"
    first.parent.mkdir(parents=True)
    shutil.copy(source, first)
    ingest(None, settings)
    keys = query(settings, "SELECT hazard_id FROM hazards ORDER BY 1")
    read_tables(source)[0].frame.write_csv(
        settings.raw / "hazards" / "2024-02.csv", include_header=False
    )
    assert [r.status for r in ingest(None, settings)] == ["unchanged", "ingested"]
    assert query(settings, "SELECT hazard_id FROM hazards ORDER BY 1") == keys
    assert query(settings, "SELECT count(*) FROM hazards_history")[0][0] == len(keys)
