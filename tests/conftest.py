import csv
import io
import os
from pathlib import Path

import duckdb
import pytest

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
