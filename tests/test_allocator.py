"""A command sets polars' allocator (config/performance.toml [allocator]) before polars loads;
a setting the user gives in the same variable wins. The allocator itself says what it read:
jemalloc's stats_print writes its options to stderr when the process ends."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from safetystats import allocator
from safetystats.config import packaged


def _options(code: str, given: str = "") -> dict[str, int]:
    """The decay options polars' jemalloc started with in a new process running ``code``."""
    env = dict(os.environ)
    env[allocator.POLARS_MALLOC_CONF] = ",".join(filter(None, [given, "stats_print:true"]))
    done = subprocess.run(
        [sys.executable, "-c", code + "; import polars; polars.DataFrame({'a': [1]})"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.findall(r"opt\.(dirty|muzzy)_decay_ms: (-?\d+)", done.stderr)
    assert found, done.stderr[-2000:]
    return {name: int(value) for name, value in found}


def test_the_command_line_sets_polars_allocator_before_polars_loads():
    configured = packaged("performance")["allocator"]
    assert _options("pass") == {"dirty": 500, "muzzy": 1000}  # polars' own, without us
    assert _options("import safetystats.cli") == {
        "dirty": configured["dirty_decay_ms"],
        "muzzy": configured["muzzy_decay_ms"],
    }


def test_a_setting_the_user_gives_wins():
    assert _options("import safetystats.cli", given="dirty_decay_ms:700")["dirty"] == 700


def test_too_late_once_polars_is_loaded():
    assert _options("import polars, safetystats.cli") == {"dirty": 500, "muzzy": 1000}
