"""Accident statistics (事故统计, DATA_SPEC 6.7): per unit and the total, for the year to date and
the month of A, with the same spans a year earlier and the change (同比); by level and by
industry; the accidents of level 较大 or worse. Every figure is None ("—") when no accident
ledger was ever loaded: a zero means "none reported", never "not loaded"."""

from __future__ import annotations

import datetime as dt

from safetystats.config import Settings
from safetystats.metrics import engine
from safetystats.stats import rows as r

FIELDS = ["accidents", "deaths", "injuries", "direct_loss"]


def serious_levels(settings: Settings) -> list[str]:
    """The levels of a serious accident (较大 and worse, thresholds.toml), as the warnings."""
    return settings.thresholds["accident_warnings"]["serious_levels"]


def levels(settings: Settings) -> list[str]:
    """The canonical accident levels (一般, 较大, 重大, 特别重大), the keys of ``by_level``."""
    return list(settings.vocab["enums"]["accident_level"])


@engine._reads_store
def accident_statistics(
    settings: Settings | None = None,
    as_of: dt.date | str | None = None,
    district: list[str] | str | None = None,
    lang: str | None = None,
    con=None,
) -> list[dict]:
    """One row per unit (every registry unit, or those named) and the total × span (ytd, month):
    the row keys of ``stats accidents --format json`` (DATA_SPEC 7) and ``change``."""
    lang, places, as_of = engine._places(settings, as_of, district, lang, con)
    frame = r.query(con, "accident_counts", settings, as_of)
    serious = r.query(
        con, "serious_accidents", settings, as_of, serious_levels=serious_levels(settings)
    )
    loaded = frame.height > 0 or r.ledger_loaded(con, "accidents")
    rows = r.span_rows(places, as_of, r.keyed(frame), FIELDS, lambda place, field: loaded)
    keys = levels(settings)
    r.attach(
        rows, "by_level", r.breakdown(frame, "level", "accidents", keys), keys, lambda _: loaded
    )
    r.attach(
        rows, "by_industry", r.breakdown(frame, "industry", "accidents", []), [], lambda _: loaded
    )
    names = {u.code: u.name for u in settings.registry.districts}
    listed: dict = {}
    for a in serious.iter_rows(named=True):
        listed.setdefault((None if a["is_total"] else a["district_code"], a["span"]), []).append(
            {
                "accident_id": a["accident_id"],
                "date": a["accident_date"].isoformat(),
                "district": names.get(a["unit_code"], a["unit_code"]),
                "enterprise_name": a["enterprise_name"],
                "level": a["level"],
                "deaths": int(a["deaths"]),
            }
        )
    for row in rows:
        row["serious"] = listed.get((row["district_code"], row["span"]), []) if loaded else None
    return rows
