"""The attainment counts computed with plain pandas, as the benchmark's baseline.

Same definitions as sql/metrics/metric_*.sql (DATA_SPEC section 6.1), written the way an
analyst would in pandas, from frames read from the curated tables (not the marts): per unit of
the registry, rolled up over the tree (a unit's counts include its descendants'), and the total
over every row. The benchmark checks that both give the same numerators and denominators.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

TABLES = (
    "curated_enterprises",
    "curated_drills",
    "curated_video_sites",
    "curated_training_plan",
    "curated_training_counts",
    "curated_hazards",
)

ENTERPRISE_SCOPE = ("industry", "hazchem", "high_risk")


def load(con) -> dict[str, pd.DataFrame]:
    return {t: con.sql(f"SELECT * FROM {t}").df() for t in TABLES}


def unit_tree(registry_rows: list[tuple[str, str | None]]) -> pd.DataFrame:
    """(code, ancestor) for every unit with itself and each of its ancestors, from (code, parent)."""
    parent = dict(registry_rows)
    pairs = []
    for code in parent:
        node = code
        while node is not None:
            pairs.append((code, node))
            node = parent.get(node)
    return pd.DataFrame(pairs, columns=["district_code", "ancestor"])


def _ts(x) -> pd.Timestamp:
    return pd.Timestamp(x)


def _in_scope(values: pd.Series, wanted) -> pd.Series:
    """Scope filter: NULL (missing) never matches a wanted list (list_contains(.., NULL))."""
    if wanted is None:
        return pd.Series(True, index=values.index)
    return values.isin(list(wanted)) & values.notna()


def _with_enterprise(frame: pd.DataFrame, ent: pd.DataFrame, scope: dict) -> pd.DataFrame:
    """Rows of ``frame`` whose enterprise (left join on the register) is in scope."""
    keys = [k for k in ENTERPRISE_SCOPE if scope.get(k) is not None]
    if not keys:
        return frame
    attrs = ent[["enterprise_id", *keys]].drop_duplicates("enterprise_id")
    attrs = attrs.rename(columns={k: f"_e_{k}" for k in keys})
    merged = frame.merge(attrs, on="enterprise_id", how="left")
    mask = pd.Series(True, index=merged.index)
    for key in keys:
        mask &= _in_scope(merged[f"_e_{key}"], scope[key])
    return merged[mask.to_numpy()]


def _rolled(num: pd.Series, den: pd.Series, tree: pd.DataFrame) -> dict:
    """{unit code or None (total): (numerator, denominator)}: own counts per district_code
    summed over each unit's subtree; the total over every row (also those outside the tree)."""
    own = pd.DataFrame({"n": num, "d": den}).fillna(0)
    own.index.name = "district_code"
    total = (int(own["n"].sum()), int(own["d"].sum()))
    own = own.reset_index()
    own = own[own["district_code"].notna()]
    up = tree.merge(own, on="district_code", how="inner").groupby("ancestor")[["n", "d"]].sum()
    out = {code: (int(r.n), int(r.d)) for code, r in up.iterrows()}
    out[None] = total
    return out


def _group(frame: pd.DataFrame, flag: pd.Series | None = None, weight: str | None = None):
    """(numerator, denominator) Series by district_code (NaN codes kept as their own group)."""
    key = frame["district_code"].fillna("\x00")
    den = frame[weight].groupby(key).sum() if weight else key.groupby(key).size()
    num = flag.astype("int64").groupby(key).sum() if flag is not None else den * 0
    for s in (num, den):
        s.index = s.index.where(s.index != "\x00", None)
    return num, den


def counts(frames: dict, target, day: dt.date, vocab: dict, tree: pd.DataFrame) -> dict:
    """{unit code or None (total): (numerator, denominator)} at evaluation date ``day``."""
    ent = frames["curated_enterprises"]
    active = vocab["default_enterprise_status"]
    scope = target.scope
    day = _ts(day)
    start = _ts(target.window_start)
    metric = target.metric

    if metric == "unannounced_drill_share":
        d = _with_enterprise(frames["curated_drills"], ent, scope)
        d = d[(d["drill_date"] >= start) & (d["drill_date"] <= day)]
        flag = (
            d["no_advance_notice"].fillna(False).astype(bool)
            & d["no_script"].fillna(False).astype(bool)
            & d["no_preset_scenario"].fillna(False).astype(bool)
            & d["no_preset_location"].fillna(False).astype(bool)
        )
        return _rolled(*_group(d, flag), tree)

    if metric == "video_coverage":
        v = _with_enterprise(frames["curated_video_sites"], ent, scope)
        v = v[v["high_consequence"].fillna(False).astype(bool)]
        installed = v["installed_date"]
        ok = v["video_installed"].fillna(False).astype(bool) & (
            installed.isna() | (installed <= day)
        )
        return _rolled(*_group(v, ok), tree)

    if metric == "training_completion":
        p = frames["curated_training_plan"]
        p = p[p["task"] > 0]
        status = p[["enterprise_id"]].merge(
            ent[["enterprise_id", "status"]].drop_duplicates("enterprise_id"),
            on="enterprise_id",
            how="left",
        )["status"]
        p = p[(status.isna() | (status == active)).to_numpy()]
        p = _with_enterprise(p, ent, scope)
        if scope.get("category") is not None:
            p = p[_in_scope(p["category"], scope["category"])]
        p = p.reset_index(drop=True)
        p["plan_row"] = p.index
        p["cycle_month"] = (
            pd.to_datetime(p["cycle_start"].fillna(_ts(vocab["training_cycle_start"])))
            .dt.to_period("M")
            .dt.to_timestamp()
        )
        c = frames["curated_training_counts"]
        c = c[c["month"] <= day.to_period("M").to_timestamp()]
        j = p[["plan_row", "enterprise_id", "category", "cycle_month"]].merge(
            c[["enterprise_id", "category", "month", "trained"]], on=["enterprise_id", "category"]
        )
        j = j[j["month"] >= j["cycle_month"]]
        trained = j.groupby("plan_row")["trained"].sum()
        p["capped"] = pd.concat([p["plan_row"].map(trained).fillna(0), p["task"]], axis=1).min(
            axis=1
        )
        num, den = _group(p, weight="task")
        num = p["capped"].groupby(p["district_code"].fillna("\x00")).sum()
        num.index = num.index.where(num.index != "\x00", None)
        return _rolled(num, den, tree)

    if metric in (
        "major_hazard_rectification",
        "major_hazard_closure",
        "five_point_completeness",
        "supervision_coverage",
    ):
        h = _with_enterprise(frames["curated_hazards"], ent, scope)
        for key in ("source", "level"):
            if scope.get(key) is not None:
                h = h[_in_scope(h[key], scope[key])]
        h = h[(h["level"] == "major") & (h["found_date"] >= start) & (h["found_date"] <= day)]
        if metric == "major_hazard_rectification":
            flag = h["rectified_date"] <= day
        elif metric == "major_hazard_closure":
            flag = h["closed_date"] <= day
        elif metric == "five_point_completeness":
            flag = h["five_point_complete"].fillna(False).astype(bool)
        else:
            flag = h["supervision"].notna() & (h["supervision"] != "none")
        return _rolled(*_group(h, flag.fillna(False)), tree)

    if metric == "open_major_hazards":
        h = _with_enterprise(frames["curated_hazards"], ent, scope)
        if scope.get("source") is not None:
            h = h[_in_scope(h["source"], scope["source"])]
        rect = h["rectified_date"]
        h = h[(h["level"] == "major") & (h["found_date"] <= day) & (rect.isna() | (rect > day))]
        n, _ = _group(h)
        n = h["district_code"].fillna("\x00").groupby(h["district_code"].fillna("\x00")).size()
        n.index = n.index.where(n.index != "\x00", None)
        return _rolled(n, n * 0, tree)

    if metric == "event_frequency":
        return _event_frequency(frames, target, day, start, active, tree)

    raise ValueError(f"the baseline has no {metric}")


def _period_start(dates: pd.Series, per: str) -> pd.Series:
    year = dates.dt.year
    if per == "year":
        month = 1
    elif per == "half_year":
        month = (dates.dt.month > 6) * 6 + 1
    elif per == "quarter":
        month = (dates.dt.month - 1) // 3 * 3 + 1
    else:
        month = dates.dt.month
    return pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}))


def _n_periods(start: pd.Timestamp, day: pd.Timestamp, per: str) -> int:
    """Calendar periods of kind ``per`` overlapping [start, day]."""
    months = {"year": 12, "half_year": 6, "quarter": 3, "month": 1}[per]
    first = _period_start(pd.Series([start]), per)[0]
    span = (day.year - first.year) * 12 + day.month - first.month
    return span // months + 1


def _event_frequency(frames, target, day, start, active, tree) -> dict:
    prm = target.parameters
    if prm.get("dataset", "drills") != "drills":
        raise ValueError("the baseline counts drills only")
    ent = frames["curated_enterprises"]
    firms = ent[ent["status"] == active]
    for key in ENTERPRISE_SCOPE:
        if target.scope.get(key) is not None:
            firms = firms[_in_scope(firms[key], target.scope[key])]
    high = firms["high_risk"].fillna(False).astype(bool)
    per_all = prm["per"]
    per_high = prm.get("per_high_risk") or per_all
    req_all = prm["required"]
    req_high = prm.get("required_high_risk")
    req_high = req_all if req_high is None else req_high
    firms = firms.assign(
        per=high.map({True: per_high, False: per_all}),
        required=high.map({True: req_high, False: req_all}),
    )
    if day < start:
        meets = pd.Series(False, index=firms.index)  # no periods: no row counted
        firms = firms.iloc[0:0]
    else:
        d = frames["curated_drills"]
        types = prm.get("types")
        if types:
            d = d[d["drill_type"].isin(types)]
        if prm.get("evaluated_only"):
            d = d[d["evaluated"].fillna(False).astype(bool)]
        d = d[(d["drill_date"] >= start) & (d["drill_date"] <= day) & d["enterprise_id"].notna()]
        meets = pd.Series(False, index=firms.index)
        for per in firms["per"].unique():
            mine = firms[firms["per"] == per]
            periods = _n_periods(start, day, per)
            per_period = (
                d.assign(p=_period_start(d["drill_date"], per))
                .groupby(["enterprise_id", "p"])
                .size()
                .rename("events")
                .reset_index()
            )
            req = mine.set_index("enterprise_id")["required"]
            per_period["ok"] = per_period["events"] >= per_period["enterprise_id"].map(req)
            good = per_period[per_period["ok"]].groupby("enterprise_id").size()
            got = mine["enterprise_id"].map(good).fillna(0)
            meets.loc[mine.index] = (got >= periods) | (mine["required"] <= 0)
    return _rolled(*_group(firms, meets), tree)


# ---------------------------------------------------------------------------------------------
# statistics (DATA_SPEC 6.7, 6.8) and the assessment (6.9), as an analyst would write them
# ---------------------------------------------------------------------------------------------

STATS_TABLES = ("curated_enterprises", "curated_accidents", "curated_inspections")
SERIOUS = ("较大", "重大", "特别重大")
TOTAL = "~total"  # the total's group key ("\x00" is cut to "" by pandas' string columns)


def load_stats(con) -> dict[str, pd.DataFrame]:
    return {t: con.sql(f"SELECT * FROM {t}").df() for t in STATS_TABLES}


def stat_spans(as_of: dt.date) -> dict[tuple[str, str], tuple[pd.Timestamp, pd.Timestamp]]:
    """(span, period) -> (start, end); a year earlier by pandas' DateOffset (02-29 -> 02-28)."""
    a = _ts(as_of)
    b = a - pd.DateOffset(years=1)
    return {
        ("ytd", "cur"): (a.replace(month=1, day=1), a),
        ("month", "cur"): (a.replace(day=1), a),
        ("ytd", "prev"): (b.replace(month=1, day=1), b),
        ("month", "prev"): (b.replace(day=1), b),
    }


def _up(rows: pd.DataFrame, tree: pd.DataFrame) -> pd.DataFrame:
    """Each row once per ancestor of its unit (``ancestor``), plus once for the total (None)."""
    rolled = tree.merge(rows, on="district_code", how="inner")
    return pd.concat([rolled, rows.assign(ancestor=None)], ignore_index=True)


def accident_figures(frames: dict, as_of: dt.date, tree: pd.DataFrame) -> dict:
    """{(unit or None, span, period): (accidents, deaths, injuries, direct_loss, {level: n})}."""
    a = frames["curated_accidents"]
    out = {}
    for (span, period), (start, end) in stat_spans(as_of).items():
        part = _up(a[(a["accident_date"] >= start) & (a["accident_date"] <= end)], tree)
        key = part["ancestor"].fillna(TOTAL)
        sums = part.groupby(key).agg(
            n=("accident_id", "size"), deaths=("deaths", "sum"), injuries=("injuries", "sum"),
            loss=("direct_loss", "sum"),
        )  # fmt: skip
        levels = part.groupby([key, part["level"]]).size()
        for code, r in sums.iterrows():
            by_level = {lvl: int(n) for lvl, n in levels.loc[code].items()}
            unit = None if code == TOTAL else code
            out[(unit, span, period)] = (
                int(r.n),
                int(r.deaths),
                int(r.injuries),
                round(float(r.loss), 4),
                by_level,
            )
    return out


ENFORCEMENT_COLUMNS = {
    "unannounced_enforcement": "unannounced", "cases_filed": "case_filed", "penalty": "penalty",
    "suspensions": "suspension", "off_site": "off_site", "hazards_found": "hazards_found",
    "major_hazards_found": "major_hazards_found",
}  # fmt: skip


def enforcement_figures(frames: dict, as_of: dt.date, tree: pd.DataFrame) -> dict:
    """{(unit or None, span, period): {figure: value or None}} of stats enforcement."""
    i = frames["curated_inspections"].copy()
    i["enterprise"] = i["enterprise_id"].fillna(i["enterprise_name"])
    everything = _up(i, tree)
    carried = everything.groupby(everything["ancestor"].fillna(TOTAL)).agg(
        **{
            f: (column, lambda s: bool(s.notna().any()))
            for f, column in ENFORCEMENT_COLUMNS.items()
        }
    )
    out = {}
    for (span, period), (start, end) in stat_spans(as_of).items():
        part = _up(i[(i["inspection_date"] >= start) & (i["inspection_date"] <= end)], tree)
        enforcement = part["kind"] == "执法检查"
        part = part.assign(
            enforcement=enforcement,
            unannounced_enforcement=enforcement & part["unannounced"].fillna(False).astype(bool),
            cases_filed=part["case_filed"].fillna(False).astype(bool),
            suspensions=part["suspension"].fillna(False).astype(bool),
            off_site=part["off_site"].fillna(False).astype(bool),
        )
        key = part["ancestor"].fillna(TOTAL)
        sums = part.groupby(key).agg(
            inspections=("kind", "size"), enterprises_inspected=("enterprise", "nunique"),
            enforcement=("enforcement", "sum"),
            unannounced_enforcement=("unannounced_enforcement", "sum"),
            cases_filed=("cases_filed", "sum"), penalty=("penalty", "sum"),
            suspensions=("suspensions", "sum"), off_site=("off_site", "sum"),
            hazards_found=("hazards_found", "sum"), major_hazards_found=("major_hazards_found", "sum"),
        )  # fmt: skip
        for code, r in sums.iterrows():
            has = carried.loc[code]
            figures = {}
            for name, value in r.items():
                if name in ENFORCEMENT_COLUMNS and not has[name]:
                    figures[name] = None
                elif name == "penalty":
                    figures[name] = round(float(value), 4)
                else:
                    figures[name] = int(value)
            out[(None if code == TOTAL else code, span, period)] = figures
    return out


def scores(
    frames: dict, stats_frames: dict, targets, assessment, as_of, vocab, tree, parents: dict
) -> dict:
    """{unit or None: (score, grade, rank)} of the assessment from the counts at E of every
    target in force (pandas), the 较大+ accidents of A's year (the veto) and the weights."""
    from fractions import Fraction

    points, weights = {}, {}
    in_force = [t for t in targets if t.window_start <= as_of <= t.deadline]
    for target in in_force:
        got = counts(frames, target, target.eval_date(as_of), vocab, tree)
        for unit in list(parents) + [None]:
            n, d = got.get(unit, (0, 0))
            if target.is_count:
                credit = Fraction(1 if n <= target.threshold else 0)
            elif d == 0:
                credit = Fraction(0)
            else:
                credit = min(Fraction(n, d) / target.threshold, Fraction(1))
            w = assessment.weight(unit, target.id)
            points[unit] = points.get(unit, 0) + w * credit
            weights[unit] = weights.get(unit, 0) + w
    a = stats_frames["curated_accidents"]
    year = a[
        (a["accident_date"] >= _ts(dt.date(as_of.year, 1, 1))) & (a["accident_date"] <= _ts(as_of))
    ]
    serious = _up(year[year["level"].isin(SERIOUS)], tree)
    vetoed = (
        set(serious["ancestor"].fillna(TOTAL))
        if "serious_accident" in assessment.veto_rules
        else set()
    )
    table = pd.DataFrame(
        {
            "unit": [TOTAL if u is None else u for u in points],
            "score": [
                None if weights[u] == 0 else float(Fraction(int(points[u] / weights[u] * 1000), 10))
                for u in points
            ],
        }
    )
    table["vetoed"] = table["unit"].isin(vetoed)
    table["parent"] = [parents.get(u) or "" if u != TOTAL else TOTAL for u in table["unit"]]
    table["order"] = table["score"].fillna(-1) - table["vetoed"] * 1000
    table["rank"] = table.groupby(table["parent"].fillna(TOTAL))["order"].rank(
        method="min", ascending=False
    )
    out = {}
    for r in table.itertuples():
        grade = (
            "一票否决"
            if r.vetoed
            else assessment.grade(
                None if r.score is None or pd.isna(r.score) else Fraction(str(r.score)), False
            )
        )
        out[None if r.unit == TOTAL else r.unit] = (
            r.score,
            grade,
            None if r.unit == TOTAL else int(r.rank),
        )
    return out
