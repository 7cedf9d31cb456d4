"""The 通报's content (DATA_SPEC 8.5): every sentence generated from the figures it is given.

:func:`blocks` turns :class:`NoticeFigures` into the blocks that ``docx_gbt9704`` typesets.
Each sentence is a template of the labels (``[zh.notice]`` / ``[en.notice]``) filled with
figures formatted as everywhere else (``numbers.figure``: percentages rounded down). A section
whose data the store lacks is left out, never filled with zeros.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from safetystats.numbers import MISSING, figure, percent
from safetystats.report.docx_gbt9704 import Block

MONTHS_EN = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


@dataclass
class Previous:
    """The figures at the comparison date B (6.10): saved by B's run, or recomputed."""

    as_of: dt.date
    attainment: list[dict]
    assess: list[dict] | None = None
    recomputed: bool = False


@dataclass
class NoticeFigures:
    """What a 通报 says, as plain rows (the JSON shapes of DATA_SPEC 7)."""

    as_of: dt.date
    total_name: str
    units: list[tuple[str, str]]  # (code, name) of the notice's level, in registry order
    attainment: list[dict]  # rows of those units and the total (district_code None)
    hazards: list[dict]
    warnings: list[dict]
    measures: dict[str, str]  # target id -> what its gap counts ("家企业", "人" …)
    accidents: list[dict] | None = None  # stats accidents rows (None: no accident ledger)
    enforcement: list[dict] | None = None  # stats enforcement rows (None: no inspections)
    assess: list[dict] | None = None  # assess rows of the units
    missing: dict[str, int] = field(default_factory=dict)  # unit code -> enterprises short
    previous: Previous | None = None
    between: dict | None = None  # hazards found / rectified between B and A
    sample: bool = False
    requirements: list[str] | None = None
    level_name: str = ""  # what the units are called (各区市)
    charts: list[tuple[str, bytes]] = field(default_factory=list)  # (title, PNG)


class _Text:
    """The notice's templates in one language, with the number formats."""

    def __init__(self, labels: dict, lang: str):
        self.t, self.lab, self.lang = labels["notice"], labels, lang

    def __call__(self, key: str, **values) -> str:
        return self.t[key].format(**values)

    def date(self, day: dt.date) -> str:
        return self("date", y=day.year, m=day.month, d=day.day)

    def month_day(self, day: dt.date) -> str:
        return self("month_day", y=day.year, m=day.month, d=day.day)

    def span(self, row: dict) -> str:
        end = _day(row["end"])
        name = MONTHS_EN[end.month - 1]
        if row["span"] == "month":
            return self("month", m=end.month, month_name=name)
        if end.month == 1:
            return self("ytd_january")
        return self("ytd", m=end.month, month_name=name)

    def join(self, items: list[str]) -> str:
        return self.lab["list_sep"].join(items)

    def sentences(self, items: list[str]) -> str:
        return ("" if self.lang == "zh" else " ").join(i for i in items if i)

    def count(self, value) -> str:
        """A count target's value with its measure (75项)."""
        return figure(value, "count") + self.t["measure_count"]

    def status(self, status: str) -> str:
        return self.lab[status]


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _number(value) -> str:
    """A count or an amount as shown: whole numbers without decimals, amounts to 2 places."""
    if value is None:
        return MISSING
    if float(value).is_integer():
        return str(int(value))
    return f"{Decimal(str(value)).quantize(Decimal('0.01'), ROUND_HALF_UP)}"


def change_words(text: _Text, cur, prev) -> tuple[str, str] | None:
    """同比 of one figure (6.7) as (word, amount): 上升/下降 and x% (one decimal, half away from
    zero), or 新增 / 持平 with no amount."""
    if cur is None or prev is None:
        return None
    if prev == 0:
        return (text("flat") if cur == 0 else text("new"), "")
    pct = (Decimal(str(cur)) - Decimal(str(prev))) / Decimal(str(prev)) * 100
    pct = pct.quantize(Decimal("0.1"), ROUND_HALF_UP)
    if pct == 0:
        return (text("flat"), "")
    return (text.t["rise_word" if pct > 0 else "fall_word"], f"{abs(pct)}%")


def _change(text: _Text, c: tuple[str, str] | None) -> str | None:
    return None if c is None else text("change_one", word=c[0], amount=c[1])


def _changes(text: _Text, a, b) -> str | None:
    """Two changes in one phrase: 分别上升20.0%、18.8% / 均持平 / 分别下降5.0%、新增."""
    if a is None or b is None:
        return _change(text, a or b)
    if a == b:
        return text("change_same", a=_change(text, a))
    if a[0] == b[0] and a[1] and b[1]:
        return text("change_pair_same_word", word=a[0], a=a[1], b=b[1])
    return text("change_pair", a=_change(text, a), b=_change(text, b))


def _in_force(rows: list[dict]) -> tuple[list[dict], bool]:
    """The targets the headline counts (8.1): those in force, else the final ones."""
    live = [r for r in rows if r["phase"] == "in_force"]
    return (live, False) if live else ([r for r in rows if r["phase"] == "final"], True)


def overall(f: NoticeFigures, text: _Text) -> list[Block]:
    rows, final = _in_force(f.attainment)
    total = [r for r in rows if r["district_code"] is None]
    if not total:
        return []
    counts = {
        s: sum(r["status"] == s for r in total) for s in ("met", "on_track", "behind", "no_data")
    }
    parts = text.join([text(f"count_{s}", n=n) for s, n in counts.items() if n])
    out = [Block("heading", text("h_overall"))]
    if final:
        deadline = max(_day(r["deadline"]) for r in total)
        head = text(
            "overall_final",
            year=deadline.year,
            n=len(total),
            date=text.month_day(deadline),
            parts=parts,
        )
    else:
        head = text(
            "overall", date=text.month_day(f.as_of), total=f.total_name, n=len(total), parts=parts
        )
    items = [
        text(
            "total_item",
            name=r["name"],
            value=text.count(r["value"]) if r["kind"] == "count" else figure(r["value"]),
            threshold=text.count(r["threshold"])
            if r["kind"] == "count"
            else figure(r["threshold"]),
            status=text.status(r["status"]),
        )
        for r in total
    ]
    sentences = [head, text("total_values", total=f.total_name, items=text.join(items))]
    compared = comparison(f, text, total)
    out.append(Block("para", text.sentences(sentences)))
    if compared:
        out.append(Block("para", compared))
    for n, (title, png) in enumerate(f.charts, start=1):  # placed where they fit: render
        out += [Block("image", image=png), Block("caption", text("figure", n=n, title=title))]
    return out


def comparison(f: NoticeFigures, text: _Text, total: list[dict]) -> str:
    """较上期 (6.10): Δ in percentage points or units, and status changes, of the total."""
    if f.previous is None:
        return ""
    before = {r["target_id"]: r for r in f.previous.attainment if r["district_code"] is None}
    items, moves = [], []
    for r in total:
        b = before.get(r["target_id"])
        if b is None or b.get("value") is None or r["value"] is None or b["phase"] == "not_started":
            continue
        if r["kind"] == "count":
            delta = int(r["value"]) - int(b["value"])
            if delta == 0:
                items.append(text("compare_flat", name=r["name"]))
            else:
                word = text.t["more" if delta > 0 else "fewer"]
                items.append(
                    text(
                        "compare_count",
                        name=r["name"],
                        direction=word,
                        delta=text.count(abs(delta)),
                    )
                )
        else:
            delta = pp_delta(r["value"], b["value"])
            if delta == 0:
                items.append(text("compare_flat", name=r["name"]))
            else:
                word = text.t["up" if delta > 0 else "down"]
                items.append(
                    text("compare_share", name=r["name"], direction=word, delta=abs(delta))
                )
        if b["status"] != r["status"]:
            moves.append(
                text(
                    "status_move",
                    name=r["name"],
                    before=text.status(b["status"]),
                    after=text.status(r["status"]),
                )
            )
    if not items and not moves:
        return ""
    sentence = text(
        "compare", date=text.month_day(f.previous.as_of), items=text.join(items + moves)
    )
    if f.between:
        sentence += (" " if text.lang == "en" else "") + text(
            "between",
            start=text.month_day(f.previous.as_of),
            end=text.month_day(f.as_of),
            found=f.between["found"],
            rectified=f.between["rectified"],
        )
    if f.previous.recomputed:
        sentence += text("compare_recomputed")
    return sentence


def pp_delta(now: float, before: float) -> Decimal:
    """Δ of two shares in percentage points, one decimal, of the values as shown (rounded
    down), so the sentence agrees with the two percentages a reader compares."""
    shown = [Decimal(percent(v).rstrip("%")) for v in (now, before)]
    return shown[0] - shown[1]


def units_section(f: NoticeFigures, text: _Text) -> list[Block]:
    rows, _ = _in_force(f.attainment)
    names = dict(f.units)
    out = [Block("heading", text("h_units"))]
    if f.assess:
        out.append(Block("para", ranking(f, text, names)))
    behind = []
    targets = list(dict.fromkeys(r["target_id"] for r in rows))
    for target in targets:
        lagging = [
            r
            for r in rows
            if r["target_id"] == target and r["district_code"] in names and r["status"] == "behind"
        ]
        if lagging:
            behind.append(_behind_sentence(lagging, f.measures.get(target, ""), text, names))
    out += [Block("para", sentence) for sentence in behind] or [Block("para", text("all_met"))]
    return out


def ranking(f: NoticeFigures, text: _Text, names: dict) -> str:
    rows = sorted(
        (r for r in f.assess if r["district_code"] in names),
        key=lambda r: (r["vetoed"], r["rank"], -(r["score"] or 0)),
    )
    items = [
        text("ranking_item", unit=r["district"], score=_score(r["score"]), grade=r["grade"])
        for r in rows
    ]
    parts = [text("ranking", level=f.level_name, items=text.join(items))]
    vetoed = [r["district"] for r in rows if r["vetoed"]]
    if vetoed:
        parts.append(text("ranking_veto", units=text.join(vetoed)))
    parts.append(text("ranking_no_data"))
    if f.previous and f.previous.assess:
        before = {r["district_code"]: r["rank"] for r in f.previous.assess}
        moves = []
        for r in rows:
            old = before.get(r["district_code"])
            if old is not None and old != r["rank"]:
                key = "rank_up" if r["rank"] < old else "rank_down"
                moves.append(text(key, unit=r["district"], n=abs(old - r["rank"])))
        if moves:
            parts.append(text("rank_moves", items=text.join(moves)))
    return text.sentences(parts)


def _score(score) -> str:
    return MISSING if score is None else f"{score:.1f}"


def _behind_sentence(rows: list[dict], measure: str, text: _Text, names: dict) -> str:
    name = rows[0]["name"]
    units = text.join([names[r["district_code"]] for r in rows])
    if rows[0]["kind"] == "count":
        values = [figure(r["value"], "count") for r in rows]
        threshold = figure(rows[0]["threshold"], "count") + text("measure_count")
        key = "behind_count_one" if len(rows) == 1 else "behind_count_many"
        return text(key, unit=units, units=units, name=name, value=values[0], values=text.join(values),
                    measure=text("measure_count"), threshold=threshold)  # fmt: skip
    values = [figure(r["value"], r["kind"]) for r in rows]
    gaps = [MISSING if r["gap_count"] is None else str(r["gap_count"]) for r in rows]
    if len(rows) == 1:
        return text(
            "behind_one", unit=units, name=name, value=values[0], gap=gaps[0], measure=measure
        )
    return text(
        "behind_many",
        units=units,
        name=name,
        values=text.join(values),
        gaps=text.join(gaps),
        measure=measure,
    )


def accidents_section(f: NoticeFigures, text: _Text) -> list[Block]:
    if f.accidents is None:
        return []
    total = {r["span"]: r for r in f.accidents if r["district_code"] is None}
    if not total or total.get("ytd", {}).get("accidents") is None:
        return []
    out = [Block("heading", text("h_accidents"))]
    sentences = []
    for span, key in (("ytd", "accidents_ytd"), ("month", "accidents_month")):
        r = total.get(span)
        if r is None:
            continue
        change = _changes(
            text,
            change_words(text, r["accidents"], r["prev_accidents"]),
            change_words(text, r["deaths"], r["prev_deaths"]),
        )
        sentences.append(
            text(
                key,
                span=text.span(r),
                total=f.total_name,
                accidents=r["accidents"],
                deaths=r["deaths"],
                change=change,
            )
        )
        if span == "ytd":
            levels = [
                text("level_item", level=level, n=n)
                for level, n in (r.get("by_level") or {}).items()
                if n
            ]
            if levels:
                sentences.append(text("by_level", items=text.join(levels)))
            serious = [
                text(
                    "serious_item",
                    date=text.month_day(_day(s["date"])),
                    unit=s.get("district") or "",
                    enterprise=s.get("enterprise_name") or "",
                    level=s["level"],
                    deaths=s.get("deaths") or 0,
                )
                for s in r.get("serious") or []
            ]
            if serious:
                sentences.append(text("serious", items=text.join(serious)))
    out.append(Block("para", text.sentences(sentences)))
    warned = warning_sentences(f, text)
    if warned:
        out.append(Block("para", warned))
    return out


def warning_sentences(f: NoticeFigures, text: _Text) -> str:
    names = dict(f.units)
    rules = text.lab["warning_rules"]
    by_unit: dict[str, list[str]] = {}
    for w in f.warnings:
        if w["district_code"] in names:
            by_unit.setdefault(w["district_code"], []).append(w["rule"])
    items = [
        text("warning_item", unit=names[code], rules=text.join([_bare(rules[r]) for r in found]))
        for code, found in by_unit.items()
    ]
    vetoed = [names[c] for c, found in by_unit.items() if "serious_accident" in found]
    out = [text("warnings", items=text.join(items)) if items else ""]
    if vetoed:
        out.append(text("vetoed", units=text.join(vetoed)))
    return text.sentences(out)


def _bare(rule: str) -> str:
    """A rule's name without its bracketed note (the veto is said in its own sentence)."""
    return rule.split("（")[0].split(" (")[0]


def enforcement_section(f: NoticeFigures, text: _Text) -> list[Block]:
    if f.enforcement is None:
        return []
    r = next((r for r in f.enforcement if r["district_code"] is None and r["span"] == "ytd"), None)
    if r is None or r.get("inspections") is None:
        return []
    sentences = [
        text(
            "enforcement",
            span=text.span(r),
            total=f.total_name,
            inspections=r["inspections"],
            enterprises=_number(r.get("enterprises_inspected")),
        )
    ]
    change = _change(text, change_words(text, r["inspections"], r.get("prev_inspections")))
    if change:
        sentences.append(text("enforcement_change", change=change))
    if r.get("enforcement") is not None:
        unannounced = ""
        if r.get("unannounced_enforcement") is not None and r["enforcement"]:
            share = percent(r["unannounced_enforcement"] / r["enforcement"])
            unannounced = text(
                "enforcement_unannounced", n=r["unannounced_enforcement"], share=share
            )
        sentences.append(
            text("enforcement_law", enforcement=r["enforcement"], unannounced=unannounced)
        )
    results = {k: r.get(k) for k in ("cases_filed", "penalty", "suspensions", "off_site")}
    if any(v is not None for v in results.values()):
        sentences.append(
            text(
                "enforcement_results",
                cases=_number(results["cases_filed"]),
                penalty=_number(results["penalty"]),
                suspensions=_number(results["suspensions"]),
                off_site=_number(results["off_site"]),
            )
        )
    if r.get("hazards_found") is not None:
        sentences.append(
            text(
                "enforcement_hazards",
                hazards=_number(r["hazards_found"]),
                major=_number(r.get("major_hazards_found")),
            )
        )
    return [Block("heading", text("h_enforcement")), Block("para", text.sentences(sentences))]


def hazards_section(f: NoticeFigures, text: _Text) -> list[Block]:
    total = next((h for h in f.hazards if h["district_code"] is None), None)
    if total is None or total.get("major_found") is None:
        return []
    sentences = [
        text(
            "hazards",
            date=text.month_day(f.as_of),
            total=f.total_name,
            open=total["major_open"],
            overdue=total["major_overdue"],
            supervised=total["open_supervised"],
            five=percent(total["five_complete_rate"]),
        ),
        text(
            "hazards_all",
            open_all=total["open_all"],
            overdue_all=total["overdue_all"],
            on_time=percent(total["on_time_rate"]),
            median=_number(total["median_days_to_rectify"]),
        ),
    ]
    names = dict(f.units)
    worst = sorted(
        (h for h in f.hazards if h["district_code"] in names and h["major_open"]),
        key=lambda h: -h["major_open"],
    )[:3]
    if worst:
        items = [
            text("hazards_unit_item", unit=names[h["district_code"]], n=h["major_open"])
            for h in worst
        ]
        sentences.append(text("hazards_units", items=text.join(items)))
    return [Block("heading", text("h_hazards")), Block("para", text.sentences(sentences))]


def requirements_section(f: NoticeFigures, text: _Text) -> list[Block]:
    paragraphs = f.requirements or list(text.t["requirements"])
    out = [Block("heading", text("h_requirements"))]
    for n, para in enumerate(paragraphs, start=1):
        numbered = (
            para
            if f.requirements
            else f"（{_chinese(n)}）{para}"
            if text.lang == "zh"
            else f"{n}. {para}"
        )
        out.append(Block("para", numbered))
    return out


def _chinese(n: int) -> str:
    return "一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)


def attachments(f: NoticeFigures, text: _Text) -> list[Block]:
    rows, _ = _in_force(f.attainment)
    names = dict(f.units)
    order = [code for code, _ in f.units] + [None]
    table1 = [list(text.t["table1"])]
    for code in order:
        for r in (r for r in rows if r["district_code"] == code):
            table1.append(
                [
                    r["district"],
                    r["name"],
                    figure(r["value"], r["kind"]),
                    figure(r["threshold"], r["kind"]),
                    text.status(r["status"]),
                    MISSING if r["gap_count"] is None else str(r["gap_count"]),
                ]
            )
    hazards = {h["district_code"]: h for h in f.hazards}
    table2 = [list(text.t["table2"])]
    for code in [c for c, _ in f.units]:
        h = hazards.get(code, {})
        behind = sum(1 for r in rows if r["district_code"] == code and r["status"] == "behind")
        five_missing = h.get("open_five_missing")
        table2.append(
            [
                names[code],
                _number(h.get("major_open")),
                _number(h.get("major_overdue")),
                _number(five_missing),
                _number(f.missing.get(code, 0)),
                str(behind),
            ]
        )
    return [
        Block("attachment", text("attachment", n=1)),
        Block("attachment_title", text("attachment1", total=f.total_name)),
        Block("table", rows=table1, widths=[26, 50, 20, 24, 18, 18]),
        Block("attachment", text("attachment", n=2)),
        Block("attachment_title", text("attachment2")),
        Block("table", rows=table2, widths=[34, 26, 20, 26, 26, 24]),
    ]


def blocks(
    f: NoticeFigures, labels: dict, lang: str, issuer: str, recipients: str, number: str = ""
) -> list[Block]:
    """The whole 通报: title block, 主送, body sections, 署名 and date, attachments."""
    text = _Text(labels, lang)
    title = text("title", date=text.month_day(f.as_of) if lang == "zh" else text.date(f.as_of))
    if f.sample:
        title += text("sample")
    out = [Block("title", title)]
    if number:
        out.append(Block("subtitle", number))
    out += [
        Block("recipients", recipients + labels["colon"].strip()),
        Block("para", text("intro", date=text.month_day(f.as_of), total=f.total_name)),
    ]
    for section in (
        overall,
        units_section,
        accidents_section,
        enforcement_section,
        hazards_section,
    ):
        out += section(f, text)
    out += requirements_section(f, text)
    date = text.date(f.as_of)
    out += [Block("signature", issuer, aside=date), Block("date", date)]
    out += attachments(f, text)
    return out
