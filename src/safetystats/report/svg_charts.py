"""--pdf: a plotly figure drawn as SVG in Python from the figure's own data and layout, for the
chart kinds the bulletins ship (report/figures.py): bars (horizontal or vertical, grouped or
stacked, values as text inside or outside), lines and markers (the trend's small multiples and
their dashed and dotted guides, the threshold ticks), the status grid (heatmap), subplot
titles, a horizontal legend. Milliseconds a chart, no browser; vector, so it prints sharp.

It reads what the interactive figure carries (the same ``fig``), so print and screen show the
same values, labels and thresholds; looks follow plotly_white (text #2a3f5f, grid #ebf0f8).
Layout is estimated as plotly's automargin does it: tick labels and the legend take room from
the plot area. A trace kind it does not know is an error, not a blank (tests/test_print_charts.py).
"""

from __future__ import annotations

import math

from safetystats.report.svg_axes import Axis, axes_of, on_axes, xy_of
from safetystats.report.svg_draw import (
    COLOURWAY,
    DASHES,
    GRID,
    INK,
    Scale,
    attrs,
    element,
    label,
    lines_of,
    text_width,
)

KINDS = ("bar", "scatter", "heatmap")
BARGAP = 0.2  # plotly's: a fifth of a category's slot between bars
TICK_GAP = 6  # px between an axis and its labels


def _legend_items(traces: list[dict], layout: dict) -> list[dict]:
    shown = [t for t in traces if t.get("showlegend") is not False and t["type"] != "heatmap"]
    wanted = layout.get("showlegend")
    return shown if wanted or (wanted is None and len(shown) >= 2) else []


def _colour(trace: dict, index: int, point: int | None = None) -> str:
    colour = (trace.get("marker") or {}).get("color") or (trace.get("line") or {}).get("color")
    if isinstance(colour, (list, tuple)):
        colour = colour[point or 0] if colour else None
    return colour or COLOURWAY[index % len(COLOURWAY)]


def _plain(value):
    """The figure's JSON in plain Python: arrays as lists, NaN as None (a gap)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


class Chart:
    """One figure being drawn: its frame (margins, plot area), its axes and the SVG parts."""

    def __init__(self, fig, width: int):
        spec = fig.to_plotly_json()
        spec["layout"].pop("template", None)
        self.traces, self.layout = _plain(spec["data"]), _plain(spec["layout"])
        for t in self.traces:
            t.setdefault("type", "scatter")
            if t["type"] not in KINDS:
                raise ValueError(f"no static print drawing for a {t['type']} trace")
        self.width, self.height = width, self.layout.get("height") or 450
        self.font = (self.layout.get("font") or {}).get("size") or 12
        self.axes = axes_of(self.traces, self.layout)
        self.legend = _legend_items(self.traces, self.layout)
        self.parts: list[str] = []
        self._frame()

    def _frame(self) -> None:
        """The plot area: the margins plus the room the tick labels and the legend take."""
        m = {"l": 80, "r": 80, "t": 100, "b": 80} | (self.layout.get("margin") or {})
        left = bottom = 0.0
        for axis in self.axes.values():
            d = (self.layout.get(axis.name) or {}).get("domain") or [0, 1]
            axis.scale = Scale(axis.kind, axis.lo, axis.hi, 0, 1, axis.categories)  # for ticks()
            texts = [t for _, t in axis.ticks()]
            if not axis.horizontal and d[0] == 0:
                left = max(left, max((text_width(t, self.font) for t in texts), default=0))
            elif axis.horizontal and d[0] == 0:
                angle = abs(axis.spec.get("tickangle") or 0)
                widest = max((text_width(t, self.font) for t in texts), default=0)
                high = self.font * 1.3 + widest * math.sin(math.radians(angle))
                bottom = max(bottom, high + (axis.spec.get("ticklen") or 0))
        legend = (self.font * 1.8) if self.legend else 0
        self.x0 = m["l"] + (left + TICK_GAP if left else 0)
        self.x1 = self.width - m["r"]
        self.y0 = m["t"]
        self.y1 = self.height - m["b"] - bottom - TICK_GAP - legend
        self.legend_y = self.height - m["b"] - legend / 2
        self._place()
        # a last tick label past the right edge takes room from the plot area, as automargin does
        over = max((self._overhang(a) for a in self.axes.values() if a.horizontal), default=0)
        if over > 0:
            self.x1 -= over
            self._place()

    def _overhang(self, axis: Axis) -> float:
        s = axis.scale
        ends = [s.at(v) + text_width(t, self.font) / 2 for v, t in axis.ticks()]
        return max(ends, default=0) - (self.width - 2)

    def _place(self) -> None:
        """Each axis's scale from its domain within the plot area."""
        for axis in self.axes.values():
            d = axis.spec.get("domain") or [0, 1]
            if axis.horizontal:
                a, b = self.x0 + d[0] * (self.x1 - self.x0), self.x0 + d[1] * (self.x1 - self.x0)
            else:
                a, b = self.y1 - d[0] * (self.y1 - self.y0), self.y1 - d[1] * (self.y1 - self.y0)
            axis.scale = Scale(axis.kind, axis.lo, axis.hi, a, b, axis.categories)

    def pair(self, trace: dict) -> tuple[Scale, Scale]:
        x, y = on_axes(trace)
        return self.axes[x].scale, self.axes[y].scale

    # the parts, drawn back to front
    def grid(self) -> None:
        for axis in self.axes.values():
            other = self._crossing(axis)
            a, b = other.scale.start, other.scale.end
            if axis.kind != "category" and axis.spec.get("showgrid", True):
                for value, _ in axis.ticks():
                    p = axis.scale.at(value)
                    self._line(axis, p, a, b, GRID, 1)
            if axis.kind == "linear" and min(axis.lo, axis.hi) < 0 < max(axis.lo, axis.hi):
                self._line(axis, axis.scale(0), a, b, GRID, 2)

    def _crossing(self, axis: Axis) -> Axis:
        """The axis drawn across ``axis`` in its subplot (x2 with y2, ...)."""
        suffix = axis.name[5:]
        return self.axes.get(("yaxis" if axis.horizontal else "xaxis") + suffix) or axis

    def _line(self, axis: Axis, p: float, a: float, b: float, colour: str, width: float):
        x1, y1, x2, y2 = (p, a, p, b) if axis.horizontal else (a, p, b, p)
        self.parts.append(
            element("line", x1=x1, y1=y1, x2=x2, y2=y2, stroke=colour, stroke_width=width)
        )

    def heatmaps(self) -> None:
        for t in (t for t in self.traces if t["type"] == "heatmap"):
            sx, sy = self.pair(t)
            scale = t.get("colorscale") or [[0, "#0d0887"], [1, "#f0f921"]]
            z = t.get("z") or []
            lo, hi = t.get("zmin", 0), t.get("zmax", 1)
            text = t.get("text") or []
            colour = (t.get("textfont") or {}).get("color", INK)
            w, h = sx.pixels_per_unit, sy.pixels_per_unit
            for i, y in enumerate(t.get("y") or []):
                for j, x in enumerate(t.get("x") or []):
                    if z[i][j] is None:
                        continue
                    share = (z[i][j] - lo) / ((hi - lo) or 1)
                    fill = next(
                        (
                            a[1]
                            for a, b in zip(scale, scale[1:], strict=False)
                            if a[0] <= share <= b[0]
                        ),
                        scale[-1][1],
                    )
                    cx, cy = sx(x), sy(y)
                    self.parts.append(
                        element(
                            "rect",
                            class_="cell",
                            x=cx - w / 2 + t.get("xgap", 0) / 2,
                            y=cy - h / 2 + t.get("ygap", 0) / 2,
                            width=w - t.get("xgap", 0),
                            height=h - t.get("ygap", 0),
                            fill=fill,
                        )
                    )
                    words = lines_of(text[i][j] if i < len(text) and j < len(text[i]) else "")
                    self._centred(cx, cy, words, w - 4, h - 4, colour)

    def _centred(self, cx, cy, words, room_w, room_h, colour) -> None:
        if not words:
            return
        widest = max(text_width(w, 1) for w, _ in words)
        size = min(self.font - 1, room_w / (widest or 1), room_h / (1.25 * len(words)))
        if size < 6:
            return
        top = cy - (len(words) - 1) * size * 1.25 / 2
        for n, (word, _) in enumerate(words):
            self.parts.append(label(cx, top + n * size * 1.25, word, size, "middle", colour))

    def bars(self) -> None:
        traces = [t for t in self.traces if t["type"] == "bar"]
        stacked = self.layout.get("barmode") == "stack"
        # stacked or overlaid bars take the whole slot of their category; grouped ones share it
        whole = stacked or self.layout.get("barmode") == "overlay"
        group = 1 if whole else max(1, len(traces))
        slot = (1 - BARGAP) / group
        stacks: dict = {}
        for k, t in enumerate(traces):
            index = self.traces.index(t)
            h = t.get("orientation") == "h"
            sx, sy = self.pair(t)
            cat_scale, val_scale = (sy, sx) if h else (sx, sy)
            x, y = xy_of(t)
            cats, vals = (y, x) if h else (x, y)
            texts = t.get("text")
            texts = texts if isinstance(texts, (list, tuple)) else [texts] * len(vals)
            for i, (c, v) in enumerate(zip(cats, vals, strict=False)):
                if v is None or cat_scale.value(c) is None:
                    continue
                base = stacks.get((h, c), 0.0) if stacked else 0.0
                if stacked:
                    stacks[(h, c)] = base + v
                centre = cat_scale.value(c) + (0 if whole else -(1 - BARGAP) / 2 + (k + 0.5) * slot)
                thick = slot * cat_scale.pixels_per_unit
                mid = cat_scale.at(centre)
                a, b = val_scale(base), val_scale(base + v)
                lo, hi = sorted((a, b))
                box = (
                    dict(x=lo, y=mid - thick / 2, width=hi - lo, height=thick)
                    if h
                    else dict(x=mid - thick / 2, y=lo, width=thick, height=hi - lo)
                )
                fill = _colour(t, index, i)
                self.parts.append(element("rect", class_="bar", fill=fill, **box))
                self._bar_text(t, str(texts[i] or "") if i < len(texts) else "", h, mid, a, b)

    def _bar_text(self, t: dict, text: str, h: bool, mid: float, a: float, b: float) -> None:
        if not text:
            return
        font = t.get("textfont") or {}
        size = font.get("size") or self.font
        where = t.get("textposition") or "auto"
        length = abs(b - a)
        if where == "outside" or (where == "auto" and text_width(text, size) > length - 6):
            if h:
                self.parts.append(label(max(a, b) + 4, mid, text, size, "start", INK))
            else:
                self.parts.append(
                    label(mid, min(a, b) - 4, text, size, "middle", INK, None, "alphabetic")
                )
            return
        colour = font.get("color") or "#ffffff"
        size = min(size, (length - 8) / (text_width(text, 1) or 1))
        if size < 6:
            return
        if h:
            start = t.get("insidetextanchor") == "start"
            x = min(a, b) + 4 if start else max(a, b) - 4
            self.parts.append(label(x, mid, text, size, "start" if start else "end", colour))
        else:
            self.parts.append(
                label(mid, min(a, b) + 4, text, size, "middle", colour, None, "hanging")
            )

    def scatters(self) -> None:
        for index, t in enumerate(self.traces):
            if t["type"] != "scatter":
                continue
            sx, sy = self.pair(t)
            mode = t.get("mode") or "lines+markers"
            line = t.get("line") or {}
            colour = line.get("color") or _colour(t, index)
            xs, ys = xy_of(t)
            points = [(sx(x), sy(y)) for x, y in zip(xs, ys, strict=False)]
            if "lines" in mode:
                self._polyline(points, colour, line)
            if "markers" in mode:
                self._markers(t, points, colour, index)

    def _polyline(self, points, colour, line) -> None:
        run: list = []
        for p in [*points, (None, None)]:
            if None in p:
                if len(run) > 1:
                    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                    self.parts.append(
                        element(
                            "polyline",
                            class_="line",
                            points=path,
                            fill="none",
                            stroke=colour,
                            stroke_width=line.get("width", 2),
                            stroke_dasharray=DASHES.get(line.get("dash")),
                        )
                    )
                run = []
            else:
                run.append(p)

    def _markers(self, t, points, colour, index) -> None:
        marker = t.get("marker") or {}
        size = marker.get("size") or 6
        edge = marker.get("line") or {}
        for i, (x, y) in enumerate(points):
            if x is None or y is None:
                continue
            if marker.get("symbol") == "line-ns":
                self.parts.append(
                    element(
                        "line",
                        class_="tick-mark",
                        x1=x,
                        y1=y - size * 0.7,  # plotly's line-ns: 1.4 × the size, centred
                        x2=x,
                        y2=y + size * 0.7,
                        stroke=edge.get("color", colour),
                        stroke_width=edge.get("width", 1),
                    )
                )
            else:
                fill = _colour(t, index, i) if marker.get("color") else colour
                self.parts.append(
                    element("circle", class_="point", cx=x, cy=y, r=size / 2, fill=fill)
                )

    def tick_labels(self) -> None:
        for axis in self.axes.values():
            s = axis.scale
            other = self._crossing(axis).scale
            edge = max(other.start, other.end) if axis.horizontal else min(other.start, other.end)
            length = axis.spec.get("ticklen") or 0 if axis.spec.get("ticks") == "outside" else 0
            for value in axis.minor():
                self._tick(axis, s.at(value), edge, 3)
            for value, text in axis.ticks():
                p = s.at(value)
                if length:
                    self._tick(axis, p, edge, length)
                if axis.horizontal:
                    angle = axis.spec.get("tickangle") or 0
                    y = edge + length + TICK_GAP / 2
                    if angle:
                        self.parts.append(
                            f'<g transform="rotate({angle} {p:.1f} {y:.1f})">'
                            f"{label(p, y, text, self.font, 'end', INK, None, 'hanging')}</g>"
                        )
                    else:
                        self.parts.append(
                            label(p, y, text, self.font, "middle", INK, None, "hanging")
                        )
                else:
                    self.parts.append(label(edge - TICK_GAP, p, text, self.font, "end"))

    def _tick(self, axis: Axis, p: float, edge: float, length: float) -> None:
        if axis.horizontal:
            self.parts.append(element("line", x1=p, y1=edge, x2=p, y2=edge + length, stroke="#444"))
        else:
            self.parts.append(element("line", x1=edge - length, y1=p, x2=edge, y2=p, stroke="#444"))

    def annotations(self) -> None:
        for note in self.layout.get("annotations") or []:
            size = (note.get("font") or {}).get("size") or self.font
            x = self.x0 + note.get("x", 0) * (self.x1 - self.x0)
            y = self.y1 - note.get("y", 0) * (self.y1 - self.y0)
            anchor = {"left": "start", "right": "end"}.get(note.get("xanchor"), "middle")
            baseline = {"bottom": "alphabetic", "top": "hanging"}.get(note.get("yanchor"), "middle")
            for n, (word, _) in enumerate(lines_of(note.get("text", ""))):
                self.parts.append(
                    label(x, y - 4 + n * size * 1.2, word, size, anchor, INK, None, baseline)
                )

    def title(self) -> None:
        title = self.layout.get("title") or {}
        words = lines_of(title.get("text", ""))
        size = round(self.font * 1.4)
        sizes = [size * (0.7 if sub else 1) for _, sub in words]
        top = max(4.0, (self.y0 - sum(s * 1.25 for s in sizes)) / 2)
        x = 4 + (title.get("x") or 0) * (self.width - 8)
        for (word, _), s in zip(words, sizes, strict=True):
            room = (self.width - x - 4) / (text_width(word, 1) or 1)
            self.parts.append(label(x, top, word, min(s, room), "start", INK, None, "hanging"))
            top += s * 1.25

    def legend_row(self) -> None:
        x, y, size = self.x0, self.legend_y, self.font
        items = self.legend
        if self.layout.get("barmode") == "stack" and all(t["type"] == "bar" for t in items):
            items = items[::-1]  # as plotly: the legend reads as the stack, top first
        for t in items:
            index = self.traces.index(t)
            colour = (t.get("line") or {}).get("color") or _colour(t, index)
            if t["type"] == "bar":
                self.parts.append(element("rect", x=x, y=y - 5, width=18, height=10, fill=colour))
            elif (t.get("marker") or {}).get("symbol") == "line-ns":
                edge = t["marker"].get("line") or {}
                stroke = edge.get("color", colour)
                self.parts.append(
                    element(
                        "line",
                        x1=x + 9,
                        y1=y - 7,
                        x2=x + 9,
                        y2=y + 7,
                        stroke=stroke,
                        stroke_width=edge.get("width", 1),
                    )
                )
            else:
                self.parts.append(
                    element("line", x1=x, y1=y, x2=x + 18, y2=y, stroke=colour, stroke_width=2)
                )
            name = str(t.get("name") or "")
            self.parts.append(label(x + 24, y, name, size))
            x += 24 + text_width(name, size) + 24

    def svg(self, css_class: str) -> str:
        self.grid()
        self.heatmaps()
        self.bars()
        self.scatters()
        self.tick_labels()
        self.annotations()
        self.title()
        self.legend_row()
        title = " ".join(w for w, _ in lines_of((self.layout.get("title") or {}).get("text", "")))
        head = attrs(
            class_=css_class,
            xmlns="http://www.w3.org/2000/svg",
            viewBox=f"0 0 {self.width} {self.height}",
            width=self.width,
            height=self.height,
            role="img",
            aria_label=title,
        )
        return (
            f'<svg {head}><rect width="100%" height="100%" fill="#fff"/>{"".join(self.parts)}</svg>'
        )


def svg(fig, width: int, css_class: str = "print-chart") -> str:
    """The figure as an SVG element ``width`` CSS pixels wide, at the figure's own height."""
    return Chart(fig, width).svg(css_class)
