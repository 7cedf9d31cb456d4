"""--pdf: each chart of a page also as a static picture, drawn once when the page is made and
shown only in print, so the browser that prints the page runs no plotly.js (report/pdf.py).

The picture is SVG written in Python from the figure's own data (report/svg_charts.py) at the
printed width: a few milliseconds a chart in the page's kernel, no browser, vector text in the
page's fonts that prints sharp and that pdftotext reads back. The screen keeps the interactive
chart; the print style (report/html.py) shows one or the other.
"""

from __future__ import annotations

from safetystats.report import svg_charts
from safetystats.report.pdf import PRINT_WIDTH  # the printed chart's width in CSS pixels

CSS_CLASS = "print-chart"  # report/pdf.py prints a page carrying one with its scripts off


def img(fig) -> str:
    """The figure as the printed page shows it: an inline <svg>, hidden on screen."""
    return svg_charts.svg(fig, PRINT_WIDTH, CSS_CLASS)
