"""The command line's shared parts: the consoles, the Typer whose every command answers the
errors of :data:`safetystats.errors.EXIT_CODES` with their message and exit code, and the
options several commands take, each checked once (a wrong value is exit 2 with a bilingual
message)."""

from __future__ import annotations

import functools
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from safetystats.config import LANGS
from safetystats.errors import exit_for

console = Console(width=None if Console().is_terminal else 160)
err = Console(stderr=True, width=None if Console(stderr=True).is_terminal else 160)


def failed(exc: BaseException) -> int | None:
    """Print the message of an error a user can cause and return its exit code (None: not
    one of them, a bug that keeps its traceback)."""
    found = exit_for(exc)
    if found is None:
        return None
    err.print(f"[red]{escape(found[1])}[/red]")
    return found[0]


class App(typer.Typer):
    """A Typer whose every command answers the errors of errors.EXIT_CODES with their
    message and exit code."""

    def command(self, *args, **kwargs):
        register = super().command(*args, **kwargs)

        def wrap(fn):
            @functools.wraps(fn)
            def run(*a, **kw):
                try:
                    return fn(*a, **kw)
                except Exception as exc:
                    code = failed(exc)
                    if code is None:
                        raise
                    raise typer.Exit(code) from exc

            return register(run)

        return wrap


def one_of(*allowed: str):
    """An option callback: the value is one of ``allowed`` (or not given), else exit 2."""

    def check(value):
        if value is not None and value not in allowed:
            raise typer.BadParameter(
                f"{value!r} 无效，可选 {'、'.join(allowed)} / must be one of {', '.join(allowed)}"
            )
        return value

    return check


def as_date(value: str | None):
    """--as-of: a date, not after today (exit 2 otherwise)."""
    import datetime as dt

    from safetystats.normalize import clean_text, parse_date

    if value is None:
        return None
    parsed = parse_date(clean_text(value) or "")
    if not isinstance(parsed, dt.date):
        raise typer.BadParameter(f"{value!r} 不是日期 / is not a date (YYYY-MM-DD)")
    if parsed > dt.date.today():
        raise typer.BadParameter(f"{parsed} 晚于今天 / is after today: nothing to report yet")
    return parsed


def scale_name(value: str | None) -> str | None:
    """--scale, --sample-scale: a scale of the sample (exit 2 otherwise)."""
    from safetystats.sample.scales import SCALES  # not the generators

    return one_of(*SCALES)(value)


def package_version() -> str:
    """The installed package's version (its metadata; the source's when not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("safetystats")
    except PackageNotFoundError:
        from safetystats import __version__

        return __version__


def show_version(value: bool) -> None:
    if value:
        console.print(f"safetystats {package_version()}")
        raise typer.Exit()


# options shared by several commands, each checked once (a wrong value is exit 2)
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="YYYY-MM-DD; default: the latest event date", callback=as_date),
]  # the command is given a date (or None)
Units = Annotated[
    list[str] | None,
    typer.Option(help="a unit (any spelling the registry resolves, or the total); repeat"),
]
Format = Annotated[
    str,
    typer.Option("--format", help="table | csv | json", callback=one_of("table", "csv", "json")),
]
Lang = Annotated[
    str | None,
    typer.Option(help="zh | en; default: report.lang of the config", callback=one_of(*LANGS)),
]
Jobs = Annotated[
    int | None,
    typer.Option(min=1, help="notebooks run in parallel; default: the core count"),
]
Pdf = Annotated[bool, typer.Option("--pdf", help="also print each page to A4 PDF")]
Compare = Annotated[
    str | None,
    typer.Option(
        "--compare",
        help="YYYY-MM-DD: what changed since then (default: the latest earlier run's as-of)",
        callback=as_date,
    ),
]
Force = Annotated[bool, typer.Option("--force", help="redo bulletins whose inputs did not change")]


def statistics_kind(value: str) -> str:
    """stats KIND: accidents, enforcement or hazards (exit 2 otherwise)."""
    from safetystats.stats import statistics

    return one_of(*statistics.KINDS)(value)
