"""The rows each ``stats`` kind and ``assess`` print (DATA_SPEC 7), from the store."""

from __future__ import annotations

import datetime as dt

import polars as pl

from safetystats.config import Settings
from safetystats.metrics import engine
from safetystats.metrics.assessment import assessment
from safetystats.stats.accidents import accident_statistics
from safetystats.stats.enforcement import enforcement_statistics


def hazard_rows(settings: Settings, as_of: dt.date, district=None) -> list[dict]:
    """Hazard statistics (6.4) per unit by industry and by source × level, as JSON rows."""
    frame = engine.hazard_statistics(settings, as_of, district)
    frame = frame.sort(
        pl.col("district_code").is_null(), maintain_order=True
    )  # units, then the total
    rows = []
    for r in frame.iter_rows(named=True):
        by = (
            r["industry"]
            if r["breakdown"] == "industry"
            else f"{r['source']} · {r['hazard_level']}"
        )
        rows.append({k: v for k, v in r.items() if k != "as_of"} | {"breakdown_value": by})
    return rows


def reporting(settings: Settings, as_of: dt.date, district=None) -> list[dict]:
    """On time (8.6): per unit and month, its returned package and filled template."""
    from safetystats.followup.reporting import reporting_rows

    return reporting_rows(settings, as_of, district)


KINDS = {
    "accidents": accident_statistics,
    "enforcement": enforcement_statistics,
    "hazards": hazard_rows,
    "reporting": reporting,
}
DATASETS = {
    "accidents": "accidents",
    "enforcement": "inspections",
    "hazards": "hazards",
    "reporting": "returns",
}


def any_figure(kind: str, rows: list[dict]) -> bool:
    """Whether there is anything to report: a loaded ledger (accidents, enforcement), a row."""
    if kind in ("hazards", "reporting"):
        return bool(rows)
    first = "accidents" if kind == "accidents" else "inspections"
    return any(r[first] is not None for r in rows)


def assessment_rows(
    settings: Settings, as_of: dt.date, level: int | None, before: dt.date | None = None
) -> list[dict]:
    """The units of ``level`` (None: every level) with score, grade, vetoed, rank among
    siblings and targets (id -> points); with ``before``, the score, grade and rank then (as
    the bulletins of that day published them, else recomputed from the store: then
    ``prev_recomputed``) and the change of the score."""
    frame = assessment(settings, as_of)
    rows = [_json(r) for r in frame.iter_rows(named=True) if r["district_code"] is not None]
    if level is not None:
        rows = [r for r in rows if r["level"] == level]
    if before is not None:
        published = saved_scores(settings, before)  # 6.10: the value at B is the one published
        then = {}
        if any(r["district_code"] not in published for r in rows):  # else from the store
            then = {
                r["district_code"]: r for r in assessment(settings, before).iter_rows(named=True)
            }
        for r in rows:
            old = published.get(r["district_code"]) or then.get(r["district_code"], {})
            r["prev_recomputed"] = r["district_code"] not in published
            r["prev_score"], r["prev_grade"] = old.get("score"), old.get("grade")
            r["prev_rank"] = old.get("rank")
            both = r["score"] is not None and r["prev_score"] is not None
            r["score_change"] = round(r["score"] - r["prev_score"], 1) if both else None
    return sorted(rows, key=lambda r: (r["parent_code"] or "", r["rank"] or 0, r["district"]))


def saved_scores(settings: Settings, day: dt.date) -> dict:
    """The scores the bulletins of ``day`` published (reports/<day>[-en]/figures.json, DATA_SPEC
    6.10) by unit code; empty when no run of that day saved any."""
    from safetystats.report.saved import SavedFigures

    for folder in (day.isoformat(), f"{day.isoformat()}-en"):
        saved = SavedFigures.load(settings.reports / folder)
        if saved is not None and saved.scores:
            return {r["district_code"]: r for r in saved.scores}
    return {}


def _json(row: dict) -> dict:
    out = {k: v for k, v in row.items() if k not in ("as_of", "targets")}
    return out | {"targets": {t["target_id"]: t["points"] for t in row["targets"]}}
