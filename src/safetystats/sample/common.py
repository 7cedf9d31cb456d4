"""What every sample ledger shares: the sample mark, titles and footers, ids that carry the
seed, and dates and booleans written as people type them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from safetystats.ingest.sample_files import SAMPLE_PREFIX
from safetystats.sample.writers import write_csv, write_xlsx

MARK = SAMPLE_PREFIX
TITLE_NOTE = "（样例数据，非真实台账）"
FOOTERS = ("填报人：王某某    审核人：李某某", "备注：本表为样例数据，仅供演示")
START, END = dt.date(2023, 1, 1), dt.date(2024, 12, 31)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


ID_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the credit code's characters (no I, O, S, V, Z)


def base31(number: int, width: int) -> str:
    """``number`` in the credit code's 31 characters, ``width`` of them (zero-padded)."""
    if not 0 <= number < 31**width:
        raise ValueError(f"{number} does not fit {width} characters")
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 31)
        chars.append(ID_CHARS[digit])
    return "".join(reversed(chars))


TAG_LETTERS = "ABCDFGHJKLMNPQRTUWXY"  # the code's letters but E: no id reads as 1E5


def seed_tag(seed: int) -> str:
    """Three characters that every id of a sample carries, drawn from its seed, so that samples
    written with different seeds hold different records (seeds equal modulo 19,220 share
    ids). The first is a letter and never E, so no id is all digits or looks like the
    scientific notation that Excel makes of long numbers (`normalize.damaged_code`)."""
    seed %= len(TAG_LETTERS) * 31**2
    return TAG_LETTERS[seed % len(TAG_LETTERS)] + base31(seed // len(TAG_LETTERS), 2)


def enterprise_code(county6: str, tag: str, number: int) -> str:
    """A sample credit code: 91, the county's 6 digits, the seed's tag, the enterprise's number
    (6 characters, base 31: up to 887 million per sample) and the check character."""
    return credit_code(f"91{county6}{tag}{base31(number, 6)}")


def credit_code(first17: str) -> str:
    """A credit code with its GB 32100-2015 check character (sample codes are well formed)."""
    from safetystats.normalize import credit_code_check

    return first17 + (credit_code_check(first17 + "0") or "0")


def _days(rng, low: dt.date, high: dt.date, n: int) -> np.ndarray:
    return np.datetime64(low) + rng.integers(0, (high - low).days + 1, n).astype("timedelta64[D]")


def _dates(values: np.ndarray) -> pl.Series:
    return pl.Series(values.astype("datetime64[D]")).cast(pl.Date)


def _fmt_dates(
    series: pl.Series, rng, styles=("%Y/%-m/%-d", "%Y年%-m月%-d日", "%Y-%m-%d", "%Y%m%d")
) -> pl.Series:
    """Dates as the text people type, in mixed styles."""
    pick = rng.integers(0, len(styles), len(series))
    out = pl.Series([None] * len(series), dtype=pl.String)
    for i, style in enumerate(styles):
        formatted = series.dt.strftime(style.replace("%-m", "%m").replace("%-d", "%d"))
        if "%-" in style:  # no leading zeros, as typed by hand
            formatted = formatted.str.replace(r"([年/.-])0", "$1").str.replace(r"([月/.-])0", "$1")
        out = pl.select(pl.when(pl.Series(pick == i)).then(formatted).otherwise(out)).to_series()
    return out


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year, month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _share_done(rng, diligence: np.ndarray, share: float) -> np.ndarray:
    """``share`` of the objects done (rounded), the diligent units' more often."""
    score = rng.random(diligence.size) - 0.6 * diligence
    done = np.zeros(diligence.size, bool)
    done[np.argsort(score, kind="stable")[: round(share * diligence.size)]] = True
    return done


def _bool_text(values: np.ndarray, yes="是", no="否") -> list:
    return [yes if v else no for v in values]


def _traditional(text: str) -> str:
    from opencc import OpenCC

    return OpenCC("s2t").convert(text)


def _title(area, label: str, filed: dt.date = dt.date(2025, 1, 10)) -> list[str]:
    """The two title rows of a ledger: what it is (marked as sample data) and who filed it;
    ``area`` is the registry's `area.Area`."""
    return [
        f"{area.name}{label}{TITLE_NOTE}",
        f"填报单位：{area.office}（样例）    填报日期：{filed.year}年{filed.month}月{filed.day}日",
    ]


def _datetime_text(values: list[dt.datetime], rng) -> list[str]:
    """Times as typed: 2024-03-12 09:40, 2024年3月12日 9时40分, 2024/3/12 9:40."""
    pick = rng.integers(0, 3, len(values))
    return [
        (
            f"{w:%Y-%m-%d %H:%M}",
            f"{w.year}年{w.month}月{w.day}日 {w.hour}时{w.minute:02d}分",
            f"{w.year}/{w.month}/{w.day} {w.hour}:{w.minute:02d}",
        )[k]
        for w, k in zip(values, pick, strict=True)
    ]


class SampleFiles:
    """Where a sample's files go (``out/<dataset>/样例数据_<name>``), and the list of them."""

    def __init__(self, out: Path, as_csv: bool = False):
        self.out = out
        self.as_csv = as_csv
        self.written: list[Path] = []

    def __call__(self, dataset: str, name: str) -> Path:
        p = self.out / dataset / f"{MARK}_{name}"
        self.written.append(p)
        return p

    def ledger(self, dataset: str, name: str, frame: pl.DataFrame, sheet: str, titles, footers):
        """One ledger as its area sends it: CSV at the large scales (``self.as_csv``), else a
        workbook of one sheet; ``name`` without its suffix."""
        if self.as_csv:
            write_csv(self(dataset, f"{name}.csv"), frame, titles, footers)
        else:
            write_xlsx(self(dataset, f"{name}.xlsx"), {sheet: frame}, titles, footers)
