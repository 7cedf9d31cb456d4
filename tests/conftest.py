import contextlib
import csv
import fcntl
import io
import os
import shutil
from pathlib import Path

import duckdb
import pytest

import safetystats.report  # noqa: F401 (first: it keeps jsonschema from a slow import)
from safetystats.config import load_settings

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# settings come from what each test names, not from the developer's shell or JupyterLab
os.environ.pop("SAFETYSTATS_CONFIG", None)
os.environ.pop("JPY_SESSION_NAME", None)
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def settings(tmp_path):
    """Settings whose raw folder, store and reports live in a fresh temporary folder."""
    raw = tmp_path / "raw"
    raw.mkdir()
    return load_settings(raw=raw, db=tmp_path / "store.duckdb", reports=tmp_path / "reports")


def write_rows(path: Path, rows: list[list], encoding: str = "utf-8", bom: bool = False) -> Path:
    """A CSV file as Excel saves it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode(encoding))
    return path


def query(settings, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(settings.db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@contextlib.contextmanager
def _exclusive(path: Path):
    """An exclusive flock on ``path`` (created), released on exit."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> Path:
    """The small sample (seed 11) written, ingested and validated once per test run and shared
    by every worker (xdist) and every end-to-end test that only reads it: a folder with
    ``raw/`` and ``store.duckdb``. Use :func:`reading` for settings with a reports folder of
    the test's own."""
    from safetystats.ingest import ingest
    from safetystats.pipeline import refresh
    from safetystats.sample import write_sample

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # popen-gwN: the run's folder is its parent
        base = base.parent
    root = base / "shared-sample-store"
    with _exclusive(base / "shared-sample-store.lock"):
        if not (root / "ready").exists():
            shutil.rmtree(root, ignore_errors=True)
            s = load_settings(raw=root / "raw", db=root / "store.duckdb", reports=root / "reports")
            write_sample(s.raw, s, seed=11, scale_name="small")
            ingest(None, s)
            refresh(s)
            (root / "ready").touch()
    return root


def ingested_sample(folder: Path, seed: int):
    """Settings over ``folder`` (raw/, s.duckdb, r/) with the small sample of ``seed`` written
    and ingested (not validated)."""
    from safetystats.ingest import ingest
    from safetystats.sample import write_sample

    s = load_settings(raw=folder / "raw", db=folder / "s.duckdb", reports=folder / "r")
    write_sample(s.raw, s, seed=seed, scale_name="small")
    ingest(None, s)
    return s


def reading(store_root: Path, reports: Path, **settings):
    """Settings over the shared sample store with a reports folder of the caller's."""
    raw, db = store_root / "raw", store_root / "store.duckdb"
    s = load_settings(raw=raw, db=db, reports=reports, **settings)
    reports.mkdir(parents=True, exist_ok=True)
    source = store_root / "reports" / "validation.html"
    if source.exists():
        shutil.copy(source, reports / "validation.html")
    return s


@pytest.fixture
def prepare_ahead(monkeypatch):
    """config/performance.toml's ``overlap`` on (threads prepare the next files while this one
    is stored), whatever the default (docs/scaling.md)."""
    from safetystats.ingest import parallel

    packaged = parallel.packaged

    def with_overlap(name: str) -> dict:
        rules = packaged(name)
        if name == "performance":
            rules["ingest"]["overlap"] = True
        return rules

    monkeypatch.setattr(parallel, "packaged", with_overlap)
