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
