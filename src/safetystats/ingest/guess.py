"""Which column a header no spelling matches probably is, by its meaning (DATA_SPEC 3.1).

A guess looks at the words a header contains (config/header_guesses.toml), never at its place
in the row, and only at headers that map to nothing else: a header that is a spelling of one
column is never offered as another. ``序号`` is a row number, not a key.
"""

from __future__ import annotations

from functools import cache

from safetystats import normalize as V
from safetystats.config import packaged


@cache
def _table() -> tuple[frozenset[str], dict[str, tuple[tuple[str, ...], ...]]]:
    data = packaged("header_guesses")
    rows = frozenset(V.normalize_header(h) for h in data["row_numbers"])
    words = {
        column: tuple(tuple(V.normalize_header(w) for w in entry.split("+")) for entry in entries)
        for column, entries in data["words"].items()
    }
    return rows, words


def is_row_number(header: str) -> bool:
    """A row-number header (序号): the table's key is derived, the column is not read."""
    return V.normalize_header(header) in _table()[0]


def fit(column: str, header: str) -> int:
    """How well a header's words say it is ``column``: the length of the longest set of the
    column's words the header holds all of; 0 when none."""
    text = V.normalize_header(header)
    return max(
        (
            sum(map(len, words))
            for words in _table()[1].get(column, ())
            if all(w in text for w in words)
        ),
        default=0,
    )


def guess(column: str, unused: list[str]) -> list[str]:
    """The unused headers that may be ``column``, best first (row numbers never)."""
    scored = [(fit(column, h), h) for h in unused if h and not is_row_number(h)]
    return [h for score, h in sorted(scored, key=lambda x: -x[0]) if score]


def could_be(header: str, columns: list[str]) -> list[str]:
    """The columns (of ``columns``) a header could map to by its words, best first."""
    scored = [(fit(c, header), c) for c in columns]
    return [c for score, c in sorted(scored, key=lambda x: -x[0]) if score]
