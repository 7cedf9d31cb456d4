"""plotly figures as static images (PNG), drawn by plotly's image export (kaleido) through the
Debian Chromium the project already uses: nothing is downloaded at run time.

One browser serves every figure of a run: ``with renderer() as draw: draw(fig)``. Starting it
costs a few seconds; each figure then takes a fraction of a second (a new browser per figure,
as ``fig.to_image`` does alone, costs the start every time).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import plotly.graph_objects as go


@contextmanager
def renderer(width: int = 1000, scale: float = 2) -> Iterator[Callable[[go.Figure], bytes]]:
    """A function figure -> PNG bytes, valid inside the block."""
    import kaleido

    from safetystats.report.pdf import browser

    os.environ.setdefault("BROWSER_PATH", browser())  # kaleido: use Debian's, never download one
    kaleido.start_sync_server(silence_warnings=True)
    try:

        def draw(fig: go.Figure) -> bytes:
            height = fig.layout.height or 500
            return kaleido.calc_fig_sync(
                fig, opts={"format": "png", "width": width, "height": height, "scale": scale}
            )

        yield draw
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
