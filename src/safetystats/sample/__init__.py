"""Realistic, messy sample ledgers (clearly marked as sample data)."""

from safetystats.sample.generate import SCALES, write_sample

__all__ = ["SCALES", "write_sample"]
