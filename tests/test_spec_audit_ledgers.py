"""DATA_SPEC 2.9–2.13 to the letter (spec audit): every header spelling the spec lists for
accidents, inspections, rosters, tasks and activities is recognised, and the values the notes
name are read as they say (事故等级 with or without 事故, the kinds and their synonyms, a penalty
in 元, 检查方式 reading 四不两直, derived keys). Tables are staged in memory by the ingest's
own ``prepare`` (no store): what a file with that header row would store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from safetystats.config import load_settings
from safetystats.ingest.prepare import prepare
from safetystats.ingest.read import RawTable
from safetystats.ingest.spec import load_specs

SETTINGS = load_settings()
SPECS = load_specs(SETTINGS)
D = dt.date.fromisoformat

# the header spellings of the spec's tables (2.9–2.13), as written there
SPEC_HEADERS = {
    "accidents": {
        "accident_id": ["事故编号", "编号"],
        "accident_date": ["事故发生时间", "发生时间", "事故日期", "发生日期"],
        "level": ["事故等级", "事故级别"],
        "deaths": ["死亡人数", "死亡"],
        "injuries": ["受伤人数", "重伤人数", "受伤"],
        "direct_loss": ["直接经济损失", "直接经济损失(万元)"],
        "description": ["事故简况", "事故经过", "简要经过"],
    },
    "inspections": {
        "inspection_id": ["检查编号", "编号"],
        "inspection_date": ["检查日期", "检查时间"],
        "kind": ["检查类型", "检查方式", "类型"],
        "department": ["检查单位", "检查部门"],
        "hazards_found": ["发现隐患数", "隐患数"],
        "major_hazards_found": ["发现重大隐患数", "重大隐患数"],
        "unannounced": ["是否四不两直", "四不两直", "是否暗查暗访", "暗查暗访"],
        "case_filed": ["是否立案", "立案"],
        "penalty": ["罚款金额", "罚款金额(万元)", "处罚金额"],  # 罚款金额(元): below
        "suspension": ["责令停产停业", "是否责令停产整顿", "停产整顿"],
        "off_site": ["非现场执法", "是否非现场执法"],
    },
    "rosters": {
        "roster": ["名单", "名单名称", "清单"],
        "object_id": ["对象编号", "编号", "设备编号", "登记编号"],
        "object_name": ["名称", "对象名称", "设备名称"],
        "in_scope": ["是否纳入", "纳入范围", "是否在册"],
        "done": ["是否完成", "完成情况", "是否接入", "是否复查"],
        "done_date": ["完成日期", "接入日期", "复查日期"],
    },
    "tasks": {
        "task_id": ["任务编号", "项目编号", "编号"],
        "task": ["任务名称", "工作任务", "任务类别", "项目类别"],
        "project_name": ["项目名称", "工程名称"],
        "planned": ["计划数", "任务数", "目标数", "计划数量", "计划完成"],
        "done": ["完成数", "已完成", "累计完成", "完成数量"],
        "measure": ["计量单位", "单位"],
        "report_date": ["填报日期", "统计日期", "截至日期", "报送日期"],
        "deadline": ["完成时限", "完成期限"],
    },
    "activities": {
        "activity_id": ["编号", "活动编号"],
        "organiser": ["组织单位", "主办单位", "牵头单位", "牵头部门"],
        "kind": ["活动类型", "类型", "工作类型"],
        "activity_date": ["日期", "活动日期", "召开日期", "开展日期"],
        "principal_led": ["主要负责人参加", "主要负责人带队", "党政主要负责人参加"],
        "participants": ["参加人数", "参与人数"],
        "description": ["内容", "主要内容", "会议主题", "活动内容"],
    },
}

# one row per dataset: column -> (cell as written, value stored); district and enterprise
# columns (as 2.1) under their first spelling
ROWS = {
    "accidents": {"accident_id": ("SG-1", "SG-1"), "accident_date": ("2024-02-29", D("2024-02-29")),
                  "district": ("环翠区", "环翠区"), "level": ("较大事故", "较大"),
                  "deaths": ("2", 2), "injuries": ("3", 3), "direct_loss": ("12.5", 12.5),
                  "description": ("高处坠落", "高处坠落")},
    "inspections": {"inspection_id": ("JC-1", "JC-1"), "enterprise_id": ("e1", "E1"),
                    "inspection_date": ("2024-03-01", D("2024-03-01")), "kind": ("督导检查", "督导检查"),
                    "department": ("市应急局", "市应急局"), "hazards_found": ("4", 4),
                    "major_hazards_found": ("1", 1), "unannounced": ("是", True),
                    "case_filed": ("是", True), "penalty": ("2.5", 2.5), "suspension": ("否", False),
                    "off_site": ("是", True)},
    "rosters": {"roster": ("电梯应急处置平台", "电梯应急处置平台"), "object_id": ("DT-1", "DT-1"),
                "district": ("文登区", "文登区"), "object_name": ("1号电梯", "1号电梯"),
                "in_scope": ("是", True), "done": ("是", True), "done_date": ("2024-04-01", D("2024-04-01"))},
    "tasks": {"task_id": ("RW-1", "RW-1"), "task": ("农村公路危桥改造", "农村公路危桥改造"),
              "project_name": ("甲桥", "甲桥"), "district": ("荣成市", "荣成市"), "planned": ("14", 14.0),
              "done": ("3.5", 3.5), "measure": ("座", "座"), "report_date": ("2024-06-30", D("2024-06-30")),
              "deadline": ("2024-12-31", D("2024-12-31"))},
    "activities": {"activity_id": ("HD-1", "HD-1"), "district": ("乳山市", "乳山市"),
                   "organiser": ("市安委会", "市安委会"), "kind": ("联合检查", "联合检查"),
                   "activity_date": ("2024-05-08", D("2024-05-08")), "principal_led": ("是", True),
                   "participants": ("25", 25), "description": ("专题部署", "专题部署")},
}  # fmt: skip
FIRST = {"district": "所属区市", "enterprise_id": "统一社会信用代码"}


def table(rows: list[list[str]]) -> RawTable:
    frame = pl.DataFrame(rows, schema=[f"c{i}" for i in range(len(rows[0]))], orient="row")
    return RawTable(Path("ledger.csv"), None, frame)


def staged(dataset: str, header: list[str], *cells: list[str], folder: str | None = None):
    """The rows a file with this header row and these rows stores (as dicts)."""
    prep = prepare(table([header, *cells]), SPECS, SETTINGS, folder or dataset)
    assert prep.dataset == dataset
    return prep.staged.to_dicts()


def headers_of(dataset: str, column: str | None = None, spelling: str | None = None):
    out = []
    for name in ROWS[dataset]:
        if name == column:
            out.append(spelling)
        else:
            out.append(FIRST.get(name) or SPEC_HEADERS[dataset][name][0])
    return out


def cells_with(dataset: str, column: str | None = None, written: str | None = None) -> list[str]:
    """The dataset's row as written, with ``column``'s cell replaced."""
    return [written if name == column else w for name, (w, _) in ROWS[dataset].items()]


CASES = [
    (dataset, column, spelling)
    for dataset, columns in SPEC_HEADERS.items()
    for column, spellings in columns.items()
    for spelling in spellings
]


@pytest.mark.parametrize(("dataset", "column", "spelling"), CASES)
def test_every_header_spelling_of_the_spec_is_recognised(dataset, column, spelling):
    (row,) = staged(dataset, headers_of(dataset, column, spelling), cells_with(dataset))
    expected = ROWS[dataset][column][1]
    if (dataset, column, spelling) == ("inspections", "kind", "检查方式"):
        expected = "督导检查"  # 检查方式 gives the kind when no other column does
    assert row[column] == expected, (column, spelling, row)


VALUES = {  # (dataset, column) -> [(as written, as stored)]: the spec's values and synonyms
    ("accidents", "level"): [
        ("一般", "一般"), ("一般事故", "一般"), ("较大", "较大"), ("较大事故", "较大"),
        ("重大", "重大"), ("重大事故", "重大"), ("特别重大", "特别重大"), ("特别重大事故", "特别重大")],
    ("inspections", "kind"): [
        ("执法检查", "执法检查"), ("执法", "执法检查"), ("行政执法检查", "执法检查"),
        ("负责人带队检查", "负责人带队检查"), ("主要负责人带队", "负责人带队检查"),
        ("带队检查", "负责人带队检查"), ("督导检查", "督导检查"), ("专家检查", "专家检查"),
        ("其他", "其他")],
    ("activities", "kind"): [
        ("会议", "会议"), ("专题会议", "会议"), ("推进会", "会议"), ("安委会会议", "会议"),
        ("专委会会议", "会议"), ("调度会", "会议"), ("联合检查", "联合检查"), ("督导检查", "督导检查"),
        ("专题督导", "督导检查"), ("督导", "督导检查"), ("警示教育", "警示教育"),
        ("警示教育活动", "警示教育"), ("宣传教育", "宣传教育"), ("公益课堂", "宣传教育"),
        ("宣传活动", "宣传教育"), ("培训讲座", "宣传教育"), ("风险研判", "风险研判"),
        ("风险分析", "风险研判"), ("形势分析", "风险研判"), ("研判会", "风险研判"), ("其他", "其他")],
}  # fmt: skip


@pytest.mark.parametrize(
    ("dataset", "column", "written", "stored"),
    [(*key, w, v) for key, values in VALUES.items() for w, v in values],
)
def test_levels_and_kinds_and_their_synonyms(dataset, column, written, stored):
    # 2.9: 一般 / 较大 / 重大 / 特别重大 with or without 事故; 2.10 and 2.13: the kinds and the
    # synonyms in brackets
    cells = cells_with(dataset, column, written)
    (row,) = staged(dataset, headers_of(dataset), cells)
    assert row[column] == stored


@pytest.mark.parametrize(
    ("header", "written", "wan_yuan"),
    [("罚款金额(元)", "25000", 2.5),       # 元: divided by 10,000
     ("罚款金额（元）", "5000", 0.5),      # full-width brackets, as Excel users type them
     ("罚款金额(万元)", "2.5", 2.5),       # 万元 is not 元
     ("罚款金额", "2.5", 2.5)],            # no unit: 万元
)  # fmt: skip
def test_a_penalty_in_yuan_is_divided_by_10000(header, written, wan_yuan):
    header_row = headers_of("inspections", "penalty", header)
    (row,) = staged("inspections", header_row, cells_with("inspections", "penalty", written))
    assert row["penalty"] == pytest.approx(wan_yuan)


def test_check_way_reading_unannounced_sets_the_flag_and_the_kind_unless_given():
    # 检查方式 四不两直 / 暗查暗访 alone: unannounced and 执法检查; with 检查类型 督导检查 the kind
    # stays 督导检查 (another column gives it) and the check is still unannounced; 检查方式
    # 日常检查 alone: the kind from it (其他), not unannounced
    head = ["检查编号", "统一社会信用代码", "检查日期", "检查方式"]
    rows = staged("inspections", head, ["J1", "E1", "2024-03-01", "四不两直"],
                  ["J2", "E1", "2024-03-02", "暗查暗访"], ["J3", "E1", "2024-03-03", "日常检查"])  # fmt: skip
    assert [(r["kind"], r["unannounced"]) for r in rows] == [
        ("执法检查", True), ("执法检查", True), ("其他", False)]  # fmt: skip
    (row,) = staged(
        "inspections", [*head, "检查类型"], ["J4", "E1", "2024-03-04", "四不两直", "督导检查"]
    )
    assert (row["kind"], row["unannounced"]) == ("督导检查", True)


def test_blank_task_and_activity_ids_are_derived_and_a_tasks_reports_share_one():
    # tasks: two reports of (农村公路危桥改造, 荣成市, 甲桥) without 任务编号 share an auto: id;
    # another project gets another
    head = ["任务编号", "任务名称", "项目名称", "所属区市", "计划数", "完成数", "填报日期"]
    rows = staged("tasks", head, ["", "农村公路危桥改造", "甲桥", "荣成市", "14", "3", "2024-03-31"],
                  ["", "农村公路危桥改造", "甲桥", "荣成市", "14", "7", "2024-06-30"],
                  ["", "农村公路危桥改造", "乙桥", "荣成市", "2", "1", "2024-06-30"])  # fmt: skip
    ids = [r["task_id"] for r in rows]
    assert all(i.startswith("auto:") for i in ids) and ids[0] == ids[1] != ids[2]
    # activities: blank 编号 -> auto: from (district, kind, date, organiser); two differ
    head = ["编号", "所属区市", "组织单位", "活动类型", "活动日期"]
    rows = staged("activities", head, ["", "乳山市", "市安委会", "安委会会议", "2024-05-08"],
                  ["", "乳山市", "市安委会", "安委会会议", "2024-05-09"])  # fmt: skip
    ids = [r["activity_id"] for r in rows]
    assert all(i.startswith("auto:") for i in ids) and ids[0] != ids[1]
