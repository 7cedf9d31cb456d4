"""A full disk during ingest, validate or export (DATA_SPEC 5): exit 1 with a plain message
(磁盘空间不足 / no space left on device), never a traceback, and the store and every earlier
output as they were. The disk is a small tmpfs, really filled (root mounts it)."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest
from clikit import run as cli
from clikit import said
from conftest import write_rows
from ledgers import FILES, write_broken, write_clean
from test_rollback import snapshot

pytestmark = pytest.mark.slow  # the CLI in processes, on a disk of its own

SAID = ("磁盘空间不足", "no space left on device", "as they were")


@pytest.fixture
def disk(tmp_path):
    """A 40 MB tmpfs of its own (skipped where the machine cannot mount one)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(mount: Path, leave: int = 0) -> Path:
    """Fill the disk, then give back ``leave`` bytes."""
    filler = mount / "filler"
    with open(filler, "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * (1 << 20))
                fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    while True:  # the last partial chunk
        try:
            with open(filler, "ab") as fh:
                fh.write(b"\0" * 4096)
        except OSError:
            break
    if leave:
        os.truncate(filler, filler.stat().st_size - leave)
    return filler


def refused(done) -> None:
    """Exit 1 with the plain message, never a traceback."""
    assert done.returncode == 1, said(done)
    assert all(words in said(done) for words in SAID), said(done)
    assert "Traceback" not in said(done)


def outputs(folder: Path) -> dict[str, bytes]:
    """Every file under the folder (temporary files too), with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def ready(tmp_path, disk):
    """Raw ledgers on the ordinary disk; the store and reports on the small one, ingested and
    validated (clean ledgers)."""
    raw = tmp_path / "raw"
    write_clean(raw)
    config = tmp_path / "safetystats.toml"
    config.write_text(
        f'[paths]\nraw = "{raw}"\ndb = "{disk}/store.duckdb"\nreports = "{disk}/reports"\n'
    )
    for step in ("ingest", "validate"):
        assert cli(config, step).returncode == 0
    return config, raw, disk


def test_a_full_disk_during_ingest(ready):
    config, raw, disk = ready
    name, header, _ = FILES["hazards"]
    rows = [
        [f"HB{i}", "E1", "环翠区", "一般", "2024-03-01", "2024-04-01"] + [""] * 5
        for i in range(60000)
    ]
    write_rows(raw / "hazards" / "big.csv", [header, *rows])
    before, reports = snapshot(disk / "store.duckdb"), outputs(disk / "reports")
    filler = fill(disk, leave=300_000)
    done = cli(config, "ingest")
    refused(done)
    filler.unlink()
    assert snapshot(disk / "store.duckdb") == before
    assert outputs(disk / "reports") == reports
    # with room again, the same command stores the file (60000 + the 1 hazard before)
    assert cli(config, "ingest").returncode == 0
    assert snapshot(disk / "store.duckdb")["hazards"].__len__() == 60001


def test_a_full_disk_during_validate(ready):
    config, raw, disk = ready
    write_broken(raw)  # the store changes: validate has a new quarantine to write
    assert cli(config, "ingest").returncode == 0
    before, reports = snapshot(disk / "store.duckdb"), outputs(disk / "reports")
    filler = fill(disk)
    done = cli(config, "validate")
    refused(done)
    filler.unlink()
    assert snapshot(disk / "store.duckdb") == before
    assert outputs(disk / "reports") == reports  # the old report, no temporary file
    done = cli(config, "validate")
    assert done.returncode == 0, said(done)
    assert outputs(disk / "reports") != reports


def test_a_full_disk_during_export(ready):
    config, raw, disk = ready
    out = disk / "reports" / "follow-up.xlsx"
    assert cli(config, "export", "--output", str(out)).returncode == 0
    before, reports = snapshot(disk / "store.duckdb"), outputs(disk / "reports")
    filler = fill(disk)
    done = cli(config, "export", "--output", str(out))
    refused(done)
    filler.unlink()
    assert snapshot(disk / "store.duckdb") == before
    assert outputs(disk / "reports") == reports  # the earlier workbook, no temporary file


def test_a_full_disk_during_packages(ready):
    """The packages are written two at a time: a full disk stops them with the plain message,
    each earlier package whole, no temporary file."""
    config, _, disk = ready
    assert cli(config, "packages", "--level", "all").returncode == 0
    before, reports = snapshot(disk / "store.duckdb"), outputs(disk / "reports")
    filler = fill(disk)
    done = cli(config, "packages", "--level", "all")
    refused(done)
    filler.unlink()
    assert snapshot(disk / "store.duckdb") == before
    assert outputs(disk / "reports") == reports
