"""A document of blocks typeset as a Chinese official document (GB/T 9704-2012, DATA_SPEC 8.5).

The content (``notice_text``) is a list of blocks; this module only lays them out: A4 with the
standard margins (type area 156 x 225 mm), 仿宋_GB2312 三号 body on a fixed 28.9 pt line (22
lines a page) with a two-character first-line indent, the title in 方正小标宋简体 二号, headings
黑体 / 楷体_GB2312 / 仿宋, page numbers "— 1 —" in 宋体 四号 at the bottom, right on odd pages and
left on even ones, tables whose header row repeats on every page, images with captions.

With an office's own template (``[notice] template``) its styles are used as they are: the
template's Title, Heading 1-3, Normal, Caption and Table Grid styles, page setup and footers.

python-docx has no API for four things, set here through its oxml layer (the only hand-written
XML): the East Asian font of a style or run (``w:rFonts/@w:eastAsia``: ``font.name`` sets the
Latin font only), the PAGE field of the page number, a table row's "repeat as header row"
(``w:tblHeader``) and the document grid of 22 lines a page (``w:docGrid``).
Every text goes in as a text run: ledger text never becomes a field or a hyperlink (5.1).
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.image.image import Image
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONTS = {1: "黑体", 2: "楷体_GB2312", 3: "仿宋_GB2312"}
PAGE_NUMBER_FONT = "宋体"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
TABLE_SIZE = Pt(10.5)  # 五号: tables of the attachments
LINE = Pt(28.9)  # 22 lines in the 225 mm type area
INDENT = Pt(32)  # two characters of 三号
PAGE_LINES = 22
LINE_CHARS = 27.5  # characters of 三号 a line of the 156 mm type area (28 by the grid, less the
# characters that punctuation rules push to the next line)
TITLE_CHARS = 20  # characters of 二号 a title line
MARGIN = 1.5 * LINE.pt  # what a figure must fit with to spare: the page count is an estimate
TITLE_LINE = Pt(36)
IMAGE_WIDTH = Mm(150)
# a list of figures ("90.0%、84.7%") may break after each 、: LibreOffice's line breaking keeps
# a number, its % and the 、 after it with the next number, so without a break opportunity the
# whole list moved to a line of its own and left the line before it half empty
_NUMBER_LIST = re.compile(r"(?<=[0-9%])、(?=[0-9])")
_ZWSP = "\u200b"


@dataclass
class Block:
    """One piece of the document: ``kind`` is title, subtitle, recipients, heading, para,
    image, caption, table, signature, date, attachment or page_break."""

    kind: str
    text: str = ""
    level: int = 1
    rows: list[list[str]] = field(default_factory=list)  # table: header row first
    image: bytes | None = None
    widths: list[float] | None = None  # table column widths, mm
    aside: str = ""  # signature: the date it is centred over


def _east_asian(element, font: str) -> None:
    """Set the East Asian (and Latin) font of a run's or style's properties (python-docx sets
    only the Latin one)."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)


def _style(doc, name: str, font: str, size, bold: bool = False):
    style = doc.styles[name]
    style.font.name = font
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = None
    _east_asian(style.element, font)
    pf = style.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    return style


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)
    # the document grid: 22 lines a page of 28 characters (GB/T 9704 7.1)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(int(LINE.pt * 20)))
    grid.set(qn("w:charSpace"), "0")


def _page_number(paragraph) -> None:
    """'— N —' with N the PAGE field (a field python-docx cannot make)."""

    def run(text: str = ""):
        r = paragraph.add_run(text)
        r.font.size = PAGE_NUMBER_SIZE
        r.font.name = PAGE_NUMBER_FONT
        _east_asian(r._element, PAGE_NUMBER_FONT)
        return r

    run("— ")
    for kind, text in (
        ("begin", None),
        (None, " PAGE "),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        r = run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            r._element.append(char)
        elif text == "1":
            r.text = "1"
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            r._element.append(instr)
    run(" —")


def _footers(doc) -> None:
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align, indent in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
    ):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        p.alignment = align
        p.paragraph_format.first_line_indent = Pt(0)
        # 一字 from the edge of the type area (GB/T 9704 7.5)
        setattr(p.paragraph_format, f"{indent}_indent", Pt(14))
        _page_number(p)


def new_document(template: Path | None = None, typeset: bool = True):
    """A document with the GB/T 9704 page and styles, or the office's template as it is;
    without ``typeset`` (the English brief) A4 with the default styles."""
    if template is not None:
        doc = Document(str(template))
        body = doc.element.body  # the template's content goes; its styles and sections stay
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        return doc
    doc = Document()
    if not typeset:
        section = doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        for side in ("top", "bottom", "left", "right"):
            setattr(section, f"{side}_margin", Mm(25))
        return doc
    _page_setup(doc)
    normal = _style(doc, "Normal", BODY_FONT, BODY_SIZE)
    normal.paragraph_format.first_line_indent = INDENT
    title = _style(doc, "Title", TITLE_FONT, TITLE_SIZE)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    title.paragraph_format.line_spacing = Pt(36)
    title.element.get_or_add_pPr()  # Title carries a bottom border in the default template
    borders = title.element.pPr.find(qn("w:pBdr"))
    if borders is not None:
        title.element.pPr.remove(borders)
    for level, font in HEADING_FONTS.items():
        heading = _style(doc, f"Heading {level}", font, BODY_SIZE)
        heading.paragraph_format.first_line_indent = INDENT
        heading.paragraph_format.keep_with_next = True
    caption = _style(doc, "Caption", BODY_FONT, Pt(14))
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.first_line_indent = Pt(0)
    _footers(doc)
    return doc


def _plain(doc, text: str, style: str = "Normal", align=None, indent=None, right=None):
    p = doc.add_paragraph(style=style)
    p.add_run(_NUMBER_LIST.sub("、" + _ZWSP, text))  # a text run: never a field or a hyperlink
    if align is not None:
        p.alignment = align
    if indent is not None:
        p.paragraph_format.first_line_indent = indent
    if right is not None:
        p.paragraph_format.right_indent = right
    return p


# what follows w:snapToGrid in a paragraph's properties (the schema's order)
_AFTER_SNAP = (
    *("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap"),
    *("w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl"),
    *("w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"),
)


def _flag(parent, tag: str, value: str = "true", before: tuple[str, ...] = ()) -> None:
    """A child ``tag`` with ``w:val``, before the children named ``before``."""
    flag = OxmlElement(tag)
    flag.set(qn("w:val"), value)
    parent.insert_element_before(flag, *before)


def _row_flags(row, header: bool) -> None:
    """A row kept whole on one page; the header row repeated on every page."""
    trpr = row._tr.get_or_add_trPr()
    _flag(trpr, "w:cantSplit")
    if header:
        _flag(trpr, "w:tblHeader")


def _table(doc, block: Block) -> None:
    header, *body = block.rows
    table = doc.add_table(rows=1 + len(body), cols=len(header))
    try:
        table.style = doc.styles["Table Grid"]
    except KeyError:  # a template without it: plain cells
        pass
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate([header, *body]):
        _row_flags(table.rows[r], header=r == 0)
        cells = table.rows[r].cells
        for c, value in enumerate(values):
            p = cells[c].paragraphs[0]
            p.paragraph_format.first_line_indent = Pt(0)
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(1.5)
            # its own lines, not the page's grid
            _flag(p._p.get_or_add_pPr(), "w:snapToGrid", "false", _AFTER_SNAP)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if r == 0 or c > 0 else WD_ALIGN_PARAGRAPH.LEFT
            run = p.add_run("" if value is None else str(value))
            run.font.size = TABLE_SIZE
            run.bold = r == 0
    if block.widths:  # the grid's columns (LibreOffice reads those) and each cell's
        table.autofit = False
        for c, width in enumerate(block.widths):
            table.columns[c].width = Mm(width)
            for row in table.rows:
                row.cells[c].width = Mm(width)


def render(blocks: list[Block], template: Path | None = None, typeset: bool = True) -> bytes:
    """The .docx bytes of the blocks; in the GB/T 9704 layout (``typeset``, no template) the
    figures are placed where they fit (``place_figures``)."""
    doc = new_document(template, typeset)
    if typeset and template is None:
        blocks = place_figures(blocks)
    for block in blocks:
        if block.kind == "title":
            _plain(doc, block.text, "Title", WD_ALIGN_PARAGRAPH.CENTER, Pt(0))
        elif block.kind == "subtitle":  # the document number, or a blank line under the title
            _plain(doc, block.text, "Normal", WD_ALIGN_PARAGRAPH.CENTER, Pt(0))
        elif block.kind == "recipients":  # 主送: flush left, after a blank line
            _plain(doc, "", "Normal")
            _plain(doc, block.text, "Normal", WD_ALIGN_PARAGRAPH.LEFT, Pt(0))
        elif block.kind == "heading":
            _plain(doc, block.text, f"Heading {block.level}")
        elif block.kind == "para":
            _plain(doc, block.text)
        elif block.kind == "image":
            p = doc.add_paragraph(style="Normal")
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.first_line_indent = Pt(0)
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            p.paragraph_format.keep_with_next = True
            p.add_run().add_picture(io.BytesIO(block.image), width=Mm(150))
        elif block.kind == "caption":
            _plain(doc, block.text, "Caption", WD_ALIGN_PARAGRAPH.CENTER, Pt(0))
        elif block.kind == "table":
            _table(doc, block)
        elif block.kind == "signature":  # 署名: centred over the date, the date 右空四字
            # never on a page without body text (GB/T 9704 7.3.5): kept with what precedes it
            if doc.paragraphs:
                doc.paragraphs[-1].paragraph_format.keep_with_next = True
            _plain(doc, "", "Normal").paragraph_format.keep_with_next = True
            p = _plain(
                doc, block.text, "Normal", WD_ALIGN_PARAGRAPH.RIGHT, Pt(0), block_right(block)
            )
            p.paragraph_format.keep_with_next = True
        elif block.kind == "date":
            _plain(doc, block.text, "Normal", WD_ALIGN_PARAGRAPH.RIGHT, Pt(0), INDENT * 2)
        elif block.kind == "attachment":  # 附件 label, flush left in 黑体, on a new page
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            p = _plain(doc, block.text, "Heading 1", WD_ALIGN_PARAGRAPH.LEFT, Pt(0))
            p.paragraph_format.first_line_indent = Pt(0)
        elif block.kind == "attachment_title":
            _plain(doc, block.text, "Title", WD_ALIGN_PARAGRAPH.CENTER, Pt(0))
        elif block.kind == "page_break":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            raise ValueError(f"unknown block kind {block.kind!r}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def block_right(block: Block):
    """The right indent that centres the issuer over the date (which is 4 characters in)."""
    shift = max(0.0, (_width(block.aside) - _width(block.text)) / 2)
    return Pt(16 * (4 + shift))


def _width(text: str) -> float:
    """Width in characters of 三号: digits and Latin letters are half a character, a zero-width
    space none."""
    return sum(0.0 if ch == _ZWSP else 0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _lines(text: str, indent: float = 2, per_line: float = LINE_CHARS) -> int:
    return max(1, math.ceil((indent + _width(text)) / per_line))


def _height(block: Block) -> float:
    """The points a block takes on the GB/T 9704 page (an estimate on its grid: 22 lines of
    about 28 characters; the image: its height at 150 mm wide)."""
    line = LINE.pt
    if block.kind == "title":
        return _lines(block.text, 0, TITLE_CHARS) * TITLE_LINE.pt
    if block.kind in ("heading", "para"):
        return _lines(block.text) * line
    if block.kind in ("recipients", "signature"):  # a blank line, then the text
        return (1 + _lines(block.text, 0)) * line
    if block.kind == "image" and block.image:
        image = Image.from_blob(block.image)
        return IMAGE_WIDTH.pt * image.px_height / max(1, image.px_width)
    return line  # subtitle, caption, date: one line


def _figures(blocks: list[Block]) -> list[list[Block]]:
    """The blocks in groups: a figure (an image and its caption) is one group."""
    groups: list[list[Block]] = []
    for block in blocks:
        if block.kind == "caption" and groups and groups[-1][-1].kind == "image":
            groups[-1].append(block)
        else:
            groups.append([block])
    return groups


def place_figures(blocks: list[Block]) -> list[Block]:
    """The blocks with each figure (an image and its caption) where it fits, as a float in
    typesetting: where it stands when the rest of the page holds it; else at the paragraph
    that fills the page: after it when the figure fits below its last lines on the next page,
    otherwise before it (and its heading), at the top of the next page, the paragraph
    following. So a figure never leaves most of a page blank; at worst the few lines of a page
    end. Figures keep their order; those still waiting go before the signature, a page break
    or the attachments. The page is counted on the document grid (``_height``), which is an
    estimate: a figure must fit with ``MARGIN`` to spare."""
    page = PAGE_LINES * LINE.pt
    room = page - MARGIN
    out: list[Block] = []
    waiting: list[tuple[list[Block], float]] = []  # figures and their heights
    used = 0.0

    def place(fitting_only: bool) -> None:  # the waiting figures, in order
        nonlocal used
        while waiting and (not fitting_only or used + waiting[0][1] <= room):
            figure, height = waiting.pop(0)
            if used + height > room:  # it starts a page
                used = 0.0
            out.extend(figure)
            used += height

    for group in _figures(blocks):
        block = group[0]
        if block.kind == "image":
            waiting.append((group, min(room, sum(map(_height, group)))))
            if len(waiting) == 1:
                place(fitting_only=True)
            continue
        if block.kind in ("signature", "page_break", "attachment"):
            place(fitting_only=False)
        out.append(block)
        if block.kind in ("page_break", "attachment"):
            used = 0.0
            continue
        used += _height(block)
        if used < page:
            continue
        used %= page  # the page ended within this block: its last lines start the next one
        if block.kind != "para" or not waiting:
            continue
        if used + waiting[0][1] <= room:  # below the paragraph's last lines
            place(fitting_only=True)
            continue
        at = len(out) - 1  # before the paragraph and its heading: the next page's top
        while at > 0 and out[at - 1].kind == "heading":
            at -= 1
        moved = out[at:]
        del out[at:]
        used = 0.0
        place(fitting_only=True)
        out.extend(moved)
        used = (used + sum(map(_height, moved))) % page
    place(fitting_only=False)
    return out
