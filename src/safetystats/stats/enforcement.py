"""Enforcement statistics (执法统计, DATA_SPEC 6.8) from the inspections: per unit and the total,
for the year to date and the month of A, a year earlier and the change. A figure whose column
none of the unit's inspection records carries (its own and its descendants', any date) is None
("—"); a unit that carries it but had no inspection in a span gets 0 there."""

from __future__ import annotations

import datetime as dt

from safetystats.config import Settings
from safetystats.metrics import engine
from safetystats.sql import load_sql
from safetystats.stats import rows as r

COUNTS = ["inspections", "enterprises_inspected", "enforcement"]  # known with the ledger
COLUMNS = [  # known where the unit's records carry the column (enforcement_columns.sql)
    "unannounced_enforcement",
    "cases_filed",
    "penalty",
    "suspensions",
    "off_site",
    "hazards_found",
    "major_hazards_found",
]
FIELDS = COUNTS + COLUMNS


def kinds(settings: Settings) -> list[str]:
    """The canonical inspection kinds, the keys of ``by_kind``."""
    return list(settings.vocab["enums"]["inspection_kind"])


@engine._reads_store
def enforcement_statistics(
    settings: Settings | None = None,
    as_of: dt.date | str | None = None,
    district: list[str] | str | None = None,
    lang: str | None = None,
    con=None,
) -> list[dict]:
    """One row per unit (every registry unit, or those named) and the total × span (ytd, month):
    the row keys of ``stats enforcement --format json`` (DATA_SPEC 7), ``unannounced_share``
    (of 执法检查) and ``change``."""
    lang, places, as_of = engine._places(settings, as_of, district, lang, con)
    con.execute(load_sql("stats/stat_inspections"))  # every column, also in an older store
    frame = r.query(con, "enforcement_counts", settings, as_of)
    counts = r.keyed(frame)
    for e in r.query(con, "enforcement_enterprises", settings, as_of).iter_rows(named=True):
        key = (None if e["is_total"] else e["district_code"], e["span"], e["period"])
        counts[key]["enterprises_inspected"] = e["enterprises_inspected"]
    columns = r.query(con, "enforcement_columns", settings, as_of)
    carried = {
        (None if c["is_total"] else c["district_code"]): c for c in columns.iter_rows(named=True)
    }
    loaded = columns.height > 0 or r.ledger_loaded(con, "inspections")

    def known(place, field: str) -> bool:
        if field in COUNTS:
            return loaded
        return bool(carried.get(place.code, {}).get(field))

    rows = r.span_rows(places, as_of, counts, FIELDS, known)
    keys = kinds(settings)
    by_kind = r.breakdown(frame, "kind", "inspections", keys)
    r.attach(rows, "by_kind", by_kind, keys, lambda _: loaded)
    for row in rows:
        done, of = row["unannounced_enforcement"], row["enforcement"]
        row["unannounced_share"] = done / of if done is not None and of else None
    return rows
