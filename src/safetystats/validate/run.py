"""validate: the layer's step (DATA_SPEC sections 4 and 5). Loads the staged rows, runs the
expectation suites (suite_rows.py) and the cross-dataset checks (checks.py), assembles the
quarantine (quarantine.py) and saves it with the report files (report.py). One transaction:
a failure anywhere leaves the store and the report files as they were."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from safetystats import atomic, store
from safetystats.config import Settings
from safetystats.ingest import staging
from safetystats.ingest.spec import DatasetSpec, load_specs
from safetystats.sql import load_sql
from safetystats.validate import checks, quarantine, suite_rows

log = logging.getLogger(__name__)


@dataclass
class DatasetSummary:
    dataset: str
    label_zh: str
    rows_checked: int = 0
    rows_held: int = 0
    errors: int = 0
    warnings: int = 0
    rows_quarantined: int = 0
    rows_valid: int = 0

    @property
    def status(self) -> str:
        if self.rows_quarantined or self.rows_held:
            return "quarantined"
        return "warnings" if self.warnings else "passed"


@dataclass
class ValidationResult:
    datasets: list[DatasetSummary]
    expectations: list[dict] = field(default_factory=list)
    validated_at: str = ""

    def as_frame(self) -> pl.DataFrame:
        return pl.DataFrame([{**d.__dict__, "status": d.status} for d in self.datasets])


def validate(con, settings: Settings, full: bool = False) -> ValidationResult:
    """Rebuild the quarantine of the whole store and write reports/quarantine.csv and the
    validation report, in one transaction (rolled back on any failure, the report files
    then unchanged). Needs a writer's connection.

    The suites run over the rows of the files ingested since the last validation (every row
    with ``full``, or when the suites or settings changed); the results of the other rows are
    kept from the validations before. The cross-dataset checks run over the same rows and the
    records of the enterprises that changed in the register (validate/checks.py)."""
    # the report files replace the old ones after COMMIT
    with atomic.staged(), store.transaction(con):
        return _validate(con, settings, full)


def _validate(con, settings: Settings, full: bool) -> ValidationResult:
    specs = load_specs(settings)
    # load inputs
    # the errors the curated tables were built from, to tell curate which rows changed
    compare = store.state(con).get("quarantine_curated") == "1"
    con.execute(load_sql("checks/_errors_before" if compare else "checks/_no_errors_before"))
    staging.ensure_tables(con, specs)
    checks.create_tables(con)
    since = suite_rows.since(con, settings, full)
    checks_since = checks.since(con, settings, since)
    checks.district_map(con, settings, specs, checks_since)
    if checks_since is not None:
        checks.register_changes(con, settings, checks_since)
    checks.spec_views(con, specs, checks_since)
    suite_rows.revalidated(con, since)
    # process
    gx_failures = suite_rows.all_failures(con, suite_rows.suite_rows(con, specs, settings, since))
    started = time.perf_counter()
    held = store.fetch_frame(con, load_sql("checks/_held"))
    cross = checks.cross_dataset_rows(con, settings, gx_failures, checks_since)
    assembled = quarantine.assemble([held, gx_failures, cross], settings, specs)
    log.info("validate cross-dataset checks and quarantine: %.2fs", time.perf_counter() - started)
    # save outputs
    now = datetime.now().isoformat(timespec="seconds")
    suite_rows.save_failures(con, gx_failures, settings)
    checks.save_failures(con, cross, settings)
    expectation_summary = suite_rows.summary(con, specs, settings)
    stored = quarantine.save(con, assembled, compare)
    store.set_state(
        con,
        validated_at=now,
        validated_change=store.state(con).get("changed_at", ""),
        quarantine_curated="0",
    )
    result = ValidationResult(summarize(con, specs), expectation_summary, now)
    from safetystats.validate.report import write_outputs

    write_outputs(settings, stored, result)
    _drop_spent(con)
    return result


# what the checks leave on the connection and curation, which runs next on it, does not read:
# record_rows holds every record checked (about 0.5 GB at the province's scale, 2 GB at 4x)
SPENT = {"view": ("records", "record_units"), "table": ("record_rows",)}


def _drop_spent(con) -> None:
    for kind, names in SPENT.items():
        for name in names:
            con.execute(load_sql(f"store/drop_temp_{kind}").format(name=name))


def summarize(con, specs: dict[str, DatasetSpec]) -> list[DatasetSummary]:
    """Rows checked, held, quarantined and valid per dataset, from the staged rows and the quarantine."""
    out = []
    for name, spec in specs.items():
        checked = store.scalar(con, load_sql("store/row_count").format(table=name))
        q = con.execute(load_sql("checks/_summary"), {"dataset": name}).fetchall()[0]
        out.append(
            DatasetSummary(
                name,
                spec.label_zh,
                rows_checked=checked,
                errors=q[0],
                warnings=q[1],
                rows_quarantined=q[2],
                rows_held=q[3],
                rows_valid=checked - q[2],
            )
        )
    return out
