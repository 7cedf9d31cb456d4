"""validate: the expectation suites and the cross-dataset checks over the whole store
(DATA_SPEC sections 4 and 5). Loads the staged rows, finds the rows that break a rule, and
saves the quarantine table and the report files. Curated tables are the next layer's."""

from __future__ import annotations

import logging
import os
import re
import time
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from safetystats import normalize as V
from safetystats import store
from safetystats.config import Settings, labels_for
from safetystats.ingest import staging
from safetystats.ingest.spec import DatasetSpec, load_specs
from safetystats.sql import bind, load_sql, names_in
from safetystats.validate.suites import INGESTED_ON, ROW_ID, columns_used, expectation_specs

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

log = logging.getLogger(__name__)
# checks that read what the others found (files of sql/checks/ starting with _ are not rules)
LAST = ("enterprise_quarantined",)
QUARANTINE_COLUMNS = [
    "dataset",
    "record_key",
    "file_id",
    "file_name",
    "sheet",
    "row_no",
    "column_name",
    "raw_value",
    "rule_id",
    "severity",
    "message_zh",
    "message_en",
    "source",
    "dataset_zh",
    "rule_zh",
    "severity_zh",
]


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


OWN_TABLES = ("_district_map", "_districts", "_enterprise_names", "_quarantine")


def create_tables(con) -> None:
    """The (empty) tables validation fills: district map, districts, enterprise names, quarantine."""
    for name in OWN_TABLES:
        con.execute(load_sql(f"checks/{name}"))


def _district_map(con, settings: Settings, specs: dict[str, DatasetSpec]) -> None:
    """Resolve every distinct district value of the store once (registry rules, DATA_SPEC 2.8)."""
    registry = settings.registry
    parts = [
        f'SELECT DISTINCT district AS v FROM "{n}"'
        for n, s in specs.items()
        if any(c.name == "district" for c in s.columns)
    ]
    values = [r[0] for r in con.execute(" UNION ".join(parts)).fetchall() if r[0] is not None]
    rows = []
    for value in values:
        found = registry.resolve_detail(value)
        unit = found.unit
        rows.append(
            (value, unit and unit.code, unit and unit.name, found.message_zh, found.message_en)
        )
    _insert(con, "district_map", rows, ["value", "code", "name", "detail_zh", "detail_en"])
    units = [(d.code, d.name, d.parent, d.level, i) for i, d in enumerate(registry.districts)]
    _insert(con, "districts", units, ["code", "name", "parent", "level", "ordinal"])


def _insert(con, table: str, rows: list[tuple], columns: list[str]) -> None:
    """Insert rows in one statement (executemany is a statement per row)."""
    if not rows:
        return
    frame = pl.DataFrame(rows, schema=columns, orient="row", infer_schema_length=None)
    with store.registered(con, "new_rows", frame):
        con.execute(f"INSERT INTO {table} SELECT * FROM new_rows")


def _spec_views(con, specs: dict[str, DatasetSpec]) -> None:
    """Tables and views the checks read: enterprise_names, the table `records` (every dataset
    but the register, enterprises resolved by code or name), the views `located` (every
    dataset) and `registered`."""
    con.execute(load_sql("checks/_fill_enterprise_names"))
    records, located = [], []
    for name, spec in specs.items():
        located.append(load_sql("checks/_locate").format(dataset=name))
        if name == "enterprises":
            continue
        cols = {c.name: c for c in spec.columns}

        def column(c: str, cols=cols) -> str:
            return f't."{c}"' if c in cols else "NULL::VARCHAR"

        records.append(
            load_sql("checks/_records").format(
                dataset=name,
                enterprise=column("enterprise_id"),
                enterprise_name=column("enterprise_name"),
                district=column("district"),
                # a district that may come from the register is checked here, not by GX
                district_required=str(
                    "district" in cols
                    and cols["district"].required
                    and not cols["district"].or_column
                ).lower(),
            )
        )
    # a table, not a view: every check reads it, and the quarantine's units come from it
    con.execute("CREATE OR REPLACE TEMP TABLE records AS " + " UNION ALL ".join(records))
    con.execute("CREATE OR REPLACE TEMP VIEW located AS " + " UNION ALL ".join(located))
    con.execute(load_sql("checks/_registered"))


def _bad_check_codes(con) -> None:
    """Temp table bad_check_codes: 18-character credit codes with a wrong check character (the
    codes not seen before are checked and kept in credit_codes_checked)."""
    new = [c for (c,) in con.execute(load_sql("checks/_unchecked_codes")).fetchall()]
    checked = [(c, V.credit_code_check(c)) for c in new]
    _insert(con, "credit_codes_checked", checked, ["enterprise_id", "expected"])
    con.execute(
        "CREATE OR REPLACE TEMP TABLE bad_check_codes AS "
        "SELECT enterprise_id, expected FROM credit_codes_checked WHERE expected IS NOT NULL"
    )


def _register_errors(con, failed: pl.DataFrame, settings: Settings) -> None:
    """Temp table register_errors: the register's rows that failed an error rule (with the
    file, row and rule), for the check enterprise_quarantined."""
    rules = settings.rules
    errors = failed.filter(
        (pl.col("dataset") == "enterprises")
        & pl.col("rule_id").map_elements(lambda r: rules[r]["severity"] == "error", pl.Boolean)
    ).select("record_key", "file_name", "row_no", "rule_id")
    frame = errors.with_columns(
        pl.col("rule_id").replace_strict({r: rules[r]["title"] for r in rules}).alias("rule_title")
    )
    _temp_table(
        con,
        "register_errors",
        frame,
        "SELECT DISTINCT e.enterprise_id, f.file_name, f.row_no, f.rule_title "
        "FROM frame f JOIN enterprises e ON e._key = f.record_key",
    )


def _temp_table(con, name: str, frame: pl.DataFrame, select: str) -> None:
    """A temp table ``name`` from ``select`` over the polars ``frame`` (registered as frame)."""
    with store.registered(con, "frame", frame):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {select}")


def _run_checks(con, names: list[str], settings: Settings) -> pl.DataFrame:
    booleans = settings.vocab["booleans"]  # a flag is shown as the first spelling: 是 / 否
    shown = {"yes": booleans["true"][0], "no": booleans["false"][0]}
    parts = []
    for name in names:
        sql = load_sql(f"checks/{name}")
        parts.append(store.fetch_frame(con, sql, bind(sql, shown)))
    found = pl.concat(parts, how="diagonal_relaxed")
    for extra in ("detail", "detail_en"):
        if extra not in found.columns:
            found = found.with_columns(pl.lit(None, pl.String).alias(extra))
    with store.registered(con, "found_rows", found):
        rows = store.fetch_frame(
            con,
            "SELECT f.*, l._file_id, l._file_name, l._sheet, l._row FROM found_rows f "
            "LEFT JOIN located l ON l.dataset = f.dataset AND l._key = f._key",
        )
    return _as_quarantine(rows, pl.col("raw_value"), "sql")


def _cross_dataset_rows(con, settings: Settings, earlier: list[pl.DataFrame]) -> pl.DataFrame:
    """The rows that break a rule of sql/checks/ (one file per rule), located in their files.
    The checks that need the register's own failures run last."""
    rules = [
        n.removeprefix("checks/")
        for n in names_in("checks")
        if not n.removeprefix("checks/").startswith("_")
    ]
    _bad_check_codes(con)
    first = _run_checks(con, [r for r in rules if r not in LAST], settings)
    failed = pl.concat([*earlier, first], how="diagonal_relaxed")
    _register_errors(con, failed, settings)
    return pl.concat([first, _run_checks(con, list(LAST), settings)], how="diagonal_relaxed")


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
    where = [] if since is None else [f"t._file_id > {int(since)}"]
    if keys is not None:
        where.append("t._key IN (SELECT _key FROM wanted_keys)")
    wanted = pl.DataFrame({"_key": keys if keys is not None else []}, schema={"_key": pl.String})
    with store.registered(con, "wanted_keys", wanted):
        frame = store.fetch_frame(
            con,
            f"SELECT {select}, t._key, t._file_id, f.file_name AS _file_name, t._sheet, t._row "
            f'FROM "{spec.name}" t JOIN ingest_files f ON f.file_id = t._file_id'
            + (" WHERE " + " AND ".join(where) if where else ""),
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
    return _as_quarantine(pl.concat(out), pl.coalesce("_value", "raw_value"), "gx")


def _as_quarantine(frame: pl.DataFrame, value: pl.Expr, source: str) -> pl.DataFrame:
    """Failures with their location (file, sheet, row) in the quarantine's column order."""
    for extra in ("detail", "detail_en"):
        if extra not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(extra))
    for extra in ("held_district", "expectation"):
        if extra not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(extra))
    return frame.select(
        "expectation",
        "detail",
        "detail_en",
        "held_district",
        "dataset",
        pl.col("_key").alias("record_key"),
        pl.col("_file_id").alias("file_id"),
        pl.col("_file_name").alias("file_name"),
        pl.col("_sheet").alias("sheet"),
        pl.col("_row").alias("row_no"),
        "column_name",
        value.alias("raw_value"),
        "rule_id",
        pl.lit(source).alias("source"),
    )


def _messages(
    frame: pl.DataFrame, settings: Settings, specs: dict[str, DatasetSpec]
) -> pl.DataFrame:
    rules = settings.rules
    labels = {(n, c.name): c.headers[0] for n, s in specs.items() for c in s.columns}
    zh, en, sev = [], [], []
    for dataset, rule, column, value, detail, detail_en in frame.select(
        "dataset", "rule_id", "column_name", "raw_value", "detail", "detail_en"
    ).iter_rows():
        r = rules[rule]
        fill = {
            "column": column or "",
            "value": "" if value is None else value,
            "detail": detail or "",
            "detail_en": detail_en or detail or "",
        }
        zh.append(
            r["zh"].format(**(fill | {"column": labels.get((dataset, column), column or "")}))
        )
        en.append(r["en"].format(**fill))
        sev.append(r["severity"])
    datasets_zh = {n: s.label_zh for n, s in specs.items()}
    severity_zh = labels_for(settings, "zh")["severity"]
    return frame.with_columns(
        pl.Series("severity", sev, pl.String),
        pl.Series("message_zh", zh, pl.String),
        pl.Series("message_en", en, pl.String),
        pl.col("dataset").replace_strict(datasets_zh, default=None).alias("dataset_zh"),
        pl.col("rule_id")
        .replace_strict({r: v["title"] for r, v in rules.items()})
        .alias("rule_zh"),
        pl.Series("severity_zh", [severity_zh[v] for v in sev], pl.String),
    )


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


def _suite_rows(
    con, specs: dict[str, DatasetSpec], settings: Settings, since: int | None
) -> list[pl.DataFrame]:
    """Each dataset's suite over the rows of the files after ``since`` (every row when None):
    as SQL in the store where every expectation compiles (validate/suite_sql.py), else by GX."""
    from safetystats.validate.suite_sql import compile_suite

    parts, by_gx = [], {}
    for name, spec in specs.items():
        types = dict(
            con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ?", [name]
            ).fetchall()
        )
        compiled = compile_suite(name, spec, settings, types)
        if compiled is None:
            by_gx[name] = spec
            continue
        started = time.perf_counter()
        part = _sql_suite_rows(con, spec, settings, compiled, since)
        log.info("validate %s: suite as SQL %.2fs", name, time.perf_counter() - started)
        if part is not None:
            parts.append(part)
    return parts + (_gx_rows(con, by_gx, settings, since) if by_gx else [])


def _sql_suite_rows(con, spec: DatasetSpec, settings: Settings, compiled, since: int | None):
    """The failing rows of one dataset's compiled suite in the quarantine's shape (None: none)."""
    from safetystats.validate.suite_sql import failing_rows_sql

    keys = store.fetch_frame(con, failing_rows_sql(spec.name, compiled, since))
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


def _gx_rows(con, specs: dict[str, DatasetSpec], settings: Settings, since: int | None):
    """Run each dataset's suite over the rows of the files after ``since`` (every row when
    None): the failing rows in the quarantine's shape (with their expectation)."""
    from concurrent.futures import ThreadPoolExecutor

    from safetystats.validate.gx_run import validate_frames
    from safetystats.validate.suites import context

    parts = []
    sizes = {
        n: store.scalar(con, "SELECT count(*) FROM revalidated WHERE dataset = ?", [n])
        for n in specs
    }
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


def _gx_fingerprint(settings: Settings) -> str:
    """What a row's result under the suites depends on besides the row: the shipped suites,
    the settings (columns, values, checks, rules) and this version's curation."""
    from safetystats.paths import EXPECTATIONS_DIR

    return store.rules_fingerprint(settings, *sorted(EXPECTATIONS_DIR.glob("*.json")))


def _gx_since(con, settings: Settings, full: bool) -> int | None:
    """The last file whose rows the kept suite results cover (None: run over every row)."""
    s = store.state(con)
    if full or s.get("gx_fingerprint") != _gx_fingerprint(settings) or "gx_file_id" not in s:
        return None
    return int(s["gx_file_id"])


def _all_gx_failures(con, new: list[pl.DataFrame]) -> pl.DataFrame:
    """The kept failures of the rows not run again, and the new ones."""
    kept = store.fetch_frame(con, load_sql("checks/_gx_kept"))
    return pl.concat(
        [kept, *(n.cast({"file_id": pl.Int64, "row_no": pl.Int64}) for n in new)],
        how="diagonal_relaxed",
    )


def _save_gx_failures(con, failures: pl.DataFrame, settings: Settings) -> None:
    """Replace the kept failures (inside the caller's transaction)."""
    con.execute("DELETE FROM gx_failures")
    with store.registered(con, "gx_new", failures):
        con.execute("INSERT INTO gx_failures BY NAME SELECT * FROM gx_new")
    last = store.scalar(con, "SELECT coalesce(max(file_id), 0) FROM ingest_files")
    store.set_state(con, gx_fingerprint=_gx_fingerprint(settings), gx_file_id=str(last))


def _gx_summary(con, specs: dict[str, DatasetSpec], settings: Settings) -> list[dict]:
    """Per expectation of each suite: rows checked (the dataset's rows) and rows failed."""
    failed = {
        tuple(r[:4]): r[4]
        for r in con.execute(
            "SELECT dataset, rule_id, column_name, expectation, count(*) FROM gx_failures "
            "GROUP BY ALL"
        ).fetchall()
    }
    out = []
    for name, spec in specs.items():
        rows = store.scalar(con, f'SELECT count(*) FROM "{name}"')
        for e in empty_summary(spec, settings):
            key = (name, e["rule_id"], e["column"], e["expectation"])
            out.append({**e, "checked": rows, "failed": failed.get(key, 0)})
    return out


def validate(con, settings: Settings, full: bool = False) -> ValidationResult:
    """Rebuild the quarantine of the whole store (one transaction) and write
    reports/quarantine.csv and the validation report. Needs a writer's connection.

    The suites run over the rows of the files ingested since the last validation (every row
    with ``full``, or when the suites or settings changed); the results of the other rows are
    kept from the validations before. The cross-dataset checks run over the whole store."""
    specs = load_specs(settings)
    # load inputs
    staging.ensure_tables(con, specs)
    create_tables(con)
    _district_map(con, settings, specs)
    _spec_views(con, specs)
    since = _gx_since(con, settings, full)
    con.execute(load_sql("checks/_revalidated"), {"since": since})
    # process
    gx_failures = _all_gx_failures(con, _suite_rows(con, specs, settings, since))
    started = time.perf_counter()
    held = store.fetch_frame(con, load_sql("checks/_held"))
    all_rows = [held, gx_failures, _cross_dataset_rows(con, settings, [gx_failures])]
    quarantine = pl.concat(
        [r.cast({"file_id": pl.Int64, "row_no": pl.Int64}) for r in all_rows],
        how="diagonal_relaxed",
    )
    quarantine = (
        _messages(quarantine, settings, specs)
        .select(QUARANTINE_COLUMNS + ["held_district"])
        .sort("dataset", "file_name", "sheet", "row_no", "rule_id", "column_name", nulls_last=True)
    )
    log.info("validate cross-dataset checks and quarantine: %.2fs", time.perf_counter() - started)
    # save outputs
    now = datetime.now().isoformat(timespec="seconds")
    con.execute("BEGIN TRANSACTION")
    _save_gx_failures(con, gx_failures, settings)
    expectation_summary = _gx_summary(con, specs, settings)
    # the errors the curated tables were built from, to tell curate which rows changed
    compare = store.state(con).get("quarantine_curated") == "1"
    con.execute(load_sql("checks/_errors_before" if compare else "checks/_no_errors_before"))
    con.execute("DELETE FROM quarantine")
    with store.registered(con, "q_new", quarantine):
        con.execute(load_sql("checks/_record_units"))
        con.execute(load_sql("checks/_quarantine_fill"))
    quarantine = store.fetch_frame(con, load_sql("checks/_quarantine_sorted"))
    if compare:
        con.execute(load_sql("checks/_quarantine_changed"))
    store.set_state(
        con,
        validated_at=now,
        validated_change=store.state(con).get("changed_at", ""),
        quarantine_curated="0",
    )
    con.execute("COMMIT")
    result = ValidationResult(summarize(con, specs), expectation_summary, now)
    from safetystats.validate.report import write_outputs

    write_outputs(settings, quarantine, result)
    return result


def summarize(con, specs: dict[str, DatasetSpec]) -> list[DatasetSummary]:
    """Rows checked, held, quarantined and valid per dataset, from the staged rows and the quarantine."""
    out = []
    for name, spec in specs.items():
        checked = store.scalar(con, f'SELECT count(*) FROM "{name}"')
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
