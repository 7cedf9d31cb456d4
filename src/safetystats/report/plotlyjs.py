"""The plotly.js embedded in each bulletin (once per page, so pages work offline).

`make install` puts plotly.js's *cartesian* bundle (bar, scatter, heatmap, …; 1.5 MB) of the
same version as plotly.py's into ``<venv>/share/safetystats/``, from the npm registry. Pages
then weigh about 1.6 MB instead of 4.9 MB. Without it the full bundle shipped with plotly.py
is embedded: the same charts, a larger file.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import plotly.offline

BUNDLE_DIR = Path(sys.prefix) / "share" / "safetystats"


def cartesian_bundle_path() -> Path:
    return BUNDLE_DIR / f"plotly-cartesian-{plotly.offline.get_plotlyjs_version()}.min.js"


@lru_cache(maxsize=1)
def plotly_js() -> str:
    bundle = cartesian_bundle_path()
    if bundle.exists():
        return bundle.read_text(encoding="utf-8")
    return plotly.offline.get_plotlyjs()


# where the page's exporter puts script_tag() (report/pages.py): a page of a `bulletins` run
MARK = "<!--safetystats:plotly.js-->"


def script_tag() -> str:
    """What plotly's to_html(include_plotlyjs=True) puts before the first figure, with our bundle."""
    return (
        '<script type="text/javascript">window.PlotlyConfig = {MathJaxConfig: "local"};</script>'
        f'<script type="text/javascript">{plotly_js()}</script>'
    )
