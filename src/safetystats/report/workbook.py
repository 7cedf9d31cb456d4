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

from safetystats import atomic, inert
from safetystats.config import Settings, labels_for, rule_titles
from safetystats.metrics import engine
from safetystats.metrics.targets import load_targets
from safetystats.numbers import figure, truncated_percent
from safetystats.report import sheet_rows
from safetystats.report.saved import SavedFigures


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
    """{sheet name: frame} of the workbook, read from the store, values in its language."""
    words = labels_for(settings, lang)
    lab = words["workbook"]
    out: dict[str, pl.DataFrame] = {}
    with engine.open_store(settings) as con:
        as_of = as_of or engine.latest_event_date(con) or dt.date.today()
        table = engine.attainment(settings, as_of, None, lang, con).filter(
            pl.col("phase") == "in_force"
        )
        out[lab["attainment"]] = _grid(table, words)
        earlier = SavedFigures.latest_before(settings.reports, as_of.isoformat(), lang)
        out[lab["attainment_long"]] = _long(table, words).with_columns(
            _changes(table, earlier, words).alias("change")
        )
        out[lab["open_major"]] = _with_unit(
            engine.query(con, "report/open_major_hazards", settings, as_of=as_of), settings
        )
        out[lab["overdue"]] = _with_unit(
            engine.query(con, "report/overdue_hazards", settings, as_of=as_of), settings
        )
        for target in load_targets(settings.targets):
            if target.metric == "event_frequency" and engine.phase_of(target, as_of) == "in_force":
                short = engine.short_of_events(con, settings, target, as_of, None)
                name = sheet_name(f"{lab['short_of']}{target.name(lang)}", out)
                out[name] = _with_unit(short, settings)
        out[lab["training"]] = _with_unit(
            engine.query(con, "report/short_of_training", settings, as_of=as_of), settings
        )
        out[lab["freshness"]] = engine.data_freshness(settings, as_of, None, lang, con).select(
            pl.col("district").alias("unit"), "dataset", "latest", "days_since", "stale"
        )
        quarantine = engine.query(con, "report/quarantine_list", settings).with_columns(
            pl.col("rule_id")
            .replace_strict(rule_titles(settings, "en"), default=pl.col("rule_id"))
            .alias("rule_en")
        )
        out[lab["quarantine"]] = quarantine.select(QUARANTINE_COLUMNS[lang])
    reporting = reporting_frame(settings, words)  # on time (8.6), when units return anything
    if reporting.height:
        out[lab["reporting"]] = reporting
    return as_of, {name: _in_words(frame, words) for name, frame in out.items()}


SHEET_CHARS = 31  # Excel's longest sheet name


def fit_name(name: str, width: int = SHEET_CHARS) -> str:
    """``name`` within ``width`` characters: whole when it fits, else cut and ended by "…". A
    name with spaces (English) is cut after its last whole word ("Short-Enterprises with the…",
    not "…with the requ"); a name without (Chinese) after its last character that fits."""
    if len(name) <= width:
        return name
    cut = name[: width - 1]
    if name[width - 1] != " " and " " in cut.strip():
        cut = cut[: cut.rstrip().rfind(" ")]
    return cut.rstrip(" -,;:(") + "…"


# what Excel refuses in a sheet name, as the full-width characters a reader takes for them
_SHEET_SAFE = str.maketrans("[]:*?/\\", "［］：＊？／＼")


def sheet_name(name: str, taken) -> str:
    """``name`` as a sheet's (a target's name from an office's own targets file can hold what
    Excel refuses: ``/ \\ : * ? [ ]`` become their full-width forms, an apostrophe at either
    end goes), within Excel's 31 characters (``fit_name``), and not one of the sheet names
    ``taken`` (Excel compares them ignoring case): a list whose cut name is taken is numbered
    (``…~2``), where it would have replaced the list before it."""
    name = name.translate(_SHEET_SAFE).strip("'") or "~"
    used = {t.casefold() for t in taken}
    cut, k = fit_name(name), 2
    while cut.casefold() in used:
        suffix = f"~{k}"
        cut, k = fit_name(name, SHEET_CHARS - len(suffix)) + suffix, k + 1
    return cut


def _changes(table: pl.DataFrame, earlier, words: dict) -> pl.Series:
    """较上期 (6.10) of each unit × target: Δ in percentage points (shares) or units (counts)
    and the status move, against the latest earlier run's saved figures; blank without one."""
    before = {
        (r["district_code"], r["target_id"]): r for r in (earlier.attainment if earlier else [])
    }
    statuses = _status_names(words)
    out = []
    for r in table.iter_rows(named=True):
        b = before.get((r["district_code"], r["target_id"]))
        if b is None or b.get("value") is None or r["value"] is None:
            out.append(None)
            continue
        if r["kind"] == "count":
            text = words["change_count"].format(delta=f"{int(r['value']) - int(b['value']):+d}")
        else:
            now, then = (float(figure(v).rstrip("%")) for v in (r["value"], b["value"]))
            text = words["change_pp"].format(delta=f"{now - then:+.1f}")
        if b["status"] != r["status"]:
            text += words["change_status"].format(
                before=statuses[b["status"]], after=statuses[r["status"]]
            )
        out.append(f"{text} ({b['as_of'] if 'as_of' in b else earlier.as_of})")
    return pl.Series("change", out, dtype=pl.String)


def reporting_frame(settings: Settings, words: dict) -> pl.DataFrame:
    """The on-time table of ``stats reporting`` (8.6) in the workbook's words."""
    from safetystats.followup.reporting import reporting_rows

    rows = reporting_rows(settings)
    status = words["reporting_status"]
    return pl.DataFrame(
        [
            {
                "unit": r["district"],
                "month": r["month"],
                "return_kind": words["reporting_kinds"][r["kind"]],
                "due": r["due"],
                "arrived": r["arrived"],
                "status": status[r["status"]].format(days=r["days_late"]),
            }
            for r in rows
        ],
        schema={c: pl.String for c in ("unit", "month", "return_kind", "due", "arrived", "status")},
    ).with_columns(pl.col("due", "arrived").str.to_date("%Y-%m-%d"))  # dates, as the lists' own


QUARANTINE_COLUMNS = {  # the file's own header, the cell as written, the message in one language
    "zh": ["unit", "dataset_zh", "file_name", "sheet", "row_no", "header", "raw_value",
           "rule_zh", "severity_zh", "message_zh"],
    "en": ["unit", "dataset", "file_name", "sheet", "row_no", "header", "raw_value",
           "rule_en", "severity", "message_en"],
}  # fmt: skip


def _long(table: pl.DataFrame, words: dict) -> pl.DataFrame:
    """The attainment table, one row per unit × target: a share as a percentage (rounded
    down), a count as a count; ``kind`` tells ``render`` which."""
    share = pl.col("kind") == "share"
    return table.select(
        pl.col("district").alias("unit"),
        _level_words(words),
        "name",
        pl.when(share)
        .then(pl.col("value").map_elements(truncated_percent, return_dtype=pl.Float64) / 100)
        .otherwise(pl.col("value")),
        "threshold",
        "numerator",
        "denominator",
        pl.col("status").replace_strict(_status_names(words)),
        "gap_count",
        "deadline",
        "kind",
    )


def _grid(table: pl.DataFrame, words: dict) -> pl.DataFrame:
    """Units down, targets across (each header with its threshold), in each cell the value
    and the status word: the sheet a leader scans first."""
    targets = table.unique("target_id", maintain_order=True)
    headers = {}
    for t in targets.iter_rows(named=True):
        title = f"{t['name']}\n{words['threshold']} {figure(t['threshold'], t['kind'])}"
        headers[t["target_id"]] = (
            title if title not in headers.values() else f"{title} ({t['target_id']})"
        )
    statuses = _status_names(words)
    rows: dict[str, dict] = {}
    for r in table.iter_rows(named=True):
        row = rows.setdefault(r["district"], {"unit": r["district"], "level": r["level"]})
        text = f"{figure(r['value'], r['kind'])} {statuses[r['status']]}"
        row[headers[r["target_id"]]] = {"text": text, "status": r["status"]}
    units = sorted(rows.values(), key=lambda row: row["level"])  # the total first
    cell = pl.Struct({"text": pl.String, "status": pl.String})
    schema = {"unit": pl.String, "level": pl.Int64} | {h: cell for h in headers.values()}
    grid = (
        pl.DataFrame(units, schema=schema, orient="row") if units else pl.DataFrame(schema=schema)
    )
    return grid.with_columns(_level_words(words))


def _level_words(words: dict) -> pl.Expr:
    """The registry level as a word: the total, the top units, deeper units by number."""
    names = {0: words["workbook"]["total"], 1: words["district"]}
    return (
        pl.col("level")
        .map_elements(
            lambda n: names.get(n, words["workbook"]["level_n"].format(n=n)),
            return_dtype=pl.String,
        )
        .alias("level")
    )


def _in_words(frame: pl.DataFrame, words: dict) -> pl.DataFrame:
    """Values in the workbook's language: yes/no, hazard levels, supervision, datasets, lists."""
    yes_no = {True: words["yes"], False: words["no"]}
    maps = {
        "hazard_level": {"major": words["major"], "general": words["general"]},
        "supervision": words["supervision_levels"],
        "dataset": words["datasets"],
        "industry": words.get("vocab", {}),  # controlled vocabularies in English (en.vocab)
        "category": words.get("vocab", {}),
    }
    fixes = [
        pl.col(c).replace_strict(yes_no, return_dtype=pl.String)
        for c, t in frame.schema.items()
        if t == pl.Boolean
    ]
    fixes += [
        pl.col(c).list.join(words["list_sep"])
        for c, t in frame.schema.items()
        if t == pl.List(pl.String)
    ]
    fixes += [
        pl.col(c).replace_strict(m, default=pl.col(c))
        for c, m in maps.items()
        if c in frame.columns and frame.schema[c] == pl.String
    ]
    return frame.with_columns(fixes) if fixes else frame


def _status_names(words: dict) -> dict:
    return {s: words[s] for s in ("met", "on_track", "behind", "no_data")}


STATUS_FILL = {"met": "#DAFBE1", "on_track": "#DDF4FF", "behind": "#FFEBE9", "no_data": "#F3F5F7"}
PORTRAIT_WIDTH = 95  # character columns that fit across portrait A4 at 100 %
WRAP_WIDTH = 40  # long text wraps inside a column this wide
LINE_HEIGHT = 15  # points per line of a wrapped row
HEADER_WIDTH = 16  # a longer header wraps rather than widen its column
GRID_HEADER_WIDTH = 12  # the grid's target headers wrap sooner: a leader's page prints larger
SHEET_ROWS = 1_048_575  # rows of a sheet below its header (Excel's limit: 1,048,576 rows)


def render(frames: dict[str, pl.DataFrame], headers: dict[str, str]) -> bytes:
    """The workbook's bytes: one sheet per frame, translated headers, frozen first row,
    fitted widths, percent and date formats, every sheet ready to print on A4. Text cells are
    strings, never formulas or links (``inert.workbook``). A ``kind`` column is not written: it
    says whether the row's value and threshold are a share (percent) or a count; a struct
    cell {text, status} is written as its text on its status's colour. A list's rows are made
    by :mod:`sheet_rows` (xlsxwriter writes its header); a list longer than a sheet holds
    goes on over the next sheets, its name numbered (``超期未整改隐患 (2)``)."""
    buffer = io.BytesIO()
    book = inert.workbook(buffer, in_memory=True, remove_timezone=True)
    formats = {
        "head": book.add_format(
            {"bold": True, "bg_color": "#F3F5F7", "border": 1, "text_wrap": True, "valign": "top"}
        ),
        "share": book.add_format({"num_format": "0.0%"}),
        "count": book.add_format({"num_format": "0"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "top": book.add_format({"valign": "top"}),
    } | {s: book.add_format({"bg_color": c, "border": 1}) for s, c in STATUS_FILL.items()}
    lists = []
    for number, (name, frame) in enumerate(within_sheets(frames), start=1):
        sheet = book.add_worksheet(name)
        if "kind" not in frame.columns and sheet_rows.plain(frame):
            rows, widths = _list_sheet(sheet, number, frame, headers, formats)
            lists.append(rows)
            _page_setup(sheet, frame, widths)
            continue
        kinds = frame["kind"].to_list() if "kind" in frame.columns else None
        shown = frame.drop("kind") if kinds is not None else frame
        lines = [1] * (shown.height + 1)  # text lines per row, header first
        widths = [
            _write_column(sheet, j, shown, headers, formats, kinds, lines)
            for j in range(shown.width)
        ]
        for i, n in enumerate(lines):
            if n > 1:  # wrapped text: the row as high as its lines (no spreadsheet guesses)
                sheet.set_row(i, min(LINE_HEIGHT * n, sheet_rows.ROW_POINTS))
        _page_setup(sheet, shown, widths)
    book.close()
    return sheet_rows.fill(buffer.getvalue(), lists)


def within_sheets(frames: dict[str, pl.DataFrame]):
    """(sheet name, frame) of each sheet: a frame longer than a sheet's rows (below its header)
    goes on over the next sheets, named ``name (2)``, ``name (3)`` … within 31 characters."""
    for name, frame in frames.items():
        yield name, frame.head(SHEET_ROWS)
        for k, start in enumerate(range(SHEET_ROWS, frame.height, SHEET_ROWS), start=2):
            suffix = f" ({k})"
            yield fit_name(name, SHEET_CHARS - len(suffix)) + suffix, frame.slice(start, SHEET_ROWS)


def _list_sheet(sheet, number: int, frame: pl.DataFrame, headers, formats):
    """Write a list's header row and set its columns: (its rows for sheet_rows, the widths)."""
    formats_of, wraps, widths, head_lines = [], [], [], 1
    for j, column in enumerate(frame.columns):
        title = headers.get(column, column)
        width, wrap = _fit(title, frame[column].head(500).to_list())
        dtype = frame.schema[column]
        fmt = None
        if dtype == pl.String:
            fmt = formats["wrap"] if wrap else formats["top"]
        elif dtype in (pl.Date, pl.Datetime):
            fmt = formats["date"]
        sheet.write_string(0, j, title, formats["head"])
        sheet.set_column(j, j, width, fmt)  # the cells' format, numbered when the book closes
        head_lines = max(head_lines, _lines(title, width))
        formats_of.append(fmt)
        wraps.append(width if wrap and dtype == pl.String else None)
        widths.append(width)
    if head_lines > 1:
        sheet.set_row(0, min(LINE_HEIGHT * head_lines, sheet_rows.ROW_POINTS))
    return sheet_rows.Rows(number, frame, formats_of, wraps, LINE_HEIGHT), widths


def _fit(title: str, values: list, header_width: int = HEADER_WIDTH) -> tuple[int, bool]:
    """A column's width (from its header and its first 500 values) and whether it wraps."""
    texts = [_text(v) for v in values if v is not None]
    head = max(display_width(line) for line in title.split("\n"))
    cells = max(map(display_width, texts), default=0)
    wrap = cells + 2 > WRAP_WIDTH  # long text wraps in its column
    return min(WRAP_WIDTH, max(cells, min(head, header_width)) + 2), wrap  # a long header wraps


def _write_column(sheet, j: int, frame: pl.DataFrame, headers: dict, formats: dict, kinds, lines):
    """Write one column (its header and cells) and set its width; return the width. ``lines``
    (per row) grows to the text lines a wrapped cell of this column takes."""
    column = frame.columns[j]
    title = headers.get(column, column)
    values = frame[column].to_list()
    grid = isinstance(frame.schema[column], pl.Struct)  # a target's column of the grid
    width, wrap = _fit(title, values[:500], GRID_HEADER_WIDTH if grid else HEADER_WIDTH)
    sheet.write_string(0, j, title, formats["head"])
    lines[0] = max(lines[0], _lines(title, width))
    for i, value in enumerate(values, start=1):
        if value is None or value == "":
            continue
        if wrap:
            lines[i] = max(lines[i], _lines(_text(value), width))
        if isinstance(value, dict):
            sheet.write_string(i, j, value["text"], formats[value["status"]])
        elif isinstance(value, dt.date):
            sheet.write_datetime(i, j, dt.datetime.combine(value, dt.time()), formats["date"])
        elif isinstance(value, str):
            sheet.write_string(i, j, value, formats["wrap"] if wrap else formats["top"])
        elif isinstance(value, list):
            sheet.write_string(
                i, j, "、".join(map(str, value)), formats["wrap"] if wrap else formats["top"]
            )
        elif column in ("value", "threshold") and kinds is not None:
            sheet.write_number(i, j, value, formats[kinds[i - 1]])
        else:
            sheet.write(i, j, value)
    sheet.set_column(j, j, width)
    return width


def _lines(text: str, width: int) -> int:
    """The lines a text takes in a wrapping column ``width`` characters wide."""
    return sum(max(1, -(-display_width(line) // max(1, width - 1))) for line in text.split("\n"))


def _text(value) -> str:
    if isinstance(value, dict):
        return value["text"]
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)


def _page_setup(sheet, frame: pl.DataFrame, widths: list[int]) -> None:
    """A4, landscape when the columns are wider than portrait, fit to one page wide, the
    header row repeated on every page, printed no further than the last row, page numbers."""
    sheet.freeze_panes(1, 0)
    if frame.height:
        sheet.autofilter(0, 0, frame.height, max(0, frame.width - 1))
    sheet.set_paper(9)  # A4
    if sum(widths) > PORTRAIT_WIDTH:
        sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # one page wide, as many long as the rows need
    sheet.repeat_rows(0)
    sheet.print_area(0, 0, max(frame.height, 1), max(frame.width - 1, 0))
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&C&P / &N")
    sheet.hide_gridlines(0)  # gridlines printed: rows stay readable on paper


def display_width(text: str) -> int:
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
