"""The layers in order: ingest → validate → curate → metrics → report.

Each layer is a step with one shape (load inputs → process → save outputs). Writers take the
store's writers' lock; readers never write. ``refresh`` is what the CLI commands that read
(attainment, bulletins, export, run) do first when the store changed since it was last
validated; the Python API and the notebooks only read, and say when a refresh is needed.
"""

from __future__ import annotations

import logging

from safetystats import store
from safetystats.config import Settings

log = logging.getLogger(__name__)


def refresh(settings: Settings, force: bool = False, full: bool = False):
    """Validate and curate the store when it, the settings or the registry changed (always
    with ``force``; a store moved or read with other paths is not changed). Returns the
    ValidationResult, or None when the store was already current. The suites run over the
    rows ingested since the last validation and curation rebuilds the rows that changed
    (every row with ``full``). A current store is seen read-only first (store.is_current):
    the commands that read then take no writers' lock and import no validation code."""
    rules = store.curation_rules(settings)  # new settings or a new registry: validate again
    if not force and store.is_current(settings.db, rules):
        return None
    from safetystats.curate import curate
    from safetystats.validate import validate

    with store.writer(settings.db, step="validate") as con:
        if not force and store.is_curated(con, rules):
            return None
        full = full or _most_changed(con, settings)
        result = validate(con, settings, full=full)
        curate(con, settings, full=full)
        return result


def _most_changed(con, settings: Settings) -> bool:
    """Whether so much changed since the last validation that validating and curating every
    row costs less than row by row (checks.incremental_cost)."""
    from safetystats.ingest.spec import load_specs
    from safetystats.validate.checks import incremental_cost

    cost = incremental_cost(con, settings, load_specs(settings))
    if cost is not None and cost > 1:
        log.info("validate: row by row would cost %.1f times every row: every row", cost)
        return True
    return False
