"""Headless Chromium (Debian's chromium + chromium-driver) with the network cut off."""

import json
from pathlib import Path

OUTPUT = Path(__file__).parent / "output"


def chromium(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1200,1600",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--proxy-server=http://127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
    )
    return driver


def requested_urls(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def screenshot(driver, name: str) -> Path:
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / name
    driver.save_screenshot(str(path))
    return path


def full_page_screenshot(driver, name: str) -> Path:
    """The whole page, not only the window (DevTools ``captureBeyondViewport``)."""
    import base64

    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        },
    )
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / name
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


PHONE = {"width": 414, "height": 896, "deviceScaleFactor": 1, "mobile": True}


def as_phone(driver) -> None:
    """DevTools phone emulation at 414 px (a 414 px window is not possible: headless Chromium
    clamps windows to 500 px); the page is loaded again at that width."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    driver.refresh()


def as_desktop(driver) -> None:
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    driver.refresh()


def horizontal_overflow(driver) -> int:
    """How many pixels the page is wider than its viewport (0: no horizontal scrolling)."""
    return driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def saved_by_libreoffice(path: Path, out_dir: Path) -> Path:
    """The workbook opened and saved as a clerk's spreadsheet program would (LibreOffice Calc,
    headless, its own profile); skips the test where LibreOffice is missing."""
    import shutil
    import subprocess

    import pytest

    if not shutil.which("soffice"):
        pytest.skip("needs LibreOffice (make browser)")
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{out_dir / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out_dir),
            str(path),
        ],  # fmt: skip
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out_dir / path.name
