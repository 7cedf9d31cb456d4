"""A run is plan → figures → render → publish: figures.json, an index of every unit of its
level (partial runs included), status words and marks, nothing before the campaign, target
roles, pages that stay inert with hostile names, and the pages at a phone's width."""

import datetime as dt
import json
import re

import polars as pl
import pytest
from conftest import reading
from typer.testing import CliRunner

from safetystats.config import settings_toml
from safetystats.metrics import engine
from safetystats.metrics.targets import load_targets
from safetystats.metrics.warnings import accident_warnings
from safetystats.paths import PACKAGED_CONFIG
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
        for r in json.loads(out.output)["rows"]
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
    league = page.split("达标情况排名")[1].split("</table>")[0]
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
