"""Small HTML pieces of the bulletins: banner, header, cards, tables. No external assets."""

from __future__ import annotations

import html as _html
import re

from safetystats.numbers import figure, percent

STATUS_COLOURS = {
    "met": "#1a7f37",
    "on_track": "#0969da",
    "behind": "#cf222e",
    "no_data": "#8c959f",
}
WHOLE_TABLE_ROWS = 12  # a printed table this short never splits across pages
SHORT_VALUE = re.compile(r"[\d.,%/:—-]+")  # dates, percentages, counts: one unbreakable line
STATUS_CSS = (
    "table td.st{text-align:center;line-height:1.25}td.st .sw{display:block;font-size:11px;white-space:nowrap}"
    + "".join(f".st-{s}{{background:{c};color:#fff}}" for s, c in STATUS_COLOURS.items())
)
FONT = '"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif'
PAGE_CSS = f"""
body{{font-family:{FONT};margin:0 auto;max-width:1100px;padding:16px 24px;color:#1f2328;background:#fff}}
h1{{font-size:24px;margin:8px 0}}h2{{font-size:19px;margin:28px 0 8px;border-bottom:2px solid #d0d7de;padding-bottom:4px}}
h3{{font-size:16px;margin:18px 0 6px}}
.banner{{background:#fff8c5;border:2px solid #d4a72c;color:#7d4e00;padding:10px 14px;font-weight:bold;margin:8px 0;border-radius:6px}}
.meta{{color:#57606a;font-size:14px}}.meta b{{color:#1f2328}}
.cards{{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:12px;margin:12px 0}}
.card{{border:1px solid #d0d7de;border-left:8px solid #8c959f;border-radius:6px;padding:10px 12px}}
.card .name{{font-size:14px;color:#57606a;min-height:36px}}.card .value{{font-size:30px;font-weight:bold}}
.card .status{{font-weight:bold}}.card .gap{{font-size:14px;margin-top:4px}}
.figures{{display:flex;flex-wrap:wrap;gap:18px}}.figure{{flex:1 1 150px}}.figure .n{{font-size:24px;font-weight:bold}}
table.t{{border-collapse:collapse;font-size:13px;margin:6px 0}}table.t td,table.t th{{border:1px solid #d0d7de;padding:4px 8px;text-align:left}}
table.t th{{background:#f6f8fa}}table.t td:first-child{{white-space:nowrap}}table.t td.num{{text-align:right}}tr.overdue td{{background:#ffebe9}}
.small{{font-size:12px;color:#57606a}}.foot{{font-size:13px;color:#424a53}}.foot li{{margin:4px 0}}
.headline{{font-size:18px;margin:6px 0 2px}}.headline .pill{{font-size:15px;padding:3px 10px}}
a{{color:#0969da}}.pill{{display:inline-block;padding:2px 8px;border-radius:10px;color:#fff;font-size:12px}}
.stale,.warning{{color:#9a6700;font-weight:bold}}.nw,table.t td.num{{white-space:nowrap}}
{STATUS_CSS}
.veto{{display:inline-block;border:2px solid #1f2328;color:#1f2328;font-weight:bold;font-size:13px;padding:0 4px;border-radius:3px}}
@page{{size:A4 portrait;margin:16mm 11mm 15mm 11mm;
  @bottom-right{{content:counter(page) " / " counter(pages);font-size:9pt;color:#57606a}}}}
@media print{{
  *{{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
  body{{max-width:none;margin:0;padding:0;font-size:11pt}}
  .modebar,.modebar-container{{display:none!important}}
  /* charts, cards and rows stay whole; a long table continues on the next page under its
     repeated header rather than leaving a page nearly empty (DATA_SPEC 8.2) */
  .card,.figure,.figures,tr,.js-plotly-plot,.plotly-graph-div,.headline,
  .jp-OutputArea-output:has(.plotly-graph-div),.scroll:has(table.whole)
    {{break-inside:avoid;page-break-inside:avoid}}
  thead{{display:table-header-group}}
  h1,h2,h3{{break-after:avoid;page-break-after:avoid}}
  a{{color:inherit;text-decoration:none}}
  .cards{{grid-template-columns:repeat(3,1fr)}}
  .scroll{{overflow:visible}}.narrow-only{{display:none!important}}.wide-only{{display:block!important}}
  /* --pdf pages carry each chart as a static image: printed instead of the interactive one */
  .screen-chart{{display:none!important}}.print-chart{{display:block;width:100%;height:auto;break-inside:avoid}}
}}
@media not print{{.print-chart{{display:none}}}}
.scroll{{overflow-x:auto;max-width:100%}}.narrow-only{{display:none}}
@media screen and (max-width:600px){{
  body{{padding:10px 12px}}h1{{font-size:20px}}h2{{font-size:17px}}
  .cards{{grid-template-columns:1fr}}
  .narrow-only{{display:block}}.wide-only{{display:none}}
  .modebar,.modebar-container{{display:none!important}}
  table.t td,table.t th{{white-space:nowrap}}
}}
"""
# charts follow the page width when printed (Ctrl+P in a browser, or --pdf)
PRINT_SCRIPT = (
    "<script>window.matchMedia('print').addEventListener('change',function(){"
    "if(window.Plotly){document.querySelectorAll('.js-plotly-plot')"
    ".forEach(function(d){window.Plotly.Plots.resize(d)})}})</script>"
)


def css_string(text: str) -> str:
    """``text`` as a CSS string literal that no text can leave: every character but letters,
    digits, spaces and the CJK range is a CSS escape (``<`` is ``\\3c ``), so neither a quote
    nor ``</style>`` nor a brace ends the string, the rule or the element."""
    out = []
    for ch in str(text):
        if ch.isalnum() and (ch.isascii() or ord(ch) >= 0x3000) or ch == " ":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):x} ")
    return '"' + "".join(out) + '"'


def running_header(text: str) -> str:
    """A print style with the page's running header (unit, as-of date) at the top of each page."""
    return (
        "<style>@page{@top-left{content:"
        + css_string(text)
        + ";font-size:9pt;color:#57606a}}</style>"
    )


def esc(value) -> str:
    return _html.escape("" if value is None else str(value))


pct = percent  # the bulletins' name for the one number format


class Html:
    """Displays as HTML in Jupyter and nbconvert."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup


def table(
    head: list[str],
    rows: list[list],
    numeric: set[int] = frozenset(),
    row_classes: list[str] | None = None,
) -> str:
    """A table in a box of its own that scrolls sideways when the table is wider (a phone);
    numbers, dates and percentages never wrap. Printed, a short table stays on one page and a
    long one continues on the next under its repeated header row."""
    whole = " whole" if len(rows) <= WHOLE_TABLE_ROWS else ""
    out = [f'<div class="scroll"><table class="t{whole}"><thead><tr>']
    out[0] += "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr></thead><tbody>"
    for i, row in enumerate(rows):
        cls = f' class="{esc(row_classes[i])}"' if row_classes and row_classes[i] else ""
        cells = "".join(
            f'<td class="num">{esc(v)}</td>'
            if j in numeric
            else f'<td class="nw">{esc(v)}</td>'
            if SHORT_VALUE.fullmatch(esc(v))
            else f"<td>{esc(v)}</td>"
            for j, v in enumerate(row)
        )
        out.append(f"<tr{cls}>{cells}</tr>")
    return "".join(out) + "</tbody></table></div>"


def nw(value) -> str:
    """A short value (a date, a percentage, a count) that never wraps inside its box."""
    return f'<span class="nw">{esc(value)}</span>'


def pill(status: str, label: str) -> str:
    return f'<span class="pill" style="background:{STATUS_COLOURS[status]}">{esc(label)}</span>'


def status_cell(row: dict, lab: dict) -> str:
    """A coloured cell that says its status in a symbol and a word too (black-and-white print,
    colour-blind readers; DATA_SPEC 8.1)."""
    status = row["status"]
    word = f"{lab['status_marks'][status]} {lab[status]}"
    return (
        f'<td class="st st-{esc(status)}" data-status="{esc(status)}" title="{esc(lab[status])}">'
        f'<b>{esc(figure(row["value"], row["kind"]))}</b><span class="sw">{esc(word)}</span></td>'
    )


def status_grid(rows, head: str, labels: dict) -> str:
    """Units × targets as coloured cells (value, status as its title): the children of a unit
    on its bulletin. ``rows``: attainment rows of the units."""
    targets = list(dict.fromkeys(rows["name"].to_list()))
    out = [f'<div class="scroll"><table class="t grid"><tr><th>{esc(head)}</th>']
    out += [f"<th>{esc(t)}</th>" for t in targets] + ["</tr>"]
    for unit in dict.fromkeys(rows["district"].to_list()):
        part = {r["name"]: r for r in rows.filter(rows["district"] == unit).iter_rows(named=True)}
        out.append(f"<tr><td>{esc(unit)}</td>")
        for t in targets:
            r = part.get(t)
            if r is None:
                out.append("<td></td>")
                continue
            out.append(status_cell(r, labels))
        out.append("</tr>")
    return "".join(out) + "</table></div>"
