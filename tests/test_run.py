"""The main job end to end: `safetystats run` on an empty raw folder."""

import json

import pytest
from typer.testing import CliRunner

from safetystats.cli import app

pytestmark = pytest.mark.slow  # the whole job


def test_run_on_an_empty_raw_folder_does_the_whole_job(tmp_path):
    config = tmp_path / "safetystats.toml"
    config.write_text(
        '[paths]\nraw = "raw"\ndb = "store.duckdb"\nreports = "reports"\n', encoding="utf-8"
    )
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "README.md").write_text("drop ledgers here\n", encoding="utf-8")  # not data

    result = CliRunner().invoke(
        app, ["--config", str(config), "run", "--sample-scale", "small", "--jobs", "2"]
    )

    assert result.exit_code == 0, result.output
    assert "the raw folder was empty" in result.output
    assert len(list((tmp_path / "raw").rglob("样例数据_*"))) == 10
    assert (tmp_path / "reports" / "quarantine.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    index = tmp_path / "reports" / "2024-12-31" / "index.html"
    assert index.exists() and str(index) in result.output.replace("\n", "")
    assert len(list(index.parent.glob("*.html"))) == 1 + 1 + 7  # index, overview, districts

    again = CliRunner().invoke(app, ["--config", str(config), "run", "--sample-scale", "small"])
    assert again.exit_code == 0 and "the raw folder was empty" not in again.output  # data kept
    assert "unchanged" in again.output
    summary = json.loads(
        (tmp_path / "reports" / "validation_summary.json").read_text(encoding="utf-8")
    )
    assert {d["dataset"] for d in summary["datasets"]} == {
        "enterprises",
        "hazards",
        "drills",
        "training_plan",
        "training_counts",
        "video_sites",
    }
