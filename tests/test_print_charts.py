"""--pdf's static print charts (report/print_charts.py): each chart of a page is also a PNG drawn
once by plotly's image export, printed instead of the interactive chart, and the page is printed
with its scripts off. Real papermill, kaleido and Chromium; the PDFs read back with poppler."""

import base64
import json
import re
import subprocess

import plotly.graph_objects as go
import pytest
from conftest import reading

from safetystats.report import print_charts, runner
from safetystats.report.pdf import print_pdf

pytestmark = pytest.mark.slow  # papermill, kaleido, Chromium

NEW_PLOT = re.compile(r'Plotly\.newPlot\(\s*"[^"]+",\s*')
# (the exporter may order the attributes otherwise)
PRINT_IMAGE = re.compile(
    r'<img[^>]*? class="print-chart"[^>]*? src="data:image/png;base64,([^"]+)"'
)


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


@pytest.mark.parametrize("name", ["环翠区", "city_overview"])
def test_the_print_images_are_the_interactive_figures_drawn(pdf_run, name):
    """Equivalence: every printed chart is its interactive figure's data and layout as the page
    carries them (parsed back from the page's Plotly.newPlot calls), drawn again here by the
    same export: the same PNG, byte for byte. A page shows as many print images as wide
    interactive charts (the sample's bulletin has 5, the overview 3 — at least 2 each)."""
    html = (pdf_run.folder / f"{name}.html").read_text(encoding="utf-8")
    images = [base64.b64decode(b) for b in PRINT_IMAGE.findall(html)]
    wide = _wide(html)
    assert len(images) == len(wide) >= 2, (len(images), len(wide))
    assert html.count('<div class="screen-chart">') == len(images)
    for n, (image, fig) in enumerate(zip(images, wide, strict=True)):
        assert image[:8] == b"\x89PNG\r\n\x1a\n"
        assert print_charts.png(fig) == image, f"{name}: print image {n + 1} is not its chart"


def test_a_different_figure_draws_a_different_image(pdf_run):
    """The comparison above can fail: one changed value changes the image."""
    html = (pdf_run.folder / "环翠区.html").read_text(encoding="utf-8")
    image = base64.b64decode(PRINT_IMAGE.findall(html)[0])
    fig = _wide(html)[0]
    trace = fig.data[0]
    values = list(trace.x if trace.orientation == "h" else trace.y)
    values[0] = (values[0] or 0) + 7
    if trace.orientation == "h":
        trace.x = values
    else:
        trace.y = values
    assert print_charts.png(fig) != image


def test_the_pdf_carries_the_images_and_not_the_interactive_charts(pdf_run):
    """pdfimages lists one picture per print image in the bulletin's PDF; an HTML page made
    without --pdf has no print image (the screen is unchanged)."""
    html = (pdf_run.folder / "环翠区.html").read_text(encoding="utf-8")
    listed = subprocess.run(
        ["pdfimages", "-list", str(pdf_run.folder / "环翠区.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[2:]
    images = [line for line in listed if line.split()[2] == "image"]
    assert len(images) == len(PRINT_IMAGE.findall(html))


def test_a_page_with_print_images_is_printed_with_its_scripts_off(tmp_path):
    """A script that would rewrite the page runs when the page has no print image, and not
    when it has one (then plotly.js is neither compiled nor run)."""
    script = "<script>document.body.innerHTML='SCRIPTRAN'</script>"
    pixel = base64.b64encode(print_charts.png(go.Figure(go.Bar(y=[1, 2])))).decode()
    words = {}
    for kind, extra in {
        "plain": "",
        "static": f'<img class="print-chart" alt="" src="data:image/png;base64,{pixel}">',
    }.items():
        page = tmp_path / f"{kind}.html"
        page.write_text(f"<html><body><p>PAGETEXT</p>{extra}{script}</body></html>")
        pdf = print_pdf(page, tmp_path / f"{kind}.pdf")
        words[kind] = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    assert words["plain"] == ["SCRIPTRAN"]
    assert words["static"] == ["PAGETEXT"]
