"""The follow-up packages (DATA_SPEC 8.6): one workbook per unit, its lists with the keys,
locked given columns and validated fill-in columns, the hidden marker, ledger text inert."""

import datetime as dt

import openpyxl
import pytest
from conftest import write_rows

from safetystats.followup.packages import make_packages
from safetystats.followup.reporting import due_date
from safetystats.ingest import ingest
from safetystats.ingest.marker import SHEET
from safetystats.pipeline import refresh

PAYLOADS = [
    '=HYPERLINK("http://x","点我")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "http://example.com/a",
]
REGISTER = [
    ["统一社会信用代码", "企业名称", "所属区市", "行业领域"],
    ["91371000MA3C000001", "文登示例化工有限公司", "文登区", "危险化学品"],
    ["91371000MA3C000002", "环翠示例商贸有限公司", "环翠区", "其他"],
]


@pytest.fixture
def store(settings):
    write_rows(settings.raw / "enterprises" / "名录.csv", REGISTER)
    rows = [
        [
            "隐患编号",
            "统一社会信用代码",
            "隐患等级",
            "隐患描述",
            "发现日期",
            "整改期限",
            "整改责任人",
        ]
    ]
    for i, text in enumerate(PAYLOADS):  # open major hazards of 文登区, overdue at 2024-06-30
        rows.append([f"WD-{i}", "91371000MA3C000001", "重大", text, "2024-01-10", "2024-03-31", ""])
    rows.append(
        ["HC-1", "91371000MA3C000002", "一般", "环翠的隐患", "2024-02-01", "2024-12-31", "张三"]
    )
    rows.append(["WD-BAD", "91371000MA3C000001", "重大", "日期写错", "2024-13-01", "", ""])
    write_rows(settings.raw / "hazards" / "隐患.csv", rows)
    ingest(None, settings)
    refresh(settings)
    return settings


def test_each_unit_gets_its_own_lists_locked_and_marked(store):
    written = make_packages(store, dt.date(2024, 6, 30))
    names = sorted(p.name for p in written)
    assert "督办清单_文登区_2024-06-30.xlsx" in names and "督办清单_环翠区_2024-06-30.xlsx" in names
    book = openpyxl.load_workbook(next(p for p in written if "文登区" in p.name))
    assert book[SHEET].sheet_state == "hidden"
    facts = {r[0].value: r[1].value for r in book[SHEET].iter_rows()}
    assert (
        facts["kind"] == "package" and facts["unit"] == "文登区" and facts["as_of"] == "2024-06-30"
    )
    overdue = book["超期未整改隐患"]
    keys = [overdue.cell(r, 1).value for r in range(2, overdue.max_row + 1)]
    assert sorted(keys) == sorted(f"WD-{i}" for i in range(len(PAYLOADS)))  # not 环翠's HC-1
    assert overdue.protection.sheet and not overdue.protection.password  # locked, no password
    headers = [c.value for c in overdue[1]]
    fill = headers.index("整改完成日期") + 1
    for row in range(2, overdue.max_row + 1):  # each listed row's cells to fill, and no other
        for col in range(fill, fill + 3):
            cell = overdue.cell(row, col)
            assert cell.protection.locked is False and cell.fill.fgColor.rgb == "FFFFFBEA"
        assert overdue.cell(row, 1).protection.locked is not False  # but not over the key
    assert overdue.cell(overdue.max_row + 1, fill).protection.locked is not False
    rules = {str(v.sqref): v.type for v in overdue.data_validations.dataValidation}
    letter = openpyxl.utils.get_column_letter(fill)
    assert any(ref.startswith(letter) and kind == "date" for ref, kind in rules.items())
    five = book["五落实缺项"]
    assert five.max_row - 1 == len(PAYLOADS)  # every open major hazard lacks its items
    assert "整改责任人" in five.cell(2, 3).value
    quarantine = book["需更正的记录"]
    assert quarantine.max_row == 2 and quarantine.cell(2, 6).value == "2024-13-01"


def test_ledger_text_stays_text_in_a_package(store):
    written = make_packages(store, dt.date(2024, 6, 30), districts=["文登区"])
    book = openpyxl.load_workbook(written[0])
    sheet = book["超期未整改隐患"]
    column = [c.value for c in sheet[1]].index("隐患描述") + 1
    cells = [sheet.cell(r, column) for r in range(2, sheet.max_row + 1)]
    assert sorted(c.value for c in cells) == sorted(PAYLOADS)
    assert all(c.data_type == "s" and c.hyperlink is None for c in cells)


def test_an_empty_list_has_no_row_to_fill(store):
    """Before any drill target is in force the list of enterprises short of drills is empty
    (a frame without columns): its sheet held one shaded, unlocked row of blank cells."""
    written = make_packages(store, dt.date(2023, 12, 31), districts=["文登区"])
    book = openpyxl.load_workbook(written[0])
    short = book["未达频次企业"]
    assert short.max_row == 1 and short.cell(1, 1).value  # the header, and no row under it
    assert all(c.value is None and c.fill.fgColor.rgb != "FFFFFBEA" for c in short[2])
    readme = " ".join(str(c.value) for row in book.worksheets[0].iter_rows() for c in row)
    assert "未达频次企业：0 条" in readme


def test_the_due_date_is_in_the_month_after_the_as_of():
    assert due_date("2024-06", 28) == dt.date(2024, 7, 28)
    assert due_date("2024-12", 28) == dt.date(2025, 1, 28)
    assert due_date("2024-01", 31) == dt.date(2024, 2, 29)  # a shorter month: its last day


TWO_LEVELS = [
    ["code", "name", "aliases", "parent"],
    ["371000", "威海市", "", ""],
    ["371002", "环翠区", "环翠", "371000"],
    ["371003", "文登区", "文登", "371000"],
    ["370400", "枣庄市", "", ""],
    ["370402", "市中区", "", "370400"],
    ["370800", "济宁市", "", ""],
    ["370811", "市中区", "", "370800"],
]


def _contents(path) -> dict:
    """Every sheet's cells but the marker's (its package id and time differ run to run)."""
    book = openpyxl.load_workbook(path)
    return {
        s.title: [[c.value for c in row] for row in s.iter_rows()]
        for s in book.worksheets
        if s.title != SHEET
    }


def test_every_level_lists_a_record_in_each_unit_above_it(store, tmp_path):
    from safetystats.config import load_settings

    units = write_rows(tmp_path / "units.csv", TWO_LEVELS)
    s = load_settings(raw=store.raw, db=store.db, reports=tmp_path / "out", districts=units)
    refresh(s)  # the registry changed: validated again
    alone = make_packages(s, dt.date(2024, 6, 30), level="all")
    names = sorted(p.name.removesuffix("_2024-06-30.xlsx") for p in alone)
    assert len(alone) == 7 and names == sorted(
        [
            "督办清单_威海市",
            "督办清单_环翠区",
            "督办清单_文登区",
            "督办清单_枣庄市",
            "督办清单_济宁市",
            "督办清单_市中区-370402",
            "督办清单_市中区-370811",
        ]
    )  # fmt: skip  (the two 市中区 no longer write one file)
    seen = {p.name.split("_")[1]: _contents(p) for p in alone}
    overdue = {unit: sorted(r[0] for r in c["超期未整改隐患"][1:]) for unit, c in seen.items()}
    wd = sorted(f"WD-{i}" for i in range(len(PAYLOADS)))
    assert overdue["文登区"] == wd and overdue["威海市"] == wd  # the city lists its county's rows
    assert overdue["环翠区"] == [] and overdue["枣庄市"] == []


def test_given_columns_are_as_wide_as_what_they_show(store):
    """A key or an enterprise's name is read whole on screen and on paper (the columns were
    14 characters wide: 企业 cut a name in half and a long hazard number ran into the next)."""
    written = make_packages(store, dt.date(2024, 6, 30), districts=["文登区"])
    sheet = openpyxl.load_workbook(written[0])["未整改重大隐患"]
    headers = [c.value for c in sheet[1]]
    for name in ("隐患编号", "企业", "隐患描述"):
        letter = openpyxl.utils.get_column_letter(headers.index(name) + 1)
        shown = [sheet[f"{letter}{r}"].value or "" for r in range(1, sheet.max_row + 1)]
        widest = max(sum(2 if ord(c) > 0x2E80 else 1 for c in str(v)) for v in shown)
        assert sheet.column_dimensions[letter].width >= min(widest, 40), (name, widest)
    readme = openpyxl.load_workbook(written[0])["说明"]
    longest = max(
        sum(2 if ord(c) > 0x2E80 else 1 for c in str(r[0].value or "")) for r in readme.iter_rows()
    )
    assert readme.column_dimensions["A"].width >= longest


def test_a_package_shows_each_value_as_its_text():
    """The lists' columns made text at once (as_text) show what each value's own text shows:
    ISO dates, 是/否, whole numbers without a decimal point; a blank is no cell either way."""
    import polars as pl

    from safetystats.followup.packages import _text, as_text

    frame = pl.DataFrame(
        {
            "flag": [True, False, None],
            "day": [dt.date(2024, 1, 5), None, dt.date(1999, 12, 31)],
            "count": [1, None, -3],
            "funds": [1.0, 2.5, None],
            "text": ["隐患", None, ""],
        }
    )
    shown = [[v or "" for v in row] for row in as_text(frame).rows()]
    assert shown == [[_text(v) for v in row] for row in frame.rows()]
    assert shown[0] == ["是", "2024-01-05", "1", "1", "隐患"]
