"""Realistic, messy sample ledgers (clearly marked as sample data)."""

from safetystats.sample.generate import SCALES, check_registry, registry_for_scale, write_sample

__all__ = ["SCALES", "check_registry", "registry_for_scale", "write_sample"]
