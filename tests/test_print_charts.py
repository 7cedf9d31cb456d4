"""--pdf's static print charts (report/print_charts.py, report/svg_charts.py): each chart of a
page is also an SVG written in Python from the figure's data, printed instead of the interactive
chart, and the page is printed with its scripts off in one reused tab. Real papermill and
Chromium; the SVG read back as XML, the PDFs with poppler.

Equivalence: the data a print chart shows is read back from its geometry the way a reader
reads the chart, through its own axis labels (a bar ends at the pixel of "62.6%" between the
"0%" and "100%" ticks), and compared with the interactive figure the page carries."""

import datetime as dt
import json
import re
import subprocess
import xml.etree.ElementTree as ET

import plotly.graph_objects as go
import polars as pl
import pytest
from conftest import reading

from safetystats.report import figures, pdf, print_charts, runner
from safetystats.report.html import STATUS_COLOURS
from safetystats.report.pdf import print_pdf

pytestmark = pytest.mark.slow  # papermill, Chromium

NEW_PLOT = re.compile(r'Plotly\.newPlot\(\s*"[^"]+",\s*')
PRINT_SVG = re.compile(r'<svg class="print-chart".*?</svg>', re.S)
NUMBER = re.compile(r"^-?\d+(\.\d+)?%?$")
MONTH = re.compile(r"^\d{4}-\d{2}$")
EPOCH = dt.date(1970, 1, 1)


@pytest.fixture(scope="module")
def pdf_run(sample_store, tmp_path_factory):
    s = reading(sample_store, tmp_path_factory.mktemp("print-charts") / "reports")
    run = runner.bulletins(s, districts=["环翠区"], jobs=1, pdf=True, city=True)
    assert not run.failed, [r.error for r in run.failed]
    return run


def _interactive_figures(html: str) -> list[go.Figure]:
    """The figures the page's plotly.js draws: the data and layout of each Plotly.newPlot,
    in page order (phone layouts included)."""
    decoder = json.JSONDecoder()
    found = []
    for match in NEW_PLOT.finditer(html):
        data, end = decoder.raw_decode(html, match.end())
        layout, _ = decoder.raw_decode(html, html.index("{", end))
        found.append(go.Figure(data=data, layout=layout))
    return found


def _wide(html: str) -> list[go.Figure]:
    """The interactive figures that print: not the phone layouts (a plot whose nearest
    opening chart container is a .narrow-only)."""
    opens = [
        (m.start(), m.group(1))
        for m in re.finditer(r'<div class="(narrow-only|wide-only|screen-chart)">', html)
    ]
    plots = [m.start() for m in NEW_PLOT.finditer(html)]
    phone = {
        p for p in plots if max((o for o in opens if o[0] < p), default=(0, ""))[1] == "narrow-only"
    }
    return [f for f, p in zip(_interactive_figures(html), plots, strict=True) if p not in phone]


# reading a chart back -------------------------------------------------------------------------


def _svg(markup: str) -> ET.Element:
    return ET.fromstring(markup.replace('xmlns="http://www.w3.org/2000/svg"', "", 1))


def _f(el, name) -> float:
    return float(el.get(name))


def _texts(root) -> list[tuple[float, float, str]]:
    return [(_f(t, "x"), _f(t, "y"), t.text or "") for t in root.iter("text")]


def _number(text: str) -> float:
    return float(text.rstrip("%"))


def _fit(pairs: list[tuple[float, float]]):
    """pixel -> value through two labelled ticks (the farthest apart)."""
    (p0, v0), (p1, v1) = min(pairs), max(pairs)
    return lambda p: v0 + (p - p0) * (v1 - v0) / (p1 - p0)


def _value_axis(root, horizontal: bool):
    """The value axis of a one-panel chart, from its numeric tick labels: labels along the
    bottom (horizontal) share one y; labels down the left share one x."""
    ticks = [(x, y, t) for x, y, t in _texts(root) if NUMBER.match(t)]
    key = 1 if horizontal else 0
    line = max({round(t[key]) for t in ticks}, key=lambda k: sum(round(t[key]) == k for t in ticks))
    return _fit([(t[1 - key], _number(t[2])) for t in ticks if round(t[key]) == line])


def _bars_drawn(root, horizontal: bool) -> list[float]:
    """Each bar's value in drawing order, read through the value axis (bars start at 0)."""
    to_value = _value_axis(root, horizontal)
    bars = [b for b in root.iter("rect") if b.get("class") == "bar"]
    if horizontal:
        return [round(to_value(_f(b, "x") + _f(b, "width")), 1) for b in bars]
    return [round(to_value(_f(b, "y")), 1) for b in bars]


def _bars_expected(fig: go.Figure) -> list[float]:
    """The bars of the figure in drawing order (trace by trace), stacked ends where stacked."""
    stacked, out, stacks = fig.layout.barmode == "stack", [], {}
    for t in fig.data:
        if t.type != "bar":
            continue
        h = t.orientation == "h"
        cats, vals = (t.y, t.x) if h else (t.x, t.y)
        for c, v in zip(cats, vals, strict=True):
            if v is None:
                continue
            end = stacks.get(c, 0) + v if stacked else v
            stacks[c] = end
            out.append(round(float(end), 1))
    return out


def _marks_drawn(root) -> list[float]:
    """The threshold marks (vertical ticks across a bar) read through the value axis."""
    to_value = _value_axis(root, True)
    return [
        round(to_value(_f(m, "x1")), 1) for m in root.iter("line") if m.get("class") == "tick-mark"
    ]


def _panels(root):
    """Each trend panel: its y labels (0% 50% 100%, one column) give its value map."""
    ticks = [(x, y, t) for x, y, t in _texts(root) if t in ("0%", "50%", "100%")]
    columns = {}
    for x, y, t in ticks:
        columns.setdefault(round(x), []).append((y, t))
    panels = []
    for x, labels in columns.items():
        labels.sort()
        for i in range(0, len(labels), 3):  # top to bottom: 100%, 50%, 0% of one panel
            three = labels[i : i + 3]
            assert [t for _, t in three] == ["100%", "50%", "0%"], three
            panels.append((x, _fit([(y, _number(t)) for y, t in three])))
    return panels


def _series_drawn(root) -> list[list[float]]:
    """The values of each solid polyline (the monthly series), read through its panel's
    labels; the panel is the label column left of the line whose range holds it."""
    out = []
    for line in root.iter("polyline"):
        if line.get("stroke-dasharray"):
            continue  # a threshold or a projection
        points = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
        lefts = [(x, f) for x, f in _panels(root) if x < points[0][0]]
        candidates = [f for x, f in lefts if all(-9 <= f(py) <= 109 for _, py in points)]
        nearest = max((x for x, _ in lefts), default=None)
        chosen = [f for x, f in lefts if x == nearest and f in candidates]
        assert chosen, "a series outside every panel"
        out.append([chosen[0](py) for _, py in points])
    return out


def _series_expected(fig: go.Figure) -> list[list[float]]:
    return [
        [v for v in t.y if v is not None]
        for t in fig.data
        if t.type == "scatter" and t.mode == "lines+markers"
    ]


def _compare(fig: go.Figure, markup: str) -> None:
    """The print chart shows the figure's data: every label and value, read back."""
    root = _svg(markup)
    words = " ".join(t for _, _, t in _texts(root))
    title = re.sub(r"<[^>]+>", " ", fig.layout.title.text or "").split()
    assert all(w in words for w in title), (title, words)
    kinds = {t.type for t in fig.data}
    if "heatmap" in kinds:
        (t,) = fig.data
        cells = [c for c in root.iter("rect") if c.get("class") == "cell"]
        assert len(cells) == len(t.x) * len(t.y)
        colours = {c.get("fill") for c in cells}
        assert colours <= set(STATUS_COLOURS.values())
        for row in t.text:
            for cell in row:
                assert all(part in words for part in cell.split("<br>")), cell
        assert all(name in words for name in [*t.x, *t.y])
        return
    if "bar" in kinds:
        horizontal = any(t.orientation == "h" for t in fig.data if t.type == "bar")
        assert _bars_drawn(root, horizontal) == pytest.approx(_bars_expected(fig), abs=0.6)
        for t in (t for t in fig.data if t.type == "bar"):
            cats = t.y if t.orientation == "h" else t.x
            assert all(str(c) in words for c in cats), cats
            for text in [x for x in (t.text or []) if x]:
                assert str(text) in words, text
        marks = [t for t in fig.data if t.type == "scatter" and t.marker.symbol == "line-ns"]
        expected = [round(v, 1) for t in marks for v in t.x]
        assert _marks_drawn(root) == pytest.approx(expected, abs=0.6)
        return
    for name in [a.text for a in fig.layout.annotations]:
        assert name in words, name
    drawn, expected = _series_drawn(root), _series_expected(fig)
    assert len(drawn) == len(expected)
    for seen, values in zip(drawn, expected, strict=True):
        assert seen == pytest.approx(values, abs=0.5)  # 0.1 px of 1.3 px a point
    months = [t for t in words.split() if MONTH.match(t)]
    assert months, "the date axes carry month labels"


@pytest.mark.parametrize("name", ["环翠区", "city_overview"])
def test_the_print_charts_show_the_interactive_figures_data(pdf_run, name):
    """Equivalence: every printed chart shows its interactive figure's data as the page carries
    it (parsed back from the page's Plotly.newPlot calls): bar values, categories, value labels,
    threshold marks, trend series, panel titles, the grid's cells. A page shows as many print
    charts as wide interactive charts (the sample's bulletin has 5, the overview 2: the grid and the trend)."""
    html = (pdf_run.folder / f"{name}.html").read_text(encoding="utf-8")
    charts = PRINT_SVG.findall(html)
    wide = _wide(html)
    assert len(charts) == len(wide) >= 2, (len(charts), len(wide))
    assert html.count('<div class="screen-chart">') == len(charts)
    for fig, markup in zip(wide, charts, strict=True):
        _compare(fig, markup)


def test_the_comparison_fails_when_a_value_differs(pdf_run):
    """The reading above can fail: a chart drawn from a figure with one value changed (bars:
    +7 points; trend: a month 30 points lower) is not the page's figure."""
    html = (pdf_run.folder / "环翠区.html").read_text(encoding="utf-8")
    for fig in _wide(html)[:2]:  # the targets' bars, the trend
        changed = go.Figure(fig)
        trace = changed.data[0]
        if trace.type == "bar":
            values = list(trace.x)
            values[0] = (values[0] or 0) + 7
            trace.x = values
        else:
            values = list(trace.y)
            values[-1] = (values[-1] or 0) - 30
            trace.y = values
        with pytest.raises(AssertionError):
            _compare(fig, print_charts.img(changed))


def test_the_pdf_carries_the_charts_as_text_and_no_pictures(pdf_run):
    """The print charts are vector: their labels are text in the PDF (pdftotext finds the
    targets chart's title and a bar's value), and the bulletin's PDF holds no raster picture."""
    html = (pdf_run.folder / "环翠区.html").read_text(encoding="utf-8")
    fig = _wide(html)[0]
    printed = subprocess.run(
        ["pdftotext", str(pdf_run.folder / "环翠区.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert fig.layout.title.text in printed
    assert next(t for t in fig.data[0].text if t) in printed
    listed = subprocess.run(
        ["pdfimages", "-list", str(pdf_run.folder / "环翠区.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[2:]
    assert [line for line in listed if line.split()[2] == "image"] == []


def test_the_targets_key_names_the_status_colours_and_the_bars_keep_their_width():
    """The targets chart's key: one entry per status shown, in its colour (a single "完成值" in
    the first bar's colour read as if every bar were green), then the threshold; its entries
    are bars without a value, overlaid, so the printed bars are as thick as with one trace."""
    rows = pl.DataFrame(
        {
            "name": ["甲", "乙", "丙"],
            "value": [0.5, 0.9, 0.2],
            "threshold": [0.4, 1.0, 0.3],
            "status": ["met", "behind", "behind"],
        }
    )
    labels = {"value": "完成值", "threshold": "目标值", "met": "达标", "behind": "滞后"}
    fig = figures.targets_chart(rows, labels, "各项目标")
    shown = [t for t in fig.data if t.showlegend is not False]
    assert [(t.name, t.marker.color) for t in shown[:-1]] == [
        ("达标", STATUS_COLOURS["met"]),
        ("滞后", STATUS_COLOURS["behind"]),
    ]
    assert shown[-1].name == "目标值"
    root = _svg(print_charts.img(fig))
    words = [w for _, _, w in _texts(root)]
    assert "达标" in words and "滞后" in words and "完成值" not in words
    bars = [b for b in root.iter("rect") if b.get("class") == "bar"]
    assert _bars_drawn(root, True) == pytest.approx([50, 90, 20], abs=0.6)
    # the values' bars alone (in the key as before), with the threshold: the same legend row
    values = go.Bar(fig.data[0]).update(showlegend=True)
    alone = _svg(print_charts.img(go.Figure([values, fig.data[-1]], fig.layout)))
    thick = {round(_f(b, "height"), 1) for b in alone.iter("rect") if b.get("class") == "bar"}
    assert {round(_f(b, "height"), 1) for b in bars} == thick


def test_a_trace_kind_without_a_print_drawing_is_an_error():
    with pytest.raises(ValueError, match="no static print drawing for a pie trace"):
        print_charts.img(go.Figure(go.Pie(values=[1, 2])))


def test_a_page_with_print_charts_is_printed_with_its_scripts_off_in_one_tab(tmp_path):
    """A script that would rewrite the page runs when the page has no print chart, and not
    when it has one (then plotly.js is neither compiled nor run); pages with print charts are
    printed one after another in the same tab of the one browser."""
    script = "<script>document.body.innerHTML='SCRIPTRAN'</script>"
    chart = print_charts.img(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])))
    words, tabs = {}, {}
    for kind, extra in {"plain": "", "static": chart, "static2": chart}.items():
        page = tmp_path / f"{kind}.html"
        page.write_text(f"<html><body><p>PAGETEXT</p>{extra}{script}</body></html>")
        out = print_pdf(page, tmp_path / f"{kind}.pdf")
        words[kind] = subprocess.run(
            ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
        targets = pdf._shared.send("Target.getTargets")["targetInfos"]
        tabs[kind] = (pdf._shared.tab, sorted(t["targetId"] for t in targets))
    assert words["plain"] == ["SCRIPTRAN"]
    assert words["static"][0] == words["static2"][0] == "PAGETEXT"
    assert tabs["static"] == tabs["static2"]  # the second page: no new tab
    assert tabs["static"][0][0] in tabs["static"][1]
