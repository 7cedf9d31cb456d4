"""Running the expectation suites (DATA_SPEC 4): each dataset's suite over the rows of the
files ingested since the last validation, as SQL in the store where every expectation
compiles (suite_sql.py), else by GX (gx_run.py). The failures are kept in the store between
validations (gx_failures), so a row's result is computed once."""

from __future__ import annotations

import logging
import re
import time

import polars as pl

from safetystats import store
from safetystats.config import Settings
from safetystats.ingest.spec import DatasetSpec
from safetystats.sql import load_sql
from safetystats.validate import suite_sql
from safetystats.validate.quarantine import as_quarantine
from safetystats.validate.suites import INGESTED_ON, ROW_ID, columns_used, expectation_specs

log = logging.getLogger(__name__)


def _frame(
    con, spec: DatasetSpec, settings: Settings, since: int | None, keys: pl.Series | None = None
) -> pl.DataFrame:
    """The columns the dataset's suite reads, with the bookkeeping that locates each row: the
    rows of the files ingested after file ``since`` (every row when None), only those of
    ``keys`` when given."""
    checks = settings.datasets.get("checks", {}).get(spec.name, [])
    stored = [n for n, _ in spec.stored_columns()] + [INGESTED_ON]
    columns = [c for c in columns_used(expectation_specs(spec, checks), stored) if c != ROW_ID]
    select = ", ".join(
        f'f.ingested_on AS "{c}"' if c == INGESTED_ON else f't."{c}"' for c in columns
    )
    wanted = pl.DataFrame({"_key": keys if keys is not None else []}, schema={"_key": pl.String})
    with store.registered(con, "wanted_keys", wanted):
        frame = store.fetch_frame(
            con,
            load_sql("checks/_suite_frame").format(columns=select, dataset=spec.name),
            {"since": since, "only_wanted": keys is not None},
        )
    return frame.with_columns(pl.int_range(0, frame.height, dtype=pl.Int64).alias(ROW_ID))


def _gx_frame(frame: pl.DataFrame):
    """The pandas frame GX validates: the suite's columns only, text as categories.

    GX filters the whole frame for every expectation (nulls, row conditions), so a narrow
    frame with dictionary-encoded text keeps validation of millions of rows in seconds.
    The values themselves are unchanged."""
    narrow = frame.drop("_key", "_file_id", "_file_name", "_sheet", "_row")
    return narrow.with_columns(pl.col(pl.String).cast(pl.Categorical)).to_pandas()


def _as_written(frame: pl.DataFrame, column: str) -> pl.Expr:
    """A stored value as the file wrote it: -3, not -3.0."""
    if column not in frame.columns:
        return pl.lit(None, pl.String)
    col = pl.col(column)
    if frame.schema[column] == pl.Float64:
        whole = col.is_finite() & (col == col.round()) & (col.abs() < 1e15)
        return (
            pl.when(whole)
            .then(col.cast(pl.Int64, strict=False).cast(pl.String))
            .otherwise(col.cast(pl.String))
        )
    return col.cast(pl.String)


def _value_text(frame: pl.DataFrame, failures: pl.DataFrame) -> pl.DataFrame:
    """Attach file, row and the cell's raw text (the original text when it was unreadable)."""
    out = []
    for column, part in failures.group_by("column_name"):
        column = column[0]
        raw = f"{column}__raw"
        value = _as_written(frame, column)
        if raw in frame.columns:
            value = pl.coalesce(pl.col(raw), value)
        looked = frame.select(
            ROW_ID, "_key", "_file_id", "_file_name", "_sheet", "_row", value.alias("_value")
        )
        out.append(part.join(looked, left_on="rid", right_on=ROW_ID, how="left"))
    if not out:
        return pl.DataFrame()
    return as_quarantine(pl.concat(out), pl.coalesce("_value", "raw_value"), "gx")


def empty_summary(spec: DatasetSpec, settings: Settings) -> list[dict]:
    """The expectation summary of a dataset without rows (GX is not run on an empty frame)."""
    checks = settings.datasets.get("checks", {}).get(spec.name, [])
    return [
        {
            "dataset": spec.name,
            "rule_id": meta["rule_id"],
            "expectation": re.sub(r"(?<!^)(?=[A-Z])", "_", cls).lower(),
            "column": meta["report_column"].removesuffix("__raw"),
            "checked": 0,
            "failed": 0,
        }
        for cls, _, meta in expectation_specs(spec, checks)
    ]


def suite_rows(
    con, specs: dict[str, DatasetSpec], settings: Settings, since: int | None
) -> list[pl.DataFrame]:
    """Each dataset's suite over the rows of the files after ``since`` (every row when None):
    as SQL in the store where every expectation compiles (validate/suite_sql.py), else by GX."""
    parts, by_gx = [], {}
    for name, spec in specs.items():
        types = dict(con.execute(load_sql("store/column_types"), {"table": name}).fetchall())
        compiled = suite_sql.compile_suite(name, spec, settings, types)
        if compiled is None:
            by_gx[name] = spec
            continue
        started = time.perf_counter()
        part = _sql_suite_rows(con, spec, settings, compiled, since)
        log.info("validate %s: suite as SQL %.2fs", name, time.perf_counter() - started)
        if part is not None:
            parts.append(part)
    return parts + (gx_rows(con, by_gx, settings, since) if by_gx else [])


def _sql_suite_rows(con, spec: DatasetSpec, settings: Settings, compiled, since: int | None):
    """The failing rows of one dataset's compiled suite in the quarantine's shape (None: none)."""
    keys = store.fetch_frame(con, suite_sql.failing_rows_sql(spec.name, compiled, since))
    if not keys.height:
        return None
    frame = _frame(con, spec, settings, since, keys["_key"].unique())
    meta = pl.DataFrame(
        {
            "expectation_no": range(len(compiled)),
            "rule_id": [c.rule_id for c in compiled],
            "column_name": [c.column.removesuffix("__raw") for c in compiled],
            "expectation": [c.expectation for c in compiled],
        },
        schema_overrides={"expectation_no": keys.schema["expectation_no"]},
    )
    failures = (
        keys.join(meta, on="expectation_no")
        .join(frame.select("_key", ROW_ID), on="_key")
        .select(
            pl.lit(spec.name).alias("dataset"),
            pl.col(ROW_ID).alias("rid"),
            "rule_id",
            "column_name",
            pl.lit(None, pl.String).alias("raw_value"),
            "expectation",
        )
    )
    return _value_text(frame, failures)


def gx_rows(con, specs: dict[str, DatasetSpec], settings: Settings, since: int | None):
    """Run each dataset's suite by GX over the rows of the files after ``since`` (every row
    when None): the failing rows in the quarantine's shape (with their expectation)."""
    from concurrent.futures import ThreadPoolExecutor

    from safetystats.validate.gx_run import validate_frames
    from safetystats.validate.suites import context

    parts = []
    if since is None:  # every row (revalidated then holds only the rows with kept failures)
        count = load_sql("store/row_count")
        sizes = {n: store.scalar(con, count.format(table=n)) for n in specs}
    else:
        count = load_sql("checks/_revalidated_count")
        sizes = {n: store.scalar(con, count, {"dataset": n}) for n in specs}
    if not any(sizes.values()):  # nothing new to run the suites over: GX is not even imported
        return parts
    # importing GX and opening its context takes seconds: do it while the first frame loads
    with ThreadPoolExecutor(max_workers=1) as loader:
        gx_context = loader.submit(context, settings)
        # one dataset at a time, the largest first (its loading overlaps the GX import)
        for name, spec in sorted(specs.items(), key=lambda item: -sizes[item[0]]):
            if not sizes[name]:  # no row can fail
                continue
            started = time.perf_counter()
            frame = _frame(con, spec, settings, since)
            gx_frame = _gx_frame(frame)
            fetched = time.perf_counter()
            failures, _ = validate_frames({name: gx_frame}, gx_context.result())
            log.info(
                "validate %s: %d rows, fetch %.2fs, gx %.2fs",
                name,
                frame.height,
                fetched - started,
                time.perf_counter() - fetched,
            )
            if failures.height:
                parts.append(_value_text(frame, failures))
            del frame, gx_frame
    return parts


def _fingerprint(settings: Settings) -> str:
    """What a row's result under the suites depends on besides the row: the shipped suites,
    the settings (columns, values, checks, rules) and this version's curation."""
    from safetystats.paths import EXPECTATIONS_DIR

    return store.rules_fingerprint(settings, *sorted(EXPECTATIONS_DIR.glob("*.json")))


def since(con, settings: Settings, full: bool) -> int | None:
    """The last file whose rows the kept suite results cover (None: run over every row)."""
    s = store.state(con)
    if full or s.get("gx_fingerprint") != _fingerprint(settings) or "gx_file_id" not in s:
        return None
    return int(s["gx_file_id"])


def revalidated(con, since: int | None) -> None:
    """The temp table revalidated: the rows the suites run over this time whose kept failures
    are dropped (the rows of files after ``since``; with None every row runs again, and only
    the rows that have kept failures are listed)."""
    if since is None:
        con.execute(load_sql("checks/_revalidated_kept"))
    else:
        con.execute(load_sql("checks/_revalidated"), {"since": since})


def all_failures(con, new: list[pl.DataFrame]) -> pl.DataFrame:
    """The kept failures of the rows not run again, and the new ones."""
    kept = store.fetch_frame(con, load_sql("checks/_gx_kept"))
    return pl.concat(
        [kept, *(n.cast({"file_id": pl.Int64, "row_no": pl.Int64}) for n in new)],
        how="diagonal_relaxed",
    )


def save_failures(con, failures: pl.DataFrame, settings: Settings) -> None:
    """Replace the kept failures (inside the caller's transaction)."""
    store.replace_kept(con, "gx_failures", failures, "gx", _fingerprint(settings))


def summary(con, specs: dict[str, DatasetSpec], settings: Settings) -> list[dict]:
    """Per expectation of each suite: rows checked (the dataset's rows) and rows failed."""
    failed = {
        tuple(r[:4]): r[4] for r in con.execute(load_sql("checks/_gx_failed_counts")).fetchall()
    }
    out = []
    for name, spec in specs.items():
        rows = store.scalar(con, load_sql("store/row_count").format(table=name))
        for e in empty_summary(spec, settings):
            key = (name, e["rule_id"], e["column"], e["expectation"])
            out.append({**e, "checked": rows, "failed": failed.get(key, 0)})
    return out
