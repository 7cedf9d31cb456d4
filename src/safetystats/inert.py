"""What we write is inert (DATA_SPEC 5.1): ledger text never becomes a formula or a link in the
spreadsheet that opens our CSV or xlsx files.

- CSV: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
  leading apostrophe (``'=HYPERLINK(…)``); numbers stay numbers. Only what we write changes:
  the store keeps the value as read.
- xlsx: every workbook we write (export, packages, templates) is made by ``workbook()``, which
  switches off xlsxwriter's defaults that turn ``=…`` into a formula and URL-like text into a
  hyperlink; ``write()`` then writes such text as a string cell.
"""

from __future__ import annotations

import polars as pl

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_OPTIONS = {
    "strings_to_formulas": False,  # "=SUM(A1)" from a ledger is text, not a formula
    "strings_to_urls": False,  # "http://…" from a ledger is text, not a hyperlink
    "strings_to_numbers": False,  # "0012" stays as written
}


def cell(value):
    """A text cell as a spreadsheet must not evaluate it: '=1+1' -> "'=1+1"; any other value
    (a number, a date, None) as it is."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def frame(table: pl.DataFrame) -> pl.DataFrame:
    """The frame with every text cell made inert (text and lists of text); numbers, dates and
    booleans untouched."""
    fixes = []
    for name, dtype in table.schema.items():
        if dtype == pl.String:
            fixes.append(_inert(pl.col(name)).alias(name))
        elif dtype == pl.List(pl.String):
            fixes.append(pl.col(name).list.eval(_inert(pl.element())).alias(name))
    return table.with_columns(fixes) if fixes else table


def _inert(column: pl.Expr) -> pl.Expr:
    starts = pl.lit(False)
    for trigger in TRIGGERS:
        starts = starts | column.str.starts_with(trigger)
    return pl.when(starts).then(pl.lit("'") + column).otherwise(column)


def csv_text(table: pl.DataFrame) -> str:
    """The frame as CSV text, every text cell inert (write it with a BOM for Excel)."""
    return frame(table).write_csv()


def workbook(target, **options):
    """An xlsxwriter Workbook (a path or a binary buffer) that writes text as text."""
    import xlsxwriter

    return xlsxwriter.Workbook(target, {**XLSX_OPTIONS, **options})
