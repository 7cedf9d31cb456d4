"""DATA_SPEC 8.7 (templates) and 8.6 (the due day) to the letter (spec audit): for the ledgers
of 2.9–2.13 every column of the spec stands under its first accepted header, marked ＊ exactly
when the spec marks it R; every enumeration and boolean has a drop-down; a number the spec wants
> 0 (tasks.planned, 2.12) is validated > 0, one ≥ 0 as ≥ 0; the due day of the next month,
clipped to its last day."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from test_spec_audit_ledgers import SPEC_HEADERS

from safetystats.followup.reporting import due_date
from safetystats.followup.template import write_template

FIRST_SHARED = {
    "district": "所属区市",
    "enterprise_id": "统一社会信用代码",
    "enterprise_name": "企业名称",
}
REQUIRED = {  # the columns the spec marks R
    "accidents": {"accident_id", "accident_date", "district", "level"},
    "inspections": {"inspection_id", "enterprise_id", "inspection_date", "kind"},
    "rosters": {"roster", "object_id", "district", "done"},
    "tasks": {"task", "district", "planned", "done", "report_date"},
    "activities": {"district", "kind", "activity_date"},
}
LISTS = {  # enumerations and booleans: a drop-down each
    "accidents": {"district", "level", "industry"},
    "inspections": {"kind", "unannounced", "case_filed", "suspension", "off_site"},
    "rosters": {"district", "in_scope", "done"},
    "tasks": {"district"},
    "activities": {"district", "kind", "principal_led"},
}


@pytest.mark.parametrize("dataset", list(REQUIRED))
def test_a_template_has_the_spec_columns_marks_and_drop_downs(settings, dataset):
    path = write_template(settings, dataset, output=settings.reports / f"{dataset}.xlsx")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    header = [c.value for c in sheet[1]]
    firsts = {col: spellings[0] for col, spellings in SPEC_HEADERS[dataset].items()}
    firsts |= {col: FIRST_SHARED[col] for col in REQUIRED[dataset] if col in FIRST_SHARED}
    for column, first in firsts.items():
        mark = "＊" if column in REQUIRED[dataset] else ""
        assert mark + first in header, (column, header)
    assert {h[1:] for h in header if h.startswith("＊")} == {firsts[c] for c in REQUIRED[dataset]}
    lists = set()
    for dv in sheet.data_validations.dataValidation:
        if dv.type == "list":
            lists |= {header[r.min_col - 1] for r in dv.sqref.ranges}
    by_header = {h.lstrip("＊"): h for h in header}
    wanted = {by_header[firsts.get(c) or "行业领域"] for c in LISTS[dataset]}
    assert wanted <= lists, wanted - lists


def test_a_quantity_the_spec_wants_above_zero_is_validated_above_zero(settings):
    # 2.12: planned is a number > 0 (a 0 would be quarantined on ingest), done ≥ 0
    path = write_template(settings, "tasks", output=settings.reports / "tasks.xlsx")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    header = [c.value for c in sheet[1]]
    rules = {
        header[r.min_col - 1]: (dv.type, dv.operator, dv.formula1)
        for dv in sheet.data_validations.dataValidation
        for r in dv.sqref.ranges
    }
    assert rules["＊计划数"] == ("decimal", "greaterThan", "0")
    assert rules["＊完成数"] == ("decimal", "greaterThanOrEqual", "0")


@pytest.mark.parametrize(
    ("month", "day", "due"),
    [("2024-11", 28, "2024-12-28"),   # the next month
     ("2024-12", 28, "2025-01-28"),   # across the year
     ("2024-01", 31, "2024-02-29"),   # clipped to February's last day in a leap year
     ("2025-01", 30, "2025-02-28"),
     ("2024-03", 31, "2024-04-30")],
)  # fmt: skip
def test_the_due_day_of_the_next_month(month, day, due):
    assert due_date(month, day) == dt.date.fromisoformat(due)
