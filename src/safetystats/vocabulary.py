"""Controlled vocabularies with the user's additions, and the check of every table of
safetystats.toml that extends a packaged one (DATA_SPEC 3.1), made when settings load: a
misspelt ``[vocab.*]`` or ``[datasets.*]`` table is a ConfigError naming it, never ignored."""

from __future__ import annotations

from typing import TYPE_CHECKING

from safetystats.errors import ConfigError
from safetystats.normalize import vocab_key

if TYPE_CHECKING:
    from safetystats.config import Settings

DATASET_PARTS = ("headers", "values", "files")  # what [datasets.<name>.*] may hold
# the vocabulary a column type's values come from (an enum:<name> column: <name>)
TYPE_VOCABULARY = {"bool": "booleans", "category": "training_categories", "industry": "industries"}


def vocabulary(settings: Settings, name: str, extra: dict | None = None) -> dict:
    """{canonical: [spellings]} of one controlled vocabulary (industries, training_categories,
    booleans, or an enum of vocab.toml) with the user's ``[vocab.<name>]`` and ``extra`` added.
    A spelling of two canonical values is a ConfigError naming both."""
    voc = settings.vocab
    if name in ("industries", "training_categories"):
        base = {v: [] for v in voc[name]}
    elif name == "booleans":
        base = dict(voc["booleans"])
    elif name in voc["enums"]:
        base = dict(voc["enums"][name])
    else:
        known = ", ".join(["booleans", "industries", "training_categories", *voc["enums"]])
        raise ConfigError(f"[vocab.{name}]: unknown vocabulary (known: {known})")
    groups = {k: list(v) for k, v in base.items()}
    for origin, added in (
        (f"vocab.{name}", settings.extensions.get("vocab", {}).get(name, {})),
        (f"values of {name}", extra or {}),
    ):
        for canonical, spellings in added.items():
            if canonical not in groups:
                raise ConfigError(
                    f"[{origin}]: {canonical!r} is not a value of {name} (known: {', '.join(groups)})"
                )
            groups[canonical] += [spellings] if isinstance(spellings, str) else list(spellings)
    seen: dict[str, str] = {}
    for canonical, spellings in groups.items():
        for spelling in [canonical, *spellings]:
            key = vocab_key(spelling)
            if seen.setdefault(key, canonical) != canonical:
                raise ConfigError(
                    f"[vocab.{name}]: {spelling!r} would mean both {seen[key]!r} and {canonical!r}"
                )
    return groups


def column_vocabulary(column_type: str) -> str | None:
    """The vocabulary of a column type (``enum:level`` → ``level``), None for free values."""
    return column_type[5:] if column_type.startswith("enum:") else TYPE_VOCABULARY.get(column_type)


def check_extensions(settings: Settings) -> None:
    """Every ``[vocab.*]`` names a vocabulary, every ``[datasets.<name>.*]`` a dataset, a part
    and columns of it (a dataset's columns include those of the lists counted into it), and no
    spelling would mean two things; a ConfigError names the section to change."""
    for name in settings.extensions.get("vocab", {}):
        vocabulary(settings, name)
    for name, body in settings.extensions.get("datasets", {}).items():
        packaged = settings.datasets["datasets"]
        if name not in packaged:
            raise ConfigError(f"[datasets.{name}]: unknown dataset (known: {', '.join(packaged)})")
        types = {
            c["name"]: c["type"]
            for n, d in packaged.items()
            if name in (n, d.get("into"))
            for c in d["columns"]
        }
        for part in body:
            if part not in DATASET_PARTS:
                raise ConfigError(
                    f"[datasets.{name}.{part}]: unknown table (known: {', '.join(DATASET_PARTS)})"
                )
        for part in ("headers", "values"):
            for column in body.get(part, {}):
                if column not in types:
                    raise ConfigError(
                        f"[datasets.{name}.{part}]: unknown column {column!r} "
                        f"(known: {', '.join(sorted(types))})"
                    )
        for column, extra in body.get("values", {}).items():
            _check_values(settings, f"[datasets.{name}.values.{column}]", types[column], extra)


def _check_values(settings: Settings, section: str, column_type: str, extra: dict) -> None:
    vocab = column_vocabulary(column_type)
    if vocab is None:
        raise ConfigError(
            f"{section}: the column is a {column_type} column and takes no value spellings; "
            "remove this section from safetystats.toml"
        )
    try:
        vocabulary(settings, vocab, extra)
    except ConfigError as exc:
        raise ConfigError(f"{section}: {exc}; change that line of safetystats.toml") from exc
