"""The offline wizard preview: building the page, and the page's evaluator in a browser.

Goals (issue 14): the page builds in well under a second and stays small enough to mail; a
wizard run in the page (every keystroke runs one) takes a few milliseconds, so typing never lags.
Prints, per built-in offer: the page's size and build time; with Chromium installed, the median
time of one wizard run in the page (JavaScript) beside the Python evaluator's.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path


def run() -> None:
    from armgen.preview import page
    from armgen.uidef.evaluator import Environment, Wizard
    from armgen.uidef.explore import Explorer, State
    from tests.browser import Browser, unavailable

    data = json.loads(page.asset("sample.json"))
    cases = [("cloud-connector", {}), ("cloud-connector", {"zones": ["1", "2", "3"], "appliancesPerZone": 1}),
             ("two-nic-appliance", {})]
    why = unavailable()
    browser = Browser() if why is None else None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, options in cases:
                builds = []
                for _ in range(5):
                    s = time.perf_counter()
                    src = page.from_offer(name, options)
                    text = page.render(src, data)
                    builds.append(time.perf_counter() - s)
                line = (f"{name} {options or 'default'}: page {len(text.encode()) / 1024:.0f} KiB, built in "
                        f"{statistics.median(builds) * 1000:.0f} ms (median of 5)")
                wizard = Wizard(src.uidef, Environment.from_json(data))
                start, _ = Explorer(wizard).complete(State("start", {}))
                py = []
                for _ in range(20):
                    s = time.perf_counter()
                    wizard.run(start.values)
                    py.append(time.perf_counter() - s)
                line += f"; one run: Python {statistics.median(py) * 1000:.1f} ms"
                if browser is not None:
                    target = Path(tmp) / f"{name}-{len(options)}.html"
                    target.write_text(text, encoding="utf-8")
                    browser.open(target)
                    js = browser.js(
                        "const w = window.armgenPreview.wizard, v = JSON.parse(arguments[0]), t = [];"
                        "for (let i = 0; i < 50; i += 1) { const s = performance.now(); w.run(v); t.push(performance.now() - s); }"
                        "t.sort((a, b) => a - b); return t[25];", json.dumps(start.values))
                    line += f", page (JavaScript) {js:.1f} ms (medians of 20 and 50)"
                print(line)
    finally:
        if browser is not None:
            browser.close()
    if why:
        print(f"page runs not measured: {why}")
