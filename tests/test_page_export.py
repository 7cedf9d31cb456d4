"""A bulletin's page is exported without nbconvert's closing BeautifulSoup pass
(report/pages.py): the page must be what HTMLExporter gives, once parsed and written again as
that pass does, on outputs like a bulletin's (a chart, tables, escaped text, images)."""

import copy

import nbformat
import polars as pl
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from safetystats.report import figures, pages
from safetystats.report.bulletin import PlotlyFigure
from safetystats.report.html import table


class _Page:
    plotly_embedded = True  # plotly.js is not what is compared here
    plotly_js_later = True
    print_charts = False


def _notebook():
    chart = PlotlyFigure(
        figures.drills_chart(
            pl.DataFrame({"drill_type": ["fire"], "unannounced": [True], "drills": [3]}),
            {"unannounced": "不打招呼", "announced": "打招呼"},
            "演练 & <次数>",
        ),
        _Page(),
    )._repr_html_()
    outputs = [
        chart,
        table(["单位", "值"], [["A & B <公司>", "12.5%"], ["C", "—"]], numeric={1}),
        '<p class="meta">截至 <b>2024-12-31</b><br><span class="stale">⚠ 逾期</span></p>',
        '<img class="print-chart" alt="图" src="data:image/png;base64,iVBORw0KGgo=">',
    ]
    cells = [nbformat.v4.new_code_cell("x = 1")]  # an input cell, not shown
    for i, html in enumerate(outputs):
        cell = nbformat.v4.new_code_cell(f"display({i})")
        cell.outputs = [nbformat.v4.new_output("display_data", {"text/html": html})]
        cells.append(cell)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    return nb


def test_the_page_is_what_nbconverts_html_exporter_gives():
    nb = _notebook()
    ours, _ = pages._exporter().from_notebook_node(copy.deepcopy(nb))
    theirs, _ = pages._exporter(HTMLExporter).from_notebook_node(copy.deepcopy(nb))
    assert "Plotly.newPlot" in ours and "A &amp; B &lt;公司&gt;" in ours
    assert ours != theirs  # only written again by the soup ...
    assert str(BeautifulSoup(ours, features="html.parser")) == theirs  # ... to the same page
    assert 'alt="图"' in ours and "tabindex" not in theirs  # the pass had nothing to add


def test_notebooks_are_read_and_checked_without_rfc3987_syntax():
    """safetystats.report keeps jsonschema from importing rfc3987_syntax (1.4 s a process):
    papermill and nbconvert load without it, and nbformat still checks a notebook against its
    schema."""
    import subprocess
    import sys

    from safetystats.paths import NOTEBOOKS_DIR

    notebook = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))[0]
    code = (
        "import sys, safetystats.report, papermill, nbconvert, nbformat\n"
        "assert sys.modules['rfc3987_syntax'] is None, 'rfc3987_syntax was imported'\n"
        f"nb = nbformat.read({str(notebook)!r}, as_version=4)\n"
        "nbformat.validate(nb)\n"
        "nb.cells[0]['cell_type'] = 'nonsense'\n"
        "try:\n"
        "    nbformat.validate(nb)\n"
        "except nbformat.ValidationError:\n"
        "    print('checked')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "checked"
