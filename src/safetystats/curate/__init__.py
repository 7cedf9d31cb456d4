"""curate: the tables that metrics read, built from the staged rows and the quarantine.

Loads the staging tables, the district map and the quarantine; builds ``curated_<dataset>``
(sql/curated/) and the marts (sql/marts/); checks their column tests (schema.toml beside the
SQL); saves the store's state so that readers know it is current.
"""

from __future__ import annotations

import logging
import time
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from safetystats import sql, store
from safetystats.config import Settings, sql_parameters
from safetystats.curate import marts
from safetystats.ingest import staging
from safetystats.ingest.spec import DatasetSpec, load_specs

log = logging.getLogger(__name__)
# the register first: the other curated tables read curated_enterprises
FIRST = "enterprises"
# made by _few_register.sql for an incremental curation
FEW_TABLES = ("few_keys", "few_names", "few_ids", "few_enterprises", "few_curated_enterprises")


class ColumnTestError(RuntimeError):
    """A curated table or mart broke one of its column tests (a defect, not a user error)."""


@dataclass
class CurationResult:
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows
    seconds: float = 0.0
    since: int | None = None  # rows of files after this one rebuilt; None: every table


def _valid_view(
    con, spec: DatasetSpec, only: str = "", rows: str | None = None, few: bool = False
) -> None:
    """The temp view valid_<dataset>; ``only``: a condition on its rows ``t`` (incremental);
    ``rows``: the table they come from (the dataset's staged rows when None); ``few``: the
    register's rows and names it joins are those of the rows rebuilt (``_few_register``)."""
    column = spec.sql_column
    excluded = [f'"{c.raw_name}"' for c in spec.columns if c.keeps_raw]
    has_enterprise = spec.name != "enterprises" and any(
        c.name == "enterprise_id" for c in spec.columns
    )
    con.execute(
        sql.load_sql("curated/valid_dataset").format(
            dataset=spec.name,
            rows=rows or f'"{spec.name}"',
            excluded=f"EXCLUDE ({', '.join(excluded)})" if excluded else "",
            enterprise_out="REPLACE (coalesce(t.enterprise_id, n.enterprise_id) AS enterprise_id)"
            if has_enterprise
            else "",
            enterprise=column("enterprise_id"),
            enterprise_name=column("enterprise_name"),
            district=column("district"),
            only=only,
            names="few_names" if few else "enterprise_names",
            register="few_enterprises" if few else "enterprises",
        )
    )


def _curated_select(name: str, few: bool = False) -> str:
    """The SELECT of a curated table (sql/curated/curated_<name>.sql, else the default);
    ``few``: the curated register's rows it joins are those of the rows rebuilt."""
    own = f"curated/curated_{name}"
    text = sql.load_sql(own if sql.exists(own) else "curated/curated_default")
    register = "few_curated_enterprises" if few else "curated_enterprises"
    return text.format(dataset=name, curated_register=register)


def _curated_sql(name: str) -> str:
    """The statement that builds curated_<name> from every valid row."""
    return sql.load_sql("curated/_rebuild").format(dataset=name, select=_curated_select(name))


def _since(con, settings: Settings) -> int | None:
    """The last file the curated tables cover when only the rows that changed since need
    rebuilding; None when every table is rebuilt (first curation, new settings or version,
    or a quarantine that validate could not compare with the curated one)."""
    s = store.state(con)
    known = store.scalar(con, sql.load_sql("store/table_exists"), {"table": "quarantine_changed"})
    if (
        not known
        or "curated_file_id" not in s
        or s.get("curation_version") != store.CURATION_VERSION
        or s.get("curation_fingerprint") != store.curation_rules(settings)
    ):
        return None
    return int(s["curated_file_id"])


def _changed_keys(con, spec: DatasetSpec, since: int) -> None:
    """Temp table curate_keys: the rows of a dataset whose curated row may differ from the one
    kept (their keys and rowids): rows of files after ``since``, rows whose errors changed,
    rows whose enterprise (by credit code or by name) changed in the register (those that
    validation found, or a scan: ``_known_enterprises``)."""
    column = spec.sql_column
    if _known_enterprises(con, since):
        text = sql.load_sql("curated/_changed_keys_known").format(dataset=spec.name)
    else:
        text = sql.load_sql("curated/_changed_keys").format(
            dataset=spec.name,
            enterprise=column("enterprise_id"),
            enterprise_name=column("enterprise_name"),
        )
    con.execute(text, {"since": since})


def _known_enterprises(con, since: int) -> bool:
    """Whether the records of the changed enterprises are those validation found on this
    connection (temp table enterprise_records, since the same file): then they are read by
    their keys instead of by a scan of every record's enterprise columns."""
    exists = sql.load_sql("store/table_exists")
    if not store.scalar(con, exists, {"table": "enterprise_records_since"}):
        return False
    return bool(store.scalar(con, sql.load_sql("curated/_changed_within_known"), {"since": since}))


def _curate_table(con, spec: DatasetSpec, values: dict) -> None:
    """curated_<dataset> rebuilt from every valid row."""
    _valid_view(con, spec)
    text = _curated_sql(spec.name)
    con.execute(text, sql.bind(text, values))


def _stage_changed(con, spec: DatasetSpec, since: int) -> bool:
    """The temp table changed_staged_<dataset>: the staged rows an incremental curation
    rebuilds (``_changed_keys``), copied so that DuckDB knows how few they are; False when
    there are none (the table is left as it is)."""
    name = spec.name
    _changed_keys(con, spec, since)
    if not store.scalar(con, sql.load_sql("curated/_changed_count")):
        if name in marts.changed_datasets():  # the marts' scopes read an empty changed_<dataset>
            con.execute(sql.load_sql("curated/_changed_rows_none").format(dataset=name))
        return False
    con.execute(sql.load_sql("curated/_changed_staged").format(dataset=name))
    return True


def _few_register(con, specs: dict[str, DatasetSpec], names: list[str]) -> None:
    """The temp tables few_names, few_enterprises and few_curated_enterprises: the rows of
    enterprise_names, the staged register and the curated register that the rows to rebuild
    (changed_staged_<dataset> of ``names``) can join, found in one pass over each instead of
    one per dataset (each holds a row per enterprise: 800 k at 4x the province)."""
    parts = []
    for name in names:
        column = specs[name].sql_column
        parts.append(
            sql.load_sql("curated/_few_keys_part").format(
                dataset=name,
                enterprise=column("enterprise_id"),
                enterprise_name=column("enterprise_name"),
            )
        )
    con.execute(sql.load_sql("curated/_few_register").format(parts="\nUNION ALL\n".join(parts)))


def _rebuild_changed(con, spec: DatasetSpec, values: dict, since: int) -> None:
    """The curated rows of changed_staged_<dataset> replaced, and changed_<dataset> for the
    marts' scopes: the columns they read of the rows before (marts.columns_before), every
    column of the rows after."""
    name = spec.name
    kept = name in marts.changed_datasets()
    con.execute(sql.load_sql("curated/_curated_came_from").format(dataset=name), {"since": since})
    con.execute(sql.load_sql("curated/_curated_rids").format(dataset=name))
    if kept:
        con.execute(sql.load_sql("curated/_changed_rows_none").format(dataset=name))
        if columns := ", ".join(f'"{c}"' for c in marts.columns_before(name)):
            con.execute(sql.load_sql("curated/_changed_rows").format(dataset=name, columns=columns))
    _valid_view(con, spec, rows=f'"changed_staged_{name}"', few=True)
    con.execute(sql.load_sql("curated/_delete_changed").format(dataset=name))
    _insert_changed(con, name, values, few=True)
    if kept:
        con.execute(sql.load_sql("curated/_changed_rows_add").format(dataset=name))


def _insert_changed(con, name: str, values: dict, few: bool = False) -> None:
    """The rebuilt rows (the SELECT of curated_<name> over valid_<name>, limited to the rows
    that changed) made once as the temp table ``rebuilt`` and inserted: the column tests and
    the marts' changed rows read them there instead of finding them in the whole table."""
    text = sql.load_sql("curated/_rebuilt").format(select=_curated_select(name, few))
    con.execute(text, sql.bind(text, values))
    con.execute(sql.load_sql("curated/_insert_changed").format(dataset=name))


def _curate_register(con, settings: Settings, spec: DatasetSpec, values: dict, since: int) -> None:
    """The curated register's rows of the enterprises that changed (register_ids) replaced,
    and the temp tables changed_enterprises and changed_names: the enterprises whose records
    the other tables rebuild."""
    con.execute(sql.load_sql("curated/_register_ids"), {"since": since})
    con.execute(sql.load_sql("curated/_register_before"))
    _valid_view(con, spec, only="AND t.enterprise_id IN (SELECT enterprise_id FROM register_ids)")
    con.execute(sql.load_sql("curated/_register_delete"))
    _insert_changed(con, spec.name, values)
    staging.register_same(con, settings, since)
    con.execute(sql.load_sql("curated/_register_changes"), {"since": since})
    con.execute(sql.load_sql("curated/_changed_names"))


@cache
def _tests(layer: str) -> dict:
    return tomllib.loads(files(sql).joinpath(layer, "schema.toml").read_text(encoding="utf-8"))


def _unique_by_key(spec: DatasetSpec) -> bool:
    """Whether the unique columns of curated_<dataset> are its one key column, whose text is
    the row's ``_key`` (prepare.record_key; no other column stands in for it): then an
    incremental curation, which replaces every curated row of the keys it rebuilds, can only
    repeat a value among the rows it rebuilt."""
    unique = _tests("curated").get(f"curated_{spec.name}", {}).get("unique", [])
    return len(spec.key) == 1 and unique == spec.key and not spec.substitute(spec.key[0])


def column_tests(
    con, layer: str, only: str | None = None, changed: bool = False, keyed: bool = False
) -> list[str]:
    """Failures of the column tests in sql/<layer>/schema.toml (an empty list when all pass);
    ``only``: that table's; ``changed``: over the rows an incremental curation rebuilt (the
    temp table ``rebuilt``) and the groups they fall in (the other rows passed before);
    ``keyed`` (with ``changed``): the unique columns are the rows' key (``_unique_by_key``),
    tested among the rebuilt rows only instead of in the groups of the whole table."""
    tests = _tests(layer)
    if only is not None:
        tests = {only: tests[only]} if only in tests else {}
    failures = []
    exists = sql.load_sql("store/table_exists")
    for table, spec in tests.items():
        if not store.scalar(con, exists, {"table": table}):
            continue
        rows = "rebuilt" if changed else f'"{table}"'  # the rows the tests of a row read
        quoted = ", ".join(f'"{c}"' for c in spec.get("unique", []))
        if quoted:
            groups = (
                ""
                if not changed
                else sql.load_sql("column_tests/_changed_groups").format(columns=quoted)
            )
            test = sql.load_sql("column_tests/unique").format(
                table="rebuilt" if changed and keyed else table,
                columns=quoted,
                groups="" if keyed else groups,
            )
            dupes = store.scalar(con, test)
            if dupes:
                failures.append(f"{table}: ({quoted}) not unique in {dupes} cases")
        for column in spec.get("not_null", []):
            test = sql.load_sql("column_tests/not_null").format(rows=rows, column=column)
            nulls = store.scalar(con, test)
            if nulls:
                failures.append(f"{table}.{column}: {nulls} blank values")
        for column, accepted in spec.get("accepted", {}).items():
            test = sql.load_sql("column_tests/accepted").format(rows=rows, column=column)
            other = store.scalar(con, test, {"accepted": accepted})
            if other:
                failures.append(f"{table}.{column}: {other} values outside {accepted}")
    return failures


def _curate_changed(
    con, settings: Settings, specs: dict[str, DatasetSpec], values: dict, since: int
) -> list[str]:
    """The rows that changed since file ``since`` rebuilt, the register first (the other
    tables' rows to rebuild depend on what changed in it), and the column tests over them."""
    _curate_register(con, settings, specs[FIRST], values, since)
    failures = column_tests(con, "curated", f"curated_{FIRST}", changed=True)
    others = [n for n in specs if n != FIRST and _stage_changed(con, specs[n], since)]
    if others:
        _few_register(con, specs, others)
    for name in others:
        _rebuild_changed(con, specs[name], values, since)
        keyed = _unique_by_key(specs[name])
        failures += column_tests(con, "curated", f"curated_{name}", changed=True, keyed=keyed)
    drop = sql.load_sql("store/drop_temp_table")
    for table in [f'"changed_staged_{n}"' for n in others] + list(FEW_TABLES if others else []):
        con.execute(drop.format(name=table))
    return failures


def curate(con, settings: Settings, full: bool = False) -> CurationResult:
    """Build the curated tables and marts in one transaction, check their column tests, and
    mark the store current. Needs a writer's connection and a validated store.

    After a validation on the same connection, only the rows that changed since the last
    curation are rebuilt (see ``_changed_keys``), their column tests run over those rows, and
    the marts are updated for the days and months they fall in (marts.py); every row with
    ``full``."""
    started = time.perf_counter()
    specs = load_specs(settings)
    values = sql_parameters(settings)
    with store.transaction(con):
        store.ensure_bookkeeping(con)
        since = None if full else _since(con, settings)
        if since is None:
            for name in sorted(specs, key=lambda n: n != FIRST):
                _curate_table(con, specs[name], values)
            failures = column_tests(con, "curated")
        else:
            failures = _curate_changed(con, settings, specs, values, since)
        marts.build(con, values, changed=since is not None)
        failures += column_tests(con, "marts")
        if failures:
            raise ColumnTestError("column tests failed: " + "; ".join(failures))
        s = store.state(con)
        store.set_state(
            con,
            curated_change=s.get("validated_change", ""),
            curation_version=store.CURATION_VERSION,
            curation_fingerprint=store.curation_rules(settings),
            curated_file_id=str(store.scalar(con, sql.load_sql("store/last_file_id"))),
            quarantine_curated="1",
        )
    count = sql.load_sql("store/row_count")
    tables = {f"curated_{n}": store.scalar(con, count.format(table=f"curated_{n}")) for n in specs}
    seconds = time.perf_counter() - started
    log.info(
        "curate: %s in %.2fs", "every row" if since is None else f"since file {since}", seconds
    )
    return CurationResult(tables, seconds, since)
