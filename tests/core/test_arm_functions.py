"""ARM's hash functions in the static evaluator: ``uniqueString`` and ``guid`` as Resource Manager
computes them, so attach can name what a deployment created from its resource group and name.

The expected values are not computed here: each was produced by Resource Manager's own
expression library or by ARM itself, and published in a public repository's tests:

- ``yvjxno3je5on2``: microsoft/commercial-marketplace-offer-deploy, test/Tests/UnitTests/
  ArmFunctionsTests.cs, "UniqueStringShouldEqualValueCreatedFromArmTemplate" (its ArmFunctions
  calls Azure.Deployments.Expression's ExpressionBuiltInFunctions, ARM's evaluator);
- ``zcztcwvu6iyg6`` and ``fd63l2gacbtca``: DevOps Shield's azure-naming tests (TestArmFunctions,
  Test_Unique_String_Simple / _Multiple_Seeds), values taken from ARM deployments;
- ``2ed6657d-e927-568b-95e1-2665a8aea6a2``: RFC 9562 appendix A.4, the UUIDv5 of
  "www.example.com" in the DNS namespace (guid() is that construction in ARM's namespace).
"""

from __future__ import annotations

import uuid

import pytest

from armgen.armeval import (
    ARM_GUID_NAMESPACE,
    UNKNOWN,
    Hole,
    Scope,
    arm_guid,
    evaluate,
    murmur_hash64,
    unique_string,
)

RG_ID = "/subscriptions/3c7f956b-55ee-4686-9d30-da1eb631dc59/resourceGroups/rg-devopsshieldek010dev"
VM_ID = ("/subscriptions/31e9f9a0-9fd2-4294-a0a3-0101246d9700/resourceGroups/rg-modm201-20230913120256/"
         "providers/Microsoft.Compute/virtualMachines/bobjacmodm201")


@pytest.mark.parametrize(("parts", "expected"), [
    (("tyeth",), "zcztcwvu6iyg6"),   # 5 bytes: the tail reaches the second lane
    ((RG_ID,), "fd63l2gacbtca"),     # 84 bytes: blocks and a 4-byte tail
    ((VM_ID,), "yvjxno3je5on2"),     # 138 bytes: blocks and a 2-byte tail
])
def test_unique_string_matches_resource_manager(parts: tuple[str, ...], expected: str) -> None:
    assert unique_string(*parts) == expected


def test_unique_string_joins_its_arguments_with_a_dash() -> None:
    head, tail = RG_ID.rsplit("/", 1)
    assert unique_string(head, tail) != unique_string(RG_ID)  # joined with '-', not '/'
    assert unique_string(f"{head}/", tail) == unique_string(f"{head}/-{tail}")
    assert len(unique_string("")) == 13 and set(unique_string("x" * 1000)) <= set("abcdefghijklmnopqrstuvwxyz234567")


def test_murmur_hash64_every_tail_length_differs() -> None:
    """Lengths 0..16 cover an empty input, every tail length 1..7 and whole blocks: each must
    give its own value (a tail dropped or read twice would collide)."""
    values = {murmur_hash64(bytes(range(1, n + 1))) for n in range(17)}
    assert len(values) == 17 and all(0 <= v < 2**64 for v in values)


def test_guid_is_rfc_uuid5_in_arms_namespace() -> None:
    assert arm_guid("www.example.com", namespace=uuid.NAMESPACE_DNS) == "2ed6657d-e927-568b-95e1-2665a8aea6a2"
    g = arm_guid(RG_ID, "reader")
    assert g == str(uuid.uuid5(ARM_GUID_NAMESPACE, f"{RG_ID}-reader")) and uuid.UUID(g).version == 5
    assert g == g.lower()


def test_the_offers_name_suffix_evaluates_once_the_deployment_is_known() -> None:
    sub, rg = "3c7f956b-55ee-4686-9d30-da1eb631dc59", "rg-devopsshieldek010dev"
    suffix = "[take(uniqueString(resourceGroup().id, deployment().name), 8)]"
    assert evaluate(suffix, Scope({}, {}, sub, rg)) is UNKNOWN  # no deployment name: unknown, not guessed
    known = Scope({}, {}, sub, rg, deployment_name="mainTemplate")
    assert evaluate(suffix, known) == unique_string(RG_ID, "mainTemplate")[:8]
    assert evaluate("[deployment().name]", known) == "mainTemplate"
    assert evaluate("[guid(resourceGroup().id, 'x')]", known) == arm_guid(RG_ID, "x")


@pytest.mark.parametrize("expr", ["[uniqueString(1)]", "[uniqueString(parameters('missing'))]", "[guid(true)]",
                                  "[uniqueString(deployment().name)]", "[uniqueString()]"])
def test_hash_of_what_is_not_a_known_string_is_unknown(expr: str) -> None:
    assert evaluate(expr, Scope({}, {}, "sub", "rg")) is UNKNOWN


def test_a_placeholder_is_never_hashed() -> None:
    """The diagram's placeholders spell the parameter inside strings: a hash of that would invent
    a name the deployment will never have."""
    s = Scope({}, {}, Hole.named("subscription"), Hole.named("resource group"), placeholders=True)
    assert evaluate("[uniqueString(resourceGroup().id)]", s) is UNKNOWN


def _nested_concat(levels: int) -> str:
    return "[" + "concat(" * levels + "'a'" + ")" * levels + "]"


def test_an_expression_nested_to_the_bound_evaluates_and_deeper_is_one_clear_error() -> None:
    """ARM allows 24,576 characters in an expression: room for about 3,000 nested calls, which
    the recursive parser used to meet as a RecursionError (armgen diagram printed 'the input
    nests too deeply' without naming anything)."""
    from armgen.armeval import MAX_EXPRESSION_NESTING
    from armgen.errors import InputError

    assert evaluate(_nested_concat(MAX_EXPRESSION_NESTING), Scope({}, {}, "sub", "rg")) == "a"
    with pytest.raises(InputError, match=f"more than {MAX_EXPRESSION_NESTING} deep: \\[concat\\(concat"):
        evaluate(_nested_concat(3000), Scope({}, {}, "sub", "rg"))


def test_the_what_if_gate_refuses_a_name_it_cannot_evaluate_instead_of_reading_it_as_a_wildcard() -> None:
    from armgen.azure.whatif_gate import declared_resources
    from armgen.errors import InputError

    template = {"resources": [{"type": "Microsoft.Network/networkInterfaces", "apiVersion": "2023-09-01",
                               "name": _nested_concat(3000), "location": "westeurope", "properties": {}}]}
    with pytest.raises(InputError, match="nests calls"):
        declared_resources(template, {}, "00000000-0000-0000-0000-000000000000", "rg")
