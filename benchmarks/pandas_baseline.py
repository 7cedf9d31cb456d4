"""The attainment figures computed with plain pandas, as the benchmark's baseline.

Same definitions as sql/metric_*.sql (DATA_SPEC section 6), written the way an analyst
would in pandas; the benchmark checks that both give the same numerators and denominators."""

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


def load(con) -> dict[str, pd.DataFrame]:
    return {t: con.sql(f"SELECT * FROM {t}").df() for t in TABLES}


def _scoped(frame: pd.DataFrame, ent: pd.DataFrame, scope: dict) -> pd.DataFrame:
    if not scope:
        return frame
    merged = frame.merge(
        ent[["enterprise_id", *scope]], on="enterprise_id", how="left", suffixes=("", "_e")
    )
    mask = pd.Series(True, index=merged.index)
    for key, value in scope.items():
        mask &= merged[key if key not in frame.columns else f"{key}_e"] == value
    return merged[mask]


def _by_district(num: pd.Series, den: pd.Series) -> dict:
    out = {code: (int(num.get(code, 0)), int(den[code])) for code in den.index}
    out[None] = (int(num.sum()), int(den.sum()))
    return out


def counts(frames: dict, target, day: dt.date, vocab: dict) -> dict:
    """{district_code or None (total): (numerator, denominator)} at evaluation date ``day``."""
    ent = frames["curated_enterprises"]
    day = pd.Timestamp(day)
    start = pd.Timestamp(target.window_start)
    if target.metric == "unannounced_drill_share":
        d = _scoped(frames["curated_drills"], ent, target.scope)
        d = d[(pd.to_datetime(d["drill_date"]) >= start) & (pd.to_datetime(d["drill_date"]) <= day)]
        flag = (
            d["no_advance_notice"].fillna(False)
            & d["no_script"].fillna(False)
            & d["no_preset_scenario"].fillna(False)
            & d["no_preset_location"].fillna(False)
        ).astype(bool)
        return _by_district(
            flag.groupby(d["district_code"]).sum(), d.groupby("district_code").size()
        )
    if target.metric == "video_coverage":
        v = _scoped(frames["curated_video_sites"], ent, target.scope)
        v = v[v["high_consequence"] == True]  # noqa: E712
        installed = pd.to_datetime(v["installed_date"])
        ok = (v["video_installed"] == True) & (installed.isna() | (installed <= day))  # noqa: E712
        return _by_district(ok.groupby(v["district_code"]).sum(), v.groupby("district_code").size())
    if target.metric == "training_completion":
        p = _scoped(frames["curated_training_plan"], ent, target.scope)
        p = p[p["task"] > 0].copy()
        p["cycle_month"] = pd.to_datetime(
            p["cycle_start"].fillna(vocab["training_cycle_start"])
        ).dt.to_period("M")
        c = frames["curated_training_counts"].copy()
        c["m"] = pd.to_datetime(c["month"]).dt.to_period("M")
        c = c[c["m"] <= day.to_period("M")]
        j = p[["enterprise_id", "category", "cycle_month"]].merge(
            c, on=["enterprise_id", "category"]
        )
        j = j[j["m"] >= j["cycle_month"]]
        trained = j.groupby(["enterprise_id", "category"])["trained"].sum()
        p = p.join(trained, on=["enterprise_id", "category"])
        p["capped"] = p[["trained", "task"]].fillna(0).min(axis=1)
        return _by_district(
            p.groupby("district_code")["capped"].sum(), p.groupby("district_code")["task"].sum()
        )
    if target.metric == "major_hazard_rectification":
        h = _scoped(frames["curated_hazards"], ent, target.scope)
        found = pd.to_datetime(h["found_date"])
        h = h[(h["level"] == "major") & (found >= start) & (found <= day)]
        ok = pd.to_datetime(h["rectified_date"]) <= day
        return _by_district(ok.groupby(h["district_code"]).sum(), h.groupby("district_code").size())
    if target.metric == "evacuation_drill_coverage":
        firms = ent[ent["status"] == vocab["default_enterprise_status"]]
        for key, value in target.scope.items():
            firms = firms[firms[key] == value]
        d = frames["curated_drills"]
        when = pd.to_datetime(d["drill_date"])
        d = d[(d["drill_type"] == vocab["evacuation_drill_type"]) & (when >= start) & (when <= day)]
        n = d.groupby("enterprise_id").size()
        drills = firms["enterprise_id"].map(n).fillna(0)
        need = (
            firms["high_risk"]
            .map({True: vocab["evacuation_drills_required_high_risk"]})
            .fillna(vocab["evacuation_drills_required"])
        )
        meets = drills >= need
        return _by_district(
            meets.groupby(firms["district_code"]).sum(), firms.groupby("district_code").size()
        )
    raise ValueError(target.metric)
