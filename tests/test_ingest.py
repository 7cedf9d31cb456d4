"""Ingestion: every variant of DATA_SPEC section 3 and every storing rule of section 5."""

import datetime as dt
import hashlib

import polars as pl
import pytest
from conftest import query, write_rows

from safetystats import normalize as V
from safetystats.config import load_settings
from safetystats.ingest import ingest
from safetystats.ingest.pipeline import ingest_file
from safetystats.ingest.prepare import prepare
from safetystats.ingest.read import RawTable, ReadError, read_tables
from safetystats.ingest.spec import load_specs
from safetystats.sample.writers import write_xls, write_xlsx

HAZARD_HEADER = [
    "隐患编号",
    "统一社会信用代码",
    "所属区市",
    "隐患等级",
    "发现日期",
    "整改完成日期",
    "整改资金（万元）",
]


def one(results):
    assert len(results) == 1, results
    return results[0]


def test_gb18030_csv_with_title_traditional_headers_and_footer(settings):
    path = write_rows(
        settings.raw / "hazards" / "h.csv",
        [
            ["环翠区重大事故隐患台账（2024年）"],
            ["填报单位：环翠区应急管理局"],
            [
                "隱患編號",
                "統一社會信用代碼",
                "所屬區市",
                "隱患等級",
                "發現日期",
                "整改完成日期",
                "整改資金（萬元）",
            ],
            ["H1", "91371002a", "環翠區", "重大", "2024年3月20日", "2024/4/1", "1,234"],
            ["H2", "91371002B", "环翠", "一般隐患", "20240320", "", "５万元"],
            ["填报人：张三", "", "", "", "", "", ""],
            ["审核人：李四"],
            ["填报说明：1.隐患等级填写一般或重大；2.日期格式如2024-03-20"],  # a notes row too
        ],
        encoding="gb18030",
    )
    r = one(ingest([path], settings))
    assert r.status == "ingested", r.message
    assert (r.rows_read, r.rows_stored, r.rows_held, r.rows_skipped, r.title_rows) == (
        5,
        2,
        0,
        3,
        2,
    )
    rows = query(
        settings,
        "SELECT hazard_id, enterprise_id, district, level, found_date, rectified_date, funds, _row "
        "FROM hazards ORDER BY hazard_id",
    )
    assert rows == [
        (
            "H1",
            "91371002A",
            "環翠區",
            "major",
            dt.date(2024, 3, 20),
            dt.date(2024, 4, 1),
            1234.0,
            4,
        ),
        ("H2", "91371002B", "环翠", "general", dt.date(2024, 3, 20), None, 5.0, 5),
    ]
    assert query(settings, "SELECT encoding FROM ingest_files") == [("gb18030",)]


@pytest.mark.parametrize("bom", [True, False])
def test_utf8_with_and_without_bom(settings, bom):
    path = write_rows(
        settings.raw / "hazards" / "h.csv",
        [HAZARD_HEADER, ["H1", "E1", "文登区", "一般", "2024-01-02", "", ""]],
        bom=bom,
    )
    assert one(ingest([path], settings)).rows_stored == 1
    assert query(settings, "SELECT hazard_id FROM hazards") == [("H1",)]


def test_other_encodings_are_a_clear_error_and_do_not_stop_other_files(settings):
    bad = settings.raw / "hazards" / "a_bad.csv"
    bad.parent.mkdir(parents=True)
    bad.write_bytes("隐患编号,发现日期\n".encode("utf-16"))
    good = write_rows(
        settings.raw / "hazards" / "b_good.csv",
        [HAZARD_HEADER, ["H1", "E1", "文登区", "一般", "2024-01-02"]],
    )
    results = ingest(None, settings)
    assert [r.path for r in results] == [bad, good]
    assert results[0].status == "failed"
    assert "a_bad.csv" in results[0].message and "UTF-8" in results[0].message
    assert results[1].status == "ingested"


def test_read_error_names_the_file(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"this is not a workbook")
    with pytest.raises(ReadError, match="x.xlsx"):
        read_tables(path)


def test_xlsx_two_sheets_excel_date_cells_serials_and_text_dates(settings):
    header = ["隐患编号", "信用代码", "区市", "等级", "排查日期", "整改期限"]
    write_xlsx(
        settings.raw / "hazards" / "h.xlsx",
        {
            "一月": pl.DataFrame(
                {
                    "隐患编号": ["A1", "A2"],
                    "信用代码": ["E1", "E2"],
                    "区市": ["高区", "经区"],
                    "等级": ["重大", "一般"],
                    "排查日期": [dt.date(2024, 1, 5), dt.date(2024, 1, 6)],
                    "整改期限": ["2024年2月1日", "45371"],
                }
            ),
            "二月": pl.DataFrame(
                {
                    h: [v]
                    for h, v in zip(
                        header,
                        ["B1", "E3", "临港", "重大事故隐患", "2024.2.9", "20240301"],
                        strict=True,
                    )
                }
            ),
        },
        titles=["2024年隐患台账（样例）"],
        footers=["合计：3条"],
    )
    r = one(ingest(None, settings))
    # each sheet: one title row above the header, one 合计 footer below the data
    assert (r.rows_read, r.rows_stored, r.rows_skipped, r.title_rows) == (5, 3, 2, 2)
    rows = query(
        settings,
        "SELECT hazard_id, found_date, deadline, _sheet, _row FROM hazards ORDER BY hazard_id",
    )
    assert rows == [
        ("A1", dt.date(2024, 1, 5), dt.date(2024, 2, 1), "一月", 3),
        ("A2", dt.date(2024, 1, 6), dt.date(2024, 3, 20), "一月", 4),
        ("B1", dt.date(2024, 2, 9), dt.date(2024, 3, 1), "二月", 3),
    ]


def test_xls_workbook(settings):
    write_xls(
        settings.raw / "video_sites" / "v.xls",
        pl.DataFrame(
            {
                "点位编号": ["V1", "V2"],
                "所属区市": ["荣成市", "乳山"],
                "是否高后果区": ["是", "是"],
                "是否安装智能视频监控": ["已安装", "未安装"],
                "安装日期": [dt.date(2024, 5, 1), None],
            }
        ),
        "表1",
        titles=["视频监控台账"],
    )
    assert one(ingest(None, settings)).rows_stored == 2
    assert query(
        settings,
        "SELECT site_id, video_installed, installed_date, _row FROM video_sites ORDER BY 1",
    ) == [("V1", True, dt.date(2024, 5, 1), 3), ("V2", False, None, 4)]


def test_every_header_alias_of_every_dataset_is_recognised(settings):
    """Each alias of DATA_SPEC section 2, written as an office PC would (繁体, full-width,
    a bracketed unit, a required-field star), maps to its column."""
    from opencc import OpenCC

    to_traditional = OpenCC("s2t").convert
    specs = load_specs(settings)
    checked = 0
    for spec in specs.values():
        first = {c.name: c.headers[0] for c in spec.columns}
        for column in spec.columns:
            for alias in column.headers:
                if spec.header_map[V.normalize_header(alias)] != column.name:
                    continue  # an alias two columns share belongs to the first (e.g. 编号)
                headers = {n: h for n, h in first.items() if n in spec.required or n == column.name}
                headers[column.name] = f"*{to_traditional(alias)}（单位）"
                names = list(headers)
                frame = pl.DataFrame({f"c{i}": [headers[n], "X1"] for i, n in enumerate(names)})
                prep = prepare(
                    RawTable(settings.raw / "t.csv", None, frame), specs, settings, spec.name
                )
                assert column.name in prep.staged.columns, (spec.name, alias)
                assert prep.ignored_headers == [], (spec.name, alias, prep.ignored_headers)
                checked += 1
    assert checked >= 120


def test_alias_families_map_through_ingest(settings):
    write_rows(
        settings.raw / "training_counts" / "t.csv",
        [
            ["信用代码", "人员类别", "年月", "本月培训人数", "合格人数"],
            ["E1", "班组长", "2024年3月", "12人", "11"],
            ["E1", "全员", "202404", "１,２００", "1100"],
        ],
    )
    write_rows(
        settings.raw / "drills" / "d.csv",
        [
            ["编号", "企业ID", "属地", "日期", "类型", "四不", "参加人数", "评估总结"],
            ["D1", "E1", "文登", "2024/5/6", "逃生", "√", "30人", "有"],
        ],
    )
    results = ingest(None, settings)
    assert [r.rows_stored for r in results] == [1, 2]
    assert query(
        settings, "SELECT category, month, trained, passed FROM training_counts ORDER BY month"
    ) == [("班组长", dt.date(2024, 3, 1), 12, 11), ("全员", dt.date(2024, 4, 1), 1200, 1100)]
    # the single 四不 column sets all four flags when they are absent
    assert query(
        settings,
        "SELECT drill_type, no_advance_notice, no_script, no_preset_scenario, "
        "no_preset_location, unannounced, participants, evaluated FROM drills",
    ) == [("疏散逃生", True, True, True, True, True, 30, True)]


def test_dataset_detected_by_headers_outside_dataset_folders(settings):
    write_rows(
        settings.raw / "misc" / "x.csv",
        [["演练编号", "统一社会信用代码", "演练日期"], ["D1", "E1", "2024-01-01"]],
    )
    assert one(ingest(None, settings)).datasets == ["drills"]


def test_folder_name_decides_the_dataset(settings):
    # 编号 + 信用代码 + 日期 fit drills by headers, but the folder says video_sites-like hazards
    write_rows(
        settings.raw / "hazards" / "x.csv",
        [["编号", "统一社会信用代码", "等级", "发现日期"], ["H1", "E1", "一般", "2024-01-01"]],
    )
    assert one(ingest(None, settings)).datasets == ["hazards"]


def test_two_datasets_fitting_equally_is_a_clear_error(settings):
    write_rows(
        settings.raw / "x.csv", [["统一社会信用代码", "编号", "所属区市"], ["E1", "D1", "环翠区"]]
    )
    r = one(ingest(None, settings))
    assert r.status == "failed"
    assert "x.csv" in r.message and "drills" in r.message and "equally" in r.message


def test_no_header_row_is_a_clear_error(settings):
    write_rows(settings.raw / "hazards" / "x.csv", [["a", "b"], ["1", "2"]])
    r = one(ingest(None, settings))
    assert r.status == "failed" and "x.csv" in r.message and "header" in r.message


def test_reingesting_the_same_file_changes_nothing(settings):
    path = write_rows(
        settings.raw / "hazards" / "h.csv",
        [HAZARD_HEADER, ["H1", "E1", "文登区", "一般", "2024-01-02"]],
    )
    ingest(None, settings)
    before = query(settings, "SELECT * FROM hazards")
    r = one(ingest([path], settings))
    assert r.status == "unchanged"
    assert query(settings, "SELECT * FROM hazards") == before
    assert query(settings, "SELECT count(*) FROM ingest_files") == [(1,)]


def test_later_file_wins_and_the_replaced_row_goes_to_history(settings):
    write_rows(
        settings.raw / "hazards" / "a.csv",
        [
            HAZARD_HEADER,
            ["H1", "E1", "文登区", "重大", "2024-01-02", ""],
            ["H2", "E1", "文登区", "一般", "2024-01-03", ""],
        ],
    )
    write_rows(
        settings.raw / "hazards" / "b_update.csv",
        [HAZARD_HEADER, ["H1", "E1", "文登区", "重大", "2024-01-02", "2024-02-01"]],
    )
    ingest(None, settings)
    assert query(
        settings, "SELECT hazard_id, rectified_date, _file_id FROM hazards ORDER BY 1"
    ) == [("H1", dt.date(2024, 2, 1), 2), ("H2", None, 1)]
    assert query(
        settings,
        "SELECT hazard_id, rectified_date, _file_id, _replaced_by_file_id FROM hazards_history",
    ) == [("H1", None, 1, 2)]


def test_a_training_count_replaced_within_its_month_bounds(settings):
    """The upsert reads only the rows within the staged rows' months (the last key column, a
    month): a count replaced by a later file of other months too goes to history, the counts
    of other months stay."""
    header = ["统一社会信用代码", "培训类别", "统计月份", "培训人数"]
    code = "91371002MA3C0000X1"
    write_rows(
        settings.raw / "training_counts" / "a.csv",
        [header, [code, "主要负责人", "2024-01", "3"], [code, "主要负责人", "2024-03", "4"]],
    )
    write_rows(
        settings.raw / "training_counts" / "b_update.csv",
        [header, [code, "主要负责人", "2024-02", "1"], [code, "主要负责人", "2024-03", "9"]],
    )
    ingest(None, settings)
    counts = "SELECT month, trained, _file_id FROM training_counts ORDER BY 1"
    assert query(settings, counts) == [
        (dt.date(2024, 1, 1), 3, 1),
        (dt.date(2024, 2, 1), 1, 2),
        (dt.date(2024, 3, 1), 9, 2),
    ]
    history = "SELECT month, trained, _replaced_by_file_id FROM training_counts_history"
    assert query(settings, history) == [(dt.date(2024, 3, 1), 4, 2)]


def test_duplicate_keys_in_one_file(settings):
    write_rows(
        settings.raw / "hazards" / "h.csv",
        [
            HAZARD_HEADER,
            ["H1", "E1", "文登区", "一般", "2024-01-02"],
            ["H1", "E1", "文登区", "一般", "2024-01-02"],  # identical: one kept
            ["H2", "E1", "文登区", "一般", "2024-01-02"],
            ["H2", "E1", "文登区", "重大", "2024-01-02"],  # conflict: both held
        ],
    )
    r = one(ingest(None, settings))
    assert (r.rows_read, r.rows_stored, r.rows_held, r.rows_skipped) == (4, 1, 2, 1)
    assert query(settings, "SELECT hazard_id FROM hazards") == [("H1",)]
    assert query(settings, "SELECT row_no, rule_id, raw_value FROM held_rows ORDER BY row_no") == [
        (4, "duplicate_conflict", "H2"),
        (5, "duplicate_conflict", "H2"),
    ]


def test_unreadable_cells_keep_their_raw_text_for_validation(settings):
    write_rows(
        settings.raw / "hazards" / "h.csv",
        [
            HAZARD_HEADER,
            ["H1", "E1", "文登区", "特大", "2024-02-30", "", "-3"],
            [
                "H2",
                "",
                "文登区",
                "一般",
                "2024-01-01",
            ],  # part of nothing: key present, enterprise blank (stored, validated)
        ],
    )
    write_rows(
        settings.raw / "training_counts" / "t.csv",
        [
            ["统一社会信用代码", "培训类别", "统计月份", "培训人数"],
            ["E1", "保安", "2024-05", "3"],  # a key column unreadable: held with its raw text
            ["E1", "全员", "", "3"],  # a key column blank: held as required
        ],
    )
    ingest(None, settings)
    assert query(
        settings,
        "SELECT level, level__raw, found_date, found_date__raw, funds FROM hazards WHERE hazard_id='H1'",
    ) == [(None, "特大", None, "2024-02-30", -3.0)]
    assert query(
        settings, "SELECT row_no, rule_id, column_name, raw_value FROM held_rows ORDER BY row_no"
    ) == [(2, "invalid_category", "category", "保安"), (3, "required_missing", "month", None)]


def test_row_accounting_for_every_sample_file(settings):
    from safetystats.sample import write_sample

    write_sample(settings.raw, settings, seed=7, scale_name="small")
    results = ingest(None, settings)
    assert len(results) >= 10
    for r in results:
        assert r.status == "ingested", r.message
        assert r.rows_read == r.rows_stored + r.rows_held + r.rows_skipped, r.path.name
    logged = query(
        settings,
        "SELECT sum(rows_read), sum(rows_stored + rows_held + rows_skipped) FROM ingest_files",
    )
    assert logged[0][0] == logged[0][1] == sum(r.rows_read for r in results)
    assert query(settings, "SELECT bool_and(is_sample) FROM ingest_files") == [(True,)]


def test_raw_files_are_never_modified(settings):
    from safetystats.sample import write_sample

    files = write_sample(settings.raw, settings, seed=3, scale_name="small")
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    ingest(None, settings)
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files} == before
    assert sorted(p for p in settings.raw.rglob("*") if p.is_file()) == sorted(files)


def test_a_failure_in_the_middle_of_a_file_leaves_the_store_as_before(settings, monkeypatch):
    """Fault injection: the second dataset of a two-sheet workbook fails to store."""
    write_rows(
        settings.raw / "hazards" / "a.csv",
        [HAZARD_HEADER, ["H1", "E1", "文登区", "一般", "2024-01-02"]],
    )
    ingest(None, settings)
    snapshot = {
        t: query(settings, f"SELECT * FROM {t} ORDER BY ALL")
        for t in ("hazards", "hazards_history", "drills", "ingest_files", "held_rows")
    }
    book = settings.raw.parent / "book.xlsx"
    write_xlsx(
        book,
        {
            "隐患": pl.DataFrame(
                {
                    "隐患编号": ["H1", "H9"],
                    "信用代码": ["E1", "E1"],
                    "等级": ["重大", "一般"],
                    "发现日期": ["2024-01-02", "2024-03-03"],
                }
            ),
            "演练": pl.DataFrame(
                {"演练编号": ["D1"], "信用代码": ["E1"], "演练日期": ["2024-01-05"]}
            ),
        },
    )
    from safetystats import store
    from safetystats.ingest import staging

    real_upsert = staging.upsert

    def failing_upsert(con, spec, staged, file_id, now):
        if spec.name == "hazards":
            real_upsert(con, spec, staged, file_id, now)  # lands inside the transaction ...
            raise OSError("disk full")  # ... then the file fails
        return real_upsert(con, spec, staged, file_id, now)

    monkeypatch.setattr(staging, "upsert", failing_upsert)
    specs = load_specs(settings)
    with store.writer(settings.db) as con:
        staging.ensure_tables(con, specs)
        r = ingest_file(con, book, settings, specs)
    assert r.status == "failed" and "store is unchanged" in r.message and "disk full" in r.message
    for table, rows in snapshot.items():
        assert query(settings, f"SELECT * FROM {table} ORDER BY ALL") == rows, table


def test_blank_lines_keep_spreadsheet_row_numbers(settings):
    path = settings.raw / "hazards" / "h.csv"
    path.parent.mkdir(parents=True)
    path.write_text(
        "隐患编号,统一社会信用代码,隐患等级,发现日期\nH1,E1,一般,2024-01-01\n\nH2,E1,一般,2024-01-02\n",
        encoding="utf-8",
    )
    r = one(ingest(None, settings))
    assert r.rows_read == 3 and r.rows_skipped == 1
    assert query(settings, "SELECT hazard_id, _row FROM hazards ORDER BY 1") == [
        ("H1", 2),
        ("H2", 4),
    ]


def test_sample_is_deterministic_by_seed(tmp_path, settings):
    from safetystats.sample import write_sample

    first = write_sample(tmp_path / "a", settings, seed=9, scale_name="small")
    second = write_sample(tmp_path / "b", settings, seed=9, scale_name="small")
    other = write_sample(tmp_path / "c", settings, seed=10, scale_name="small")
    for a, b in zip(first, second, strict=True):
        tables_a, tables_b = read_tables(a), read_tables(b)
        assert [t.frame.rows() for t in tables_a] == [t.frame.rows() for t in tables_b], a.name
    hazards = [p for p in first if p.name.endswith("2023.csv")][0]
    assert hazards.read_bytes() != [p for p in other if p.name.endswith("2023.csv")][0].read_bytes()


def test_a_notes_sheet_beside_the_data_is_skipped_and_said(settings):
    write_xlsx(
        settings.raw / "drills" / "d.xlsx",
        {
            "填表说明": pl.DataFrame({"说明": ["1. 日期格式为 2024-03-20", "2. 四不演练填 是/否"]}),
            "演练": pl.DataFrame(
                {"演练编号": ["D1"], "统一社会信用代码": ["E1"], "演练日期": ["2024-03-20"]}
            ),
        },
    )
    r = one(ingest(None, settings))
    assert r.status == "ingested" and r.rows_stored == 1
    assert any("填表说明" in w and "no header row" in w for w in r.warnings)


def test_a_workbook_with_no_data_sheet_fails_clearly(settings):
    write_xlsx(
        settings.raw / "drills" / "d.xlsx",
        {"说明": pl.DataFrame({"a": ["x"]}), "备注": pl.DataFrame({"b": ["y"]})},
    )
    r = one(ingest(None, settings))
    assert r.status == "failed" and "说明" in r.message and "备注" in r.message


def test_cli_exit_code_1_when_a_file_cannot_be_read_and_the_rest_lands(settings, tmp_path):
    from click.testing import CliRunner

    from safetystats.cli import app
    from safetystats.config import settings_toml

    bad = settings.raw / "hazards" / "a_bad.xlsx"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"not a workbook")
    write_rows(
        settings.raw / "hazards" / "b.csv",
        [HAZARD_HEADER, ["H1", "E1", "文登区", "一般", "2024-01-02"]],
    )
    config = tmp_path / "safetystats.toml"
    config.write_text(settings_toml(settings), encoding="utf-8")
    result = CliRunner().invoke(app, ["--config", str(config), "ingest"])
    assert result.exit_code == 1
    assert "a_bad.xlsx" in result.output and "not a workbook" in result.output
    assert query(settings, "SELECT hazard_id FROM hazards") == [("H1",)]


def test_no_table_ends_with_exit_0_and_all_its_rows_skipped(settings):
    """Rows with data are never skipped: an empty key is held for the quarantine, and a table
    of nothing but footers fails with a message instead of landing empty."""
    write_rows(
        settings.raw / "hazards" / "keys.csv",
        [
            ["隐患编号", "统一社会信用代码", "隐患等级", "发现日期"],
            ["", "E1", "一般", "2024-03-01"],
        ],
    )
    write_rows(
        settings.raw / "hazards" / "notes.csv",
        [
            ["隐患编号", "统一社会信用代码", "隐患等级", "发现日期"],
            ["说明：本表按月报送"],
            ["合计", "", "", ""],
        ],
    )
    keys, notes = ingest(None, settings)
    assert (keys.status, keys.rows_read, keys.rows_stored, keys.rows_held, keys.rows_skipped) == (
        "ingested",
        1,
        0,
        1,
        0,
    )
    assert (
        notes.status == "failed"
        and "no data rows" in notes.message
        and "notes.csv" in notes.message
    )


def test_a_huge_number_and_a_huge_field_are_rows_not_crashes(settings):
    long_text = "很长的隐患描述" * 30000  # 210,000 characters: over the csv module's default limit
    write_rows(
        settings.raw / "hazards" / "h.csv",
        [
            [
                "隐患编号",
                "统一社会信用代码",
                "所属区市",
                "隐患等级",
                "发现日期",
                "整改资金",
                "隐患描述",
            ],
            ["H1", "E1", "环翠区", "一般", "2024-03-01", "1" * 100, "x"],
            ["H2", "E1", "环翠区", "一般", "2024-03-01", "2", long_text],
        ],
    )
    r = one(ingest(None, settings))
    assert (r.status, r.rows_read, r.rows_stored, r.rows_held) == ("ingested", 2, 2, 0), r.message
    # a (silly) 100-digit amount is still a number: stored, not an OverflowError
    assert query(settings, "SELECT funds, funds__raw FROM hazards WHERE hazard_id = 'H1'") == [
        (float("1" * 100), None)
    ]
    assert query(settings, "SELECT length(description) FROM hazards WHERE hazard_id = 'H2'") == [
        (len(long_text),)
    ]


def test_old_mac_line_endings(settings):
    path = settings.raw / "hazards" / "mac.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(
        "隐患编号,统一社会信用代码,隐患等级,发现日期\rH1,E1,一般,2024-03-01\rH2,E1,重大,2024-03-02\r".encode(
            "gb18030"
        )
    )
    r = one(ingest(None, settings))
    assert (r.status, r.rows_read, r.rows_stored) == ("ingested", 2, 2)


def test_a_wide_training_summary_is_unpivoted(settings):
    """One column per category (主要负责人（人.次）...) beside the enterprise and the month."""
    write_rows(
        settings.raw / "training_counts" / "wide.csv",
        [
            ["培训情况汇总（按企业）"],
            [
                "统一社会信用代码",
                "统计月份",
                "主要负责人（人.次）",
                "安全生产管理人员（人.次）",
                "全员",
            ],
            ["E1", "2024-03", "2", "5", ""],  # a blank cell is no row
            ["E2", "2024-03", "1", "十", "30"],  # 十 is not a number: that one cell's row held
        ],
    )
    r = one(ingest(None, settings))
    assert r.status == "ingested", r.message
    rows = query(
        settings,
        "SELECT enterprise_id, category, trained, trained__raw, _row FROM training_counts ORDER BY 1, 2",
    )
    assert rows == [
        ("E1", "主要负责人", 2, None, 3),
        ("E1", "安全生产管理人员", 5, None, 3),
        ("E2", "主要负责人", 1, None, 4),
        ("E2", "全员", 30, None, 4),
        ("E2", "安全生产管理人员", None, "十", 4),  # kept raw: validate quarantines it at row 4
    ]


def test_a_roster_is_named_by_its_rosters_folder_at_any_depth(tmp_path):
    from safetystats.ingest.pipeline import file_values

    s = load_settings(raw=tmp_path / "raw")
    where = {
        s.raw / "rosters" / "电梯应急处置平台" / "a.csv": "电梯应急处置平台",
        s.raw / "2025-01" / "rosters" / "变型拖拉机复查" / "sub" / "b.csv": "变型拖拉机复查",
        tmp_path / "elsewhere" / "rosters" / "燃气用户" / "c.csv": "燃气用户",
    }
    for path, name in where.items():
        assert file_values(path, s).get("roster") == name, path
    assert "roster" not in file_values(s.raw / "rosters" / "d.csv", s)  # no folder: no name
    assert "roster" not in file_values(s.raw / "hazards" / "e.csv", s)


def test_merged_data_cells_of_a_workbook_are_each_rows(settings, monkeypatch):
    """A clerk merges 所属区市 down the rows of one district, under a title merged across:
    calamine reads a merged range's other cells as blank, and two of the three hazards were
    quarantined for a blank district (the HTML and 2003 XML readers already filled them)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["环翠区隐患排查治理台账"])
    sheet.merge_cells("A1:E1")
    sheet.append(["隐患编号", "统一社会信用代码", "所属区市", "隐患等级", "发现日期"])
    for i in range(3):
        sheet.append(
            [f"H{i}", "91371000MA3C000001", "环翠区" if i == 0 else None, "一般", "2024-03-01"]
        )
    sheet.append(["H3", "91371000MA3C000001", "文登区", "一般", "2024-03-02"])
    sheet.merge_cells("C3:C5")
    path = settings.raw / "hazards" / "合并.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    from safetystats.ingest import cells

    def parsed_again(*_):  # the sheet's columns come from its XML, not from a second parse
        raise AssertionError("the whole sheet parsed again")

    monkeypatch.setattr(cells, "sheet_start_column", parsed_again)
    r = one(ingest([path], settings))
    assert r.status == "ingested", r.message
    assert (r.rows_stored, r.rows_held) == (4, 0)
    rows = query(settings, "SELECT hazard_id, district FROM hazards ORDER BY 1")
    assert rows == [("H0", "环翠区"), ("H1", "环翠区"), ("H2", "环翠区"), ("H3", "文登区")]
