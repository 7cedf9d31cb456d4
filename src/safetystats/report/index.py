"""The index page: the traffic lights of every unit of its level and the total, rendered from
the run's saved figures (it never opens the store). Each status shows its symbol and word
beside its colour; stale data and each accident warning have their own mark, 一票否决 is said
in words, and a legend on the page explains them (DATA_SPEC 8.1, 8.4).

A new column (score, grade, rank, change) is one more entry of :func:`unit_columns`' output."""

from __future__ import annotations

from safetystats.metrics.assessment import load_assessment
from safetystats.numbers import figure
from safetystats.report.html import PAGE_CSS, STATUS_COLOURS, esc, running_header, status_cell
from safetystats.report.saved import SavedFigures


def vetoed(saved: SavedFigures, code: str | None, rules: tuple[str, ...]) -> bool:
    return any(w["rule"] in rules for w in saved.of("warnings", code))


def marks(saved: SavedFigures, code: str | None, lab: dict, rules: tuple[str, ...]) -> str:
    """The unit's marks: 一票否决 in words, one mark per warning rule and for stale data,
    each with its meaning as a title (and in the legend)."""
    out = []
    if vetoed(saved, code, rules):
        out.append(f'<span class="veto" title="{esc(lab["index_veto"])}">{esc(lab["veto"])}</span>')
    if saved.of("stale", code):
        names = lab["list_sep"].join(lab["datasets"][r["dataset"]] for r in saved.of("stale", code))
        text = f"{lab['index_stale']}{lab['paren'].format(names)}"
        out.append(
            f'<span class="mark" data-mark="stale" title="{esc(text)}">{esc(lab["index_marks"]["stale"])}</span>'
        )
    for rule in dict.fromkeys(w["rule"] for w in saved.of("warnings", code)):
        if rule in rules or rule not in lab["index_marks"]:
            continue
        out.append(
            f'<span class="mark" data-mark="{esc(rule)}" title="{esc(lab["warning_rules"][rule])}">'
            f"{esc(lab['index_marks'][rule])}</span>"
        )
    return " ".join(out)


def _head(saved: SavedFigures, lab: dict) -> tuple[list[str], str]:
    """(target ids in order, header cells): each target's name, its threshold beneath, and its
    year when targets of several years are shown (DATA_SPEC 8.4)."""
    targets = {}
    for r in saved.attainment:
        targets.setdefault(r["target_id"], r)
    years = {str(t["deadline"])[:4] for t in targets.values()}
    cells = []
    for t in targets.values():
        year = lab["paren"].format(str(t["deadline"])[:4]) if len(years) > 1 else ""
        threshold = figure(t["threshold"], t["kind"], 0)
        cells.append(
            f'<th class="target">{esc(t["name"])}{esc(year)}'
            f'<div class="small">{esc(lab["threshold"])} {esc(threshold)}</div></th>'
        )
    return list(targets), "".join(cells)


# the assessment (6.9) beside each unit: its score, grade and rank among its siblings
SCORE_COLUMNS = ("score", "grade", "rank")


def score_head(lab: dict) -> str:
    return "".join(f'<th class="score">{esc(lab["index_scores"][c])}</th>' for c in SCORE_COLUMNS)


def score_cells(row: dict | None, lab: dict, before: dict | None = None) -> str:
    """Score (one decimal, rounded down), grade (一票否决 in words) and rank; "—" without.
    With the unit's row of an earlier run (6.10): the change of the score, the earlier grade
    when it moved and the rank's move (↑ up, ↓ down)."""
    if row is None:
        return '<td class="score">—</td>' * len(SCORE_COLUMNS)
    score = "—" if row["score"] is None else f"{row['score']:.1f}"
    rank = "—" if row["rank"] is None else str(row["rank"])
    veto = " veto-grade" if row["vetoed"] else ""
    moved = {"score": "", "grade": "", "rank": ""}
    if before is not None:
        if row["score"] is not None and before.get("score") is not None:
            moved["score"] = f"{row['score'] - before['score']:+.1f}"
        if before.get("grade") and before["grade"] != row["grade"]:
            moved["grade"] = lab["index_before"].format(before["grade"])
        if row["rank"] is not None and before.get("rank") and before["rank"] != row["rank"]:
            up = before["rank"] - row["rank"]
            moved["rank"] = f"↑{up}" if up > 0 else f"↓{-up}"
    gap = {"score": " ", "grade": "", "rank": " "}  # the grade's label brings its own brackets
    change = {
        k: f'{gap[k]}<span class="chg">{esc(v)}</span>' if v else "" for k, v in moved.items()
    }
    return (
        f'<td class="score num">{esc(score)}{change["score"]}</td>'
        f'<td class="score{veto}">{esc(row["grade"] or "—")}{change["grade"]}</td>'
        f'<td class="score num">{esc(rank)}{change["rank"]}</td>'
    )


def _link(unit: dict, failed: dict) -> str:
    """The unit's name, linked to its page; a page that failed in this run says so."""
    name = esc(unit["name"])
    if unit.get("stem") in failed:
        word, error = failed[unit["stem"]]
        return f'{name} <span class="failed" title="{esc(error)}">{esc(word)}</span>'
    if unit.get("page"):
        return f'<a href="{esc(unit["page"])}.html">{name}</a>'
    return name


def _legend(lab: dict, rules: tuple[str, ...]) -> str:
    statuses = " ".join(
        f'<span class="pill st-{s}">{esc(lab["status_marks"][s])} {esc(lab[s])}</span>'
        for s in STATUS_COLOURS
    )
    items = [f'<span class="veto">{esc(lab["veto"])}</span> {esc(lab["index_veto"])}']
    items.append(
        f'<span class="mark">{esc(lab["index_marks"]["stale"])}</span> {esc(lab["index_stale"])}'
    )
    items += [
        f'<span class="mark">{esc(lab["index_marks"][rule])}</span> {esc(text)}'
        for rule, text in lab["warning_rules"].items()
        if rule in lab["index_marks"] and rule not in rules
    ]
    return (
        f'<p class="meta legend">{esc(lab["status"])}{esc(lab["colon"])}{statuses}</p>'
        f'<p class="meta legend">{esc(lab["index_marks_title"])}{esc(lab["colon"])}'
        + " · ".join(f'<span class="item">{i}</span>' for i in items)
        + "</p>"
    )


def render(
    saved: SavedFigures,
    settings,
    lab: dict,
    notes: list[str] = (),
    failed: dict | None = None,
    earlier: SavedFigures | None = None,
) -> str:
    """The index page. ``failed``: file stem -> (word, error) of the pages that failed in this
    run (also listed in ``notes``); ``earlier``: the figures of an earlier run, whose scores
    the index compares with (6.10)."""
    failed = failed or {}
    rules = load_assessment(settings).veto_rules
    registry = settings.registry
    targets, head = _head(saved, lab)
    scored = {r["district_code"]: r for r in saved.scores}
    before = {r["district_code"]: r for r in earlier.scores} if earlier else {}
    if earlier:
        notes = [*notes, lab["index_compared"].format(date=earlier.as_of)]
    head = score_head(lab) + head
    body, parent_shown = [], None
    for unit in saved.units:
        rows = {r["target_id"]: r for r in saved.of("attainment", unit["code"])}
        if not rows:
            continue
        parent = unit.get("parent_code")
        if unit["code"] is not None and parent and parent != parent_shown:
            name = registry.by_code[parent].name if parent in registry.by_code else parent
            span = len(targets) + 1 + len(SCORE_COLUMNS)
            body.append(f'<tr class="group"><th colspan="{span}">{esc(name)}</th></tr>')
            parent_shown = parent
        cells = score_cells(scored.get(unit["code"]), lab, before.get(unit["code"]))
        cells += "".join(status_cell(rows[t], lab) if t in rows else "<td></td>" for t in targets)
        mark = marks(saved, unit["code"], lab, rules)
        total = ' class="total"' if unit["code"] is None else ""
        now, then = scored.get(unit["code"]) or {}, before.get(unit["code"]) or {}
        moved = (
            f' data-change="{now["score"] - then["score"]:.1f}"'
            if now.get("score") is not None and then.get("score") is not None
            else ""
        )
        body.append(
            f'<tr{total}{moved}><th class="unit" scope="row">{_link(unit, failed)}'
            f"{' ' + mark if mark else ''}</th>{cells}</tr>"
        )
    title = lab["index_title"]
    lang = "zh-CN" if saved.lang == "zh" else "en"
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{PAGE_CSS}{INDEX_CSS}</style>"
        f"{running_header(title + ' · ' + saved.as_of)}</head><body>"
        + (f'<div class="banner">⚠ {esc(lab["sample_banner"])}</div>' if saved.is_sample else "")
        + f'<h1>{esc(title)}</h1><p class="meta">{esc(lab["as_of"])} <b>{esc(saved.as_of)}</b>'
        f' · <a href="validation.html">{esc(lab["validation_report"])}</a></p>'
        + _legend(lab, rules)
        + (SORT_BY_CHANGE.format(label=esc(lab["index_sort_change"])) if before else "")
        + f'<div class="scroll"><table class="t index"><thead><tr><th class="unit">{esc(lab["unit"])}</th>'
        f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
        + "".join(f'<p class="small">{esc(n)}</p>' for n in notes)
        + "</body></html>"
    )


# sortable by change (6.10): the units of each group ordered by the change of their score, the
# largest rise first (units without a change last); the total stays last
SORT_BY_CHANGE = (
    '<p class="meta noprint"><button type="button" id="sort-change">{label}</button></p>'
    "<script>document.getElementById('sort-change').onclick=function(){{"
    "var body=document.querySelector('table.index tbody'),rows=[].slice.call(body.rows),"
    "groups=[],cur=[];rows.forEach(function(r){{if(r.classList.contains('group')||"
    "r.classList.contains('total')){{groups.push(cur,[r]);cur=[];}}else cur.push(r);}});"
    "groups.push(cur);groups.forEach(function(g){{g.sort(function(a,b){{"
    "var x=a.dataset.change,y=b.dataset.change;return (y===undefined?-1e9:+y)-(x===undefined?-1e9:+x);}});"
    "g.forEach(function(r){{body.appendChild(r);}});}});}};</script>"
)

# the index stays readable with 12 targets and 100 units: no one-character-wide columns, the
# unit column and the header row stay in view while the table scrolls inside its own box
INDEX_CSS = (
    ".scroll{overflow-x:auto;max-width:100%}"
    "table.index th.target{min-width:5.5em;max-width:9em;font-size:12px;vertical-align:bottom}"
    "table.index th.unit{white-space:nowrap;text-align:left;background:#fff;position:sticky;left:0;z-index:1}"
    "table.index thead th{position:sticky;top:0;z-index:2}table.index thead th.unit{z-index:3;background:#f6f8fa}"
    "table.index td.st{min-width:4.5em}"
    ".mark{color:#9a6700;font-weight:bold;padding:0 2px}"
    ".failed{display:inline-block;background:#cf222e;color:#fff;font-size:12px;padding:0 6px;border-radius:8px}"
    ".legend .item{white-space:nowrap}.legend .pill{margin-right:4px}"
    "tr.group th{background:#eaeef2;text-align:left}"
    "table.index td.score,table.index th.score{white-space:nowrap;text-align:center;min-width:4.5em}"
    "table.index td.num{text-align:right}"
    "table.index td.veto-grade{color:#cf222e;font-weight:bold}"
    ".chg{font-size:11px;color:#57606a}"
    "tr.total th,tr.total td{border-top:3px double #1f2328}"
    "@media screen and (max-width:600px){table.index th.unit,table.index th.target"
    "{white-space:normal;min-width:6em}}"
    "@media print{.noprint{display:none}.scroll{overflow:visible}table.index thead th,table.index th.unit{position:static}}"
)
