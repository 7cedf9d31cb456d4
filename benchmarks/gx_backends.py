"""GX where it is cheapest (issue 13 point 3): the same expectation suites run three ways over
every staged dataset of a store, timed per dataset, with their failing rows compared.

  pandas   today's path (src/safetystats/validate): DuckDB -> polars -> pandas frame with a
           row id, GX's pandas execution engine, COMPLETE results with the row id. Uses the
           project's own functions (_frame, _gx_frame, validate_frames) unchanged.
  gx-sql   GX 1.x's SQL datasource over the store through duckdb-engine (SQLAlchemy), one
           query asset per dataset, the suites' pandas row conditions translated to GX
           Condition objects, row identity from unexpected_index_column_names=["_key"].
  sql      the same rules as plain DuckDB SQL, one scan per dataset (no GX): the floor.

Every backend reports, per expectation, the set of failing record keys (_key); the script
checks that the three agree. --perturb F first breaks about a fraction F of the values each
expectation reads (on a private copy of the store), so that the comparison has rows to compare.

    python benchmarks/gx_backends.py --config /tmp/x/safetystats.toml [--perturb 0.002]

The store is copied into a temporary folder first (the given one is never opened for
writing); --no-copy reads it in place, read-only. gx-sql needs SQLAlchemy and duckdb-engine
importable (e.g. PYTHONPATH=/tmp/gxextra after `pip install --target /tmp/gxextra --no-deps
duckdb-engine SQLAlchemy`); without them it is skipped.

GX 1.24 with duckdb-engine fails every metric ("list index out of range", GX issue #10738): the
SQL execution engine closes its connection before fetching the result, which duckdb-engine does
not survive. The script registers "duckdb" among GX's persisted-connection dialects (as GX does
for sqlite), which makes it work; that is a patch of a private GX constant.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import duckdb  # noqa: E402

from safetystats import store  # noqa: E402
from safetystats.config import load_settings  # noqa: E402
from safetystats.ingest.spec import load_specs  # noqa: E402
from safetystats.validate import suite_rows as Q  # noqa: E402
from safetystats.validate.suites import INGESTED_ON, ROW_ID, context  # noqa: E402

KEY = "_key"


# ---------------------------------------------------------------- suites as plain data
def suite_rules(ctx, dataset: str) -> list[dict]:
    """The shipped suite of a dataset as plain dicts (type, kwargs, meta), in suite order."""
    out = []
    for e in ctx.suites.get(dataset).expectations:
        cfg = e.configuration
        kwargs = {k: v for k, v in cfg.kwargs.items() if k != "batch_id"}
        cond = kwargs.get("row_condition")
        if cond is not None and not isinstance(cond, str):
            cond = getattr(cond, "pass_through_filter", None) or (
                cond.get("pass_through_filter") if isinstance(cond, dict) else None
            )
            if cond is None:
                raise ValueError(f"{dataset}: row condition {kwargs['row_condition']!r}")
            kwargs["row_condition"] = cond
        out.append({"type": cfg.type, "kwargs": kwargs, "meta": dict(cfg.meta or {})})
    return out


_NAME = r"`([^`]+)`|([A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]*)"
_ISNULL = re.compile(rf"^(?:{_NAME})\.isnull\(\)$")
_NOTNULL = re.compile(rf"^(?:{_NAME})\.notnull\(\)$")
_EQ = re.compile(rf"^(?:{_NAME})\s*(==|!=)\s*'([^']*)'$")
_IN = re.compile(rf"^(?:{_NAME})\s+(not in|in)\s+\[(.*)\]$")


def parse_condition(text: str) -> list[tuple[str, str, object]]:
    """A pandas row condition of the suites ('`x`.isnull() & level == 'major'') as a list of
    (column, operator, value) joined by AND. Anything else raises (no silent mistranslation)."""
    terms = []
    for part in (
        p.strip().strip("()") if p.strip().startswith("(") else p.strip() for p in text.split("&")
    ):
        if m := _ISNULL.match(part):
            terms.append((m[1] or m[2], "is_null", None))
        elif m := _NOTNULL.match(part):
            terms.append((m[1] or m[2], "is_not_null", None))
        elif m := _EQ.match(part):
            terms.append((m[1] or m[2], m[3], m[4]))
        elif m := _IN.match(part):
            values = [v.strip().strip("'\"") for v in m[4].split(",") if v.strip()]
            terms.append((m[1] or m[2], m[3], values))
        else:
            raise ValueError(f"row condition not translated: {text!r} (part {part!r})")
    return terms


def gx_condition(text: str):
    from great_expectations.expectations.row_conditions import Column

    out = None
    for col, op, value in parse_condition(text):
        c = Column(col)
        if op == "is_null":
            term = c.is_null()
        elif op == "is_not_null":
            term = c.is_not_null()
        elif op == "==":
            term = c == value
        elif op == "!=":
            term = c != value
        elif op == "in":
            term = c.is_in(value)
        else:
            term = c.is_not_in(value)
        out = term if out is None else out & term
    return out


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_literal(v) -> str:
    return "'" + str(v).replace("'", "''") + "'"


def sql_condition(text: str) -> str:
    parts = []
    for col, op, value in parse_condition(text):
        if op == "is_null":
            parts.append(f"{q(col)} IS NULL")
        elif op == "is_not_null":
            parts.append(f"{q(col)} IS NOT NULL")
        elif op in ("==", "!="):
            parts.append(f"{q(col)} {'=' if op == '==' else '<>'} {sql_literal(value)}")
        else:
            listed = ", ".join(sql_literal(v) for v in value)
            parts.append(f"{q(col)} {'IN' if op == 'in' else 'NOT IN'} ({listed})")
    return " AND ".join(parts)


def sql_unexpected(rule: dict) -> str:
    """The predicate of a failing row, as GX's SQL engine computes it."""
    kw, kind = rule["kwargs"], rule["type"]
    if kind == "expect_column_values_to_not_be_null":
        pred = f"{q(kw['column'])} IS NULL"
    elif kind == "expect_column_values_to_be_null":
        pred = f"{q(kw['column'])} IS NOT NULL"
    elif kind == "expect_column_values_to_be_between":
        c, parts = q(kw["column"]), []
        if kw.get("min_value") is not None:
            parts.append(f"{c} {'<=' if kw.get('strict_min') else '<'} {kw['min_value']}")
        if kw.get("max_value") is not None:
            parts.append(f"{c} {'>=' if kw.get('strict_max') else '>'} {kw['max_value']}")
        pred = f"{c} IS NOT NULL AND ({' OR '.join(parts)})"
    elif kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = q(kw["column_A"]), q(kw["column_B"])
        op = ">=" if kw.get("or_equal") else ">"
        ignore = kw.get("ignore_row_if", "both_values_are_missing")
        if ignore != "either_value_is_missing":
            raise ValueError(f"ignore_row_if {ignore!r} not translated")
        pred = f"{a} IS NOT NULL AND {b} IS NOT NULL AND NOT ({a} {op} {b})"
    else:
        raise ValueError(f"expectation {kind} not translated")
    if kw.get("row_condition"):
        pred = f"({sql_condition(kw['row_condition'])}) AND ({pred})"
    return pred


def base_query(columns: list[str], dataset: str) -> str:
    """The rows a suite reads: its columns, the ingestion date, the record key."""
    cols = [c for c in columns if c not in (INGESTED_ON, KEY, ROW_ID)]
    select = ", ".join(f"t.{q(c)}" for c in cols)
    return (
        f"SELECT {select}{', ' if select else ''}f.ingested_on AS {INGESTED_ON}, t.{KEY} "
        f"FROM {q(dataset)} t JOIN ingest_files f ON f.file_id = t._file_id"
    )


def rule_columns(rules: list[dict]) -> list[str]:
    cols: list[str] = []
    for r in rules:
        kw = r["kwargs"]
        for k in ("column", "column_A", "column_B"):
            if k in kw and kw[k] not in cols:
                cols.append(kw[k])
        for col, _, _ in parse_condition(kw["row_condition"]) if kw.get("row_condition") else []:
            if col not in cols:
                cols.append(col)
    return cols


def rule_key(kind: str, kwargs: dict, meta: dict) -> tuple:
    return (
        kind,
        meta.get("rule_id"),
        meta.get("report_column"),
        *(kwargs.get(k) for k in ("column", "column_A", "column_B")),
    )


# ---------------------------------------------------------------- backends
def project_frame(con, spec, settings):
    """quarantine._frame: every row (newer versions take ``since``, the last file validated)."""
    import inspect

    if "since" in inspect.signature(Q._frame).parameters:
        return Q._frame(con, spec, settings, None)
    return Q._frame(con, spec, settings)


def run_pandas(con, settings, specs, ctx, names) -> tuple[dict, dict]:
    """Today's path: the project's _frame and _gx_frame, then exactly the GX call of
    gx_run.validate_frames (same batch definition, same result format), read per expectation
    (validate_frames' flat rows cannot tell apart two expectations with the same rule, column
    and type, as hazards has). Failing row ids -> _key."""
    from safetystats.validate.gx_run import _batch_definition

    times, fails = {}, {}
    for name in names:
        t0 = time.perf_counter()
        frame = project_frame(con, specs[name], settings)
        gx_frame = Q._gx_frame(frame)
        t1 = time.perf_counter()
        batch = _batch_definition(ctx, name).get_batch(batch_parameters={"dataframe": gx_frame})
        result = batch.validate(
            ctx.suites.get(name),
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [ROW_ID]},
        )
        t2 = time.perf_counter()
        keys = frame.get_column(KEY)
        rules = suite_rules(ctx, name)
        where = {rule_key(r["type"], r["kwargs"], r["meta"]): i for i, r in enumerate(rules)}
        per = {i: set() for i in range(len(rules))}
        for res in result.results:
            cfg = res.expectation_config
            if res.exception_info and res.exception_info.get("raised_exception"):
                raise RuntimeError(f"{name}: {cfg.type}: {res.exception_info['exception_message']}")
            kwargs = {k: v for k, v in cfg.kwargs.items() if k != "batch_id"}
            i = where[rule_key(cfg.type, kwargs, cfg.meta or {})]
            per[i] = {
                keys[int(item[ROW_ID])] for item in res.result.get("unexpected_index_list") or []
            }
        t3 = time.perf_counter()
        fails[name] = per
        times[name] = {"fetch": t1 - t0, "gx": t2 - t1, "keys": t3 - t2, "total": t3 - t0}
        del frame, gx_frame, batch, result
    return times, fails


def patch_gx_for_duckdb() -> None:
    """Keep GX's SQL connection open between execute and fetch for duckdb (see module doc)."""
    import great_expectations.execution_engine.sqlalchemy_execution_engine as sae

    if not any(str(getattr(d, "value", d)) == "duckdb" for d in sae._PERSISTED_CONNECTION_DIALECTS):
        duck = type("DuckDialect", (str,), {"value": "duckdb"})("duckdb")
        sae._PERSISTED_CONNECTION_DIALECTS = (*sae._PERSISTED_CONNECTION_DIALECTS, duck)


def run_gx_sql(db: Path, ctx_pandas, names, result_format="COMPLETE") -> tuple[dict, dict, dict]:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    patch_gx_for_duckdb()
    t_setup = time.perf_counter()
    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = {"globally": False, "metric_calculations": False}
    source = ctx.data_sources.add_sql(
        "store_sql",
        connection_string=f"duckdb:///{db}",
        kwargs={"connect_args": {"read_only": True}},
    )
    setup = time.perf_counter() - t_setup
    times, fails, support = {}, {}, {}
    for name in names:
        t0 = time.perf_counter()
        rules = suite_rules(ctx_pandas, name)
        suite = gx.ExpectationSuite(name=f"{name}_sql")
        for r in rules:
            kw = dict(r["kwargs"])
            kw.pop("condition_parser", None)
            if kw.get("row_condition"):
                kw["row_condition"] = gx_condition(kw["row_condition"])
            cls = "".join(p.title() for p in r["type"].split("_"))
            suite.add_expectation(getattr(gxe, cls)(**kw, meta=r["meta"]))
        suite = ctx.suites.add(suite)
        asset = source.add_query_asset(name, query=base_query(rule_columns(rules), name))
        batch = asset.add_batch_definition_whole_table("whole").get_batch()
        t1 = time.perf_counter()
        fmt = {"result_format": result_format}
        if result_format == "COMPLETE":
            # GX's SQL engine cuts unexpected_index_list at partial_unexpected_count (20 by
            # default, "since SQL tables can be very large"): ask for every row
            fmt["unexpected_index_column_names"] = [KEY]
            fmt["partial_unexpected_count"] = 1 << 40
        result = batch.validate(suite, result_format=fmt)
        t2 = time.perf_counter()
        per = {}
        # GX does not keep the suite's order in its results: find each result's rule
        where = {rule_key(r["type"], r["kwargs"], r["meta"]): i for i, r in enumerate(rules)}
        for res in result.results:
            cfg = res.expectation_config
            kind = cfg.type
            i = where[rule_key(kind, cfg.kwargs, cfg.meta or {})]
            if res.exception_info and res.exception_info.get("raised_exception"):
                support[(name, i, kind)] = res.exception_info.get("exception_message")
                per[i] = None
                continue
            info = res.exception_info or {}
            bad = [v for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
            if bad:
                support[(name, i, kind)] = bad[0].get("exception_message")
                per[i] = None
                continue
            support.setdefault((name, i, kind), "ok")
            if result_format == "COMPLETE":
                per[i] = {item[KEY] for item in res.result.get("unexpected_index_list") or []}
            else:
                per[i] = res.result.get("unexpected_count")
        fails[name] = per
        times[name] = {"setup": t1 - t0, "gx": t2 - t1, "total": t2 - t0}
    times["_context"] = {"total": setup}
    return times, fails, support


def run_sql(con, ctx_pandas, names) -> tuple[dict, dict]:
    """One scan per dataset: every failing (row, expectation) pair, without GX."""
    times, fails = {}, {}
    for name in names:
        t0 = time.perf_counter()
        rules = suite_rules(ctx_pandas, name)
        preds = [sql_unexpected(r) for r in rules]
        flags = ", ".join(f"CASE WHEN {p} THEN {i} END" for i, p in enumerate(preds))
        query = (
            f"WITH b AS ({base_query(rule_columns(rules), name)}) "
            f"SELECT {KEY}, unnest(list_filter([{flags}], lambda x: x IS NOT NULL)) AS i FROM b "
            f"WHERE {' OR '.join(f'({p})' for p in preds)}"
        )
        found = store.fetch_frame(con, query)
        t1 = time.perf_counter()
        per = {i: set() for i in range(len(rules))}
        for key, i in found.iter_rows():
            per[i].add(key)
        fails[name] = per
        times[name] = {"total": t1 - t0, "rows": found.height}
    return times, fails


# ---------------------------------------------------------------- perturbation (copy only)
def perturb(db: Path, names, ctx, fraction: float, seed: int = 13) -> dict:
    """Break about ``fraction`` of the values each expectation reads, in place (a copy!)."""
    con = duckdb.connect(str(db))
    cut = max(1, int(fraction * 1_000_000))
    changed = {}
    for name in names:
        rules = suite_rules(ctx, name)
        types = dict(
            con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ?", [name]
            ).fetchall()
        )
        for i, r in enumerate(rules):
            kw, kind = r["kwargs"], r["type"]
            where = f"hash({KEY}, {seed + i}) % 1000000 < {cut}"
            if kind == "expect_column_values_to_not_be_null":
                col, value = kw["column"], "NULL"
            elif kind == "expect_column_values_to_be_null":
                col = kw["column"]
                value = {
                    "DATE": "DATE '2024-01-01'",
                    "BIGINT": "1",
                    "DOUBLE": "1.5",
                    "BOOLEAN": "true",
                }.get(types.get(col), "'坏值?'")
            elif kind == "expect_column_values_to_be_between":
                col, value = kw["column"], "-3"
            else:
                col = kw["column_B"]
                if types.get(col) not in ("DATE", "TIMESTAMP"):
                    continue
                value = "DATE '2099-12-31'"
            if col not in types:
                continue
            try:
                n = con.execute(
                    f"UPDATE {q(name)} SET {q(col)} = {value} WHERE {where}"
                ).fetchone()[0]
                changed.setdefault(f"{name}.{col}", []).append(n)
            except duckdb.Error as exc:  # a NOT NULL key column and the like
                changed.setdefault(f"{name}.{col}", []).append(str(exc).splitlines()[0][:60])
    con.execute("CHECKPOINT")
    con.close()
    return changed


# ---------------------------------------------------------------- main
def compare(a: dict, b: dict) -> tuple[int, int, list[str]]:
    """(expectations compared, identical, differences) between two {dataset: {i: set}}."""
    same, total, diffs = 0, 0, []
    for name, per in a.items():
        for i, keys in per.items():
            other = b.get(name, {}).get(i)
            if other is None or keys is None:
                continue
            total += 1
            if keys == other:
                same += 1
            else:
                diffs.append(
                    f"{name}#{i}: {len(keys)} vs {len(other)} "
                    f"(only first: {sorted(keys - other)[:3]}, only second: {sorted(other - keys)[:3]})"
                )
    return total, same, diffs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", required=True)
    ap.add_argument("--backends", default="pandas,gx-sql,sql")
    ap.add_argument("--datasets", default="", help="comma-separated (default: all with rows)")
    ap.add_argument("--perturb", type=float, default=0.0, help="fraction of values to break")
    ap.add_argument("--no-copy", action="store_true", help="read the store in place, read-only")
    ap.add_argument("--json", default="", help="write the figures here as JSON")
    ap.add_argument("--gx-sql-format", default="COMPLETE", help="COMPLETE or SUMMARY")
    args = ap.parse_args()

    settings = load_settings(args.config)
    specs = load_specs(settings)
    backends = args.backends.split(",")
    started_load = os.getloadavg()
    tmp = None
    db = settings.db
    if args.perturb and args.no_copy:
        ap.error("--perturb needs a copy of the store")
    if not args.no_copy:
        tmp = Path(tempfile.mkdtemp(prefix="gx_backends_", dir="/tmp"))
        t = time.perf_counter()
        shutil.copyfile(settings.db, tmp / "store.duckdb")
        db = tmp / "store.duckdb"
        print(f"copied the store to {db} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    try:
        t = time.perf_counter()
        ctx = context(settings)  # the project's ephemeral context with the shipped suites
        ctx_seconds = time.perf_counter() - t
        if args.perturb:
            chosen = args.datasets.split(",") if args.datasets else list(specs)
            changed = perturb(db, chosen, ctx, args.perturb)
            print(f"perturbed: {json.dumps(changed, ensure_ascii=False)}", file=sys.stderr)
        con = duckdb.connect(str(db), read_only=True)
        sizes = {n: store.scalar(con, f"SELECT count(*) FROM {q(n)}") for n in specs}
        names = [n for n in (args.datasets.split(",") if args.datasets else specs) if sizes[n]]
        names.sort(key=lambda n: -sizes[n])
        results, fails, support = {}, {}, {}
        if "sql" in backends:
            results["sql"], fails["sql"] = run_sql(con, ctx, names)
        if "pandas" in backends:
            results["pandas"], fails["pandas"] = run_pandas(con, settings, specs, ctx, names)
        con.close()
        if "gx-sql" in backends:
            try:
                import duckdb_engine  # noqa: F401
                import sqlalchemy  # noqa: F401
            except ImportError as exc:
                print(f"gx-sql skipped: {exc}", file=sys.stderr)
            else:
                results["gx-sql"], fails["gx-sql"], support = run_gx_sql(
                    db, ctx, names, args.gx_sql_format
                )
        # ------------------------------------------------------------ report
        print(
            f"\nmachine: nproc {os.cpu_count()}, load average at start {started_load[0]:.2f} "
            f"{started_load[1]:.2f} {started_load[2]:.2f}, at end {os.getloadavg()[0]:.2f}"
        )
        print(f"GX context with the shipped suites (import + build): {ctx_seconds:.2f} s")
        head = f"{'dataset':16} {'rows':>9} {'rules':>5}"
        for b in results:
            head += f" {b + ' s':>10}"
        if "pandas" in results:
            head += f" {'(fetch':>8} {'gx)':>7}"
        print(head)
        totals = {b: 0.0 for b in results}
        for n in names:
            line = f"{n:16} {sizes[n]:>9,} {len(suite_rules(ctx, n)):>5}"
            for b in results:
                totals[b] += results[b][n]["total"]
                line += f" {results[b][n]['total']:>10.2f}"
            if "pandas" in results:
                line += f" {results['pandas'][n]['fetch']:>8.2f} {results['pandas'][n]['gx']:>7.2f}"
            print(line)
        line = f"{'total':16} {sum(sizes[n] for n in names):>9,} {'':>5}"
        for b in results:
            line += f" {totals[b]:>10.2f}"
        print(line)
        if "gx-sql" in results:
            print(
                f"gx-sql: SQL datasource + context {results['gx-sql']['_context']['total']:.2f} s (not in the totals)"
            )
            unsupported = {k: v for k, v in support.items() if v != "ok"}
            kinds = sorted({k[2] for k in support})
            print(f"gx-sql expectation types run: {kinds}; failed to run: {len(unsupported)}")
            for k, v in list(unsupported.items())[:10]:
                print(f"   {k}: {v}")
        print("\nfailing rows (per expectation, by record key):")
        flat = {
            b: sum(len(s) for per in f.values() for s in per.values() if isinstance(s, set))
            for b, f in fails.items()
        }
        print(
            "   failing (row, expectation) pairs: "
            + ", ".join(f"{b} {v:,}" for b, v in flat.items())
        )
        ref = "pandas" if "pandas" in fails else next(iter(fails), None)
        for b in fails:
            if b == ref or args.gx_sql_format != "COMPLETE" and b == "gx-sql":
                continue
            total, same, diffs = compare(fails[ref], fails[b])
            print(f"   {ref} vs {b}: {same} of {total} expectations identical")
            for d in diffs[:10]:
                print(f"      {d}")
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        "load_start": started_load,
                        "sizes": sizes,
                        "results": results,
                        "pairs": flat,
                        "support": {str(k): v for k, v in support.items()},
                    },
                    indent=1,
                    default=str,
                ),
                encoding="utf-8",
            )
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
