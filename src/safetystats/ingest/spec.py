"""Dataset specs (config/datasets.toml) as objects, and the typed parser of each column."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import polars as pl

from safetystats import normalize as V
from safetystats.config import ConfigError, Settings

TEXT_TYPES = {"id", "text", "name", "district"}
POLARS_TYPES = {
    "id": pl.String,
    "text": pl.String,
    "name": pl.String,
    "district": pl.String,
    "industry": pl.String,
    "category": pl.String,
    "bool": pl.Boolean,
    "int": pl.Int64,
    "number": pl.Float64,
    "date": pl.Date,
    "month": pl.Date,
}
SQL_TYPES = {
    pl.String: "VARCHAR",
    pl.Boolean: "BOOLEAN",
    pl.Int64: "BIGINT",
    pl.Float64: "DOUBLE",
    pl.Date: "DATE",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    headers: tuple[str, ...]
    unknown: str = "error"
    unknown_value: str | None = None

    @property
    def dtype(self):
        return pl.String if self.type.startswith("enum:") else POLARS_TYPES[self.type]

    @property
    def keeps_raw(self) -> bool:
        """Typed columns keep the raw text of a cell they could not read, in ``<name>__raw``."""
        return self.type not in TEXT_TYPES

    @property
    def raw_name(self) -> str:
        return f"{self.name}__raw"


@dataclass
class DatasetSpec:
    name: str
    label_zh: str
    key: list[str]
    columns: list[Column]
    fill_from: dict[str, str] = field(default_factory=dict)

    @cached_property
    def header_map(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for col in self.columns:
            for header in (col.name, *col.headers):
                out.setdefault(V.normalize_header(header), col.name)
        return out

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def stored_columns(self) -> list[tuple[str, object]]:
        """(name, polars dtype) of the stored table, without the bookkeeping columns."""
        out = [(c.name, c.dtype) for c in self.columns]
        out += [(c.raw_name, pl.String) for c in self.columns if c.keeps_raw]
        return out


def load_specs(settings: Settings) -> dict[str, DatasetSpec]:
    data = settings.datasets
    families = data.get("families", {})
    specs = {}
    for name, body in data["datasets"].items():
        columns = []
        for c in body["columns"]:
            headers = c.get("headers", families.get(c["name"]))
            if headers is None:
                raise ConfigError(f"datasets.toml: {name}.{c['name']} has no headers")
            columns.append(
                Column(
                    c["name"],
                    c["type"],
                    c.get("required", False),
                    tuple(headers),
                    c.get("unknown", "error"),
                    c.get("unknown_value"),
                )
            )
        specs[name] = DatasetSpec(
            name, body.get("label_zh", name), body["key"], columns, body.get("fill_from", {})
        )
    return specs


def parser_for(column: Column, settings: Settings):
    """A function text -> value | INVALID for the column's type."""
    voc = settings.vocab
    kind = column.type
    if kind == "bool":
        return V.make_bool_parser(voc["booleans"])
    if kind == "int":
        return V.parse_int
    if kind == "number":
        return lambda t: v if (v := V.parse_number(t)) is V.INVALID else float(v)
    if kind == "date":
        return V.parse_date
    if kind == "month":
        return V.parse_month
    if kind == "category":
        return V.make_lookup({c: [] for c in voc["training_categories"]})
    if kind == "industry":
        return V.make_lookup({c: [] for c in voc["industries"]})
    if kind.startswith("enum:"):
        groups = voc["enums"].get(kind[5:])
        if groups is None:
            raise ConfigError(f"datasets.toml: {column.name} uses unknown vocabulary {kind}")
        return V.make_lookup(groups)
    raise ConfigError(f"datasets.toml: {column.name} has unknown type {kind}")
