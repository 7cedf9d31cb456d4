"""Validation: GX suites per dataset, cross-dataset SQL checks, quarantine, curated tables."""

from safetystats.validate.run import (
    ValidationResult,
    ensure_validated,
    needs_validation,
    summarize,
    validate,
)

__all__ = ["ValidationResult", "ensure_validated", "needs_validation", "summarize", "validate"]
