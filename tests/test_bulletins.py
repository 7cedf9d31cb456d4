"""Bulletins: papermill runs with a real kernel, offline HTML, opened in headless Chromium."""

import datetime as dt
import json
import re
from html.parser import HTMLParser

import nbformat
import papermill as pm
import pytest
from browser import chromium, console_errors, requested_urls, screenshot
from click.testing import CliRunner
from conftest import reading

from safetystats.config import settings_toml
from safetystats.paths import NOTEBOOKS_DIR
from safetystats.report import pages, runner
from safetystats.report.plan import DISTRICT_NOTEBOOK

pytestmark = pytest.mark.slow  # papermill, Chromium

LEAVES_THE_MACHINE = ("http:", "https:", "ws:", "wss:", "ftp:")
EXTERNAL = re.compile(r"<(script|link)[^>]+(src|href)=[\"']?(https?:)?//", re.IGNORECASE)


@pytest.fixture(scope="module")
def built(sample_store, tmp_path_factory):
    root = tmp_path_factory.mktemp("bulletins")
    s = reading(sample_store, root / "reports")
    config = root / "safetystats.toml"
    config.write_text(settings_toml(s), encoding="utf-8")
    return s, config, runner.bulletins(s, jobs=2)


def test_every_bulletin_is_written_offline_and_small(built):
    settings, _, run = built
    assert not run.failed, [r.error for r in run.failed]
    names = {r.job.name for r in run.results}
    assert names == {"city_overview"} | set(settings.registry.names())
    for r in run.results:
        page = r.html.read_text(encoding="utf-8")
        assert r.html.stat().st_size <= 5_000_000, r.html
        assert r.html.stat().st_mode & 0o044, r.html  # readable by the web server, not only by us
        assert not EXTERNAL.search(page), r.html
        assert (
            page.count("Plotly.newPlot") >= 1 and page.count("* plotly.js") == 1
        )  # plotly.js embedded once
        assert "样例数据" in page  # sample data says so on every page
    index = run.index.read_text(encoding="utf-8")
    assert all(f'href="{n}.html"' in index for n in names)
    assert "样例数据" in index and not EXTERNAL.search(index)


class Cards(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cards = {}
        self.headline = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div" and "data-target" in a and "data-status" in a:
            self.cards[a["data-target"]] = a
        if a.get("class") == "headline":
            self.headline = a


def test_bulletin_numbers_equal_the_attainment_json(built):
    settings, config, run = built
    from safetystats.cli import app

    result = CliRunner().invoke(
        app,
        [
            "--config",
            str(config),
            "attainment",
            "--format",
            "json",
            "--district",
            "文登",
            "--as-of",
            run.as_of.isoformat(),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = [r for r in json.loads(result.stdout)["rows"] if r["scope"] == "district"]
    parser = Cards()
    page = (run.folder / "文登区.html").read_text(encoding="utf-8")
    parser.feed(page)
    assert int(parser.headline["data-met"]) == sum(r["status"] == "met" for r in rows)
    assert int(parser.headline["data-behind"]) == sum(r["status"] == "behind" for r in rows)
    assert set(parser.cards) == {r["target_id"] for r in rows}
    for r in rows:
        card = parser.cards[r["target_id"]]
        assert card["data-status"] == r["status"]
        assert (card["data-numerator"], card["data-denominator"]) == (
            str(r["numerator"]),
            str(r["denominator"]),  # None for a count
        )
        assert card["data-value"] == str(r["value"])
        assert card["data-gap"] == str(r["gap_count"])


def test_index_and_a_bulletin_in_headless_chromium_without_network(built, tmp_path):
    _, _, run = built
    driver = chromium(tmp_path)
    try:
        driver.get(run.index.as_uri())
        assert "通报目录" in driver.find_element("tag name", "body").text
        # 8 default targets (DATA_SPEC 6.6) x (7 districts + the total)
        assert len(driver.find_elements("css selector", "td[data-status]")) == 8 * 8
        screenshot(driver, "index.png")
        driver.get((run.folder / "环翠区.html").as_uri())
        driver.implicitly_wait(5)
        plots = driver.find_elements("css selector", ".js-plotly-plot")
        plots = [p for p in plots if p.is_displayed()]  # the phone's trend chart is hidden
        assert len(plots) == 5
        for plot in plots:  # every chart drawn
            assert plot.find_elements("css selector", "svg.main-svg")
        text = driver.find_element("tag name", "body").text
        assert "环翠区" in text and "目标完成情况" in text and "“四不”演练占比" in text
        shot = screenshot(driver, "district_bulletin.png")
        assert shot.stat().st_size > 20_000
        assert console_errors(driver) == []
        urls = requested_urls(driver)
        assert any(u.startswith("file:") and "html" in u for u in urls)  # the log does see requests
        assert [u for u in urls if u.startswith(LEAVES_THE_MACHINE)] == []
    finally:
        driver.quit()


def test_validation_report_renders_offline_in_chromium(built, tmp_path):
    settings, _, _ = built
    driver = chromium(tmp_path)
    try:
        driver.get((settings.reports / "validation.html").as_uri())
        text = driver.find_element("tag name", "body").text
        assert "数据校验报告" in text and "隐患台账" in text
        screenshot(driver, "validation_report.png")
        assert console_errors(driver) == []
        assert [u for u in requested_urls(driver) if u.startswith(LEAVES_THE_MACHINE)] == []
    finally:
        driver.quit()


def test_a_failing_bulletin_leaves_the_others_and_the_index_correct(built, monkeypatch, tmp_path):
    settings, _, _ = built
    real_plan = runner.plan_jobs

    def plan_with_a_broken_district(*args, **kwargs):
        jobs = real_plan(*args, **kwargs)
        broken = pages.Job(
            "火星区",
            DISTRICT_NOTEBOOK,
            {**jobs[-1].parameters, "district": "火星区"},
            "火星区",
        )
        return [*jobs, broken]

    monkeypatch.setattr(runner, "plan_jobs", plan_with_a_broken_district)
    run = runner.bulletins(settings, districts=["环翠区"], jobs=2)
    assert [r.job.name for r in run.failed] == ["火星区"]
    failure = run.failed[0]
    assert "not in the unit registry" in failure.error and failure.notebook.exists()
    kept = nbformat.read(failure.notebook, as_version=4)
    assert any(o.get("ename") for c in kept.cells for o in c.get("outputs", []))
    ok = {r.job.name for r in run.results if r.ok}
    assert ok == {"city_overview", "环翠区"}
    index = run.index.read_text(encoding="utf-8")
    assert 'href="环翠区.html"' in index and 'href="city_overview.html"' in index


def test_explore_notebook_runs(built, tmp_path):
    _, config, _ = built
    out = tmp_path / "explore.ipynb"
    pm.execute_notebook(
        str(NOTEBOOKS_DIR / "explore.ipynb"),
        str(out),
        parameters={"config": str(config), "as_of": "2024-12-31"},
        kernel_name="python3",
        progress_bar=False,
    )
    nb = nbformat.read(out, as_version=4)
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))


def test_notebook_parameters_match_the_cli():
    from safetystats.cli import app

    command = app.commands["bulletins"]
    cli_options = {p.name for p in command.params}
    district = set(pm.inspect_notebook(str(NOTEBOOKS_DIR / "district_bulletin.ipynb")))
    city = set(pm.inspect_notebook(str(NOTEBOOKS_DIR / "city_overview.ipynb")))
    # --config is the global option; --jobs, --level (which units), --pdf and --force are the
    # runner's own; run_figures is the runner's folder of figures computed once per run,
    # print_charts is --pdf's (each chart also an image for print)
    assert district == {"district", "as_of", "lang"} | {"config", "run_figures", "print_charts"}
    assert city == {"as_of", "lang", "config", "run_figures", "print_charts"}
    assert {"district", "as_of", "lang", "jobs", "level", "pdf", "force"} == cli_options


@pytest.mark.parametrize("name", sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb")))
def test_committed_notebooks_carry_no_outputs(name):
    nb = nbformat.read(NOTEBOOKS_DIR / name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, name
    # nbformat 4.5 wants an id in every cell (a warning now, an error in future versions)
    cells = json.loads((NOTEBOOKS_DIR / name).read_text(encoding="utf-8"))["cells"]
    ids = [cell.get("id") for cell in cells]
    assert None not in ids and len(set(ids)) == len(ids), (name, ids)


# what a thin notebook's code never holds: SQL, function or class definitions, loops
NOT_THIN = re.compile(r"\bSELECT\b|\.sql\(|\.execute\(|\bdef |\bclass |\bfor |\bwhile ", re.I)


def not_thin(source: str) -> list[str]:
    """The lines of a cell whose code (the part before a comment) is not thin."""
    return [line for line in source.splitlines() if NOT_THIN.search(line.split("#")[0])]


def test_the_thin_check_reads_every_line_of_a_cell():
    # the old check looked before the first "#" of the cell: nothing, when a cell opens
    # with a comment
    assert not_thin("# open major hazards\ncon.sql('select * from hazards')")
    assert not_thin("x = 1  # fine\nfor unit in units:\n    show(unit)")
    assert not_thin("# drills and training, for each unit\ndisplay(bulletin.drills_chart())") == []


def test_bulletin_notebooks_are_thin():
    """One library call per cell: no SQL, no function definitions, no loops, on any line."""
    for name in ("district_bulletin.ipynb", "city_overview.ipynb"):
        nb = nbformat.read(NOTEBOOKS_DIR / name, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not_thin(cell.source) == [], (name, cell.source)


def test_pages_embed_the_cartesian_bundle_when_installed(built):
    from safetystats.report.plotlyjs import cartesian_bundle_path

    _, _, run = built
    page = (run.folder / "环翠区.html").read_text(encoding="utf-8")
    if cartesian_bundle_path().exists():  # make install fetches it from the npm registry
        assert "plotly.js (cartesian - minified)" in page
        assert len(page.encode()) < 2_000_000
    else:
        assert len(page.encode()) < 5_000_000


def test_the_evacuation_list_counts_the_enterprises_of_its_card(built):
    """DATA_SPEC 8.1: the card "还有 N 家企业未达到规定频次" and the list under it name the
    same N enterprises, each once with its missing periods. On this sample 文登区's card says 4
    and the list had 5 rows (威海东方烟花 short in both half-years: one row per period)."""
    _, _, run = built
    for unit in ("文登区", "威海经济技术开发区"):
        page = (run.folder / f"{unit}.html").read_text(encoding="utf-8")
        parser = Cards()
        parser.feed(page)
        gap = int(parser.cards["evacuation_drill_coverage"]["data-gap"])
        title, listing = re.search(
            r"<h3>尚未完成疏散逃生演练的企业（(\d+) 家）</h3>(?:<div class=\"scroll\">)?(<table.*?</table>)",
            page,
            flags=re.S,
        ).groups()
        names = re.findall(r"<tr><td>(.*?)</td>", listing)
        assert int(title) == gap == len(names) == len(set(names)), (unit, title, gap, names)
    assert gap == 6  # 威海经济技术开发区: 18 enterprises, 12 with their drills


def test_two_figures_named_alike_on_a_page_are_one_figure(built):
    """DATA_SPEC 8.1: the card 重大事故隐患“五落实”率 (hazards found in the window) and the
    hazard strip's figure (those open at A) differ (80.3% and 68.7% on a city's files): the
    strip's has its own name; every strip name that a card also names shows the card's value."""
    _, _, run = built
    page = (run.folder / "环翠区.html").read_text(encoding="utf-8")
    cards = dict(
        re.findall(r'<div class="name">(.*?)</div><div class="value"[^>]*>(.*?)</div>', page)
    )
    strip = dict(
        re.findall(
            r'<div class="figure"><div class="small">(.*?)</div><div class="n">(.*?)</div>', page
        )
    )
    assert "在办重大隐患五落实率" in strip and "重大事故隐患“五落实”率" in cards
    for name, value in strip.items():
        assert cards.get(name, value) == value, name
        if "五落实" in name:
            assert name.startswith("在办"), name


def test_english_bulletin(built):
    settings, _, _ = built
    run = runner.bulletins(settings, districts=["乳山"], jobs=1, lang="en", city=False)
    assert not run.failed, [r.error for r in run.failed]
    page = run.results[0].html.read_text(encoding="utf-8")
    assert (
        'lang="en"' in page
        and "Targets" in page
        and "Unannounced" in page
        and "SAMPLE DATA" in page
    )
    # every label in English: headings, table headers, card names, chart legends and
    # categories (drill types, training categories) — only unit names stay as written
    import json

    units = {d.name for d in settings.registry.districts} | {"全市"}
    labels = re.findall(r"<(?:h1|h2|h3|th)[^>]*>(.*?)</(?:h1|h2|h3|th)>", page, flags=re.S)
    labels += re.findall(r'<div class="name">(.*?)</div>', page)
    for spec in re.findall(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*(\[.*?\]),\s*\{", page, flags=re.S):
        for trace in json.loads(spec):
            labels.append(str(trace.get("name", "")))
            labels += [str(x) for x in trace.get("x", []) if isinstance(x, str)]
    # rule names in English, not rule ids ("invalid_level 1"), and singulars for one
    rule_ids = set(settings.rules)
    text = re.sub(r"<[^>]+>", " ", page)
    assert not any(re.search(rf"\b{r}\b", text) for r in rule_ids), "a rule id is shown"
    assert "Credit code check character wrong" in text  # 乳山市's warned rows on this sample
    assert not re.search(r"(?<![\d,.])1 (major hazards|enterprises|targets|more \w+s\b)", text)
    cjk = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
    for label in labels:
        text = re.sub(r"<[^>]+>", "", label)
        for unit in units:
            text = text.replace(unit, "")
        assert not cjk.search(text), label


def test_percentages_are_truncated_never_rounded_up_to_a_target():
    from safetystats.report.html import pct

    assert pct(0.9996) == "99.9%"  # rounding would print a 100% that is not met
    assert (pct(0.438221), pct(1.0), pct(0.4, 0), pct(None)) == ("43.8%", "100.0%", "40%", "—")


def test_a_page_from_the_runs_figures_equals_a_page_computing_its_own(built, tmp_path):
    """`bulletins` computes the figures of every unit once (report/precomputed.py) and each
    page reads its rows; a notebook opened by hand computes its own. Both show the same."""
    from safetystats.metrics.engine import open_store
    from safetystats.report.bulletin import CityOverview, DistrictBulletin
    from safetystats.report.precomputed import RunFigures

    s, as_of = built[0], dt.date(2024, 12, 31)
    unit = s.registry.resolve("环翠区")
    with open_store(s) as con:
        RunFigures.compute(s, as_of, "zh", con, pages=[unit.code, None]).save(tmp_path / "fig")
    shared = [
        DistrictBulletin(s, unit, RunFigures.load(tmp_path / "fig"), "zh", {}),
        CityOverview(s, RunFigures.load(tmp_path / "fig"), "zh", {}),
    ]
    config = str(built[1])
    own = [
        DistrictBulletin.load("环翠区", as_of.isoformat(), config, "zh"),
        CityOverview.load(as_of.isoformat(), config, "zh"),
    ]
    for a, b in zip(shared, own, strict=True):
        names = ("rows", "series", "hazards", "freshness", "accident_warnings", "files", "quality")
        district = ("open_major", "missing", "ageing", "drills", "training")
        for name in names + district * (a is shared[0]):
            assert getattr(a, name).equals(getattr(b, name)), name
        for name in ("rows", "series", "hazards", "files"):
            assert getattr(a, name).height, name  # something was compared
    assert shared[0].children is None and own[0].children is None  # a district has no children


def test_the_warm_kernel_starts_each_notebook_with_a_clean_namespace(tmp_path):
    """Notebooks share a kernel (report/kernel_engine.py): the names of one are gone in the next."""
    from safetystats.report import kernel_engine

    def notebook(name, *sources):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
        nb.metadata["kernelspec"] = {"name": "python3", "language": "python"}
        path = tmp_path / name
        nbformat.write(nb, path)
        return str(path)

    def run(path):
        return pm.execute_notebook(
            path, None, engine_name=kernel_engine.ENGINE_NAME, kernel_name="python3",
            progress_bar=False,
        )  # fmt: skip

    run(notebook("first.ipynb", "leftover = 41", "leftover + 1"))
    second = run(notebook("second.ipynb", "sorted(n for n in dir() if not n.startswith('_'))"))
    names = eval(second.cells[0].outputs[0]["data"]["text/plain"])
    assert "leftover" not in names and "In" in names and "Out" in names
    assert second.cells[0].outputs[0]["execution_count"] >= 1
    with pytest.raises(pm.PapermillExecutionError, match="NameError"):
        run(notebook("third.ipynb", "leftover"))
