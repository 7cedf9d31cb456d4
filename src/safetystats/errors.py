"""Errors a user can cause, each turned into a message and an exit code by the CLI."""


class ConfigError(ValueError):
    """A configuration file is missing or malformed (exit code 2)."""


class StoreBusyError(RuntimeError):
    """The store is held by another process longer than we wait (exit code 1)."""


class StoreNotReadyError(RuntimeError):
    """The store is missing or changed since the last validation (run `safetystats validate`)."""
