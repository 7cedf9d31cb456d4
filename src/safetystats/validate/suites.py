"""Great Expectations suites, one per dataset, built from the dataset specs and shipped as
JSON in the package's ``expectations/`` folder. At run time an ephemeral GX context is made
from them: nothing is written into the checkout or the installed package.

Every expectation carries ``meta.rule_id`` (a rule of config/rules.toml) and
``meta.report_column`` (the column whose value the quarantine shows)."""

from __future__ import annotations

import os

from safetystats.config import Settings, load_settings
from safetystats.ingest.spec import DatasetSpec, load_specs
from safetystats.paths import EXPECTATIONS_DIR

INGESTED_ON = "_ingested_on"
ROW_ID = "_rid"


def rule_for_unreadable(column) -> str:
    if column.unknown == "warning":
        return f"unknown_{column.name}" if column.name != "industry" else "unknown_industry"
    kind = column.type
    if kind.startswith("enum:"):
        return "invalid_level" if kind == "enum:level" else "invalid_enum"
    return {
        "int": "invalid_int",
        "number": "invalid_number",
        "bool": "invalid_bool",
        "date": "invalid_date",
        "month": "invalid_month",
        "category": "invalid_category",
        "industry": "unknown_industry",
    }[kind]


def expectation_specs(spec: DatasetSpec, checks: list[dict]) -> list[tuple[str, dict, dict]]:
    """(expectation class name, kwargs, meta) for one dataset, in a stable order."""
    out = []
    for col in spec.columns:
        # key columns are never blank in the store: ingestion holds such rows (required_missing)
        if col.required and col.name not in spec.key:
            kwargs = {"column": col.name}
            conditions = []
            if col.keeps_raw:  # an unreadable value is reported as such, not as blank
                conditions.append(f"`{col.raw_name}`.isnull()")
            if col.or_column:  # blank is fine when the stand-in column is there
                conditions.append(f"`{col.or_column}`.isnull()")
            if conditions:
                kwargs |= {"row_condition": " & ".join(conditions), "condition_parser": "pandas"}
            out.append(
                (
                    "ExpectColumnValuesToNotBeNull",
                    kwargs,
                    {"rule_id": "required_missing", "report_column": col.name},
                )
            )
        if col.keeps_raw:
            out.append(
                (
                    "ExpectColumnValuesToBeNull",
                    {"column": col.raw_name},
                    {"rule_id": rule_for_unreadable(col), "report_column": col.raw_name},
                )
            )
        if col.type in ("int", "number"):
            out.append(
                (
                    "ExpectColumnValuesToBeBetween",
                    {"column": col.name, "min_value": 0},
                    {"rule_id": "negative_value", "report_column": col.name},
                )
            )
        if col.type in ("date", "month"):
            out.append(
                (
                    "ExpectColumnPairValuesAToBeGreaterThanB",
                    {
                        "column_A": INGESTED_ON,
                        "column_B": col.name,
                        "or_equal": True,
                        "ignore_row_if": "either_value_is_missing",
                    },
                    {"rule_id": "future_date", "report_column": col.name},
                )
            )
    for check in checks:
        meta = {"rule_id": check["rule"], "report_column": check["report"]}
        if check["expect"] == "a_ge_b":
            out.append(
                (
                    "ExpectColumnPairValuesAToBeGreaterThanB",
                    {
                        "column_A": check["a"],
                        "column_B": check["b"],
                        "or_equal": True,
                        "ignore_row_if": "either_value_is_missing",
                    },
                    meta,
                )
            )
        elif check["expect"] == "positive":
            out.append(
                (
                    "ExpectColumnValuesToBeBetween",
                    {"column": check["column"], "min_value": 0, "strict_min": True},
                    meta,
                )
            )
        else:
            name = (
                "ExpectColumnValuesToBeNull"
                if check["expect"] == "null"
                else "ExpectColumnValuesToNotBeNull"
            )
            out.append(
                (
                    name,
                    {
                        "column": check["column"],
                        "row_condition": check["when"],
                        "condition_parser": "pandas",
                    },
                    meta,
                )
            )
    return out


def columns_used(expectations: list[tuple[str, dict, dict]], available: list[str]) -> list[str]:
    """The columns a suite reads (its kwargs and the names in its row conditions), plus the row id."""
    used = {ROW_ID}
    for _, kwargs, _ in expectations:
        used |= {kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs}
        condition = kwargs.get("row_condition", "")
        used |= {c for c in available if c in condition}
    return [c for c in available if c in used]


def context(settings: Settings | None = None):
    """An ephemeral GX context holding every dataset's suite: the shipped JSON suite, or one
    built from the spec for a dataset that has none. Made once per process and settings."""
    import json

    settings = settings or load_settings()
    key = json.dumps([settings.datasets, settings.rules, settings.extensions], default=str)
    if key not in _CONTEXTS:
        _CONTEXTS.clear()
        _CONTEXTS[key] = _new_context(settings)
    return _CONTEXTS[key]


_CONTEXTS: dict[str, object] = {}


def great_expectations():
    """The great_expectations module, imported with its analytics off: the one place the
    package imports GX (seconds to import; never on the notebooks' path)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    return gx


def _new_context(settings: Settings):
    import json

    gx = great_expectations()

    ctx = gx.get_context(mode="ephemeral")
    try:  # no progress bars on the console
        ctx.variables.progress_bars = {"globally": False, "metric_calculations": False}
    except Exception:  # noqa: BLE001 - an older GX without the setting: bars stay
        pass
    shipped = {p.stem for p in EXPECTATIONS_DIR.glob("*.json")}
    built = {s.name: s for s in build_suites(settings) if s.name not in shipped}
    for name in load_specs(settings):
        if name in shipped:
            data = json.loads((EXPECTATIONS_DIR / f"{name}.json").read_text(encoding="utf-8"))
            suite = gx.ExpectationSuite(
                name=data["name"], expectations=data["expectations"], meta=data.get("meta")
            )
        else:
            suite = built[name]
        ctx.suites.add(suite)
    return ctx


def build_suites(settings: Settings):
    """Every dataset's suite, built from its spec and the rules (not yet in any context)."""
    gx = great_expectations()
    gxe = gx.expectations

    gx.get_context(mode="ephemeral")  # GX builds suites only with an active context
    rules = settings.rules
    checks = settings.datasets.get("checks", {})
    suites = []
    for name, spec in load_specs(settings).items():
        suite = gx.ExpectationSuite(
            name=name,
            meta={
                "dataset": spec.label_zh,
                "source": "DATA_SPEC section 4; generated from datasets.toml",
            },
        )
        for cls, kwargs, meta in expectation_specs(spec, checks.get(name, [])):
            severity = "warning" if rules[meta["rule_id"]]["severity"] == "warning" else "critical"
            suite.add_expectation(getattr(gxe, cls)(**kwargs, meta=meta, severity=severity))
        suites.append(suite)
    return suites


def write_suites(settings: Settings) -> list:
    """Regenerate the shipped JSON suites from the specs (`make suites`, for developers)."""
    import json

    from safetystats import atomic

    written = []
    for suite in build_suites(settings):
        data = suite.to_json_dict()
        for e in data["expectations"]:
            e.pop("id", None)
        data.pop("id", None)
        text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        written.append(atomic.write_text(EXPECTATIONS_DIR / f"{suite.name}.json", text))
    return written
