"""How long polars keeps the memory it frees (config/performance.toml ``[allocator]``), set for
a command before polars loads.

polars allocates with its own jemalloc, which by polars' default gives freed pages back to the
system after 0.5 s. Ingest frees and allocates frames of hundreds of MB file after file, so each
one is faulted in again page by page: at province scale that is 2.5 of ingest's 6.5 s of system
CPU (docs/scaling.md, "The allocator"). jemalloc reads its settings once, when polars loads, from
the environment: :func:`configure` puts ours there first, so that a setting the user gave in
the same variable still wins, and the processes a command starts (ingest's workers, the
bulletins' kernels) inherit them."""

from __future__ import annotations

import os
import sys
import tomllib

from safetystats.paths import PACKAGED_CONFIG

POLARS_MALLOC_CONF = "_RJEM_MALLOC_CONF"  # polars' jemalloc reads this, not MALLOC_CONF


def settings() -> str:
    """config/performance.toml's ``[allocator]`` as jemalloc's ``name:value,...`` (read here,
    not by config.packaged: safetystats.config imports polars)."""
    text = (PACKAGED_CONFIG / "performance.toml").read_text(encoding="utf-8")
    return ",".join(f"{name}:{value}" for name, value in tomllib.loads(text)["allocator"].items())


def configure() -> None:
    """Our allocator settings for polars, unless it is loaded already (its allocator has
    started with the settings it found)."""
    if "polars" in sys.modules:
        return
    given = os.environ.get(POLARS_MALLOC_CONF)
    os.environ[POLARS_MALLOC_CONF] = f"{settings()},{given}" if given else settings()
