"""The marts (sql/marts/): sums of the curated tables per unit, day or month that the metrics
read. A full curation rebuilds them; an incremental one remakes, for the marts of
sql/marts/incremental.toml, only the rows of the days or months the changed curated rows fall
in (sql/marts_update/<mart>.sql lists them from the temp tables changed_<dataset>), and
rebuilds the others."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files

from safetystats import sql

# what the placeholders of a mart's SQL are in a full rebuild (an incremental one's are in
# marts/incremental.toml)
_FULL = {"scope": "", "scope_pairs": "", "hazards": "curated_hazards"}


@cache
def incremental() -> dict[str, dict]:
    """The marts updated by scope, with their column and conditions (marts/incremental.toml)."""
    text = files(sql).joinpath("marts", "incremental.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def changed_datasets() -> set[str]:
    """The datasets whose changed curated rows the scopes read (changed_<dataset>)."""
    return {d for scoped in incremental().values() for d in scoped.get("changed", {})}


def columns_before(dataset: str) -> list[str]:
    """The columns of the changed rows of ``dataset`` as they were that the scopes read."""
    wanted = (scoped.get("changed", {}).get(dataset, []) for scoped in incremental().values())
    return sorted({column for columns in wanted for column in columns})


def _run(con, text: str, values: dict) -> None:
    con.execute(text, sql.bind(text, values))


def build(con, values: dict, changed: bool = False) -> None:
    """Every mart and macro of sql/marts/: rebuilt, or (``changed``: after an incremental
    curation that left the temp tables changed_<dataset>) updated by scope."""
    for name in sql.names_in("marts"):
        mart = name.removeprefix("marts/")
        scoped = incremental().get(mart) if changed else None
        text = sql.load_sql(name)
        if not mart.startswith("mart_"):  # a macro: no placeholders
            _run(con, text, values)
        elif scoped is None:
            _run(con, text.format(table=f'TABLE "{mart}"', **_FULL), values)
        else:
            _update(con, mart, text, scoped, values)


def _update(con, mart: str, text: str, scoped: dict, values: dict) -> None:
    """The mart's rows of the values in scope deleted and made again."""
    con.execute(sql.load_sql(f"marts_update/{mart}"))
    conditions = _FULL | {k: v for k, v in scoped.items() if k not in ("column", "changed")}
    _run(con, text.format(table="TEMP TABLE mart_part", **conditions), values)
    column = scoped["column"]
    con.execute(sql.load_sql("marts_update/_delete").format(mart=mart, column=column))
    con.execute(sql.load_sql("marts_update/_insert").format(mart=mart))
