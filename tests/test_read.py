"""Reading every file format offices and web systems send (DATA_SPEC 3): workbooks, what web
systems serve as .xls (HTML tables, Excel 2003 XML, CSV text), CSV variants, and clear errors
for what cannot be read. Fixtures: tests/fixtures/formats (make_formats.py regenerates them)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from safetystats.ingest.read import (
    CSV_SUFFIXES,
    EXCEL_SUFFIXES,
    HEADER_SCAN_ROWS,
    SUPPORTED,
    UNSUPPORTED_SUFFIXES,
    RawTable,
    ReadError,
    ole_stream_names,
    read_file,
    read_tables,
    sniff,
)

FORMATS = Path(__file__).parent / "fixtures" / "formats"
RAW_LIBRARY_WORDS = ("Cfb error", "calamine", "CalamineError", "Zip error", "Traceback", "EOCD")


def fixture(name: str, tmp_path: Path | None = None) -> Path:
    path = FORMATS / name
    assert path.is_file(), f"run tests/fixtures/formats/make_formats.py ({name} missing)"
    if tmp_path is None:
        return path
    copy = tmp_path / name
    shutil.copy(path, copy)
    return copy


def rows(table: RawTable) -> list[tuple]:
    return table.frame.rows()


@pytest.fixture(autouse=True)
def notes_are_one_line_naming_the_file(monkeypatch):
    """Every note of every read in this module: one line that names the file."""
    from safetystats.ingest import read as module

    real = module.read_file

    def checked(path):
        tables, notes = real(path)
        for note in notes:
            assert "\n" not in note and note.startswith(f"{path}: ") and " / " in note
        return tables, notes

    monkeypatch.setattr(module, "read_file", checked)
    monkeypatch.setitem(globals(), "read_file", checked)


def read_error(path: Path) -> str:
    with pytest.raises(ReadError) as info:
        read_file(path)
    message = str(info.value)
    assert path.name in message
    assert "\n" not in message
    for word in RAW_LIBRARY_WORDS:
        assert word not in message
    return message


def hidden(path: Path, name: str, very: bool = False) -> str:
    if very:
        return f'{path}: 深度隐藏工作表 "{name}" 已跳过 / very hidden sheet "{name}" skipped'
    return f'{path}: 隐藏工作表 "{name}" 已跳过 / hidden sheet "{name}" skipped'


def test_public_names_keep_working():
    assert {".xlsx", ".xlsm", ".xls"} <= EXCEL_SUFFIXES
    assert {".csv", ".txt"} <= CSV_SUFFIXES
    assert SUPPORTED == EXCEL_SUFFIXES | CSV_SUFFIXES
    assert {".xlsb", ".et", ".ett"} <= UNSUPPORTED_SUFFIXES
    assert not UNSUPPORTED_SUFFIXES & SUPPORTED
    assert HEADER_SCAN_ROWS == 15


# ------------------------------------------------------------------------------- workbooks


def test_xlsx_visible_sheets_numbers_and_dates_as_text_hidden_sheets_noted():
    path = fixture("basic.xlsx")
    tables, notes = read_file(path)
    assert [t.sheet for t in tables] == ["台账", "汇总"]
    assert notes == [hidden(path, "Sheet3"), hidden(path, "秘密", very=True)]
    ledger = tables[0]
    assert ledger.frame.columns == ["c0", "c1", "c2", "c3", "c4"]
    assert ledger.first_row == 1 and ledger.label == "basic.xlsx[台账]"
    assert rows(ledger) == [
        ("某某区隐患排查台账（2024年）", None, None, None, None),
        ("隐患编号", "信用代码", "发现日期", "金额", "描述"),
        # a credit code typed as a number is already damaged by Excel: its integer text
        ("1001", "913702020000000000", "2024-03-20 00:00:00", "12.5", "消防通道堵塞"),
        ("1002", "913702020000000011", "2024-03-21 14:30:00", "3", None),
    ]
    assert rows(tables[1]) == [("合计", "2")]
    assert [t.sheet for t in read_tables(path)] == ["台账", "汇总"]


def test_xlsm_reads_like_xlsx():
    path = fixture("macro.xlsm")
    tables, notes = read_file(path)
    assert [t.sheet for t in tables] == ["台账", "汇总"]
    assert rows(tables[0])[2][:3] == ("1001", "913702020000000000", "2024-03-20 00:00:00")
    assert notes == [hidden(path, "Sheet3"), hidden(path, "秘密", very=True)]


def test_real_biff_xls_with_a_hidden_sheet():
    path = fixture("legacy.xls")
    assert sniff(path) == "xls"
    tables, notes = read_file(path)
    assert [t.sheet for t in tables] == ["台账"]
    assert rows(tables[0]) == [
        ("隐患编号", "发现日期", "企业名称", "金额"),
        ("1001", "2024-03-20 00:00:00", "青岛某某化工有限公司", "12.5"),
    ]
    assert notes == [hidden(path, "Sheet3")]


def test_ods_with_a_hidden_sheet():
    path = fixture("data.ods")
    tables, notes = read_file(path)
    assert [t.sheet for t in tables] == ["台账"]
    assert rows(tables[0]) == [("隐患编号", "发现日期"), ("1001", "2024-03-20")]
    assert notes == [hidden(path, "Sheet2")]


@pytest.mark.parametrize(
    ("name", "kind_zh", "kind_en", "sheets"),
    [
        ("xlsx_named.xls", "Excel 工作簿（.xlsx）", "an Excel workbook (.xlsx)", ["台账", "汇总"]),
        ("xls_named.xlsx", "Excel 97-2003 工作簿（.xls）", "an Excel 97-2003 workbook", ["台账"]),
    ],
)
def test_workbook_with_the_other_suffix_is_read_by_content(name, kind_zh, kind_en, sheets):
    path = fixture(name)
    tables, notes = read_file(path)
    assert [t.sheet for t in tables] == sheets
    assert rows(tables[0])[-1][0] in ("1001", "1002")
    suffix = path.suffix
    assert notes[0].startswith(f"{path}: 扩展名为 {suffix}，实际是{kind_zh}")
    assert f"named {suffix} but is {kind_en}" in notes[0]
    assert hidden(path, "Sheet3") in notes


# ------------------------------------------------------------------------------- web systems


def test_html_table_named_xls_every_table_spans_repeated():
    path = fixture("web_html.xls")
    assert sniff(path) == "html"
    tables, notes = read_file(path)
    assert notes == [
        f"{path}: 扩展名为 .xls，实际是HTML 网页表格，已按实际格式读取 / "
        "named .xls but is an HTML table (web page); read as such"
    ]
    # the table in the <script> is not a table; the all-blank one is left out; the nested one
    # is a table of its own
    assert [t.sheet for t in tables] == ["table 1", "table 2", "table 3"]
    assert tables[0].encoding == "gb18030"
    assert rows(tables[0]) == [
        ("某某区隐患排查台账（2024年）", None, None, None, None),  # the <caption>
        ("序号", "企业名称", "整改责任单位", "整改责任单位", "发现日期"),
        ("序号", "企业名称", "建设", "施工", "发现日期"),
        ("1", "青岛 某某化工 有限公司", "甲公司", "乙公司", "2024-03-20"),
        ("2", "某某\n物流", "丙公司", "丙公司", "2024/3/21"),
        ("913702020000000011", "<未知> & 其他", None, None, "2024-03-22"),
        (None, None, None, None, None),  # Excel's hidden supportMisalignedColumns row
    ]
    assert rows(tables[1]) == [("填报人：", "张三"), ("审核人：", "李四")]
    assert rows(tables[2]) == [("内层",)]


def test_html_named_xlsx_is_read_as_html():
    path = fixture("html_named.xlsx")
    tables, notes = read_file(path)
    assert len(tables) == 1 and tables[0].sheet is None
    assert rows(tables[0]) == [("隐患编号", "企业名称"), ("H1", "甲")]
    assert "named .xlsx but is an HTML table" in notes[0]


def test_html_page_without_a_table_is_an_error(tmp_path):
    path = tmp_path / "page.xls"
    path.write_text("<html><body><p>会话已过期，请重新登录</p></body></html>", encoding="utf-8")
    message = read_error(path)
    assert "no table" in message and "没有含数据的表格" in message


def test_html_after_a_line_of_text_and_utf16_html(tmp_path):
    php = tmp_path / "notice.xls"
    php.write_text("Notice: undefined index<br>\n<table><tr><td>编号</td></tr></table>", "utf-8")
    assert rows(read_file(php)[0][0]) == [("编号",)]
    wide = tmp_path / "wide.xls"
    wide.write_bytes("<html><table><tr><td>编号</td><td>名称</td></tr></table>".encode("utf-16"))
    assert rows(read_file(wide)[0][0]) == [("编号", "名称")]


def test_spreadsheetml_named_xls_index_gaps_merges_types_hidden_sheet():
    path = fixture("web_xml.xls")
    assert sniff(path) == "spreadsheetml"
    tables, notes = read_file(path)
    assert notes == [
        f"{path}: 扩展名为 .xls，实际是Excel 2003 XML 表格，已按实际格式读取 / "
        "named .xls but is an Excel 2003 XML spreadsheet; read as such",
        hidden(path, "Sheet2"),
    ]
    assert [t.sheet for t in tables] == ["隐患台账", "说明"]
    title = "某某区隐患排查台账（2024年）"
    assert rows(tables[0]) == [
        (title,) * 6,  # MergeAcross repeats the text
        ("隐患编号", "企业名称", "整改责任单位", "整改责任单位", "发现日期", "金额"),
        # MergeDown repeats the text below; the row's cells without ss:Index skip the covered ones
        ("隐患编号", "企业名称", "建设", "施工", "发现日期", "金额"),
        ("1001", "青岛某某化工", None, "乙公司", "2024-03-20 00:00:00", "12.5"),
        (None,) * 6,  # row 5 is not in the file: ss:Index="6" on the next row
        ("913702020000000011", "1001", "1000", "true", "2024-03-21 14:30:00", "1001"),
    ]
    assert rows(tables[1]) == [(None, None), (None, "填报说明")]


def test_damaged_spreadsheetml_is_an_error(tmp_path):
    path = tmp_path / "broken.xls"
    text = (FORMATS / "web_xml.xls").read_text("utf-8")
    path.write_text(text[: len(text) // 2], "utf-8")
    message = read_error(path)
    assert "Excel 2003 XML" in message and "damaged" in message


def test_csv_named_xls_is_read_as_csv():
    path = fixture("really_csv.xls")
    tables, notes = read_file(path)
    assert rows(tables[0]) == [("隐患编号", "企业名称"), ("H1", "甲公司")]
    assert tables[0].encoding == "gb18030"
    assert notes == [
        f"{path}: 扩展名为 .xls，实际是CSV 文本，已按实际格式读取 / "
        "named .xls but is CSV text; read as such"
    ]


# ------------------------------------------------------------------------------- CSV


def test_csv_old_mac_line_endings_blank_line_kept():
    tables, notes = read_file(fixture("mac_cr.csv"))
    assert rows(tables[0]) == [
        ("隐患编号", "企业名称"),
        ("1001", "甲"),
        (None, None),
        ("1002", "乙"),
    ]
    assert notes == []


def test_csv_crlf_bom_quoted_newlines_and_quotes():
    table = read_tables(fixture("crlf_multiline.csv"))[0]
    assert table.encoding == "utf-8-sig" and table.sheet is None
    assert rows(table) == [
        ("隐患编号", "描述", "企业名称"),
        ("1001", '第一段\n\n第二段，含"引号"', "甲"),
        ("1002", None, "乙"),
    ]


def test_csv_title_rows_blank_lines_and_short_rows_keep_row_numbers():
    table = read_tables(fixture("titles_ragged.csv"))[0]
    assert table.first_row == 1 and table.encoding == "gb18030"
    assert rows(table) == [
        ("某某区隐患排查台账（2024年）", None, None, None),
        ("填报单位：某某区应急局", "导出人：张三", None, None),
        (None, None, None, None),
        ("隐患编号", "企业名称", "等级", "发现日期"),
        ("1001", "甲", "一般", "2024-03-20"),
        ("1002", "乙", None, None),
        (None, None, None, None),
        ("1003", "丙", "重大", "2024-03-22"),
    ]


def test_csv_row_wider_than_the_header_loses_nothing():
    table = read_tables(fixture("wide_row.csv"))[0]
    assert rows(table) == [
        ("隐患编号", "企业名称", None, None),
        ("1001", "甲", None, None),
        ("1002", "乙", "多出的列", "再多一列"),
        ("1003", "丙", None, None),
    ]


def test_csv_wide_row_far_below_the_head(tmp_path):
    path = tmp_path / "late.csv"
    lines = ["编号,名称"] + [f"{i},名{i}" for i in range(20_000)] + ["99999,末,多一列"]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    assert path.stat().st_size > 65536  # beyond the head that fixes the width
    table = read_tables(path)[0]
    assert table.frame.shape == (20_002, 3)
    assert rows(table)[1] == ("0", "名0", None)
    assert rows(table)[-1] == ("99999", "末", "多一列")


def test_csv_field_longer_than_the_csv_module_limit(tmp_path):
    path = tmp_path / "long.csv"
    long = "很长的描述" * 30_000  # 150,000 characters > 131,072
    path.write_text(f'编号,描述\n1,"{long}"\n2,短\n', "utf-8")
    table = read_tables(path)[0]
    assert rows(table) == [("编号", "描述"), ("1", long), ("2", "短")]
    title = tmp_path / "long_title.csv"  # the long field in the rows the head scan reads
    title.write_text(f"{long}\n编号,描述\n1,a\n", "utf-8")
    assert rows(read_tables(title)[0])[1:] == [("编号", "描述"), ("1", "a")]


@pytest.mark.parametrize(
    ("name", "expected", "note"),
    [
        (
            "semicolon.csv",
            [("隐患编号", "金额", "企业名称"), ("1001", "12,5", "甲,分公司"), ("1002", "3", "乙")],
            "按分号分隔读取 / read as semicolon-separated",
        ),
        (
            "tab.txt",
            [
                ("隐患编号", "描述", "企业名称"),
                ("1001", "通道堵塞,未整改", "甲"),
                ("1002", "灭火器过期", "乙"),
            ],
            "按制表符分隔读取 / read as tab-separated",
        ),
        (
            "tab.csv",
            [("隐患编号", "描述"), ("1001", "一,二,三"), ("1002", "四")],
            "按制表符分隔读取 / read as tab-separated",
        ),
    ],
)
def test_csv_delimiter_is_detected(name, expected, note):
    path = fixture(name)
    tables, notes = read_file(path)
    assert rows(tables[0]) == expected
    assert notes == [f"{path}: {note}"]


def test_csv_utf16_is_a_clear_error():
    path = fixture("utf16.csv")
    message = read_error(path)
    assert "UTF-16" in message and "CSV UTF-8" in message


def test_csv_neither_utf8_nor_gb18030(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(b"a,b\n\x81\x30\xff,2\n")
    message = read_error(path)
    assert "neither UTF-8 nor GB18030" in message


# ------------------------------------------------------------------------------- errors


def test_pdf_named_xlsx():
    message = read_error(fixture("report_pdf.xlsx"))
    assert "looks like a PDF document" in message and "PDF 文档" in message


def test_zip_that_is_not_a_workbook():
    message = read_error(fixture("archive.xlsx"))
    assert "looks like a ZIP archive, not a workbook" in message and "ZIP 压缩包" in message


def test_word_document_named_xlsx_and_xls():
    assert "looks like a Word document" in read_error(fixture("word_named.xlsx"))
    assert "looks like a Word 97-2003 document" in read_error(fixture("word97.xls"))


@pytest.mark.parametrize("name", ["encrypted.xlsx", "encrypted.xls"])
def test_password_protected_workbook(name):
    path = fixture(name)
    message = read_error(path)
    assert "受密码保护" in message and "protected by an opening password" in message


def test_encrypted_package_is_found_in_the_ole_directory():
    names = ole_stream_names((FORMATS / "encrypted.xlsx").read_bytes())
    assert {"Root Entry", "EncryptionInfo", "EncryptedPackage"} <= names
    assert "Workbook" in ole_stream_names((FORMATS / "legacy.xls").read_bytes())
    assert ole_stream_names(b"not an OLE file") is None


@pytest.mark.parametrize(("name", "suffix"), [("binary.xlsb", ".xlsb"), ("wps.et", ".et")])
def test_unsupported_spreadsheet_formats_say_save_as_xlsx(name, suffix):
    message = read_error(fixture(name))
    assert f"{suffix} files are not supported: save it as .xlsx from Excel/WPS" in message
    assert f"不支持 {suffix} 格式" in message


@pytest.mark.parametrize("name", ["empty.xlsx", "empty.csv"])
def test_empty_file(name):
    message = read_error(fixture(name))
    assert "the file is empty" in message and "文件为空" in message


def test_blank_csv_is_empty(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text(" \r\n\r\n", "utf-8")
    assert "the file is empty" in read_error(path)


def test_image_named_xlsx():
    assert "looks like a PNG image" in read_error(fixture("photo.xlsx"))


def test_unknown_binary_named_xls():
    assert "looks like binary data of an unknown kind" in read_error(fixture("unknown.xls"))


def test_plain_text_named_xlsx():
    message = read_error(fixture("text_named.xlsx"))
    assert "plain text, not a workbook" in message and "rename it to .csv" in message


def test_damaged_xlsx(tmp_path):
    data = (FORMATS / "basic.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    message = read_error(path)
    assert "damaged" in message and "已损坏" in message


def test_damaged_zip_member_of_a_workbook(tmp_path):
    data = bytearray((FORMATS / "basic.xlsx").read_bytes())
    start = data.find(b"xl/worksheets/sheet1.xml")
    data[start + 200 : start + 400] = bytes(200)  # garble the compressed sheet
    path = tmp_path / "garbled.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(ReadError) as info:
        read_file(path)
    message = str(info.value)
    assert "garbled.xlsx" in message
    assert not any(word in message for word in RAW_LIBRARY_WORDS)


def test_unsupported_suffix_with_text_content(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# 说明\n", "utf-8")
    message = read_error(path)
    assert "unsupported file type '.md'" in message


def test_workbook_with_an_unusual_suffix_is_read_by_content(tmp_path):
    path = tmp_path / "export.htm"
    shutil.copy(FORMATS / "html_named.xlsx", path)
    tables, notes = read_file(path)
    assert rows(tables[0])[1] == ("H1", "甲")
    assert notes == []


def test_missing_file(tmp_path):
    with pytest.raises(ReadError, match="gone.xlsx"):
        read_file(tmp_path / "gone.xlsx")


def test_path_as_text_and_copy_keep_the_path(tmp_path):
    copy = fixture("legacy.xls", tmp_path)
    tables, _ = read_file(str(copy))
    assert tables[0].path == copy and tables[0].label == "legacy.xls[台账]"
