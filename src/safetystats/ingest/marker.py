"""The hidden ``_safetystats`` sheet of the workbooks we hand out (DATA_SPEC 8.6, 8.7).

A template or a package carries it: one ``key | value`` row per fact (kind, dataset or
package id, unit, period or as-of date, version, the example row). A filled workbook put
anywhere in the raw folder is recognised by it, whatever its file or folder is called: its
dataset is never guessed. The sheet is hidden (not "very hidden"), so a clerk's Excel or WPS
keeps it when saving.
"""

from __future__ import annotations

import json

import polars as pl

SHEET = "_safetystats"
NOTES_SHEET = "填写说明"  # a template's instructions for the clerk (followup/template.py)
KINDS = ("template", "package")


def rows(facts: dict) -> list[tuple[str, str]]:
    """The marker's cells: values as text (lists and tables as JSON)."""
    return [
        (key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        for key, value in facts.items()
        if value is not None
    ]


def write(workbook, facts: dict):
    """Add the hidden marker sheet to an xlsxwriter workbook; ledger text stays text."""
    sheet = workbook.add_worksheet(SHEET)
    for r, (key, value) in enumerate(rows(facts)):
        sheet.write_string(r, 0, key)
        sheet.write_string(r, 1, value)
    sheet.hide()
    return sheet


def read(frame: pl.DataFrame) -> dict | None:
    """The facts of a marker sheet read as text (columns c0, c1); None when it is not ours."""
    if frame.width < 2:
        return None
    facts = {}
    for key, value in zip(
        frame[frame.columns[0]].to_list(), frame[frame.columns[1]].to_list(), strict=True
    ):
        if key:
            facts[str(key).strip()] = None if value is None else str(value)
    if facts.get("kind") not in KINDS:
        return None
    for key in ("example", "columns"):
        if facts.get(key):
            try:
                facts[key] = json.loads(facts[key])
            except ValueError:
                facts[key] = None
    return facts


def _same(cell, example) -> bool:
    if cell is None:
        return example in (None, "")
    text = str(cell).strip()
    return text == example or (text.endswith(".0") and text[:-2] == example)


# rows of a sheet searched for the example when it is not where it was written (a title row or
# a row inserted above it): it sits near the top, under the header
EXAMPLE_SEARCH_ROWS = 50


def _reads_as(cells, example) -> bool:
    """Whether a row's cells hold the example's values in their order, other cells between
    them allowed (a column the clerk inserted, 序号 in front)."""
    wanted = [value for value in example if value not in (None, "")]
    rest = iter(cells)
    return bool(wanted) and all(any(_same(c, value) for c in rest) for value in wanted)


def _example_row(table, facts: dict) -> int | None:
    """The frame row of the example: where it was written (``example_row``) when it still reads
    as written, else the first row near the top that does."""
    example = facts.get("example")
    if not example or not table.frame.height:
        return None
    written = int(facts.get("example_row") or 0) - table.first_row
    if 0 <= written < table.frame.height and _reads_as(table.frame.row(written), example):
        return written
    rows = table.frame.head(EXAMPLE_SEARCH_ROWS).iter_rows()
    return next((i for i, cells in enumerate(rows) if _reads_as(cells, example)), None)


def drop_example(table, facts: dict) -> str | None:
    """Blank the template's example row when it still reads as written, also when a row or a
    column was inserted before it; returns the note said about it. A row the clerk overwrote
    is data and stays."""
    row = _example_row(table, facts)
    if row is None:
        return None
    table.frame = (
        table.frame.with_row_index("_r")
        .with_columns(
            [
                pl.when(pl.col("_r") == row).then(None).otherwise(pl.col(c)).alias(c)
                for c in table.frame.columns
            ]
        )
        .drop("_r")
    )
    return (
        f"{table.label}: 第{row + table.first_row}行为模板示例，已跳过 / "
        f"row {row + table.first_row} is the template's example and was skipped"
    )


def outside_unit(preps, facts: dict, registry) -> list[str]:
    """A note per sheet of a unit's filled template whose rows name units outside it in 所属区市
    (another unit's ledger sent in this unit's template: its arrival is credited to the
    template's unit, DATA_SPEC 8.6). The rows are kept; validation places each by its own."""
    code = facts.get("unit_code")
    if code not in registry.by_code:
        return []
    inside = {code, *(d.code for d in registry.descendants(code))}
    notes = []
    for prep in preps:
        if "district" not in prep.staged.columns:
            continue
        named = prep.staged["district"].drop_nulls().unique().sort().to_list()
        outside = [n for n in named if (d := registry.resolve(n)) and d.code not in inside]
        if outside:
            rows = prep.staged.filter(pl.col("district").is_in(outside)).height
            notes.append(
                f"{prep.table.label}: {rows} 行的所属区市不属于{facts.get('unit')}（"
                f"{'、'.join(outside)}）/ {rows} rows name units outside {facts.get('unit')}: "
                f"{', '.join(outside)}"
            )
    return notes
