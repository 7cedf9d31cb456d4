"""The axes of a static print chart (report/svg_charts.py): for each axis a figure's traces
use, its kind (linear, date, category), its range (the layout's, else the data's with plotly's
padding: bars from 0, stacked bars to the stacks' ends), its ticks and labels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from safetystats.report.svg_draw import Scale, as_number, nice_ticks


@dataclass
class Axis:
    name: str  # "xaxis", "yaxis2", ...
    spec: dict
    kind: str = "linear"  # linear, date, category
    lo: float = 0.0
    hi: float = 1.0
    categories: tuple = ()
    scale: Scale | None = None

    @property
    def horizontal(self) -> bool:
        return self.name.startswith("x")

    def ticks(self) -> list[tuple[float, str]]:
        """(position in data units, label) of each labelled tick."""
        s = self.spec
        if s.get("tickvals") is not None:
            texts = s.get("ticktext") or [str(v) for v in s["tickvals"]]
            values = [self.scale.value(v) for v in s["tickvals"]]
            return [(v, str(t)) for v, t in zip(values, texts, strict=False) if v is not None]
        if self.kind == "category":
            return [(i, str(c)) for i, c in enumerate(self.categories)]
        low, high = sorted((self.lo, self.hi))
        if self.kind == "date":
            days = nice_ticks(low, high, 5)
            return [(d, (dt.date(1970, 1, 1) + dt.timedelta(days=d)).isoformat()) for d in days]
        suffix = s.get("ticksuffix", "")
        return [(v, f"{v:.10g}{suffix}") for v in nice_ticks(low, high)]

    def minor(self) -> list[float]:
        values = (self.spec.get("minor") or {}).get("tickvals") or []
        return [v for v in (self.scale.value(x) for x in values) if v is not None]


def xy_of(trace: dict) -> tuple[list, list]:
    return list(trace.get("x") or []), list(trace.get("y") or [])


def on_axes(trace: dict) -> tuple[str, str]:
    x, y = trace.get("xaxis", "x"), trace.get("yaxis", "y")
    return "xaxis" + x[1:], "yaxis" + y[1:]


def _values(trace: dict, horizontal: bool) -> list:
    """What a trace puts on the x (``horizontal``) or y axis."""
    x, y = xy_of(trace)
    return x if horizontal else y


def _kind(axis: Axis, values: list) -> str:
    if axis.spec.get("type") in ("date", "category", "linear"):
        return axis.spec["type"]
    present = [v for v in values if v is not None]
    if any(isinstance(v, (dt.date, dt.datetime)) for v in present):
        return "date"
    if present and all(isinstance(v, str) for v in present):
        return "date" if all(as_number(v) is not None for v in present) else "category"
    return "linear"


def _bar_extent(traces: list[dict], layout: dict, axis: Axis) -> list[float]:
    """The values a bar axis must show: 0 and each bar's end (stacked: the stacks' ends)."""
    ends, stacks = [0.0], {}
    stacked = layout.get("barmode") == "stack"
    for t in traces:
        h = t.get("orientation") == "h"
        if t["type"] != "bar" or h != axis.horizontal:
            continue
        x, y = xy_of(t)
        cats, vals = (y, x) if h else (x, y)
        for c, v in zip(cats, vals, strict=False):
            if v is None:
                continue
            base = stacks.get(c, 0.0) if stacked else 0.0
            ends.append(base + v)
            if stacked:
                stacks[c] = base + v
    return ends


def axes_of(traces: list[dict], layout: dict) -> dict[str, Axis]:
    axes: dict[str, Axis] = {}
    for t in traces:
        for name in on_axes(t):
            axes.setdefault(name, Axis(name, layout.get(name) or {}))
    for axis in axes.values():
        mine = [t for t in traces if axis.name in on_axes(t)]
        values = [v for t in mine for v in _values(t, axis.horizontal)]
        axis.kind = _kind(axis, values)
        if axis.kind == "category":
            axis.categories = tuple(dict.fromkeys(v for v in values if v is not None))
            axis.lo, axis.hi = -0.5, len(axis.categories) - 0.5
        elif axis.spec.get("range"):
            axis.lo, axis.hi = (as_number(v) for v in axis.spec["range"])
        else:
            numbers = [as_number(v) for v in values]
            if any(t["type"] == "bar" for t in mine):
                numbers += _bar_extent(mine, layout, axis)
            numbers = [n for n in numbers if n is not None] or [0.0, 1.0]
            lo, hi = min(numbers), max(numbers)
            pad = (hi - lo) * 0.05 or 1.0
            bars = any(t["type"] == "bar" for t in mine)
            axis.lo, axis.hi = (lo if bars and lo == 0 else lo - pad), hi + pad
        if axis.spec.get("autorange") == "reversed":
            axis.lo, axis.hi = axis.hi, axis.lo
    return axes
