"""Entries of the raw folder that cannot be read as files (DATA_SPEC 3, issue 19 item 4):
named pipes, sockets, dangling links, link loops, links to anything but a file and files
without read permission are named with the reason, the command exits 1, and the rest is
ingested. A link to a regular file is followed."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import duckdb
import pytest
from clikit import run as cli
from clikit import said
from conftest import write_rows
from ledgers import FILES, write_clean

from safetystats.ingest.entries import unreadable, walk
from safetystats.ingest.pipeline import discover

# root reads any file: the CLI runs without the capabilities that let it (setpriv, util-linux)
NO_DAC = [
    "setpriv",
    "--inh-caps=-dac_override,-dac_read_search",
    "--bounding-set=-dac_override,-dac_read_search",
]


def make_entries(raw: Path, outside: Path) -> dict[str, str]:
    """Every kind of entry that cannot be read, beside the clean ledgers; returns each entry's
    path relative to raw → the words its reason must carry."""
    outside.mkdir()
    os.mkfifo(raw / "hazards" / "管道.csv")
    here = Path.cwd()
    os.chdir(raw / "drills")  # a socket's path must be short: bind it by its relative name
    try:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind("sock.csv")
        sock.close()
    finally:
        os.chdir(here)
    (raw / "drills" / "dangling.csv").symlink_to(raw / "nowhere.csv")
    (raw / "loop_a.csv").symlink_to(raw / "loop_b.csv")
    (raw / "loop_b.csv").symlink_to(raw / "loop_a.csv")
    (raw / "self.xlsx").symlink_to(raw / "self.xlsx")
    (raw / "hazards" / "to_pipe.csv").symlink_to(raw / "hazards" / "管道.csv")
    write_rows(outside / "folder" / "enterprises.csv", [["x"]])
    (raw / "linked_folder").symlink_to(outside / "folder")
    # followed: a link to a regular file (one more enterprise, E9)
    name, header, rows = FILES["enterprises"]
    write_rows(outside / "more.csv", [header, ["E9", "壬公司", "环翠区", "工贸", "", "5", "在营"]])
    (raw / "enterprises" / "linked.csv").symlink_to(outside / "more.csv")
    return {
        "hazards/管道.csv": "named pipe",
        "drills/sock.csv": "a socket",
        "drills/dangling.csv": "dangling link",
        "loop_a.csv": "link loop",
        "loop_b.csv": "link loop",
        "self.xlsx": "link loop",
        "hazards/to_pipe.csv": "a link to a named pipe",
        "linked_folder": "a link to a folder",
    }


@pytest.fixture
def raw(tmp_path):
    raw = tmp_path / "raw"
    write_clean(raw)
    return raw


def test_each_kind_of_entry_has_its_reason_and_regular_files_none(raw, tmp_path):
    expected = make_entries(raw, tmp_path / "outside")
    reasons = {p.relative_to(raw).as_posix(): unreadable(p) for p in walk(raw)}
    for entry, words in expected.items():
        assert words in reasons[entry], entry
    readable = sorted(e for e, r in reasons.items() if r is None)
    assert readable == sorted(
        [f"{d}/{f[0]}" for d, f in FILES.items()] + ["enterprises/linked.csv"]
    )
    # discover keeps every unreadable entry (ingest names it), and never walks the linked folder
    files, _ = discover([raw])
    found = {f.relative_to(raw).as_posix() for f in files}
    assert set(expected) <= found
    assert not any(f.startswith("linked_folder/") for f in found)


def can_drop_read_override(tmp_path: Path) -> bool:
    probe = tmp_path / "probe"
    probe.write_text("x")
    probe.chmod(0)
    if shutil.which("setpriv") is None:
        return False
    done = subprocess.run([*NO_DAC, "cat", str(probe)], capture_output=True)
    probe.chmod(0o644)
    return done.returncode != 0


@pytest.mark.slow  # the CLI in a process
def test_ingest_names_every_unreadable_entry_exits_1_and_ingests_the_rest(raw, tmp_path):
    expected = make_entries(raw, tmp_path / "outside")
    prefix = []
    if os.geteuid() != 0 or can_drop_read_override(tmp_path):
        locked = raw / "video_sites" / "locked.csv"
        write_rows(locked, [["点位编号"], ["V9"]])
        locked.chmod(0)
        expected["video_sites/locked.csv"] = "no read permission"
        write_rows(raw / "closed" / "drills.csv", [["演练编号"], ["D9"]])
        (raw / "closed").chmod(0)
        expected["closed"] = "a folder without read permission"
        prefix = NO_DAC if os.geteuid() == 0 else []
    config = tmp_path / "safetystats.toml"
    config.write_text(f'[paths]\nraw = "{raw}"\ndb = "store.duckdb"\nreports = "reports"\n')
    done = cli(config, "ingest", prefix=prefix)
    if (raw / "closed").exists():
        (raw / "closed").chmod(0o755)
    text = said(done)
    assert done.returncode == 1, text
    assert "Traceback" not in text
    for entry, words in expected.items():
        line = next((x for x in text.split("failed: ")[1:] if entry.split("/")[-1] in x), "")
        assert words in line, (entry, text)
    if "video_sites/locked.csv" not in expected:
        print("no unreadable file: root keeps its read override here (setpriv could not drop it)")
    con = duckdb.connect(str(tmp_path / "store.duckdb"), read_only=True)
    try:
        # every clean ledger is in, and the enterprise of the linked file (E1, E2 + E9)
        stored = con.execute(
            "SELECT count(*), count(DISTINCT dataset) FROM ingest_files"
        ).fetchall()
        assert stored == [(len(FILES) + 1, len(FILES))]
        assert con.execute("SELECT enterprise_id FROM enterprises ORDER BY 1").fetchall() == [
            ("E1",),
            ("E2",),
            ("E9",),
        ]
    finally:
        con.close()


def test_inspect_names_an_entry_it_cannot_read_and_never_opens_a_pipe(raw, tmp_path):
    from safetystats.config import load_settings
    from safetystats.ingest.inspect import inspect_files

    make_entries(raw, tmp_path / "outside")
    s = load_settings(raw=raw, db=tmp_path / "s.duckdb", reports=tmp_path / "r")
    entries = [raw / "hazards" / "管道.csv", raw / "drills" / "dangling.csv", raw / "loop_a.csv"]
    reports = inspect_files(entries + [raw / "enterprises" / "linked.csv"], s)
    assert [r.loads for r in reports] == [False, False, False, True]
    assert ["named pipe" in reports[0].error, "dangling link" in reports[1].error] == [True, True]
    assert "link loop" in reports[2].error
