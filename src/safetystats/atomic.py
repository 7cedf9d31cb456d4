"""Atomic writes: a temporary file in the same folder, then rename.

Inside ``staged()`` the renames wait until the block ends without an error, so a step that
writes several files and a store transaction (validate) replaces all of them or none: a
failure (a full disk, say) leaves every earlier output as it was."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

_UMASK = os.umask(0)
os.umask(_UMASK)
_PENDING: list[list[tuple[str, Path]]] = []  # (temporary file, destination) per staged block


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; reports are for others to read
        if _PENDING:
            _PENDING[-1].append((tmp, path))
        else:
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def replace(tmp: Path, path: Path) -> Path:
    """Put a finished temporary file (written beside ``path``) in its place."""
    os.chmod(tmp, 0o666 & ~_UMASK)
    os.replace(tmp, path)
    return path


def write_text(path: Path, text: str, bom: bool = False) -> Path:
    return write_bytes(path, ("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8"))


@contextmanager
def staged():
    """Files written in the block replace their destinations when it ends without an error;
    after an error the temporary files are removed and the destinations are unchanged."""
    _PENDING.append([])
    try:
        yield
    except BaseException:
        for tmp, _ in _PENDING.pop():
            Path(tmp).unlink(missing_ok=True)
        raise
    done = _PENDING.pop()
    if _PENDING:  # inside another staged block: its end decides
        _PENDING[-1].extend(done)
        return
    for tmp, path in done:
        os.replace(tmp, path)
