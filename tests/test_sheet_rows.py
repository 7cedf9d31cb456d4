"""The workbook's lists (DATA_SPEC 8.3) made by sheet_rows: the same cells, formats, widths and
row heights as xlsxwriter writes them cell by cell, read back by calamine (what ingest reads
with) and openpyxl; a list longer than a sheet goes on over the next sheets, nothing lost."""

import datetime as dt
import io
import shutil
import subprocess

import openpyxl
import polars as pl
import pytest
from conftest import reading
from python_calamine import CalamineWorkbook

from safetystats.paths import PACKAGED_CONFIG
from safetystats.report import sheet_rows, workbook

HEADERS = {"unit": "单位", "note": "说明", "found": "发现日期", "count": "数量", "share": "比例"}


def _tricky() -> pl.DataFrame:
    """A list with what ledgers bring: markup and ampersands, a control character, a text that
    looks like Excel's own escape, spaces kept at the ends, long text that wraps over lines,
    blanks and empty text, dates, whole and fractional numbers."""
    return pl.DataFrame(
        {
            "unit": ["环翠区", "高区 & <经区>", "  文登区", "a\x01b", "_x0041_", None, ""],
            "note": [
                "短",
                "很长的整改说明" * 12,
                "一行\n二行\n三行",
                None,
                "=1+1",
                "http://x.cn",
                "x" * 40_000,  # more than a cell holds (32,767): cut there, as xlsxwriter does
            ],
            "found": [dt.date(2024, 3, 20), None, dt.date(2000, 1, 1), dt.date(2026, 12, 6)]
            + [dt.date(1900, 1, 15), dt.date(1900, 3, 1), dt.date(2024, 2, 29)],
            "count": [1, None, 3, 0, 123456789012, 7, -2],
            "share": [0.5, 1e-7, None, 1.0, 2.25, 0.0, 0.125],
        }
    )


def _cell_by_cell(frames, monkeypatch) -> bytes:
    """The workbook as xlsxwriter writes every cell itself (the way the grid is written)."""
    with monkeypatch.context() as m:
        m.setattr(sheet_rows, "plain", lambda frame: False)
        return workbook.render(frames, HEADERS)


def _values(book: bytes) -> dict[str, list]:
    read = CalamineWorkbook.from_filelike(io.BytesIO(book))
    return {name: read.get_sheet_by_name(name).to_python() for name in read.sheet_names}


def _looks(book: bytes) -> dict[str, dict]:
    """Per sheet: each cell's value, type, number format and alignment; the row heights; each
    column's width; the print area, filter and frozen panes."""
    read = openpyxl.load_workbook(io.BytesIO(book))
    out = {}
    for sheet in read.worksheets:
        widths = {}
        for dim in sheet.column_dimensions.values():
            for j in range(dim.min, dim.max + 1):
                widths[j] = dim.width
        out[sheet.title] = {
            "cells": [
                (c.value, c.data_type, c.number_format, c.alignment.wrap_text, c.alignment.vertical)
                for row in sheet.iter_rows()
                for c in row
            ],
            "heights": {i: d.height for i, d in sheet.row_dimensions.items() if d.height},
            "widths": widths,
            "setup": (sheet.print_area, sheet.auto_filter.ref, sheet.freeze_panes),
        }
    return out


def test_a_list_is_written_as_xlsxwriter_writes_it_cell_by_cell(monkeypatch):
    frames = {"清单": _tricky()}
    fast, slow = workbook.render(frames, HEADERS), _cell_by_cell(frames, monkeypatch)
    assert _values(fast) == _values(slow)
    looks, expected = _looks(fast), _looks(slow)
    # openpyxl leaves Excel's escape of a literal "_x0041_" in an inline string as written
    # (Excel, LibreOffice and calamine read it back as "_x0041_": the LibreOffice test below)
    escaped = [c for c in looks["清单"]["cells"] if c[0] == "_x005F_x0041_"]
    assert len(escaped) == 1
    looks["清单"]["cells"] = [
        ("_x0041_", *c[1:]) if c[0] == "_x005F_x0041_" else c for c in looks["清单"]["cells"]
    ]
    assert looks == expected
    sheet = expected["清单"]
    # 84 Chinese characters, 168 columns, in a column 40 wide (39 across): 5 lines
    assert sheet["heights"][3] == 5 * workbook.LINE_HEIGHT
    assert sheet["heights"][4] == 3 * workbook.LINE_HEIGHT  # three lines
    assert sheet["heights"][8] == sheet_rows.ROW_POINTS  # 840 lines: as high as Excel allows
    dates = [c for c in sheet["cells"] if isinstance(c[0], dt.datetime)]
    assert {c[2] for c in dates} == {"yyyy-mm-dd"} and len(dates) == 6


def test_rows_made_in_chunks_are_the_rows_made_at_once(monkeypatch):
    frames = {"清单": _tricky()}
    whole = workbook.render(frames, HEADERS)
    monkeypatch.setattr(sheet_rows, "CHUNK_ROWS", 2)
    assert _values(workbook.render(frames, HEADERS)) == _values(whole)
    assert _looks(workbook.render(frames, HEADERS)) == _looks(whole)


def test_ledger_text_stays_text_never_a_formula_or_a_link():
    book = openpyxl.load_workbook(io.BytesIO(workbook.render({"清单": _tricky()}, HEADERS)))
    notes = {c.value: c for c in book["清单"]["B"]}
    assert notes["=1+1"].data_type == "s" and notes["http://x.cn"].hyperlink is None


def test_a_list_longer_than_a_sheet_goes_on_over_the_next_sheets(monkeypatch):
    """Excel holds 1,048,576 rows a sheet: beyond, xlsxwriter drops rows without a word."""
    monkeypatch.setattr(workbook, "SHEET_ROWS", 3)
    name = "未达标企业-企业疏散逃生演练覆盖率（危险化学品企业专项整治）"  # 30 characters
    frames = {"目标": pl.DataFrame({"unit": ["甲"]}), name: _tricky().head(7)}
    values = _values(workbook.render(frames, HEADERS))
    assert len(name) == 30  # a sheet name holds 31: " (2)" and "…" take the last four characters
    assert list(values) == ["目标", name, f"{name[:26]}… (2)", f"{name[:26]}… (3)"]
    assert all(len(n) <= 31 for n in values)
    parts = list(values.values())[1:]
    assert [len(rows) for rows in parts] == [4, 4, 2]  # the header on each, 3 + 3 + 1 rows
    assert all(rows[0][:2] == ["单位", "说明"] for rows in parts)
    units = [row[0] for rows in parts for row in rows[1:]]
    assert units == ["环翠区", "高区 & <经区>", "  文登区", "a\x01b", "_x0041_", "", ""]


@pytest.mark.slow
def test_libreoffice_reads_the_lists_cells_as_written(tmp_path, monkeypatch):
    """What a clerk's office suite shows: LibreOffice saves both workbooks as CSV, the same."""
    if shutil.which("soffice") is None:
        pytest.fail("LibreOffice (soffice) is not installed: make browser")
    frames = {"清单": _tricky()}
    (tmp_path / "fast.xlsx").write_bytes(workbook.render(frames, HEADERS))
    (tmp_path / "slow.xlsx").write_bytes(_cell_by_cell(frames, monkeypatch))
    csv = "csv:Text - txt - csv (StarCalc):44,34,76,1"
    for name in ("fast", "slow"):
        done = subprocess.run(
            ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
             "--convert-to", csv, "--outdir", str(tmp_path / "csv"), str(tmp_path / f"{name}.xlsx")],
            capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    fast = (tmp_path / "csv" / "fast.csv").read_text(encoding="utf-8")
    assert fast == (tmp_path / "csv" / "slow.csv").read_text(encoding="utf-8")
    assert "_x0041_" in fast and "a\x01b" in fast and "  文登区" in fast
    assert "x" * 32_767 + '"' in fast and "x" * 32_768 not in fast


def test_text_is_cut_where_excel_counts_a_cell_full(monkeypatch):
    """Excel holds 32,767 UTF-16 units a cell, and a character above U+FFFF (𠮷, emoji) takes
    two: a text of them was cut at 32,767 characters, twice what a cell holds. Cut as xlsxwriter
    cuts it, never between a character's halves; shorter text is kept whole."""
    texts = ["𠮷" * 20_000, "x" + "𠮷" * 16_384, "𠮷" * 16_383, "x" * 40_000, "短", None]
    frames = {"清单": pl.DataFrame({"note": texts})}
    fast = _values(workbook.render(frames, HEADERS))
    assert fast == _values(_cell_by_cell(frames, monkeypatch))
    cells = [row[0] for row in fast["清单"][1:]]
    assert [len(c.encode("utf-16-le")) // 2 for c in cells[:4]] == [32_766, 32_767, 32_766, 32_767]
    assert cells[0] == "𠮷" * 16_383 and cells[1] == "x" + "𠮷" * 16_383
    assert cells[2] == texts[2] and cells[3] == "x" * 32_767 and cells[4] == "短"


def test_a_long_sheet_name_is_cut_after_a_whole_word(monkeypatch):
    """English targets' to-do sheets were cut mid-word at Excel's 31 characters ("Short-
    Enterprises with the requ"): a name with spaces ends after its last whole word, a Chinese
    name after its last character that fits, each with "…"; a name that fits is kept whole."""
    fit = workbook.fit_name
    assert (
        fit("Short-Enterprises with the required evacuation drills")
        == "Short-Enterprises with the…"
    )
    assert fit("Short-Unannounced (four-no) drill share") == "Short-Unannounced (four-no)…"
    assert fit("Short-Major hazards with all five in place") == "Short-Major hazards with all…"
    assert fit("Short-Enterprises with the required drills", 29) == "Short-Enterprises with the…"
    assert fit("x" * 40) == "x" * 30 + "…"
    chinese = "未达标企业-" + "专项应急预案演练覆盖率" * 3
    assert fit(chinese) == chinese[:30] + "…"
    assert fit("Short-Video monitoring coverage") == "Short-Video monitoring coverage"  # 31: fits
    assert all(len(fit(n)) <= 31 for n in ("a " * 40, chinese, "Short-" + "word " * 10))
    monkeypatch.setattr(workbook, "SHEET_ROWS", 2)  # a list over three sheets
    frames = {"Short-Enterprises short drills": pl.DataFrame({"a": range(5)})}  # 30 characters
    sheets = [(name, frame.height) for name, frame in workbook.within_sheets(frames)]
    assert sheets == [
        ("Short-Enterprises short drills", 2),
        ("Short-Enterprises short… (2)", 2),
        ("Short-Enterprises short… (3)", 1),
    ]


def test_zip64_headers_only_for_a_sheet_that_may_need_them(monkeypatch):
    """xlsxwriter writes no ZIP64 headers, and Excel is strict about ones a file does not need:
    a list's sheet gets them only when its XML may pass zipfile's limit (here set at 0 bytes)."""
    import zipfile

    frames = {"清单": _tricky()}
    plain = workbook.render(frames, HEADERS)
    versions = {
        i.filename: i.extract_version for i in zipfile.ZipFile(io.BytesIO(plain)).infolist()
    }
    assert max(versions.values()) < 45  # 4.5: ZIP64
    monkeypatch.setattr(sheet_rows, "ZIP64_FROM", 0)
    large = workbook.render(frames, HEADERS)
    infos = zipfile.ZipFile(io.BytesIO(large)).infolist()
    assert {i.filename for i in infos if i.extract_version >= 45} == {"xl/worksheets/sheet1.xml"}
    assert _values(large) == _values(plain)


def test_a_time_with_a_zone_is_shown_on_its_own_day(monkeypatch):
    """1 a.m. in Beijing is the day before in UTC: the cell shows Beijing's day, as xlsxwriter's
    own writing does."""
    when = dt.datetime(2024, 3, 1, 1, 0)
    frame = pl.DataFrame({"found": [when]}).with_columns(
        pl.col("found").dt.replace_time_zone("Asia/Shanghai")
    )
    fast = _values(workbook.render({"清单": frame}, HEADERS))
    assert fast == _values(_cell_by_cell({"清单": frame}, monkeypatch))
    assert fast["清单"][1] == [dt.date(2024, 3, 1)]


def test_a_target_named_with_what_excel_refuses_in_a_sheet_name_gets_its_sheet():
    """An office's own target "（年度/半年）": Excel refuses / \\ : * ? [ ] in a sheet name and
    export ended in xlsxwriter's traceback. They become their full-width forms."""
    taken = {}
    name = workbook.sheet_name("未达标企业-疏散演练（年度/半年）", taken)
    assert name == "未达标企业-疏散演练（年度／半年）"
    odd = workbook.sheet_name("'Short-Drills: a/b [x]? *\\'", {name: 1})
    assert odd == "Short-Drills： a／b ［x］？ ＊＼"
    frame = pl.DataFrame({"unit": ["环翠区"]})
    values = _values(workbook.render({name: frame, odd: frame}, HEADERS))
    assert list(values) == [name, odd] and values[name][1] == ["环翠区"]


def test_two_lists_whose_names_start_alike_keep_a_sheet_each():
    """Two event_frequency targets named alike for their first 31 characters (the sheets of
    enterprises short of each): the second list was written over the first."""
    long = "Short-Enterprises with the required drills of "
    taken = {}
    for kind in ("hazardous chemicals", "mines", "fireworks"):
        taken[workbook.sheet_name(long + kind, taken)] = kind
    cut = "Short-Enterprises with the…"  # whole words within 31 characters, and "…" for the rest
    assert list(taken) == [cut, cut + "~2", cut + "~3"]
    other_case = "SHORT-enterprises with the required"  # the same sheet name to Excel
    assert workbook.sheet_name(other_case, taken) == "SHORT-enterprises with the…~4"
    assert (
        workbook.sheet_name("未达标企业-专项应急预案演练覆盖率", taken)
        == "未达标企业-专项应急预案演练覆盖率"
    )


ALIKE = """
[[targets]]
id = "special_drills_{n}"
metric = "event_frequency"
name_zh = "专项应急预案演练覆盖率（{n}）"
name_en = "Enterprises with the required special drills ({n})"
threshold = "1.00"
window_start = 2024-01-01
deadline = 2024-12-31
dataset = "drills"
types = ["专项应急预案"]
per = "{per}"
"""


@pytest.mark.slow
def test_the_workbook_keeps_the_list_of_every_frequency_target(sample_store, tmp_path):
    """In English the lists of the default evacuation target and of two more event_frequency
    targets all start "Short-Enterprises with the requ" (31 characters): one sheet each, not
    one list written over the others."""
    text = (PACKAGED_CONFIG / "targets.toml").read_text(encoding="utf-8")
    extra = ALIKE.format(n="hazchem", per="half_year") + ALIKE.format(n="others", per="year")
    (tmp_path / "targets.toml").write_text(text + extra, encoding="utf-8")
    s = reading(sample_store, tmp_path / "reports", targets=tmp_path / "targets.toml")
    _, frames = workbook.sheets(s, dt.date(2024, 12, 31), "en")
    short = [name for name in frames if name.startswith("Short-Enterprises")]
    assert len(short) == 3 and len({name.casefold() for name in short}) == 3, short
    assert len({frames[name].height for name in short}) == 3  # three different lists
