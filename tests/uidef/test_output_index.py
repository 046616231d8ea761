"""The outputs of a createUiDefinition are indexed once (issue 18): the index answers "which outputs
refer to this element" exactly as scanning every output for the element's reference does."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from armgen.uidef.contract import OutputIndex, _outputs_of, all_elements

ROOT = Path(__file__).resolve().parents[2]

OUTPUTS = {
    "a": "[steps('net').vnet.name]",
    "b": "[if(basics('flag'), steps('net').subnets.zone1.name, '')]",
    "c": "[steps('net').vnetx]",  # not a reference to steps('net').vnet
    "d": ["[steps('net').vnet]", {"deep": "[basics('flag').value]"}],
    "e": "[concat(steps('app').size, steps('app').size2)]",
    "f": "xsteps('net').vnet.id",  # a reference inside another word still counts, as in the scan
    "g": "[steps('net').my-el]",
    "h": "[steps( 'net' ).vnet]",  # spelled with spaces: not what all_elements() writes
    "i": "[steps('net').vnet.]",
    "j": 5,
    "k": "[steps('net').vnetsteps('net').subnets]",  # a second reference glued to the first
}

REFS = ["steps('net').vnet", "steps('net').vnet.name", "steps('net')", "basics('flag')", "basics('flag').value",
        "steps('net').subnets", "steps('net').subnets.zone1", "steps('app').size", "steps('app').size2",
        "steps('net').my-el", "steps('net').my", "steps( 'net' ).vnet", "steps('app')", "basics('other')",
        "steps('net').vnetx", "steps('net').vnet.name.more"]


@pytest.mark.parametrize("ref", REFS)
def test_index_answers_as_the_scan_does(ref: str) -> None:
    assert OutputIndex(OUTPUTS).outputs_of(ref) == _outputs_of(ref, OUTPUTS)


def test_index_agrees_on_the_built_in_offers() -> None:
    compared = 0
    for path in sorted((ROOT / "createUiDefinition").glob("*/createUiDefinition.json")):
        uidef = json.loads(path.read_text(encoding="utf-8"))
        outputs = uidef["parameters"]["outputs"]
        index = OutputIndex(outputs)
        for _, ref, _ in all_elements(uidef):
            assert index.outputs_of(ref) == _outputs_of(ref, outputs), ref
            compared += 1
    assert compared > 20


def test_index_agrees_on_generated_combinations() -> None:
    names = ["x", "xy", "x_1", "y"]
    pieces = [f"steps('s').{a}" for a in names] + [f"basics('{a}')" for a in names] + ["."] + [".y", "(", "z"]
    outputs = {f"o{i}": "[" + "".join(combo) + "]" for i, combo in enumerate(itertools.product(pieces, repeat=3))}
    index = OutputIndex(outputs)
    for ref in [f"steps('s').{a}" for a in names] + [f"basics('{a}')" for a in names] + [
            f"steps('s').{a}.y" for a in names] + ["steps('s')", "basics('x').y"]:
        assert index.outputs_of(ref) == _outputs_of(ref, outputs), ref
