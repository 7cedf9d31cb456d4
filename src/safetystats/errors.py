"""Errors a user can cause, and the one map from each to an exit code and a message.

Every command of the CLI goes through :func:`exit_for`: an error listed in ``EXIT_CODES`` (or
a subclass of one) is a bilingual message and its exit code, never a traceback. Adding an
error is one class here and one line in ``EXIT_CODES``. Exit codes (DATA_SPEC 7): 1 some
input or the store could not be used; 2 usage or configuration error.
"""

import errno


class ConfigError(ValueError):
    """A configuration file is missing or malformed (exit code 2)."""


class UsageError(ValueError):
    """An option or argument the command cannot use (exit code 2)."""


class SampleMixedError(UsageError):
    """The raw folder holds sample files beside the user's own (DATA_SPEC 3; exit code 2)."""


class NothingToReportError(RuntimeError):
    """The store or the date gives nothing to report, e.g. for the 通报 (exit code 1)."""


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


# error class -> (exit code, the words before its message); the first class of an error's
# MRO found here decides, so a subclass may have its own line or share its parent's
EXIT_CODES: dict[type[BaseException], tuple[int, str]] = {
    ConfigError: (2, "配置错误 / configuration error"),
    UsageError: (2, "用法错误 / usage error"),
    StoreNotReadyError: (2, "数据库未就绪 / store not ready"),
    StoreBusyError: (1, "数据库被占用 / store busy"),
    StoreVersionError: (1, "数据库版本不符 / store version"),
    PermissionError: (1, "无权限 / permission denied"),
    NothingToReportError: (1, "无可报告 / nothing to report"),
    DiskFullError: (1, "写入失败 / write failed"),  # a full disk … (write_error says which)
    OSError: (1, "文件无法读写 / a file or folder could not be read or written"),  # DATA_SPEC 5
}


def exit_for(exc: BaseException) -> tuple[int, str] | None:
    """(exit code, message) for an error a user can cause; None for anything else (a bug,
    which keeps its traceback)."""
    for cls in type(exc).__mro__:
        if cls in EXIT_CODES:
            code, words = EXIT_CODES[cls]
            return code, f"{words}: {_text(exc)}"
    return None


def _text(exc: BaseException) -> str:
    plain = write_error(exc)  # a full disk or another write error: said plainly
    if plain is not None:
        return plain
    if isinstance(exc, OSError) and exc.filename:  # the file, and what the system said
        return f"{exc.filename} ({exc.strerror or exc})"
    return str(exc)
