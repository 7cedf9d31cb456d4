"""A month's ingest reads the month's files: a file whose size and modification time are those
recorded keeps its recorded sha256 and is not read again; a file changed since is read."""

import os
import threading

import pytest
from conftest import query, write_rows

from safetystats.config import packaged
from safetystats.ingest import pipeline
from safetystats.ingest.pipeline import ingest

REGISTER = [
    ["统一社会信用代码", "企业名称", "所属区市", "行业领域"],
    ["91371000MA3C000001", "文登示例化工有限公司", "文登区", "危险化学品"],
]


def test_an_untouched_file_is_not_read_again_and_a_changed_one_is(settings, monkeypatch):
    old = write_rows(settings.raw / "enterprises" / "名录.csv", REGISTER)
    assert [r.status for r in ingest(None, settings)] == ["ingested"]
    read = []

    def counted(path):
        read.append(path.name)
        return real(path)

    real = pipeline.sha256
    monkeypatch.setattr(pipeline, "sha256", counted)
    # a new month's file beside it: only the new file is read to learn its sha256
    new = write_rows(settings.raw / "enterprises" / "名录2.csv", [*REGISTER[:1], [
        "91371000MA3C000002", "环翠示例商贸有限公司", "环翠区", "其他"]])  # fmt: skip
    statuses = {r.path.name: r.status for r in ingest(None, settings)}
    assert statuses == {old.name: "unchanged", new.name: "ingested"} and read == [new.name]
    # the old file edited in place (same size: one character for another), its time moved on
    stat = old.stat()
    old.write_bytes(old.read_bytes().replace("化工".encode(), "化学".encode()))
    assert old.stat().st_size == stat.st_size
    os.utime(old, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    read.clear()
    statuses = {r.path.name: r.status for r in ingest(None, settings)}
    assert read == [old.name] and statuses[old.name] == "ingested"
    names = {r[0] for r in query(settings, "SELECT enterprise_name FROM enterprises")}
    assert "文登示例化学有限公司" in names


def test_the_files_to_read_are_hashed_at_once(settings, monkeypatch):
    """The files whose sha256 is not recorded are hashed together on the machine's cores: the
    first two wait for each other at a barrier, which hashing one after the other could never
    pass; each file is stored once, with its own sha256."""
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: the files are hashed one after the other")
    assert packaged("performance")["ingest"]["hash_threads"] == 2
    first = write_rows(settings.raw / "enterprises" / "名录.csv", REGISTER)
    second = write_rows(settings.raw / "enterprises" / "名录2.csv", [*REGISTER[:1], [
        "91371000MA3C000002", "环翠示例商贸有限公司", "环翠区", "其他"]])  # fmt: skip
    barrier, met = threading.Barrier(2, timeout=20), []
    real = pipeline.sha256

    def together(path):
        met.append(barrier.wait())
        return real(path)

    monkeypatch.setattr(pipeline, "sha256", together)
    assert [r.status for r in ingest(None, settings)] == ["ingested", "ingested"]
    assert sorted(met) == [0, 1]  # both passed: neither timed out
    stored = dict(query(settings, "SELECT path, sha256 FROM ingest_files"))
    assert stored == {str(p.resolve()): real(p) for p in (first, second)}
