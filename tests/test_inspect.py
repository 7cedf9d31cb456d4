"""safetystats inspect: how files would be read, before anything is stored (DATA_SPEC 3.1)."""

import tomllib
from pathlib import Path

from click.testing import CliRunner
from conftest import write_rows

from safetystats.cli import app

REAL = Path(__file__).parent / "fixtures" / "real"


def config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "safetystats.toml"
    path.write_text(
        '[paths]\nraw = "raw"\ndb = "store.duckdb"\nreports = "reports"\n' + extra,
        encoding="utf-8",
    )
    return path


def run(cfg: Path, *args):
    return CliRunner().invoke(app, ["--config", str(cfg), "inspect", *map(str, args)])


def test_a_file_that_loads_exits_0_shows_the_mapping_and_stores_nothing(tmp_path):
    cfg = config(tmp_path)
    result = run(cfg, REAL / "hazards" / "web_system.xls")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "hazards" in out and "loads" in out
    assert "区域" in out and "district" in out  # the header and the column it maps to
    assert "rows read 7: would store" in out
    assert not (tmp_path / "store.duckdb").exists()


def test_a_file_that_does_not_load_then_loads_after_filling_the_mapping(tmp_path):
    cfg = config(tmp_path)
    mapping = tmp_path / "mapping.toml"
    ruoyi = REAL / "hazards" / "ruoyi_export.xlsx"
    result = run(cfg, ruoyi, "--write-mapping", mapping)
    assert result.exit_code == 1
    assert "1级" in result.stdout and "not understood" in result.stdout
    written = tomllib.loads(mapping.read_text(encoding="utf-8"))
    # the grades are not guessed: one empty list per level, for the user to fill
    assert written == {"datasets": {"hazards": {"values": {"level": {"major": [], "general": []}}}}}
    filled = (
        mapping.read_text(encoding="utf-8")
        .replace("major = []", 'major = ["1级"]')
        .replace("general = []", 'general = ["2级", "3级"]')
    )
    cfg = config(tmp_path, filled)
    again = run(cfg, ruoyi)
    assert again.exit_code == 0, again.output
    assert "would store 7, quarantine 0" in again.stdout


def test_a_missing_column_is_guessed_from_the_closest_header(tmp_path):
    ledger = write_rows(
        tmp_path / "raw" / "hazards" / "h.csv",
        [
            ["隐患编号", "统一社会信用代码", "隐患等级", "隐患发现日"],
            ["H1", "E1", "重大", "2024-03-01"],
        ],
    )
    cfg = config(tmp_path)
    mapping = tmp_path / "mapping.toml"
    result = run(cfg, ledger, "--write-mapping", mapping)
    assert result.exit_code == 1
    assert "missing required column found_date" in result.stdout
    text = mapping.read_text(encoding="utf-8")
    assert 'found_date = ["隐患发现日"]  # guess' in text
    assert run(config(tmp_path, text), ledger).exit_code == 0


def test_an_unreadable_file_is_reported_not_raised(tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"%PDF-1.4 not a workbook")
    result = run(config(tmp_path), bad)
    assert result.exit_code == 1
    assert "PDF" in result.stdout and "Traceback" not in result.output
