"""Issue 19, real ledgers third round (DATA_SPEC 3, 3.1): the shapes of tests/fixtures/ledgers3
(made by make_ledgers3.py, whose comments work out every number below by hand). Each test
checks rows read = stored + held + skipped by reason, and the figure the file should give."""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import query, write_rows

from safetystats.cli import app
from safetystats.config import load_settings
from safetystats.ingest import ingest

L3 = Path(__file__).parent / "fixtures" / "ledgers3"
REGISTER = Path(__file__).parent / "fixtures" / "real" / "enterprises" / "企业名录.xlsx"
USER_TRAINING = """
[datasets.training_counts.values.category]
主要负责人 = ["总经理"]
安全生产管理人员 = ["安全科长", "安全员"]
"""
SPECIAL_OPERATIONS = """
[datasets.training_counts.headers]
month = ["证书发证日期（格式为yyyy/MM/dd，格式错误将导致导入失败）"]
[[datasets.training_counts.files]]
match = "training_counts/特种作业*"
set = { category = "特种作业人员" }
"""


def config(root: Path, extra: str = "") -> Path:
    path = root / "safetystats.toml"
    path.write_text(
        '[paths]\nraw = "raw"\ndb = "store.duckdb"\nreports = "reports"\n' + extra, "utf-8"
    )
    return path


def raw_with(root: Path, *files: str, register: bool = True) -> Path:
    """A raw folder holding the register and the fixture files (relative to ledgers3/)."""
    raw = root / "raw"
    if register:
        (raw / "enterprises").mkdir(parents=True)
        shutil.copy(REGISTER, raw / "enterprises")
    for rel in files:
        target = raw / rel.replace("hazards_guess", "hazards")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(L3 / rel, target)
    return raw


def ingested(root: Path, extra: str = ""):
    settings = load_settings(config(root, extra))
    return settings, {r.path.name: r for r in ingest(None, settings)}


def balanced(result, stored: int, held: int, **skipped: int) -> None:
    assert result.status == "ingested", result.message
    assert (result.rows_stored, result.rows_held) == (stored, held), result
    assert {k: v for k, v in result.skipped_by_reason.items() if v} == skipped
    assert result.rows_read == stored + held + sum(skipped.values())


def held(settings, name: str) -> list[tuple]:
    return query(
        settings,
        "SELECT row_no, rule_id, column_name, raw_value FROM held_rows h "
        "JOIN ingest_files f USING (file_id) WHERE f.file_name = ? ORDER BY row_no",
        [name],
    )


def inspect(cfg: Path, *args):
    return CliRunner().invoke(app, ["--config", str(cfg), "inspect", *map(str, args)])


# --- 19.1a two inspections with one derived key ---------------------------------------------


def test_two_inspections_with_one_derived_key_are_a_conflict_and_a_pasted_row_is_one(tmp_path):
    raw_with(tmp_path, "inspections/领导带队检查.xlsx", register=False)
    settings, results = ingested(tmp_path)
    # read 6 = stored 3 (rows 5, 7, 8) + held 2 (rows 3, 4) + 1 duplicate (row 6, 序号 aside)
    balanced(results["领导带队检查.xlsx"], stored=3, held=2, duplicate=1)
    assert held(settings, "领导带队检查.xlsx") == [
        (3, "duplicate_key_conflict", "inspection_id", "3, 4"),
        (4, "duplicate_key_conflict", "inspection_id", "3, 4"),
    ]
    assert query(settings, "SELECT _row FROM inspections ORDER BY 1") == [(5,), (7,), (8,)]


# --- 19.1b the user's category spellings in a per-trainee list and a wide summary -----------


def test_a_trainee_list_without_the_users_spellings_counts_nobody(tmp_path):
    raw_with(tmp_path, "training_counts/培训人员名单_职位.xlsx")
    settings, results = ingested(tmp_path)
    balanced(results["培训人员名单_职位.xlsx"], stored=0, held=15)  # 0 of 15


def test_the_users_category_spellings_apply_to_trainees_and_wide_summaries(tmp_path):
    raw_with(
        tmp_path, "training_counts/培训人员名单_职位.xlsx", "training_counts/培训汇总_宽表.xlsx"
    )
    settings, results = ingested(tmp_path, USER_TRAINING)
    # 9 of the 15 trainees counted (总经理, 安全科长, 安全员); 电工 and 焊工 (6) are not mapped
    balanced(results["培训人员名单_职位.xlsx"], stored=9, held=6)
    assert {r[1] for r in held(settings, "培训人员名单_职位.xlsx")} == {"invalid_category"}
    rows = query(
        settings,
        "SELECT enterprise_name, category, strftime(month, '%Y-%m'), trained, passed "
        "FROM training_counts t JOIN ingest_files f ON f.file_id = t._file_id "
        "WHERE f.file_name = ? ORDER BY 1, 2, 3",
        ["培训人员名单_职位.xlsx"],
    )
    assert rows == [
        ("威海市华信化工有限公司", "主要负责人", "2024-03", 2, 2),
        ("威海市华信化工有限公司", "安全生产管理人员", "2024-03", 3, 2),  # 王五 failed
        ("威海蓝海燃气有限公司", "主要负责人", "2024-04", 1, 1),
        ("威海蓝海燃气有限公司", "安全生产管理人员", "2024-04", 3, 3),
    ]
    # the wide summary: 总经理/安全员 columns unpivoted into 4 rows, 1 + 4 + 2 + 3 = 10 trained
    balanced(results["培训汇总_宽表.xlsx"], stored=4, held=0)
    wide = query(
        settings,
        "SELECT category, sum(trained) FROM training_counts t JOIN ingest_files f "
        "ON f.file_id = t._file_id WHERE f.file_name = ? GROUP BY 1 ORDER BY 1",
        ["培训汇总_宽表.xlsx"],
    )
    assert wide == [("主要负责人", 3), ("安全生产管理人员", 7)]


# --- 19.1c headers carrying instructions -----------------------------------------------------


def test_a_template_with_instructions_in_its_headers_loads_with_the_users_mapping(tmp_path):
    raw_with(tmp_path, "training_counts/特种作业人员名单_导入模板.xlsx")
    settings, results = ingested(tmp_path, SPECIAL_OPERATIONS)
    balanced(results["特种作业人员名单_导入模板.xlsx"], stored=8, held=0)
    rows = query(
        settings,
        "SELECT enterprise_name, strftime(month, '%Y-%m'), trained FROM training_counts "
        "WHERE category = '特种作业人员' ORDER BY 1, 2",
    )
    assert rows == [
        ("威海市华信化工有限公司", "2024-03", 3),
        ("威海市华信化工有限公司", "2024-04", 2),
        ("威海蓝海燃气有限公司", "2024-03", 3),
    ]


def test_without_the_mapping_the_message_names_the_section_the_user_writes(tmp_path):
    raw_with(tmp_path, "training_counts/特种作业人员名单_导入模板.xlsx", register=False)
    result = CliRunner().invoke(app, ["--config", str(config(tmp_path)), "ingest"])
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "[datasets.training_counts.headers]" in text  # not eaten as markup
    assert "training_persons" not in text and "under  in" not in text


# --- 19.1d no header row: candidates to edit -------------------------------------------------


def test_no_header_row_writes_the_candidate_rows_with_what_each_cell_could_be(tmp_path):
    raw = raw_with(tmp_path, "hazards/检查问题清单.xlsx", register=False)
    cfg, mapping = config(tmp_path), tmp_path / "mapping.toml"
    result = inspect(cfg, raw / "hazards" / "检查问题清单.xlsx", "--write-mapping", mapping)
    assert result.exit_code == 1
    text = mapping.read_text("utf-8")
    assert "row 3: 检查对象 → ?; 存在的问题 → description" in text
    headers = tomllib.loads(text)["datasets"]["hazards"]["headers"]
    assert headers == {
        "description": ["存在的问题"],
        "found_date": ["问题发现日期"],
        "level": ["严重程度"],
        "deadline": ["整改到期日"],
    }
    # pasted, the file has a header; what is left is the one line naming the enterprise
    again = inspect(config(tmp_path, text), raw / "hazards" / "检查问题清单.xlsx")
    assert "missing required column enterprise_name" in again.stdout


# --- 19.2 the clerk's file: inspect, paste, load ---------------------------------------------


@pytest.mark.parametrize("rel", ["hazards/隐患台账_科室.xlsx", "hazards_guess/隐患台账_科室2.xlsx"])
def test_the_clerks_file_goes_inspect_paste_load(tmp_path, rel):
    raw = raw_with(tmp_path, rel, register=False)
    ledger = raw / "hazards" / Path(rel).name
    mapping = tmp_path / "mapping.toml"
    first = inspect(config(tmp_path), ledger, "--write-mapping", mapping)
    out = first.stdout
    assert "序号" in out and "row number" in out and "hazard_id" not in out
    assert "隐患级别(一般/重大)" in out and "level" in out  # shown with its column
    assert "下一步 next:" in out
    block = mapping.read_text("utf-8")
    assert "hazard_id" not in block and "enterprise_id" not in block
    if "科室2" in rel:  # 隐患所属单位 is no packaged spelling: guessed by its words
        assert first.exit_code == 1
        assert 'enterprise_name = ["隐患所属单位"]  # guess' in block
    else:
        assert first.exit_code == 0
    cfg = config(tmp_path, block)  # the block pasted unchanged
    assert inspect(cfg, ledger).exit_code == 0
    settings = load_settings(cfg)
    (result,) = ingest(None, settings)
    balanced(result, stored=6, held=0)
    assert query(settings, "SELECT count(*) FILTER (level = 'major') FROM hazards") == [(2,)]


def test_a_pasted_spelling_of_two_columns_names_the_line_to_change(tmp_path):
    """The console script as a user runs it (exit 2 and a message, never a traceback)."""
    block = '[datasets.hazards.headers]\nhazard_id = ["隐患级别(一般/重大)"]\n'
    cfg = config(tmp_path, block)
    script = Path(sys.executable).parent / "safetystats"
    env = os.environ | {"PYTHONPATH": str(Path(__file__).parents[1] / "src"), "COLUMNS": "300"}
    args = [script, "--config", cfg, "inspect", L3 / "hazards" / "隐患台账_科室.xlsx"]
    result = subprocess.run(args, capture_output=True, text=True, env=env)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    text = " ".join(result.stderr.split())
    assert "[datasets.hazards.headers] hazard_id = [...]" in text
    assert "remove '隐患级别(一般/重大)' from the line hazard_id" in text


# --- 19.3 Excel error cells and formulas without a value -------------------------------------


def test_error_cells_and_formulas_without_value_are_held_naming_the_cell(tmp_path):
    raw_with(tmp_path, "hazards/隐患台账_公式.xlsx", "drills/演练记录_错误值.xls", register=False)
    settings, results = ingested(tmp_path)
    balanced(results["隐患台账_公式.xlsx"], stored=2, held=3)
    assert held(settings, "隐患台账_公式.xlsx") == [
        (3, "excel_error", "rectified_date", "E3: #VALUE!"),
        (4, "formula_without_value", "rectified_date", "E4: =TODAY()"),
        (5, "excel_error", "description", "C5: #N/A"),  # an optional text column too
    ]
    # F-002 (rectified #VALUE!) is not counted as an open hazard: of the stored two, F-001 is
    # open and F-005 rectified
    assert query(settings, "SELECT hazard_id, rectified_date IS NULL FROM hazards ORDER BY 1") == [
        ("F-001", True),
        ("F-005", False),
    ]
    balanced(results["演练记录_错误值.xls"], stored=1, held=2)
    assert held(settings, "演练记录_错误值.xls") == [
        (3, "excel_error", "participants", "G3: #DIV/0!"),
        (4, "excel_error", "no_advance_notice", "C4: #N/A"),
    ]


def test_error_cells_of_an_opendocument_sheet_are_held_too(settings):
    """The same drills saved by LibreOffice as .ods (calamine reads its error cells as blank)."""
    (settings.raw / "drills").mkdir()
    shutil.copy(L3 / "drills_ods" / "演练记录_错误值.ods", settings.raw / "drills")
    (result,) = ingest(None, settings)
    balanced(result, stored=1, held=2)
    assert [r[1:] for r in held(settings, "演练记录_错误值.ods")] == [
        ("excel_error", "participants", "G3: #DIV/0!"),
        ("excel_error", "no_advance_notice", "C4: #N/A"),
    ]


def test_error_text_in_a_csv_is_an_error_too(settings):
    write_rows(
        settings.raw / "hazards" / "h.csv",
        [
            ["隐患编号", "统一社会信用代码", "隐患等级", "发现日期", "整改完成日期"],
            ["H1", "E1", "一般", "2024-03-01", "#REF!"],
            ["H2", "E1", "一般", "2024-03-01", " #n/a "],
            ["H3", "E1", "一般", "2024-03-01", ""],
        ],
    )
    (result,) = ingest(None, settings)
    balanced(result, stored=1, held=2)
    assert [r[1:] for r in held(settings, "h.csv")] == [
        ("excel_error", "rectified_date", "E2: #REF!"),
        ("excel_error", "rectified_date", "E3: #N/A"),
    ]


# --- 19.6 encodings we do not read -----------------------------------------------------------


@pytest.mark.parametrize(
    "name, named", [("隐患_big5.csv", "looks like Big5"), ("隐患_utf16.csv", "UTF-16")]
)
def test_a_csv_in_an_encoding_we_do_not_read_is_named_as_such(settings, name, named):
    shutil.copy(L3 / "encodings" / name, settings.raw / name)
    (result,) = ingest(None, settings)
    assert result.status == "failed"
    assert named in result.message and "UTF-8" in result.message
    assert "no header row" not in result.message


# --- 19.7 ids --------------------------------------------------------------------------------


def test_ids_are_one_after_nfkc_trimming_and_upper_casing(settings):
    write_rows(
        settings.raw / "hazards" / "2024-03.csv",
        [
            ["隐患编号", "统一社会信用代码", "隐患等级", "发现日期"],
            ["yh-001", "91371002ma3c4b2x1d", "一般", "2024-03-01"],
            [" ＹＨ－００１ ", "91371002MA3C4B2X1D", "一般", "2024-03-01"],  # the same hazard
            ["YH-002", "91371002MA3C4B2X1D", "重大", "2024-03-02"],
        ],
    )
    (result,) = ingest(None, settings)
    balanced(result, stored=2, held=0, duplicate=1)
    write_rows(
        settings.raw / "hazards" / "2024-04.csv",
        [
            ["隐患编号", "统一社会信用代码", "隐患等级", "发现日期", "整改完成日期"],
            ["Yh-001", "91371002MA3C4B2X1D", "一般", "2024-03-01", "2024-04-02"],
        ],
    )
    ingest(None, settings)
    rows = query(
        settings, "SELECT hazard_id, enterprise_id, rectified_date FROM hazards ORDER BY 1"
    )
    assert [r[:2] for r in rows] == [
        ("YH-001", "91371002MA3C4B2X1D"),
        ("YH-002", "91371002MA3C4B2X1D"),
    ]
    assert rows[0][2] is not None  # April's file replaced March's record of YH-001


def test_a_formula_whose_result_is_empty_text_is_blank_not_an_error(settings):
    """Excel saves ="" results as t="str" with an empty <v>: a computed blank, read as blank;
    the same formula written by a program without a value is formula_without_value."""
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["隐患编号", "统一社会信用代码", "隐患等级", "发现日期", "整改完成日期"])
    ws.append(["H1", "E1", "一般", "2024-03-01", '=IF(1,"","x")'])
    ws.append(["H2", "E1", "一般", "2024-03-01", '=IF(1,"","x")'])
    plain = settings.raw / "plain.xlsx"
    wb.save(plain)
    saved = settings.raw / "hazards" / "h.xlsx"
    saved.parent.mkdir()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(saved, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":  # row 2 as Excel saves it
                data = data.replace(b'<c r="E2">', b'<c r="E2" t="str">')
            out.writestr(item, data)
    plain.unlink()
    (result,) = ingest(None, settings)
    balanced(result, stored=1, held=1)
    assert [r[:3] for r in held(settings, "h.xlsx")] == [
        (3, "formula_without_value", "rectified_date")
    ]


@pytest.mark.slow  # validate with GX
def test_after_validate_the_quarantine_says_which_cell_and_the_clerks_rows_are_curated(tmp_path):
    from safetystats.pipeline import refresh

    raw_with(
        tmp_path,
        "hazards/隐患台账_公式.xlsx",
        "hazards/隐患台账_科室.xlsx",
        "inspections/领导带队检查.xlsx",
    )
    settings, _ = ingested(tmp_path)
    refresh(settings)
    messages = dict(
        query(
            settings,
            "SELECT row_no, message_en FROM quarantine WHERE file_name = ? AND severity = 'error'",
            ["隐患台账_公式.xlsx"],
        )
    )
    assert "cell E3: #VALUE! is an Excel error value" in messages[3]
    assert "cell E4: =TODAY() is a formula without a computed value" in messages[4]
    assert "open and save the file in Excel or WPS" in messages[4]
    conflict = query(
        settings,
        "SELECT DISTINCT message_en FROM quarantine WHERE rule_id = 'duplicate_key_conflict'",
    )
    assert conflict and conflict[0][0].startswith("rows 3, 4 give the same derived key")
    # the clerk's six hazards reach the curated table, found in the register by name
    assert query(
        settings,
        "SELECT count(*), count(*) FILTER (level = 'major') FROM curated_hazards c "
        "JOIN ingest_files f ON f.file_id = c._file_id WHERE f.file_name = ?",
        ["隐患台账_科室.xlsx"],
    ) == [(6, 2)]


def test_inspect_lists_a_trainees_positions_and_the_filled_block_counts_them(tmp_path):
    raw = raw_with(tmp_path, "training_counts/培训人员名单_职位.xlsx", register=False)
    ledger, mapping = raw / "training_counts" / "培训人员名单_职位.xlsx", tmp_path / "m.toml"
    first = inspect(config(tmp_path), ledger, "--write-mapping", mapping)
    assert first.exit_code == 1
    assert "category: values not understood: 安全员 (4), 总经理 (3)" in first.stdout
    block = tomllib.loads(mapping.read_text("utf-8"))
    assert block["datasets"]["training_counts"]["values"]["category"]["主要负责人"] == []
    filled = (
        mapping.read_text("utf-8")
        .replace('"主要负责人" = []', '"主要负责人" = ["总经理"]')
        .replace('"安全生产管理人员" = []', '"安全生产管理人员" = ["安全科长", "安全员"]')
    )
    again = inspect(config(tmp_path, filled), ledger)
    assert again.exit_code == 0, again.stdout
    assert "rows read 15: would store 9, quarantine 6" in again.stdout  # 9 of 15


@pytest.mark.parametrize(
    "block, names",
    [
        ('major = ["1级"]\nserious = ["2级"]', "'serious' is not a value of level"),
        ('major = ["1级"]\ngeneral = ["1级"]', "'1级' would mean both 'major' and 'general'"),
    ],
)
def test_a_pasted_values_block_that_cannot_load_names_its_section(tmp_path, block, names):
    from safetystats.config import ConfigError
    from safetystats.ingest.spec import load_specs

    with pytest.raises(ConfigError) as caught:  # when the settings load
        load_specs(load_settings(config(tmp_path, "[datasets.hazards.values.level]\n" + block)))
    assert str(caught.value).startswith("[datasets.hazards.values.level]: ")
    assert names in str(caught.value) and "change that line" in str(caught.value)


def test_a_conflict_across_two_sheets_names_each_row_with_its_sheet(settings):
    """Monthly sheets of one workbook: the same derived key on two sheets with different
    cells is one conflict, both rows held, each named sheet!row."""
    import openpyxl

    wb = openpyxl.Workbook()
    header = ["统一社会信用代码", "检查日期", "检查类型", "问题描述"]
    march = wb.active
    march.title = "3月"
    for row in (header, ["E1", "2024-03-05", "领导带队检查", "防火堤破损"]):
        march.append(row)
    april = wb.create_sheet("4月")
    for row in (header, ["E1", "2024-03-05", "领导带队检查", "静电接地缺失"]):
        april.append(row)
    path = settings.raw / "inspections" / "检查.xlsx"
    path.parent.mkdir()
    wb.save(path)
    (result,) = ingest(None, settings)
    balanced(result, stored=0, held=2)
    assert {r[3] for r in held(settings, "检查.xlsx")} == {"3月!2, 4月!2"}


# --- a CSV row with more fields than its header ----------------------------------------------


def test_a_csv_row_split_by_an_unquoted_comma_is_held_not_stored_shifted(tmp_path):
    """`配电箱无门,线路老化` written without quotes makes two fields: every later cell of the
    row was one column off (measures in responsible_person) and the last one was lost without
    a word. A column without a header in every row is a column: its rows are stored."""
    (tmp_path / "raw" / "hazards").mkdir(parents=True)
    head = "隐患编号,统一社会信用代码,隐患等级,发现日期,隐患描述,整改责任人,整改措施\n"
    rows = [
        "H1,91371000MA3C000001,一般,2024-03-01,护栏缺失,张三,加装护栏\n",
        "H2,91371000MA3C000001,一般,2024-03-02,配电箱无门,线路老化,李四,更换配电箱\n",
        "H3,91371000MA3C000001,重大,2024-03-03,通道堵塞,王五,清理通道\n",
    ]
    (tmp_path / "raw" / "hazards" / "逗号.csv").write_text(head + "".join(rows), encoding="utf-8")
    unnamed = head.rstrip("\n") + ",\n" + "".join(r.rstrip("\n") + ",备注\n" for r in rows[::2])
    (tmp_path / "raw" / "hazards" / "无表头列.csv").write_text(unnamed, encoding="utf-8")
    settings, results = ingested(tmp_path)
    balanced(results["逗号.csv"], stored=2, held=1)
    assert held(settings, "逗号.csv") == [(3, "extra_fields", None, "更换配电箱")]
    balanced(results["无表头列.csv"], stored=2, held=0)
    people = "SELECT hazard_id, responsible_person, measures FROM hazards ORDER BY 1"
    assert query(settings, people) == [("H1", "张三", "加装护栏"), ("H3", "王五", "清理通道")]
