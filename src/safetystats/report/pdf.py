"""--pdf: each page printed to A4 PDF by headless Chromium (the browser the tests use).

The page's own print style (report/html.py) sets A4 portrait, printed status colours, no
chart or table row split across pages, no plotly toolbar, a running header and page numbers;
Chromium lays the charts out at a width that fits the printed page. Written atomically.

Starting Chromium costs about 1 s of the 2.3 s a bulletin page takes to print, so a process
keeps one browser for all its pages: started on the first page, driven over the DevTools
protocol on a pipe (``--remote-debugging-pipe``: no port, no client library), the browser shut
down when the process exits (and Chromium quits by itself when the pipe closes). Pages printed
with their scripts off (below) go one after another through one tab kept open (a new tab costs
a renderer process: about 0.4 s of CPU a page); a page whose scripts run gets a tab of its own,
closed after printing. When that browser cannot be started or driven, the
page is printed by a one-shot ``chromium --print-to-pdf`` as before.

A page whose charts are also static pictures for print (``svg.print-chart``, drawn once when the
page was made: report/print_charts.py) is printed with its scripts off: the browser neither
compiles plotly.js nor draws a chart, and waits for no timers.
"""

from __future__ import annotations

import atexit
import base64
import fcntl
import itertools
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

PRINT_WIDTH = 700  # CSS pixels: A4's printable width is about 710 at the page margins
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    f"--window-size={PRINT_WIDTH},1000",
)
STATIC_CHARTS = b'class="print-chart"'  # a page that prints without its scripts
VIRTUAL_TIME_BUDGET = 10_000  # ms of the page's timers to run before printing (plotly's redraws)
A4_INCHES = (210 / 25.4, 297 / 25.4)  # when the page has no @page size of its own
# A table wider than the printed page is never cut (DATA_SPEC 8.2): measured with print media at
# the printed width, a table a little too wide is scaled (CSS zoom) to fit; a page without charts
# whose table would shrink below 85 % turns landscape, and is scaled only if still too wide.
FIT_WIDE_TABLES = """(() => {
  const portrait = document.body.clientWidth;
  const tables = [...document.querySelectorAll('table')];
  const widest = Math.max(0, ...tables.map(t => t.scrollWidth));
  if (widest <= portrait + 1) return 'portrait';
  let room = portrait, page = 'portrait';
  if (widest > portrait / 0.85 && !document.querySelector('.plotly-graph-div')) {
    const style = document.createElement('style');
    style.textContent = '@page{size:A4 landscape}';
    document.head.appendChild(style);
    room = Math.floor(portrait * 275 / 188);  // the printable widths of A4 across and down
    page = 'landscape';
  }
  for (const t of tables) {
    if (t.scrollWidth > room + 1) t.style.zoom = (room / t.scrollWidth).toFixed(3);
  }
  return page;
})()"""


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
    binary = browser()
    data = _print_with_shared_browser(binary, html, timeout)  # None: print with a new one
    if data is None:
        _print_once(binary, html, tmp, timeout)
    else:
        tmp.write_bytes(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, pdf)
    return pdf


def _print_once(binary: str, html: Path, tmp: Path, timeout: float) -> None:
    """A new Chromium that prints one page to ``tmp`` and quits."""
    with tempfile.TemporaryDirectory(prefix="safetystats-print-") as profile:
        command = [
            binary,
            *FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--virtual-time-budget={VIRTUAL_TIME_BUDGET}",
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


class _Gone(RuntimeError):
    """The shared browser failed (closed its pipe, answered with an error, or would not start)."""


class _Chromium:
    """One headless Chromium on a DevTools pipe: commands go to its fd 3, answers and events
    come from its fd 4, each a JSON message ended by a NUL byte."""

    def __init__(self, binary: str):
        self.profile = tempfile.mkdtemp(prefix="safetystats-print-")
        self.owner = os.getpid()
        self.ids = itertools.count(1)
        self.buffer = b""
        self.events: list[dict] = []
        self.closed = False
        self.tab: tuple[str, str] | None = None  # (target, session) of the reused print tab
        to_browser, to_us = os.pipe(), os.pipe()
        # the browser's ends numbered above 4, so that placing them at 3 and 4 clobbers nothing
        theirs = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_browser[0], to_us[1])]
        os.close(to_browser[0])
        os.close(to_us[1])
        self.writer, self.reader = to_browser[1], to_us[0]
        log = os.path.join(self.profile, "chromium.log")
        try:
            # posix_spawn runs no Python in the child: safe in a process with threads
            self.pid = os.posix_spawn(
                binary,
                [binary, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe"],
                os.environ,
                file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                    (os.POSIX_SPAWN_OPEN, 2, log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
                    (os.POSIX_SPAWN_DUP2, theirs[0], 3),
                    (os.POSIX_SPAWN_DUP2, theirs[1], 4),
                ],
            )
        except OSError:
            self._close_fds()
            shutil.rmtree(self.profile, ignore_errors=True)
            raise
        finally:
            for fd in theirs:
                os.close(fd)

    def _close_fds(self) -> None:
        for fd in (self.writer, self.reader):
            try:
                os.close(fd)
            except OSError:
                pass

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.reader], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(self.reader, 1 << 20)
            if not chunk:
                raise _Gone("Chromium closed its DevTools pipe")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def send(self, method: str, params=None, session=None, deadline=None) -> dict:
        number = next(self.ids)
        message = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self.writer, data) :]
        except OSError as exc:
            raise _Gone(f"Chromium closed its DevTools pipe ({exc})") from exc
        while True:
            reply = self._read(deadline or time.monotonic() + 30)
            if reply.get("id") == number:
                if "error" in reply:
                    raise _Gone(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str, session: str, deadline: float) -> dict:
        while True:
            for i, event in enumerate(self.events):
                if event.get("sessionId") != session:
                    continue
                if event["method"] == method:
                    return self.events.pop(i)
                if event["method"] == "Inspector.targetCrashed":
                    raise _Gone("the page's renderer crashed")
            self.events.append(self._read(deadline))

    def _new_tab(self, deadline: float) -> tuple[str, str]:
        """A new tab at the printed width: (its target, its session)."""
        target = self.send(
            "Target.createTarget",
            {"url": "about:blank", "newWindow": True, "width": PRINT_WIDTH, "height": 1000},
            deadline=deadline,
        )["targetId"]
        session = self.send(
            "Target.attachToTarget", {"targetId": target, "flatten": True}, deadline=deadline
        )["sessionId"]
        self.send("Page.enable", session=session, deadline=deadline)
        self.send("Inspector.enable", session=session, deadline=deadline)
        return target, session

    def print(self, url: str, timeout: float, scripts: bool = True) -> bytes:
        """The page as PDF. A page printed with its scripts off reuses this browser's one
        print tab (a new tab costs a renderer process: about 0.4 s of CPU a page); a page whose
        scripts run gets a tab of its own, closed after printing."""
        deadline = time.monotonic() + timeout
        if scripts:
            target, session = self._new_tab(deadline)
        else:
            if self.tab is None:
                self.tab = self._new_tab(deadline)
            target, session = self.tab
        try:
            return self._print(url, session, scripts, deadline)
        finally:
            self.events = []  # nothing after this page waits for its events
            if scripts:
                try:
                    self.send("Target.closeTarget", {"targetId": target}, deadline=deadline + 5)
                except (TimeoutError, _Gone, OSError):
                    pass

    def _print(self, url: str, session: str, scripts: bool, deadline: float) -> bytes:
        if not scripts:
            self.send("Emulation.setScriptExecutionDisabled", {"value": True}, session, deadline)
        loaded = self.send("Page.navigate", {"url": url}, session, deadline)
        if loaded.get("errorText"):
            raise _Gone(f"{url}: {loaded['errorText']}")
        self.wait_for("Page.loadEventFired", session, deadline)
        if scripts:
            # as --virtual-time-budget does: the page's timers run, fast-forwarded, then print
            self.send(
                "Emulation.setVirtualTimePolicy",
                {"policy": "pauseIfNetworkFetchesPending", "budget": VIRTUAL_TIME_BUDGET},
                session,
                deadline,
            )
            self.wait_for("Emulation.virtualTimeBudgetExpired", session, deadline)
        else:  # the page's own scripts never ran; ours (the table fit) does
            self.send("Emulation.setScriptExecutionDisabled", {"value": False}, session, deadline)
        self.send("Emulation.setEmulatedMedia", {"media": "print"}, session, deadline)
        self.send("Runtime.evaluate", {"expression": FIT_WIDE_TABLES}, session, deadline)
        width, height = A4_INCHES
        printed = self.send(
            "Page.printToPDF",
            {
                "printBackground": True,
                "preferCSSPageSize": True,  # the page's @page: A4 portrait and its margins
                "paperWidth": width,
                "paperHeight": height,
                "displayHeaderFooter": False,
            },
            session,
            deadline,
        )
        return base64.b64decode(printed["data"])

    def close(self) -> None:
        """Ask the browser to quit, make sure it has, and remove its profile. Once."""
        if self.closed:
            return
        self.closed = True
        if self.owner != os.getpid():  # a forked copy: the browser is the parent's
            self._close_fds()
            return
        try:
            self.send("Browser.close", deadline=time.monotonic() + 5)
        except (TimeoutError, _Gone, OSError, ValueError):
            pass
        self._close_fds()  # Chromium also quits when its pipe closes
        for _ in range(50):
            try:
                if os.waitpid(self.pid, os.WNOHANG)[0]:
                    break
            except ChildProcessError:
                break
            time.sleep(0.1)
        else:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        shutil.rmtree(self.profile, ignore_errors=True)


_shared: _Chromium | None = None
_lock = threading.Lock()
_cannot_start = False  # a browser that failed to start is not tried again in this process


def _print_with_shared_browser(binary: str, html: Path, timeout: float) -> bytes | None:
    """The PDF from this process's browser; None when it cannot be started or driven (the
    caller then prints with a one-shot Chromium). A page over ``timeout`` raises PdfError."""
    global _shared, _cannot_start
    with _lock:
        if _shared is not None and _shared.owner != os.getpid():
            _shared = None  # inherited through fork: start this process's own
        if _shared is None:
            if _cannot_start:
                return None
            try:
                _shared = _Chromium(binary)
            except OSError:
                _cannot_start = True
                return None
            _at_exit(_shared)
        try:
            scripts = STATIC_CHARTS not in html.read_bytes()
            return _shared.print(html.resolve().as_uri(), timeout, scripts)
        except TimeoutError as exc:
            _drop()
            raise PdfError(
                f"{html.name}: Chromium did not finish printing in {timeout:.0f} s"
            ) from exc
        except (_Gone, OSError, KeyError, ValueError):
            _drop()
            return None


def _at_exit(chromium: _Chromium) -> None:
    atexit.register(chromium.close)
    # worker processes of multiprocessing end with os._exit, which skips atexit
    from multiprocessing import util

    util.Finalize(chromium, chromium.close, exitpriority=10)


def _drop() -> None:
    global _shared
    if _shared is not None:
        chromium, _shared = _shared, None
        chromium.close()
