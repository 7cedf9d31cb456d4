"""The store's schema version (DATA_SPEC 5): a store written by the previous release (the code
of commit e6ac799, the last without a schema version) is migrated in place after a copy
beside it and then reads as a store built today; an older store whose rows lack a column this
version reads is refused with the command that rebuilds it, and that command works; a store
of a newer version is refused; a migration that fails leaves the store as it was."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import duckdb
import pytest
from clikit import REPO, env, run, said
from ledgers import write_clean
from test_rollback import snapshot

from safetystats import store, store_schema
from safetystats.errors import StoreVersionError

pytestmark = pytest.mark.slow  # stores built by two versions, the CLI in processes

PREVIOUS = "e6ac799"  # the previous release: stores without a schema version
# the previous release's clean ledgers (its tests/ledgers.py) read by its own code
BUILD = """
import shutil, sys
from pathlib import Path
sys.path.insert(0, str(Path(sys.argv[1]).parent / "tests"))
import safetystats
from ledgers import write_clean
from safetystats.config import load_settings
from safetystats.ingest import ingest
from safetystats.pipeline import refresh
assert safetystats.__file__.startswith(sys.argv[1]), safetystats.__file__
root = Path(sys.argv[2])
write_clean(root / "raw")
for left_out in sys.argv[3:]:
    shutil.rmtree(root / "raw" / left_out)
s = load_settings(raw=root / "raw", db=root / "store.duckdb", reports=root / "reports")
assert all(r.status == "ingested" for r in ingest(None, s))
refresh(s)
"""


@pytest.fixture(scope="module")
def previous_src(tmp_path_factory) -> Path:
    """The package and the test ledgers as commit e6ac799 had them (git archive)."""
    done = subprocess.run(
        [
            "git",
            "-C",
            str(REPO),
            "archive",
            PREVIOUS,
            "src",
            "tests/ledgers.py",
            "tests/conftest.py",
        ],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip(f"commit {PREVIOUS} is not in this clone: {done.stderr.decode().strip()}")
    root = tmp_path_factory.mktemp("previous")
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as tar:
        tar.extractall(root, filter="data")
    return root / "src"


def previous_store(previous_src: Path, root: Path, *left_out: str) -> Path:
    """The previous release's clean ledgers (but the datasets ``left_out``) ingested,
    validated and curated by its code."""
    done = subprocess.run(
        [sys.executable, "-c", BUILD, str(previous_src), str(root), *left_out],
        env=env(previous_src),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return root / "store.duckdb"


def cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    config = root / "safetystats.toml"
    config.write_text('[paths]\nraw = "raw"\ndb = "store.duckdb"\nreports = "reports"\n')
    return run(config, *args)


def attainment_json(root: Path) -> tuple[int, dict]:
    done = cli(root, "attainment", "--format", "json")
    assert "Traceback" not in said(done)
    return done.returncode, json.loads(done.stdout)


def today(raw: Path) -> tuple[int, dict]:
    """The attainment of a store built by today's code from the same ledgers."""
    root = raw.parent.parent / f"today-{raw.parent.name}"
    shutil.copytree(raw, root / "raw")
    assert cli(root, "ingest").returncode == 0
    return attainment_json(root)


def schema_version(db: Path) -> str | None:
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = con.execute(
            "SELECT value FROM store_state WHERE name = 'schema_version'"
        ).fetchall()
        return found[0][0] if found else None
    finally:
        con.close()


def test_a_previous_release_store_is_migrated_in_place_after_a_copy(previous_src, tmp_path):
    root = tmp_path / "old"
    # inspections left out: this version reads columns of them the previous one did not (the
    # enforcement columns), and such a store is refused (the next test)
    db = previous_store(previous_src, root, "inspections")
    assert schema_version(db) is None  # the previous release wrote no version
    written = snapshot(db)
    code, result = attainment_json(root)
    assert (code, result) == today(root / "raw")  # every figure as a store built today gives
    assert result["rows"]  # something was compared
    assert schema_version(db) == str(store_schema.SCHEMA_VERSION)
    backups = list(root.glob("store.schema1-*.bak.duckdb"))
    assert len(backups) == 1 and snapshot(backups[0]) == written  # the copy, as it was
    # migrated once: the next command finds the current version and copies nothing
    assert attainment_json(root) == (code, result)
    assert len(list(root.glob("store.schema1-*"))) == 1


def older_store(db: Path) -> None:
    """Make a previous-release store look like the corpus's older one: its hazards read without
    closed_date (curated too), and no accidents tables."""
    con = duckdb.connect(str(db))
    try:
        for table in ("hazards", "hazards_history", "curated_hazards"):
            con.execute(f'ALTER TABLE "{table}" DROP COLUMN closed_date')
        for table in ("accidents", "accidents_history", "curated_accidents"):
            con.execute(f'DROP TABLE "{table}"')
    finally:
        con.close()


def test_an_older_store_is_refused_with_the_command_that_rebuilds_it(previous_src, tmp_path):
    root = tmp_path / "older"
    db = previous_store(previous_src, root)
    older_store(db)
    done = cli(root, "attainment", "--format", "json")
    text = said(done)
    assert done.returncode == 1, text
    assert "Traceback" not in text and "Exception" not in text
    assert "hazards: closed_date" in text and "safetystats ingest --rebuild" in text
    assert "inspections: " in text  # the enforcement columns the previous release did not read
    refused = snapshot(db)
    assert cli(root, "attainment").returncode == 1  # refused again, nothing changed
    assert snapshot(db) == refused
    # the command the message names rebuilds the store from the raw files
    done = cli(root, "ingest", "--rebuild")
    assert done.returncode == 0, said(done)
    assert "the old store is kept as" in said(done)
    assert len(list(root.glob("store.before-rebuild-*.duckdb"))) == 1
    assert attainment_json(root) == today(root / "raw")


def test_a_store_of_a_newer_version_is_refused_and_left_alone(tmp_path):
    root = tmp_path / "newer"
    write_clean(root / "raw")  # today's ledgers
    assert cli(root, "ingest").returncode == 0
    db = root / "store.duckdb"
    con = duckdb.connect(str(db))
    con.execute("INSERT OR REPLACE INTO store_state VALUES ('schema_version', '99')")
    con.close()
    before = snapshot(db)
    for args in (("attainment",), ("ingest",), ("validate",)):
        done = cli(root, *args)
        assert done.returncode == 1, said(done)
        assert "newer safetystats (store schema 99; this version reads schema 2)" in said(done)
        assert "Traceback" not in said(done)
    assert snapshot(db) == before
    with pytest.raises(StoreVersionError), store.reader(db, require_curated=False):
        pass


def test_a_migration_that_fails_leaves_the_store_as_it_was(previous_src, tmp_path, monkeypatch):
    db = previous_store(previous_src, tmp_path / "failing")
    written = snapshot(db)

    def half(con):  # does part of the work, then fails
        con.execute("DELETE FROM store_state")
        con.execute("SELECT * FROM no_such_table")

    monkeypatch.setitem(store_schema.MIGRATIONS, 1, half)
    with pytest.raises(StoreVersionError, match="could not be migrated from schema 1"):
        with store.writer(db):
            pass
    assert snapshot(db) == written
    assert len(list(db.parent.glob("store.schema1-*.bak.duckdb"))) == 1
