"""The trend chart's date axis and labels (figures.trend_chart): month-end values on the ticks
of their own months, the 0% label clear of the date labels; checked on the figure's JSON and,
where it needs a layout engine, in headless Chromium at the screen and the printed width."""

import datetime as dt
import json

import polars as pl
import pytest

from safetystats.report import figures

D = dt.date
E = D(2024, 12, 15)  # mid-month: a point of the series between two month ticks
START, DEADLINE = D(2024, 1, 1), D(2024, 12, 31)
LABELS = {"threshold": "目标值", "projected": "预测"}


def _series_and_rows(start=START, deadline=DEADLINE, e=E, targets=3):
    months = []
    day = figures._month_end(start)
    while day < e:
        months.append(day)
        day = figures._month_end(day + dt.timedelta(days=1))
    dates = [*months, e]
    series, rows = [], []
    for t in range(targets):
        tid = f"t{t}"
        values = [0.0 if t == 0 else min(1.0, 0.08 * (i + 1)) for i in range(len(dates))]
        series += [
            {"target_id": tid, "date": d, "value": v} for d, v in zip(dates, values, strict=True)
        ]
        rows.append(
            {
                "target_id": tid,
                "name": f"目标{t}",
                "window_start": start,
                "deadline": deadline,
                "eval_date": e,
                "threshold": 0.6,
                "value": values[-1],
                "projected": min(1.0, values[-1] * 1.1),
            }
        )
    return pl.DataFrame(series), pl.DataFrame(rows)


def _figure(**kwargs):
    series, rows = _series_and_rows(**kwargs)
    return figures.trend_chart(series, rows, LABELS, "月度趋势"), series


def _axes(fig, kind):
    """The axes of the panels with a target (of 3 targets, the fourth panel is empty)."""
    layout = fig.to_plotly_json()["layout"]
    axes = {k: v for k, v in layout.items() if k.startswith(kind) and "range" in v}
    assert len(axes) == len(fig.layout.annotations)  # one per target, titled
    return axes


def test_month_end_values_sit_on_the_ticks_of_their_own_months():
    fig, series = _figure()
    for trace in fig.data:
        if trace.mode != "lines+markers":
            continue
        axis = fig.layout[trace.xaxis.replace("x", "xaxis")]
        labelled = dict(zip([str(v) for v in axis.tickvals], axis.ticktext, strict=True))
        marked = {str(v) for v in axis.minor.tickvals}
        for x in trace.x:
            day = figures.as_date(x)
            if day == E:
                # E is not a month end: between the ticks, at its own date
                assert str(day) not in marked
                continue
            assert str(day) in marked, f"{day}: no tick of its own"
            if str(day) in labelled:
                assert labelled[str(day)] == day.strftime("%Y-%m")  # 2024-03-31 -> "2024-03"
        # the last month (of the deadline) is labelled, on its month end
        assert axis.ticktext[-1] == "2024-12" and str(axis.tickvals[-1]) == "2024-12-31"
        assert axis.type == "date"
        # every point and line inside the panel, with room for the edge labels
        low, high = (figures.as_date(str(v)[:10]) for v in axis.range)
        assert low < D(2024, 1, 1) and high > D(2024, 12, 31)


def test_no_tick_on_the_first_of_a_month():
    """The defect: plotly's own monthly ticks fall on the 1st, one month after the values."""
    fig, _ = _figure()
    for name, axis in _axes(fig, "xaxis").items():
        for v in [*axis["tickvals"], *axis["minor"]["tickvals"]]:
            day = figures.as_date(str(v)[:10])
            assert (day + dt.timedelta(days=1)).day == 1, (name, day)


def test_the_zero_label_is_above_the_date_axis():
    fig, _ = _figure()
    for axis in _axes(fig, "yaxis").values():
        low, high = axis["range"]
        assert low < 0 <= 100 < high
        # 0% is at least 5% of the panel's height above the axis line the dates hang from
        assert (0 - low) / (high - low) >= 0.05
        assert axis["tickvals"][0] == 0


@pytest.mark.parametrize(
    "start, end, count",
    [
        (D(2024, 1, 1), D(2024, 12, 31), 4),  # quarters
        (D(2024, 1, 1), D(2024, 3, 31), 3),  # months
        (D(2023, 1, 1), D(2025, 12, 31), 3),  # years
        (D(2024, 7, 1), D(2025, 6, 30), 4),
    ],
)
def test_month_ticks_label_a_few_month_ends_ending_with_the_last(start, end, count):
    ticks, text, months = figures.month_ticks(start, end)
    assert len(ticks) == count and set(ticks) <= set(months)
    assert ticks[-1] == months[-1] == figures._month_end(end)
    assert text == [d.strftime("%Y-%m") for d in ticks]
    assert len(months) == (end.year - start.year) * 12 + end.month - start.month + 1


# the rendered chart, measured where each label and point landed
_MEASURE = """
const box = el => { const r = el.getBoundingClientRect();
  return {l: r.left, r: r.right, t: r.top, b: r.bottom, text: el.textContent}; };
return JSON.stringify([...document.querySelectorAll('.js-plotly-plot .subplot')].map(plot => ({
  id: plot.classList[1],
  xticks: [...plot.querySelectorAll('.xaxislayer-above text')].map(box),
  yticks: [...plot.querySelectorAll('.yaxislayer-above text')].map(box),
  points: [...plot.querySelectorAll('.scatterlayer .trace:first-child .points path')].map(box),
})));
"""


def _overlap(a, b) -> bool:
    return a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"]


@pytest.mark.slow
@pytest.mark.parametrize("width", [700, 1100])  # the printed page, a screen
def test_in_a_browser_labels_do_not_collide_and_points_sit_on_their_ticks(tmp_path, width):
    from browser import chromium, screenshot

    fig, series = _figure(targets=4)
    page = tmp_path / "trend.html"
    page.write_text(
        fig.to_html(full_html=True, include_plotlyjs=True, config={"responsive": True}),
        encoding="utf-8",
    )
    driver = chromium(tmp_path)
    try:
        driver.set_window_size(width, 1200)
        driver.get(page.as_uri())
        panels = json.loads(driver.execute_script(_MEASURE))
        screenshot(driver, f"trend_chart_{width}.png")
    finally:
        driver.quit()
    assert len(panels) == 4
    month_ends = [d for d in series.filter(pl.col("target_id") == "t1")["date"] if d != E]
    for panel in panels:
        xticks, yticks, points = panel["xticks"], panel["yticks"], panel["points"]
        assert xticks and points, panel["id"]
        for x in xticks:  # no date label meets a percent label of any panel
            for y in yticks:
                assert not _overlap(x, y), (panel["id"], x["text"], y["text"])
        # the point of each labelled month's end is centred over that month's label
        centre = {x["text"]: (x["l"] + x["r"]) / 2 for x in xticks}
        by_month = dict(zip([d.strftime("%Y-%m") for d in month_ends], points, strict=False))
        assert set(centre) & set(by_month), panel["id"]
        for month, x in centre.items():
            if month in by_month:
                p = by_month[month]
                assert abs((p["l"] + p["r"]) / 2 - x) < 1.5, (panel["id"], month)


def test_the_title_promises_the_dotted_projection_only_when_it_is_drawn():
    """DATA_SPEC 8.1, no promised line that is not drawn: at the deadline (the sample's as-of
    date) there is no projection, and the title said "点线为…预测" all the same."""
    keys = {"trend_key": "（虚线为目标值）", "trend_key_projection": "（虚线为目标值，点线为预测）"}

    def dotted(fig):
        return [t for t in fig.data if t.line and t.line.dash == "dot"]

    series, rows = _series_and_rows(e=DEADLINE)
    at_deadline = figures.trend_chart(series, rows, LABELS | keys, "月度趋势")
    assert dotted(at_deadline) == []
    assert at_deadline.layout.title.text == "月度趋势（虚线为目标值）"
    series, rows = _series_and_rows()  # E mid-December: three projections to the deadline
    before = figures.trend_chart(series, rows, LABELS | keys, "月度趋势")
    assert len(dotted(before)) == 3
    assert before.layout.title.text == "月度趋势（虚线为目标值，点线为预测）"
