"""Every createUiDefinition of the shared corpus, and both built-in offers in every variant, render
in the preview without an error: each tab drawn (never blank), unknown controls and malformed
elements as labelled placeholders, no uncaught JavaScript error.

Fast by design: one browser, one page; each wizard is mounted into it in turn (the same App the
generated page starts, fed the same JSON document page.py inlines) and every tab shown. A few
real pages (the most broken documents) are also opened from disk.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from armgen.preview import page
from tests.preview.conftest import offer_source, open_clean, write_page

SAMPLE = json.loads(page.asset("sample.json"))

#: Mounts one wizard, shows every tab, reports what each showed and any error.
MOUNT = r"""
const data = JSON.parse(arguments[0]);
const errors = window.__armgenErrors;
const before = errors.length;
const host = document.getElementById('corpus-host') || document.body.appendChild(document.createElement('div'));
host.id = 'corpus-host';
host.textContent = '';
const root = host.appendChild(document.createElement('div'));
const report = {tabs: [], placeholders: 0, internal: 0, review: null};
try {
  const app = new window.ArmgenPreview.App(root, data);
  const tabs = app.tabLabels.length;
  for (let i = 0; i < tabs; i += 1) {
    app.show(i);
    const body = root.querySelector('.pv-body');
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    const junk = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (/\b(null|undefined|NaN)\b|\[object Object\]/.test(n.textContent) && !n.parentElement.closest('.pv-json, .pv-error-box, .pv-infobox, .pv-textblock, .pv-placeholder, .pv-banner, dd, option, label, .pv-message')) {
        junk.push(n.textContent.slice(0, 60));
      }
    }
    report.tabs.push({label: app.tabLabels[i], shown: body.children.length > 0 && body.textContent.trim().length > 0,
                      rows: body.querySelectorAll('[data-key]').length, junk});
    report.placeholders += body.querySelectorAll('[data-placeholder]').length;
    report.internal += root.querySelectorAll('.pv-internal').length;
  }
  report.review = (root.querySelector('#pv-validation') || {}).textContent || null;
  report.steps = app.wizard.steps.length;
} catch (e) {
  errors.push(String(e.stack || e));
}
report.errors = errors.slice(before);
return JSON.stringify(report);
"""


def corpus_rows(shared: Path) -> list[dict[str, str]]:
    with (shared / "corpus" / "INDEX.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def mount(browser: Any, source: page.Source) -> dict[str, Any]:
    return json.loads(browser.js(MOUNT, json.dumps(page.payload(source, SAMPLE, "sample"))))


def check(report: dict[str, Any], what: str) -> list[str]:
    problems = [f"{what}: {e}" for e in report["errors"]]
    if report["internal"]:
        problems.append(f"{what}: the page reported an internal failure")
    if not report["tabs"] or len(report["tabs"]) != report.get("steps", -1) + 1:
        problems.append(f"{what}: tabs {report['tabs']}")
    problems += [f"{what}: tab {t['label']!r} is blank" for t in report["tabs"] if not t["shown"]]
    problems += [f"{what}: tab {t['label']!r} shows {t['junk']}" for t in report["tabs"] if t["junk"]]
    if not report["review"]:
        problems.append(f"{what}: Review + create shows no verdict")
    return problems


def test_every_corpus_wizard_renders(browser: Any, shared: Path, offer_page: Path) -> None:
    rows = corpus_rows(shared)
    assert len(rows) > 100
    open_clean(browser, offer_page)
    problems: list[str] = []
    placeholders = 0
    drawn = 0
    for row in rows:
        folder = shared / "corpus" / row["corpus_dir"]
        src = page.from_path(str(folder))
        report = mount(browser, src)
        problems += check(report, row["corpus_dir"])
        placeholders += report["placeholders"]
        drawn += sum(t["rows"] for t in report["tabs"])
    assert problems == [], "\n".join(problems[:20])
    assert drawn > 3000  # the wizards' elements were drawn, not skipped
    assert placeholders > 0  # unknown or malformed elements are there, labelled as such


OFFER_VARIANTS = [
    ("cloud-connector", {}),
    ("cloud-connector", {"variant": "standalone"}),
    ("cloud-connector", {"variant": "standalone", "zones": ["1"]}),
    ("cloud-connector", {"zones": []}),
    ("cloud-connector", {"zones": ["2"], "appliancesPerZone": 3}),
    ("cloud-connector", {"zones": ["1", "2", "3"], "appliancesPerZone": 1}),
    ("cloud-connector", {"natGateway": False}),
    ("cloud-connector", {"network": "new"}),
    ("cloud-connector", {"network": "new", "zpa": True, "workloadSubnet": True, "bastion": True}),
    ("cloud-connector", {"zpa": True}),
    ("cloud-connector", {"byoNatGateway": True}),
    ("two-nic-appliance", {}),
    ("two-nic-appliance", {"variant": "standalone", "zones": []}),
]


def test_every_offer_variant_renders(browser: Any, offer_page: Path) -> None:
    open_clean(browser, offer_page)
    problems: list[str] = []
    for name, options in OFFER_VARIANTS:
        report = mount(browser, offer_source(name, options))
        problems += check(report, f"{name} {options}")
        assert report["placeholders"] == 0, (name, options)  # armgen's own wizards need no approximation
    assert problems == [], "\n".join(problems)


def test_broken_documents_open_as_pages(browser: Any, shared: Path, tmp_path: Path) -> None:
    """The corpus' worst: an empty document, elements without names or types, steps without
    names, unknown controls. Each real page opens from disk and says what it could not show."""
    picked = []
    for row in corpus_rows(shared):
        src = page.from_path(str(shared / "corpus" / row["corpus_dir"]))
        counts = page.control_counts(src.uidef)
        params = src.uidef.get("parameters")
        if not isinstance(params, dict) or counts["placeholders"] or any(
                not isinstance(s, dict) or "name" not in s for s in (params.get("steps") or [])):
            picked.append((row["corpus_dir"], src))
    assert len(picked) >= 5
    for i, (label, src) in enumerate(picked[:8]):
        target = write_page(tmp_path / str(i), src, SAMPLE)
        browser.open(target)
        assert browser.js("return window.__armgenErrors") == [], label
        assert browser.text(".pv-title").startswith("Create "), label
        assert browser.find_all(".pv-tab"), label
        notes = browser.js("return document.querySelector('.pv-notes').textContent")
        assert "Preview details" in notes, label
