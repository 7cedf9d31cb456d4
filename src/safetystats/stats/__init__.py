"""Statistics beside the targets (DATA_SPEC 6.4, 6.7, 6.8): accidents, enforcement, hazards,
per unit at every level and the total, read-only over the curated store (sql/stats/)."""

from safetystats.stats.accidents import accident_statistics
from safetystats.stats.enforcement import enforcement_statistics

__all__ = ["accident_statistics", "enforcement_statistics"]
