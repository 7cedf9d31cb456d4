"""A run is plan → figures → render → publish: figures.json, an index of every unit of its
level (partial runs included), status words and marks, nothing before the campaign, target
roles, pages that stay inert with hostile names, and the pages at a phone's width."""

import datetime as dt
import json
import re
import shutil
import subprocess
import time

import polars as pl
import pytest
from browser import (
    OUTPUT,
    as_desktop,
    as_phone,
    chromium,
    full_page_screenshot,
    horizontal_overflow,
)
from click.testing import CliRunner
from conftest import reading

from safetystats.config import load_settings, settings_toml
from safetystats.metrics import engine
from safetystats.metrics.targets import load_targets
from safetystats.metrics.warnings import accident_warnings
from safetystats.paths import PACKAGED_CONFIG
from safetystats.pipeline import refresh
from safetystats.report import runner
from safetystats.report.precomputed import RunFigures

pytestmark = pytest.mark.slow  # papermill, Chromium

UNITS = ["环翠区", "文登区", "荣成市", "乳山市", "威海火炬高技术产业开发区", "威海经济技术开发区"]
UNITS += ["威海临港经济技术开发区"]


@pytest.fixture(scope="module")
def partial(sample_store, tmp_path_factory):
    """Two units and the overview, then one of them again: the index of the second run."""
    s = reading(sample_store, tmp_path_factory.mktemp("runner") / "reports")
    first = runner.bulletins(s, districts=["环翠区", "文登区"], jobs=2)
    assert not first.failed, [r.error for r in first.failed]
    saved = json.loads((first.folder / "figures.json").read_text(encoding="utf-8"))
    # what the first run published for 环翠区, changed by hand: the second run must keep it
    for row in saved["attainment"]:
        if row["district"] == "环翠区" and row["target_id"] == "video_coverage":
            row["value"] = 0.123
    (first.folder / "figures.json").write_text(json.dumps(saved, ensure_ascii=False), "utf-8")
    second = runner.bulletins(s, districts=["文登区"], jobs=1, force=True)
    return s, first, second


def _index_rows(index: str) -> dict[str, str]:
    """unit name -> its row's HTML."""
    rows = re.findall(r'<tr(?: class="total")?><th class="unit" scope="row">(.*?)</tr>', index)
    return {re.sub(r"<[^>]+>", "", r.split("</th>")[0]).split()[0]: r for r in rows}


def test_a_partial_run_keeps_every_unit_in_the_index_from_the_saved_figures(partial):
    s, first, second = partial
    assert [r.job.name for r in second.results] == ["city_overview", "文登区"]
    index = second.index.read_text(encoding="utf-8")
    rows = _index_rows(index)
    assert set(rows) == {*UNITS, "全市"}  # every unit of the level, not only 文登区 and 全市
    assert 'href="环翠区.html"' in rows["环翠区"] and 'href="文登区.html"' in rows["文登区"]
    assert "href=" not in rows["荣成市"]  # no page was ever written for it
    # 环翠区 was not redone: its row is the one saved by the first run (changed by hand)
    assert "12.3%" in rows["环翠区"] and "12.3%" not in rows["文登区"]
    saved = json.loads((second.folder / "figures.json").read_text(encoding="utf-8"))
    assert {u["name"] for u in saved["units"]} == {*UNITS, "全市"}
    assert set(saved) >= {"attainment", "warnings", "stale", "scores", "statistics"}
    kept = [r for r in saved["attainment"] if r["district"] == "环翠区"]
    assert {r["target_id"]: r["value"] for r in kept}["video_coverage"] == 0.123
    # 文登区's rows are fresh: those of `attainment --format json`
    config = second.folder.parent / "safetystats.toml"
    config.write_text(settings_toml(s), encoding="utf-8")
    from safetystats.cli import app

    out = CliRunner().invoke(
        app, ["--config", str(config), "attainment", "--format", "json", "--district", "文登区",
              "--as-of", second.as_of.isoformat()],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    expected = {
        r["target_id"]: (r["value"], r["status"])
        for r in json.loads(out.stdout)["rows"]  # stderr names the settings file
        if r["scope"] == "district"
    }
    fresh = [r for r in saved["attainment"] if r["district"] == "文登区"]
    assert {r["target_id"]: (r["value"], r["status"]) for r in fresh} == expected
    assert not list(second.folder.glob("figures.json.*")) and not list(second.folder.glob(".*tmp"))


def test_the_index_says_each_status_and_marks_each_warning(partial):
    s, _, second = partial
    lab_words = {
        "met": "✓ 达标",
        "on_track": "↗ 有望达标",
        "behind": "✗ 滞后",
        "no_data": "？ 无数据",
    }
    index = second.index.read_text(encoding="utf-8")
    cells = re.findall(r'<td class="st st-(\w+)" data-status="(\w+)"[^>]*>(.*?)</td>', index)
    assert len(cells) == 8 * 8  # 8 targets x (7 units + the total)
    for klass, status, inner in cells:
        assert klass == status and lab_words[status] in inner  # a word, not only a colour
    # each warning of each unit has its own mark; a serious accident is 一票否决 in words
    warnings = accident_warnings(s, second.as_of)
    rows = _index_rows(index)
    for name in [*UNITS, "全市"]:
        code = None if name == "全市" else s.registry.resolve(name).code
        rules = set(warnings.filter(pl.col("district_code").eq_missing(code))["rule"])
        assert ("一票否决" in rows[name]) == ("serious_accident" in rules), name
        for rule in rules - {"serious_accident"}:
            assert f'data-mark="{rule}"' in rows[name], (name, rule)
        assert rows[name].count('class="mark"') == len(rules - {"serious_accident"}), name
    assert "serious_accident" in set(warnings["rule"])  # the sample has one: checked above
    legend = index.split('<div class="scroll">')[0]
    assert all(m in legend for m in ("一票否决", "※", "②", "▲"))


def test_a_vetoed_unit_is_ranked_after_every_unit_without_a_veto(partial):
    s, _, second = partial
    page = (second.folder / "city_overview.html").read_text(encoding="utf-8")
    league = page.split("考核得分排名")[1].split("</table>")[0]
    ranked = [
        re.sub(r"<[^>]+>", "", c)
        for c in re.findall(r"<tr><td[^>]*>\d+</td><td>(.*?)</td>", league)
    ]
    assert len(ranked) == 7
    vetoed = [i for i, name in enumerate(ranked) if name.endswith("一票否决")]
    assert vetoed and vetoed == list(range(7 - len(vetoed), 7))  # last, whatever they met


def test_nothing_is_written_before_the_campaign(sample_store, tmp_path):
    from safetystats.cli import app

    s = reading(sample_store, tmp_path / "reports")
    config = tmp_path / "safetystats.toml"
    config.write_text(settings_toml(s), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["--config", str(config), "bulletins", "--as-of", "2022-12-31"]
    )
    assert result.exit_code == 1 and "before every target's window" in result.output
    assert not (tmp_path / "reports" / "2022-12-31").exists()
    # targets of 2024 only: 2023-06-30 is before the campaign, although ledgers hold 2023 rows
    text = (PACKAGED_CONFIG / "targets.toml").read_text(encoding="utf-8")
    targets = tmp_path / "targets.toml"
    targets.write_text(text.replace("window_start = 2023-01-01", "window_start = 2024-01-01"))
    s = reading(sample_store, tmp_path / "reports", targets=targets)
    config.write_text(settings_toml(s), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["--config", str(config), "bulletins", "--as-of", "2023-06-30"]
    )
    assert result.exit_code == 1, result.output
    assert not (tmp_path / "reports" / "2023-06-30").exists()


def test_pages_use_the_target_with_a_role(sample_store, tmp_path):
    """Two event_frequency targets: the bulletins list the one with role evacuation_list,
    whichever comes first; the 四不 chart's window is that of drill_share_window."""
    text = (PACKAGED_CONFIG / "targets.toml").read_text(encoding="utf-8")
    text = text.replace('role = "evacuation_list"', "")
    text = text.replace('role = "drill_share_window"', "")
    extra = """
[[targets]]
id = "special_drills"
metric = "event_frequency"
role = "evacuation_list"
name_zh = "专项应急预案演练覆盖率"
threshold = "1.00"
window_start = 2024-01-01
deadline = 2024-12-31
dataset = "drills"
types = ["专项应急预案"]
per = "half_year"

[[targets]]
id = "unannounced_2024_h2"
metric = "unannounced_drill_share"
role = "drill_share_window"
threshold = "0.40"
window_start = 2024-07-01
deadline = 2024-12-31
"""
    targets = tmp_path / "targets.toml"
    targets.write_text(text + extra, encoding="utf-8")
    s = reading(sample_store, tmp_path / "reports", targets=targets)
    as_of = dt.date(2024, 12, 31)
    by_id = {t.id: t for t in load_targets(targets)}
    code = s.registry.resolve("文登区").code
    codes = sorted([code, *(d.code for d in s.registry.descendants(code))])
    with engine.open_store(s) as con:
        figures = RunFigures.compute(s, as_of, "zh", con, pages=[code])
        listed = engine.short_of_events(con, s, by_id["special_drills"], as_of, None)
        first = engine.short_of_events(con, s, by_id["evacuation_drill_coverage"], as_of, None)

        def drills(start):
            return engine.query(
                con, "report/drills_by_type", s, as_of=as_of, window_start=start,
                district_codes=codes,
            )  # fmt: skip

        second_half, whole_year = drills(dt.date(2024, 7, 1)), drills(dt.date(2024, 1, 1))
    assert figures.frames["missing"].equals(listed) and not listed.equals(first)
    assert figures.page("drills", code).equals(second_half)
    assert second_half["drills"].sum() < whole_year["drills"].sum()  # the windows differ


UNIT_PAYLOAD = "乳山</style><style>@page{margin:0}</style><img src=x onerror=window.__pwned=1>"
TARGET_PAYLOAD = "疏散</script><script>window.__pwned=2</script><b onmouseover=x>"
SAFE_STEM = re.compile(r"^[^\\/:*?\"<>|\x00-\x1f]+$")


@pytest.fixture(scope="module")
def hostile(sample_store, tmp_path_factory):
    """The sample store with a unit and a target named to break out of HTML, CSS and JSON."""
    root = tmp_path_factory.mktemp("hostile")
    shutil.copy(sample_store / "store.duckdb", root / "store.duckdb")
    districts = root / "districts.csv"
    text = (PACKAGED_CONFIG / "districts.csv").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("371083,"))
    districts.write_text(
        text.replace(line, f'371083,"{UNIT_PAYLOAD}",乳山|乳山市|威海市乳山市'), encoding="utf-8"
    )
    targets = root / "targets.toml"
    text = (PACKAGED_CONFIG / "targets.toml").read_text(encoding="utf-8")
    targets.write_text(text.replace("企业疏散逃生演练覆盖率", TARGET_PAYLOAD), encoding="utf-8")
    s = load_settings(
        raw=sample_store / "raw", db=root / "store.duckdb", reports=root / "reports",
        districts=districts, targets=targets,
    )  # fmt: skip
    refresh(s)  # the registry changed: validated again, in this copy
    run = runner.bulletins(s, districts=["371083"], jobs=2)
    assert not run.failed, [r.error for r in run.failed]
    return s, run


def test_hostile_names_stay_text_in_every_page(hostile, tmp_path):
    s, run = hostile
    pages = [run.index, *(r.html for r in run.results)]
    assert all(SAFE_STEM.match(p.stem) for p in pages) and len(pages) == 3
    driver = chromium(tmp_path)
    try:
        for page in pages:
            driver.get(page.as_uri())
            time.sleep(0.5)
            assert driver.execute_script("return window.__pwned === undefined"), page.name
            assert not driver.find_elements("css selector", "img[src='x'], b[onmouseover]")
            text = driver.find_element("tag name", "body").text
            assert UNIT_PAYLOAD in text or TARGET_PAYLOAD in text, page.name  # shown as text
            # the print header is one @page rule: the payload did not end the style element
            styles = driver.execute_script(
                "return [...document.styleSheets].map(s => s.cssRules.length)"
            )
            assert all(n > 0 for n in styles) and len(styles) <= 3, (page.name, styles)
    finally:
        driver.quit()
    index = run.index.read_text(encoding="utf-8")
    assert "&lt;/style&gt;" in index and "</style><style>@page{margin:0}" not in index


def test_pages_at_a_phone_width_and_on_a_desktop(partial, tmp_path):
    """Screenshots of the index, a bulletin and the overview at 1200 px and at 414 px (DevTools
    phone emulation), and of a PDF page: no horizontal scrolling on a phone, tables scroll in
    their own box, charts fit, and the plotly toolbar covers no title."""
    from safetystats.report.pdf import print_pdf

    _, _, run = partial
    pages = {"index": run.index, "bulletin": run.folder / "文登区.html"}
    pages["overview"] = run.folder / "city_overview.html"
    driver = chromium(tmp_path)
    overlap = """
      const boxes = s => [...document.querySelectorAll(s)].map(e => e.getBoundingClientRect())
        .filter(r => r.width > 0 && r.height > 0);
      const bars = boxes('.modebar'), titles = boxes('.gtitle, .annotation-text');
      return bars.some(b => titles.some(t => b.left < t.right && t.left < b.right
        && b.top < t.bottom && t.top < b.bottom));"""
    try:
        for name, page in pages.items():
            driver.get(page.as_uri())
            time.sleep(1)
            driver.execute_script("document.querySelectorAll('.js-plotly-plot').forEach("
                                  "d => d.dispatchEvent(new MouseEvent('mouseover')))")  # fmt: skip
            assert not driver.execute_script(overlap), name
            full_page_screenshot(driver, f"{name}_desktop.png")
            as_phone(driver)
            time.sleep(1)
            assert driver.execute_script("return window.innerWidth") == 414
            assert horizontal_overflow(driver) == 0, name
            widths = driver.execute_script(
                "return [...document.querySelectorAll('.js-plotly-plot')]"
                ".filter(d => d.offsetParent).map(d => d.getBoundingClientRect().right)"
            )
            assert all(w <= 414 for w in widths), (name, widths)  # charts resized to the page
            boxes = driver.execute_script(
                "return [...document.querySelectorAll('.scroll')].map(b => "
                "[b.scrollWidth > b.clientWidth, getComputedStyle(b).overflowX])"
            )
            assert all(style == "auto" for _, style in boxes), name
            assert not driver.execute_script(overlap), name
            full_page_screenshot(driver, f"{name}_phone.png")
            as_desktop(driver)
    finally:
        driver.quit()
    pdf = print_pdf(pages["bulletin"], tmp_path / "bulletin.pdf")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    OUTPUT.mkdir(exist_ok=True)
    shutil.copy(next(tmp_path.glob("p-*1.png")), OUTPUT / "bulletin_pdf_page1.png")


def test_the_index_and_the_overview_show_the_assessment_of_assess_json(partial):
    """Score, grade and rank (6.9) of every unit in the index and the overview's ranking are
    those of `assess --format json` at the same date; figures.json carries them and the
    statistics of `stats accidents|enforcement --format json`."""
    s, _, second = partial
    config = second.folder.parent / "safetystats.toml"
    config.write_text(settings_toml(s), encoding="utf-8")
    from safetystats.cli import app

    def cli_json(*args):
        out = CliRunner().invoke(
            app, ["--config", str(config), *args, "--as-of", second.as_of.isoformat(),
                  "--format", "json"],
        )  # fmt: skip
        assert out.exit_code == 0, out.output
        return json.loads(out.stdout)["rows"]

    expected = {r["district"]: r for r in cli_json("assess")}
    assert set(expected) == set(UNITS)
    index = second.index.read_text(encoding="utf-8")
    rows = _index_rows(index)
    for name, r in expected.items():
        cells = re.findall(r'<td class="score[^"]*">(.*?)</td>', rows[name])
        assert cells == [f"{r['score']:.1f}", r["grade"], str(r["rank"])], name
    page = (second.folder / "city_overview.html").read_text(encoding="utf-8")
    league = page.split("考核得分排名")[1].split("</table>")[0]
    shown = re.findall(r"<tr><td[^>]*>(\d+)</td><td>(.*?)</td><td[^>]*>([\d.]+)</td>", league)
    assert len(shown) == 7
    for rank, name, score in shown:
        name = re.sub(r"<[^>]+>", "", name).replace(" 一票否决", "")
        assert (int(rank), float(score)) == (expected[name]["rank"], expected[name]["score"])
    saved = json.loads((second.folder / "figures.json").read_text(encoding="utf-8"))
    scores = {r["district"]: (r["score"], r["grade"], r["rank"]) for r in saved["scores"]}
    assert {n: scores[n] for n in UNITS} == {
        n: (r["score"], r["grade"], r["rank"]) for n, r in expected.items()
    }
    stats = cli_json("stats", "accidents")
    assert saved["statistics"]["accidents"] == stats


def test_the_index_stays_readable_with_12_targets_and_100_units(sample_store, tmp_path):
    from safetystats.config import labels_for
    from safetystats.report import index
    from safetystats.report.saved import SavedFigures

    s = reading(sample_store, tmp_path / "reports")
    units = [
        {"code": f"u{i}", "name": f"某某新区第{i}街道办事处", "level": 1, "parent_code": None,
         "page": f"u{i}"}
        for i in range(100)
    ]  # fmt: skip
    statuses = ["met", "on_track", "behind", "no_data"]
    rows = [
        {"district_code": u["code"], "target_id": f"t{j}", "name": f"第{j}项目标的较长名称（2025年）",
         "threshold": 0.6, "kind": "share", "deadline": "2025-12-31", "value": 0.5 + j / 100,
         "status": statuses[(i + j) % 4]}
        for i, u in enumerate(units) for j in range(12)
    ]  # fmt: skip
    saved = SavedFigures("2025-06-30", "zh", False, units, rows)
    page = tmp_path / "index.html"
    page.write_text(index.render(saved, s, labels_for(s, "zh")), encoding="utf-8")
    driver = chromium(tmp_path)
    try:
        driver.get(page.as_uri())
        widths = driver.execute_script(
            "return [...document.querySelectorAll('table.index th, table.index td')]"
            ".map(c => c.getBoundingClientRect().width)"
        )
        # unit, score, grade, rank and 12 targets
        assert len(widths) == 16 + 100 * 16 and min(widths) >= 60  # no narrow column
        heights = driver.execute_script(
            "return [...document.querySelectorAll('table.index tbody tr')]"
            ".map(r => r.getBoundingClientRect().height)"
        )
        assert max(heights) < 60  # a unit's name is not broken into a character per line
        full_page_screenshot(driver, "index_12_targets_100_units.png")
    finally:
        driver.quit()
