"""Errors a user can cause, each turned into a message and an exit code by the CLI."""

import errno


class ConfigError(ValueError):
    """A configuration file is missing or malformed (exit code 2)."""


class StoreBusyError(RuntimeError):
    """The store is held by another process longer than we wait (exit code 1)."""


class StoreNotReadyError(RuntimeError):
    """The store is missing or changed since the last validation (run `safetystats validate`)."""


class StoreVersionError(RuntimeError):
    """The store was written by a newer version, or by an older one it cannot be migrated
    from: the message names the command that rebuilds it from the raw files (exit code 1)."""


class DiskFullError(OSError):
    """A write failed for want of space (or another write error) during ingest, validate or
    export; the store and earlier outputs are as they were (exit code 1)."""


# write errors a user's machine can cause (a full disk …): (中文, English)
WRITE_ERRORS = {
    errno.ENOSPC: ("磁盘空间不足", "no space left on device"),
    errno.EDQUOT: ("磁盘配额已满", "disk quota exceeded"),
    errno.EFBIG: ("文件超过大小限制", "file too large"),
    errno.EROFS: ("磁盘只读", "read-only file system"),
    errno.EIO: ("磁盘读写错误", "input/output error"),
}
# how DuckDB words them (its exceptions carry no errno)
WRITE_ERROR_TEXTS = {
    "No space left on device": errno.ENOSPC,
    "Disk quota exceeded": errno.EDQUOT,
    "File too large": errno.EFBIG,
    "Read-only file system": errno.EROFS,
}


def write_error(exc: BaseException) -> str | None:
    """The plain message of a write error (a full disk …), None for any other error."""
    found = WRITE_ERRORS.get(getattr(exc, "errno", None))
    if found is None:
        return None
    zh, en = found
    where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
    return (
        f"{zh} / {en}{where}: the step stopped and its changes were rolled back, the store and "
        "the earlier outputs are as they were; free some space and run the command again "
        "(本步骤已停止并回滚，数据库和已有输出保持原样；请清理磁盘空间后重试)"
    )


def disk_error(exc: BaseException) -> DiskFullError | None:
    """A DuckDB (or other) exception that says a write failed for want of space, as a
    DiskFullError; None for any other exception."""
    if isinstance(exc, DiskFullError):
        return exc
    if isinstance(exc, OSError) and exc.errno in WRITE_ERRORS:
        return DiskFullError(exc.errno, WRITE_ERRORS[exc.errno][1], exc.filename)
    text = str(exc)
    for words, number in WRITE_ERROR_TEXTS.items():
        if words in text:
            return DiskFullError(number, WRITE_ERRORS[number][1])
    return None
