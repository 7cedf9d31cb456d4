"""The command line in a process of its own, as a user runs it (this checkout's package)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).parent / "safetystats"


def env(src: Path = REPO / "src") -> dict[str, str]:
    """The environment of a run: the package of ``src`` first, wide output, no GX analytics."""
    return {**os.environ, "GX_ANALYTICS_ENABLED": "false", "COLUMNS": "400", "PYTHONPATH": str(src)}


def run(config: Path, *args: str, prefix: list[str] = ()) -> subprocess.CompletedProcess:
    """``safetystats --config CONFIG ARGS`` in the config's folder (``prefix``: a command that
    runs it, such as setpriv); a pipe opened by mistake fails it after 300 s, not never."""
    return subprocess.run(
        [*prefix, str(CLI), "--config", str(config), *args],
        cwd=config.parent,
        env=env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def said(done: subprocess.CompletedProcess) -> str:
    """Everything it printed, on one line (rich wraps long messages)."""
    return " ".join((done.stdout + done.stderr).split())
