"""Errors a user can cause, and the one map from each to an exit code and a message.

Every command of the CLI goes through :func:`exit_for`: an error listed in ``EXIT_CODES`` (or
a subclass of one) is a bilingual message and its exit code, never a traceback. Adding an
error is one class here and one line in ``EXIT_CODES``. Exit codes (DATA_SPEC 7): 1 some
input or the store could not be used; 2 usage or configuration error.
"""


class ConfigError(ValueError):
    """A configuration file is missing or malformed (exit code 2)."""


class UsageError(ValueError):
    """An option or argument the command cannot use (exit code 2)."""


class SampleMixedError(UsageError):
    """The raw folder holds sample files beside the user's own (DATA_SPEC 3; exit code 2)."""


class StoreBusyError(RuntimeError):
    """The store is held by another process longer than we wait (exit code 1)."""


class StoreNotReadyError(RuntimeError):
    """The store is missing or changed since the last validation (run `safetystats validate`)."""


# error class -> (exit code, the words before its message); the first class of an error's
# MRO found here decides, so a subclass may have its own line or share its parent's
EXIT_CODES: dict[type[BaseException], tuple[int, str]] = {
    ConfigError: (2, "配置错误 / configuration error"),
    UsageError: (2, "用法错误 / usage error"),
    StoreNotReadyError: (2, "数据库未就绪 / store not ready"),
    StoreBusyError: (1, "数据库被占用 / store busy"),
    PermissionError: (1, "无权限 / permission denied"),
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
    if isinstance(exc, OSError) and exc.filename:  # the file, and what the system said
        return f"{exc.filename} ({exc.strerror or exc})"
    return str(exc)
