"""SQL files of the package, one view or table per file, loaded by name."""

from importlib.resources import files


def load_sql(name: str) -> str:
    return files(__name__).joinpath(f"{name}.sql").read_text(encoding="utf-8")
