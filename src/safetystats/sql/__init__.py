"""SQL files of the package, in layers (one object per file), loaded by path.

bookkeeping/  tables of the store itself: ingested files, held rows, state, quarantine
store/        questions about the store itself (tables, columns, row counts, schema version)
rules/        business rules written once, as macros (四不, open at a date, 五落实, the cap)
staging/      upsert of one file's rows into its dataset table
checks/       cross-dataset checks of validate, one rule per file
curated/      curated_<dataset> tables that metrics read, and their column tests
column_tests/ the column tests of schema.toml (unique, not null, accepted values)
marts/        aggregates the metrics sum over, and their column tests
marts_update/ the days or months of a mart an incremental curation remakes (incremental.toml)
metrics/      one query per metric: numerator and denominator per unit and date
report/       what bulletins and the analyst API show beside the targets
"""

import re
from importlib.resources import files

_PARAM = re.compile(r"\$([a-z_]+)")
_ROOT = files(__name__)


def bind(sql: str, values: dict) -> dict:
    """The named parameters a SQL text uses, taken from ``values`` (DuckDB rejects extras)."""
    code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())  # not the comments
    return {name: values[name] for name in set(_PARAM.findall(code))}


def exists(name: str) -> bool:
    return _ROOT.joinpath(f"{name}.sql").is_file()


def load_sql(name: str) -> str:
    """The text of sql/<name>.sql, e.g. ``load_sql("metrics/metric_video_coverage")``."""
    return _ROOT.joinpath(f"{name}.sql").read_text(encoding="utf-8")


def names_in(folder: str) -> list[str]:
    """The SQL files of one layer folder, as names for :func:`load_sql`, sorted."""
    return sorted(
        f"{folder}/{p.name.removesuffix('.sql')}"
        for p in _ROOT.joinpath(folder).iterdir()
        if p.name.endswith(".sql")
    )


def execute_folder(con, folder: str) -> None:
    """Run every file of a folder of idempotent statements (CREATE ... IF NOT EXISTS, macros)."""
    for name in names_in(folder):
        con.execute(load_sql(name))
