"""Returned packages (DATA_SPEC 8.6): a package opened and saved by LibreOffice as a clerk's
spreadsheet program would, filled, put back into the raw folder and read as corrections."""

import csv
import datetime as dt
import shutil

import openpyxl
import pytest
from browser import saved_by_libreoffice
from conftest import query, write_rows

from safetystats.followup.packages import make_packages
from safetystats.ingest import ingest
from safetystats.pipeline import refresh

# every test saves a package through LibreOffice or runs the pages: the slow layer
pytestmark = pytest.mark.slow

AS_OF = dt.date(2024, 6, 30)
REGISTER = [
    ["统一社会信用代码", "企业名称", "所属区市", "行业领域"],
    ["91371000MA3C000001", "文登示例化工有限公司", "文登区", "危险化学品"],
    ["91371000MA3C000002", "环翠示例商贸有限公司", "环翠区", "其他"],
]
HAZARDS = [
    ["隐患编号", "统一社会信用代码", "隐患等级", "隐患描述", "发现日期", "整改期限"],
    *[
        [f"WD-{i}", "91371000MA3C000001", "重大", f"隐患{i}", "2024-01-10", "2024-03-31"]
        for i in range(4)
    ],
    ["HC-1", "91371000MA3C000002", "重大", "环翠的隐患", "2024-02-01", "2024-12-31"],
    ["WD-BAD", "91371000MA3C000001", "重大", "日期写错", "2024-13-01", ""],
]


@pytest.fixture
def store(settings):
    write_rows(settings.raw / "enterprises" / "名录.csv", REGISTER)
    write_rows(settings.raw / "hazards" / "隐患.csv", HAZARDS)
    ingest(None, settings)
    refresh(settings)
    return settings


def _open_major(settings) -> set[str]:
    rows = query(
        settings,
        "SELECT hazard_id FROM curated_hazards WHERE level = 'major' AND is_open_at(found_date, rectified_date, ?)",
        [AS_OF],
    )
    return {r[0] for r in rows}


def _fill(book, sheet: str, key_column: str, key: str, values: dict) -> None:
    ws = book[sheet]
    headers = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, headers.index(key_column) + 1).value == key:
            for header, value in values.items():
                ws.cell(r, headers.index(header) + 1).value = value
            return
    raise AssertionError(f"{key} not in {sheet}")


def _results(settings) -> list[dict]:
    with open(settings.reports / "returns.csv", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _send_back(settings, book: openpyxl.Workbook) -> None:
    """The filled package put into the raw folder, read as a return, and the store refreshed."""
    returned = settings.raw / "回执" / "文登区回执.xlsx"
    returned.parent.mkdir()
    book.save(returned)
    result = next(r for r in ingest(None, settings) if r.path == returned)
    assert result.status == "ingested" and result.returned, result.message
    refresh(settings)


def _returned_as_written(settings) -> None:
    """文登区's June package put back unfilled, read and the store refreshed."""
    (path,) = make_packages(settings, AS_OF, districts=["文登区"])
    returned = settings.raw / "回执" / "回执.xlsx"
    returned.parent.mkdir()
    shutil.copyfile(path, returned)
    ingest(None, settings)
    refresh(settings)


def _package(settings, tmp_path) -> openpyxl.Workbook:
    (path,) = make_packages(settings, AS_OF, districts=["文登区"])
    return openpyxl.load_workbook(saved_by_libreoffice(path, tmp_path / "clerk"))


def test_a_returned_package_moves_the_figures_by_what_was_filled(store, tmp_path):
    before = _open_major(store)
    assert before == {"WD-0", "WD-1", "WD-2", "WD-3", "HC-1"}  # WD-BAD is quarantined
    book = _package(store, tmp_path)
    assert "_safetystats" in book.sheetnames  # the marker survives the spreadsheet program
    _fill(
        book,
        "未整改重大隐患",
        "隐患编号",
        "WD-0",
        {"整改完成日期": "2024-06-20", "整改情况说明": "已更换"},
    )
    _fill(
        book,
        "超期未整改隐患",
        "隐患编号",
        "WD-1",
        {"整改完成日期": "2024-06-21", "销号日期": "2024-06-25"},
    )
    _fill(book, "需更正的记录", "原始值", "2024-13-01", {"更正后的值": "2024-03-01"})
    returned = store.raw / "回执" / "文登区回执.xlsx"  # any folder, any name
    returned.parent.mkdir()
    book.save(returned)
    run = ingest(None, store)
    result = next(r for r in run if r.path == returned)
    assert result.status == "ingested" and result.returned, result.message
    refresh(store)
    # rectified ones are no longer open; the corrected row passed the checks and is open now
    assert _open_major(store) == before - {"WD-0", "WD-1"} | {"WD-BAD"}
    assert query(store, "SELECT closed_date FROM curated_hazards WHERE hazard_id = 'WD-1'") == [
        (dt.date(2024, 6, 25),)
    ]
    # the old version stays in history, replaced by the return
    history = query(store, "SELECT rectified_date FROM hazards_history WHERE _key = 'WD-0'")
    assert history == [(None,)]
    rows = _results(store)
    applied = {(r["record_key"], r["column_name"]) for r in rows if r["result"] == "applied"}
    assert applied == {("WD-0", "rectified_date"), ("WD-1", "rectified_date"), ("WD-1", "closed_date"),
                       ("WD-BAD", "found_date")}  # fmt: skip
    assert any(r["result"] == "noted" and r["new_value"] == "已更换" for r in rows)
    # the same return read again changes nothing
    again = store.raw / "回执" / "文登区回执(1).xlsx"
    shutil.copyfile(returned, again)
    result = next(r for r in ingest(None, store) if r.path == again)
    assert result.status == "unchanged"
    resaved = saved_by_libreoffice(
        returned, tmp_path / "again"
    )  # another save: other bytes, same content
    shutil.copyfile(resaved, store.raw / "回执" / "再次报送.xlsx")
    ingest(None, store)
    refresh(store)
    assert _open_major(store) == before - {"WD-0", "WD-1"} | {"WD-BAD"}
    latest = [
        r
        for r in _results(store)
        if r["package_id"] and r["sheet"] != "" and r["result"] != "noted"
    ]
    assert {r["result"] for r in latest[-4:]} == {"unchanged"}


def test_conflicts_other_units_rows_and_a_correction_that_fails_again(store, tmp_path):
    book = _package(store, tmp_path)
    # a ledger ingested after the package changes WD-2: its returned row is a conflict
    write_rows(
        store.raw / "hazards" / "补充.csv",
        [
            HAZARDS[0],
            ["WD-2", "91371000MA3C000001", "重大", "隐患2（更新）", "2024-01-10", "2024-03-31"],
        ],
    )
    ingest(None, store)
    refresh(store)
    _fill(book, "未整改重大隐患", "隐患编号", "WD-2", {"整改完成日期": "2024-06-20"})
    # a row edited to point at 环翠's hazard: refused
    _fill(
        book, "未整改重大隐患", "隐患编号", "WD-3", {"整改完成日期": "2024-06-22", "_key": "HC-1"}
    )
    # a rectification before the finding: refused by the row rules
    _fill(book, "超期未整改隐患", "隐患编号", "WD-0", {"整改完成日期": "2023-12-01"})
    # a correction that is still not a date: stays quarantined, with the new message
    _fill(book, "需更正的记录", "原始值", "2024-13-01", {"更正后的值": "2024-14-01"})
    path = store.raw / "文登区督办回执.xlsx"
    book.save(path)
    ingest(None, store)
    refresh(store)
    results = {(r["record_key"], r["column_name"]): r for r in _results(store)}
    assert results[("WD-2", "rectified_date")]["result"] == "conflict"
    assert (
        results[("HC-1", None) if ("HC-1", None) in results else ("HC-1", "")]["result"]
        == "refused"
    )
    assert results[("WD-0", "rectified_date")]["result"] == "refused"
    assert "早于发现日期" in results[("WD-0", "rectified_date")]["message"]
    assert _open_major(store) == {
        "WD-0",
        "WD-1",
        "WD-2",
        "WD-3",
        "HC-1",
    }  # nothing applied but the correction
    held = query(
        store,
        "SELECT raw_value, message_zh FROM quarantine WHERE record_key = 'WD-BAD' AND column_name = 'found_date'",
    )
    assert held and held[0][0] == "2024-14-01" and "2024-14-01" in held[0][1]


def test_who_reported_on_time(store, tmp_path):
    from safetystats.followup.reporting import reporting_rows

    today = dt.date.today()
    for as_of in (AS_OF, today):  # June 2024's cycle (long past due) and this month's
        (path,) = make_packages(store, as_of, districts=["文登区"])
        returned = store.raw / "回执" / f"{as_of}.xlsx"
        returned.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, returned)
    ingest(None, store)
    refresh(store)
    rows = {(r["district"], r["month"]): r for r in reporting_rows(store) if r["kind"] == "package"}
    late = rows[("文登区", "2024-06")]
    assert late["due"] == "2024-07-28" and late["arrived"] == today.isoformat()
    assert late["status"] == "late" and late["days_late"] == (today - dt.date(2024, 7, 28)).days
    assert rows[("环翠区", "2024-06")]["status"] == "missing"
    month = today.isoformat()[:7]
    assert rows[("文登区", month)]["status"] == "on_time"
    assert rows[("环翠区", month)]["status"] == "pending"


def test_a_rebuild_keeps_when_each_return_first_arrived(store):
    """`ingest --rebuild` reads every file again: a package returned on time (2024-07-20, due
    2024-07-28) arrived again at the rebuild and turned late by years (DATA_SPEC 8.6: the first
    arrival counts)."""
    import duckdb

    from safetystats.followup.reporting import reporting_rows
    from safetystats.ingest.pipeline import rebuild

    _returned_as_written(store)
    with duckdb.connect(str(store.db)) as con:  # it came back in time, a while ago
        con.execute("UPDATE arrivals SET arrived_at = TIMESTAMP '2024-07-20 09:30:00'")

    def june() -> dict:
        rows = reporting_rows(store)
        return next(r for r in rows if r["district"] == "文登区" and r["month"] == "2024-06")

    assert june()["status"] == "on_time"
    aside, _ = rebuild(None, store)
    assert aside is not None and aside.exists()
    refresh(store)
    assert june()["status"] == "on_time" and june()["arrived"] == "2024-07-20"


def test_the_workbook_has_the_on_time_sheet(store, tmp_path):
    from safetystats.report.workbook import export

    _returned_as_written(store)
    workbook, _ = export(store, AS_OF)
    book = openpyxl.load_workbook(workbook)
    sheet = book["按时报送情况"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    late = (dt.date.today() - dt.date(2024, 7, 28)).days
    assert [
        "文登区",
        "2024-06",
        "督办清单回执",
        dt.datetime(2024, 7, 28),  # dates, not text: a clerk sorts and filters them as dates
        dt.datetime.combine(dt.date.today(), dt.time()),
        f"迟报{late}天",
    ] in rows
    due = sheet.cell(2, 4)
    assert due.is_date and due.number_format == "yyyy-mm-dd"
    assert any(r[0] == "环翠区" and r[-1] == "未报" for r in rows)


def test_the_overview_shows_who_reported_on_time(store, tmp_path):
    """The overview's on-time table (8.6): 文登区 returned June's package today, long after
    its due day (2024-07-28); every other unit returned nothing and is missing."""
    from safetystats.metrics.engine import open_store
    from safetystats.report.bulletin import CityOverview
    from safetystats.report.precomputed import RunFigures
    from safetystats.report.runner import bulletins

    _returned_as_written(store)
    with open_store(store) as con:
        run = RunFigures.compute(store, AS_OF, "zh", con)
    html = str(CityOverview(store, run, "zh", {}).reporting())
    others = len(store.registry.top_units()) - 1
    late = (dt.date.today() - dt.date(2024, 7, 28)).days
    assert f"2024-06 督办清单回执：迟报1个、未报{others}个" in html
    assert f"<td>文登区</td><td>迟报{late}天</td>" in html.replace(' class="nw"', "")
    assert html.count("<td>未报</td>") + html.count('<td class="nw">未报</td>') == others
    # the page of a run shows it too; before any return, the section is absent
    bulletins(store, AS_OF, districts=["文登区"])
    page = (store.reports / AS_OF.isoformat() / "city_overview.html").read_text(encoding="utf-8")
    assert "按时报送情况" in page and f"迟报{late}天" in page


def test_no_on_time_section_before_anything_is_returned(store):
    from safetystats.metrics.engine import open_store
    from safetystats.report.bulletin import CityOverview
    from safetystats.report.precomputed import RunFigures

    with open_store(store) as con:
        run = RunFigures.compute(store, AS_OF, "zh", con)
    assert run.frames["reporting"].is_empty()
    assert str(CityOverview(store, run, "zh", {}).reporting()) == ""


def test_a_list_longer_than_a_sheet_goes_on_over_sheets_that_come_back_too(
    store, tmp_path, monkeypatch
):
    """Excel holds 1,048,576 rows a sheet: a longer list goes on over `name (2)` … (here a
    sheet of two rows), each with its header and its cells to fill, and a row filled on a later
    sheet is read back as one on the first."""
    from safetystats.report import workbook

    monkeypatch.setattr(workbook, "SHEET_ROWS", 2)
    book = _package(store, tmp_path)
    assert [n for n in book.sheetnames if n.startswith("超期未整改隐患")] == [
        "超期未整改隐患",
        "超期未整改隐患 (2)",
    ]
    listed = [
        book[n].cell(r, 1).value for n in ("超期未整改隐患", "超期未整改隐患 (2)") for r in (2, 3)
    ]
    assert sorted(listed) == ["WD-0", "WD-1", "WD-2", "WD-3"]  # every row, once
    later = book["超期未整改隐患 (2)"]
    assert later.cell(1, 1).value == "隐患编号" and later.max_row == 3
    key = later.cell(3, 1).value
    _fill(book, "超期未整改隐患 (2)", "隐患编号", key, {"整改完成日期": "2024-06-21"})
    _send_back(store, book)
    assert key not in _open_major(store)
    applied = [r for r in _results(store) if r["result"] == "applied"]
    assert [(r["record_key"], r["sheet"]) for r in applied] == [(key, "超期未整改隐患 (2)")]


def test_a_sheet_the_clerk_copied_is_not_read_as_part_of_the_list(store, tmp_path):
    """Excel and WPS name a copied sheet `name (2)`, as a list's later sheets are named: only
    the sheets the package was written with are read, so a draft on the clerk's copy does not
    override the answer on the list's own sheet."""
    book = _package(store, tmp_path)
    own = book["超期未整改隐患"]
    copy = book.copy_worksheet(own)
    copy.title = "超期未整改隐患 (2)"
    _fill(book, "超期未整改隐患", "隐患编号", "WD-0", {"整改完成日期": "2024-06-20"})
    _fill(book, "超期未整改隐患 (2)", "隐患编号", "WD-0", {"整改完成日期": "2024-06-01"})
    _send_back(store, book)
    applied = [r for r in _results(store) if r["result"] == "applied"]
    assert [(r["record_key"], r["sheet"], r["new_value"]) for r in applied] == [
        ("WD-0", "超期未整改隐患", "2024-06-20")
    ]
    rectified = query(store, "SELECT rectified_date FROM hazards WHERE hazard_id = 'WD-0'")
    assert rectified == [(dt.date(2024, 6, 20),)]
