"""Read a ledger file into raw tables of text cells: xlsx/xls with calamine, CSV with
encoding detection. Nothing here knows about datasets."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
CSV_SUFFIXES = {".csv", ".txt"}
SUPPORTED = EXCEL_SUFFIXES | CSV_SUFFIXES
HEADER_SCAN_ROWS = 15
_BLANK_LINE = re.compile(r"(?m)^[ \t]*\r?$")


class ReadError(Exception):
    """A file that cannot be read at all; the message names the file and why."""


@dataclass
class RawTable:
    """All cells of one sheet (or CSV file) as text, column names c0, c1, ...

    ``first_row`` is the spreadsheet row number (1-based) of the frame's row 0.
    """

    path: Path
    sheet: str | None
    frame: pl.DataFrame
    first_row: int = 1
    encoding: str | None = None

    @property
    def label(self) -> str:
        return f"{self.path.name}[{self.sheet}]" if self.sheet else self.path.name


def _rename(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.rename({old: f"c{i}" for i, old in enumerate(frame.columns)})


def read_excel(path: Path) -> list[RawTable]:
    try:
        reader = fastexcel.read_excel(path)
        tables = []
        for name in reader.sheet_names:
            sheet = reader.load_sheet(name, header_row=None, dtypes="string", skip_rows=0)
            frame = _rename(sheet.to_polars())
            tables.append(RawTable(path, name, frame))
        return tables
    except Exception as exc:  # calamine reports broken or encrypted workbooks many ways
        raise ReadError(f"{path}: not a readable Excel workbook ({exc})") from exc


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """UTF-8 (with or without BOM) or GB18030/GBK; anything else is an error."""
    if data.startswith(b"\xef\xbb\xbf"):
        data, tried = data[3:], "utf-8-sig"
    else:
        tried = "utf-8"
    try:
        return data.decode("utf-8"), tried
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"{path}: text encoding is neither UTF-8 nor GB18030/GBK (byte {exc.start}); "
            "save it from Excel as 'CSV UTF-8' and drop it again"
        ) from exc


def read_csv(path: Path) -> list[RawTable]:
    text, encoding = decode(path.read_bytes(), path)
    if "\x00" in text[:4096]:
        raise ReadError(f"{path}: binary content, not a CSV file (UTF-16 is not accepted)")
    text = text.rstrip("\r\n \t")
    if "\n\n" in text or "\n\r\n" in text:
        text = _BLANK_LINE.sub(",", text)  # keep blank lines as rows: row numbers stay true
    text += "\n"
    head = list(
        csv.reader(io.StringIO("\n".join(text.split("\n", HEADER_SCAN_ROWS)[:HEADER_SCAN_ROWS])))
    )
    width = max((len(r) for r in head), default=0)
    # polars fixes the width from the first record, so start at the first full-width one
    skip = next((i for i, r in enumerate(head) if len(r) == width), 0)
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            has_header=False,
            skip_rows=skip,
            infer_schema=False,
            truncate_ragged_lines=True,
            quote_char='"',
        )
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise ReadError(f"{path}: not a readable CSV file ({exc})") from exc
    frame = _rename(frame)
    if skip:  # put the short leading rows (titles) back in front, as text in c0
        titles = pl.DataFrame(
            {
                f"c{i}": [r[i] if i < len(r) else None for r in head[:skip]]
                for i in range(frame.width)
            },
            schema={c: pl.String for c in frame.columns},
        )
        frame = pl.concat([titles, frame])
    return [RawTable(path, None, frame, encoding=encoding)]


def read_tables(path: Path) -> list[RawTable]:
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return read_excel(path)
    if suffix in CSV_SUFFIXES:
        return read_csv(path)
    raise ReadError(f"{path}: unsupported file type {suffix!r} (use .xlsx, .xls or .csv)")
