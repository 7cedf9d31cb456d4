"""`safetystats template DATASET`: a blank ledger for units to fill (DATA_SPEC 8.7).

One sheet with the dataset's columns under their first accepted Chinese header (required ones
marked ＊), one example row in grey (skipped on ingest while it still reads as written, with a
note), a drop-down list for every enumeration and boolean (and the unit's enterprises and
units with ``--district``), date and number validation, key and credit-code columns formatted
as text (so Excel cannot turn a code into 9.13702E+17), a 填写说明 sheet and the hidden marker
that makes a filled template load as its dataset wherever it is put in the raw folder.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from safetystats import __version__, atomic
from safetystats.config import Settings
from safetystats.errors import ConfigError
from safetystats.ingest import marker
from safetystats.ingest.spec import Column, DatasetSpec, load_specs, vocabulary

LAST_ROW = 1_048_575  # the fill-in checks reach the sheet's last row (Excel's 1,048,576th)
# the example is an open hazard: its rectification and closing days blank (未整改 with them
# breaks the status rule the clerk is meant to follow)
BLANK_IN_EXAMPLE = {"rectified_date", "closed_date"}
MARK = "＊"
TEXT_TYPES = {"id", "text", "name"}
TYPE_WORDS = {
    "id": "文本（编号按原样填写，不要改成数字）",
    "text": "文本",
    "name": "文本",
    "district": "从下拉列表选择单位",
    "industry": "从下拉列表选择行业",
    "category": "从下拉列表选择类别",
    "bool": "从下拉列表选择 是/否",
    "int": "整数，不小于0",
    "number": "数字，不小于0",
    "date": "日期，如 2025-01-15",
    "month": "月份，如 2025-01",
}


@dataclass
class TemplateColumn:
    column: Column
    header: str  # as written in the template (required ones marked)
    choices: list[str] | None  # a drop-down list
    example: str | int | float
    positive: bool = False  # a check of the dataset wants it > 0 (tasks.planned, 2.12)

    @property
    def kind(self) -> str:
        return self.column.type


def first_chinese(column: Column) -> str:
    """The column's first accepted header written in Chinese (the name for extra columns)."""
    return next((h for h in column.headers if not h.isascii()), column.name)


def _choices(
    column: Column, settings: Settings, units: list[str], enterprises: list[str]
) -> list[str] | None:
    kind = column.type
    if kind == "bool":
        return ["是", "否"]
    if kind == "industry":
        return list(vocabulary(settings, "industries"))
    if kind == "category":
        return list(vocabulary(settings, "training_categories"))
    if kind == "district":
        return units
    if kind.startswith("enum:"):
        groups = vocabulary(settings, kind[5:])
        # the canonical value when it is Chinese (疏散逃生), else its first spelling (重大)
        return [
            k if not k.isascii() else next((s for s in v if not s.isascii()), k)
            for k, v in groups.items()
        ]
    if column.name == "enterprise_name" and enterprises:
        return enterprises
    return None


def _example(column: Column, choices: list[str] | None, period: str | None) -> str | int | float:
    day = f"{period}-15" if period else "2025-01-15"
    if column.name in BLANK_IN_EXAMPLE:
        return ""
    if choices:
        return choices[0]
    return {
        "id": "示例-001" if column.name != "enterprise_id" else "91370000MA0000000P",  # checks
        "int": 10,
        "number": 1.5,
        "date": day,
        "month": period or "2025-01",
    }.get(column.type, "示例")


def columns(spec: DatasetSpec, settings: Settings, units: list[str], enterprises: list[str], period: str | None) -> list[TemplateColumn]:  # fmt: skip
    positive = {
        c["column"]
        for c in settings.datasets.get("checks", {}).get(spec.name, [])
        if c.get("expect") == "positive"
    }
    out = []
    for column in spec.columns:
        if column.name in ("roster",) and spec.name != "rosters":
            continue
        choices = _choices(column, settings, units, enterprises)
        header = (MARK if column.required else "") + first_chinese(column)
        example = _example(column, choices, period)
        out.append(TemplateColumn(column, header, choices, example, column.name in positive))
    return out


def unit_lists(
    settings: Settings, district: str | None
) -> tuple[str | None, str | None, list[str], list[str]]:
    """(unit code, unit name, the unit names offered, the unit's enterprises from the register)."""
    registry = settings.registry
    if district is None:
        return None, None, [u.name for u in registry.districts], []
    unit = registry.resolve(district)
    if unit is None:
        raise ConfigError(f"--district {district!r}: not a unit of the registry")
    names = [unit.name, *(u.name for u in registry.descendants(unit.code))]
    return (
        unit.code,
        unit.name,
        names,
        register_names(settings, [unit.code, *(u.code for u in registry.descendants(unit.code))]),
    )


def register_names(settings: Settings, codes: list[str]) -> list[str]:
    """The names of the 在营 enterprises of these units in the register (none without a store)."""
    from safetystats import store

    if not settings.db.exists():
        return []
    try:
        with store.reader(settings.db) as con:
            found = con.execute(
                "SELECT enterprise_name FROM curated_enterprises WHERE district_code IN "
                "(SELECT unnest($codes)) ORDER BY enterprise_name",
                {"codes": codes},
            ).fetchall()
    except Exception:  # a store not yet validated: the list is a convenience, not a must
        return []
    return [name for (name,) in found]


def template_name(spec: DatasetSpec, unit: str | None, period: str | None) -> str:
    parts = ["填报模板", spec.label_zh, unit, period]
    return "_".join(safe_name(p) for p in parts if p) + ".xlsx"


def safe_name(text: str) -> str:
    """A file-name part from a unit or dataset name: no separators, '..' or control characters."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", text).replace("..", "_").strip(". ")
    return cleaned or "_"


def write_template(settings: Settings, dataset: str, district: str | None = None, period: str | None = None,
                   output: Path | None = None) -> Path:  # fmt: skip
    specs = load_specs(settings)
    if dataset not in specs:
        raise ConfigError(f"template: unknown dataset {dataset!r} (known: {', '.join(specs)})")
    if period is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        raise ConfigError(f"--period {period!r}: write it as YYYY-MM")
    spec = specs[dataset]
    code, name, units, enterprises = unit_lists(settings, district)
    cols = columns(spec, settings, units, enterprises, period)
    path = output or settings.reports / "templates" / template_name(spec, name, period)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    book = xlsxwriter.Workbook(
        str(tmp),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    _ledger_sheet(book, spec, cols, name)
    _instructions(book, spec, cols, settings, name, period)
    marker.write(
        book,
        {
            "kind": "template",
            "dataset": dataset,
            "sheet": spec.label_zh[:31],
            "version": __version__,
            "unit_code": code,
            "unit": name,
            "period": period,
            "example_row": "2",
            "example": [str(c.example) for c in cols],
            "columns": [c.column.name for c in cols],
            "written": dt.date.today().isoformat(),
        },
    )
    book.close()
    return atomic.replace(tmp, path)


def _ledger_sheet(book, spec: DatasetSpec, cols: list[TemplateColumn], unit: str | None) -> None:
    sheet = book.add_worksheet(spec.label_zh[:31])
    head = book.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    required = book.add_format(
        {"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    grey = {"font_color": "#808080", "italic": True}
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    lists = None
    for c, col in enumerate(cols):
        width = max(12, min(30, 2 * len(col.header) + 2))
        is_text = col.kind in TEXT_TYPES or col.column.name == "enterprise_id"
        sheet.set_column(c, c, width, text if is_text else date if col.kind == "date" else None)
        sheet.write_string(0, c, col.header, required if col.column.required else head)
        example_format = book.add_format({**grey, **({"num_format": "@"} if is_text else {})})
        if isinstance(col.example, str):
            sheet.write_string(1, c, col.example, example_format)
        else:
            sheet.write_number(1, c, col.example, example_format)
        validation = _validation(col)
        if col.choices and len(",".join(col.choices)) > 250:  # Excel's limit for inline lists
            lists = lists or book.add_worksheet("_lists")
            lists.write_column(0, c, col.choices)
            letter = xlsxwriter.utility.xl_col_to_name(c)
            validation = {
                "validate": "list",
                "source": f"=_lists!${letter}$1:${letter}${len(col.choices)}",
            }
        if validation:
            sheet.data_validation(
                1,
                c,
                LAST_ROW,
                c,
                validation | {"error_title": col.header, "input_title": col.header[:32]},
            )
    if lists is not None:
        lists.hide()
    print_setup(sheet, header_height=32)


def print_setup(sheet, header_height: float) -> None:
    """A sheet sent to a unit: header row frozen, taller and repeated on every printed page; A4
    landscape, as wide as one page."""
    sheet.freeze_panes(1, 0)
    sheet.set_row(0, header_height)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)


def _validation(col: TemplateColumn) -> dict | None:
    if col.choices:
        return {"validate": "list", "source": col.choices}
    if col.kind == "date":
        return {"validate": "date", "criteria": "between", "minimum": dt.date(2000, 1, 1), "maximum": dt.date(2099, 12, 31),
                "error_message": "请填写日期，如 2025-01-15"}  # fmt: skip
    if col.kind == "int":
        return {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "error_message": "请填写不小于0的整数",
        }
    if col.kind == "number":
        return {
            "validate": "decimal",
            "criteria": ">" if col.positive else ">=",
            "value": 0,
            "error_message": "请填写大于0的数字" if col.positive else "请填写不小于0的数字",
        }
    return None


def _instructions(book, spec: DatasetSpec, cols: list[TemplateColumn], settings: Settings, unit: str | None, period: str | None) -> None:  # fmt: skip
    sheet = book.add_worksheet(marker.NOTES_SHEET)
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    lines = [
        f"{spec.label_zh}填报模板"
        + (f"（{unit}）" if unit else "")
        + (f"，{period}" if period else ""),
        f"1. 第1行为表头，请勿修改；带 {MARK} 的列必须填写。",
        "2. 第2行灰色斜体为示例，可直接在其下方填写；示例行如未改动，导入时自动跳过。",
        "3. 有下拉箭头的单元格请从列表中选择；日期写成 2025-01-15。",
        "4. 编号和统一社会信用代码列已设为文本格式，请直接输入或粘贴，不要改成数字。",
    ]
    reporting = settings.reporting
    if reporting.get("due_day"):
        lines.append(
            f"5. 请于每月{reporting['due_day']}日前报送"
            + (f"（{reporting['contact']}）" if reporting.get("contact") else "")
            + "。"
        )
    for r, line in enumerate(lines):
        sheet.write_string(r, 0, line, bold if r == 0 else None)
    start = len(lines) + 1
    for c, title in enumerate(["列名", "是否必填", "填写要求", "可选值"]):
        sheet.write_string(start, c, title, bold)
    for r, col in enumerate(cols, start=start + 1):
        sheet.write_string(r, 0, col.header.lstrip(MARK))
        sheet.write_string(r, 1, "必填" if col.column.required else "选填")
        words = "数字，大于0" if col.positive else TYPE_WORDS.get(col.kind, "从下拉列表选择")
        sheet.write_string(r, 2, words)
        sheet.write_string(r, 3, "、".join(col.choices[:30]) if col.choices else "", wrap)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, 2, 34)
    sheet.set_column(3, 3, 60)
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
