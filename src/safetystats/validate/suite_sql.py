"""The expectation suites run as DuckDB SQL, inside the store.

The suites (expectations/*.json, or built from the spec for a dataset without one) stay the
definition of the row rules. Great Expectations runs them over a pandas copy of each table;
at province scale that copy and GX's row filtering are most of validation's time
(benchmarks/GX_BACKENDS.md: 68 s against 3 s for the same rules as SQL, identical failing
rows). So each expectation of the four kinds our suites use is compiled here into the SQL
condition of its failing rows, with GX's semantics: pandas nulls (NULL, and NaN for numbers),
``ignore_row_if="either_value_is_missing"``, row conditions in the pandas-query subset the
suites and the settings use (``col.isnull()``, ``col == 'v'``, ``col in ['a', 'b']``, joined
by ``&``). A suite with anything else is run by GX as before (``compile_suite`` returns None),
and tests/test_suite_sql.py asserts that both give the same failing rows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from safetystats.config import Settings
from safetystats.ingest.spec import DatasetSpec
from safetystats.paths import EXPECTATIONS_DIR
from safetystats.validate.suites import INGESTED_ON, expectation_specs

_NAME = r"`?([A-Za-z_][A-Za-z0-9_]*)`?"
_TEXT = r"'((?:[^'\\]|\\.)*)'"
_TERMS = [
    (re.compile(rf"^{_NAME}\.isnull\(\)$"), "null"),
    (re.compile(rf"^{_NAME}\.notnull\(\)$"), "not_null"),
    (re.compile(rf"^{_NAME}\s*==\s*{_TEXT}$"), "equals"),
    (re.compile(rf"^{_NAME}\s+in\s+\[\s*({_TEXT}(?:\s*,\s*{_TEXT})*)\s*\]$"), "in"),
]


@dataclass(frozen=True)
class CompiledExpectation:
    expectation: str  # GX's type, e.g. expect_column_values_to_be_null
    rule_id: str
    column: str  # the column reported (the value shown in the quarantine)
    failing: str  # SQL condition of the failing rows, over the dataset's table t
    uses_ingested_on: bool


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def suite_expectations(name: str, spec: DatasetSpec, settings: Settings) -> list[dict]:
    """The suite's expectations as GX serialises them (type, kwargs, meta): the shipped JSON
    suite, or the one built from the spec (the same source GX's context uses)."""
    path = EXPECTATIONS_DIR / f"{name}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))["expectations"]
    checks = settings.datasets.get("checks", {}).get(name, [])
    return [
        {"type": _snake(cls), "kwargs": kwargs, "meta": meta}
        for cls, kwargs, meta in expectation_specs(spec, checks)
    ]


def _quote(text: str) -> str:
    return "'" + text.replace("\\'", "'").replace("'", "''") + "'"


class _Columns:
    """The table's columns and SQL types; the reference of a column as the suites name it."""

    def __init__(self, types: dict[str, str]):
        self.types = types

    def ref(self, column: str) -> str | None:
        if column == INGESTED_ON:
            return "f.ingested_on"
        return f't."{column}"' if column in self.types else None

    def is_missing(self, column: str) -> str | None:
        """pandas' isnull(): NULL, and NaN in a float column."""
        ref = self.ref(column)
        if ref is None:
            return None
        if self.types.get(column) == "DOUBLE":
            return f"({ref} IS NULL OR isnan({ref}))"
        return f"{ref} IS NULL"


def condition_sql(condition, columns: _Columns) -> str | None:
    """A pandas row condition of the supported subset as SQL (None: not supported)."""
    if isinstance(condition, dict):  # GX's serialised form
        condition = condition.get("pass_through_filter")
    if not isinstance(condition, str) or not condition.strip():
        return None
    parts = []
    for term in condition.split("&"):
        term = term.strip()
        if term.startswith("(") and term.endswith(")"):
            term = term[1:-1].strip()
        found = next(((p.match(term), k) for p, k in _TERMS if p.match(term)), None)
        if found is None:
            return None
        m, kind = found
        column = m.group(1)
        missing = columns.is_missing(column)
        if missing is None:
            return None
        if kind == "null":
            parts.append(missing)
        elif kind == "not_null":
            parts.append(f"NOT {missing}")
        elif columns.types.get(column) != "VARCHAR":  # text compared with text only
            return None
        elif kind == "equals":
            parts.append(f"{columns.ref(column)} = {_quote(m.group(2))}")
        else:
            values = re.findall(_TEXT, m.group(2))
            parts.append(f"{columns.ref(column)} IN ({', '.join(map(_quote, values))})")
    return " AND ".join(f"({p})" for p in parts)


def compile_expectation(e: dict, columns: _Columns) -> CompiledExpectation | None:
    kwargs, meta, kind = e["kwargs"], e.get("meta") or {}, e["type"]
    allowed = {"column", "row_condition", "condition_parser"}
    failing = None
    if kind in ("expect_column_values_to_be_null", "expect_column_values_to_not_be_null"):
        missing = columns.is_missing(kwargs.get("column", ""))
        if set(kwargs) <= allowed and missing is not None:
            failing = missing if "to_not_be_null" in kind else f"NOT {missing}"
    elif kind == "expect_column_values_to_be_between":
        column = kwargs.get("column", "")
        ref, missing = columns.ref(column), columns.is_missing(column)
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        numeric = all(v is None or isinstance(v, int | float) for v in (low, high))
        strict = kwargs.get("strict_min", False)
        known = allowed | {"min_value", "max_value", "strict_min"}
        if set(kwargs) <= known and ref and numeric:
            outside = [f"{ref} {'<=' if strict else '<'} {low!r}"] if low is not None else []
            outside += [f"{ref} > {high!r}"] if high is not None else []
            if outside:
                failing = f"NOT {missing} AND ({' OR '.join(outside)})"
    elif kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = kwargs.get("column_A", ""), kwargs.get("column_B", "")
        ref_a, ref_b = columns.ref(a), columns.ref(b)
        known = allowed | {"column_A", "column_B", "or_equal", "ignore_row_if"}
        if (
            set(kwargs) <= known - {"column"}
            and kwargs.get("ignore_row_if") == "either_value_is_missing"
            and ref_a
            and ref_b
        ):
            op = ">=" if kwargs.get("or_equal") else ">"
            failing = (
                f"NOT {columns.is_missing(a)} AND NOT {columns.is_missing(b)} "
                f"AND NOT ({ref_a} {op} {ref_b})"
            )
    if failing is None:
        return None
    if "row_condition" in kwargs:
        if kwargs.get("condition_parser") != "pandas":
            return None
        condition = condition_sql(kwargs["row_condition"], columns)
        if condition is None:
            return None
        failing = f"({condition}) AND ({failing})"
    report = meta.get("report_column")
    if not report or "rule_id" not in meta:
        return None
    return CompiledExpectation(kind, meta["rule_id"], report, failing, "f.ingested_on" in failing)


def compile_suite(
    name: str, spec: DatasetSpec, settings: Settings, types: dict[str, str]
) -> list[CompiledExpectation] | None:
    """Every expectation of the dataset's suite as SQL; None when any one cannot be (GX runs
    that suite). ``types``: the table's column names and SQL types."""
    columns = _Columns(types)
    compiled = [compile_expectation(e, columns) for e in suite_expectations(name, spec, settings)]
    return None if any(c is None for c in compiled) else compiled


def failing_rows_sql(name: str, compiled: list[CompiledExpectation], since: int | None) -> str:
    """(expectation index, _key) of every failing row of the rows after file ``since``."""
    newer = "" if since is None else f" AND t._file_id > {int(since)}"
    parts = [
        f'SELECT {i} AS expectation_no, t._key FROM "{name}" t'
        + (" JOIN ingest_files f ON f.file_id = t._file_id" if c.uses_ingested_on else "")
        + f" WHERE ({c.failing}){newer}"
        for i, c in enumerate(compiled)
    ]
    return "\nUNION ALL\n".join(parts) if parts else ""
