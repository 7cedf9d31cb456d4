"""What we write is inert (DATA_SPEC 5.1): ledger text that looks like a formula or a link
stays text in quarantine.csv, every `--format csv` and the exported workbook, read back with
the csv module and openpyxl; the store keeps the value as read."""

import csv
import datetime as dt
import io

import openpyxl
import polars as pl
import pytest
from conftest import query, write_rows
from ledgers import write_clean

from safetystats import inert
from safetystats.ingest import ingest
from safetystats.pipeline import refresh
from safetystats.report.workbook import export

PAYLOADS = [
    '=HYPERLINK("http://evil.example/x","点我")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
]
URL = "http://evil.example/login"


def test_a_text_cell_starting_like_a_formula_gets_an_apostrophe_and_numbers_stay_numbers():
    frame = pl.DataFrame(
        {
            "text": [*PAYLOADS, URL, "一般", None],
            "number": [-2, 3, -1, 4, 5, 6, 7, 8, 9],
            "share": [-0.5, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],
            "ids": [["=A1", "H1"], [], None, ["-1"], ["x"], ["y"], ["z"], ["w"], ["v"]],
        }
    )
    rows = list(csv.reader(io.StringIO(inert.csv_text(frame.drop("ids")))))
    assert rows[0] == ["text", "number", "share"]
    assert [r[0] for r in rows[1:7]] == ["'" + p for p in PAYLOADS]
    assert [r[0] for r in rows[7:]] == [URL, "一般", ""]  # nothing else changes
    assert rows[1][1:] == ["-2", "-0.5"]  # a negative number is a number, not neutralised
    assert inert.frame(frame)["ids"].to_list()[:2] == [["'=A1", "H1"], []]
    assert inert.cell("-") == "'-" and inert.cell("") == "" and inert.cell(None) is None


def _payload_hazards(raw):
    header = [
        "隐患编号",
        "统一社会信用代码",
        "所属区市",
        "隐患等级",
        "发现日期",
        "整改期限",
        "隐患描述",
    ]
    rows = [
        [f"P{i}", "E1", "环翠区", "重大", "2024-06-01", "2024-08-01", text]
        for i, text in enumerate([*PAYLOADS[:4], URL], start=1)
    ]
    rows.append(["P6", "E1", "环翠区", "=1+1", "2024-06-01", "", ""])  # invalid level
    rows.append(["P7", "E1", "环翠区", "一般", "@SUM(A1)", "", ""])  # invalid date
    write_rows(raw / "hazards" / "payloads.csv", [header, *rows])


@pytest.mark.slow  # Great Expectations validation over a real store
def test_payloads_stay_text_in_quarantine_csv_and_the_workbook(settings, tmp_path):
    write_clean(settings.raw)
    _payload_hazards(settings.raw)
    ingest(None, settings)
    refresh(settings, force=True)
    # the store keeps the values as read
    stored = dict(query(settings, "SELECT record_key, raw_value FROM quarantine"))
    assert stored["P6"] == "=1+1" and stored["P7"] == "@SUM(A1)"
    # quarantine.csv: the same cells with an apostrophe in front
    text = (settings.reports / "quarantine.csv").read_text(encoding="utf-8-sig")
    by_key = {r["编号(key)"]: r for r in csv.DictReader(io.StringIO(text))}
    assert by_key["P6"]["原始值(value)"] == "'=1+1"
    assert by_key["P7"]["原始值(value)"] == "'@SUM(A1)"
    assert by_key["P6"]["行号(row)"] == "7"  # a number stays a number

    path, _ = export(settings, dt.date(2024, 12, 31), tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(path)
    found, formulas, links = set(), [], []
    for sheet in book.worksheets:
        links += [c.coordinate for row in sheet.iter_rows() for c in row if c.hyperlink]
        for row in sheet.iter_rows():
            for c in row:
                if c.data_type == "f":
                    formulas.append(f"{sheet.title}!{c.coordinate}: {c.value}")
                if isinstance(c.value, str):
                    found.add(c.value)
    assert formulas == [] and links == []
    # every payload is there, as the string the ledger holds (not neutralised: a string cell)
    assert {*PAYLOADS[:4], URL, "=1+1", "@SUM(A1)"} <= found
