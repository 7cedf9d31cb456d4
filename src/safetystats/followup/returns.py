"""Returned packages (DATA_SPEC 8.6): a filled 督办清单 in the raw folder read as corrections.

The package's marker names the unit, the as-of date and the package; each listed row carries
its record's key and the version (file) it was written from. A returned row is

- ``applied``: its dates or 五落实 items make a new version of the hazard (source: the return;
  the old version moves to history as any replaced row does), or its 更正后的值 replaces the
  quarantined cell's text and the row is stored again, to be checked again by ``validate``
  (it may fail again: it then stays in the quarantine with the new message);
- ``unchanged``: the store already says what the row says (reading a return twice);
- ``conflict``: the record has a newer version than the package's (a ledger changed it since):
  listed, not applied;
- ``refused``: another unit's record, a record no longer in the store, or a value that breaks a
  row rule (a rectification before the finding, a date after today, a closing without
  rectification): listed with the reason, not applied;
- ``noted``: a 说明 or a planned date, kept in the returns table and ``reports/returns.csv``.

Everything happens in the ingest transaction of the returned file: it lands whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

import polars as pl

from safetystats import normalize as V
from safetystats.config import Settings
from safetystats.ingest.spec import DatasetSpec, parser_for
from safetystats.sql import load_sql
from safetystats.store import fetch_frame, registered

HAZARD_SHEETS = ("超期未整改隐患", "未整改重大隐患")
FIVE_SHEET = "五落实缺项"
SHORT_SHEET = "未达频次企业"
QUARANTINE_SHEET = "需更正的记录"
CONTINUED = re.compile(r" \(\d+\)$")  # a list's later sheets (report/workbook.within_sheets)
DATES = {"整改完成日期": "rectified_date", "销号日期": "closed_date"}
FIVE = {
    "整改责任人": "responsible_person",
    "整改措施": "measures",
    "整改资金(万元)": "funds",
    "整改期限": "deadline",
    "应急预案": "contingency_plan",
}
NOTES = ("整改情况说明", "计划完成日期", "说明")
RESULT_COLUMNS = {
    "file_id": pl.Int64,
    "package_id": pl.String,
    "unit_code": pl.String,
    "unit": pl.String,
    "sheet": pl.String,
    "row_no": pl.Int64,
    "dataset": pl.String,
    "record_key": pl.String,
    "column_name": pl.String,
    "old_value": pl.String,
    "new_value": pl.String,
    "result": pl.String,
    "message": pl.String,
    "read_at": pl.Datetime,
}


@dataclass
class ReturnRead:
    """What a returned package did: its rows' results and the new record versions."""

    rows: list[dict] = field(default_factory=list)
    versions: dict[str, list[dict]] = field(default_factory=dict)  # dataset -> new raw rows

    def count(self, result: str) -> int:
        return sum(r["result"] == result for r in self.rows)


def _cells(table) -> tuple[list[str], list[tuple[int, list]]]:
    """The header row and the data rows (spreadsheet row number, cells) of a returned sheet."""
    frame = table.frame
    if frame.height == 0:
        return [], []
    header = [V.clean_text(h) or "" if h is not None else "" for h in frame.row(0)]
    rows = [(table.first_row + 1 + i, list(frame.row(i + 1))) for i in range(frame.height - 1)]
    return header, rows


def _value(cells: list, header: list[str], name: str):
    if name not in header:
        return None
    raw = cells[header.index(name)]
    return V.clean_text(raw) if raw is not None else None


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class ReturnReader:
    """Reads one returned package inside the ingest transaction (``con``)."""

    def __init__(
        self, con, settings: Settings, specs: dict[str, DatasetSpec], facts: dict, file_id: int, now
    ):
        self.con, self.settings, self.specs, self.facts = con, settings, specs, facts
        self.file_id, self.now = file_id, now
        code = facts.get("unit_code")
        registry = settings.registry
        self.units = (
            {code, *(u.code for u in registry.descendants(code))}
            if code in registry.by_code
            else set()
        )
        self.out = ReturnRead()
        self.today = dt.date.today()

    # ------------------------------------------------------------------ bookkeeping
    def _result(self, sheet, row_no, dataset, key, column, old, new, result, message=""):
        self.out.rows.append(
            {
                "file_id": self.file_id,
                "package_id": self.facts.get("package_id"),
                "unit_code": self.facts.get("unit_code"),
                "unit": self.facts.get("unit"),
                "sheet": sheet,
                "row_no": row_no,
                "dataset": dataset,
                "record_key": key,
                "column_name": column,
                "old_value": _text(old),
                "new_value": _text(new),
                "result": result,
                "message": message,
                "read_at": self.now,
            }
        )

    def _current(self, dataset: str, key: str) -> dict | None:
        """The stored (newest) version of a record, with its unit (NULL when unknown)."""
        pending = self.out.versions.get(dataset, [])
        for row in reversed(pending):
            if row["_key"] == key:
                return row
        sql = load_sql("staging/return_record").format(dataset=dataset)
        frame = fetch_frame(self.con, sql, {"key": key})
        return frame.row(0, named=True) if frame.height else None

    def _stage(self, dataset: str, row: dict, sheet: str, row_no: int) -> None:
        new = dict(row) | {"_sheet": sheet, "_row": row_no}
        versions = self.out.versions.setdefault(dataset, [])
        versions[:] = [v for v in versions if v["_key"] != new["_key"]] + [new]

    # ------------------------------------------------------------------ sheets
    def _written_sheets(self) -> set[str]:
        """The sheets the package was written with (its marker's ``sheets``)."""
        try:
            written = json.loads(self.facts.get("sheets") or "[]")
        except ValueError:
            return set()
        return {str(s) for s in written} if isinstance(written, list) else set()

    def read(self, tables) -> ReturnRead:
        written = self._written_sheets()
        for table in tables:
            header, rows = _cells(table)
            sheet = table.sheet or ""
            # a list over sheets: `name (2)` … as written; a copy the clerk made in Excel or
            # WPS is named the same way and is not read (its drafts would pass for answers)
            listed = CONTINUED.sub("", sheet) if sheet in written else sheet
            if listed in HAZARD_SHEETS:
                self._hazard_sheet(table.sheet, header, rows, DATES)
            elif listed == FIVE_SHEET:
                self._hazard_sheet(table.sheet, header, rows, FIVE)
            elif listed == SHORT_SHEET:
                self._notes(table.sheet, header, rows, "enterprises")
            elif listed == QUARANTINE_SHEET:
                self._corrections(table.sheet, header, rows)
        return self.out

    def _check(self, sheet, row_no, dataset, key, version, current, column=None) -> bool:
        """Refused or conflict rows are recorded here; True when the row may be applied."""
        if current is None:
            self._result(sheet, row_no, dataset, key, column, None, None, "refused",
                         "记录已不在库中 / the record is no longer in the store")  # fmt: skip
            return False
        if current.get("_unit") not in self.units:
            self._result(sheet, row_no, dataset, key, column, None, None, "refused",
                         "不是本单位的记录 / a record of another unit")  # fmt: skip
            return False
        return True

    def _hazard_sheet(self, sheet: str, header: list[str], rows, fields: dict) -> None:
        spec = self.specs["hazards"]
        for row_no, cells in rows:
            key = _value(cells, header, "_key")
            filled = {
                col: _value(cells, header, h)
                for h, col in fields.items()
                if _value(cells, header, h)
            }
            for note in NOTES:
                if _value(cells, header, note):
                    self._result(
                        sheet,
                        row_no,
                        "hazards",
                        key,
                        note,
                        None,
                        _value(cells, header, note),
                        "noted",
                    )
            if not key or not filled:
                continue
            current = self._current("hazards", key)
            if not self._check(sheet, row_no, "hazards", key, None, current):
                continue
            new = dict(current)
            problems = []
            for column, text in filled.items():
                parsed = parser_for(spec.column(column), self.settings)(text)
                if parsed is V.INVALID:
                    problems.append(f"{text!r} 不是有效的值 / is not a valid {column}")
                else:
                    new[column] = parsed
                    if spec.column(column).keeps_raw:
                        new[spec.column(column).raw_name] = None
            problems += self._rules(new)
            changed = {
                c: (current.get(c), new.get(c)) for c in filled if current.get(c) != new.get(c)
            }
            version = _value(cells, header, "_version")
            if problems:
                result, message = "refused", "；".join(problems)
            elif not changed:
                result, message = "unchanged", "库中已是此值 / the store already says so"
            elif (
                version
                and str(current.get("_file_id")) != version
                and current.get("_file_id") != self.file_id
            ):
                result, message = (
                    "conflict",
                    "该记录在下发清单后已被新台账更新，未采用 / changed by a ledger after the package",
                )
            else:
                result, message = "applied", ""
                self._stage("hazards", new, sheet, row_no)
            for column, text in filled.items():
                self._result(
                    sheet,
                    row_no,
                    "hazards",
                    key,
                    column,
                    current.get(column),
                    text,
                    result,
                    message,
                )

    def _rules(self, row: dict) -> list[str]:
        """The hazard row rules (DATA_SPEC 4) a returned date must pass."""
        found, rectified, closed = (
            row.get("found_date"),
            row.get("rectified_date"),
            row.get("closed_date"),
        )
        out = []
        if rectified and found and rectified < found:
            out.append("整改完成日期早于发现日期 / rectified before found")
        if closed and not rectified:
            out.append("有销号日期但无整改完成日期 / closed without rectification")
        if closed and rectified and closed < rectified:
            out.append("销号日期早于整改完成日期 / closed before rectified")
        if any(d and d > self.today for d in (rectified, closed)):
            out.append("日期晚于今天 / a date after today")
        return out

    def _notes(self, sheet: str, header: list[str], rows, dataset: str) -> None:
        for row_no, cells in rows:
            key = _value(cells, header, "_key")
            for note in NOTES:
                if _value(cells, header, note):
                    self._result(
                        sheet,
                        row_no,
                        dataset,
                        key,
                        note,
                        None,
                        _value(cells, header, note),
                        "noted",
                    )

    def _corrections(self, sheet: str, header: list[str], rows) -> None:
        for row_no, cells in rows:
            text = _value(cells, header, "更正后的值")
            key, dataset, column = (
                _value(cells, header, h) for h in ("_key", "_dataset", "_column")
            )
            if not text or not key or dataset not in self.specs:
                continue
            spec = self.specs[dataset]
            current = self._current(dataset, key)
            if not self._check(sheet, row_no, dataset, key, None, current, column):
                continue
            names = {c.name for c in spec.columns}
            if column not in names:
                self._result(sheet, row_no, dataset, key, column, None, text, "refused",
                             "该行须更正原台账后重新报送 / correct the ledger and send it again")  # fmt: skip
                continue
            col = spec.column(column)
            new = dict(current)
            old = current.get(col.raw_name) if col.keeps_raw else current.get(column)
            old = old if old is not None else current.get(column)
            if col.keeps_raw:
                parsed = parser_for(col, self.settings)(text)
                new[column] = None if parsed is V.INVALID else parsed
                new[col.raw_name] = text if parsed is V.INVALID else None
            else:
                new[column] = text.upper() if col.type == "id" else text
            if _text(old) == text and current.get(column) == new[column]:
                self._result(sheet, row_no, dataset, key, column, old, text, "unchanged")
                continue
            version = _value(cells, header, "_version")
            if (
                version
                and str(current.get("_file_id")) != version
                and current.get("_file_id") != self.file_id
            ):
                self._result(sheet, row_no, dataset, key, column, old, text, "conflict",
                             "该记录在下发清单后已被新台账更新，未采用 / changed by a ledger after the package")  # fmt: skip
                continue
            self._stage(dataset, new, sheet, row_no)
            self._result(sheet, row_no, dataset, key, column, old, text, "applied",
                         "已更正，将重新检查 / corrected, checked again by validate")  # fmt: skip


def store_return(con, specs: dict[str, DatasetSpec], read: ReturnRead, file_id: int, now) -> int:
    """Upsert the new versions and record every returned row; returns the versions stored."""
    from safetystats.ingest import staging

    stored = 0
    for dataset, rows in read.versions.items():
        spec = specs[dataset]
        names = [n for n, _ in spec.stored_columns()] + ["_key", "_sheet", "_row"]
        schema = dict(spec.stored_columns()) | {
            "_key": pl.String,
            "_sheet": pl.String,
            "_row": pl.Int64,
        }
        frame = pl.DataFrame(
            [{n: r.get(n) for n in names} for r in rows], schema={n: schema[n] for n in names}
        )
        staging.upsert(con, spec, frame, file_id, now)
        stored += frame.height
    con.execute(load_sql("bookkeeping/returns"))
    if read.rows:
        with registered(con, "returned_rows", pl.DataFrame(read.rows, schema=RESULT_COLUMNS)):
            con.execute("INSERT INTO returns BY NAME SELECT * FROM returned_rows")
    return stored


def returns_csv(con) -> str:
    """reports/returns.csv: every returned row and its result, UTF-8 text for a BOM'd file;
    a text cell that a spreadsheet would evaluate starts with an apostrophe (5.1)."""
    con.execute(load_sql("bookkeeping/returns"))
    frame = fetch_frame(
        con,
        "SELECT * EXCLUDE (file_id) FROM returns ORDER BY read_at, file_id, sheet, row_no",
        None,
    )
    texts = [c for c, t in frame.schema.items() if t == pl.String]
    frame = frame.with_columns(
        [
            pl.when(pl.col(c).str.contains(r"^[=+\-@\t\r]"))
            .then(pl.lit("'") + pl.col(c))
            .otherwise(pl.col(c))
            .alias(c)
            for c in texts
        ]
    )
    return frame.write_csv()
