"""validate: GX suites per dataset and cross-dataset SQL checks → the quarantine and its report.

run.py          the step: load → suites and checks → quarantine → save (one transaction)
suite_rows.py   running the suites (as SQL where they compile, else by GX) and keeping results
checks.py       the cross-dataset checks of sql/checks/ and the tables they read
quarantine.py   the quarantine assembled from held rows, suite failures and check findings
"""

from safetystats.validate.run import ValidationResult, summarize, validate

__all__ = ["ValidationResult", "summarize", "validate"]
