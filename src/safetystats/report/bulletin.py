"""What the bulletin notebooks display: one object per notebook, one method per cell.

    b = DistrictBulletin.load(district="环翠区", as_of="2024-12-31", config=None, lang="zh")
    b.header(); b.target_cards(); b.targets_chart(); ...

Every figure comes from the attainment engine, so a bulletin shows exactly the numbers of
`safetystats attainment` for the same district and as-of date.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.metadata
import json

import polars as pl

from safetystats.config import Settings, labels_for, load_settings, rule_titles
from safetystats.metrics import engine
from safetystats.metrics.assessment import load_assessment
from safetystats.metrics.targets import load_targets, metric_definitions
from safetystats.numbers import MISSING, counts, figure
from safetystats.report import figures, plotlyjs, print_charts
from safetystats.report.html import Html, esc, nw, pct, pill, status_grid, table
from safetystats.report.precomputed import RunFigures

MISSING_LIST_ROWS = 30
OPEN_HAZARD_ROWS = 40
WARNING_IDS = 5  # accidents named beside a warning; more are counted
REPORTING_MONTHS = 3  # the on-time table of the overview: the cycles of the last three months


def _shares(rows: pl.DataFrame) -> pl.DataFrame:
    """The targets whose value is a share (charts in percent); counts are shown on cards."""
    return rows.filter(pl.col("kind") == "share")


def _figures(settings: Settings, as_of, lang, run_figures, units: list, page: str | None):
    """The run's figures (computed once by `bulletins`), else those of this page alone,
    computed by the same function (a notebook opened by hand)."""
    if run_figures:
        return _run_figures(run_figures)
    return RunFigures.for_pages(settings, as_of, lang or settings.lang, units, [page])


def _settings(config: str | None, run_figures: str | None) -> Settings:
    """The settings of a page: of a run's page, read once per run in a warm kernel (a run
    writes its own settings file and figures folder, and holds the store's readers' lock until
    its last page); of a notebook opened by hand, read every time."""
    return _run_settings(config, run_figures) if run_figures else load_settings(config or None)


# what every page of one run reads alike, once per run in a kernel (the key: the run's own
# figures folder): the Parquet frames, the statistics' JSON, the settings and the registry
# were a third of a page's time in the kernel
@functools.lru_cache(maxsize=1)
def _run_figures(folder: str) -> RunFigures:
    return RunFigures.load(folder)


@functools.lru_cache(maxsize=1)
def _run_settings(config: str | None, folder: str) -> Settings:
    return load_settings(config or None)


class PlotlyFigure:
    """A plotly figure as HTML; the first figure of a page carries plotly.js (offline).
    ``narrow``: the same figure laid out for a phone's width (or an HTML table), shown
    instead below 600 px."""

    def __init__(self, fig, page: _Page, narrow=None, printed=None):
        self.fig, self.page, self.narrow = fig, page, narrow
        self.printed = printed  # the figure laid out for print (--pdf), if not ``fig``

    @staticmethod
    def _html(fig) -> str:
        return fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            include_mathjax=False,
            config={"displaylogo": False, "responsive": True},
        )

    def _repr_html_(self) -> str:
        prefix = ""
        if not self.page.plotly_embedded:
            prefix = plotlyjs.MARK if self.page.plotly_js_later else plotlyjs.script_tag()
        self.page.plotly_embedded = True
        wide = self._html(self.fig)
        if self.narrow is not None:
            narrow = str(self.narrow) if isinstance(self.narrow, Html) else self._html(self.narrow)
            wide = f'<div class="wide-only">{wide}</div><div class="narrow-only">{narrow}</div>'
        if self.page.print_charts:  # --pdf: print shows a static image of the wide figure
            printed = self.fig if self.printed is None else self.printed
            wide = f'<div class="screen-chart">{wide}</div>{print_charts.img(printed)}'
        return prefix + wide


class _Page:
    """Data shared by the cells of one notebook: the figures it is given (it never opens the
    store)."""

    _code: str | None = None  # the unit of the page (None: the total)
    print_charts = False  # --pdf: each chart also as a static image for print
    plotly_js_later = False  # run by `bulletins`: the page's exporter puts plotly.js in

    def __init__(self, settings: Settings, run: RunFigures, lang: str | None, parameters: dict):
        self.settings = settings
        self.lang = lang or settings.lang
        self.labels = labels_for(settings, self.lang)
        self.parameters = parameters
        self.plotly_embedded = False
        self.generated = dt.datetime.now().replace(microsecond=0)
        self.run = run
        self.as_of = run.as_of
        self.files = run.frames["provenance"]
        # the page's own unit: its data quality, freshness and accident warnings
        self.quality = run.page("quality", self._code)
        self.freshness = run.of("freshness", [self._code])
        self.accident_warnings = run.of("accident_warnings", [self._code])
        self._load()

    def _load(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def made_by_run(self, run_figures: str | None, print_charts: bool):
        """A page of a `bulletins` run: plotly.js is put in by the exporter (report/pages.py),
        not sent through the kernel with the first chart (1.5 MB a page); with --pdf each
        chart is also drawn as an image for print."""
        self.plotly_js_later = bool(run_figures)
        self.print_charts = print_charts
        return self

    @property
    def is_sample(self) -> bool:
        return bool(self.files.height) and bool(self.files["is_sample"].any())

    def figure(self, fig) -> PlotlyFigure:
        return PlotlyFigure(fig, self)

    def trend(self, rows: pl.DataFrame, title: str) -> PlotlyFigure:
        """The monthly trend of the share targets of ``rows``: two columns, one on a phone,
        shorter rows in print."""
        args = (self.series, _shares(rows), self.labels, title)
        printed = (
            figures.trend_chart(*args, row_height=figures.PRINT_ROW_HEIGHT)
            if self.print_charts
            else None
        )
        return PlotlyFigure(
            figures.trend_chart(*args), self, figures.trend_chart(*args, cols=1), printed
        )

    def _banner(self) -> str:
        return (
            f'<div class="banner">⚠ {esc(self.labels["sample_banner"])}</div>'
            if self.is_sample
            else ""
        )

    def _data_status(self) -> str:
        """This unit's own quarantined and warned rows (not the whole store's), its stale
        ledgers and its accident warnings."""
        lab = self.labels
        by = {sev: self.quality.filter(pl.col("severity") == sev) for sev in ("error", "warning")}
        quarantined, warnings = (int(by[s]["rows"].sum() or 0) for s in ("error", "warning"))
        state = "quarantined" if quarantined else "warnings" if warnings else "passed"
        colour = {"passed": "met", "warnings": "on_track", "quarantined": "behind"}[state]
        titles = rule_titles(self.settings, self.lang)
        rules = lab["list_sep"].join(
            f"{titles.get(r['rule_id'], r['rule_zh'])} {r['rows']}"
            for r in self.quality.head(5).iter_rows(named=True)
        )
        out = (
            f"{esc(lab['data_status'])}: {pill(colour, lab['status_' + state])} · "
            f"{esc(lab['quarantined_rows'])} <b>{quarantined}</b> · {esc(lab['warnings'])} <b>{warnings}</b>"
            + (f' <span class="small">{esc(lab["paren"].format(rules))}</span>' if rules else "")
            + f' · <a href="validation.html">{esc(lab["validation_report"])}</a>'
        )
        for r in self.freshness.filter(pl.col("stale")).iter_rows(named=True):
            out += f'<br><span class="stale">⚠ {esc(lab["stale"].format(dataset=lab["datasets"][r["dataset"]], date=r["latest"]))}</span>'
        for r in self.accident_warnings.iter_rows(named=True):
            out += (
                f'<br><span class="warning">⚠ {esc(lab["warning_rules"][r["rule"]])}'
                f"{esc(lab['paren'].format(self._ids(r['accident_ids'])))}</span>"
            )
        return out

    def _ids(self, ids: list[str]) -> str:
        """A warning's accidents: all of a few, the first of many with their number (a
        province's total page would otherwise print pages of ids)."""
        shown = self.labels["list_sep"].join(ids[:WARNING_IDS])
        extra = len(ids) - WARNING_IDS
        return shown + (self.labels["ids_more"].format(n=len(ids)) if extra > 0 else "")

    def in_force(self, rows: pl.DataFrame) -> pl.DataFrame:
        """The targets in force at A; when none is (A after every deadline), the latest year's
        targets as final results (DATA_SPEC 8.1)."""
        current = rows.filter(pl.col("phase") == "in_force")
        if current.height or not rows.height:
            return current
        latest = rows["deadline"].max()
        return rows.filter(pl.col("deadline") == latest)

    def final_results(self, rows: pl.DataFrame) -> Html:
        """上年度终期结果（截至 D）: value and status at each final target's deadline, no action."""
        final = rows.filter(pl.col("phase") == "final")
        if not final.height or not self.in_force(rows).filter(pl.col("phase") == "in_force").height:
            return Html("")
        lab = self.labels
        parts = []
        for deadline in sorted(set(final["deadline"].to_list()), reverse=True):
            part = final.filter(pl.col("deadline") == deadline)
            body = table(
                [lab["target"], lab["value"], lab["threshold"], lab["status"]],
                [
                    [
                        r["name"],
                        figure(r["value"], r["kind"]),
                        figure(r["threshold"], r["kind"], 0),
                        lab[r["status"]],
                    ]
                    for r in part.iter_rows(named=True)
                ],
            )
            parts.append(f"<h2>{esc(lab['final_results'].format(date=deadline))}</h2>{body}")
        return Html("".join(parts))

    def gap_sentence(self, row: dict) -> str:
        lab = self.labels
        if row["status"] == "no_data":
            return lab["no_data"]
        if row["gap_count"] is None:
            return lab["gap_unreachable"]
        if row["gap_count"] == 0:
            return lab["gap_done"]
        metric = metric_definitions()[row["metric"]]
        key = "gap_zh" if self.lang == "zh" else "gap_en"
        template = metric.get(key + "_one", metric[key]) if row["gap_count"] == 1 else metric[key]
        return template.format(
            gap=f"{row['gap_count']:,}", threshold=figure(row["threshold"], row["kind"], 0)
        )

    def headline(self, rows: pl.DataFrame) -> str:
        """The ten-second line: how many targets are met, on track, behind."""
        counts = {
            status: rows.filter(pl.col("status") == status).height
            for status in figures.STATUS_COLOURS
        }
        marks = self.labels["status_marks"]
        parts = [pill(s, f"{marks[s]} {self.labels[s]} {n}") for s, n in counts.items() if n]
        key = "headline_one" if rows.height == 1 and "headline_one" in self.labels else "headline"
        text = self.labels[key].format(n=rows.height)
        vetoed = self.accident_warnings.filter(
            pl.col("rule").is_in(load_assessment(self.settings).veto_rules)
        )
        if vetoed.height:  # 一票否决 in words where a leader looks first (8.1)
            parts.append(f'<span class="veto">{esc(self.labels["veto"])}</span>')
        return f'<p class="headline" data-met="{counts["met"]}" data-behind="{counts["behind"]}"><b>{esc(text)}</b> {" ".join(parts)}</p>'

    def _first(self, frame: pl.DataFrame, limit: int) -> tuple[pl.DataFrame, str]:
        """The first rows of a long list, and a note saying how many more there are."""
        shown = frame.head(limit)
        hidden = frame.height - shown.height
        from safetystats.report.workbook import workbook_name

        note = self.labels["missing_more"].format(
            n=hidden, workbook=workbook_name(self.as_of, self.lang)
        )
        return shown, (f'<p class="small">{esc(note)}</p>' if hidden else "")

    def cards(self, rows: pl.DataFrame) -> Html:
        """One card per target: value, threshold, status colour, the gap in words, projection."""
        lab = self.labels
        cards = []
        for r in rows.iter_rows(named=True):
            colour = figures.STATUS_COLOURS[r["status"]]
            cards.append(
                f'<div class="card" style="border-left-color:{colour}" data-unit="{esc(r["district_code"] or "")}" data-target="{esc(r["target_id"])}" '
                f'data-value="{r["value"]}" data-numerator="{r["numerator"]}" data-denominator="{r["denominator"]}" '
                f'data-status="{r["status"]}" data-gap="{r["gap_count"]}">'
                f'<div class="name">{esc(r["name"])}</div><div class="value" style="color:{colour}">{nw(figure(r["value"], r["kind"]))}</div>'
                f'<div>{esc(lab["threshold"])} {nw(figure(r["threshold"], r["kind"], 0))} · <span class="status" style="color:{colour}">'
                f"{esc(lab[r['status']])}</span> · {nw(counts(r['numerator'], r['denominator'], r.get('reason') or MISSING))}</div>"
                f'<div class="gap">{esc(self.gap_sentence(r))}</div>'
                f'<div class="small">{esc(lab["projected"])} {nw(figure(r["projected"], r["kind"]))} · {esc(lab["deadline"])} {nw(r["deadline"])}</div>'
                f"{self.change(r)}</div>"
            )
        return Html(f'<h2>{esc(lab["targets"])}</h2><div class="cards">{"".join(cards)}</div>')

    def change(self, row: dict) -> str:
        """较上期 (6.10): the card's change since the latest earlier run, in percentage points
        for a share, in units for a count, and the status move; nothing without an earlier
        run or when the target was not in force then."""
        earlier = self.run.frames.get("previous")
        if earlier is None or not earlier.height:
            return ""
        match = earlier.filter(
            (pl.col("target_id") == row["target_id"])
            & pl.col("district_code").eq_missing(row["district_code"])
        )
        if not match.height or match["value"][0] is None or row["value"] is None:
            return ""
        before, lab = match.row(0, named=True), self.labels
        if row["kind"] == "count":
            delta = int(row["value"]) - int(before["value"])
            text = lab["change_count"].format(delta=f"{delta:+d}")
        else:
            shown = [float(figure(v, "share").rstrip("%")) for v in (row["value"], before["value"])]
            text = lab["change_pp"].format(delta=f"{shown[0] - shown[1]:+.1f}")
        if before["status"] != row["status"]:
            text += lab["change_status"].format(
                before=lab[before["status"]], after=lab[row["status"]]
            )
        label = lab["change_since"].format(date=before["as_of"])
        return f'<div class="small change" data-change="{esc(text)}">{esc(label)} {nw(text)}</div>'

    def footnotes(self) -> Html:
        lab = self.labels
        metrics = metric_definitions()
        items = []
        for t in load_targets(self.settings.targets):
            definition = metrics[t.metric][
                "definition_zh" if self.lang == "zh" else "definition_en"
            ]
            items.append(
                f"<li><b>{esc(t.name(self.lang))}</b>"
                + esc(
                    lab["paren"].format(
                        f"{lab['threshold']} {figure(float(t.threshold), 'count' if t.is_count else 'share', 0)}"
                        f"{lab['comma']}{t.window_start} – {t.deadline}"
                    )
                )
                + f"<br>{esc(lab['definition'])}{lab['colon']}{esc(definition)}"
                f"<br>{esc(lab['source'])}{lab['colon']}{esc(t.source)}</li>"
            )
        files = [
            [r["file_name"], r["dataset"], r["sha256"][:16] + "…", r["rows_stored"]]
            for r in self.files.iter_rows(named=True)
        ]
        try:
            version = importlib.metadata.version("safetystats")
        except importlib.metadata.PackageNotFoundError:
            version = "unknown"
        params = json.dumps(self.parameters, ensure_ascii=False, default=str)
        return Html(
            f'<h2>{esc(lab["footnotes"])}</h2><ol class="foot">{"".join(items)}</ol>'
            f"<h3>{esc(lab['provenance'])}</h3>"
            + table([lab["file"], lab["dataset"], "sha256", lab["rows"]], files, numeric={3})
            + f'<p class="small">{esc(lab["parameters"])}: {esc(params)} · {esc(lab["version"])} {esc(version)}'
            f" · {esc(lab['generated'])} {self.generated}</p>"
        )


class DistrictBulletin(_Page):
    """The bulletin of one district."""

    @classmethod
    def load(
        cls,
        district: str,
        as_of: str | None = None,
        config: str | None = None,
        lang: str | None = None,
        run_figures: str | None = None,
        print_charts: bool = False,
    ):
        settings = _settings(config, run_figures)
        unit = engine.resolve_districts(settings, [district])[0]
        units = [unit.code, *(c.code for c in settings.registry.children(unit.code))]
        run = _figures(settings, as_of, lang, run_figures, units, unit.code)
        page = cls(settings, unit, run, lang, {"district": district, "as_of": as_of, "lang": lang})
        return page.made_by_run(run_figures, print_charts)

    def __init__(self, settings: Settings, unit, run: RunFigures, lang: str | None, parameters):
        self.district = unit
        self._code = unit.code
        self._children = [c.code for c in settings.registry.children(unit.code)]
        super().__init__(settings, run, lang, parameters)

    def _codes(self) -> list[str]:
        """The unit and its descendants."""
        return sorted(engine.unit_place(self.settings, self.district).codes)

    def _load(self) -> None:
        code, run = self._code, self.run
        codes = self._codes()
        self.rows = run.of("attainment", [code])
        self.children = run.of("attainment", self._children) if self._children else None
        self.series = run.of("series", [code])
        self.hazards = run.of("hazards", [code])
        self.open_major = run.frames["open_major"].filter(pl.col("district_code").is_in(codes))
        self.ageing = run.page("ageing", code)
        # the drills since the window of the target with role drill_share_window
        self.drills = run.page("drills", code)
        # enterprises short of the events of the target with role evacuation_list
        self.missing = run.frames["missing"].filter(pl.col("district_code").is_in(codes))
        self.training = run.page("training", code)

    def children_table(self) -> Html:
        """The unit's children with the status of every target (none for a unit without)."""
        if self.children is None or not self.children.height:
            return Html("")
        lab = self.labels
        return Html(
            f"<h2>{esc(lab['children'])}</h2>" + status_grid(self.children, lab["unit"], lab)
        )

    def header(self) -> Html:
        lab = self.labels
        return Html(
            f"{self._banner()}<h1>{esc(self.district.name)} · {esc(lab['district_bulletin'])}</h1>"
            f'<p class="meta">{esc(lab["as_of"])} <b>{self.as_of}</b> · {self._data_status()}</p>'
            + self.headline(self.in_force(self.rows))
        )

    def target_cards(self) -> Html:
        return self.cards(self.in_force(self.rows))

    def final_section(self) -> Html:
        return self.final_results(self.rows)

    def targets_chart(self) -> PlotlyFigure:
        return self.figure(
            figures.targets_chart(_shares(self.rows), self.labels, self.labels["targets_chart"])
        )

    def trend_chart(self) -> PlotlyFigure:
        return self.trend(self.rows, self.labels["trend_chart"])

    def hazard_section(self) -> Html:
        lab = self.labels
        h = self.hazards.to_dicts()[0]
        days = "—" if h["median_days_to_rectify"] is None else f"{h['median_days_to_rectify']:.0f}"
        facts = [
            (lab["open_major"], h["major_open"]),
            (lab["overdue"], h["major_overdue"]),
            (lab["on_time_rate"], pct(h["on_time_rate"])),
            (lab["median_days"], days),
            (lab["supervised"], h["open_supervised"]),
            (lab["five_complete"], pct(h["five_complete_rate"])),
        ]
        boxes = "".join(
            f'<div class="figure"><div class="small">{esc(k)}</div><div class="n">{esc(v)}</div></div>'
            for k, v in facts
        )
        shown, more = self._first(self.open_major, OPEN_HAZARD_ROWS)
        rows = [
            [
                r["hazard_id"],
                r["enterprise"],
                r["found_date"],
                r["deadline"] or "—",
                r["days_open"],
                lab["supervision_levels"].get(r["supervision"], lab["none"]),
                lab["yes"] if r["five_complete"] else lab["no"],
            ]
            for r in shown.iter_rows(named=True)
        ]
        listing = (
            table(
                [
                    lab["hazard_id"],
                    lab["enterprise"],
                    lab["found_date"],
                    lab["deadline"],
                    lab["days_open"],
                    lab["supervision"],
                    lab["five"],
                ],
                rows,
                numeric={4},
                row_classes=["overdue" if r else "" for r in shown["overdue"].to_list()],
            )
            if rows
            else f"<p>{lab['none']}</p>"
        )
        return Html(
            f'<h2>{esc(lab["hazards"])}</h2><div class="figures">{boxes}</div>'
            f"<h3>{esc(lab['open_hazards_table'])}</h3>{listing}{more}"
        )

    def ageing_chart(self) -> PlotlyFigure:
        return self.figure(
            figures.ageing_chart(self.ageing, self.labels, self.labels["ageing_chart"])
        )

    def drills_chart(self) -> PlotlyFigure:
        return self.figure(
            figures.drills_chart(self.drills, self.labels, self.labels["drills_chart"])
        )

    def missing_evacuation(self) -> Html:
        """The enterprises short of the drills of the target with role evacuation_list, each
        once with the periods it lacks: as many as the card's gap (DATA_SPEC 8.1)."""
        lab = self.labels
        shown, more = self._first(self.missing, MISSING_LIST_ROWS)
        rows = [
            [
                r["enterprise_name"],
                r["industry"],
                lab["list_sep"].join(r["missing_periods"]),
                r["events"],
                r["required"],
            ]
            for r in shown.iter_rows(named=True)
        ]
        body = (
            table(
                [
                    lab["enterprise"],
                    lab["industry"],
                    lab["missing_periods"],
                    lab["drills_held"],
                    lab["drills_required"],
                ],
                rows,
                numeric={3, 4},
            )
            if rows
            else f"<p>{esc(lab['none'])}</p>"
        )
        count = lab["enterprises_count"].format(n=self.missing.height)
        title = lab["missing_evacuation"] + lab["paren"].format(count)
        return Html(f"<h3>{esc(title)}</h3>{body}{more}")

    def training_chart(self) -> PlotlyFigure:
        return self.figure(
            figures.training_chart(self.training, self.labels, self.labels["training_chart"])
        )


class CityOverview(_Page):
    """The whole city: a district x target heatmap, a league table, the city totals and trends."""

    @classmethod
    def load(
        cls,
        as_of: str | None = None,
        config: str | None = None,
        lang: str | None = None,
        run_figures: str | None = None,
        print_charts: bool = False,
    ):
        settings = _settings(config, run_figures)
        units = [u.code for u in settings.registry.top_units()]
        run = _figures(settings, as_of, lang, run_figures, units, None)
        page = cls(settings, run, lang, {"as_of": as_of, "lang": lang})
        return page.made_by_run(run_figures, print_charts)

    def _load(self) -> None:
        # the total and the units directly under it (the level below the top)
        codes = [*(u.code for u in self.settings.registry.top_units()), None]
        self.rows = self.run.of("attainment", codes)
        self.series = self.run.of("series", [None])
        self.hazards = self.run.of("hazards", codes)

    def header(self) -> Html:
        lab = self.labels
        return Html(
            f"{self._banner()}<h1>{esc(lab['city_overview'])}</h1>"
            f'<p class="meta">{esc(lab["as_of"])} <b>{self.as_of}</b> · {self._data_status()}</p>'
            + self.headline(self.in_force(self.rows.filter(pl.col("scope") == "total")))
        )

    def total_cards(self) -> Html:
        return self.cards(self.in_force(self.rows.filter(pl.col("scope") == "total")))

    def final_section(self) -> Html:
        return self.final_results(self.rows.filter(pl.col("scope") == "total"))

    def heatmap(self) -> PlotlyFigure:
        """Units × targets; on a phone the same grid as a table that scrolls in its box (the
        chart's target names would collide at that width)."""
        lab = self.labels
        rows = self.rows.filter(pl.col("scope") == "district")
        grid = Html(f"<h3>{esc(lab['heatmap'])}</h3>" + status_grid(rows, lab["district"], lab))
        return PlotlyFigure(figures.heatmap(rows, lab, lab["heatmap"]), self, grid)

    def league_table(self) -> Html:
        """The units ranked by their assessment score (6.9): rank among siblings (equal scores
        share one), score, grade, targets met and open hazards; a vetoed unit (一票否决) after
        every unit without a veto, the veto said in words beside its name (DATA_SPEC 8.1)."""
        lab = self.labels
        districts = self.rows.filter(pl.col("scope") == "district")
        codes = districts["district_code"].unique(maintain_order=True).to_list()
        met = {
            r["district_code"]: r
            for r in districts.group_by("district_code")
            .agg((pl.col("status") == "met").sum().alias("met"), pl.len().alias("targets"))
            .iter_rows(named=True)
        }
        league = self.run.of("assessment", codes).sort(
            ["rank", "district"], nulls_last=True, maintain_order=True
        )
        hazards = {r["district_code"]: r for r in self.hazards.iter_rows(named=True)}
        rows = [
            [
                "—" if r["rank"] is None else r["rank"],
                r["district"] + (f" {lab['veto']}" if r["vetoed"] else ""),
                "—" if r["score"] is None else f"{r['score']:.1f}",
                r["grade"] or "—",
                f"{met[r['district_code']]['met']} / {met[r['district_code']]['targets']}",
                hazards[r["district_code"]]["major_open"],
                hazards[r["district_code"]]["major_overdue"],
            ]
            for r in league.iter_rows(named=True)
        ]
        notes = [lab["assess_note"]]
        if league["vetoed"].any():
            notes.append(f"{lab['veto']}{lab['colon']}{lab['index_veto']}")
        scores = lab["index_scores"]
        return Html(
            f"<h2>{esc(lab['league'])}</h2>"
            + table(
                [
                    "#",
                    lab["district"],
                    scores["score"],
                    scores["grade"],
                    lab["targets_met"],
                    lab["open_major"],
                    lab["overdue"],
                ],
                rows,
                numeric={0, 2, 5, 6},
            )  # fmt: skip
            + "".join(f'<p class="small">{esc(n)}</p>' for n in notes)
        )

    def reporting(self) -> Html:
        """Who returned their package and filled templates on time (8.6): each unit against
        the cycles of the last three months, and a line counting the latest cycle already due;
        nothing while no unit has returned anything."""
        lab = self.labels
        units = self.settings.registry.top_units()
        frame = self.run.of("reporting", [u.code for u in units])
        if frame.is_empty():
            return Html("")
        months = sorted(frame["month"].unique())[-REPORTING_MONTHS:]
        frame = frame.filter(pl.col("month").is_in(months))
        cycles = frame.select("month", "kind").unique().sort(["month", "kind"]).rows()
        cells = {
            (r["district_code"], r["month"], r["kind"]): lab["reporting_status"][
                r["status"]
            ].format(days=r["days_late"])
            for r in frame.iter_rows(named=True)
        }
        head = [lab["district"], *(f"{m} {lab['reporting_kinds'][k]}" for m, k in cycles)]
        rows = [[u.name, *(cells[(u.code, m, k)] for m, k in cycles)] for u in units]
        return Html(
            f"<h2>{esc(lab['stats_titles']['reporting'])}</h2>"
            + f"<p>{esc(self._reporting_line(frame, cycles))}</p>"
            + table(head, rows)
        )

    def _reporting_line(self, frame: pl.DataFrame, cycles: list[tuple]) -> str:
        """``2025-01 督办清单回执：按时12个、迟报2个、未报2个`` for the latest cycle already
        due (the latest cycle when none is)."""
        lab = self.labels
        due = [c for c in cycles if frame.filter(
            (pl.col("month") == c[0]) & (pl.col("kind") == c[1]) & (pl.col("status") != "pending")
        ).height]  # fmt: skip
        month, kind = (due or cycles)[-1]
        counts = dict(
            frame.filter((pl.col("month") == month) & (pl.col("kind") == kind))
            .group_by("status")
            .len()
            .rows()
        )
        parts = [
            lab["reporting_count"].format(word=word, n=counts[status])
            for status, word in lab["reporting_counts"].items()
            if counts.get(status)
        ]
        return f"{month} {lab['reporting_kinds'][kind]}{lab['colon']}{lab['list_sep'].join(parts)}"

    def trend_chart(self) -> PlotlyFigure:
        totals = self.rows.filter(pl.col("scope") == "total")
        return self.trend(totals, self.labels["city_trend"])
