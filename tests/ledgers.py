"""Small hand-made ledgers for validation and metric tests, written as CSV like Excel does."""

from conftest import write_rows

# fmt: off
FILES = {  # dataset -> (file name, header, clean rows)
    "enterprises": ("enterprises.csv",
                    ["统一社会信用代码", "企业名称", "所属区市", "行业领域", "是否高危行业", "从业人员数", "经营状态"],
                    [["E1", "甲化工有限公司", "环翠区", "危险化学品", "", "50", "在营"],
                     ["E2", "乙机械有限公司", "文登区", "工贸", "否", "20", ""]]),
    "hazards": ("hazards.csv",
                ["隐患编号", "统一社会信用代码", "所属区市", "隐患等级", "发现日期", "整改期限", "整改完成日期", "销号日期",
                 "整改状态", "整改资金（万元）", "挂牌督办"],
                [["H1", "E1", "", "重大", "2024-03-01", "2024-04-01", "2024-03-20", "2024-03-25", "已销号", "2", "市级"]]),
    "drills": ("drills.csv",
               ["演练编号", "统一社会信用代码", "所属区市", "演练日期", "演练类型", "不提前通知", "不设定脚本", "不预设场景",
                "不预设地点", "是否四不演练", "参演人数"],
               [["D1", "E1", "", "2024-05-01", "疏散", "是", "是", "是", "是", "是", "30"]]),
    "training_plan": ("plan.csv", ["统一社会信用代码", "培训类别", "三年培训任务数"], [["E1", "全员", "100"]]),
    "training_counts": ("counts.csv", ["统一社会信用代码", "培训类别", "统计月份", "培训人数", "考核合格人数"],
                        [["E1", "全员", "2024-03", "10", "9"]]),
    "video_sites": ("sites.csv", ["点位编号", "所属区市", "是否高后果区", "是否安装智能视频监控", "安装日期"],
                    [["V1", "环翠区", "是", "是", "2024-01-01"]]),
    "inspections": ("inspections.csv", ["检查编号", "统一社会信用代码", "检查日期", "检查类型", "发现隐患数"],
                    [["I1", "E1", "2024-04-01", "执法检查", "2"]]),
    "accidents": ("accidents.csv", ["事故编号", "事故发生时间", "所属区市", "统一社会信用代码", "事故等级", "死亡人数"],
                  [["A1", "2024-05-01", "", "E1", "一般", "1"]]),
    "rosters": ("rosters.csv", ["名单", "设备编号", "所属区市", "是否完成", "完成日期"],
                [["电梯应急处置平台", "T1", "文登区", "是", "2024-03-01"]]),
    "tasks": ("tasks.csv", ["任务编号", "任务名称", "项目名称", "所属区市", "计划数", "完成数", "计量单位", "填报日期"],
              [["RW1", "小型病险水库除险加固", "甲水库", "环翠区", "3", "1", "座", "2024-06-30"]]),
    "activities": ("activities.csv", ["编号", "所属区市", "组织单位", "活动类型", "活动日期", "主要负责人参加", "参加人数"],
                   [["HD1", "环翠区", "区安委会", "安委会会议", "2024-03-28", "是", "30"]]),
}

BAD_ROWS = {  # appended after the clean rows; BROKEN says where each lands
    "enterprises": [["E3", "丙养殖有限公司", "荣成市", "养殖业", "", "10", "在营"],
                    ["E4", "丁公司", "火星区", "工贸", "", "10", "在营"],
                    ["E5", "戊公司", "乳山市", "工贸", "", "-10", "在营"],
                    ["9.13702E+17", "己公司", "乳山市", "工贸", "", "10", "在营"],
                    ["91371002MA3C4XBK10", "辛公司", "乳山市", "工贸", "", "10", "在营"],
                    ["E7", "庚公司", "文登区", "工贸", "", "10", "在营"],
                    ["E8", "庚 公司", "荣成市", "工贸", "", "10", "在营"]],
    "hazards": [["H2", "E1", "环翠区", "一般", "2024-02-30", "", "", "", "", "", ""],
                ["H3", "", "环翠区", "一般", "2024-03-01", "", "", "", "", "", ""],
                ["H4", "E1", "环翠区", "特大", "2024-03-01", "", "", "", "", "", ""],
                ["H5", "E1", "环翠区", "一般", "2024-03-10", "", "2024-03-01", "", "", "", ""],
                ["H6", "E1", "环翠区", "一般", "2024-03-01", "", "", "2024-03-05", "", "", ""],
                ["H7", "E1", "环翠区", "一般", "2024-03-01", "", "2024-03-10", "2024-03-05", "", "", ""],
                ["H8", "E1", "环翠区", "一般", "2099-01-01", "", "", "", "", "", ""],
                ["H9", "E1", "环翠区", "一般", "2024-03-01", "", "", "", "", "-3", ""],
                ["H10", "E9", "", "一般", "2024-03-01", "", "", "", "", "", ""],
                ["H11", "E9", "文登区", "一般", "2024-03-01", "", "", "", "", "", ""],
                ["H12", "E1", "文登区", "一般", "2024-03-01", "", "", "", "", "", ""],
                ["H13", "E1", "环翠区", "一般", "2024-03-01", "", "", "", "已销号", "", ""],
                ["H14", "E1", "环翠区", "重大", "2024-03-01", "", "", "", "", "", ""],
                ["H15", "E1", "环翠区", "一般", "2024-03-01", "", "", "", "", "", ""],
                ["H15", "E1", "环翠区", "重大", "2024-03-01", "2024-05-01", "", "", "", "", ""],
                ["H16", "E1", "环翠区", "一般", "2024-03-01", "", "", "", "", "", "很高"],
                ["H17", "E1", "环翠区", "一般", "2024-03-01", "", "", "", "", "很多", ""],
                ["H18", "E1", "环翠区", "一般", "2024-03-01", "", "", "", "待定", "", ""],
                ["H19", "E4", "", "一般", "2024-03-01", "", "", "", "", "", ""],
                ["H20", "E1", "环翠区", "一般", "2024-03-01", "", "", "", "", "", "", "多出的值"]],
    "drills": [["D2", "E1", "", "2024-05-01", "桌面推演", "是", "是", "是", "是", "是", "30"],
               ["D3", "E1", "", "2024-05-01", "综合", "是", "否", "是", "是", "是", "30"],
               ["D4", "E1", "", "2024-05-01", "综合", "是", "是", "是", "是", "是", "-5"],
               ["D5", "E1", "", "2024/5/1x", "综合", "是", "是", "是", "是", "是", "30"],
               ["D6", "E1", "", "2024-05-01", "综合", "也许", "是", "是", "是", "否", "30"]],
    "training_plan": [["E1", "班组长", "abc"]],
    "training_counts": [["E1", "班组长", "2024-03", "10", "12"],
                        ["E1", "保安", "2024-03", "10", "9"],
                        ["E1", "全员", "2024-13", "10", "9"],
                        ["E1", "全员", "2024-04", "十", "9"]],
    "video_sites": [["V2", "环翠区", "是", "也许", ""],
                    ["V3", "", "是", "是", ""]],
    "inspections": [["I2", "E1", "2024-04-02", "抽查", "0"]],
    "accidents": [["A2", "2024-05-02", "", "E1", "小", "0"]],
    "rosters": [["电梯应急处置平台", "T2", "文登区", "未知", ""]],
    "tasks": [["RW2", "农村公路危桥改造", "乙桥", "文登区", "0", "0", "座", "2024-06-30"]],
    "activities": [["HD2", "文登区", "区安委办", "座谈", "2024-04-01", "", "10"]],
}
# fmt: on


def write_clean(raw, bad: bool = False):
    for dataset, (name, header, rows) in FILES.items():
        write_rows(raw / dataset / name, [header, *rows, *(BAD_ROWS[dataset] if bad else [])])


# a drill ledger that names enterprises instead of giving credit codes (DATA_SPEC 3.1)
BY_NAME = (
    "drills_by_name.csv",
    ["企业名称", "演练名称", "演练日期", "演练类型", "是否四不演练"],
    [
        ["甲化工有限公司", "消防疏散", "2024-06-01", "疏散", "是"],  # found by name: stored
        ["不存在有限公司", "消防疏散", "2024-06-01", "疏散", "是"],
        ["庚公司", "消防疏散", "2024-06-01", "疏散", "是"],
    ],
)


def write_cells(path):
    """A workbook whose rows break the reading rules of DATA_SPEC 3 and 3.1: a formula a program
    wrote without a value (row 2), an Excel error value (row 3), and two rows with one derived
    key that differ in a column not read (rows 4 and 5)."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    ws.write_row(
        0, 0, ["统一社会信用代码", "隐患等级", "发现日期", "隐患描述", "整改完成日期", "检查人"]
    )
    ws.write_row(1, 0, ["E1", "一般", "2024-03-02", "灭火器过期"])
    ws.write_formula(1, 4, "=TODAY()", None, "")
    ws.write_row(2, 0, ["E1", "一般", "2024-03-03", "通道堵塞", "#VALUE!"])
    ws.write_row(3, 0, ["E1", "一般", "2024-03-04", "电线老化", "", "张三"])
    ws.write_row(4, 0, ["E1", "一般", "2024-03-04", "电线老化", "", "李四"])
    wb.close()


def write_broken(raw):
    """Every rule of DATA_SPEC section 4, each broken by one row; see BROKEN for where."""
    write_clean(raw, bad=True)
    name, header, rows = BY_NAME
    write_rows(raw / "drills" / name, [header, *rows])
    write_cells(raw / "hazards" / "hazards_cells.xlsx")


# (dataset, file, row as the spreadsheet shows it, column, raw value, rule, severity)
BROKEN = [
    ("enterprises", "enterprises.csv", 4, "industry", "养殖业", "unknown_industry", "warning"),
    ("enterprises", "enterprises.csv", 5, "district", "火星区", "unknown_district", "error"),
    ("enterprises", "enterprises.csv", 6, "employees", "-10", "negative_value", "error"),
    ("enterprises", "enterprises.csv", 7, "enterprise_id", "9.13702E+17", "damaged_code", "error"),
    (
        "enterprises",
        "enterprises.csv",
        8,
        "enterprise_id",
        "91371002MA3C4XBK10",
        "credit_code_check",
        "warning",
    ),
    ("hazards", "hazards.csv", 3, "found_date", "2024-02-30", "invalid_date", "error"),
    ("hazards", "hazards.csv", 4, "enterprise_id", None, "required_missing", "error"),
    ("hazards", "hazards.csv", 5, "level", "特大", "invalid_level", "error"),
    (
        "hazards",
        "hazards.csv",
        6,
        "rectified_date",
        "2024-03-01",
        "rectified_before_found",
        "error",
    ),
    ("hazards", "hazards.csv", 7, "closed_date", "2024-03-05", "closed_without_rectified", "error"),
    ("hazards", "hazards.csv", 8, "closed_date", "2024-03-05", "closed_before_rectified", "error"),
    ("hazards", "hazards.csv", 9, "found_date", "2099-01-01", "future_date", "error"),
    ("hazards", "hazards.csv", 10, "funds", "-3", "negative_value", "error"),
    ("hazards", "hazards.csv", 11, "district", None, "no_district", "error"),
    ("hazards", "hazards.csv", 11, "enterprise_id", "E9", "enterprise_unknown", "warning"),
    ("hazards", "hazards.csv", 12, "enterprise_id", "E9", "enterprise_unknown", "warning"),
    ("hazards", "hazards.csv", 13, "district", "文登区", "district_mismatch", "warning"),
    ("hazards", "hazards.csv", 14, "status", "已销号", "status_mismatch", "warning"),
    ("hazards", "hazards.csv", 15, "deadline", None, "major_without_deadline", "warning"),
    (
        "hazards",
        "hazards_cells.xlsx",
        2,
        "rectified_date",
        "E2: =TODAY()",
        "formula_without_value",
        "error",
    ),
    ("hazards", "hazards_cells.xlsx", 3, "rectified_date", "E3: #VALUE!", "excel_error", "error"),
    ("hazards", "hazards_cells.xlsx", 4, "hazard_id", "4, 5", "duplicate_key_conflict", "error"),
    ("hazards", "hazards_cells.xlsx", 5, "hazard_id", "4, 5", "duplicate_key_conflict", "error"),
    ("hazards", "hazards.csv", 16, "hazard_id", "H15", "duplicate_conflict", "error"),
    ("hazards", "hazards.csv", 17, "hazard_id", "H15", "duplicate_conflict", "error"),
    ("hazards", "hazards.csv", 18, "supervision", "很高", "invalid_enum", "error"),
    ("hazards", "hazards.csv", 19, "funds", "很多", "invalid_number", "error"),
    ("hazards", "hazards.csv", 20, "status", "待定", "unknown_status", "warning"),
    ("hazards", "hazards.csv", 21, "enterprise_id", "E4", "enterprise_quarantined", "error"),
    ("hazards", "hazards.csv", 22, None, "多出的值", "extra_fields", "error"),
    (
        "drills",
        "drills_by_name.csv",
        3,
        "enterprise_name",
        "不存在有限公司",
        "enterprise_name_unknown",
        "error",
    ),
    (
        "drills",
        "drills_by_name.csv",
        4,
        "enterprise_name",
        "庚公司",
        "enterprise_name_ambiguous",
        "error",
    ),
    ("drills", "drills.csv", 3, "drill_type", "桌面推演", "unknown_drill_type", "warning"),
    ("drills", "drills.csv", 4, "unannounced", "是", "unannounced_mismatch", "warning"),
    ("drills", "drills.csv", 5, "participants", "-5", "negative_value", "error"),
    ("drills", "drills.csv", 6, "drill_date", "2024/5/1x", "invalid_date", "error"),
    ("drills", "drills.csv", 7, "no_advance_notice", "也许", "invalid_bool", "error"),
    ("training_plan", "plan.csv", 3, "task", "abc", "invalid_int", "error"),
    ("training_counts", "counts.csv", 3, "passed", "12", "passed_exceeds_trained", "error"),
    ("training_counts", "counts.csv", 4, "category", "保安", "invalid_category", "error"),
    ("training_counts", "counts.csv", 5, "month", "2024-13", "invalid_month", "error"),
    ("training_counts", "counts.csv", 6, "trained", "十", "invalid_int", "error"),
    ("video_sites", "sites.csv", 3, "video_installed", "也许", "invalid_bool", "error"),
    ("video_sites", "sites.csv", 4, "district", None, "required_missing", "error"),
    ("inspections", "inspections.csv", 3, "kind", "抽查", "unknown_kind", "warning"),
    ("accidents", "accidents.csv", 3, "level", "小", "invalid_enum", "error"),
    ("rosters", "rosters.csv", 3, "done", "未知", "invalid_bool", "error"),
    ("tasks", "tasks.csv", 3, "planned", "0", "not_positive", "error"),
    ("activities", "activities.csv", 3, "kind", "座谈", "invalid_enum", "error"),
]
