"""The bulletins' charts are written as plotly's JSON and wrapped without validation
(report/figures.py): each must be exactly what plotly's validation of the same JSON gives
(no unknown property, no value plotly would coerce), on the bulletins' template."""

import datetime as dt
import json

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
import pytest
from test_print_layout import LABELS, _series_and_rows

from safetystats.report import figures

LAB = LABELS | {
    "value": "值",
    "major": "重大",
    "general": "一般",
    "unannounced": "不打招呼",
    "announced": "打招呼",
    "age_buckets": ["0-30", "31-90", "91-180", ">180"],
    "met": "达标",
    "behind": "落后",
    "on_track": "正常",
    "no_data": "无数据",
    "trend_key": "（虚线为目标值）",
    "trend_key_projection": "（虚线为目标值，点线为预测）",
    "vocab": {"fire": "火灾"},
}
ROWS = pl.DataFrame(
    {
        "name": ["a", "b", "c"],
        "value": [0.5, None, 0.9],
        "threshold": [0.6, 0.7, 0.8],
        "status": ["behind", "no_data", "met"],
        "district": ["x"] * 3,
        "kind": ["share"] * 3,
    }
)
HEAT = pl.DataFrame(
    {
        "district": ["x", "x", "y", "y"],
        "name": ["a", "b", "a", "b"],
        "value": [0.5, None, 3.0, 0.2],
        "kind": ["share", "share", "count", "share"],
        "status": ["met", "no_data", "behind", "on_track"],
    }
)
AGEING = pl.DataFrame(
    {"level": ["major", "general", "general"], "age_bucket": [1, 1, 3], "hazards": [2, 10, 4]}
)
DRILLS = pl.DataFrame(
    {
        "drill_type": ["fire", "gas", "fire"],
        "unannounced": [True, False, False],
        "drills": [3, 4, 5],
    }
)
TRAINING = pl.DataFrame({"category": ["fire", "x"], "trained": [3, 0], "task": [4, 0]})


def _trend(cols=2):
    series, rows = _series_and_rows(targets=5)
    rows = rows.with_columns(pl.Series("projected", [None, 0.5, 0.7, 0.9, 1.0]))
    return figures.trend_chart(series, rows, LAB, "趋势", cols=cols)


CHARTS = {
    "targets": lambda: figures.targets_chart(ROWS, LAB, "目标"),
    "trend": _trend,
    "trend_phone": lambda: _trend(cols=1),
    "ageing": lambda: figures.ageing_chart(AGEING, LAB, "隐患"),
    "ageing_empty": lambda: figures.ageing_chart(AGEING.head(0), LAB, "隐患"),
    "drills": lambda: figures.drills_chart(DRILLS, LAB, "演练"),
    "training": lambda: figures.training_chart(TRAINING, LAB, "培训"),
    "heatmap": lambda: figures.heatmap(HEAT, LAB, "热力图"),
}


@pytest.mark.parametrize("name", CHARTS)
def test_each_chart_is_what_plotly_validation_gives(name):
    fig = CHARTS[name]()
    written = json.loads(pio.to_json(fig))
    validated = json.loads(pio.to_json(go.Figure(fig.to_plotly_json())))  # raises on a typo
    assert written == validated
    assert written["layout"]["template"] == pio.templates["plotly_white"].to_plotly_json()
    assert written["layout"]["font"]["size"] == 13 and written["layout"]["title"]["x"] == 0


def test_the_charts_figures_by_hand():
    targets = figures.targets_chart(ROWS, LAB, "目标").to_plotly_json()
    assert targets["layout"]["height"] == 80 + 48 * 3  # 224: three targets
    assert targets["data"][0]["x"] == [50.0, None, 90.0]  # percent, a missing value kept
    ageing = figures.ageing_chart(AGEING, LAB, "隐患").to_plotly_json()
    assert ageing["layout"]["yaxis"]["range"] == [0, 12.0]  # the largest bucket, 10, × 1.2
    assert [b["text"] for b in ageing["data"]] == [["2", "", "", ""], ["10", "", "4", ""]]
    training = figures.training_chart(TRAINING, LAB, "培训").to_plotly_json()
    assert training["data"][0]["y"] == [75.0, 0]  # 3 of 4; 0 of 0 stays 0
    phone = _trend(cols=1).to_plotly_json()["layout"]
    assert phone["margin"] == {"l": 10, "r": 10, "t": 80, "b": 10}  # room for the key's line
    assert phone["title"]["text"] == "趋势<br><sub>（虚线为目标值，点线为预测）</sub>"


def test_panels_made_once_are_never_shared_between_figures():
    figures._subplots.cache_clear()
    first, second = _trend(), _trend()
    assert figures._subplots.cache_info().hits == 1  # the same targets: the same panels
    first.layout.xaxis.range = [dt.date(2000, 1, 1), dt.date(2000, 2, 1)]
    first.layout.annotations[0].text = "changed"
    third = _trend().to_plotly_json()["layout"]
    assert third == second.to_plotly_json()["layout"]
    assert [a["text"] for a in third["annotations"]] == [
        "目标0",
        "目标1",
        "目标2",
        "目标3",
        "目标4",
    ]
