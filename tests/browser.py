"""A small headless-Chromium harness for tests: Debian's ``chromium`` driven by its ``chromedriver``
through Selenium, never a browser or driver downloaded at run time.

Why these pieces:

* The binaries are the distribution's (``/usr/bin/chromium``, ``/usr/bin/chromedriver``, installed
  by ``make test`` where it can, see the Makefile). Selenium is told both paths, so its
  selenium-manager (which would otherwise fetch a driver over the network) is never run.
* The machine's network is closed: without ``--disable-background-networking`` and friends
  Chromium stalls on connections it tries to open by itself, and a fresh ``--user-data-dir`` per
  browser keeps runs independent of each other and of any profile left on the machine.
* Downloads are written to a per-browser folder (Chrome DevTools' ``Browser.setDownloadBehavior``,
  which headless Chromium needs); :meth:`Browser.wait_for_download` waits for a finished file.

Use it through the ``browser`` fixture (tests/conftest.py), which skips with the reason (and how
to install Chromium) where it is not available.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

CHROMIUM = Path(os.environ.get("ARMGEN_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("ARMGEN_CHROMEDRIVER", "/usr/bin/chromedriver"))
INSTALL_HINT = "install it with: apt-get install chromium chromium-driver (as root), or run `make test` as root"

#: Flags a headless Chromium needs on a closed, unprivileged CI machine.
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--font-render-hinting=none",
)


def unavailable() -> str | None:
    """Why a browser cannot be started here, or None when it can."""
    for path, what in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromedriver")):
        if not (path.is_file() and os.access(path, os.X_OK)):
            return f"{what} not found at {path}; {INSTALL_HINT}"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the selenium package is not installed (pip install -e '.[dev]')"
    return None


class Browser:
    """One headless Chromium with a fresh profile and a download folder."""

    def __init__(self, width: int = 1400, height: int = 1000) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self._tmp = Path(tempfile.mkdtemp(prefix="armgen-browser-"))
        self.downloads = self._tmp / "downloads"
        self.downloads.mkdir()
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self._tmp / 'profile'}")
        options.add_argument(f"--window-size={width},{height}")
        options.add_experimental_option("prefs", {
            "download.default_directory": str(self.downloads),
            "download.prompt_for_download": False,
        })
        service = Service(executable_path=str(CHROMEDRIVER), log_output=str(self._tmp / "chromedriver.log"))
        try:
            self.driver = webdriver.Chrome(service=service, options=options)
        except Exception:
            shutil.rmtree(self._tmp, ignore_errors=True)
            raise
        self.driver.set_page_load_timeout(60)
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {
            "behavior": "allow", "downloadPath": str(self.downloads), "eventsEnabled": True})

    # --- pages ---------------------------------------------------------------------------------

    def open(self, target: str | Path) -> None:
        """Load a local file (a path) or a URL and wait until the document has loaded."""
        url = Path(target).resolve().as_uri() if isinstance(target, Path) or "://" not in target else target
        self.driver.get(url)

    def js(self, script: str, *args: Any) -> Any:
        """Run ``script`` (a function body: use ``return``) in the page with ``arguments``."""
        return self.driver.execute_script(script, *args)

    def find(self, css: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def click(self, css: str) -> None:
        self.find(css).click()

    def text(self, css: str) -> str:
        return str(self.find(css).text)

    def resize(self, width: int, height: int) -> None:
        self.driver.set_window_size(width, height)

    # --- screenshots and downloads --------------------------------------------------------------

    def screenshot(self, path: Path, css: str | None = None) -> Path:
        """A PNG of the viewport, or of one element (``css``)."""
        data = self.find(css).screenshot_as_png if css else self.driver.get_screenshot_as_png()
        path.write_bytes(data)
        return path

    def screenshot_full(self, path: Path, width: int, height: int) -> Path:
        """A PNG of exactly ``width`` x ``height`` CSS pixels from the page's top left corner."""
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        import base64

        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def wait_for_download(self, name: str, timeout: float = 30.0) -> Path:
        """The finished download ``name`` (Chromium writes ``*.crdownload`` until it is complete)."""
        from selenium.webdriver.support.ui import WebDriverWait

        target = self.downloads / name

        def done(_driver: Any) -> bool:
            return target.is_file() and not any(self.downloads.glob("*.crdownload"))

        WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(done, f"no download {name} in {timeout} s")
        return target

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
