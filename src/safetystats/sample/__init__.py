"""Realistic, messy sample ledgers (clearly marked as sample data), and monthly updates of them."""

from safetystats.sample.generate import write_sample
from safetystats.sample.monthly import parse_month, update_rows, write_update
from safetystats.sample.scales import SCALES, check_registry, registry_for_scale, scaled

__all__ = [
    "SCALES",
    "check_registry",
    "parse_month",
    "registry_for_scale",
    "scaled",
    "update_rows",
    "write_sample",
    "write_update",
]
