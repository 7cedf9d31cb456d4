"""Validation outputs: reports/quarantine.csv (UTF-8 with BOM, for Excel) and an offline
report page (reports/validation.html) with no external asset at all."""

from __future__ import annotations

import html
import json

import polars as pl

from safetystats import atomic
from safetystats.config import Settings, labels_for

CSV_HEADERS = {  # what a district clerk needs to find and fix the cell
    "unit": "单位(unit)",
    "dataset_zh": "数据集",
    "dataset": "dataset",
    "file_name": "文件(file)",
    "sheet": "工作表(sheet)",
    "row_no": "行号(row)",
    "record_key": "编号(key)",
    "header": "表头(header)",
    "column_name": "列(column)",
    "raw_value": "原始值(value)",
    "rule_zh": "规则",
    "rule_id": "rule",
    "severity_zh": "级别",
    "severity": "severity",
    "message_zh": "说明",
    "message_en": "message",
}
FIRST_ROWS = 20
STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:24px;color:#1f2933}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccd}
table{border-collapse:collapse;margin:8px 0;font-size:13px}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left}
th{background:#f3f5f7}.passed{color:#1a7f37}.warnings{color:#9a6700}.quarantined{color:#cf222e}
.num{text-align:right}.fail{background:#fff1f0}.warn{background:#fff8e6}.small{color:#57606a;font-size:12px}
"""
STATUS_ZH = {"passed": "通过", "warnings": "有警告", "quarantined": "有隔离行"}


def write_quarantine_csv(settings: Settings, quarantine: pl.DataFrame) -> None:
    frame = quarantine.select(list(CSV_HEADERS)).rename(CSV_HEADERS)
    atomic.write_text(settings.reports / "quarantine.csv", frame.write_csv(), bom=True)


def _table(rows: list[list], head: list[str], classes: list[str] | None = None) -> str:
    out = ["<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"]
    for i, row in enumerate(rows):
        cls = f' class="{classes[i]}"' if classes and classes[i] else ""
        out.append(
            f"<tr{cls}>"
            + "".join(
                f'<td class="num">{v}</td>'
                if isinstance(v, int)
                else f"<td>{html.escape('' if v is None else str(v))}</td>"
                for v in row
            )
            + "</tr>"
        )
    return "".join(out) + "</table>"


def render_report(quarantine: pl.DataFrame, result, settings: Settings) -> str:
    rules = settings.rules
    parts = [
        f"<h1>数据校验报告 Validation report</h1><p class='small'>校验时间 {html.escape(result.validated_at)} · "
        f"错误：该行被隔离，不计入任何指标；警告：该行保留并列出 · 隔离明细：quarantine.csv（可用 Excel/WPS 打开）</p>"
    ]
    overview = [
        [
            d.label_zh,
            d.dataset,
            d.rows_checked,
            d.rows_held,
            d.errors,
            d.warnings,
            d.rows_quarantined,
            d.rows_valid,
            STATUS_ZH[d.status],
        ]
        for d in result.datasets
    ]
    parts.append(
        _table(
            overview,
            [
                "数据集",
                "dataset",
                "入库行",
                "入库时隔离",
                "错误",
                "警告",
                "隔离行",
                "有效行",
                "状态",
            ],
            [d.status for d in result.datasets],
        )
    )
    for d in result.datasets:
        parts.append(
            f"<h2 id='{d.dataset}'>{html.escape(d.label_zh)} <span class='small'>{d.dataset}</span> "
            f"<span class='{d.status}'>{STATUS_ZH[d.status]}</span></h2>"
        )
        exp = [e for e in result.expectations if e["dataset"] == d.dataset]
        q = quarantine.filter(pl.col("dataset") == d.dataset)
        counted = {(e["rule_id"], e["column"]) for e in exp}

        def explain(rule: str) -> str:  # the rule in words, its placeholders named
            text = rules[rule]["zh"].replace("{value}", "…").replace("{detail}", "…")
            return text.replace("{column}", "该列").replace("{detail_en}", "…")

        severity_zh = labels_for(settings, "zh")["severity"]
        rows = [
            [
                rules[e["rule_id"]]["title"],
                severity_zh[rules[e["rule_id"]]["severity"]],
                e["column"],
                explain(e["rule_id"]),
                e["checked"],
                e["failed"],
            ]
            for e in exp
        ]
        for (rule, column, source), part in q.group_by("rule_id", "column_name", "source"):
            if source != "gx" and (rule, column) not in counted:
                rows.append(
                    [
                        rules[rule]["title"],
                        severity_zh[rules[rule]["severity"]],
                        column,
                        explain(rule),
                        d.rows_checked if source == "sql" else d.rows_checked + d.rows_held,
                        part.height,
                    ]
                )
        rows.sort(key=lambda r: (-r[5], r[0]))
        parts.append(
            _table(
                rows,
                ["规则", "级别", "列", "规则说明", "检查行数", "不通过"],
                ["fail" if r[5] and r[1] == "错误" else "warn" if r[5] else "" for r in rows],
            )
        )
        for (rule,), part in sorted(q.group_by("rule_id"), key=lambda x: x[0][0]):
            first = part.head(FIRST_ROWS)
            parts.append(f"<h3>{html.escape(rules[rule]['title'])}：{part.height} 行</h3>")
            parts.append(
                _table(
                    first.select(
                        "unit", "file_name", "sheet", "row_no", "header", "raw_value", "message_zh"
                    ).rows(),
                    ["单位", "文件", "工作表", "行号", "表头", "原始值", "说明"],
                )
            )
    body = "".join(parts)
    return (
        f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>数据校验报告</title>"
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
