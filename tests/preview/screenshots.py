"""``make screenshots``: PNGs of the default offer's wizard preview under docs/, taken in headless
Chromium: Basics, a step stopped by its constraints (Next pressed without a virtual network), and
Review + create after a user filled in the wizard.

The page is driven as the tests drive it (tests/preview/driver.py); the sample data gets fixed
guid() values so the pictures do not change from run to run.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from armgen.golden import ROOT
from armgen.preview import page
from armgen.uidef.evaluator import Environment, Wizard
from armgen.uidef.explore import Explorer, State
from tests.browser import Browser, unavailable
from tests.preview.driver import Driver

WIDTH = 1280
DOCS = ROOT / "docs"


def main() -> int:
    why = unavailable()
    if why:
        print(f"screenshots need Chromium: {why}", file=sys.stderr)
        return 1
    data = json.loads(page.asset("sample.json"))
    data["guids"] = ["3f2a9c4e-7b1d-4e8a-9c3b-5d6e7f8a9b0c"]
    data["now"] = "2025-01-01T00:00:00.000Z"
    src = page.from_offer("cloud-connector", {})
    wizard = Wizard(src.uidef, Environment.from_json(data))
    start, _ = Explorer(wizard).complete(State("start", {}))
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / page.PAGE_NAME
        target.write_text(page.render(src, data, page.DEFAULT_DATA_LABEL), encoding="utf-8")
        for name, height in (("preview-basics.png", 720), ("preview-blocked.png", 900), ("preview-review.png", None)):
            with Browser(width=WIDTH, height=900) as b:
                b.open(target)
                drive = Driver(b, wizard)
                if name == "preview-blocked.png":
                    drive.next()  # to Networking
                    drive.next()  # Next without a virtual network: stopped, with the messages
                elif name == "preview-review.png":
                    drive.enter(start.values)
                    drive.review()
                # The whole page (Review + create) or a window of ``height``, the footer at its foot.
                tall = height or int(b.js("return document.documentElement.scrollHeight"))
                b.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                    "width": WIDTH, "height": tall, "deviceScaleFactor": 1, "mobile": False})
                b.js("window.scrollTo(0, 0)")
                b.screenshot_full(DOCS / name, WIDTH, tall)
                print(f"wrote docs/{name} ({WIDTH}x{tall})")
                assert b.js("return window.__armgenErrors") == []
    return 0


if __name__ == "__main__":
    sys.exit(main())
