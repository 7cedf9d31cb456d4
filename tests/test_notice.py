"""The 通报 (DATA_SPEC 8.5, 6.10): a GB/T 9704 .docx read back with python-docx, its numbers
parsed out of the sentences and compared with the JSON of the other commands, converted to an
A4 PDF by LibreOffice, with an office's template, and compared with an earlier run."""

import csv
import io
import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from browser import OUTPUT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from safetystats.report.docx_gbt9704 import _width

pytestmark = pytest.mark.slow  # the CLI end to end, Chromium (charts), LibreOffice

SAFETYSTATS = [sys.executable, "-c", "from safetystats.cli import entry; entry()"]
AS_OF = "2024-12-31"
EARLIER = "2024-09-30"


def cli(project: Path, *args, check=True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [*SAFETYSTATS, "--config", str(project / "safetystats.toml"), *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check:
        assert done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("notice")
    (root / "safetystats.toml").write_text(
        '[paths]\nraw = "raw"\ndb = "store.duckdb"\nreports = "reports"\n'
        '[notice]\nissuer = "样例市安全生产委员会办公室"\nrecipients = "各区市安委会"\n',
        encoding="utf-8",
    )
    cli(root, "sample", "--out", str(root / "raw"), "--scale", "small", "--seed", "5")
    cli(root, "ingest")
    cli(root, "notice", "--as-of", AS_OF)
    return root


def _json(project, *args) -> dict:
    return json.loads(cli(project, *args, "--format", "json").stdout)


def _document(project) -> docx.Document:
    """The 通报 as a reader sees it: without the zero-width spaces that let a list of
    figures break after each 、 (test_notice_layout.py)."""
    d = docx.Document(str(project / "reports" / AS_OF / f"通报_{AS_OF}.docx"))
    for p in d.paragraphs:
        for run in p.runs:
            run.text = run.text.replace("\u200b", "")
    return d


def _east_asian(element) -> str | None:
    fonts = element.find(qn("w:rPr") + "/" + qn("w:rFonts")) if element is not None else None
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def _pct(value: float) -> float:
    """A share as the reader sees it: a percentage rounded down to one decimal."""
    return math.floor(value * 1000 + 1e-9) / 10


def test_page_fonts_and_sizes_are_those_of_gbt_9704(project):
    d = _document(project)
    section = d.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1) and abs(section.page_height - Mm(297)) < Mm(
        0.1
    )
    assert abs(section.top_margin - Mm(37)) < Mm(0.1) and abs(section.bottom_margin - Mm(35)) < Mm(
        0.1
    )
    assert abs(section.left_margin - Mm(28)) < Mm(0.1) and abs(section.right_margin - Mm(26)) < Mm(
        0.1
    )
    title, normal = d.styles["Title"], d.styles["Normal"]
    assert title.font.size == Pt(22) and _east_asian(title.element) == "方正小标宋简体"
    assert normal.font.size == Pt(16) and _east_asian(normal.element) == "仿宋_GB2312"
    assert normal.paragraph_format.line_spacing == Pt(28.9)
    assert normal.paragraph_format.first_line_indent == Pt(32)
    assert _east_asian(d.styles["Heading 1"].element) == "黑体"
    assert _east_asian(d.styles["Heading 2"].element) == "楷体_GB2312"
    first = d.paragraphs[0]
    assert first.style.name == "Title" and "通报" in first.text and "（样例数据）" in first.text
    # 主送 right after the title block, flush left, ending with a colon
    recipients = next(p for p in d.paragraphs[1:] if p.text)
    assert recipients.text == "各区市安委会："
    assert recipients.paragraph_format.first_line_indent == Pt(0)


def test_headings_run_in_order_and_the_signature_closes_the_body(project):
    d = _document(project)
    headings = [p.text for p in d.paragraphs if p.style.name == "Heading 1" and "、" in p.text]
    numerals = [h.split("、")[0] for h in headings]
    assert numerals == sorted(numerals, key="一二三四五六七八九十".index)
    assert headings[0] == "一、总体情况" and headings[-1] == "六、下步工作要求"
    texts = [p.text for p in d.paragraphs]
    signature = texts.index("样例市安全生产委员会办公室")
    assert texts[signature + 1] == "2024年12月31日"  # 成文日期 in Arabic numerals
    assert texts.index("附件1") > signature


def test_page_numbers_are_fields_right_on_odd_pages_left_on_even(project):
    d = _document(project)
    assert d.settings.odd_and_even_pages_header_footer
    section = d.sections[0]
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        xml = p._p.xml
        assert "PAGE" in "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert 'w:fldCharType="begin"' in xml
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert p.alignment is not None and p.alignment.name.lower() == align
        assert all(r.font.size == Pt(14) for r in p.runs)


def test_attachment_tables_repeat_their_header_row(project):
    d = _document(project)
    assert len(d.tables) == 2
    for table in d.tables:
        first = table.rows[0]._tr
        assert first.find(qn("w:trPr") + "/" + qn("w:tblHeader")) is not None
    header = [c.text for c in d.tables[0].rows[0].cells]
    assert header == ["单位", "目标", "完成值", "目标值", "状态", "差额"]


def test_every_number_in_the_text_is_the_figure_of_attainment_json(project):
    rows = _json(project, "attainment", "--as-of", AS_OF)["rows"]
    live = [r for r in rows if r["phase"] == "in_force"]
    total = [r for r in live if r["scope"] == "total"]
    body = "\n".join(p.text for p in _document(project).paragraphs)
    head = re.search(r"全市(\d+)项目标中，(.*?)。", body)
    assert int(head[1]) == len(total)
    said = dict(
        (w, int(n)) for n, w in re.findall(r"(\d+)项(达标|滞后|按当前进度有望达标|无数据)", head[2])
    )
    words = {"met": "达标", "behind": "滞后", "on_track": "按当前进度有望达标", "no_data": "无数据"}
    expected = {}
    for r in total:
        expected[words[r["status"]]] = expected.get(words[r["status"]], 0) + 1
    assert said == expected
    # the attainment JSON carries no names: read them from the CLI's CSV of the same figures
    table = cli(project, "attainment", "--as-of", AS_OF, "--format", "csv").stdout.lstrip("\ufeff")
    named = {(None, r["target_id"]): r["name"] for r in csv.DictReader(io.StringIO(table))}
    for r in total:  # 全市各项目标完成情况：name value（目标 t，status）
        name = named[(None, r["target_id"])]
        m = re.search(re.escape(name) + r"([\d.]+)(%|项)（目标", body)
        assert m, name
        shown = float(m[1])
        assert shown == (_pct(r["value"]) if m[2] == "%" else r["value"]), name
    # behind: "units name分别为 v1、v2，分别还差 g1、g2 measure" / "unit name为 v，还差 g"
    units = {r["district_code"]: r["district"] for r in live if r["level"] == 1}
    for target in {r["target_id"] for r in total}:
        lagging = [
            r
            for r in live
            if r["target_id"] == target and r["level"] == 1 and r["status"] == "behind"
        ]
        name = named[(None, target)]
        para = next(
            (
                p
                for p in body.split("\n")
                if re.search("(分别为|为)", p) and name in p and p.startswith(tuple(units.values()))
            ),
            None,
        )
        if not lagging:
            assert para is None or name not in para.split("为")[0], name
            continue
        assert para, name
        listed = para.split(name)[0].split("、")
        assert listed == [r["district"] for r in lagging]
        numbers = re.findall(r"[\d.]+", para.split(name)[1])
        if lagging[0]["denominator"] is not None:  # a share (a count has no denominator)
            values = [float(x) for x in numbers[: len(lagging)]]
            gaps = [int(x) for x in numbers[len(lagging) : 2 * len(lagging)]]
            assert values == [_pct(r["value"]) for r in lagging]
            assert gaps == [r["gap_count"] for r in lagging]
        else:
            assert [int(x) for x in numbers[: len(lagging)]] == [r["value"] for r in lagging]
    # 五、隐患: the open major hazards are the count target's numerator
    open_major = next(r for r in total if r["metric"] == "open_major_hazards")
    assert (
        int(re.search(r"未整改重大事故隐患(\d+)项，其中超期", body)[1]) == open_major["numerator"]
    )


def test_libreoffice_converts_it_to_an_a4_pdf(project):
    if not shutil.which("soffice") or not shutil.which("pdftoppm"):
        pytest.skip("needs LibreOffice Writer and poppler-utils (make browser)")
    cli(project, "notice", "--as-of", AS_OF, "--pdf")
    pdf = project / "reports" / AS_OF / f"通报_{AS_OF}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "595.3" in info and "841.8" in info, info  # A4 in points
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert pages >= 3
    OUTPUT.mkdir(exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-l",
            "2",
            str(pdf),
            str(OUTPUT / "notice_page"),
        ],
        check=True,
    )
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    assert "— 1 —" in text.replace("—1—", "— 1 —")
    # page 1 is full: a figure that does not fit below the text waits (it left half of it blank)
    words = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    bottom = (297 - 35) / 25.4 * 72  # of the type area, in points
    lowest = max(float(y) for y in re.findall(r'yMax="([\d.]+)"', words) if float(y) < bottom)
    assert lowest > bottom - 2.5 * 28.9, lowest
    # a list of figures wraps like text ("分别为" no longer ends a line of its own), and the
    # signature shares its page with the body's last lines
    body = subprocess.run(
        ["pdftotext", "-layout", "-l", str(pages), str(pdf), "-"], capture_output=True, text=True
    ).stdout.split("附件1")[0]
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    short = [line for line in lines if line.endswith("分别为") and _width(line) < 22]
    assert not short  # of a line's 28 characters (before, the whole list moved on)
    last_page = next(page for page in body.split("\f") if "样例市安全生产委员会办公室" in page)
    before = last_page.split("样例市安全生产委员会办公室")[0]
    assert re.search(r"[\u4e00-\u9fff]", before), last_page


def test_an_offices_template_gives_its_styles(project, tmp_path):
    template = tmp_path / "office.docx"
    t = docx.Document()
    t.styles["Normal"].font.name = "楷体"
    t.styles["Normal"].font.size = Pt(15)
    t.add_paragraph("模板里的示例文字")
    t.save(str(template))
    config = project / "with_template.toml"
    config.write_text(
        (project / "safetystats.toml")
        .read_text(encoding="utf-8")
        .replace("[notice]\n", f'[notice]\ntemplate = "{template}"\n'),
        encoding="utf-8",
    )
    out = tmp_path / "notice.docx"
    done = subprocess.run(
        [*SAFETYSTATS, "--config", str(config), "notice", "--as-of", AS_OF, "--output", str(out)],
        cwd=project, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-1000:]
    d = docx.Document(str(out))
    assert d.styles["Normal"].font.name == "楷体" and d.styles["Normal"].font.size == Pt(15)
    assert "模板里的示例文字" not in [p.text for p in d.paragraphs]  # its content is not kept
    assert d.paragraphs[0].text.startswith("关于截至")


def test_the_english_brief(project):
    cli(project, "notice", "--as-of", AS_OF, "--lang", "en")
    d = docx.Document(str(project / "reports" / AS_OF / f"brief_{AS_OF}.docx"))
    body = " ".join(p.text for p in d.paragraphs)
    assert "1. Overview" in body and "targets" in body and "(sample data)" in body
    assert "还差" not in body and "目标" not in body


def _sentence(body: str, start: str) -> str:
    return next(s for s in re.split(r"(?<=。)", body) if start in s)


def _change(cur: int, prev: int) -> str:
    """同比 as 6.7 words it, worked out here from the two counts."""
    if prev == 0:
        return "持平" if cur == 0 else "新增"
    pct = (cur - prev) * 1000 / prev  # tenths of a percent
    tenths = math.floor(abs(pct) + 0.5)  # half away from zero
    return "持平" if tenths == 0 else ("上升" if pct > 0 else "下降") + f"{tenths / 10:.1f}%"


def test_accidents_enforcement_and_ranking_are_the_figures_of_stats_and_assess(project):
    body = "\n".join(p.text for p in _document(project).paragraphs)
    accidents = _json(project, "stats", "accidents", "--as-of", AS_OF)["rows"]
    ytd = next(r for r in accidents if r["district_code"] is None and r["span"] == "ytd")
    said = _sentence(body, "共发生生产安全事故")
    n, deaths = re.search(r"事故(\d+)起、死亡(\d+)人", said).groups()
    assert (int(n), int(deaths)) == (ytd["accidents"], ytd["deaths"])
    changes = [
        _change(ytd["accidents"], ytd["prev_accidents"]),
        _change(ytd["deaths"], ytd["prev_deaths"]),
    ]
    if changes[0] == changes[1]:
        expected = f"均{changes[0]}"
    elif changes[0][:2] == changes[1][:2] and changes[0][:2] in ("上升", "下降"):
        expected = f"分别{changes[0]}、{changes[1][2:]}"  # 6.7's own example: 分别下降20.0%、18.8%
    else:
        expected = f"分别{changes[0]}、{changes[1]}"
    assert said.endswith(f"同比{expected}。"), said
    enforcement = _json(project, "stats", "enforcement", "--as-of", AS_OF)["rows"]
    e = next(r for r in enforcement if r["district_code"] is None and r["span"] == "ytd")
    said = _sentence(body, "共开展各类安全检查")
    inspections, enterprises = re.search(r"检查(\d+)次，检查企业(\d+)家", said).groups()
    assert (int(inspections), int(enterprises)) == (e["inspections"], e["enterprises_inspected"])
    if e["enforcement"] is not None:
        assert int(re.search(r"其中执法检查(\d+)次", body)[1]) == e["enforcement"]
    if e["cases_filed"] is not None:
        assert int(re.search(r"立案(\d+)起", body)[1]) == e["cases_filed"]
    scores = _json(project, "assess", "--as-of", AS_OF)["rows"]
    ranking = _sentence(body, "按考核得分排名")
    listed = re.findall(r"([^：、]+?)（([\d.]+)分，([^）]+)）", ranking.split("：", 1)[1])
    by_name = {r["district"]: r for r in scores}
    assert [u for u, _, _ in listed] == sorted(
        by_name, key=lambda u: (by_name[u]["vetoed"], by_name[u]["rank"])
    )
    for unit, score, grade in listed:
        assert float(score) == by_name[unit]["score"] and grade == by_name[unit]["grade"]


def test_compared_with_the_last_run_and_recomputed_when_its_figures_are_gone(project, tmp_path):
    cli(project, "bulletins", "--as-of", EARLIER)
    assert (project / "reports" / EARLIER / "figures.json").is_file()
    cli(project, "notice", "--as-of", AS_OF)  # --compare defaults to the last earlier run
    now = {
        r["target_id"]: r
        for r in _json(project, "attainment", "--as-of", AS_OF)["rows"]
        if r["scope"] == "total"
    }
    then = {
        r["target_id"]: r
        for r in _json(project, "attainment", "--as-of", EARLIER)["rows"]
        if r["scope"] == "total"
    }
    table = cli(project, "attainment", "--as-of", AS_OF, "--format", "csv").stdout.lstrip("\ufeff")
    named = {r["target_id"]: r["name"] for r in csv.DictReader(io.StringIO(table))}
    said = _sentence("\n".join(p.text for p in _document(project).paragraphs), "与9月30日相比")
    assert "重算" not in said
    share = next(
        t for t in now if now[t]["denominator"] is not None and then[t]["value"] != now[t]["value"]
    )
    delta = round(_pct(now[share]["value"]) - _pct(then[share]["value"]), 1)
    word = "提高" if delta > 0 else "下降"
    assert f"{named[share]}{word}{abs(delta):.1f}个百分点" in said
    # a ledger that arrives late changes the figures at B; without B's saved figures they are
    # recomputed from today's store, and the document says so
    (project / "reports" / EARLIER / "figures.json").unlink()
    late = project / "raw" / "drills" / "样例数据_补报演练.csv"  # a late file of the same sample
    late.write_text(
        "演练编号,统一社会信用代码,演练日期,演练类型,不提前通知,不设定脚本,不预设场景,不预设地点\n"
        + "".join(
            f"BB-{i},{_an_enterprise(project)},2024-08-0{i},综合应急预案,是,是,是,是\n"
            for i in range(1, 10)
        ),
        encoding="utf-8",
    )
    cli(project, "ingest")
    recomputed = _json(project, "attainment", "--as-of", EARLIER)["rows"]
    b = next(
        r
        for r in recomputed
        if r["scope"] == "total" and r["target_id"] == "unannounced_drill_share"
    )
    assert b["numerator"] == then["unannounced_drill_share"]["numerator"] + 9
    cli(project, "notice", "--as-of", AS_OF, "--compare", EARLIER)
    said = next(p.text for p in _document(project).paragraphs if "与9月30日相比" in p.text)
    assert "上期数据按现有台账重算" in said
    a = next(
        r
        for r in _json(project, "attainment", "--as-of", AS_OF)["rows"]
        if r["scope"] == "total" and r["target_id"] == "unannounced_drill_share"
    )
    delta = round(_pct(a["value"]) - _pct(b["value"]), 1)
    word = "提高" if delta > 0 else "下降"
    assert f"{named['unannounced_drill_share']}{word}{abs(delta):.1f}个百分点" in said or delta == 0


def _an_enterprise(project) -> str:
    import duckdb

    con = duckdb.connect(str(project / "store.duckdb"), read_only=True)
    try:
        return con.execute(
            "SELECT min(enterprise_id) FROM curated_enterprises WHERE status = '在营'"
        ).fetchone()[0]
    finally:
        con.close()


def test_the_cards_show_the_change_since_the_last_run(project):
    cli(project, "bulletins", "--as-of", EARLIER)
    cli(project, "bulletins", "--as-of", AS_OF)
    now = _json(project, "attainment", "--as-of", AS_OF)["rows"]
    then = {
        (r["district_code"], r["target_id"]): r
        for r in _json(project, "attainment", "--as-of", EARLIER)["rows"]
    }
    pages = {p.read_text(encoding="utf-8") for p in (project / "reports" / AS_OF).glob("*.html")}
    cards = {}  # (unit code, target) -> the change the card shows (attributes in any order)
    for page in pages:
        starts = [m for m in re.finditer(r'<div[^>]*class="card"[^>]*>', page)]
        for i, m in enumerate(starts):
            attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', m[0]))
            body = page[m.end() : starts[i + 1].start() if i + 1 < len(starts) else len(page)]
            change = re.search(r'data-change="([^"]+)"', body)
            cards[(attrs.get("data-unit") or None, attrs["data-target"])] = change and change[1]
    assert any(cards.values()), "no card shows a change"
    checked = 0
    for r in now:
        b = then.get((r["district_code"], r["target_id"]))
        shown = cards.get((r["district_code"], r["target_id"]))
        if r["denominator"] is None or b is None or None in (b["value"], r["value"], shown):
            continue
        delta = round(_pct(r["value"]) - _pct(b["value"]), 1)
        assert shown.startswith(f"{delta:+.1f}个百分点"), (r["district"], r["target_id"], shown)
        moved = b["status"] != r["status"]
        assert ("→" in shown) == moved, (r["district"], r["target_id"], shown)
        checked += 1
    assert checked >= 5
    # the workbook's long table says the same change for every unit × target
    cli(project, "export", "--as-of", AS_OF)
    import openpyxl

    (path,) = (project / "reports" / AS_OF).glob("*.xlsx")
    sheet = openpyxl.load_workbook(path)["目标完成明细"]
    header = [c.value for c in sheet[1]]
    said = {
        (r[header.index("单位")], r[header.index("目标")]): r[header.index("较上期")]
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    table = cli(project, "attainment", "--as-of", AS_OF, "--format", "csv").stdout.lstrip("\ufeff")
    named = {r["target_id"]: r["name"] for r in csv.DictReader(io.StringIO(table))}
    compared = 0
    for r in now:
        b = then.get((r["district_code"], r["target_id"]))
        if (
            r["phase"] != "in_force"
            or r["denominator"] is None
            or b is None
            or None in (b["value"], r["value"])
        ):
            continue
        delta = round(_pct(r["value"]) - _pct(b["value"]), 1)
        assert said[(r["district"], named[r["target_id"]])].startswith(f"{delta:+.1f}个百分点")
        compared += 1
    assert compared >= 20
    # the index sorts its units by the change of their score (a click in a real browser)
    from browser import chromium

    driver = chromium(project)
    try:
        driver.get((project / "reports" / AS_OF / "index.html").as_uri())
        driver.find_element("id", "sort-change").click()
        changes = driver.execute_script(
            "return [].map.call(document.querySelectorAll('table.index tbody tr:not(.total)'),"
            " r => r.dataset.change === undefined ? null : +r.dataset.change)"
        )
    finally:
        driver.quit()
    shown = [c for c in changes if c is not None]
    assert len(shown) >= 3 and shown == sorted(shown, reverse=True), changes
