"""``make screenshots``: PNGs of the default offer's diagram under docs/, taken in headless Chromium.

The SVG is checked in and tested byte for byte (``make golden``); the PNG shows what a browser
makes of it, for people to look at. Run it after ``make golden`` changes the SVG.
"""

from __future__ import annotations

import re
import sys

from armgen.golden import ROOT, diagram_files
from tests.browser import Browser, unavailable


def main() -> int:
    why = unavailable()
    if why:
        print(f"screenshots need Chromium: {why}", file=sys.stderr)
        return 1
    for path, text in diagram_files().items():
        if path.suffix != ".svg":
            continue
        w, h = (int(v) for v in re.search(r'width="(\d+)" height="(\d+)"', text).groups())  # type: ignore[union-attr]
        with Browser(width=w, height=h) as b:
            b.open(path)
            out = path.with_suffix(".png")
            b.screenshot_full(out, w, h)
        print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
