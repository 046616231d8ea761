"""The rules' index (armgen.lint.rules.INDEX) says what each rule module's RULE says, and a rule's
module is imported only when the rule is used."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import armgen.lint.rules as registry
from armgen.lint.model import Rule

FIELDS = ("name", "group", "requires", "marketplace_warning", "inner_templates", "needs_api_cache")


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(registry.__path__) if not m.name.startswith("_"))


def test_the_index_lists_every_rule_module_once_and_nothing_else() -> None:
    listed = [r.module.rsplit(".", 1)[1] for r in registry.INDEX]
    assert sorted(listed) == _modules()
    assert len(set(listed)) == len(listed)
    assert [r.name for r in registry.all_rules()] == sorted((r.name for r in registry.INDEX), key=str.lower)


def test_each_index_line_is_what_its_module_declares() -> None:
    for entry in registry.INDEX:
        declared = importlib.import_module(entry.module).RULE
        assert isinstance(declared, Rule) and not isinstance(declared, registry.IndexedRule)
        assert {f: getattr(entry, f) for f in FIELDS} == {f: getattr(declared, f) for f in FIELDS}, entry.name
        assert entry.declared() is declared
        assert (entry.description, entry.error_ids) == (declared.description, declared.error_ids)


_PROBE = r"""
import json, sys
from pathlib import Path
from armgen.lint import lint_path
report = lint_path(Path(sys.argv[1]), tests=sys.argv[2:] or None)
print(json.dumps({"loaded": sorted(m.rsplit(".", 1)[1] for m in sys.modules
                                   if m.startswith("armgen.lint.rules.") and not m.rsplit(".", 1)[1].startswith("_")),
                  "ran": sorted(report.ran), "findings": [f.to_json() for f in report.findings]}))
"""


def _probe(folder: Path, *tests: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _PROBE, str(folder), *tests], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout)


def test_only_the_modules_of_rules_that_run_are_imported(tmp_path: Path) -> None:
    # a template alone: no createUiDefinition, no parameters file
    (tmp_path / "mainTemplate.json").write_text(json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0", "parameters": {}, "resources": [
            {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01", "name": "v",
             "location": "westus"}]}), encoding="utf-8")
    whole = _probe(tmp_path)
    groups = {r.module.rsplit(".", 1)[1]: r.group for r in registry.INDEX}
    loaded = set(whole["loaded"])
    assert loaded and all(groups[m] in ("deploymentTemplate", "AllFiles") for m in loaded)
    assert "location_should_not_be_hardcoded" in loaded
    assert any(f["test"] == "Location-Should-Not-Be-Hardcoded" for f in whole["findings"])
    one = _probe(tmp_path, "Location-Should-Not-Be-Hardcoded")
    assert one["loaded"] == ["location_should_not_be_hardcoded"]
    assert one["findings"] == [f for f in whole["findings"] if f["test"] == "Location-Should-Not-Be-Hardcoded"]
