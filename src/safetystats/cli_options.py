"""The command line's shared parts: the consoles, the click group whose every command answers
the errors of :data:`safetystats.errors.EXIT_CODES` with their message and exit code, and the
options several commands take, each checked once (a wrong value is exit 2 with a bilingual
message).

click, not a layer above it: a command starts in about 0.3 s (Python, polars, DuckDB), and
typer's coercion of every option through pydantic added 0.1–0.15 s to each (docs/scaling.md).
"""

from __future__ import annotations

from pathlib import Path

import click
from click.exceptions import Exit
from rich.console import Console
from rich.markup import escape

from safetystats.config import LANGS
from safetystats.errors import exit_for

console = Console(width=None if Console().is_terminal else 160)
err = Console(stderr=True, width=None if Console(stderr=True).is_terminal else 160)
PATH = click.Path(path_type=Path)  # an option or argument that names a file or folder


def failed(exc: BaseException) -> int | None:
    """Print the message of an error a user can cause and return its exit code (None: not
    one of them, a bug that keeps its traceback)."""
    found = exit_for(exc)
    if found is None:
        return None
    err.print(f"[red]{escape(found[1])}[/red]")
    return found[0]


class Command(click.Command):
    """A command that answers the errors of errors.EXIT_CODES with their message and exit
    code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except Exception as exc:
            code = failed(exc)
            if code is None:
                raise
            raise Exit(code) from exc


class App(click.Group):
    """The group of commands, each a :class:`Command`."""

    command_class = Command


def checked(check):
    """An option callback from a check of the value alone (it raises click.BadParameter)."""
    return lambda ctx, param, value: check(value)


def one_of(*allowed: str):
    """A check: the value is one of ``allowed`` (or not given), else exit 2."""

    def check(value):
        if value is not None and value not in allowed:
            raise click.BadParameter(
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
        raise click.BadParameter(f"{value!r} 不是日期 / is not a date (YYYY-MM-DD)")
    if parsed > dt.date.today():
        raise click.BadParameter(f"{parsed} 晚于今天 / is after today: nothing to report yet")
    return parsed


def scale_name(value: str | None) -> str | None:
    """--scale, --sample-scale: a scale of the sample (exit 2 otherwise)."""
    from safetystats.sample.scales import SCALES  # not the generators

    return one_of(*SCALES)(value)


def Scale(name: str, help: str):  # noqa: N802 - an option, as AsOf, Units … below
    """--scale, --sample-scale: a scale of the sample, the city's by default."""
    return click.option(
        name, default="city", show_default=True, help=help, callback=checked(scale_name)
    )


def listed(values: tuple) -> list | None:
    """A repeated option or a variadic argument: its values, None when not given."""
    return list(values) or None


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
        raise Exit()


# options shared by several commands, each checked once (a wrong value is exit 2)
AsOf = click.option(
    "--as-of",
    metavar="DATE",
    help="YYYY-MM-DD; default: the latest event date",
    callback=checked(as_date),
)  # the command is given a date (or None)
Units = click.option(
    "--district",
    metavar="UNIT",
    multiple=True,
    callback=checked(listed),
    help="a unit (any spelling the registry resolves, or the total); repeat",
)
Format = click.option(
    "--format",
    metavar="FORMAT",
    default="table",
    show_default=True,
    help="table | csv | json",
    callback=checked(one_of("table", "csv", "json")),
)
Lang = click.option(
    "--lang", help="zh | en; default: report.lang of the config", callback=checked(one_of(*LANGS))
)
Jobs = click.option(
    "--jobs", type=click.IntRange(min=1), help="notebooks run in parallel; default: the core count"
)
Pdf = click.option("--pdf", is_flag=True, help="also print each page to A4 PDF")
Compare = click.option(
    "--compare",
    metavar="DATE",
    help="YYYY-MM-DD: what changed since then (default: the latest earlier run's as-of)",
    callback=checked(as_date),
)
Force = click.option("--force", is_flag=True, help="redo bulletins whose inputs did not change")


def statistics_kind(value: str) -> str:
    """stats KIND: accidents, enforcement or hazards (exit 2 otherwise)."""
    from safetystats.stats import statistics

    return one_of(*statistics.KINDS)(value)
