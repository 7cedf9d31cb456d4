"""Templates for the units (DATA_SPEC 8.7): written, opened and saved by LibreOffice as a
clerk's spreadsheet program would, filled, dropped anywhere in the raw folder and read back
as their dataset by the hidden marker, the example row skipped."""

import openpyxl
import pytest
from browser import saved_by_libreoffice
from conftest import query, write_rows

from safetystats.errors import ConfigError
from safetystats.followup.template import write_template
from safetystats.ingest import ingest
from safetystats.ingest.marker import SHEET
from safetystats.ingest.spec import load_specs
from safetystats.pipeline import refresh

REGISTER = [
    ["统一社会信用代码", "企业名称", "所属区市", "行业领域"],
    ["91371000MA3C000001", "文登示例化工有限公司", "文登区", "危险化学品"],
    ["91371000MA3C000002", "文登示例机械有限公司", "文登区", "工贸"],
    ["91371000MA3C000003", "环翠示例商贸有限公司", "环翠区", "其他"],
]


@pytest.fixture
def registered(settings):
    write_rows(settings.raw / "enterprises" / "名录.csv", REGISTER)
    ingest(None, settings)
    refresh(settings)
    return settings


def test_a_template_has_marked_headers_dropdowns_text_codes_and_a_hidden_marker(
    registered, tmp_path
):
    path = write_template(registered, "hazards", district="文登区", period="2025-01")
    assert path.name == "填报模板_隐患台账_文登区_2025-01.xlsx"
    book = openpyxl.load_workbook(path)
    assert book[SHEET].sheet_state == "hidden"
    facts = {r[0].value: r[1].value for r in book[SHEET].iter_rows()}
    assert (
        facts["kind"] == "template"
        and facts["dataset"] == "hazards"
        and facts["period"] == "2025-01"
    )
    sheet = book["隐患台账"]
    headers = [c.value for c in sheet[1]]
    spec = load_specs(registered)["hazards"]
    required = {c.name for c in spec.columns if c.required}
    assert headers[0] == "＊隐患编号" and "＊发现日期" in headers and "整改完成日期" in headers
    assert sum(h.startswith("＊") for h in headers) == len(required)
    validations = {
        str(v.sqref).split(":")[0][:2].rstrip("0123456789"): v
        for v in sheet.data_validations.dataValidation
    }
    level = headers.index("＊隐患等级")
    letter = openpyxl.utils.get_column_letter(level + 1)
    dv = validations[letter]
    assert dv.type == "list" and "重大" in dv.formula1 and "一般" in dv.formula1
    found = openpyxl.utils.get_column_letter(headers.index("＊发现日期") + 1)
    assert validations[found].type == "date"
    # the district's own name offered; its enterprises from the register in the list
    district = openpyxl.utils.get_column_letter(headers.index("所属区市") + 1)
    assert (
        "文登区" in validations[district].formula1
        and "环翠区" not in validations[district].formula1
    )
    names = openpyxl.utils.get_column_letter(headers.index("企业名称") + 1)
    assert "文登示例化工有限公司" in validations[names].formula1
    assert "环翠示例商贸有限公司" not in validations[names].formula1
    # key and credit-code columns are text, so Excel cannot damage the codes
    for header in ("＊隐患编号", "＊统一社会信用代码"):
        column = openpyxl.utils.get_column_letter(headers.index(header) + 1)
        assert sheet.column_dimensions[column].number_format == "@"
    assert "填写说明" in book.sheetnames


@pytest.mark.slow  # LibreOffice
def test_a_filled_template_saved_by_libreoffice_loads_from_any_folder(registered, tmp_path):
    blank = write_template(registered, "hazards", district="文登区", period="2025-01")
    saved = saved_by_libreoffice(blank, tmp_path / "clerk")
    book = openpyxl.load_workbook(saved)
    assert SHEET in book.sheetnames  # the marker survives a save by a spreadsheet program
    sheet = book["隐患台账"]
    headers = [c.value for c in sheet[1]]
    rows = [
        {"＊隐患编号": "WD-2025-001", "＊统一社会信用代码": "91371000MA3C000001", "＊隐患等级": "重大",
         "＊发现日期": "2025-01-06", "所属区市": "文登区", "隐患描述": "=HYPERLINK(\"x\")"},
        {"＊隐患编号": "WD-2025-002", "＊统一社会信用代码": "91371000MA3C000002", "＊隐患等级": "一般",
         "＊发现日期": "2025-01-08", "所属区市": "文登区"},
    ]  # fmt: skip
    for r, row in enumerate(rows, start=3):
        for header, value in row.items():
            cell = sheet.cell(r, headers.index(header) + 1)
            cell.value = value
            cell.data_type = "s"  # as typed into a text cell, never a formula
    folder = registered.raw / "文登区报送" / "一月"  # not named after its dataset
    folder.mkdir(parents=True)
    filled = folder / "一月台账.xlsx"
    book.save(filled)
    run = ingest(None, registered)
    result = next(r for r in run if r.path == filled)
    assert result.status == "ingested", result.message
    assert result.datasets == ["hazards"]
    assert any("示例" in w and "跳过" in w for w in result.warnings), result.warnings
    assert result.rows_stored == 2 and result.rows_held == 0
    refresh(registered)
    stored = query(
        registered, "SELECT hazard_id, level, description FROM curated_hazards ORDER BY hazard_id"
    )
    assert stored == [("WD-2025-001", "major", '=HYPERLINK("x")'), ("WD-2025-002", "general", None)]


def test_an_overwritten_example_row_is_data(registered, tmp_path):
    blank = write_template(registered, "drills", district="文登区")
    book = openpyxl.load_workbook(blank)
    sheet = book["应急演练记录"] if "应急演练记录" in book.sheetnames else book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    sheet.cell(
        2, headers.index("＊演练编号") + 1
    ).value = "YL-1"  # the clerk typed over the example
    sheet.cell(2, headers.index("＊统一社会信用代码") + 1).value = "91371000MA3C000001"
    sheet.cell(2, headers.index("＊演练日期") + 1).value = "2025-01-03"
    path = registered.raw / "drills_return.xlsx"
    book.save(path)
    result = next(r for r in ingest(None, registered) if r.path == path)
    assert result.status == "ingested", result.message
    assert result.rows_stored == 1 and not any("示例" in w for w in result.warnings)


@pytest.mark.parametrize("edit", ["row above", "title row", "序号 column"])
def test_the_example_is_found_where_the_clerk_moved_it(registered, edit):
    """Only spreadsheet row 2 was compared with the example: a row inserted above it, a title
    row above the header or a 序号 column in front stored it as a real open major hazard."""
    blank = write_template(registered, "hazards", district="文登区", period="2025-01")
    book = openpyxl.load_workbook(blank)
    sheet = book["隐患台账"]
    headers = [c.value for c in sheet[1]]
    real = {"＊隐患编号": "WD-1", "＊统一社会信用代码": "91371000MA3C000001", "＊隐患等级": "一般",
            "＊发现日期": "2025-01-06", "所属区市": "文登区"}  # fmt: skip
    for header, value in real.items():
        sheet.cell(3, headers.index(header) + 1).value = value
    if edit == "row above":
        sheet.insert_rows(2)
    elif edit == "title row":
        sheet.insert_rows(1)
        sheet.cell(1, 1).value = "文登区2025年1月隐患排查治理台账"
    else:
        sheet.insert_cols(1)
        sheet.cell(1, 1).value = "序号"
        sheet.cell(2, 1).value, sheet.cell(3, 1).value = 1, 2
    path = registered.raw / "回报" / f"{edit}.xlsx"
    path.parent.mkdir(exist_ok=True)
    book.save(path)
    result = next(r for r in ingest(None, registered) if r.path == path)
    assert result.status == "ingested", result.message
    assert any("示例" in w and "跳过" in w for w in result.warnings), result.warnings
    assert query(registered, "SELECT hazard_id FROM hazards") == [("WD-1",)]


def test_a_sheet_the_clerk_added_to_a_template_is_read_too(registered):
    """Only the template's own sheet was read: a second sheet of rows under the same header
    (第二批) was dropped without a word. A sheet without the header is skipped with a note."""
    book = openpyxl.load_workbook(write_template(registered, "hazards", district="文登区"))
    sheet = book["隐患台账"]
    headers = [c.value for c in sheet[1]]
    row = {
        "＊统一社会信用代码": "91371000MA3C000001",
        "＊隐患等级": "一般",
        "＊发现日期": "2025-01-06",
    }
    for header, value in (row | {"＊隐患编号": "WD-1"}).items():
        sheet.cell(3, headers.index(header) + 1).value = value
    more = book.create_sheet("第二批")
    more.append(headers)
    more.append([(row | {"＊隐患编号": "WD-2"}).get(h) for h in headers])
    book.create_sheet("草稿").append(["今天下午再核对一遍"])
    path = registered.raw / "两批.xlsx"
    book.save(path)
    result = next(r for r in ingest(None, registered) if r.path == path)
    assert result.status == "ingested", result.message
    assert query(registered, "SELECT hazard_id FROM hazards ORDER BY 1") == [("WD-1",), ("WD-2",)]
    assert any("草稿" in w and "skipped" in w for w in result.warnings), result.warnings
    assert not any("填写说明" in w for w in result.warnings), result.warnings


def test_a_template_sent_back_blank_is_not_counted_as_returned(registered):
    """DATA_SPEC 8.6 times the arrival of a filled template: one sent back with nothing but
    its example counted as 文登区's January ledger, on time."""
    blank = write_template(registered, "hazards", district="文登区", period="2025-01")
    returned = registered.raw / "文登区" / "一月.xlsx"
    returned.parent.mkdir()
    returned.write_bytes(blank.read_bytes())
    result = next(r for r in ingest(None, registered) if r.path == returned)
    assert result.rows_stored == 0 and any("not counted" in w for w in result.warnings)
    book = openpyxl.load_workbook(blank)
    sheet = book["隐患台账"]
    headers = [c.value for c in sheet[1]]
    row = {"＊隐患编号": "WD-1", "＊统一社会信用代码": "91371000MA3C000001", "＊隐患等级": "一般",
           "＊发现日期": "2025-01-06"}  # fmt: skip
    for header, value in row.items():
        sheet.cell(3, headers.index(header) + 1).value = value
    book.save(returned.with_name("一月更正.xlsx"))
    ingest(None, registered)
    arrived = query(registered, "SELECT kind, unit_code, month, file_id FROM arrivals")
    assert [a[:3] for a in arrived] == [("template", "371003", "2025-01")]


def test_another_units_rows_in_a_units_template_are_said(registered):
    """荣成市's hazards typed into 文登区's template were taken without a word, and the arrival
    credited to 文登区 (8.6). They are kept (validation places each by its own 所属区市), and
    the file's note names them."""
    book = openpyxl.load_workbook(write_template(registered, "hazards", district="文登区"))
    sheet = book["隐患台账"]
    headers = [c.value for c in sheet[1]]
    for r, (key, unit) in enumerate([("WD-1", "文登区"), ("RC-1", "荣成市"), ("RC-2", "荣成")], 3):
        row = {"＊隐患编号": key, "＊统一社会信用代码": "91371000MA3C000001", "＊隐患等级": "一般",
               "＊发现日期": "2025-01-06", "所属区市": unit}  # fmt: skip
        for header, value in row.items():
            sheet.cell(r, headers.index(header) + 1).value = value
    path = registered.raw / "混报.xlsx"
    book.save(path)
    result = next(r for r in ingest(None, registered) if r.path == path)
    assert result.status == "ingested" and result.rows_stored == 3, result.message
    said = [w for w in result.warnings if "outside" in w]
    assert len(said) == 1 and "2 rows" in said[0] and "荣成市" in said[0] and "荣成" in said[0]


def test_the_example_keeps_the_rules_and_the_checks_reach_the_last_row(registered):
    """A clerk copies the example: its credit code has a right check character, and the open
    hazard it shows has no rectification day (未整改 with one breaks the status rule)."""
    from safetystats import normalize

    book = openpyxl.load_workbook(write_template(registered, "hazards", district="文登区"))
    sheet = book["隐患台账"]
    example = {c.value: e.value for c, e in zip(sheet[1], sheet[2], strict=True)}
    assert normalize.credit_code_check(example["＊统一社会信用代码"]) is None
    assert example["整改状态"] == "未整改" and not example["整改完成日期"]
    assert not example["销号日期"]
    ranges = [str(v.sqref) for v in sheet.data_validations.dataValidation]
    assert ranges and all(r.endswith("1048576") for r in ranges), ranges


def test_a_template_for_every_dataset_and_clear_errors(settings):
    for dataset in load_specs(settings):
        assert write_template(settings, dataset).is_file()
    with pytest.raises(ConfigError, match="unknown dataset"):
        write_template(settings, "hazard")
    with pytest.raises(ConfigError, match="YYYY-MM"):
        write_template(settings, "hazards", period="2025-13")
    with pytest.raises(ConfigError, match="not a unit"):
        write_template(settings, "hazards", district="火星区")
