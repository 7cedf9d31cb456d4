"""--pdf: each chart of a page also as a static image, drawn once when the page is made and
shown only in print, so the browser that prints the page runs no plotly.js (report/pdf.py).

The images come from plotly's own image export (report/images.py) at the printed width: one
kaleido browser per process (a worker's kernel), started at its first chart and used for every
chart of every page that process makes. The screen keeps the interactive chart.
"""

from __future__ import annotations

import atexit
import base64
from contextlib import ExitStack

from safetystats.report.html import esc
from safetystats.report.pdf import PRINT_WIDTH  # the printed chart's width in CSS pixels

SCALE = 2  # device pixels per CSS pixel: sharp at 192 dpi on paper

_draw = None


def png(fig) -> bytes:
    """The figure as the printed page shows it (PNG)."""
    global _draw
    if _draw is None:
        from safetystats.report import images

        stack = ExitStack()
        _draw = stack.enter_context(images.renderer(width=PRINT_WIDTH, scale=SCALE))
        atexit.register(stack.close)
    return _draw(fig)


def img(fig) -> str:
    """An <img> of the figure for print (hidden on screen by the page's style)."""
    title = fig.layout.title.text or ""
    data = base64.b64encode(png(fig)).decode("ascii")
    return f'<img class="print-chart" alt="{esc(title)}" src="data:image/png;base64,{data}">'
