"""Cells that calamine reads as blank but are not: Excel error values and formulas without a
cached value (DATA_SPEC 3).

calamine (and so fastexcel) returns an error cell (xlsx, xls, ods) (``#DIV/0!``) and a formula cell whose
result was never computed (a file written by a program, never opened in Excel/WPS) as an
empty cell. We find them in the file itself and write them back into the table's text: an
error cell as its error text (what a CSV export holds), a formula without value as
``FORMULA_MARK`` + the formula. Preparing a table then holds such rows for the quarantine.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import polars as pl

EXCEL_ERRORS = ("#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!")
# a private-use character: a cell text starting with it is a formula without a cached value
FORMULA_MARK = "\ue000"

# (row 0-based, column 0-based) -> text
Marks = dict[tuple[int, int], str]


@dataclass
class SheetMarks:
    """What calamine reads as blank in a sheet: the cells' texts (``Marks``) and the merged
    ranges (row, column of the first cell, row, column of the last, 0-based), with the first and
    last column of the sheet's used range (its ``<dimension>``) when it has merged ranges."""

    cells: Marks = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    columns: tuple[int, int] | None = None

    def __bool__(self) -> bool:
        return bool(self.cells or self.merged)


_CELL_ERROR = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?\bt="e"[^>]*>(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?<v>([^<]*)</v>'
)
_FORMULA = re.compile(rb"<f\b")
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"')
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]{1,3})\d+(?::([A-Z]{1,3})\d+)?"')
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"')
_FORMULA_TEXT = re.compile(rb"<f\b[^>]*?(?:/>|>([^<]*)</f>)")
# a cached value; a text result may be empty (Excel writes t="str" and <v></v> for ="")
_HAS_VALUE = re.compile(rb"<v>[^<]|<is>|^<c\b[^>]*\bt=\"str\"[^>]*>.*<v\b", re.S)
_SHEET = re.compile(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"')
_REL_REVERSED = re.compile(rb'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"')


def column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _unescape(data: bytes) -> str:
    from html import unescape

    return unescape(data.decode("utf-8", errors="replace"))


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the part that holds it (xl/worksheets/sheetN.xml)."""
    workbook = zf.read("xl/workbook.xml")
    rels = zf.read("xl/_rels/workbook.xml.rels")
    targets = {i.decode(): t.decode() for i, t in _REL.findall(rels)}
    targets |= {i.decode(): t.decode() for t, i in _REL_REVERSED.findall(rels)}
    out = {}
    for name, rid in _SHEET.findall(workbook):
        target = targets.get(rid.decode())
        if target:
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            out[_unescape(name)] = str(PurePosixPath(part))
    return out


def xlsx_marks(path: Path) -> dict[str, SheetMarks]:
    """Per sheet name: the error cells and the formulas without a cached value, by position
    in the sheet (A1 = (0, 0)), and its merged ranges (calamine reads a merged range's other
    cells as blank). Empty when the workbook has none (the common case, checked with substring
    searches before any cell is parsed)."""
    out: dict[str, SheetMarks] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for sheet, part in _sheet_paths(zf).items():
                data = zf.read(part)
                marks: Marks = {}
                if b't="e"' in data:
                    for col, row, value in _CELL_ERROR.findall(data):
                        marks[(int(row) - 1, column_index(col.decode()))] = _unescape(value)
                marks |= _formulas_without_value(data)
                if b"<mergeCell " in data and (dimension := _DIMENSION.search(data[:4096])):
                    first, last = dimension.group(1), dimension.group(2) or dimension.group(1)
                    columns = (column_index(first.decode()), column_index(last.decode()))
                    merged = [
                        (
                            int(r0) - 1,
                            column_index(c0.decode()),
                            int(r1) - 1,
                            column_index(c1.decode()),
                        )
                        for c0, r0, c1, r1 in _MERGE.findall(data)
                    ]
                    out[sheet] = SheetMarks(marks, merged, columns)
                elif marks:
                    out[sheet] = SheetMarks(marks)
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    return out


def _formulas_without_value(data: bytes) -> Marks:
    """The formula cells of a sheet's XML with no cached value. Only the cells around each
    ``<f`` are looked at: a sheet of plain values costs one search."""
    marks: Marks = {}
    for match in _FORMULA.finditer(data):
        start = data.rfind(b"<c ", 0, match.start())
        end = data.find(b"</c>", match.start())
        cell = data[start:end]
        ref = _CELL_REF.match(cell)
        if ref is None or _HAS_VALUE.search(cell):
            continue
        formula = _FORMULA_TEXT.search(cell)
        text = "=" + _unescape(formula.group(1)) if formula and formula.group(1) else "="
        marks[(int(ref.group(2)) - 1, column_index(ref.group(1).decode()))] = FORMULA_MARK + text
    return marks


def xls_marks(path: Path) -> dict[str, SheetMarks]:
    """Per sheet name: the error cells of an Excel 97-2003 workbook (xlrd reads their codes;
    a .xls file always stores a formula's result). Empty when xlrd cannot read the file."""
    import xlrd

    try:
        book = xlrd.open_workbook(path, on_demand=True)
    except Exception:  # xlrd is stricter than calamine: nothing found is nothing marked
        return {}
    out: dict[str, SheetMarks] = {}
    try:
        for name in book.sheet_names():
            sheet = book.sheet_by_name(name)
            marks = {
                (r, c): xlrd.error_text_from_code.get(sheet.cell_value(r, c), "#N/A")
                for r in range(sheet.nrows)
                for c, kind in enumerate(sheet.row_types(r))
                if kind == xlrd.XL_CELL_ERROR
            }
            if marks:
                out[name] = SheetMarks(marks)
    finally:
        book.release_resources()
    return out


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_ODS_CELLS = (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell")


def ods_marks(path: Path) -> dict[str, SheetMarks]:
    """Per sheet name: the error cells of an OpenDocument spreadsheet (LibreOffice marks them
    ``calcext:value-type="error"``; calamine reads them as blank). Empty when there are none."""
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(path) as zf:
            content = zf.read("content.xml")
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    if b'value-type="error"' not in content:
        return {}
    out: dict[str, SheetMarks] = {}
    for table in ElementTree.fromstring(content).iter(f"{_ODS_TABLE}table"):
        marks: Marks = {}
        row = 0
        for row_element in table.iter(f"{_ODS_TABLE}table-row"):
            col = 0
            for cell in row_element:
                if cell.tag not in _ODS_CELLS:
                    continue
                if cell.get(f"{_ODS_CALCEXT}value-type") == "error":
                    marks[(row, col)] = "".join(cell.itertext()).strip() or "#VALUE!"
                col += int(cell.get(f"{_ODS_TABLE}number-columns-repeated", "1"))
            row += int(row_element.get(f"{_ODS_TABLE}number-rows-repeated", "1"))
        if marks:
            out[table.get(f"{_ODS_TABLE}name", "")] = SheetMarks(marks)
    return out


def apply_marks(frame: pl.DataFrame, marks: SheetMarks, first_column: int) -> pl.DataFrame:
    """The frame with the marked cells' texts written in (the frame's c0 is the sheet's
    ``first_column``) and each merged range's cells given its first cell's text; rows are the
    sheet's rows from row 1."""
    if marks.merged:
        frame = _fill_merged(frame, marks.merged, first_column)
    if not marks.cells:
        return frame
    columns = {name: frame[name].to_list() for name in frame.columns}
    for (row, col), text in marks.cells.items():
        name = f"c{col - first_column}"
        if name in columns and row < frame.height:
            columns[name][row] = text
    return pl.DataFrame(columns, schema={name: pl.String for name in columns})


def _fill_merged(frame: pl.DataFrame, merged, first_column: int) -> pl.DataFrame:
    """Each merged range's cells given the text of its first (top-left) cell, as the HTML and
    Excel 2003 XML readers give them: a 所属区市 merged down three rows is each row's."""
    fills: dict[str, tuple[list[int], list[str]]] = {}
    for r0, c0, r1, c1 in merged:
        top = f"c{c0 - first_column}"
        if top not in frame.columns or not 0 <= r0 < frame.height:
            continue
        value = frame[top][r0]
        if value is None:
            continue
        for c in range(c0, c1 + 1):
            name = f"c{c - first_column}"
            if name not in frame.columns:
                continue
            rows, values = fills.setdefault(name, ([], []))
            for r in range(r0 + (c == c0), min(r1, frame.height - 1) + 1):
                rows.append(r)
                values.append(value)
    if not fills:
        return frame
    return frame.with_columns(
        frame[name].clone().scatter(rows, values) for name, (rows, values) in fills.items()
    )


def start_column(marks: SheetMarks, width: int, path: Path | bytes, sheet: str) -> int:
    """The sheet column of a frame's c0: the first of the sheet's used range when that range is
    as wide as the frame (read from the XML, free), else as calamine reads it (which parses the
    whole sheet again: 2 s for 200,000 rows)."""
    columns = marks.columns
    if columns is not None and columns[1] - columns[0] + 1 == width:
        return columns[0]
    return sheet_start_column(path, sheet)


def sheet_start_column(path: Path | bytes, sheet: str) -> int:
    """The first column of the range calamine reads for a sheet (a sheet whose column A is
    empty starts at B)."""
    import python_calamine

    if isinstance(path, bytes):
        import io

        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(path))
    else:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(sheet).start[1]


def error_text(value: str | None) -> str | None:
    """The Excel error a cell's text is (also as text in a CSV), else None."""
    if value is None:
        return None
    text = value.strip().upper()
    return text if text in EXCEL_ERRORS else None
