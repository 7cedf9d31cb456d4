"""Validation outputs: reports/quarantine.csv (UTF-8 with BOM, for Excel) and an offline
report page (reports/validation.html) with no external asset at all."""

from __future__ import annotations

import html
import json

import polars as pl

from safetystats import atomic, inert
from safetystats.config import Settings, labels_for

FIRST_ROWS = 20
STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:24px;color:#1f2933}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccd}
table{border-collapse:collapse;margin:8px 0;font-size:13px}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;white-space:nowrap;vertical-align:top}
td.text{white-space:normal;min-width:18em}
th{background:#f3f5f7}.passed{color:#1a7f37}.warnings{color:#9a6700}.quarantined{color:#cf222e}
.num{text-align:right}.fail{background:#fff1f0}.warn{background:#fff8e6}.small{color:#57606a;font-size:12px}
details{margin:6px 0}summary{cursor:pointer;color:#1a7f37}
.scroll{overflow-x:auto;max-width:100%}
@media print{details{display:block}summary{list-style:none}}
"""


def write_quarantine_csv(settings: Settings, quarantine: pl.DataFrame) -> None:
    """reports/quarantine.csv: UTF-8 with BOM for Excel, headers from the labels, every text
    cell inert (DATA_SPEC 5.1)."""
    headers = labels_for(settings)["quarantine_csv"]
    frame = quarantine.select(list(headers)).rename(headers)
    atomic.write_text(settings.reports / "quarantine.csv", inert.csv_text(frame), bom=True)


def _table(
    rows: list[list], head: list[str], classes: list[str] | None = None, text: int | None = None
) -> str:
    """An HTML table; numbers right-aligned, column ``text`` (long messages) wraps, the rest
    never wraps (no one-character-wide column); wide tables scroll in their own box."""
    out = [
        "<div class='scroll'><table><tr>"
        + "".join(f"<th>{html.escape(h)}</th>" for h in head)
        + "</tr>"
    ]
    for i, row in enumerate(rows):
        cls = f' class="{classes[i]}"' if classes and classes[i] else ""
        cells = []
        for j, v in enumerate(row):
            if isinstance(v, int):
                cells.append(f'<td class="num">{v}</td>')
            else:
                wrap = ' class="text"' if j == text else ""
                cells.append(f"<td{wrap}>{html.escape('' if v is None else str(v))}</td>")
        out.append(f"<tr{cls}>" + "".join(cells) + "</tr>")
    return "".join(out) + "</table></div>"


class _Headers:
    """The name a clerk knows a column by: the header of the file itself (as the quarantine
    recorded it), else the first header the dataset's spec accepts for it."""

    def __init__(self, settings: Settings, quarantine: pl.DataFrame):
        from safetystats.ingest.spec import load_specs

        self.specs = load_specs(settings)
        seen = quarantine.filter(pl.col("header").is_not_null() & (pl.col("header") != ""))
        self.seen = {
            (d, c): h
            for d, c, h in seen.unique(
                ["dataset", "column_name"], keep="first", maintain_order=True
            )
            .select("dataset", "column_name", "header")
            .iter_rows()
        }

    def __call__(self, dataset: str, column: str | None) -> str:
        if not column:
            return ""
        if (dataset, column) in self.seen:
            return self.seen[(dataset, column)]
        spec = self.specs.get(dataset)
        names = {c.name: c for c in spec.columns} if spec else {}
        if column in names and names[column].headers:
            return names[column].headers[0]
        return column


def _rule_rows(d, result, quarantine: pl.DataFrame, settings: Settings, header) -> list[list]:
    """[title, severity word, header, failing rows, rows checked, an example message] of
    every rule checked on the dataset (its expectations and the SQL checks that found rows)."""
    rules, lab = settings.rules, labels_for(settings)["validation"]
    q = quarantine.filter(pl.col("dataset") == d.dataset)
    checked = [
        (e["rule_id"], e["column"], e["checked"], e["failed"])
        for e in result.expectations
        if e["dataset"] == d.dataset
    ]
    counted = {(r, c) for r, c, _, _ in checked}
    for (rule, column, source), part in q.group_by("rule_id", "column_name", "source"):
        if source != "gx" and (rule, column) not in counted:
            rows = d.rows_checked if source == "sql" else d.rows_checked + d.rows_held
            checked.append((rule, column, rows, part.height))
    out = []
    for rule, column, rows, failed in checked:
        example = q.filter((pl.col("rule_id") == rule) & (pl.col("column_name") == column))
        message = (
            example["message_zh" if settings.lang == "zh" else "message_en"][0]
            if example.height
            else ""
        )
        severity = rules[rule]["severity"]
        out.append(
            [rules[rule]["title"], lab[severity], header(d.dataset, column), failed, rows, message]
        )
    out.sort(key=lambda r: (-r[3], r[0], r[2]))
    return out


def render_report(quarantine: pl.DataFrame, result, settings: Settings) -> str:
    """The validation page for the clerks who fix the ledgers: per dataset the rules that found
    rows (in the file's own header names, with a real message as the example), the passing
    rules folded away, then the first rows of each failing rule."""
    lab = labels_for(settings)["validation"]
    header = _Headers(settings, quarantine)
    parts = [
        f"<h1>{html.escape(lab['title'])}</h1><p class='small'>"
        + html.escape(lab["intro"].format(validated_at=result.validated_at))
        + "</p>"
    ]
    overview = [
        [
            d.label_zh,
            d.rows_checked,
            d.rows_held,
            d.errors,
            d.warnings,
            d.rows_quarantined,
            d.rows_valid,
            lab[d.status],
        ]
        for d in result.datasets
    ]
    parts.append(_table(overview, lab["overview_columns"], [d.status for d in result.datasets]))
    for d in result.datasets:
        parts.append(
            f"<h2 id='{html.escape(d.dataset)}'>{html.escape(d.label_zh)} "
            f"<span class='{d.status}'>{html.escape(lab[d.status])}</span></h2>"
        )
        rows = _rule_rows(d, result, quarantine, settings, header)
        failing = [r for r in rows if r[3]]
        passing = [r for r in rows if not r[3]]
        if failing:
            parts.append(
                _table(
                    failing,
                    lab["rule_columns"],
                    ["fail" if r[1] == lab["error"] else "warn" for r in failing],
                    text=5,
                )
            )
        if passing:
            names = "、".join(dict.fromkeys(f"{r[0]}（{r[2]}）" if r[2] else r[0] for r in passing))
            parts.append(
                f"<details><summary>{html.escape(lab['passing'].format(n=len(passing)))}</summary>"
                f"<p class='small'>{html.escape(names)}</p></details>"
            )
        q = quarantine.filter(pl.col("dataset") == d.dataset)
        for (rule,), part in sorted(q.group_by("rule_id"), key=lambda x: x[0][0]):
            title = settings.rules[rule]["title"]
            parts.append(
                f"<h3>{html.escape(lab['rule_rows'].format(rule=title, n=part.height))}</h3>"
            )
            message = "message_zh" if settings.lang == "zh" else "message_en"
            parts.append(
                _table(
                    part.head(FIRST_ROWS)
                    .select("unit", "file_name", "sheet", "row_no", "header", "raw_value", message)
                    .rows(),
                    lab["row_columns"],
                    text=6,
                )
            )
            if part.height > FIRST_ROWS:
                parts.append(
                    f"<p class='small'>{html.escape(lab['more_rows'].format(n=part.height - FIRST_ROWS))}</p>"
                )
    body = "".join(parts)
    lang = "zh-CN" if settings.lang == "zh" else "en"
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(lab['title'])}</title>"
        f"<style>{STYLE}</style></head><body>{body}</body></html>"
    )


def write_outputs(settings: Settings, quarantine: pl.DataFrame, result) -> None:
    write_quarantine_csv(settings, quarantine)
    atomic.write_text(
        settings.reports / "validation.html", render_report(quarantine, result, settings)
    )
    atomic.write_text(
        settings.reports / "validation_summary.json",
        json.dumps(
            {"validated_at": result.validated_at, "datasets": result.as_frame().to_dicts()},
            ensure_ascii=False,
            indent=1,
        ),
    )
