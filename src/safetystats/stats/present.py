"""The statistics and the assessment as the command line prints them: JSON (DATA_SPEC 7),
CSV (one flat row per unit and span, Excel-safe) and a table (figures with 同比)."""

from __future__ import annotations

import csv
import io
import json

from rich.table import Table

from safetystats import inert
from safetystats.numbers import MISSING
from safetystats.stats.spans import change_text

STATS_COLUMNS = {  # what the table shows of each statistic
    "accidents": ["accidents", "deaths", "injuries", "direct_loss"],
    "enforcement": ["inspections", "enforcement", "unannounced_enforcement", "cases_filed",
                    "penalty", "suspensions", "off_site", "hazards_found", "major_hazards_found"],
    "hazards": ["found", "rectified", "open", "overdue"],
}  # fmt: skip


def to_json(as_of, rows: list[dict]) -> str:
    return json.dumps(
        {"as_of": str(as_of), "rows": rows}, ensure_ascii=False, indent=1, default=str
    )


def _shown(value) -> str:
    if value is None:
        return MISSING
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:,}"


def _score(value: float | None) -> str:
    return MISSING if value is None else f"{value:.1f}"


def flat(row: dict) -> dict:
    """One CSV row: nested objects as ``name.key`` columns, changes as their words, lists as
    the accident ids."""
    out = {}
    for key, value in row.items():
        if key == "change":
            out |= {f"change.{k}": change_text(c) for k, c in value.items()}
        elif isinstance(value, dict):
            out |= {f"{key}.{k}": v for k, v in value.items()}
        elif isinstance(value, list):
            out[key] = "|".join(str(v.get("accident_id", v)) for v in value)
        else:
            out[key] = value
    return out


def to_csv(rows: list[dict]) -> str:
    """UTF-8 CSV with a BOM; every row flattened, the columns of all rows in order of use."""
    flats = [flat(r) for r in rows]
    columns = list(dict.fromkeys(k for r in flats for k in r))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: inert.cell(v) for k, v in r.items()} for r in flats)  # DATA_SPEC 5.1
    return "\ufeff" + buf.getvalue()


def stats_table(kind: str, as_of, rows: list[dict], lab: dict) -> Table:
    """Units down, figures across; each figure with its change a year earlier (同比)."""
    table = Table(title=f"{lab['stats_titles'][kind]} · {lab['as_of']} {as_of}")
    for col in lab["stats_unit_span"]:
        table.add_column(col)
    fields = STATS_COLUMNS[kind]
    for field in fields:
        table.add_column(lab["stats_fields"][field], justify="right")
    for row in rows:
        span = lab["stats_spans"].get(row.get("span"), row.get("breakdown_value", ""))
        cells = []
        for field in fields:
            text = _shown(row.get(field))
            c = row.get("change", {}).get(field)
            cells.append(text if c is None else f"{text} ({lab['stats_yoy']}{change_text(c)})")
        table.add_row(row["district"], span, *cells)
    return table


def assess_table(as_of, rows: list[dict], lab: dict) -> Table:
    table = Table(
        title=f"{lab['assess_title']} · {lab['as_of']} {as_of}", caption=lab["assess_note"]
    )
    columns = (
        lab["assess_columns"] if any("prev_score" in r for r in rows) else lab["assess_columns"][:4]
    )
    for i, col in enumerate(columns):
        table.add_column(col, justify="left" if i in (1, 3) else "right")
    for r in rows:
        cells = [_shown(r["rank"]), r["district"], _score(r["score"]), r["grade"] or MISSING]
        if len(columns) > 4:
            cells += [_score(r.get("prev_score")), _shown(r.get("prev_rank"))]
        table.add_row(*cells)
    return table


def reporting_table(as_of, rows: list[dict], lab: dict) -> Table:
    """On time (8.6): a unit's returned package and filled template per month."""
    table = Table(title=f"{lab['stats_titles']['reporting']} · {lab['as_of']} {as_of}")
    for col in lab["reporting_columns"]:
        table.add_column(col)
    for r in rows:
        status = lab["reporting_status"][r["status"]].format(days=r["days_late"])
        colour = {"on_time": "green", "late": "yellow", "missing": "red"}.get(r["status"], "dim")
        table.add_row(r["district"], r["month"], lab["reporting_kinds"][r["kind"]], r["due"],
                      r["arrived"] or MISSING, f"[{colour}]{status}[/{colour}]")  # fmt: skip
    return table
