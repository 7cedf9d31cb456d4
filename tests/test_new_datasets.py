"""tasks (DATA_SPEC 2.12), activities (2.13) and the enforcement columns of inspections (2.10)
through ingestion: derived keys, vocabularies, recognition by folder and by headers, units."""

import duckdb
import pytest
from click.testing import CliRunner
from conftest import write_rows

from safetystats.cli import app
from safetystats.config import load_settings
from safetystats.errors import ConfigError
from safetystats.ingest import ingest

TASK_HEADER = [
    "任务编号",
    "任务名称",
    "项目名称",
    "所属区市",
    "计划数",
    "完成数",
    "计量单位",
    "填报日期",
]
ACTIVITY_HEADER = [
    "编号",
    "所属区市",
    "组织单位",
    "活动类型",
    "召开日期",
    "主要负责人参加",
    "参加人数",
]


def settings_with(tmp_path, extra: str = ""):
    path = tmp_path / "safetystats.toml"
    path.write_text(
        '[paths]\nraw = "raw"\ndb = "store.duckdb"\nreports = "reports"\n' + extra,
        encoding="utf-8",
    )
    return load_settings(path)


def rows(s, sql: str) -> list[tuple]:
    con = duckdb.connect(str(s.db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def ingested(s) -> None:
    results = ingest(None, s)
    assert [r.status for r in results] == ["ingested"] * len(results), [r.message for r in results]


# --- tasks -------------------------------------------------------------------------------


def test_a_tasks_reports_share_a_derived_id_and_a_written_id_stays(tmp_path):
    s = settings_with(tmp_path)
    write_rows(
        s.raw / "tasks" / "任务进度.csv",
        [
            TASK_HEADER,
            ["", "小型病险水库除险加固", "甲水库", "环翠区", "1", "0", "座", "2024-03-31"],
            ["", "小型病险水库除险加固", "甲水库", "环翠区", "1", "1", "座", "2024-06-30"],
            ["", "小型病险水库除险加固", "乙水库", "环翠区", "1", "0", "座", "2024-06-30"],
            ["RW-9", "农村公路危桥改造", "丙桥", "文登区", "2", "3", "座", "2024-06-30"],
        ],
    )
    ingested(s)
    got = rows(s, "SELECT task_id, project_name, done, report_date FROM tasks ORDER BY 2, 4")
    jia = [r for r in got if r[1] == "甲水库"]
    yi = [r for r in got if r[1] == "乙水库"]
    # the two reports of 甲水库 share one auto: id, 乙水库 has another
    assert jia[0][0] == jia[1][0] and jia[0][0].startswith("auto:") and len(jia[0][0]) == 17
    assert yi[0][0].startswith("auto:") and yi[0][0] != jia[0][0]
    # a written id stays as written (upper-cased as every key); over-delivery (3 of 2) is kept
    assert ("RW-9", "丙桥", 3.0) == next(r for r in got if r[1] == "丙桥")[:3]


def test_the_same_task_next_month_gets_the_same_derived_id(tmp_path):
    s = settings_with(tmp_path)
    row = ["", "村道安保工程", "某村道", "环翠区", "71", "20", "公里"]
    write_rows(s.raw / "tasks" / "a.csv", [TASK_HEADER, [*row, "2024-05-31"]])
    write_rows(s.raw / "tasks" / "b.csv", [TASK_HEADER, [*row[:5], "35", "公里", "2024-06-30"]])
    ingested(s)
    assert rows(s, "SELECT count(DISTINCT task_id), count(*) FROM tasks") == [(1, 2)]


def test_a_task_whose_unit_is_spelled_another_way_keeps_its_derived_id(tmp_path):
    s = settings_with(tmp_path)
    row = ["", "农村公路危桥改造", "某桥"]
    write_rows(
        s.raw / "tasks" / "a.csv", [TASK_HEADER, [*row, "经区", "1", "0", "座", "2024-03-31"]]
    )
    write_rows(
        s.raw / "tasks" / "b.csv",
        [TASK_HEADER, [*row, "威海经济技术开发区", "1", "1", "座", "2024-06-30"]],
    )
    ingested(s)
    assert rows(s, "SELECT count(DISTINCT task_id), count(*) FROM tasks") == [(1, 2)]


def test_a_tasks_file_is_recognised_by_its_headers_outside_its_folder(tmp_path):
    s = settings_with(tmp_path)
    write_rows(
        s.raw / "2024年八大行动工程进度.csv",
        [
            ["工作任务", "工程名称", "区市", "目标数", "累计完成", "单位", "截至日期", "完成时限"],
            ["农村公路危桥改造", "丁桥", "荣成市", "1", "1", "座", "2024-09-30", "2024-12-31"],
        ],
    )
    ingested(s)
    assert rows(s, "SELECT task, planned, done, measure, deadline::VARCHAR FROM tasks") == [
        ("农村公路危桥改造", 1.0, 1.0, "座", "2024-12-31")
    ]


# --- activities ----------------------------------------------------------------------------


def test_activity_kinds_map_their_spellings_and_blank_ids_are_derived(tmp_path):
    s = settings_with(tmp_path)
    write_rows(
        s.raw / "activities" / "工作开展情况.csv",
        [
            ACTIVITY_HEADER,
            ["HD-1", "环翠区", "区安委会", "安委会会议", "2024-03-28", "是", "40"],
            ["", "环翠区", "区安委办", "推进会", "2024-04-10", "", "25"],
            ["", "文登区", "区应急管理局", "公益课堂", "2024-04-12", "否", ""],
            ["", "文登区", "区安委办", "形势分析", "2024-04-15", "是", "12"],
            ["", "文登区", "区安委办", "专题督导", "2024-04-20", "是", "6"],
        ],
    )
    ingested(s)
    got = rows(s, "SELECT activity_id, kind, principal_led FROM activities ORDER BY activity_date")
    assert [r[1] for r in got] == ["会议", "会议", "宣传教育", "风险研判", "督导检查"]
    assert got[0][0] == "HD-1" and all(r[0].startswith("auto:") for r in got[1:])
    assert len({r[0] for r in got}) == 5
    assert [r[2] for r in got] == [True, None, False, True, True]  # blank stays blank


def test_activity_kinds_are_extended_from_the_settings_and_a_wrong_value_is_named(tmp_path):
    s = settings_with(tmp_path, '[vocab.activity_kinds]\n"会议" = ["安全生产例会"]\n')
    write_rows(
        s.raw / "activities" / "例会.csv",
        [ACTIVITY_HEADER, ["", "环翠区", "区安委办", "安全生产例会", "2024-05-06", "是", "20"]],
    )
    ingested(s)
    assert rows(s, "SELECT kind FROM activities") == [("会议",)]
    (tmp_path / "bad").mkdir()
    with pytest.raises(ConfigError, match="例会"):  # at load or when the column is read
        bad = settings_with(tmp_path / "bad", '[vocab.activity_kinds]\n"例会" = ["安全生产例会"]\n')
        write_rows(bad.raw / "activities" / "例会.csv", [ACTIVITY_HEADER, ACTIVITY_HEADER])
        ingest(None, bad)


def test_an_activities_file_is_recognised_by_its_headers(tmp_path):
    s = settings_with(tmp_path)
    write_rows(
        s.raw / "2024年各单位警示教育开展情况.csv",
        [
            ["所属区县", "牵头单位", "工作类型", "开展日期", "活动内容"],
            ["乳山市", "市安委办", "警示教育活动", "2024-07-02", "观看警示教育片"],
        ],
    )
    ingested(s)
    assert rows(s, "SELECT district, organiser, kind, description FROM activities") == [
        ("乳山市", "市安委办", "警示教育", "观看警示教育片")
    ]


# --- inspections: the enforcement columns ---------------------------------------------------


def test_a_penalty_in_yuan_is_stored_in_wan_yuan(tmp_path):
    s = settings_with(tmp_path)
    head = ["检查编号", "统一社会信用代码", "检查日期", "检查类型", "是否立案", "责令停产停业"]
    write_rows(
        s.raw / "inspections" / "元.csv",
        [[*head, "罚款金额（元）"], ["I1", "E1", "2024-04-01", "执法检查", "是", "否", "50,000"]],
    )
    write_rows(
        s.raw / "inspections" / "万元.csv",
        [[*head, "罚款金额(万元)"], ["I2", "E1", "2024-04-02", "执法检查", "是", "是", "2.5"]],
    )
    write_rows(
        s.raw / "inspections" / "无单位.csv",
        [[*head, "罚款金额"], ["I3", "E1", "2024-04-03", "执法检查", "否", "否", "0"]],
    )
    ingested(s)
    # 50,000 元 = 5 万元; 2.5 万元 and a bare 罚款金额 (万元, the column's unit) stay
    assert rows(
        s, "SELECT inspection_id, penalty, case_filed, suspension FROM inspections ORDER BY 1"
    ) == [
        ("I1", 5.0, True, False),
        ("I2", 2.5, True, True),
        ("I3", 0.0, False, False),
    ]


def test_a_money_cell_that_names_its_unit_is_read_in_it(tmp_path):
    """DATA_SPEC 3 accepts a trailing 元 or 万元 on a number: `5000元` under 罚款金额 was stored
    as 5000 万元, 10,000 times the fine. A cell's own unit wins over its header's; a header in
    元 divides the bare figures of 整改资金 and 直接经济损失 too (all three are in 万元)."""
    s = settings_with(tmp_path)
    head = ["检查编号", "统一社会信用代码", "检查日期", "检查类型"]
    write_rows(
        s.raw / "inspections" / "单位.csv",
        [
            [*head, "罚款金额"],
            ["I1", "E1", "2024-04-01", "执法检查", "5000元"],
            ["I2", "E1", "2024-04-02", "执法检查", "1.5万元"],
            ["I3", "E1", "2024-04-03", "执法检查", "３萬元"],
            ["I4", "E1", "2024-04-04", "执法检查", "2"],
        ],
    )
    write_rows(
        s.raw / "inspections" / "元.csv",
        [[*head, "罚款金额（元）"], ["I5", "E1", "2024-04-05", "执法检查", "1.5万元"]],
    )
    write_rows(
        s.raw / "hazards" / "隐患.csv",
        [
            ["隐患编号", "统一社会信用代码", "隐患等级", "发现日期", "整改资金（元）"],
            ["H1", "E1", "一般", "2024-04-01", "25000"],
            ["H2", "E1", "一般", "2024-04-01", "0.3万元"],
        ],
    )
    write_rows(
        s.raw / "accidents" / "事故.csv",
        [
            ["事故编号", "所属区市", "发生日期", "事故等级", "死亡人数", "直接经济损失（元）"],
            ["A1", "环翠区", "2024-04-01", "一般", "1", "350000"],
            ["A2", "环翠区", "2024-04-02", "一般", "0", "12万元"],
        ],
    )
    ingested(s)
    assert rows(s, "SELECT inspection_id, penalty FROM inspections ORDER BY 1") == [
        ("I1", 0.5),
        ("I2", 1.5),
        ("I3", 3.0),
        ("I4", 2.0),
        ("I5", 1.5),
    ]
    assert rows(s, "SELECT hazard_id, funds FROM hazards ORDER BY 1") == [("H1", 2.5), ("H2", 0.3)]
    assert rows(s, "SELECT accident_id, direct_loss FROM accidents ORDER BY 1") == [
        ("A1", 35.0),
        ("A2", 12.0),
    ]


def test_si_bu_liang_zhi_in_the_manner_column_makes_an_unannounced_enforcement_check(tmp_path):
    s = settings_with(tmp_path)
    write_rows(  # the manner column alone: it gives the kind too
        s.raw / "inspections" / "方式.csv",
        [
            ["检查编号", "统一社会信用代码", "检查日期", "检查方式", "罚款金额"],
            ["I1", "E1", "2024-04-01", "四不两直", "1"],
            ["I2", "E1", "2024-04-02", "暗查暗访（夜查）", ""],
            ["I3", "E1", "2024-04-03", "执法检查", ""],
            ["I4", "E1", "2024-04-04", "负责人带队检查", ""],
        ],
    )
    write_rows(  # another column gives the kind; the manner only says how
        s.raw / "inspections" / "类型加方式.csv",
        [
            ["检查编号", "统一社会信用代码", "检查日期", "检查类型", "检查方式"],
            ["I5", "E1", "2024-04-05", "督导检查", "暗查暗访"],
            ["I6", "E1", "2024-04-06", "执法检查", "常规检查"],
            ["I7", "E1", "2024-04-07", "执法检查", ""],
        ],
    )
    ingested(s)
    assert rows(s, "SELECT inspection_id, kind, unannounced FROM inspections ORDER BY 1") == [
        ("I1", "执法检查", True),
        ("I2", "执法检查", True),
        ("I3", "执法检查", False),
        ("I4", "负责人带队检查", False),
        ("I5", "督导检查", True),
        ("I6", "执法检查", False),
        ("I7", "执法检查", None),  # blank manner, no 四不两直 column: not known
    ]


def test_an_unannounced_column_and_the_manner_agree_on_true(tmp_path):
    s = settings_with(tmp_path)
    write_rows(
        s.raw / "inspections" / "both.csv",
        [
            ["检查编号", "统一社会信用代码", "检查日期", "检查类型", "检查方式", "是否四不两直"],
            ["I1", "E1", "2024-04-01", "执法检查", "四不两直", "否"],
            ["I2", "E1", "2024-04-02", "执法检查", "常规检查", "是"],
            ["I3", "E1", "2024-04-03", "执法检查", "常规检查", ""],
        ],
    )
    ingested(s)
    assert rows(s, "SELECT unannounced FROM inspections ORDER BY inspection_id") == [
        (True,),
        (True,),
        (False,),
    ]


def test_a_ledger_without_the_enforcement_columns_leaves_them_null_not_zero(tmp_path):
    s = settings_with(tmp_path)
    write_rows(
        s.raw / "inspections" / "旧表.csv",
        [
            ["检查编号", "统一社会信用代码", "检查日期", "检查类型", "发现隐患数"],
            ["I1", "E1", "2024-04-01", "执法检查", "2"],
        ],
    )
    ingested(s)
    assert rows(
        s,
        "SELECT hazards_found, major_hazards_found, unannounced, case_filed, penalty, "
        "suspension, off_site FROM inspections",
    ) == [(2, None, None, None, None, None, None)]


def test_inspect_shows_the_new_datasets_and_columns(tmp_path):
    s = settings_with(tmp_path)
    task = write_rows(
        tmp_path / "进度.csv",
        [
            TASK_HEADER,
            ["", "化工园区封闭化管理", "某化工园区", "环翠区", "1", "0", "个", "2024-06-30"],
        ],
    )
    result = CliRunner().invoke(
        app, ["--config", str(s.config_file), "inspect", str(task)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "tasks" in result.stdout and "report_date" in result.stdout
    assert "填报日期" in result.stdout and "loads" in result.stdout
