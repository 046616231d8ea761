"""What a rendered diagram looks like in a real browser: every text's box, read from the DOM."""

from __future__ import annotations

from typing import Any

#: Runs in the page: each <text>'s client rectangle, visibility and the resource group it labels.
READ_TEXTS = """
const svg = document.documentElement;
const out = {width: svg.width.baseVal.value, height: svg.height.baseVal.value, texts: [], groups: []};
for (const t of document.querySelectorAll('text')) {
  const r = t.getBoundingClientRect();
  const st = getComputedStyle(t);
  const g = t.closest('g[data-key]');
  const box = g ? g.querySelector(':scope > rect.box').getBoundingClientRect() : null;
  out.texts.push({text: t.textContent, cls: t.getAttribute('class'), x: r.x, y: r.y, w: r.width, h: r.height,
                  visible: st.visibility === 'visible' && st.display !== 'none' && parseFloat(st.opacity) > 0,
                  key: g ? g.getAttribute('data-key') : null,
                  box: box ? {x: box.x, y: box.y, w: box.width, h: box.height} : null});
}
for (const g of document.querySelectorAll('g[data-key]')) {
  const labels = [...g.querySelectorAll(':scope > text.label')].map(t => t.textContent);
  out.groups.push({key: g.getAttribute('data-key'), name: g.getAttribute('data-name'), label: labels.join('')});
}
return out;
"""


def overlap(a: dict[str, float], b: dict[str, float], tolerance: float = 0.5) -> bool:
    return (min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > tolerance
            and min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > tolerance)


def problems(page: dict[str, Any]) -> list[str]:
    """Texts that are invisible, empty, outside the canvas or their box, or overlap each other."""
    out: list[str] = []
    texts = page["texts"]
    for t in texts:
        name = f"{t['text']!r} ({t['cls']})"
        if not t["visible"] or t["w"] <= 0 or t["h"] <= 0:
            out.append(f"{name} is not visible")
        if t["x"] < 0 or t["y"] < 0 or t["x"] + t["w"] > page["width"] or t["y"] + t["h"] > page["height"]:
            out.append(f"{name} is outside the canvas")
        b = t["box"]
        if b and not (b["x"] <= t["x"] and t["x"] + t["w"] <= b["x"] + b["w"] + 0.5
                      and b["y"] <= t["y"] + 0.5 and t["y"] + t["h"] <= b["y"] + b["h"] + 0.5):
            out.append(f"{name} sticks out of its box")
    ordered = sorted(texts, key=lambda t: t["y"])
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b["y"] >= a["y"] + a["h"]:
                break
            if overlap(a, b):
                out.append(f"{a['text']!r} overlaps {b['text']!r}")
    return out
