"""Realistic, messy sample ledgers (clearly marked as sample data), and monthly updates of them.

The generators are imported when first asked for: a command that only checks a ``--scale``
option (``SCALES``, from sample/scales.py) does not pay for importing them."""

from importlib import import_module

_WHERE = {
    "SCALES": "scales",
    "check_registry": "scales",
    "registry_for_scale": "scales",
    "scaled": "scales",
    "write_sample": "generate",
    "parse_month": "monthly",
    "update_rows": "monthly",
    "write_update": "monthly",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'safetystats.sample' has no attribute {name!r}")
    return getattr(import_module(f"safetystats.sample.{_WHERE[name]}"), name)
