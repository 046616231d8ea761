"""Opt-in: compile main.bicep with a real ``bicep`` binary and compare with mainTemplate.json.

No Bicep compiler ships on PyPI, so this runs only where ``bicep`` is on PATH (install the Bicep
CLI); elsewhere it is skipped with that reason. The comparison ignores metadata and accounts for
what Bicep writes differently by design (see :func:`normalize`); the normalizer itself is tested
without the compiler on a simulated compilation, so the opt-in test cannot pass vacuously.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from deepdiff import DeepDiff

from armgen.render import arm_json, bicep
from armgen.template import Template
from tests.bicep.canon import _call as call_form
from tests.bicep.canon import arm_value, known_kinds

BICEP = shutil.which("bicep")
_EMPTY = {"string": "", "securestring": "", "int": 0, "bool": False, "object": {}, "array": []}


def _expr(v: Any) -> Any:
    """Canonical value, with Bicep's loop spelling (``range(0, n)[copyIndex()]``) read as copyIndex."""
    form = arm_value(v)

    def fold(f: Any) -> Any:
        if not isinstance(f, tuple):
            return f
        f = tuple(fold(x) for x in f)
        if f[:1] == ("idx",) and f[1][:2] == ("call", "range") and f[2] == ("copyindex",):
            return ("copyindex",)
        if f[:2] == ("call", "length") and len(f[2]) == 1 and f[2][0][:2] == ("call", "range"):
            return f[2][0][2][1]  # length(range(0, n)) -> n
        return f

    return fold(form)


def normalize(doc: dict[str, Any]) -> dict[str, Any]:
    """The parts of a compiled template that must agree, in a comparable form.

    Expected differences: metadata (generator, descriptions) is dropped; expressions are compared
    in canonical form (interpolation vs concat, symbols vs resourceId); a copy loop's name (Bicep
    uses the symbol) is dropped and dependsOn entries that name a loop compare as "a loop"; an
    output condition becomes a conditional value, as Bicep has no conditional output.
    """
    doc = copy.deepcopy(doc)
    out: dict[str, Any] = {"parameters": {}, "variables": {}, "resources": [], "outputs": {}}
    for name, p in doc.get("parameters", {}).items():
        p.pop("metadata", None)
        out["parameters"][name] = {k: _expr(v) if k == "defaultValue" else v for k, v in p.items()}
    for name, v in doc.get("variables", {}).items():
        out["variables"][name.lower()] = _expr(v)
    for r in doc.get("resources", []):
        r = {k: v for k, v in r.items() if k not in ("metadata", "comments")}
        if "copy" in r:
            r["copy"] = {k: (_expr(v) if k == "count" else v) for k, v in r["copy"].items() if k != "name"}
            r["copy"].setdefault("mode", "parallel")
            r["copy"]["mode"] = r["copy"]["mode"].lower()
        if "dependsOn" in r:
            r["dependsOn"] = sorted({repr(_expr(d)) if d.startswith("[") else "loop" for d in r["dependsOn"]})
        out["resources"].append({k: (v if k in ("type", "apiVersion", "copy", "dependsOn") else _expr(v))
                                 for k, v in r.items()})
    for name, o in doc.get("outputs", {}).items():
        o = {k: v for k, v in o.items() if k != "metadata"}
        cond = o.pop("condition", None)
        if cond is not None:
            if "copy" in o:
                o["copy"]["count"] = f"[if({cond[1:-1]}, {o['copy']['count'][1:-1]}, 0)]"
            else:
                o["value"] = ["__if__", cond, o["value"], _EMPTY.get(o["type"].lower())]
        value = o.get("value")
        if isinstance(value, list) and value[:1] == ["__if__"]:
            o["value"] = call_form("if", [_expr(value[1]), _expr(value[2]), ("lit", value[3])])
        elif "value" in o:
            o["value"] = _expr(o["value"])
        if "copy" in o:
            o["copy"] = {k: _expr(v) for k, v in o["copy"].items()}
        o["type"] = o["type"].lower()
        out["outputs"][name] = o
    return out


def compare(t: Template, compiled: dict[str, Any]) -> DeepDiff:
    known_kinds({("param", n.lower()): p.type.lower().replace("secure", "") for n, p in t.parameters.items()})
    return DeepDiff(normalize(arm_json.render(t)), normalize(compiled), ignore_order=False)


def _simulated_bicep_build(t: Template) -> dict[str, Any]:
    """What ``bicep build`` changes by design, applied to our ARM JSON (for testing normalize)."""
    doc = copy.deepcopy(arm_json.render(t))
    doc["metadata"] = {"_generator": {"name": "bicep", "version": "0.0.0"}}
    for r in doc["resources"]:
        if "copy" in r:
            r["copy"]["name"] = "symbol"
            r["copy"]["count"] = f"[length(range(0, {r['copy']['count'].strip('[]') if isinstance(r['copy']['count'], str) else r['copy']['count']}))]"
        if "dependsOn" in r:
            r["dependsOn"] = [d if d.startswith("[") else "symbol" for d in r["dependsOn"]]
    for o in doc["outputs"].values():
        if "condition" in o and "copy" not in o:
            empty = json.dumps(_EMPTY[o["type"].lower()]).replace('"', "'")
            value = o["value"][1:-1] if o["value"].startswith("[") else f"'{o['value']}'"
            o["value"] = f"[if({o.pop('condition')[1:-1]}, {value}, {empty})]"
    return doc


def test_normalize_accepts_bicep_s_expected_differences() -> None:
    from tests.bicep.cases import appliance

    t = appliance()
    assert compare(t, _simulated_bicep_build(t)) == {}


def test_normalize_still_sees_real_differences() -> None:
    from tests.bicep.cases import appliance

    t = appliance()
    changed = _simulated_bicep_build(t)
    changed["resources"][0]["apiVersion"] = "2020-01-01"
    changed["parameters"]["vmCount"]["defaultValue"] = 3
    diff = compare(t, changed)
    assert "values_changed" in diff and len(diff["values_changed"]) == 2


@pytest.mark.skipif(BICEP is None, reason="no `bicep` binary on PATH (the Bicep CLI is not on PyPI); "
                                          "install it to compile main.bicep for real")
def test_bicep_build_matches_main_template(template: Template, tmp_path: Path) -> None:
    main = tmp_path / "main.bicep"
    main.write_text(bicep.render(template), encoding="utf-8")
    run = subprocess.run([str(BICEP), "build", "--stdout", str(main)], capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    diff = compare(template, json.loads(run.stdout))
    assert diff == {}, diff.pretty()
