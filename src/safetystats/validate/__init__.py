"""validate: GX suites per dataset and cross-dataset SQL checks → the quarantine and its report."""

from safetystats.validate.quarantine import ValidationResult, summarize, validate

__all__ = ["ValidationResult", "summarize", "validate"]
