"""Dataset specs (config/datasets.toml) as objects, and the typed parser of each column."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import polars as pl

from safetystats import normalize as V
from safetystats.config import Settings
from safetystats.errors import ConfigError
from safetystats.vocabulary import vocabulary

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
    extra_values: tuple = ()  # the user's ((canonical, (spellings...)), ...) for this column
    or_column: str | None = None  # required, unless this other column stands in for it
    units: tuple = ()  # ((header unit, divisor), ...): `罚款金额(元)` is divided into 万元
    added: tuple[str, ...] = ()  # the header spellings the user added in safetystats.toml

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
    derive_key: list[str] = field(default_factory=list)
    into: str | None = None  # a per-person table counted into this dataset
    derive_blank: bool = False  # a blank key cell is derived too (the id column is optional)
    flag_from: dict[str, dict] = field(default_factory=dict)  # bool column -> its text rule

    def provided(self, names: set[str]) -> set[str]:
        """The columns a table with columns ``names`` gives: its own and those filled from them."""
        return names | {t for t, s in self.fill_from.items() if s in names}

    def substitute(self, column: str) -> str | None:
        """The column that stands in for a required one when it is absent (or None)."""
        return next((c.or_column for c in self.columns if c.name == column), None)

    def can_derive(self, names: set[str]) -> bool:
        """Can the key be derived from the columns a table has: the fields of derive_key
        that identify a record (an enterprise, by code or name, and a date) are all there."""
        needed = [f for f in self.derive_key[:2]]
        return bool(needed) and all(
            ({"enterprise_id", "enterprise_name"} & names) if f == "enterprise" else f in names
            for f in needed
        )

    @cached_property
    def header_map(self) -> dict[str, str]:
        """Normalised header spelling -> column. A spelling of two columns is a ConfigError."""
        out: dict[str, str] = {}
        for col in sorted(self.columns, key=lambda c: bool(c.added)):  # the package's first
            for header in (col.name, *col.headers):
                key = V.normalize_header(header)
                if out.setdefault(key, col.name) != col.name:
                    raise ConfigError(self._ambiguous(header, out[key], col))
        return out

    def _ambiguous(self, header: str, first: str, col: Column) -> str:
        """A header spelling of two columns, naming the one line of safetystats.toml to change."""
        section = f"[datasets.{self.into or self.name}.headers]"
        if header in col.added:
            key = V.normalize_header(header)
            return (
                f"{section} {col.name} = [...]: {header!r} would be a spelling of both {first} "
                f"and {col.name} (read as {key!r}, already {first}'s); remove {header!r} from "
                f"the line {col.name} = [...] under "
                f"{section} in safetystats.toml / 表头“{header}”已是 {first} 的写法，请从该行删去"
            )
        return (
            f"datasets.{self.name}: the header {header!r} is a spelling of both {first} and "
            f"{col.name}; remove it from one of them under {section} in safetystats.toml"
        )

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def sql_column(self, name: str) -> str:
        """The column as a query over the table ``t`` names it, or NULL when the dataset has
        none (the checks and curation read enterprise and district columns of every dataset)."""
        return f't."{name}"' if any(c.name == name for c in self.columns) else "NULL::VARCHAR"

    def stored_columns(self) -> list[tuple[str, object]]:
        """(name, polars dtype) of the stored table, without the bookkeeping columns."""
        out = [(c.name, c.dtype) for c in self.columns]
        out += [(c.raw_name, pl.String) for c in self.columns if c.keeps_raw]
        return out


def _user_datasets(settings: Settings) -> dict:
    return settings.extensions.get("datasets", {})


def _user_spellings(user: dict, name: str, body: dict) -> dict:
    """The user's ``headers`` and ``values`` for a dataset. A table counted into another
    (a per-trainee list) takes those written for the dataset it is counted into, where the user
    writes them (``[datasets.training_counts.*]``), its ``into_columns`` named as there."""
    own = user.get(name, {})
    if not body.get("into"):
        return own
    into = user.get(body["into"], {})
    renamed = body.get("into_columns", {})
    out: dict[str, dict] = {"headers": {}, "values": {}}
    for column in (c["name"] for c in body["columns"]):
        sources = (into, own) if column not in renamed else (into, own, _renamed(into, renamed))
        for part in out:
            for source in sources:
                given = source.get(part, {}).get(column)
                if given is None:
                    continue
                if part == "values":
                    out[part].setdefault(column, {}).update(given)
                else:
                    given = [given] if isinstance(given, str) else list(given)
                    out[part][column] = out[part].get(column, []) + given
    return out


def _renamed(section: dict, renamed: dict[str, str]) -> dict:
    """A user's section with the columns of ``renamed`` ({ours: theirs}) under our names."""
    return {
        part: {
            ours: section[part][theirs]
            for ours, theirs in renamed.items()
            if theirs in section.get(part, {})
        }
        for part in ("headers", "values")
        if part in section
    }


def load_specs(settings: Settings, variants: bool = False) -> dict[str, DatasetSpec]:
    """The stored datasets of datasets.toml with the user's extra header and value spellings;
    with ``variants``, also the tables that are counted into one of them (per-person lists)."""
    data = settings.datasets
    user = _user_datasets(settings)
    families = data.get("families", {})
    specs = {}
    for name, body in data["datasets"].items():
        extra = _user_spellings(user, name, body)
        columns = []
        for c in body["columns"]:
            headers = c.get("headers", families.get(c["name"]))
            if headers is None:
                raise ConfigError(f"datasets.toml: {name}.{c['name']} has no headers")
            if not c["name"].isascii():  # an extra column named after its header
                headers = [c["name"], *headers]
            added = extra.get("headers", {}).get(c["name"], [])
            values = extra.get("values", {}).get(c["name"], {})
            columns.append(
                Column(
                    c["name"],
                    c["type"],
                    c.get("required", False),
                    tuple(headers) + tuple([added] if isinstance(added, str) else added),
                    c.get("unknown", "error"),
                    c.get("unknown_value"),
                    tuple((k, tuple(v)) for k, v in values.items()),
                    c.get("or_column"),
                    tuple(c.get("units", {}).items()),
                    tuple([added] if isinstance(added, str) else added),
                )
            )
        specs[name] = DatasetSpec(
            name,
            body.get("label_zh", name),
            body["key"],
            columns,
            body.get("fill_from", {}),
            body.get("derive_key", []),
            body.get("into"),
            body.get("derive_blank", False),
            body.get("flag_from", {}),
        )
    for spec in specs.values():
        spec.header_map  # noqa: B018 - a spelling of two columns fails here, at load time
    return specs if variants else {n: s for n, s in specs.items() if not s.into}


def parser_for(column: Column, settings: Settings):
    """A function text -> value | INVALID for the column's type."""
    kind = column.type
    extra = dict(column.extra_values)
    if kind == "bool":
        groups = vocabulary(settings, "booleans", extra)
        return V.make_lookup({True: groups["true"], False: groups["false"]})
    if kind == "int":
        return V.parse_int
    if kind == "number":
        return lambda t: v if (v := V.parse_number(t)) is V.INVALID else float(v)
    if kind == "date":
        return V.parse_date
    if kind == "month":
        return V.parse_month
    if kind == "category":
        return V.make_lookup(vocabulary(settings, "training_categories", extra))
    if (
        kind == "industry"
    ):  # the campaign's list, the user's spellings and GB/T 4754 names and codes
        groups = vocabulary(settings, "industries", extra)
        return V.make_industry_parser(list(groups), V.INDUSTRY_TABLE, groups)
    if kind.startswith("enum:"):
        if kind[5:] not in settings.vocab["enums"]:
            raise ConfigError(f"datasets.toml: {column.name} uses unknown vocabulary {kind}")
        return V.make_lookup(vocabulary(settings, kind[5:], extra))
    raise ConfigError(f"datasets.toml: {column.name} has unknown type {kind}")
