"""Run a resource-group what-if and decide whether it is safe for a brownfield network.

The template comes from a Marketplace zip (``mainTemplate.json`` inside), a folder holding
``mainTemplate.json``, one template file, or — when nothing is given — the built-in default offer
built in memory. Parameters are read and checked by :mod:`armgen.params`. The SDK is imported lazily (through
:mod:`armgen.azure.session`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from armgen import jsonio, zipio
from armgen.azure.session import AzureTarget, azure_errors
from armgen.azure.whatif_gate import GateFinding, check_gate, declared_resources
from armgen.errors import InputError

WHATIF_ACTION = "Microsoft.Resources/deployments/whatIf/action"


def load_template(source: str | None) -> tuple[dict[str, Any], str]:
    """``(template, label)`` from a zip, a folder, a template file, or the default offer (``source=None``)."""
    if source is None:
        from armgen.build import build_files

        try:
            files = build_files(with_bicep=False)
        except InputError:
            raise
        except Exception as exc:  # a model error in the offer is still one line for the user
            raise InputError(f"the built-in offer could not be built ({exc}); pass a PACKAGE or DIR") from exc
        text = files.get("mainTemplate.json")
        if text is None:
            raise InputError("the built-in offer produced no mainTemplate.json")
        return _parse(text, "<built-in offer>/mainTemplate.json"), "built-in offer"
    p = Path(source)
    if p.is_dir():
        main = p / "mainTemplate.json"
        if not main.is_file():
            raise InputError("no mainTemplate.json in this folder", file=source)
        doc = jsonio.load_json(main)
        if not isinstance(doc, dict):
            raise InputError("a template is a JSON object", file=str(main), path="$")
        return doc, str(main)
    if zipio.is_zip(p):
        entries = zipio.read_zip(p, source, want=lambda n: n.rsplit("/", 1)[-1].lower() == "maintemplate.json")
        names = {n.rsplit("/", 1)[-1].lower(): n for n in entries}
        # Marketplace packages keep mainTemplate.json at the root; accept one folder level too
        root = [n for n in entries if n.lower() == "maintemplate.json"]
        name = root[0] if root else names.get("maintemplate.json")
        if name is None:
            raise InputError("no mainTemplate.json in this package", file=source)
        label = f"{source}!{name}"
        return _parse(jsonio.decode_text(entries[name], label), label), label
    if p.is_file():  # one template file: mainTemplate.json, azuredeploy.json, anything.json
        doc = jsonio.load_json(p)
        if not isinstance(doc, dict):
            raise InputError("a template is a JSON object", file=source, path="$")
        schema = str(doc.get("$schema", "")).lower()
        if "deploymentparameters" in schema:
            raise InputError("this is a parameters file, not a template: pass it with -p", file=source)
        if "resources" not in doc:
            raise InputError("not a template: no resources (expected a package .zip, a folder with "
                             "mainTemplate.json, or a template .json file)", file=source)
        return doc, source
    raise InputError("no such file or folder (expected a package .zip, a folder with mainTemplate.json, "
                     "or a template .json file)", file=source)


def _parse(text: str, label: str) -> dict[str, Any]:
    doc = jsonio.parse_json(text, label)
    if not isinstance(doc, dict):
        raise InputError("a template is a JSON object", file=label, path="$")
    return doc


def load_parameters(path: str | None) -> dict[str, Any]:
    """The ``parameters`` object (``{name: {"value": ...}}``) of a parameters file, unchecked:
    for callers that have no template at hand. Commands use :mod:`armgen.params` instead."""
    if path is None:
        return {}
    from armgen import params

    values = params.read_file(path)
    return params.arm_parameters({g.name: g.value for g in values})


def parameter_values(params: dict[str, Any]) -> dict[str, Any]:
    """Plain values of a parameters object (Key Vault references are unknown, left out)."""
    return {k: v["value"] for k, v in params.items() if isinstance(v, dict) and "value" in v}


@dataclass
class WhatIfOutcome:
    result: dict[str, Any]  # REST JSON of WhatIfOperationResult
    findings: list[GateFinding] = field(default_factory=list)

    @property
    def blocked(self) -> list[GateFinding]:
        return [f for f in self.findings if f.verdict == "blocked"]

    def to_json(self) -> dict[str, Any]:
        return {
            "whatIf": self.result,
            "gate": {
                "passed": not self.blocked,
                "findings": [{"resourceId": f.resource_id, "changeType": f.change_type, "verdict": f.verdict,
                              "reason": f.reason} for f in self.findings],
            },
        }


class WhatIfFailed(Exception):
    """ARM ran the what-if and reported it as failed (code + message)."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def run_what_if(target: AzureTarget, resource_group: str, template: dict[str, Any], parameters: dict[str, Any],
                deployment_name: str = "armgen-what-if", mode: str = "Incremental") -> dict[str, Any]:
    """POST the what-if, poll it to the end, and return the REST JSON of the result."""
    body = {"properties": {"mode": mode, "template": template, "parameters": parameters,
                           "whatIfSettings": {"resultFormat": "FullResourcePayloads"}}}
    from armgen.azure.guard import read_json

    with azure_errors(target, WHATIF_ACTION, resource_group):
        client = target.deployments_client()
        try:
            # the answer's own JSON (the guard checked it is JSON), not the SDK's model of it: the
            # model turns a wrong type into a string or drops it instead of saying so
            poller = client.deployments.begin_what_if(resource_group, deployment_name, parameters=body,
                                                      cls=lambda response, _model, _headers: read_json(response.http_response))
            doc = poller.result()
        finally:
            client.close()
    _check_answer(doc)
    err = doc.get("error")
    if err or str(doc.get("status", "")).lower() == "failed":
        e = err or {}
        details = "; ".join(f"{d.get('code')}: {d.get('message')}" for d in e.get("details") or [])
        raise WhatIfFailed(str(e.get("code") or "WhatIfFailed"),
                           str(e.get("message") or "the what-if failed") + (f" ({details})" if details else ""))
    return doc


def _check_answer(doc: Any) -> None:
    """The what-if answer has the shape the gate and the renderer read (schemas/whatIfResult)."""
    from armgen.azure.session import EXIT_AZURE, AzureFailure
    from armgen.checks.schemas import validate_document

    try:
        problems = validate_document(doc, "whatIfResult", file="what-if answer")
    except RecursionError:
        raise AzureFailure("Resource Manager's what-if answer is not usable: nested too deeply", EXIT_AZURE) from None
    if problems:
        p = problems[0]
        raise AzureFailure(f"Resource Manager's what-if answer is not usable: {p.path}: {p.message}", EXIT_AZURE)


def what_if(target: AzureTarget, resource_group: str, template: dict[str, Any], parameters: dict[str, Any],
            allow_modify: list[str], location: str | None = None, mode: str = "Incremental",
            deployment_name: str = "armgen-what-if") -> WhatIfOutcome:
    """What-if plus the brownfield gate. ``deployment_name`` is the name Resource Manager
    evaluates ``deployment().name`` with: a rollout previews each target under the name it will
    deploy it with, so names derived from it are the ones the deployment will create."""
    result = run_what_if(target, resource_group, template, parameters, mode=mode, deployment_name=deployment_name)
    declared = declared_resources(template, parameter_values(parameters), target.subscription, resource_group, location)
    return WhatIfOutcome(result, check_gate(result, declared, allow_modify))
