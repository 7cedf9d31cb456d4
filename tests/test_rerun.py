"""Nothing redone when nothing changed: a page whose inputs are as at its last run is kept."""

import datetime as dt
import shutil
import subprocess
import sys

import pytest
from conftest import reading

from safetystats.config import settings_toml
from safetystats.paths import PACKAGE_DIR, PACKAGED_CONFIG
from safetystats.report import runner
from safetystats.report.workbook import export

pytestmark = pytest.mark.slow  # papermill


def test_a_second_run_redoes_nothing_and_a_change_redoes_the_pages(sample_store, tmp_path):
    targets = tmp_path / "targets.toml"
    shutil.copy(PACKAGED_CONFIG / "targets.toml", targets)
    s = reading(sample_store, tmp_path / "r", targets=targets)
    first = runner.bulletins(s, districts=["环翠区"], jobs=1, city=False)
    assert not first.failed and not any(r.unchanged for r in first.results)
    page = first.folder / "环翠区.html"
    written = page.stat().st_mtime_ns

    again = runner.bulletins(s, districts=["环翠区"], jobs=1, city=False)
    assert [r.unchanged for r in again.results] == [True]  # 环翠区's page
    assert page.stat().st_mtime_ns == written  # not written again
    assert "沿用上次生成的页面" in again.index.read_text(encoding="utf-8")  # and the index says so

    # the follow-up workbook too: kept when its inputs did not change
    book, written = export(s, first.as_of, force=False)
    assert written and book.exists()
    kept = book.stat().st_mtime_ns
    assert export(s, first.as_of, force=False) == (book, False)
    assert book.stat().st_mtime_ns == kept

    forced = runner.bulletins(s, districts=["环翠区"], jobs=1, force=True, city=False)
    assert not any(r.unchanged for r in forced.results)

    targets.write_text(
        targets.read_text(encoding="utf-8").replace("“四不”演练占比", "“四不”演练比例"),
        encoding="utf-8",
    )  # a changed targets file
    changed = runner.bulletins(s, districts=["环翠区"], jobs=1, city=False)
    assert not any(r.unchanged for r in changed.results)
    assert export(s, first.as_of, force=False) == (book, True)  # and the workbook is redone
    assert "“四不”演练比例" in page.read_text(encoding="utf-8")

    # a new as-of date is another run folder: nothing there to keep
    fingerprint = runner.inputs_fingerprint
    assert fingerprint(s, dt.date(2024, 11, 30), "zh", False, "v") != fingerprint(
        s, dt.date(2024, 12, 31), "zh", False, "v"
    )


UPGRADED_EXPORT = """
import datetime as dt, sys
from safetystats.config import load_settings
from safetystats.report.workbook import export
path, written = export(load_settings(sys.argv[1]), dt.date.fromisoformat(sys.argv[2]), force=False)
print(written)
"""


def test_an_upgrade_that_keeps_the_version_number_redoes_the_workbook(sample_store, tmp_path):
    """The package version has stayed one number across releases: what an earlier code wrote is
    redone once the code changes, kept while it does not (the code's files are an input)."""
    s = reading(sample_store, tmp_path / "r")
    book, written = export(s, dt.date(2024, 11, 30), force=False)
    assert written
    config = tmp_path / "safetystats.toml"
    config.write_text(settings_toml(s), encoding="utf-8")
    copy = tmp_path / "site" / "safetystats"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))

    def export_with(package_root):
        done = subprocess.run(
            [sys.executable, "-c", UPGRADED_EXPORT, str(config), "2024-11-30"],
            capture_output=True,
            text=True,
            env={"PYTHONPATH": str(package_root), "PATH": "/usr/bin:/bin"},
            check=True,
        )
        return done.stdout.split()[-1]

    assert export_with(copy.parent) == "False"  # the same code elsewhere: kept
    workbook_code = copy / "report" / "workbook.py"
    workbook_code.write_text(workbook_code.read_text(encoding="utf-8") + "\n# 0.1.0, patched\n")
    assert export_with(copy.parent) == "True"  # an upgrade: redone
    assert export_with(copy.parent) == "False"  # and kept after it
