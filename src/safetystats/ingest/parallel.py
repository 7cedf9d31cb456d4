"""Reading and preparing files ahead of the store's one writer, which stores them in order
(docs/scaling.md: what each core does).

A file is read, its cells cleaned and parsed and its repeated keys settled
(pipeline.prepare_file) while the writer stores the file before it; the writer checks each
file's sha256 first and then only writes, one transaction per file, in the order given, so
file ids, replaced rows and messages are those of preparing and storing one file after the
other. Two ways, one order (:func:`_in_order`):

- **worker processes** (on ``min_cores`` or more, for large runs, or ``ingest --jobs N``):
  ``workers`` files are prepared or wait while one is stored, together no more than
  ``bytes_in_flight`` of files unless one file alone is larger;
- **threads** of this process otherwise (``overlap``, config/performance.toml): each of the
  ``overlap_threads`` prepares one of the next files while the writer stores this one (polars
  and DuckDB release the GIL), so at most that many prepared files wait, together no more than
  ``bytes_in_flight``. ``ingest --jobs 1`` or ``overlap = false`` prepares each file only
  after the one before it is stored.

Memory stays bounded by the files in flight (a file read whole takes about 8 times its size
while it is prepared; a large CSV is read in chunks: read.chunk_bytes), not by the run."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from safetystats.config import Settings, packaged
from safetystats.sql import load_sql

_specs: dict = {}  # a worker's dataset specs, loaded once when it starts


def _start(settings: Settings) -> None:
    from safetystats.ingest.spec import load_specs

    _specs.update(load_specs(settings, variants=True))


def _prepare(path: Path, settings: Settings, specs: dict | None = None):
    from safetystats.ingest.pipeline import prepare_file

    return prepare_file(path, settings, specs or _specs, None)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # gone since it was checked: preparing it says so
        return 0


def workers(files: list[tuple[Path, str]], jobs: int | None) -> int:
    """Worker processes for these files: ``jobs`` when given, else one per core when the
    files hold at least config/performance.toml's ``parallel_from_bytes`` and the machine has
    ``min_cores``; 0: in this process."""
    if jobs is not None:
        return min(jobs, len(files)) if jobs > 1 else 0
    rules = packaged("performance")["ingest"]
    size = sum(_size(path) for path, _ in files)
    cores = os.cpu_count() or 1
    if len(files) < 2 or size < rules["parallel_from_bytes"] or cores < rules["min_cores"]:
        return 0
    return min(rules["workers"] or cores, len(files))


def overlap(files: list[tuple[Path, str]], jobs: int | None) -> bool:
    """Prepare the next files in threads of this process while this one is stored: for two
    files or more holding together at most config/performance.toml's ``overlap_up_to_bytes``
    (beyond, two large files prepared and stored at once cost more memory than the thread
    saves), unless ``jobs`` is 1 or ``overlap`` is off."""
    rules = packaged("performance")["ingest"]
    if len(files) < 2 or jobs == 1 or not rules["overlap"]:
        return False
    return sum(_size(path) for path, _ in files) <= rules["overlap_up_to_bytes"]


@contextmanager
def writer_threads(con, files: list[tuple[Path, str]], jobs: int | None):
    """While threads prepare ahead (:func:`overlap`), the writer's DuckDB runs on
    config/performance.toml's ``writer_threads`` (0: DuckDB's own, one per core; fewer leave
    cores to the preparing, which measured slower once the allocator kept freed memory:
    docs/scaling.md)."""
    threads = packaged("performance")["ingest"]["writer_threads"]
    if not threads or workers(files, jobs) or not overlap(files, jobs):
        yield
        return
    con.execute(load_sql("staging/writer_threads"), {"threads": threads})
    yield  # after a failure the writer's connection is closed, its settings with it
    con.execute(load_sql("staging/writer_threads_reset"))


def prepared_files(
    files: list[tuple[Path, str]], settings: Settings, specs: dict, jobs: int | None = None
) -> Iterator:
    """The PreparedFile of each (path, sha256), in order."""
    count = workers(files, jobs)
    if count:
        # spawn: polars' thread pool does not survive fork
        pool = ProcessPoolExecutor(count, multiprocessing.get_context("spawn"), _start, (settings,))
        yield from _in_order(files, pool, lambda path: pool.submit(_prepare, path, settings), count)
    elif overlap(files, jobs):
        count = max(1, packaged("performance")["ingest"]["overlap_threads"])
        pool = ThreadPoolExecutor(count, thread_name_prefix="prepare")
        yield from _in_order(
            files, pool, lambda path: pool.submit(_prepare, path, settings, specs), count
        )
    else:
        for path, _ in files:
            yield _prepare(path, settings, specs)


def _in_order(
    files: list[tuple[Path, str]], pool: Executor, submit: Callable[[Path], Future], ahead: int
) -> Iterator:
    """Each file's prepared result, in order, with up to ``ahead`` later files submitted while
    the caller stores it (within ``bytes_in_flight``, unless one file alone is larger). Closing
    the iterator (the writer failed) cancels the files not started and waits for the others."""
    budget = packaged("performance")["ingest"]["bytes_in_flight"]
    queue = deque(files)
    waiting: deque = deque()  # (future, the file's bytes), in order

    def fill() -> None:
        while queue and len(waiting) < ahead:
            size = _size(queue[0][0])
            if waiting and sum(b for _, b in waiting) + size > budget:
                return  # a large file waits until the files before it are stored
            waiting.append((submit(queue.popleft()[0]), size))

    try:
        fill()
        while waiting:
            prepared = waiting.popleft()[0].result()
            fill()  # the next file is prepared while this one is stored
            yield prepared
            del prepared  # stored: not held while the next one is awaited
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
