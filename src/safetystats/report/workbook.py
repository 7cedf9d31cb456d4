"""export: the follow-up workbook (DATA_SPEC 8.3) for the office that follows up (督办).

One .xlsx: the attainment table (every unit × target in force), a sheet per to-do list (open
major hazards, overdue hazards, enterprises short of events per event_frequency target,
enterprises short of training), data freshness and the quarantine. Every list carries the
unit column so it filters by unit; headers in Chinese (English with --lang en), frozen header
row, fitted widths, percentages and dates formatted as Excel shows them. Written atomically.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import polars as pl

from safetystats import atomic
from safetystats.config import Settings, labels_for
from safetystats.metrics import engine
from safetystats.metrics.targets import load_targets
from safetystats.numbers import truncated_percent

MAX_WIDTH = 60


def workbook_name(as_of: dt.date, lang: str) -> str:
    return f"跟踪督办清单_{as_of}.xlsx" if lang == "zh" else f"follow-up_{as_of}.xlsx"


def _units(settings: Settings) -> pl.DataFrame:
    registry = settings.registry
    return pl.DataFrame(
        {
            "district_code": [u.code for u in registry.districts],
            "unit": [u.name for u in registry.districts],
        }
    )


def _with_unit(frame: pl.DataFrame, settings: Settings) -> pl.DataFrame:
    """The list with its unit's name first (from district_code)."""
    out = frame.join(_units(settings), on="district_code", how="left")
    return out.select("unit", *[c for c in frame.columns if c != "district_code"])


def sheets(settings: Settings, as_of: dt.date | None, lang: str) -> tuple[dt.date, dict]:
    """{sheet name: frame} of the workbook, read from the store."""
    lab = labels_for(settings, lang)["workbook"]
    out: dict[str, pl.DataFrame] = {}
    with engine.open_store(settings) as con:
        as_of = as_of or engine.latest_event_date(con) or dt.date.today()
        table = engine.attainment(settings, as_of, None, lang, con).filter(
            pl.col("phase") == "in_force"
        )
        out[lab["attainment"]] = table.select(
            pl.col("district").alias("unit"),
            "level",
            "name",
            pl.col("value").map_elements(truncated_percent, return_dtype=pl.Float64) / 100,
            pl.col("threshold"),
            "numerator",
            "denominator",
            "status",
            "gap_count",
            "deadline",
        ).with_columns(pl.col("status").replace_strict(_status_names(settings, lang)))
        out[lab["open_major"]] = _with_unit(
            engine.query(con, "report/open_major_hazards", settings, as_of=as_of), settings
        )
        out[lab["overdue"]] = _with_unit(
            engine.query(con, "report/overdue_hazards", settings, as_of=as_of), settings
        )
        for target in load_targets(settings.targets):
            if target.metric == "event_frequency" and engine.phase_of(target, as_of) == "in_force":
                short = engine.short_of_events(con, settings, target, as_of, None)
                out[f"{lab['short_of']}{target.name(lang)}"[:31]] = _with_unit(short, settings)
        out[lab["training"]] = _with_unit(
            engine.query(con, "report/short_of_training", settings, as_of=as_of), settings
        )
        out[lab["freshness"]] = engine.data_freshness(settings, as_of, None, lang, con).select(
            pl.col("district").alias("unit"), "dataset", "latest", "days_since", "stale"
        )
        out[lab["quarantine"]] = engine.query(con, "report/quarantine_list", settings)
    return as_of, out


def _status_names(settings: Settings, lang: str) -> dict:
    lab = labels_for(settings, lang)
    return {s: lab[s] for s in ("met", "on_track", "behind", "no_data")}


def render(frames: dict[str, pl.DataFrame], headers: dict[str, str]) -> bytes:
    """The workbook's bytes: one sheet per frame, translated headers, frozen first row,
    fitted widths, percent and date formats."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "remove_timezone": True})
    head = book.add_format({"bold": True, "bg_color": "#F3F5F7", "border": 1, "text_wrap": True})
    percent = book.add_format({"num_format": "0.0%"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, frame in frames.items():
        sheet = book.add_worksheet(name)
        sheet.freeze_panes(1, 0)
        for j, column in enumerate(frame.columns):
            title = headers.get(column, column)
            sheet.write(0, j, title, head)
            values = frame[column].to_list()
            fmt = None
            if column in ("value", "threshold") and frame.schema[column] == pl.Float64:
                fmt = percent
            elif frame.schema[column] == pl.Date:
                fmt = day
            for i, value in enumerate(values, start=1):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(i, j, dt.datetime.combine(value, dt.time()), fmt)
                elif isinstance(value, list):
                    sheet.write(i, j, "、".join(map(str, value)))
                else:
                    sheet.write(i, j, value, fmt)
            width = max([_width(title)] + [_width(str(v)) for v in values[:500] if v is not None])
            sheet.set_column(j, j, min(MAX_WIDTH, width + 2))
        if frame.height:
            sheet.autofilter(0, 0, frame.height, max(0, frame.width - 1))
    book.close()
    return buffer.getvalue()


def _width(text: str) -> int:
    """Display width: a Chinese character takes two columns."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def export(
    settings: Settings,
    as_of: dt.date | None = None,
    output: Path | None = None,
    lang=None,
    force: bool = True,
) -> tuple[Path, bool]:
    """Write the workbook (default: beside the bulletins of the as-of date) atomically:
    (its path, whether it was written). Without ``force`` a workbook whose inputs (store
    version, as-of date, settings, version, language) are those it was made from is kept."""
    from safetystats import store
    from safetystats.report.runner import inputs_fingerprint

    lang = lang or settings.lang
    with engine.open_store(settings) as con:
        as_of = as_of or engine.latest_event_date(con) or dt.date.today()
        version = store.state(con).get("curated_change", "")
    folder = settings.reports / (as_of.isoformat() + ("" if lang == "zh" else f"-{lang}"))
    target = output or folder / workbook_name(as_of, lang)
    made_from = target.with_name(f".{target.name}.inputs")
    inputs = inputs_fingerprint(settings, as_of, lang, False, version)
    if not force and target.exists() and made_from.exists():
        if made_from.read_text(encoding="utf-8") == inputs:
            return target, False
    as_of, frames = sheets(settings, as_of, lang)
    headers = labels_for(settings, lang)["workbook"]["columns"]
    with atomic.staged():  # both or neither (a full disk leaves the earlier workbook)
        written = atomic.write_bytes(target, render(frames, headers))
        atomic.write_text(made_from, inputs)
    return written, True
