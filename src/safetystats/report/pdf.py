"""--pdf: each page printed to A4 PDF by headless Chromium (the browser the tests use).

The page's own print style (report/html.py) sets A4 portrait, printed status colours, no
chart or table row split across pages, no plotly toolbar, a running header and page numbers;
Chromium lays the charts out at a width that fits the printed page. Written atomically.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

PRINT_WIDTH = 700  # CSS pixels: A4's printable width is about 710 at the page margins
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


class PdfError(RuntimeError):
    """The page could not be printed (no browser, or the browser failed); says why."""


def browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise PdfError("--pdf needs Chromium: install Debian's chromium (apt-get install chromium)")


def print_pdf(html: Path, pdf: Path | None = None, timeout: float = 120) -> Path:
    """Print ``html`` to ``pdf`` (default: beside it, same name)."""
    pdf = pdf or html.with_suffix(".pdf")
    tmp = pdf.with_name(f".{pdf.name}.tmp")
    with tempfile.TemporaryDirectory(prefix="safetystats-print-") as profile:
        command = [
            browser(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--window-size={PRINT_WIDTH},1000",
            "--virtual-time-budget=10000",
            f"--print-to-pdf={tmp}",
            html.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            tmp.unlink(missing_ok=True)
            raise PdfError(
                f"{html.name}: Chromium did not finish printing in {timeout:.0f} s"
            ) from exc
    if done.returncode != 0 or not tmp.exists() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        detail = (done.stderr or "").strip().splitlines()[-1:] or ["no output"]
        raise PdfError(f"{html.name}: Chromium could not print it ({detail[0]})")
    os.chmod(tmp, 0o644)
    os.replace(tmp, pdf)
    return pdf
