"""`safetystats packages`: one follow-up workbook per unit (督办清单, DATA_SPEC 8.6).

Each unit of the level gets ``reports/<as-of>/packages/督办清单_<unit>_<as-of>.xlsx`` with
its lists — overdue hazards, open major hazards, missing 五落实 items, enterprises short of
the required events, its rows that failed the checks — each with columns to fill. Key and
given columns are locked by sheet protection without a password (so they are not damaged by
accident); the fill-in columns are unlocked and validated; the hidden marker names the
package, unit, as-of date and version, and each row carries the version of its record, so a
return can tell a stale row (a ledger changed it since) from a correction. Ledger text is
written as text (5.1).

figures (``PackageFigures.compute``, one pass over the store for every unit) → one workbook
per unit (``write_package``, which only renders what it is given).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from safetystats import __version__, atomic, inert
from safetystats.config import Settings, packaged
from safetystats.errors import NothingToReportError, UsageError
from safetystats.followup.reporting import DEFAULT_DUE_DAY, due_date
from safetystats.followup.template import print_setup, safe_name
from safetystats.ingest import marker
from safetystats.report import sheet_rows
from safetystats.report.workbook import display_width, within_sheets

FILL_ROWS_EXTRA = 0
GIVEN_WIDTH = 40  # a given column is as wide as its values up to this (Excel character widths)
DATE_RULE = {
    "validate": "date",
    "criteria": "between",
    "minimum": dt.date(2000, 1, 1),
    "maximum": dt.date(2099, 12, 31),
    "error_message": "请填写日期，如 2025-01-15",
}
BOOL_RULE = {"validate": "list", "source": ["是", "否"]}


@dataclass
class Sheet:
    """One list of a package: given columns (locked) then columns to fill (unlocked)."""

    name: str
    given: list[tuple[str, str]]  # (header, field of the row)
    fill: list[tuple[str, dict | None]]  # (header, data validation)
    rows: pl.DataFrame  # the fields of given and hidden, by name (a field not there: blank)
    hidden: tuple[str, ...] = ("_key", "_version", "_dataset", "_column")


@dataclass
class UnitRows:
    """A frame's rows and, per unit of a package, the places of the rows it lists (those of
    its own unit and descendants, in the query's order): a row listed by a county and its city
    is held once."""

    frame: pl.DataFrame
    places: dict[str, list[int]]

    @classmethod
    def of_frame(cls, frame: pl.DataFrame, owners: dict[str, list[str]]) -> UnitRows:
        """``owners``: the record's own unit code -> the units whose packages list it."""
        places: dict[str, list[int]] = {}
        if frame.height:
            for i, code in enumerate(frame["district_code"].to_list()):
                for unit in owners.get(code, ()):
                    places.setdefault(unit, []).append(i)
        return cls(frame, places)

    def rows(self, code: str) -> pl.DataFrame:
        places = self.places.get(code)
        return self.frame[places] if places else self.frame.clear()


@dataclass
class PackageFigures:
    """What the packages list, for every unit: the rows of each unit's subtree (a row of a
    county is in its county's package and in its city's when both are written)."""

    as_of: dt.date
    units: list[tuple[str, str]]  # (code, name)
    hazards: UnitRows
    short: UnitRows
    quarantine: UnitRows

    @classmethod
    def compute(
        cls, settings: Settings, as_of: dt.date, units: list[tuple[str, str]], con
    ) -> PackageFigures:
        from safetystats.metrics import engine
        from safetystats.metrics.targets import load_targets

        registry = settings.registry
        owners: dict[str, list[str]] = {}  # own unit -> the units of the run it lies in
        for code, _ in units:
            for own in [code, *(d.code for d in registry.descendants(code))]:
                owners.setdefault(own, []).append(code)
        codes = sorted(owners)

        def owned(frame: pl.DataFrame) -> UnitRows:
            return UnitRows.of_frame(frame, owners)

        hazards = owned(
            hazard_rows(
                engine.query(
                    con, "report/package_hazards", settings, as_of=as_of, district_codes=codes
                )
            )
        )
        short = []
        for target in load_targets(settings.targets):
            if (
                target.metric != "event_frequency"
                or engine.phase_of(target, as_of) == "not_started"
            ):
                continue
            frame = engine.short_of_events(con, settings, target, as_of, codes)
            short.append(frame.with_columns(pl.lit(target.name(settings.lang)).alias("target")))
        short_rows = owned(
            short_rows_of(pl.concat(short, how="diagonal_relaxed")) if short else pl.DataFrame()
        )
        quarantine = owned(
            quarantine_rows(
                engine.query(con, "report/package_quarantine", settings, district_codes=codes)
            )
        )
        return cls(as_of, units, hazards, short_rows, quarantine)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column as the text a package shows (``_text`` of each value): dates as ISO
    dates, booleans as 是/否, whole numbers without a decimal point; a blank stays blank."""
    columns = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype == pl.Boolean:
            column = pl.when(column.is_null()).then(None).when(column).then(pl.lit("是"))
            column = column.otherwise(pl.lit("否"))
        elif dtype == pl.Date:
            column = column.dt.strftime("%Y-%m-%d")
        elif dtype.is_float():  # Python's own text of a fraction (rare: kept exact)
            column = column.map_elements(_text, return_dtype=pl.String)
        elif dtype != pl.String:
            column = column.cast(pl.String)
        columns.append(column.alias(name))
    return frame.select(columns)


FIVE_ITEMS = [
    ("整改责任人", "responsible_person", None),
    ("整改措施", "measures", None),
    ("整改资金(万元)", "funds", {"validate": "decimal", "criteria": ">=", "value": 0}),
    ("整改期限", "deadline", DATE_RULE),
    ("应急预案", "contingency_plan", BOOL_RULE),
]
LEVELS = {"major": "重大", "general": "一般"}
SUPERVISION = {"none": "无", "district": "区级", "city": "市级", "province": "省级", "yes": "是"}


def hazard_rows(listed: pl.DataFrame) -> pl.DataFrame:
    """The open hazards with their level and supervision in words, the 五落实 items they lack,
    and the keys a return is matched on."""
    lacking = [
        pl.when(
            pl.col(field).is_null()
            | (pl.col(field).cast(pl.String) == "")
            | ((pl.col(field) != True) if field == "contingency_plan" else pl.lit(False))  # noqa: E712
        ).then(pl.lit(label))
        for label, field, _ in FIVE_ITEMS
    ]
    return listed.with_columns(
        pl.col("level").replace_strict(LEVELS, default=pl.col("level")).alias("level_zh"),
        pl.concat_list(lacking).list.drop_nulls().list.join("、").alias("missing"),
        pl.col("supervision").replace_strict(SUPERVISION, default=pl.col("supervision")),
        pl.col("record_key").alias("_key"),
        pl.col("version").alias("_version"),
        pl.lit("hazards").alias("_dataset"),
    )


def short_rows_of(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per enterprise and target, with the periods it lacks (as the card counts them)."""
    return frame.with_columns(
        pl.col("missing_periods").list.join("；").fill_null("").alias("periods"),
        pl.col("enterprise_id").alias("_key"),
        pl.lit("").alias("_version"),
        pl.lit("enterprises").alias("_dataset"),
    )


def quarantine_rows(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("record_key").alias("_key"),
        pl.col("version").alias("_version"),
        pl.col("dataset").alias("_dataset"),
        pl.col("column_name").alias("_column"),
    )


def sheets(figures: PackageFigures, code: str) -> list[Sheet]:
    hazards = figures.hazards.rows(code)
    rectify = [("整改完成日期", DATE_RULE), ("销号日期", DATE_RULE), ("整改情况说明", None)]
    listed = [
        ("隐患编号", "hazard_id"),
        ("企业", "enterprise"),
        ("隐患等级", "level_zh"),
        ("发现日期", "found_date"),
        ("整改期限", "deadline"),
        ("隐患描述", "description"),
    ]
    overdue = hazards.filter(pl.col("overdue"))
    major = hazards.filter(pl.col("level") == "major")
    five = major.filter(pl.col("missing") != "")
    listed_short = figures.short.rows(code)
    quarantine = figures.quarantine.rows(code)
    return [
        Sheet("超期未整改隐患", [*listed, ("超期天数", "days_overdue")], rectify, overdue),
        Sheet("未整改重大隐患", [*listed, ("挂牌督办", "supervision")], rectify, major),
        Sheet(
            "五落实缺项",
            [("隐患编号", "hazard_id"), ("企业", "enterprise"), ("缺少的项", "missing")],
            [(label, rule) for label, _, rule in FIVE_ITEMS],
            five,
        ),
        Sheet(
            "未达频次企业",
            [
                ("目标", "target"),
                ("企业", "enterprise_name"),
                ("统一社会信用代码", "enterprise_id"),
                ("未达到的周期", "periods"),
            ],
            [("计划完成日期", DATE_RULE), ("说明", None)],
            listed_short,
        ),
        Sheet(
            "需更正的记录",
            [
                ("数据集", "dataset_zh"),
                ("文件", "file_name"),
                ("工作表", "sheet"),
                ("行号", "row_no"),
                ("表头", "header"),
                ("原始值", "raw_value"),
                ("规则", "rule_zh"),
                ("说明", "message_zh"),
            ],  # fmt: skip
            [("更正后的值", None)],
            quarantine,
        ),
    ]


def package_path(settings: Settings, as_of: dt.date, stem: str) -> Path:
    return (
        settings.reports
        / as_of.isoformat()
        / "packages"
        / f"督办清单_{stem}_{as_of.isoformat()}.xlsx"
    )


def file_stems(settings: Settings, units: list[tuple[str, str]]) -> dict[str, str]:
    """The unit's part of each file name: its name, and its code too where two units of the
    registry share the name (济南 and 枣庄's 市中区), so that no package overwrites another."""
    names = [u.name for u in settings.registry.districts]
    shared = {n for n in names if names.count(n) > 1}
    return {code: safe_name(f"{name}-{code}" if name in shared else name) for code, name in units}


def package_id(code: str, as_of: dt.date, written: str) -> str:
    return hashlib.sha256(f"{code}|{as_of}|{written}".encode()).hexdigest()[:16]


def write_package(
    settings: Settings, figures: PackageFigures, code: str, name: str, stem: str | None = None
) -> Path:
    """The unit's workbook, written atomically (``stem``: the unit's part of the file name)."""
    path = package_path(settings, figures.as_of, stem or safe_name(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    book = inert.workbook(buffer, in_memory=True)
    formats = {
        "head": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter", "locked": True}),
        "fill_head": book.add_format({"bold": True, "bg_color": "#FFF2CC", "border": 1, "text_wrap": True, "valign": "vcenter", "locked": True}),
        "given": book.add_format({"locked": True, "text_wrap": True, "valign": "top"}),
        "fill": book.add_format({"locked": False, "bg_color": "#FFFBEA", "border": 1, "valign": "top"}),
        "bold": book.add_format({"bold": True}),
    }  # fmt: skip
    parts = sheets(figures, code)
    due = due_date(
        figures.as_of.isoformat()[:7], settings.reporting.get("due_day", DEFAULT_DUE_DAY)
    )
    _readme(book, formats, settings, name, figures.as_of, due, parts)
    pieces = [  # a list longer than a sheet goes on over `name (2)` … (returns read them too)
        replace(part, name=sheet, rows=rows)
        for part in parts
        for sheet, rows in within_sheets({part.name: part.rows})
    ]
    lists = [_list_sheet(book, formats, piece, number) for number, piece in enumerate(pieces, 2)]
    written = dt.datetime.now().isoformat(timespec="seconds")
    marker.write(
        book,
        {
            "kind": "package",
            "package_id": package_id(code, figures.as_of, written),
            "unit_code": code,
            "unit": name,
            "as_of": figures.as_of.isoformat(),
            "due": due.isoformat(),
            "version": __version__,
            "written": written,
            "sheets": [p.name for p in pieces],
        },
    )
    book.close()
    return atomic.write_bytes(path, sheet_rows.fill(buffer.getvalue(), lists))


def _readme(
    book, formats, settings: Settings, unit: str, as_of: dt.date, due: dt.date, parts: list[Sheet]
) -> None:
    sheet = book.add_worksheet("说明")
    contact = settings.reporting.get("contact")
    lines = [
        f"{unit}督办清单（数据截至{as_of.isoformat()}）",
        "请在各表黄色列中填写，其他列已锁定（如需修改可在“审阅”中撤销工作表保护，无需密码）。",
        "超期未整改隐患、未整改重大隐患：已整改的填写整改完成日期，已销号的填写销号日期，并简要说明整改情况。",
        "五落实缺项：补填缺少的责任人、措施、资金、期限或预案。",
        "未达频次企业：填写计划完成日期和说明。",
        "需更正的记录：在“更正后的值”中填写正确的值，系统将重新检查该行。",
        f"请于{due.year}年{due.month}月{due.day}日前将本表原文件报送"
        + (f"（{contact}）" if contact else "")
        + "，请勿改名为其他台账或删除隐藏的工作表。",
        "",
        *[f"{p.name}：{len(p.rows)} 条" for p in parts],
    ]
    for r, line in enumerate(lines):
        sheet.write_string(r, 0, line, formats["bold"] if r == 0 else None)
    sheet.set_column(0, 0, max(map(display_width, lines)) + 2)  # printed whole, never cut
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)


def _list_sheet(book, formats, part: Sheet, number: int) -> sheet_rows.Rows:
    """The list's sheet (``number``: its place in the book) with its header, widths, the checks
    of its columns to fill and its protection; its rows for sheet_rows: the given and hidden
    cells as text, each cell to fill blank, unlocked and shaded."""
    sheet = book.add_worksheet(part.name)
    headers = [h for h, _ in part.given] + [h for h, _ in part.fill] + list(part.hidden)
    for c, header in enumerate(headers):
        is_fill = len(part.given) <= c < len(part.given) + len(part.fill)
        sheet.write_string(0, c, header, formats["fill_head" if is_fill else "head"])
    rows = part.rows
    fields = [field for _, field in part.given] + list(part.hidden)
    shown = as_text(  # a column the rows lack is blank on each row (a list with no columns: none)
        rows.select(
            pl.col(f)
            if f in rows.columns
            else pl.repeat(None, rows.height, dtype=pl.String).alias(f)
            for f in fields
        )
    )
    blanks = [pl.lit(None, pl.Null).alias(f"_fill{c}") for c in range(len(part.fill))]
    given = len(part.given)
    frame = shown.select(*fields[:given], *blanks, *fields[given:])
    sheet_rows.numbered(formats["given"], formats["fill"])
    styles = [formats["given"]] * given + [formats["fill"]] * len(blanks)
    styles += [None] * (len(fields) - given)
    last = max(rows.height, 1)
    for c, (_, rule) in enumerate(part.fill, start=given):
        if rule:
            sheet.data_validation(1, c, last, c, rule)
    widest = shown.head(500).select(sheet_rows.text_width(pl.col(fields[:given])).max())
    for c, (header, _) in enumerate(part.given):  # as wide as its header and values
        sheet.set_column(
            c, c, min(GIVEN_WIDTH, max(display_width(header), widest[0, c] or 0, 6) + 2)
        )
    for c in range(len(part.given), len(part.given) + len(part.fill)):
        sheet.set_column(c, c, 16)
    first_hidden = len(part.given) + len(part.fill)
    sheet.set_column(
        first_hidden, first_hidden + len(part.hidden) - 1, None, None, {"hidden": True}
    )
    print_setup(sheet, header_height=30)
    sheet.protect("", {"autofilter": True, "sort": False, "format_columns": True})
    return sheet_rows.Rows(number, frame, styles, [None] * frame.width, 0)


def make_packages(settings: Settings, as_of: dt.date | None = None, districts: list[str] | None = None,
                  level=None, pdf: bool = False) -> list[Path]:  # fmt: skip
    """Write the package of every unit of the level (or the units named); returns the paths."""
    from safetystats.metrics import engine
    from safetystats.report.runner import chosen_units

    units = [(u.code, u.name) for u in chosen_units(settings, districts, level)]
    if not units:  # only the total was named: it has no to-do list of its own (8.6)
        raise UsageError(f"--district {' '.join(districts or [])}: 合计没有督办清单，请指定单位 / "
                         "the total has no package: name units or use --level")  # fmt: skip
    with engine.open_store(settings) as con:
        as_of = as_of or engine.latest_event_date(con)
        if as_of is None:  # an empty store (7: exit 1)
            raise NothingToReportError("数据库中还没有记录 / the store holds no record")
        figures = PackageFigures.compute(settings, as_of, units, con)
    written = write_all(settings, figures)
    if pdf:
        for (_, name), path in zip(units, written, strict=True):
            page = _bulletin_pdf(settings, as_of, name)
            if page is not None:
                shutil.copyfile(page, path.with_name(f"{path.stem}_通报.pdf"))
    return written


def write_all(settings: Settings, figures: PackageFigures) -> list[Path]:
    """Every unit's workbook, in the order of ``figures.units``, several at a time
    (config/performance.toml [packages]): the rows of a list are made by polars and compressed
    by zlib, both without Python's lock, so one workbook's rows are made while another's are
    compressed (report/sheet_rows.py)."""
    stems = file_stems(settings, figures.units)

    def write(unit: tuple[str, str]) -> Path:
        code, name = unit
        return write_package(settings, figures, code, name, stems[code])

    threads = packaged("performance")["packages"]["threads"] or os.cpu_count() or 1
    with ThreadPoolExecutor(threads, thread_name_prefix="packages") as pool:
        written = [pool.submit(write, unit) for unit in figures.units]
        try:
            return [w.result() for w in written]
        except BaseException:  # a full disk, say: the workbooks not begun are not tried
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _bulletin_pdf(settings: Settings, as_of: dt.date, unit: str) -> Path | None:
    folder = settings.reports / as_of.isoformat()
    found = sorted(
        p for p in folder.glob("*.pdf") if unit in p.stem and not p.name.startswith("通报")
    )
    return found[0] if found else None
