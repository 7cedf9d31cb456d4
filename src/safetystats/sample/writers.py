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


class CsvLedger:
    """A CSV ledger written a frame at a time: the title rows, the header once, the rows of
    each frame, the footer rows at `close`; whole or not at all (a temporary file renamed)."""

    def __init__(self, path: Path, titles=(), footers=(), encoding="utf-8", bom=False):
        self.path, self.titles, self.footers = path, titles, footers
        self.encoding, self.bom = encoding, bom
        self.tmp = _tmp(path)
        self.out = self.tmp.open("wb")
        self.pad: str | None = None  # commas after a title or footer: known with the header

    def write(self, frame: pl.DataFrame) -> None:
        frame = frame.with_columns(pl.col(pl.Date).dt.strftime("%Y-%m-%d"))
        if self.pad is None:
            self.pad = "," * (frame.width - 1)
            titles = "".join(f"{t}{self.pad}\n" for t in self.titles)
            self.out.write((b"\xef\xbb\xbf" if self.bom else b"") + titles.encode(self.encoding))
            self.out.write(frame.head(0).write_csv().encode(self.encoding))
        for start in range(0, frame.height, CSV_CHUNK_ROWS):
            chunk = frame.slice(start, CSV_CHUNK_ROWS)
            self.out.write(chunk.write_csv(include_header=False).encode(self.encoding))

    def close(self) -> None:
        footers = "".join(f"{f}{self.pad or ''}\n" for f in self.footers)
        self.out.write(footers.encode(self.encoding))
        self.out.close()
        self.tmp.replace(self.path)


def write_csv(
    path: Path, frame: pl.DataFrame, titles=(), footers=(), encoding="utf-8", bom=False
) -> None:
    ledger = CsvLedger(path, titles, footers, encoding, bom)
    ledger.write(frame)
    ledger.close()


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


XLSX_MAX_ROWS = 1_048_576  # a worksheet's rows (Excel 2007 and later)
XLS_MAX_ROWS = 65_536  # a worksheet's rows in the old .xls format


def _split(sheets: dict[str, pl.DataFrame], max_rows: int, other_rows: int):
    """Sheets too long for the format continued on sheets named 名称(2), 名称(3) … as people
    do, each with the title, the header and the footer rows (``other_rows`` in all)."""
    room = max_rows - other_rows
    out = {}
    for name, frame in sheets.items():
        if frame.height <= room:
            out[name] = frame
            continue
        for k, start in enumerate(range(0, frame.height, room)):
            out[name if k == 0 else f"{name}({k + 1})"[:31]] = frame.slice(start, room)
    return out


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
    extra = extra or {}
    longest = max((len(rows) for rows in extra.values()), default=0)
    sheets = _split(sheets, XLSX_MAX_ROWS, len(titles) + 1 + longest + len(footers))
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_numbers": False})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    bold = wb.add_format({"bold": True})
    for name, frame in sheets.items():
        ws = wb.add_worksheet(name)
        for r, c, value, heading in _cells(frame, titles, footers, extra.get(name, [])):
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
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    other_rows = len(titles) + 1 + len(footers)
    for name, part in _split({sheet: frame}, XLS_MAX_ROWS, other_rows).items():
        ws = wb.add_sheet(name)
        for r, c, value, _ in _cells(part, titles, footers):
            if isinstance(value, dt.date):
                ws.write(r, c, _as_datetime(value), date_style)
            else:
                ws.write(r, c, value)
    wb.save(str(tmp))
    tmp.replace(path)
