"""The cross-dataset checks of validate (DATA_SPEC 4): the tables they read (district map,
enterprise names, records, located rows) and the rows that break a rule of sql/checks/ (one
file per rule; files starting with _ are not rules).

Incremental like the suites: a record's result depends on the record, its enterprise's rows
and names in the register and the settings, so after a validation that kept its results
(check_failures) only the rows of new files and the records of the enterprises that changed
in the register are checked again (``since``); the others keep theirs."""

from __future__ import annotations

import polars as pl

from safetystats import normalize as V
from safetystats import store
from safetystats.config import Settings, packaged
from safetystats.ingest import staging
from safetystats.ingest.spec import DatasetSpec
from safetystats.sql import bind, load_sql, names_in
from safetystats.validate import suite_rows
from safetystats.validate.quarantine import as_quarantine

# checks that read what the others found
LAST = ("enterprise_quarantined",)
OWN_TABLES = ("_district_map", "_districts", "_enterprise_names", "_quarantine")
# the datasets some checks read directly (not through `records`): only their checked rows
CHECKED_VIEWS = ("enterprises", "drills")


def since(con, settings: Settings, suites_since: int | None) -> int | None:
    """The last file whose rows the kept check results cover: the suites' (the same
    validation saved both), or None (check every row: first validation, --full, new settings,
    or a store validated by a version that did not keep them)."""
    s = store.state(con)
    if (
        suites_since is None
        or s.get("checks_file_id") != str(suites_since)
        or s.get("checks_fingerprint") != store.curation_rules(settings)
    ):
        return None
    return suites_since


def incremental_cost(con, settings: Settings, specs: dict[str, DatasetSpec]) -> float | None:
    """About what a validation since the last one (row by row) costs, as a share of a full one
    (config/performance.toml ``[validate]``): the rows of the files after it, and the records
    of the enterprises the register corrected (their share of the register, applied to the
    records that name an enterprise), each against the share of the store at which row by row
    costs what every row costs. None: every row is validated anyway (see ``since``)."""
    kept = since(con, settings, suite_rows.since(con, settings, False))
    if kept is None:
        return None
    part = load_sql("checks/_rows_since")
    text = "\nUNION ALL\n".join(part.format(dataset=name) for name in specs)
    counts = {d: (stored, new) for d, stored, new in con.execute(text, {"since": kept}).fetchall()}
    stored = sum(n for n, _ in counts.values())
    if not stored:
        return None
    register_changes(con, settings, kept)
    corrected = store.scalar(con, load_sql("checks/_register_known_count"))
    register = max(counts["enterprises"][0], 1)
    records = sum(counts[name][0] for name in _records_of_enterprises(specs))
    limits = packaged("performance")["validate"]
    new = sum(n for _, n in counts.values()) / limits["rows_up_to"]
    of_register = records * min(1.0, corrected / register) / limits["records_up_to"]
    return (new + of_register) / stored


def register_changes(con, settings: Settings, since: int) -> None:
    """Temp tables register_same (staging.register_same), register_changed (the enterprises
    whose register rows changed since file ``since``) and register_known (those of them the
    register held before: corrections). Made once per ``since`` on a connection
    (store.made_once): refresh's estimate and the checks read the same."""
    staging.register_same(con, settings, since)

    def make():
        con.execute(load_sql("checks/_register_changed"), {"since": since})
        con.execute(load_sql("checks/_register_known"), {"since": since})

    store.made_once(con, "register_known", since, make)


def create_tables(con) -> None:
    """The tables validation fills: district map and enterprise names (kept between
    validations when they exist), districts and quarantine (made empty)."""
    for name in OWN_TABLES:
        con.execute(load_sql(f"checks/{name}"))


def district_map(
    con, settings: Settings, specs: dict[str, DatasetSpec], since: int | None = None
) -> None:
    """Resolve once each district value of the stored rows and of the rows held at ingestion
    (registry rules, DATA_SPEC 2.8). ``since``: the map of the validations before is kept (the
    same registry, settings and resolver: the checks' fingerprint) and the values of rows of
    files after it that it lacks are added; None: the map is made again from every row."""
    registry = settings.registry
    new = "" if since is None else "AND {file_id} > $since"
    part = load_sql("checks/_district_values")
    parts = [
        part.format(dataset=n, only=new.format(file_id="_file_id"))
        for n, s in specs.items()
        if any(c.name == "district" for c in s.columns)
    ]
    held = load_sql("checks/_district_values_held")
    parts.append(held.format(only=new.format(file_id="file_id")))
    if since is None:  # made again, its definition with it
        con.execute(load_sql("checks/_district_map_drop"))
        con.execute(load_sql("checks/_district_map"))
    text = load_sql("checks/_district_values_missing").format(parts="\nUNION\n".join(parts))
    values = [r[0] for r in con.execute(text, bind(text, {"since": since})).fetchall()]
    rows = []
    for value in values:
        found = registry.resolve_detail(value)
        unit = found.unit
        rows.append(
            (value, unit and unit.code, unit and unit.name, found.message_zh, found.message_en)
        )
    _fill(con, "_district_map_fill", rows, ["value", "code", "name", "detail_zh", "detail_en"])
    units = [(d.code, d.name, d.parent, d.level, i) for i, d in enumerate(registry.districts)]
    _fill(con, "_districts_fill", units, ["code", "name", "parent", "level", "ordinal"])


def _fill(con, name: str, rows: list[tuple], columns: list[str]) -> None:
    """Insert rows with sql/checks/<name>.sql in one statement (executemany is one per row)."""
    if not rows:
        return
    frame = pl.DataFrame(rows, schema=columns, orient="row", infer_schema_length=None)
    with store.registered(con, "new_rows", frame):
        con.execute(load_sql(f"checks/{name}"))


def _check_keys(con, specs: dict[str, DatasetSpec], since: int) -> None:
    """Temp tables enterprise_records (``_enterprise_records``, after ``register_changes``),
    record_keys (the rows checked again and the rows with kept failures, with their rowids)
    and check_keys (the rows checked again)."""
    _enterprise_records(con, specs, since)
    parts = [load_sql("checks/_check_keys").format(dataset=name) for name in specs]
    text = load_sql("checks/_check_keys_table").format(parts="\nUNION ALL\n".join(parts))
    con.execute(text, {"since": since})
    con.execute(load_sql("checks/_check_keys_checked"))


def _records_of_enterprises(specs: dict[str, DatasetSpec]) -> list[str]:
    """The datasets whose records name an enterprise (the register's own checks read its row
    alone)."""
    return [
        name
        for name, spec in specs.items()
        if name != "enterprises"
        and {"enterprise_id", "enterprise_name"} & {c.name for c in spec.columns}
    ]


def _enterprise_records(con, specs: dict[str, DatasetSpec], since: int) -> None:
    """Temp table enterprise_records: the records whose enterprise, by credit code or else by
    name, is in register_changed. A month's changes are mostly enterprises new to the
    register, which no record named without a kept failure saying so: those records come
    from check_failures. Only enterprises and names the register held before
    (register_known: corrections) need a scan of every dataset's enterprise columns.
    Curation on this connection reads the table too (enterprise_records_since)."""
    parts = [load_sql("checks/_enterprise_records_failed")]
    if store.scalar(con, load_sql("store/row_count").format(table="register_known")):
        for name in _records_of_enterprises(specs):
            column = specs[name].sql_column
            scan = load_sql("checks/_enterprise_records_scan")
            parts.append(
                scan.format(
                    dataset=name,
                    enterprise=column("enterprise_id"),
                    enterprise_name=column("enterprise_name"),
                )
            )
    con.execute(load_sql("checks/_enterprise_records").format(parts="\nUNION ALL\n".join(parts)))
    con.execute(load_sql("checks/_enterprise_records_since"), {"since": since})


def spec_views(con, specs: dict[str, DatasetSpec], since: int | None = None) -> None:
    """Tables and views the checks read: enterprise_names, the table `record_rows` and view
    `records` (every dataset but the register, enterprises resolved by code or name), the
    views `located` (every dataset) and checked_<dataset>. ``since``: only the
    rows to check again (see ``since``) and those with kept failures; None: every row."""
    if since is None:
        con.execute(load_sql("checks/_enterprise_records_drop"))
        con.execute(load_sql("checks/_clear_enterprise_names").format(only=""))
        rows = load_sql("checks/_enterprise_name_rows")
        con.execute(load_sql("checks/_fill_enterprise_names").format(rows=rows, only=""))
    else:
        _check_keys(con, specs, since)
        _changed_names(con, since)
    records, located = [], []
    rowids = load_sql("checks/_rowids")  # the rows of record_keys
    for name, spec in specs.items():
        located.append(load_sql("checks/_locate").format(dataset=name))
        if name == "enterprises":
            continue
        cols, column = {c.name: c for c in spec.columns}, spec.sql_column
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
                only="" if since is None else rowids.format(dataset=name, only=""),
                keys=""
                if since is None
                else f"JOIN record_keys k ON k.dataset = '{name}' AND k._key = t._key",
                checked="true" if since is None else "k.checked",
            )
        )
    con.execute(load_sql("checks/_records_table").format(parts="\nUNION ALL\n".join(records)))
    con.execute(load_sql("checks/_records_view"))
    con.execute(load_sql("checks/_located_view").format(parts="\nUNION ALL\n".join(located)))
    for name in CHECKED_VIEWS:
        only = "" if since is None else rowids.format(dataset=name, only="AND checked")
        con.execute(load_sql("checks/_checked_view").format(dataset=name, only=only))


def _changed_names(con, since: int) -> None:
    """enterprise_names redone for the names of register_changed, from the register rows that
    can hold them (see _enterprise_name_rows_changed.sql)."""
    con.execute(load_sql("checks/_names_before"))
    changed = "AND name_key IN (SELECT name_key FROM register_changed)"
    con.execute(load_sql("checks/_clear_enterprise_names").format(only=changed))
    shared = store.scalar(con, load_sql("checks/_names_shared_count"))
    rows = load_sql("checks/_enterprise_name_rows_changed").format(
        shared=load_sql("checks/_enterprise_name_rows_shared") if shared else ""
    )
    text = load_sql("checks/_fill_enterprise_names").format(rows=rows, only=changed)
    con.execute(text, {"since": since})


def _bad_check_codes(con, since: int | None) -> None:
    """Temp table bad_check_codes: 18-character credit codes with a wrong check character (the
    codes not seen before are checked and kept in credit_codes_checked: in SQL, those of ASCII
    letters and digits; the few others by normalize.credit_code_check). ``since`` None: every
    row is checked, the whole register among them (see _unchecked_codes.sql)."""
    con.execute(load_sql("checks/_unchecked_codes"), {"every_record": since is not None})
    con.execute(load_sql("checks/_credit_codes_compute"))
    other = [c for (c,) in con.execute(load_sql("checks/_unchecked_other_codes")).fetchall()]
    checked = [(c, V.credit_code_check(c)) for c in other]
    _fill(con, "_credit_codes_fill", checked, ["enterprise_id", "expected"])
    con.execute(load_sql("checks/_bad_check_codes"))


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
    with store.registered(con, "frame", frame):
        con.execute(load_sql("checks/_register_errors"))


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
        rows = store.fetch_frame(con, load_sql("checks/_found_located"))
    return as_quarantine(rows, pl.col("raw_value"), "sql")


def cross_dataset_rows(
    con, settings: Settings, suite_failures: pl.DataFrame, since: int | None
) -> pl.DataFrame:
    """The rows that break a rule of sql/checks/ (one file per rule), located in their files:
    the kept results of the rows not checked again (``since``, see ``spec_views``) and the
    checked rows' new ones. The checks that need the register's own failures run last."""
    rules = [
        n.removeprefix("checks/")
        for n in names_in("checks")
        if not n.removeprefix("checks/").startswith("_")
    ]
    kept = [] if since is None else [store.fetch_frame(con, load_sql("checks/_checks_kept"))]
    _bad_check_codes(con, since)
    first = _run_checks(con, [r for r in rules if r not in LAST], settings)
    failed = pl.concat([suite_failures, *kept, first], how="diagonal_relaxed")
    _register_errors(con, failed, settings)
    return pl.concat([*kept, first, _run_checks(con, list(LAST), settings)], how="diagonal_relaxed")


def save_failures(con, found: pl.DataFrame, settings: Settings) -> None:
    """Replace the kept check results (inside the caller's transaction)."""
    store.replace_kept(con, "check_failures", found, "checks", store.curation_rules(settings))
