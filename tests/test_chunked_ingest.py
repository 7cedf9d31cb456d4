"""Large CSV files read and prepared in chunks (read.chunk_bytes, config/performance.toml) give
the store that reading them whole gives: rows stored, held and skipped, messages, file ids,
replaced rows, the quarantine. A tiny chunk size here cuts each file into dozens of chunks,
with repeated keys, damaged values, blank lines and quoted line ends across the cuts."""

import pytest
from test_disk_full import disk, fill  # noqa: F401 (the fixture)
from test_rollback import snapshot

from safetystats import store
from safetystats.config import load_settings
from safetystats.errors import DiskFullError
from safetystats.ingest import ingest, parts, read
from safetystats.sample import write_sample
from tests.test_parallel_ingest import _store

pytestmark = pytest.mark.slow  # files of thousands of rows in dozens of chunks (about 15 s)

CHUNK = 6_000  # bytes: about 60 rows a chunk


def _lines(raw, name: str) -> tuple[list[str], list[str]]:
    """(title and header lines, data lines) of one of the small sample's GBK hazards CSVs (a
    title over the header: the header is on line 3)."""
    text = (raw / "hazards" / name).read_bytes().decode("gb18030")
    lines = text.rstrip("\n").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("HZ"))
    return lines[:start], [line for line in lines[start:] if line.startswith("HZ")]


def _big(head: list[str], rows: list[str], copies: int) -> list[str]:
    """``rows`` ``copies`` times under new ids (more than the head's 65,536 characters), with
    what must be settled across chunks: a row repeated as it was far below (kept once), a row
    repeated with other content (both held), an unreadable date and a code Excel damaged, a
    blank line, a quoted cell with a line end in it, footers at the end."""
    body = [row.replace("HZ2023J", f"HZ2023J{k:02d}", 1) for k in range(copies) for row in rows]
    body[10] = body[10].replace("2023", "2023-13-45", 1)  # an unreadable date
    cells = body[20].split(",")
    cells[1] = "9.13702E+17"  # a credit code Excel damaged
    body[20] = ",".join(cells)
    cells = body[2000].split(",")
    cells[1] = "9.13702E+17"  # another, chunks later
    body[2000] = ",".join(cells)
    body[1500] = body[1500].replace(",一般", ",#DIV/0!", 1).replace(",重大", ",#DIV/0!", 1)
    body[30] = body[30].replace(',"",', ',"第一行\n第二行",', 1)
    body.insert(40, "")  # a blank line inside
    conflict = body[5].split(",")
    conflict[3] = "重大" if conflict[3] != "重大" else "一般"
    body += [body[3], ",".join(conflict), body[len(body) // 2]]  # repeats of earlier rows
    return head + body + ["", "填报人：王某某    审核人：李某某,,,,"]


@pytest.fixture(scope="module")
def raw(tmp_path_factory):
    sample = tmp_path_factory.mktemp("sample")
    write_sample(sample, load_settings(raw=sample), seed=7, scale_name="small")
    head, rows = _lines(sample, "样例数据_隐患台账_2023.csv")
    folder = tmp_path_factory.mktemp("raw")
    (folder / "hazards").mkdir()
    gbk = "\n".join(_big(head, rows, 8)) + "\n\n"
    (folder / "hazards" / "a_gbk.csv").write_bytes(gbk.encode("gb18030"))
    # UTF-8 with a BOM and Windows line ends; its ids overlap the first file's (replaced rows)
    utf8 = "\r\n".join(_big(head, rows[::2], 14)) + "\r\n"
    (folder / "hazards" / "b_utf8.csv").write_bytes(b"\xef\xbb\xbf" + utf8.encode("utf-8"))
    return folder


@pytest.fixture(scope="module")
def read_whole(raw, tmp_path_factory):
    """The two files read whole: (settings, results)."""
    folder = tmp_path_factory.mktemp("whole")
    whole = load_settings(raw=raw, db=folder / "whole.duckdb", reports=folder / "r")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(read, "chunk_bytes", lambda: 0)
        return whole, ingest(None, whole, jobs=1)


@pytest.mark.parametrize("in_memory", ["none", "some", "all"])
def test_a_file_in_chunks_is_stored_as_the_whole_file(
    raw, read_whole, tmp_path, monkeypatch, prepare_ahead, in_memory
):
    """Each chunk's rows written as a part; kept as frames until they exceed the budget
    (``rows_in_memory``: then the frames so far are written and the rest follow as parts);
    all kept as frames (the file is then stored as a file read whole)."""
    assert all(f.stat().st_size > read._HEAD_BYTES for f in (raw / "hazards").iterdir())
    budget = {"none": 0, "some": 50_000, "all": 10**9}[in_memory]
    monkeypatch.setattr(parts, "rows_in_memory", lambda: budget)
    whole, one = read_whole
    chunked = load_settings(raw=raw, db=tmp_path / "chunked.duckdb", reports=tmp_path / "r2")
    parsed = []
    polars_read = read._csv_polars

    def counted(data, delimiter, width):
        parsed.append(data.count(b"\n"))
        return polars_read(data, delimiter, width)

    monkeypatch.setattr(read, "chunk_bytes", lambda: CHUNK)
    monkeypatch.setattr(read, "_csv_polars", counted)
    written, add = [], parts.RowParts.add
    monkeypatch.setattr(
        parts.RowParts, "add", lambda self, f: written.append(f.height) or add(self, f)
    )
    many = ingest(None, chunked, jobs=1)
    # really in chunks: the two files (about 3,300 and 2,900 lines) in more than 50 pieces,
    # each chunk's rows kept on disk as a part until stored (or kept as frames: none on disk;
    # "some": the frames of the first chunks written once over the budget), and the parts
    # removed since
    assert len(parsed) > 50 and max(parsed) < 200
    assert len(written) == (0 if in_memory == "all" else len(parsed))
    assert in_memory == "all" or sum(written) > 6000
    assert not chunked.db.with_name(chunked.db.name + ".rows").exists()
    summary = [
        (r.path.name, r.status, r.rows_read, r.rows_stored, r.rows_held, r.rows_skipped)
        for r in one
    ]
    assert summary == [
        (r.path.name, r.status, r.rows_read, r.rows_stored, r.rows_held, r.rows_skipped)
        for r in many
    ]
    assert [r.skipped_by_reason for r in one] == [r.skipped_by_reason for r in many]
    assert [(r.message, r.warnings, r.title_rows) for r in one] == [
        (r.message, r.warnings, r.title_rows) for r in many
    ]
    # held: the Excel error, the two damaged codes and the two rows of the conflicting key
    # (the unreadable date is stored with its text); skipped: the blank line inside and the one
    # before the footer, the footer, the two repeats kept once (3,206 = 3,196 + 5 + 5)
    assert {r.status for r in many} == {"ingested"}
    assert many[0].title_rows == 2 and many[0].rows_held == 5
    assert many[0].rows_read == 3206 and many[0].rows_stored == 3196
    assert many[0].skipped_by_reason["duplicate"] == 2
    assert many[0].skipped_by_reason["empty"] == 2
    assert many[0].skipped_by_reason["footer"] == 1
    assert _store(whole) == _store(chunked)
    # and the held rows in the order they were held (by step, then row, as the whole file)
    assert _held(whole) == _held(chunked)
    assert [rule for rule, _ in _held(chunked)][:5] == [
        "excel_error",
        "damaged_code",
        "damaged_code",
        "duplicate_conflict",
        "duplicate_conflict",
    ]
    if in_memory != "none":
        return
    # the next file prepared (its parts written) in a thread while this one is stored
    ahead = load_settings(raw=raw, db=tmp_path / "ahead.duckdb", reports=tmp_path / "r3")
    assert [r.rows_stored for r in ingest(None, ahead)] == [r.rows_stored for r in many]
    assert _store(ahead) == _store(whole) and _held(ahead) == _held(whole)


def _held(s) -> list:
    with store.reader(s.db, require_curated=False) as con:
        return con.execute("SELECT rule_id, row_no FROM held_rows ORDER BY rowid").fetchall()


def test_a_file_that_must_be_read_whole_is_read_whole(raw, tmp_path, monkeypatch):
    """A byte that is not UTF-8 far down a file whose head is UTF-8: the whole file is
    GB18030 (as reading it whole decides), not a chunk."""
    data = (raw / "hazards" / "b_utf8.csv").read_bytes()
    mixed = tmp_path / "hazards"
    mixed.mkdir()
    cut = len(data) * 3 // 4
    (mixed / "c.csv").write_bytes(data[:cut] + "隐患".encode("gbk") + data[cut:])
    results = {}
    for size in (0, CHUNK):
        monkeypatch.setattr(read, "chunk_bytes", lambda size=size: size)
        s = load_settings(raw=mixed, db=tmp_path / f"{size}.duckdb", reports=tmp_path / "r")
        run = ingest(None, s, jobs=1)
        results[size] = ([(r.status, r.rows_stored, r.rows_held, r.message) for r in run], s)
    assert results[0][0] == results[CHUNK][0]
    assert _store(results[0][1]) == _store(results[CHUNK][1])


def test_a_full_disk_while_a_file_in_chunks_is_kept_on_disk(raw, tmp_path, monkeypatch, disk):  # noqa: F811
    """The parts of a file in chunks are written beside the store: a full disk stops the run
    with DiskFullError (the CLI's plain message), the store as it was, no part left behind."""
    s = load_settings(raw=raw, db=disk / "store.duckdb", reports=tmp_path / "r")
    monkeypatch.setattr(read, "chunk_bytes", lambda: CHUNK)
    monkeypatch.setattr(parts, "rows_in_memory", lambda: 0)
    assert [r.status for r in ingest([raw / "hazards" / "a_gbk.csv"], s, jobs=1)] == ["ingested"]
    before = snapshot(s.db)
    filler = fill(disk, leave=100_000)  # room for the store's own writes, not for the parts
    with pytest.raises(DiskFullError) as refused:
        ingest([raw / "hazards" / "b_utf8.csv"], s, jobs=1)
    # a part's write, said as the disk's error (polars' own writer says "Invalid thrift")
    assert type(refused.value.__cause__) is OSError
    assert not any(p.is_file() for p in disk.rglob("*.parquet"))
    filler.unlink()
    assert snapshot(s.db) == before
