"""SQL files of the package, one view or table per file, loaded by name."""

import re
from importlib.resources import files

_PARAM = re.compile(r"\$([a-z_]+)")


def bind(sql: str, values: dict) -> dict:
    """The named parameters a SQL text uses, taken from ``values`` (DuckDB rejects extras)."""
    code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())  # not the comments
    return {name: values[name] for name in set(_PARAM.findall(code))}


def load_sql(name: str) -> str:
    return files(__name__).joinpath(f"{name}.sql").read_text(encoding="utf-8")


def load_statements(name: str) -> list[str]:
    """The statements of a SQL file, one by one (for files that build several tables)."""
    parts = load_sql(name).split(";\n")
    return [
        p.strip()
        for p in parts
        if any(line.strip() and not line.strip().startswith("--") for line in p.splitlines())
    ]
