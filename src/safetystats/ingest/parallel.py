"""Reading and preparing files in worker processes while the main process, the store's one
writer, stores them in order (docs/scaling.md: what each core does).

A worker reads a file, cleans and parses its cells and settles its repeated keys
(pipeline.prepare_file); the main process checks each file's sha256 first and then only
writes. At most ``workers`` files are prepared or wait at a time, and together no more than
``bytes_in_flight`` of files unless one file alone is larger, so memory stays bounded by the
largest file (a file read whole takes about 8 times its size in memory; a large CSV is read
in chunks: read.chunk_bytes), not by the run."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from safetystats.config import Settings, packaged

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


def prepared_files(
    files: list[tuple[Path, str]], settings: Settings, specs: dict, jobs: int | None = None
) -> Iterator:
    """The PreparedFile of each (path, sha256), in order."""
    count = workers(files, jobs)
    if count == 0:
        for path, _ in files:
            yield _prepare(path, settings, specs)
        return
    budget = packaged("performance")["ingest"]["bytes_in_flight"]
    queue = deque(files)
    # spawn: polars' thread pool does not survive fork
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(count, context, _start, (settings,)) as pool:
        waiting: deque = deque()  # (future, the file's bytes), in order
        while queue or waiting:
            while queue and len(waiting) < count:
                size = _size(queue[0][0])
                if waiting and sum(b for _, b in waiting) + size > budget:
                    break  # a large file waits until the files before it are stored
                waiting.append((pool.submit(_prepare, queue.popleft()[0], settings), size))
            future, _ = waiting.popleft()
            yield future.result()
