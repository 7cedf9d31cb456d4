"""Run the GX suites over frames taken from the store; row-level failures as a polars frame."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from safetystats.validate.suites import ROW_ID, context

if TYPE_CHECKING:
    import pandas as pd

DATASOURCE = "store"
FAILURES_SCHEMA = {
    "dataset": pl.String,
    "rid": pl.Int64,
    "rule_id": pl.String,
    "column_name": pl.String,
    "raw_value": pl.String,
    "expectation": pl.String,
}


def _batch_definition(ctx, dataset: str):
    try:
        source = ctx.data_sources.get(DATASOURCE)
    except (KeyError, ValueError):
        source = ctx.data_sources.add_pandas(DATASOURCE)
    try:
        asset = source.get_asset(dataset)
    except LookupError:
        asset = source.add_dataframe_asset(dataset)
    try:
        return asset.get_batch_definition("whole")
    except (KeyError, LookupError):
        return asset.add_batch_definition_whole_dataframe("whole")


def validate_frames(frames: dict[str, pd.DataFrame], ctx=None) -> tuple[pl.DataFrame, list[dict]]:
    """Validate each dataset's pandas frame (with a ``_rid`` column) against its suite.

    Returns the failing rows and, per expectation, a summary (dataset, rule, type, checked,
    failed) for the validation report."""
    ctx = ctx or context()
    rows: list[dict] = []
    summary: list[dict] = []
    for dataset, frame in frames.items():
        suite = ctx.suites.get(dataset)
        batch = _batch_definition(ctx, dataset).get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(
            suite,
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [ROW_ID]},
        )
        for r in result.results:
            cfg = r.expectation_config
            meta = cfg.meta or {}
            if r.exception_info and r.exception_info.get("raised_exception"):
                raise RuntimeError(
                    f"{dataset}: {cfg.type} failed to run: {r.exception_info['exception_message']}"
                )
            report = meta["report_column"]
            failed = r.result.get("unexpected_index_list") or []
            summary.append(
                {
                    "dataset": dataset,
                    "rule_id": meta["rule_id"],
                    "expectation": cfg.type,
                    "column": report.removesuffix("__raw"),
                    "checked": int(r.result.get("element_count") or len(frame)),
                    "failed": len(failed),
                }
            )
            for item in failed:
                value = item.get(report)
                rows.append(
                    {
                        "dataset": dataset,
                        "rid": int(item[ROW_ID]),
                        "rule_id": meta["rule_id"],
                        "column_name": report.removesuffix("__raw"),
                        "raw_value": None if value is None or value != value else str(value),
                        "expectation": cfg.type,
                    }
                )
    return pl.DataFrame(rows, schema=FAILURES_SCHEMA), summary
