"""The data rows of the workbook's lists, written as sheet XML by polars (DATA_SPEC 8.3).

A province's to-do lists hold hundreds of thousands of rows (0.38 M enterprises short of
training, 0.12 M overdue hazards): xlsxwriter writes a cell in microseconds of Python and keeps
every cell in memory until the workbook closes (the province's workbook took 40 s and 1.5 GB).
So xlsxwriter writes what it does well — styles, the header row, widths, filters, frozen panes,
page setup — and the rows of a list are made here, column by column with polars, and put into
the list's sheet when the workbook's zip is copied, a chunk of rows at a time (4.5–6 s and
0.65 GB: benchmarks/RESULTS.md).

The cells are those xlsxwriter would write (``workbook._write_column``): text as a string cell
(inline, never a formula or a link: DATA_SPEC 5.1; control characters as Excel's ``_xHHHH_``),
numbers as numbers, dates as Excel's day numbers in the date format, a blank or empty value as no
cell; a row with wrapped text as high as its lines.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl
from xlsxwriter.utility import xl_col_to_name

from safetystats.ahead import ahead

_ROW = "__excel_row"  # the row number beside a chunk's columns
LEVEL = 6  # zlib's, as xlsxwriter's (level 1: the province's book 2 s quicker, 26 % larger)
# a sheet that may hold this many bytes of XML is written with ZIP64 headers (Python's zipfile
# refuses a larger part without them); a smaller one without, as xlsxwriter writes it: Excel is
# strict about ZIP64 headers a file does not need
ZIP64_FROM = zipfile.ZIP64_LIMIT
CHUNK_ROWS = 50_000  # rows made and compressed at a time: memory follows the chunk, not the list
CELL_CHARS = 32_767  # the most a cell shows (UTF-16 units); xlsxwriter cuts a text there too
_ASTRAL = r"[\x{10000}-\x{10FFFF}]"  # a character two UTF-16 units long
ROW_POINTS = 408  # a row at most this high: Excel allows 409 points (xlsxwriter writes 544 px)
EXCEL_EPOCH = dt.date(1899, 12, 31)  # day 0 of Excel's 1900 date system
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")  # not allowed in XML text: Excel writes _xHHHH_
_EXCEL_ESCAPED = _CONTROL.pattern + r"|_x[0-9a-fA-F]{4}_|\x{FFFE}|\x{FFFF}"
_WIDE = r"[\x{2E81}-\x{10FFFF}]"  # a character two columns wide (workbook.display_width)


def plain(frame: pl.DataFrame) -> bool:
    """Whether every column holds text, numbers or dates (a list, not the attainment grid)."""
    return frame.width > 0 and all(
        dtype in (pl.String, pl.Date, pl.Datetime, pl.Null) or dtype.is_numeric()
        for dtype in frame.schema.values()
    )


@dataclass
class Rows:
    """A list whose rows go into sheet ``number`` (1-based, in the order sheets were added):
    the frame, each column's format (an xlsxwriter Format, or None: a number) and the width of
    each wrapped column (None: the column does not wrap)."""

    number: int
    frame: pl.DataFrame
    formats: list
    wraps: list[int | None]
    line_height: int


def numbered(*formats) -> None:
    """Give ``formats`` their number in the book now, before it closes: xlsxwriter numbers a
    format when a cell or column it writes uses it, and cells that only these rows carry would
    have none (a package's shaded cells to fill)."""
    for fmt in formats:
        fmt._get_xf_index()


def fill(book: bytes, lists: list[Rows]) -> bytes:
    """The workbook ``book`` (written by xlsxwriter with only the header row of each list) with
    the rows of ``lists`` in their sheets."""
    by_sheet = {f"xl/worksheets/sheet{r.number}.xml": r for r in lists}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(book)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as target,
    ):
        for info in source.infolist():
            rows = by_sheet.get(info.filename)
            if rows is None:
                target.writestr(info, source.read(info), compresslevel=LEVEL)
                continue
            head, tail = _split(source.read(info).decode("utf-8"), rows.frame)
            large = len(head) + len(tail) + _xml_bound(rows.frame) > ZIP64_FROM
            with target.open(info.filename, "w", force_zip64=large) as sheet:
                sheet.write(head)
                for chunk in ahead(
                    _chunks(rows), "sheet-rows"
                ):  # the next chunk made while this one
                    sheet.write(chunk)  # is compressed (polars and zlib release the GIL)
                sheet.write(tail)
    return out.getvalue()


def _xml_bound(frame: pl.DataFrame) -> int:
    """More bytes than the rows of ``frame`` take as sheet XML: each byte of a value escaped
    (a control character is 7: ``_x0001_``), each cell's and row's markup."""
    return 8 * frame.estimated_size() + 100 * frame.height * (frame.width + 1)


def _split(xml: str, frame: pl.DataFrame) -> tuple[bytes, bytes]:
    """The sheet's XML before and after where the data rows go (after the header row), its
    dimension the whole list."""
    last = f"{xl_col_to_name(max(frame.width - 1, 0))}{frame.height + 1}"
    xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', xml, count=1)
    at = xml.index("</sheetData>")
    return xml[:at].encode("utf-8"), xml[at:].encode("utf-8")


def _within_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """Text longer than a cell holds cut as xlsxwriter cuts it: at 32,767 UTF-16 units, where
    a character above U+FFFF (CJK Extension B, emoji) takes two, never between its halves.
    Only a text of more than half that many characters can be too long: the rest is kept."""
    for name, dtype in frame.schema.items():
        if dtype != pl.String or not (frame[name].str.len_chars() > CELL_CHARS // 2).any():
            continue
        column = frame[name]
        units = column.str.len_chars() + column.str.count_matches(_ASTRAL).fill_null(0)
        long = (units > CELL_CHARS).arg_true()
        cut = [_utf16_cut(text) for text in column.gather(long).to_list()]
        frame = frame.with_columns(column.clone().scatter(long, cut))
    return frame


def _utf16_cut(text: str) -> str:
    units = 0
    for i, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > CELL_CHARS:
            return text[:i]
    return text


def _chunks(rows: Rows) -> Iterator[bytes]:
    """The list's rows as sheet XML, CHUNK_ROWS rows at a time (the header is row 1)."""
    frame = _within_cells(rows.frame)
    slow = [_escaped_column(frame, name) for name in frame.columns]
    for start in range(0, frame.height, CHUNK_ROWS):
        part = frame.slice(start, CHUNK_ROWS).with_row_index(_ROW, offset=start + 2)
        out = io.BytesIO()  # one row's XML a line, as polars writes it (no Python string)
        part.select(_row_xml(part, rows, slow)).write_csv(
            out, include_header=False, quote_style="never"
        )
        yield out.getvalue()


def _escaped_column(frame: pl.DataFrame, name: str) -> bool:
    """Whether a text column holds what Excel writes as ``_xHHHH_`` (escaped the slow way)."""
    if frame.schema[name] != pl.String:
        return False
    return bool(frame[name].str.contains(_EXCEL_ESCAPED).any())


def _row_xml(part: pl.DataFrame, rows: Rows, slow: list[bool]) -> pl.Expr:
    """Each row's ``<row>`` element: its number, its height when its text wraps over lines,
    its cells."""
    number = pl.col(_ROW).cast(pl.String)
    cells = [
        _cell(name, part.schema[name], j, number, rows.formats[j], slow[j])
        for j, name in enumerate(rows.frame.columns)
    ]
    columns = zip(rows.frame.columns, rows.wraps, strict=True)
    heights = [_lines(pl.col(name), width) for name, width in columns if width]
    height = pl.lit("")
    if heights:
        lines = pl.max_horizontal(heights)
        height = (
            pl.when(lines > 1)
            .then(
                pl.format(
                    ' ht="{}" customHeight="1"',
                    pl.min_horizontal(lines * rows.line_height, pl.lit(ROW_POINTS)),
                )
            )
            .otherwise(pl.lit(""))
        )
    return pl.concat_str(
        [pl.lit('<row r="'), number, pl.lit('"'), height, pl.lit(">"), *cells, pl.lit("</row>")]
    ).alias("xml")


def _cell(name: str, dtype, j: int, number: pl.Expr, fmt, slow: bool) -> pl.Expr:
    """Column ``j``'s ``<c>`` element in each row, or nothing for a blank value."""
    column = pl.col(name)
    style = f' s="{fmt.xf_index}"' if fmt is not None else ""
    start = pl.lit(f'<c r="{xl_col_to_name(j)}') + number + pl.lit(f'"{style}')
    if dtype == pl.String:
        shown = column  # within a cell (_within_cells)
        spaced = shown.str.contains(r"^\s|\s$")  # kept as written (xml:space, as xlsxwriter)
        t = pl.when(spaced).then(pl.lit('<t xml:space="preserve">')).otherwise(pl.lit("<t>"))
        xml = start + pl.lit(' t="inlineStr"><is>') + t + _xml_text(shown, slow)
        return (
            pl.when(column.is_null() | (column == ""))
            .then(pl.lit(""))
            .otherwise(xml + pl.lit("</t></is></c>"))
        )
    if dtype == pl.Null:  # no value: no cell, or a blank one with its format (a cell to fill)
        return start + pl.lit("/>") if fmt is not None else pl.lit("")
    if dtype in (pl.Date, pl.Datetime):  # as xlsxwriter: days since 1899-12-31, and one more
        day = column.dt.date() if dtype == pl.Datetime else column  # a time zone's own day
        days = (day - pl.lit(EXCEL_EPOCH)).dt.total_days()  # after Excel's
        value = (days + (days > 59).cast(pl.Int64)).cast(pl.String)  # 1900-02-29, which was not
    else:
        finite = column.cast(pl.Float64).is_finite()
        value = pl.when(finite).then(column.cast(pl.String))
    return (
        pl.when(value.is_null())
        .then(pl.lit(""))
        .otherwise(start + pl.lit("><v>") + value + pl.lit("</v></c>"))
    )


def _xml_text(column: pl.Expr, slow: bool) -> pl.Expr:
    """Text as XML element text carries it (``slow``: with Excel's ``_xHHHH_`` escapes)."""
    text = column
    if slow:  # as xlsxwriter: the escape escaped, then control characters as _xHHHH_
        text = text.map_elements(_excel_escapes, return_dtype=pl.String)
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = text.str.replace_all(char, entity, literal=True)
    return text


def _excel_escapes(text: str) -> str:
    text = re.sub(r"(_x[0-9a-fA-F]{4}_)", r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    return text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")


def text_width(text: pl.Expr) -> pl.Expr:
    """Each text's display width: a character from U+2E81 takes two columns
    (workbook.display_width)."""
    return text.str.len_chars() + text.str.count_matches(_WIDE)


def _lines(column: pl.Expr, width: int) -> pl.Expr:
    """The lines a text takes in a wrapping column ``width`` characters wide
    (workbook._lines)."""
    shown = text_width(pl.element())
    across = max(1, width - 1)
    per_line = ((shown + across - 1) // across).clip(lower_bound=1)
    return column.str.split("\n").list.eval(per_line).list.sum().fill_null(1)
