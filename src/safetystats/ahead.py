"""Making the next item of an iterator in a thread while the caller uses this one."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def ahead(items: Iterator[T], name: str = "ahead") -> Iterator[T]:
    """``items``, each next one made by a thread while the caller uses this one (the first is
    started now): for steps that release the GIL (polars, zlib, reading a file). An exception
    of ``items`` is raised where the item was asked for; at most one item is made ahead. An
    item is never None (None ends them)."""
    pool = ThreadPoolExecutor(1, thread_name_prefix=name)
    coming = pool.submit(next, items, None)

    def given() -> Iterator[T]:
        nonlocal coming
        try:
            while (item := coming.result()) is not None:
                coming = pool.submit(next, items, None)
                yield item
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    return given()
