"""Attainment engine: targets, metrics as SQL, exact gaps, projections, monthly series."""

from safetystats.metrics.engine import attainment, hazard_figures, monthly_series, open_store
from safetystats.metrics.targets import Target, load_targets

__all__ = ["Target", "attainment", "hazard_figures", "load_targets", "monthly_series", "open_store"]
