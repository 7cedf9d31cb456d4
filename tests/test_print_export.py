"""Print and PDF (DATA_SPEC 8.2) and the follow-up workbook (8.3), opened for real: the PDFs
rasterised with pdftoppm, the workbook read back and converted by LibreOffice."""

import re
import shutil
import subprocess
import time

import pytest
from browser import OUTPUT
from conftest import reading
from python_calamine import CalamineWorkbook

from safetystats.metrics import engine
from safetystats.report import runner
from safetystats.report.pdf import print_pdf
from safetystats.report.workbook import export

pytestmark = pytest.mark.slow  # papermill, Chromium, LibreOffice

A4 = (595, 842)  # points, as pdfinfo rounds them
RED = (0xCF, 0x22, 0x2E)  # the "behind" status colour


@pytest.fixture(scope="module")
def store(sample_store, tmp_path_factory):
    s = reading(sample_store, tmp_path_factory.mktemp("print") / "reports")
    run = runner.bulletins(s, districts=["环翠区"], jobs=1, pdf=True, city=True)
    assert not run.failed, [r.error for r in run.failed]
    return s, run


def _page_size(pdf) -> tuple[int, int]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    line = next(x for x in info.stdout.splitlines() if x.startswith("Page size:"))
    width, _, height = line.split(":")[1].split()[:3]
    return round(float(width)), round(float(height))


def _is_a4(pdf) -> bool:
    """A4 to a point: a page without an @page size is printed 595.92 pt wide (whole pixels)."""
    width, height = _page_size(pdf)
    return abs(width - A4[0]) <= 1 and height == A4[1]


def _rasterise(pdf, out_dir, dpi=60) -> list:
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out_dir / "p")], check=True)
    return sorted(out_dir.glob("p-*.png"))


def _pixels(png):
    """(width, height, rgb rows) of a PNG, read without any imaging package."""
    import struct
    import zlib

    data = png.read_bytes()
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert (depth, colour) == (8, 2), "pdftoppm writes 8-bit RGB"
    chunks, pos = [], 8
    while pos < len(data):
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            chunks.append(data[pos + 8 : pos + 8 + length])
        pos += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    stride, rows, prev = width * 3, [], bytearray(width * 3)
    for y in range(height):
        f, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for x in range(stride):
            a = line[x - 3] if x >= 3 else 0
            b = prev[x]
            c = prev[x - 3] if x >= 3 else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows


def _has_colour(png, colour, tolerance=24) -> bool:
    _, _, rows = _pixels(png)
    for row in rows:
        for x in range(0, len(row), 3):
            if all(abs(row[x + i] - colour[i]) <= tolerance for i in range(3)):
                return True
    return False


def test_bulletin_and_index_print_to_a4_with_status_colours(store, tmp_path):
    settings, run = store
    pdfs = {p.stem: p for p in run.folder.glob("*.pdf")}
    assert {"环翠区", "index"} <= set(pdfs)
    for pdf in pdfs.values():  # the index: landscape when its table needs it (8.2)
        assert _page_size(pdf) in (A4, A4[::-1]) if pdf.stem == "index" else A4, pdf.name
    # the index's red (behind) cells keep their colour on paper
    pages = _rasterise(pdfs["index"], tmp_path)
    assert any(_has_colour(p, RED) for p in pages)
    # the first page of each kind: test_print_screenshots_of_each_kind_of_page


def test_a_page_prints_without_the_plotly_toolbar_and_with_page_numbers(store):
    _, run = store
    text = subprocess.run(
        ["pdftotext", "-layout", str(run.folder / "环翠区.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    import re

    pages = text.count("\f")
    assert re.search(rf"\b1\s*/\s*{pages}\b", text) and re.search(
        rf"\b{pages}\s*/\s*{pages}\b", text
    )
    assert "环翠区" in text.split("\f")[1]  # the running header on a later page
    assert "Download plot" not in text and "Zoom" not in text


def test_print_pdf_names_a_missing_browser(tmp_path, monkeypatch):
    from safetystats.report import pdf

    monkeypatch.setattr(pdf, "BROWSERS", ("no-such-browser",))
    page = tmp_path / "x.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(pdf.PdfError, match="needs Chromium"):
        print_pdf(page)


def test_the_workbook_read_back_equals_the_store(store, tmp_path):
    settings, run = store
    path, _ = export(settings, run.as_of)
    assert path.parent == run.folder and path.name == f"跟踪督办清单_{run.as_of}.xlsx"
    book = CalamineWorkbook.from_path(str(path))
    names = book.sheet_names
    assert names[:4] == ["目标完成情况", "目标完成明细", "未整改重大隐患", "超期未整改隐患"]
    assert {"培训未完成", "数据更新情况", "隔离与警告记录"} <= set(names)
    assert any(n.startswith("未达标企业-") for n in names)  # one sheet per event_frequency target
    with engine.open_store(settings) as con:
        table = engine.attainment(settings, run.as_of, None, None, con)
        open_major = engine.query(con, "report/open_major_hazards", settings, as_of=run.as_of)
        quarantine = con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0]
    rows = book.get_sheet_by_name("目标完成明细").to_python()
    assert rows[0][:4] == ["单位", "层级", "目标", "完成值"]
    assert len(rows) - 1 == table.filter(table["phase"] == "in_force").height
    assert len(book.get_sheet_by_name("未整改重大隐患").to_python()) - 1 == open_major.height
    assert len(book.get_sheet_by_name("隔离与警告记录").to_python()) - 1 == quarantine
    # number formats as Excel shows them: percent values, dates as dates
    import zipfile

    with zipfile.ZipFile(path) as z:
        styles = z.read("xl/styles.xml").decode()
        sheet1 = z.read("xl/worksheets/sheet1.xml").decode()
    assert "0.0%" in styles and "yyyy-mm-dd" in styles
    assert '<pane ySplit="1"' in sheet1 and 'state="frozen"' in sheet1  # the header row frozen


def test_the_workbook_opens_on_a_grid_with_counts_as_counts_in_its_language(store, tmp_path):
    """The first sheet: units down (the total first), targets across with their threshold,
    value and status word in each cell; a count target's value is a count; no English value
    (general/major, district/city, TRUE/FALSE, dataset names) in the Chinese workbook."""
    import openpyxl

    settings, run = store
    path, _ = export(settings, run.as_of, tmp_path / "book.xlsx")
    book = openpyxl.load_workbook(path)
    grid = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    head = grid[0]
    assert head[:2] == ["单位", "层级"] and grid[1][:2] == ["全市", "合计"]
    with engine.open_store(settings) as con:
        table = engine.attainment(settings, run.as_of, None, None, con)
        open_major = engine.query(con, "report/open_major_hazards", settings, as_of=run.as_of)
    table = table.filter(table["phase"] == "in_force")
    assert len(grid) - 1 == table["district"].n_unique()  # one row per unit
    assert len(head) - 2 == table["target_id"].n_unique()  # one column per target
    count = next(i for i, h in enumerate(head) if h.startswith("未整改重大事故隐患"))
    assert head[count].endswith("目标值 0")  # a count threshold, not 0.0%
    # 全市's open major hazards: the rows of the to-do list (3 on this sample), not 300.0%
    assert grid[1][count] == f"{open_major.height} 滞后" and open_major.height == 3
    share = next(i for i, h in enumerate(head) if h.startswith("“四不”演练占比"))
    assert re.fullmatch(r"\d+\.\d% (达标|滞后|有望达标)", grid[1][share])
    # the long table: the count as a number with a whole-number format
    long = book["目标完成明细"]
    row = next(
        r for r in long.iter_rows(min_row=2) if r[0].value == "全市" and "未整改" in r[2].value
    )
    assert row[3].value == open_major.height and row[3].number_format == "0"
    english = {"general", "major", "district", "city", "TRUE", "FALSE", "True", "False"}
    english |= {"accidents", "hazards", "drills", "enterprises"}
    for sheet in book.worksheets:
        cells = {c for r in sheet.iter_rows(min_row=2, values_only=True) for c in r}
        assert not (cells & english), (sheet.title, cells & english)
        assert not any(isinstance(c, bool) for c in cells), sheet.title
    assert "message" not in [c.value for c in book["隔离与警告记录"][1]]  # one language
    # --lang en: the same words in English (levels, yes/no, vocabularies, datasets, rules)
    path, _ = export(settings, run.as_of, tmp_path / "book-en.xlsx", "en")
    english_book = openpyxl.load_workbook(path)
    cjk = re.compile(r"[\u3400-\u9fff]")
    for name, column in (
        ("Overdue hazards", 3),
        ("Training short", 3),
        ("Training short", 4),
        ("Data freshness", 1),
        ("Quarantine", 7),
        ("Quarantine", 8),
    ):
        values = {r[column] for r in english_book[name].iter_rows(min_row=2, values_only=True)}
        assert values and not any(cjk.search(str(v)) for v in values), (name, column, values)


def test_every_sheet_of_the_workbook_prints_on_a4_in_libreoffice(store, tmp_path):
    """LibreOffice prints the workbook to PDF: A4 pages, the grid whole on page 1 (every
    target's column), the header row on later pages, no more pages than the rows need.
    Before: 51 pages on this sample (380 on a city's files), page 1 only 单位 and 层级."""
    import openpyxl

    settings, run = store
    path, _ = export(settings, run.as_of, tmp_path / "book.xlsx")
    done = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(path)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "pdf" / "book.pdf"
    width, height = _page_size(pdf)
    assert {width, height} == set(A4)
    book = openpyxl.load_workbook(path)
    rows = sum(s.max_row for s in book.worksheets)
    pages = _pages(pdf)
    # about 35 rows a page at least, plus one partly filled page per sheet
    assert len(pages) <= rows / 35 + len(book.worksheets), (len(pages), rows)
    first = pages[0]
    for title in [c.value for c in book.worksheets[0][1]]:
        assert title.split("\n")[0][:6] in first.replace("\n", ""), title
    # the grid a leader reads first prints large enough to read: its words stand 10.5 pt high
    # (8.7 pt when the target columns were as wide as a 16-character header)
    assert _word_height(pdf, page=1) >= 10, _word_height(pdf, page=1)
    for sheet in book.worksheets:
        ws_setup = sheet.page_setup
        assert ws_setup.paperSize == 9 and sheet.print_title_rows == "$1:$1", sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert str(sheet.print_area).endswith(f"${sheet.max_row}"), (sheet.title, sheet.print_area)
    (tmp_path / "png").mkdir()
    OUTPUT.mkdir(exist_ok=True)
    shutil.copy(_rasterise(pdf, tmp_path / "png")[0], OUTPUT / "workbook_page1.png")


def _word_height(pdf, page: int) -> float:
    """The median height (points) of the words pdftotext finds on ``page``."""
    done = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    boxes = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', done.stdout)
    heights = sorted(float(bottom) - float(top) for top, bottom in boxes)
    return heights[len(heights) // 2]


def _pages(pdf) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def test_libreoffice_opens_the_workbook(store, tmp_path):
    settings, run = store
    path, _ = export(settings, run.as_of, tmp_path / "book.xlsx")
    done = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",  # 76: UTF-8
         "--outdir", str(tmp_path / "csv"), str(path)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    csv = (tmp_path / "csv" / "book.csv").read_text(encoding="utf-8", errors="replace")
    assert csv.splitlines()[0].startswith("单位,")


# Each figure's container carries two invisible words, one at its top and one at its bottom,
# placed absolutely (the layout does not move) and numbered by a CSS counter.
FIGURE_MARKS = """<style>body{counter-reset:figure}
.output_subarea:has(.plotly-graph-div){position:relative;counter-increment:figure}
.output_subarea:has(.plotly-graph-div)::before,
.output_subarea:has(.plotly-graph-div)::after{position:absolute;right:0;font-size:6px;color:#fff}
.output_subarea:has(.plotly-graph-div)::before{content:"FIGTOP" counter(figure) "x";top:0}
.output_subarea:has(.plotly-graph-div)::after{content:"FIGEND" counter(figure) "x";bottom:0}
</style>"""
PAGES = {  # each kind of page: its file in the run folder
    "index": "index.html",
    "district_bulletin": "环翠区.html",
    "city_overview": "city_overview.html",
    "validation_report": "validation.html",
}


def _marks_by_page(pdf) -> dict[str, list[int]]:
    """Page numbers (1-based) on which each FIGTOPn / FIGENDn word was printed."""
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    found: dict[str, list[int]] = {}
    for number, page in enumerate(bbox.split("<page ")[1:], start=1):
        for mark in re.findall(r"(FIG(?:TOP|END)\d+)x", page):
            found.setdefault(mark, []).append(number)
    return found


@pytest.mark.parametrize("kind", PAGES)
def test_no_figure_crosses_a_page_break_when_printed(store, tmp_path, kind):
    """Chromium's own print layout decides this, so it is read from the PDF Chromium prints:
    a screen layout with print media emulated is one long page, where no page break pushes
    anything down, so boxes measured there say little about where the breaks fall. A copy of
    the page gets two invisible words in each figure's output container, at its top and at its
    bottom (absolutely placed: the layout does not change); the copy is printed by
    ``print_pdf`` as ``--pdf`` prints, and ``pdftotext -bbox`` says on which page each word
    landed. A figure is whole on one page when its two words share a page."""
    _, run = store
    page = run.folder / PAGES[kind]
    copy = tmp_path / page.name  # beside nothing it links to: it is only printed
    copy.write_text(
        page.read_text(encoding="utf-8").replace("</head>", FIGURE_MARKS + "</head>", 1),
        encoding="utf-8",
    )
    marks = _marks_by_page(print_pdf(copy, tmp_path / f"{kind}.pdf"))
    html = page.read_text(encoding="utf-8")
    # a chart laid out again for a phone (hidden in print) shares its output with the chart
    figures = html.count('class="plotly-graph-div"') - html.count(
        '<div class="narrow-only"><div style='
    )
    assert figures == {"index": 0, "validation_report": 0}.get(kind, figures)
    if kind in ("district_bulletin", "city_overview"):
        assert figures >= 2
    for n in range(1, figures + 1):
        top, end = marks.get(f"FIGTOP{n}"), marks.get(f"FIGEND{n}")
        assert top and end and len(top) == len(end) == 1, (kind, n, marks)
        assert top == end, f"{kind}: figure {n} starts on page {top[0]} and ends on {end[0]}"


def test_a_bulletins_trend_prints_on_the_page_of_its_targets_chart(store, tmp_path):
    """The targets' bars and the monthly trend (eight panels at most in four rows) share one
    A4 page: the trend is printed with shorter rows (figures.PRINT_ROW_HEIGHT). With the
    screen's rows it took a page of its own and left half of the one before blank."""
    _, run = store
    page = run.folder / PAGES["district_bulletin"]
    html = page.read_text(encoding="utf-8")
    copy = tmp_path / page.name
    copy.write_text(html.replace("</head>", FIGURE_MARKS + "</head>", 1), encoding="utf-8")
    marks = _marks_by_page(print_pdf(copy, tmp_path / "bulletin.pdf"))
    outputs = re.findall(r'class="print-chart".*?</svg>', html, re.S)
    trend = next(i for i, svg in enumerate(outputs) if "2024-06" in svg)  # its month labels
    assert trend > 0, "the targets' bars come before the trend"
    bars, panels = f"FIGTOP{trend}", f"FIGEND{trend + 1}"
    assert marks[bars] == marks[panels], marks


def test_print_screenshots_of_each_kind_of_page(store, tmp_path):
    """Each kind of page as the printer sees it: print media emulated (CDP) at the width of
    A4's printable area, and the first page of its PDF rasterised, under tests/output/."""
    from browser import chromium, full_page_screenshot

    _, run = store
    driver = chromium(tmp_path)
    try:
        driver.set_window_size(725, 1600)  # A4's printable width (710 px) and a scrollbar
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        for kind, name in PAGES.items():
            driver.get((run.folder / name).as_uri())
            assert driver.execute_script("return matchMedia('print').matches")
            # the plotly toolbar is hidden by the print style
            for bar in driver.find_elements("css selector", ".modebar-container"):
                assert not bar.is_displayed()
            shot = full_page_screenshot(driver, f"print_media_{kind}.png")
            assert shot.stat().st_size > 10_000
    finally:
        driver.quit()
    for kind, name in PAGES.items():
        pdf = run.folder / name.replace(".html", ".pdf")
        if not pdf.exists():  # the validation report is not printed by --pdf
            pdf = print_pdf(run.folder / name, tmp_path / f"{kind}.pdf")
        (tmp_path / kind).mkdir()
        first = _rasterise(pdf, tmp_path / kind)[0]
        shutil.copy(first, OUTPUT / f"print_{kind}_page1.png")


def test_print_pdf_keeps_one_browser_for_the_pages_of_a_process(tmp_path):
    from safetystats.report import pdf

    pages = []
    for i in range(3):
        pages.append(tmp_path / f"{i}.html")
        pages[-1].write_text(f"<p>page {i}</p>", encoding="utf-8")
    pdf.print_pdf(pages[0])
    first = pdf._shared
    assert first is not None and not first.closed
    started = time.perf_counter()
    for page in pages[1:]:
        out = pdf.print_pdf(page)
        assert _is_a4(out)  # no @page in the page: A4 all the same
        assert (
            f"page {page.stem}"
            in subprocess.run(
                ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
            ).stdout
        )
    assert pdf._shared is first  # no new browser
    assert not list(tmp_path.glob(".*.tmp"))  # written through a temporary file
    print(f"two pages on a running browser: {time.perf_counter() - started:.2f} s")


def test_print_pdf_falls_back_to_a_one_shot_chromium(tmp_path, monkeypatch):
    from safetystats.report import pdf

    def cannot_start(binary):
        raise OSError("no pipes today")

    monkeypatch.setattr(pdf, "_shared", None)
    monkeypatch.setattr(pdf, "_cannot_start", False)
    monkeypatch.setattr(pdf, "_Chromium", cannot_start)
    page = tmp_path / "x.html"
    # the one-shot command prints US Letter unless the page asks for A4, as the bulletins do
    page.write_text("<style>@page{size:A4}</style><p>fallback</p>", encoding="utf-8")
    assert _is_a4(pdf.print_pdf(page))
    assert pdf._cannot_start and pdf._shared is None


def test_a_page_that_never_loads_times_out_with_the_message(tmp_path):
    from safetystats.report import pdf

    page = tmp_path / "stuck.html"
    page.write_text("<script>while (true) {}</script>", encoding="utf-8")
    with pytest.raises(pdf.PdfError, match="did not finish printing in 3 s"):
        pdf.print_pdf(page, timeout=3)
    assert not (tmp_path / "stuck.pdf").exists() and not list(tmp_path.glob(".*.tmp"))
    # the next page gets a fresh browser
    ok = tmp_path / "ok.html"
    ok.write_text("<p>ok</p>", encoding="utf-8")
    assert _is_a4(pdf.print_pdf(ok))


def _fills(pdf, dpi=30) -> list[float]:
    """How far down each page of ``pdf`` is printed (0..1 of the space between the running
    header and the page number): the last row of the page's raster with anything dark."""
    out_dir = pdf.parent / f"{pdf.stem}-fill"
    out_dir.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(pdf), str(out_dir / "p")], check=True)
    fills = []
    for page in sorted(out_dir.glob("p-*.pgm")):
        magic, size, _, pixels = page.read_bytes().split(b"\n", 3)
        width, height = map(int, size.split())
        top, bottom = round(height * 16 / 297), round(height * 15 / 297)  # the @page margins
        rows = [
            y for y in range(top, height - bottom) if min(pixels[y * width : (y + 1) * width]) < 200
        ]
        fills.append((rows[-1] - top) / (height - top - bottom) if rows else 0.0)
    return fills


def _words(pdf) -> list[list[str]]:
    """The words of each page, as pdftotext -bbox reads them."""
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [re.findall(r">([^<]+)</word>", page) for page in bbox.split("<page ")[1:]]


def _page(tmp_path, name, body):
    from safetystats.report.html import PAGE_CSS

    page = tmp_path / f"{name}.html"
    page.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{PAGE_CSS}</style></head>"
        f"<body>{body}</body></html>",
        encoding="utf-8",
    )
    return page


def test_a_long_table_continues_under_its_header_instead_of_leaving_a_page_empty(tmp_path):
    """DATA_SPEC 8.2: no page less than a quarter full but the last. A short block then a
    long list (the open hazards, the enterprises short of drills): the list starts on page 1
    and continues under its repeated header (before, the whole table moved to page 2 and
    page 1 was about a tenth full)."""
    from safetystats.report.html import table

    rows = [[f"隐患{i:03d}", f"某某有限公司{i}", "2024-03-01", i] for i in range(80)]
    body = "<h1>环翠区</h1><p>数据截至 2024-12-31</p>" + table(
        ["隐患编号", "企业", "发现日期", "已过天数"], rows, numeric={3}
    )
    pdf = print_pdf(_page(tmp_path, "long", body), tmp_path / "long.pdf")
    fills = _fills(pdf)
    assert len(fills) >= 2 and min(fills[:-1]) >= 0.25, fills
    pages = _words(pdf)
    assert all("隐患编号" in words for words in pages), "the header row repeats on every page"
    assert "隐患079" in pages[-1]


def test_a_short_table_stays_whole_on_one_page(tmp_path):
    """A table of a few rows (the league table) is not split to leave one row on a page of
    its own before a chart that fills the next (the city overview's page 3 was 9 % full)."""
    from safetystats.report.html import table

    filler = "".join(f"<p>第{i}段</p>" for i in range(24))  # page 1 ends in the table
    rows = [[i, f"单位{i}", f"{i}/8"] for i in range(1, 9)]
    body = filler + table(["#", "区市", "达标项数"], rows, numeric={0})
    words = _words(print_pdf(_page(tmp_path, "short", body), tmp_path / "short.pdf"))
    pages = [n for n, page in enumerate(words) for w in page if re.fullmatch(r"单位\d", w)]
    assert len(pages) == 8 and len(set(pages)) == 1, pages


def test_a_table_wider_than_the_page_prints_landscape_or_scaled_never_cut(tmp_path):
    """DATA_SPEC 8.2: the index with many targets cut its last column. A page without charts
    turns landscape; still too wide, the table is scaled to fit."""
    from safetystats.report.html import table

    for targets, orientation in ((14, "landscape"), (30, "landscape")):
        head = ["单位", *[f"目标{i}的名称较长" for i in range(targets)], "LAST"]
        rows = [[f"单位{j}", *["100.0%"] * targets, "END"] for j in range(8)]
        pdf = print_pdf(_page(tmp_path, f"wide{targets}", table(head, rows)), tmp_path / "w.pdf")
        width, height = _page_size(pdf)
        assert (width > height) == (orientation == "landscape"), (targets, width, height)
        words = [w for page in _words(pdf) for w in page]
        assert words.count("END") == 8 and "LAST" in words, targets


def test_the_printed_bulletins_fill_their_pages_and_never_split_a_date(store, tmp_path):
    """The sample's bulletin, overview and index PDFs as --pdf prints them: every page but the
    last at least a quarter full; no date or percentage broken over two lines in a card
    (the deadline printed as "2024-" / "12-31" seven times on 环翠区's first page)."""
    _, run = store
    for pdf in run.folder.glob("*.pdf"):
        copy = tmp_path / pdf.name
        shutil.copy(pdf, copy)
        fills = _fills(copy)
        assert min(fills[:-1], default=1) >= 0.25, (pdf.name, fills)
        # a date cut after its year or month ("2024-" / "12-31"), or a percent sign left alone
        # on its line ("41.7" / "%"); a number alone (a score of the ranking) is not broken
        broken = [w for page in _words(copy) for w in page if re.fullmatch(r"\d{4}-(\d{2}-)?|%", w)]
        assert broken == [], (pdf.name, broken)
