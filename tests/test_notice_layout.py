"""Where the 通报's figures go on its GB/T 9704 pages (docx_gbt9704.place_figures) and how its
lists of numbers may break, read back from the .docx with python-docx. The PDF as LibreOffice
lays it out is checked by test_notice.py (slow)."""

import io
import struct
import zlib

import docx
from docx.oxml.ns import qn

from safetystats.report.docx_gbt9704 import LINE, Block, _height, place_figures, render

PAGE = 22 * LINE.pt


def png(width: int, height: int) -> bytes:
    """A blank PNG of that size (a figure as kaleido draws it, without its pixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def para(lines: int, mark: str = "字") -> Block:
    """A body paragraph of ``lines`` lines on the grid (27 characters each, the first
    indented), starting with ``mark``."""
    return Block("para", mark + "字" * (27 * lines - 3))


def figure(n: int, width=300, height=132) -> list[Block]:  # 150 x 66 mm: 8 lines and a caption
    return [Block("image", image=png(width, height)), Block("caption", f"图{n}")]


def kinds(blocks):
    return [b.text if b.kind in ("caption", "para") else b.kind for b in blocks]


def test_a_paragraphs_height_is_its_lines_on_the_grid_and_an_images_its_height_at_150_mm():
    assert _height(para(3)) == 3 * LINE.pt
    assert _height(Block("para", "1234567890" * 6)) == 2 * LINE.pt  # digits: half a character
    assert abs(_height(figure(1)[0]) - 150 / 25.4 * 72 * 132 / 300) < 0.01


def test_a_figure_that_fits_stays_where_it_is():
    blocks = [para(5), *figure(1), para(4), Block("signature", "办公室"), Block("date", "日期")]
    assert place_figures(blocks) == blocks


def test_a_figure_that_does_not_fit_waits_for_the_paragraph_that_fills_the_page():
    # 16 lines used: 6 left, the figure needs about 7.5; the next paragraphs fill page 1
    first, *rest = [para(16, "甲"), *figure(1), para(4, "乙"), para(3, "丙"), para(2, "丁")]
    placed = place_figures([first, *rest])
    # 16 + 4 = 20 lines, then 3 more cross the page: the figure follows that paragraph
    assert kinds(placed) == [first.text, rest[2].text, rest[3].text, "image", "图1", rest[4].text]


def test_waiting_figures_keep_their_order_and_go_before_the_signature():
    blocks = [para(18), *figure(1), *figure(2), para(2, "乙"), Block("signature", "办公室")]
    placed = place_figures(blocks)
    assert [b.text for b in placed if b.kind == "caption"] == ["图1", "图2"]
    assert kinds(placed)[-1] == "signature"
    assert kinds(placed).index("图2") < kinds(placed).index("signature")
    assert kinds(placed).index(blocks[5].text) < kinds(placed).index("image")


def test_a_figure_never_follows_a_heading_it_would_part_from_its_text():
    # 17 + 4 lines, then the heading is the line that fills the page
    blocks = [para(17), *figure(1), para(4, "乙"), Block("heading", "二、各单位进展"), para(4)]
    placed = place_figures(blocks)
    at = kinds(placed).index("image")
    assert placed[at - 1].kind == "para"


def test_a_tall_figure_goes_before_the_paragraph_that_fills_the_page_and_its_heading():
    # 10 lines, then a figure of about 15: it waits; the heading and 18 lines fill the page
    # and carry 7 lines over, below which the figure does not fit either: it goes before the
    # heading, at the top of page 2, and the paragraph follows it (before, it stood after the
    # paragraph and LibreOffice moved it to page 3, leaving most of page 2 blank)
    heading = Block("heading", "二、各单位进展")
    blocks = [para(10, "甲"), *figure(1, height=290), heading, para(18, "乙"), para(3, "丙")]
    placed = place_figures(blocks)
    assert kinds(placed) == [
        blocks[0].text,
        "image",
        "图1",
        heading.kind,
        blocks[4].text,
        blocks[5].text,
    ]


def test_the_document_puts_the_figure_after_the_text_that_fills_page_one():
    blocks = [
        Block("title", "关于截至12月31日安全生产治本攻坚三年行动目标完成情况的通报"),
        Block("recipients", "各区市安委会："),
        para(14, "甲"),
        *figure(1),
        para(4, "乙"),
        para(5, "丙"),
        Block("signature", "办公室", aside="2024年12月31日"),
        Block("date", "2024年12月31日"),
    ]
    d = docx.Document(io.BytesIO(render(blocks)))
    order = [
        "image" if p._p.findall(".//" + qn("w:drawing")) else p.text[:3]
        for p in d.paragraphs
        if p.text or p._p.findall(".//" + qn("w:drawing"))
    ]
    # title 2 lines of 二号 + 主送 2 + 14: about 18.5 lines; the 4 cross the page, the figure
    # follows them; the English brief (typeset=False) keeps the order given
    assert order.index("image") == order.index(blocks[5].text[:3]) + 1
    assert order.index("image") < order.index(blocks[6].text[:3])
    plain = docx.Document(io.BytesIO(render(blocks, typeset=False)))
    texts = [p.text[:3] for p in plain.paragraphs if p.text]
    assert texts.index("图1") < texts.index(blocks[5].text[:3])


def test_a_list_of_numbers_may_break_after_each_mark_and_other_text_is_untouched():
    text = "环翠区、文登区分别为90.0%、84.7%、99.1%，分别还差12、16项。"
    d = docx.Document(io.BytesIO(render([Block("para", text)])))
    written = d.paragraphs[0].text
    assert written == text.replace("%、", "%、\u200b").replace("12、", "12、\u200b")
    assert written.replace("\u200b", "") == text
    assert "环翠区、\u200b" not in written


def test_a_tables_columns_keep_their_widths_and_its_rows_stay_whole():
    rows = [["单位", "目标"], ["环翠区", "工伤预防培训任务完成率（非危化企业）"]]
    d = docx.Document(io.BytesIO(render([Block("table", rows=rows, widths=[30, 126])])))
    table = d.tables[0]
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iter(qn("w:gridCol"))]
    assert grid == [round(30 / 25.4 * 1440), round(126 / 25.4 * 1440)]  # twips: LibreOffice's
    for r, row in enumerate(table.rows):
        flags = row._tr.trPr
        assert flags.find(qn("w:cantSplit")) is not None
        assert (flags.find(qn("w:tblHeader")) is not None) == (r == 0)
        cell = row.cells[1].paragraphs[0]._p.pPr
        assert cell.find(qn("w:snapToGrid")).get(qn("w:val")) == "false"
        # the schema's order: snapToGrid before spacing and jc (Word refuses it otherwise)
        tags = [child.tag for child in cell]
        assert tags.index(qn("w:snapToGrid")) < tags.index(qn("w:spacing")) < tags.index(qn("w:jc"))
