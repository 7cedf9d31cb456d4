"""Reading and preparing files in worker processes while the main process, the store's one
writer, stores them in order (docs/scaling.md: what each core does).

A worker reads a file, cleans and parses its cells and settles its repeated keys
(pipeline.prepare_file); the main process checks each file's sha256 first and then only
writes. At most ``workers`` files are prepared or wait at a time, so memory stays bounded by
the largest files being prepared, not by the run."""

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


def workers(files: list[tuple[Path, str]], jobs: int | None) -> int:
    """Worker processes for these files: ``jobs`` when given, else one per core when the
    files hold at least config/performance.toml's ``parallel_from_bytes``; 0: in this process."""
    if jobs is not None:
        return min(jobs, len(files)) if jobs > 1 else 0
    rules = packaged("performance")["ingest"]
    size = sum(path.stat().st_size for path, _ in files)
    if len(files) < 2 or size < rules["parallel_from_bytes"]:
        return 0
    return min(rules["workers"] or os.cpu_count() or 1, len(files))


def prepared_files(
    files: list[tuple[Path, str]], settings: Settings, specs: dict, jobs: int | None = None
) -> Iterator:
    """The PreparedFile of each (path, sha256), in order."""
    count = workers(files, jobs)
    if count == 0:
        for path, _ in files:
            yield _prepare(path, settings, specs)
        return
    # spawn: polars' thread pool does not survive fork
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(count, context, _start, (settings,)) as pool:
        waiting: deque = deque()
        queue = iter(files)
        for path, _ in queue:
            waiting.append(pool.submit(_prepare, path, settings))
            if len(waiting) >= count:
                break
        while waiting:
            prepared = waiting.popleft().result()
            for path, _ in queue:
                waiting.append(pool.submit(_prepare, path, settings))
                break
            yield prepared
