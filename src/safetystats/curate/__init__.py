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
from importlib.resources import files

from safetystats import sql, store
from safetystats.config import Settings, sql_parameters
from safetystats.ingest.spec import DatasetSpec, load_specs

log = logging.getLogger(__name__)
# the register first: the other curated tables read curated_enterprises
FIRST = "enterprises"


class ColumnTestError(RuntimeError):
    """A curated table or mart broke one of its column tests (a defect, not a user error)."""


@dataclass
class CurationResult:
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows
    seconds: float = 0.0


def _valid_view(con, spec: DatasetSpec) -> None:
    cols = {c.name for c in spec.columns}

    def column(name: str) -> str:
        return f't."{name}"' if name in cols else "NULL::VARCHAR"

    excluded = [f'"{c.raw_name}"' for c in spec.columns if c.keeps_raw]
    has_enterprise = "enterprise_id" in cols and spec.name != "enterprises"
    con.execute(
        sql.load_sql("curated/valid_dataset").format(
            dataset=spec.name,
            excluded=", ".join(excluded) or "_row",
            enterprise_out="REPLACE (coalesce(t.enterprise_id, n.enterprise_id) AS enterprise_id)"
            if has_enterprise
            else "",
            enterprise=column("enterprise_id"),
            enterprise_name=column("enterprise_name"),
            district=column("district"),
        )
    )


def _curated_sql(name: str) -> str:
    own = f"curated/curated_{name}"
    return sql.load_sql(own if sql.exists(own) else "curated/curated_default").format(dataset=name)


def column_tests(con, layer: str) -> list[str]:
    """Failures of the column tests in sql/<layer>/schema.toml (an empty list when all pass)."""
    tests = tomllib.loads(files(sql).joinpath(layer, "schema.toml").read_text(encoding="utf-8"))
    failures = []
    for table, spec in tests.items():
        if not store.scalar(
            con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]
        ):
            continue
        quoted = ", ".join(f'"{c}"' for c in spec.get("unique", []))
        if quoted:
            dupes = store.scalar(
                con,
                f'SELECT count(*) FROM (SELECT {quoted} FROM "{table}" GROUP BY ALL HAVING count(*) > 1)',
            )
            if dupes:
                failures.append(f"{table}: ({quoted}) not unique in {dupes} cases")
        for column in spec.get("not_null", []):
            nulls = store.scalar(con, f'SELECT count(*) FROM "{table}" WHERE "{column}" IS NULL')
            if nulls:
                failures.append(f"{table}.{column}: {nulls} blank values")
        for column, accepted in spec.get("accepted", {}).items():
            other = store.scalar(
                con,
                f'SELECT count(*) FROM "{table}" WHERE NOT list_contains(?, "{column}"::VARCHAR)',
                [accepted],
            )
            if other:
                failures.append(f"{table}.{column}: {other} values outside {accepted}")
    return failures


def curate(con, settings: Settings) -> CurationResult:
    """Build the curated tables and marts in one transaction, check their column tests, and
    mark the store current. Needs a writer's connection and a validated store."""
    started = time.perf_counter()
    specs = load_specs(settings)
    values = sql_parameters(settings)
    con.execute("BEGIN TRANSACTION")
    try:
        store.ensure_bookkeeping(con)
        for name in sorted(specs, key=lambda n: n != FIRST):
            _valid_view(con, specs[name])
            text = _curated_sql(name)
            con.execute(text, sql.bind(text, values))
        for name in sql.names_in("marts"):
            text = sql.load_sql(name)
            con.execute(text, sql.bind(text, values))
        failures = column_tests(con, "curated") + column_tests(con, "marts")
        if failures:
            raise ColumnTestError("column tests failed: " + "; ".join(failures))
        s = store.state(con)
        store.set_state(
            con,
            curated_change=s.get("validated_change", ""),
            curation_version=store.CURATION_VERSION,
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    tables = {
        f"curated_{n}": store.scalar(con, f'SELECT count(*) FROM "curated_{n}"') for n in specs
    }
    return CurationResult(tables, time.perf_counter() - started)
