"""plotly figures of the bulletins, Chinese labels by default. Each returns a go.Figure.

The figures are written as plotly's JSON (plain dicts) and wrapped without validation:
plotly validates every property of a figure built through its objects (``add_bar``,
``update_layout``, ``make_subplots``, the template given to a figure), which was most of a
page's time (0.4 s of the 0.5 s in the kernel). The JSON is the same as the validated
figure's (tests/test_figures_json.py validates each one and compares).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
from plotly.subplots import make_subplots

from safetystats.numbers import figure
from safetystats.report.html import FONT, STATUS_COLOURS, pct

TEMPLATE = "plotly_white"
LAYOUT = dict(
    font=dict(family=FONT.replace('"', ""), size=13),
    margin=dict(l=10, r=10, t=50, b=10),
    hoverlabel=dict(font=dict(family=FONT.replace('"', ""))),
)


@functools.cache
def _template() -> dict:
    """The bulletins' template as JSON, once per process."""
    return pio.templates[TEMPLATE].to_plotly_json()


def merged(base: dict, update: dict) -> dict:
    """``base`` with ``update`` merged into it, nested dicts key by key (as plotly's
    ``update_layout`` merges); ``base`` is changed and returned."""
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged(base[key], value)
        else:
            base[key] = value
    return base


def _figure(
    data: list[dict], layout: dict, title: str, height: int, last: dict | None = None
) -> go.Figure:
    """A figure on the bulletins' template, with its title, height, font and margins (then
    ``last``); built from its JSON without plotly's validation."""
    layout = merged(layout, {"title": dict(text=title, x=0), "height": height})
    layout = merged(merged(layout, copy.deepcopy(LAYOUT)), last or {})
    return go.Figure(dict(data=data, layout={"template": _template(), **layout}), _validate=False)


def targets_chart(rows: pl.DataFrame, labels: dict, title: str) -> go.Figure:
    """Each target's value (bar, coloured by status) against its threshold (marker). The key
    names the colours of the statuses shown (达标, 滞后...) rather than one "完成值" swatch in
    the first bar's colour: each is a bar trace without a value, over the real bars."""
    names = rows["name"].to_list()
    values = [None if v is None else v * 100 for v in rows["value"].to_list()]
    statuses = rows["status"].to_list()
    key = [
        dict(
            type="bar",
            y=names[:1],
            x=[None],
            orientation="h",
            name=labels[status],
            marker=dict(color=STATUS_COLOURS[status]),
            hoverinfo="skip",
        )
        for status in STATUS_COLOURS
        if status in statuses
    ]
    bar = dict(
        type="bar",
        y=names,
        x=values,
        orientation="h",
        name=labels["value"],
        showlegend=False,
        marker=dict(color=[STATUS_COLOURS[s] for s in statuses]),
        text=[pct(v) for v in rows["value"].to_list()],
        # inside the bar, so the threshold marker never strikes through the label
        textposition="inside",
        insidetextanchor="start",
        textfont=dict(color="#ffffff"),
        hovertemplate="%{y}: %{x:.1f}%<extra></extra>",
    )
    threshold = dict(
        type="scatter",
        y=names,
        x=[t * 100 for t in rows["threshold"].to_list()],
        mode="markers",
        name=labels["threshold"],
        marker=dict(symbol="line-ns", size=26, line=dict(width=3, color="#1f2328")),
        hovertemplate="%{y}: " + labels["threshold"] + " %{x:.0f}%<extra></extra>",
    )
    layout = dict(
        xaxis=dict(range=[0, 115], ticksuffix="%"),
        yaxis=dict(autorange="reversed"),
        legend=dict(orientation="h", y=-0.12),
        barmode="overlay",  # the key's bars take no room beside the values
        showlegend=True,
    )
    return _figure([bar, *key, threshold], layout, title, 80 + 48 * len(names))


def _guide(x, y, colour: str, dash: str, name: str, axes: dict) -> dict:
    """A reference line in one panel: the threshold (dashed) or the projection (dotted)."""
    return dict(
        type="scatter",
        x=x,
        y=y,
        mode="lines",
        showlegend=False,
        name=name,
        line=dict(color=colour, dash=dash),
        hovertemplate="%{x|%Y-%m-%d}: %{y:.1f}%<extra></extra>",
        **axes,
    )


TREND_Y_RANGE = [-8, 108]  # a little below 0%: the 0% label stands clear of the date labels
MONTH_STEPS = (1, 2, 3, 6, 12)  # months between labelled ticks, the fewest that fit
MAX_MONTH_LABELS = 4  # a panel is about 310 px wide on A4: four "2024-03" labels fit
# a printed row of trend panels (CSS px at the printed width): the targets' bars and four rows
# of panels (eight targets) share one A4 page; the screen's 230 px rows took a page of their
# own and left half of the one before blank; 130 px still did not fit beside the bars
PRINT_ROW_HEIGHT = 120


def _month_end(day: dt.date) -> dt.date:
    first_of_next = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def month_ticks(start: dt.date, end: dt.date) -> tuple[list[dt.date], list[str], list[dt.date]]:
    """Ticks of a monthly series' date axis, at the month ends themselves: a value as of
    2024-03-31 sits on the tick labelled 2024-03 (plotly's own monthly ticks are at the 1st,
    which puts it on 2024-04). Returns (labelled ticks, their labels, every month end): the
    labels every 1, 2, 3, 6 or 12 months, counted back from the last month so it is labelled."""
    months, day = [], _month_end(start)
    while day <= _month_end(end):
        months.append(day)
        day = _month_end(day + dt.timedelta(days=1))
    step = next((s for s in MONTH_STEPS if len(months) <= s * MAX_MONTH_LABELS), MONTH_STEPS[-1])
    labelled = months[::-1][::step][::-1]
    return labelled, [d.strftime("%Y-%m") for d in labelled], months


@functools.lru_cache(maxsize=64)
def _subplots(n_rows: int, cols: int, titles: tuple[str, ...], spacing: float) -> dict:
    """The layout of the trend's panels (axes' domains, the titles as annotations) as
    make_subplots gives it, without its template; made once per shape and titles (units of
    one level share their targets)."""
    fig = make_subplots(
        rows=n_rows, cols=cols, subplot_titles=list(titles), vertical_spacing=spacing
    )
    layout = fig.to_plotly_json()["layout"]
    layout.pop("template", None)
    return layout


def _panels(n_rows: int, cols: int, titles: tuple[str, ...], spacing: float) -> dict:
    """A copy of the panels' layout, for one figure to fill in."""
    return copy.deepcopy(_subplots(n_rows, cols, titles, spacing))


def trend_chart(
    series: pl.DataFrame,
    rows: pl.DataFrame,
    labels: dict,
    title: str,
    cols: int = 2,
    row_height: int = 230,
) -> go.Figure:
    """Small multiples: each target's monthly value, its threshold, and the projection to the deadline.

    The values are as of each month end and at E: each sits at its own date, the month ends on
    the ticks of their months, E (maybe mid-month) between them; the hover gives the date.
    The title's key names the dotted projection only when one is drawn (none at a deadline).
    Traces and axes are added at once, by their axis names (plotly validates every
    row/col update on its own: three times slower). ``cols``: 1 for a phone's width;
    ``row_height``: of a row of panels in CSS pixels (print: shorter, PRINT_ROW_HEIGHT)."""
    targets = rows["target_id"].to_list()
    n_rows = max(1, (len(targets) + cols - 1) // cols)
    height = 60 + row_height * n_rows if cols > 1 else 90 + 190 * n_rows
    # plotly allows at most 1 / (rows − 1) between rows (a city with 70 targets)
    spacing = min(0.12, 70 / height, 0.4 / max(1, n_rows - 1))
    layout = _panels(n_rows, cols, tuple(rows["name"].to_list()), spacing)
    traces, axes, projected = [], {}, False
    for i, target in enumerate(targets):
        k = "" if i == 0 else str(i + 1)  # subplots are numbered row by row
        on = {"xaxis": f"x{k}", "yaxis": f"y{k}"}
        part = series.filter(pl.col("target_id") == target).sort("date")
        info = rows.filter(pl.col("target_id") == target).to_dicts()[0]
        dates = part["date"].to_list()
        values = [None if v is None else v * 100 for v in part["value"].to_list()]
        traces.append(
            dict(
                type="scatter",
                x=dates,
                y=values,
                mode="lines+markers",
                line=dict(color="#0969da"),
                showlegend=False,
                name=info["name"],
                hovertemplate="%{x|%Y-%m-%d}: %{y:.1f}%<extra></extra>",
                **on,
            )
        )
        ends = [info["window_start"], info["deadline"]]
        traces.append(
            _guide(ends, [info["threshold"] * 100] * 2, "#cf222e", "dash", labels["threshold"], on)
        )
        if (
            info["projected"] is not None
            and info["value"] is not None
            and info["eval_date"] < info["deadline"]
        ):
            x = [info["eval_date"], info["deadline"]]
            y = [info["value"] * 100, info["projected"] * 100]
            traces.append(_guide(x, y, "#0969da", "dot", labels["projected"], on))
            projected = True
        first = min([as_date(d) for d in dates] + [as_date(info["window_start"])])
        last = max([as_date(d) for d in dates] + [as_date(info["deadline"])])
        ticks, text, months = month_ticks(first, last)
        # room either side, so the first and last labels stay inside the panel
        pad = dt.timedelta(days=max(6, round((last - first).days * 0.04)))
        axes[f"yaxis{k}"] = dict(
            range=TREND_Y_RANGE, tickvals=[0, 50, 100], ticktext=["0%", "50%", "100%"]
        )
        axes[f"xaxis{k}"] = dict(
            type="date",
            range=[first - pad, last + pad],
            tickmode="array",
            tickvals=ticks,
            ticktext=text,
            ticks="outside",
            ticklen=5,
            # every month end marked, the labelled ones longer
            minor=dict(tickmode="array", tickvals=months, ticks="outside", ticklen=3),
        )
    merged(layout, axes)
    for note in layout.get("annotations", []):
        merged(note, {"font": {"size": 13}})
    key = labels.get("trend_key_projection" if projected else "trend_key", "")
    if cols == 1 and key:  # the key on a line of its own: a phone's width does not hold both
        return _figure(
            traces, layout, f"{title}<br><sub>{key}</sub>", height, {"margin": {"t": 80}}
        )
    return _figure(traces, layout, title + key, height)


def ageing_chart(ageing: pl.DataFrame, labels: dict, title: str) -> go.Figure:
    buckets = labels["age_buckets"]
    bars = []
    for level, colour in (("major", "#cf222e"), ("general", "#d4a72c")):
        part = dict(
            ageing.filter(pl.col("level") == level).select("age_bucket", "hazards").iter_rows()
        )
        counts = [part.get(i + 1, 0) for i in range(len(buckets))]
        bars.append(
            dict(
                type="bar",
                x=buckets,
                y=counts,
                name=labels[level],
                marker=dict(color=colour),
                text=[
                    str(c) if c else "" for c in counts
                ],  # a few major beside many general: numbers
                textposition="outside",
            )
        )
    top = int(ageing["hazards"].max() or 0) if ageing.height else 0
    layout = dict(
        # side by side, so a handful of major hazards is not a sliver on top of the general ones
        barmode="group",
        legend=dict(orientation="h", y=-0.2),
        yaxis=dict(rangemode="tozero", range=[0, max(1, top) * 1.2]),  # empty: 0..1, not -1..1
    )
    return _figure(bars, layout, title, 320)


def translated(values: list, labels: dict) -> list:
    """Controlled-vocabulary values (drill types, categories, industries) in the page's
    language: labels.toml [en.vocab]; names of units and enterprises are never translated."""
    words = labels.get("vocab", {})
    return [words.get(v, v) for v in values]


def drills_chart(drills: pl.DataFrame, labels: dict, title: str) -> go.Figure:
    types = sorted(set(drills["drill_type"].to_list()))
    bars = []
    for flag, name, colour in (
        (True, labels["unannounced"], "#1a7f37"),
        (False, labels["announced"], "#8c959f"),
    ):
        part = dict(
            drills.filter(pl.col("unannounced") == flag).select("drill_type", "drills").iter_rows()
        )
        bars.append(
            dict(
                type="bar",
                x=translated(types, labels),
                y=[part.get(t, 0) for t in types],
                name=name,
                marker=dict(color=colour),
            )
        )
    layout = dict(barmode="stack", legend=dict(orientation="h", y=-0.2))
    return _figure(bars, layout, title, 320)


def training_chart(training: pl.DataFrame, labels: dict, title: str) -> go.Figure:
    rates = [
        t and 100 * c / t
        for c, t in zip(training["trained"].to_list(), training["task"].to_list(), strict=True)
    ]
    bar = dict(
        type="bar",
        x=translated(training["category"].to_list(), labels),
        y=rates,
        marker=dict(color="#0969da"),
        text=[
            pct(c / t if t else None)
            for c, t in zip(training["trained"], training["task"], strict=True)
        ],
        textposition="outside",
        customdata=list(
            zip(training["trained"].to_list(), training["task"].to_list(), strict=True)
        ),
        hovertemplate="%{x}: %{y:.1f}% (%{customdata[0]}/%{customdata[1]})<extra></extra>",
    )
    return _figure([bar], dict(yaxis=dict(range=[0, 115], ticksuffix="%")), title, 320)


STATUS_ORDER = ["behind", "on_track", "met", "no_data"]


def heatmap(rows: pl.DataFrame, labels: dict, title: str) -> go.Figure:
    """District x target, each cell coloured by its status (the traffic light) and showing the value."""
    districts = list(dict.fromkeys(rows["district"].to_list()))
    targets = list(dict.fromkeys(rows["name"].to_list()))
    z, text = [], []
    for d in districts:
        part = {r["name"]: r for r in rows.filter(pl.col("district") == d).iter_rows(named=True)}
        z.append([STATUS_ORDER.index(part[t]["status"]) for t in targets])
        text.append(
            [
                figure(part[t]["value"], part[t]["kind"]) + f"<br>{labels[part[t]['status']]}"
                for t in targets
            ]
        )
    n = len(STATUS_ORDER)
    scale = []  # discrete bands, one colour per status
    for i, status in enumerate(STATUS_ORDER):
        scale += [[i / n, STATUS_COLOURS[status]], [(i + 1) / n, STATUS_COLOURS[status]]]
    cells = dict(
        type="heatmap",
        z=z,
        x=targets,
        y=districts,
        text=text,
        texttemplate="%{text}",
        textfont=dict(color="#ffffff"),
        zmin=-0.5,
        zmax=n - 0.5,
        colorscale=scale,
        showscale=False,
        xgap=2,
        ygap=2,
        hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
    )
    layout = dict(yaxis=dict(autorange="reversed"), xaxis=dict(tickangle=-20))
    return _figure([cells], layout, title, 140 + 48 * len(districts))


def as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
