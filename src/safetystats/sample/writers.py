"""Write tables the way office PCs do: xlsx/xls with title and footer rows, CSV in
GB18030 or UTF-8 with or without BOM."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl


def _tmp(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.name}.tmp")


CSV_CHUNK_ROWS = 100_000  # rows encoded at a time: a large ledger never sits whole in memory


def write_csv(
    path: Path, frame: pl.DataFrame, titles=(), footers=(), encoding="utf-8", bom=False
) -> None:
    pad = "," * (frame.width - 1)
    frame = frame.with_columns(pl.col(pl.Date).dt.strftime("%Y-%m-%d"))
    tmp = _tmp(path)
    with tmp.open("wb") as out:
        out.write(
            (b"\xef\xbb\xbf" if bom else b"")
            + "".join(f"{t}{pad}\n" for t in titles).encode(encoding)
        )
        if frame.height == 0:
            out.write(frame.write_csv().encode(encoding))
        for start in range(0, frame.height, CSV_CHUNK_ROWS):
            chunk = frame.slice(start, CSV_CHUNK_ROWS)
            out.write(chunk.write_csv(include_header=start == 0).encode(encoding))
        out.write("".join(f"{f}{pad}\n" for f in footers).encode(encoding))
    tmp.replace(path)


def _cells(frame: pl.DataFrame, titles=(), footers=(), extra=()):
    """(row, column, value, is_heading) of every non-empty cell of a sheet laid out as offices
    do: title rows, the header, the data (then ``extra`` rows), footer rows."""
    rows = [[t] for t in titles] + [list(frame.columns)]
    headings = len(rows)
    rows += [*frame.iter_rows(), *extra, *([f] for f in footers)]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or (isinstance(value, float) and value != value):
                continue
            yield r, c, value, r < headings


def _as_datetime(value: dt.date) -> dt.datetime:
    return dt.datetime(value.year, value.month, value.day)


def write_xlsx(
    path: Path,
    sheets: dict[str, pl.DataFrame],
    titles=(),
    footers=(),
    extra: dict[str, list[list]] | None = None,
) -> None:
    """Date columns become Excel date cells; everything else is written as it is.
    ``extra`` rows (as text) are appended to a sheet after the frame's rows."""
    import xlsxwriter

    tmp = _tmp(path)
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_numbers": False})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    bold = wb.add_format({"bold": True})
    for name, frame in sheets.items():
        ws = wb.add_worksheet(name)
        for r, c, value, heading in _cells(frame, titles, footers, (extra or {}).get(name, [])):
            if heading:
                ws.write_string(r, c, str(value), bold)
            elif isinstance(value, dt.date):
                ws.write_datetime(r, c, _as_datetime(value), date_fmt)
            elif isinstance(value, int | float):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, value)
    wb.close()
    tmp.replace(path)


def write_xls(path: Path, frame: pl.DataFrame, sheet: str, titles=(), footers=()) -> None:
    """The old .xls format (some offices still save it)."""
    import xlwt

    tmp = _tmp(path)
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(sheet)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, c, value, _ in _cells(frame, titles, footers):
        if isinstance(value, dt.date):
            ws.write(r, c, _as_datetime(value), date_style)
        else:
            ws.write(r, c, value)
    wb.save(str(tmp))
    tmp.replace(path)
