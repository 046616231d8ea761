"""Render a :class:`~armgen.template.Template` to ARM JSON, in ARM's conventional key order.

Key order follows what Bicep and the portal emit, so diffs against hand-written templates stay
readable, and Python dicts keep it stable across runs.
"""

from __future__ import annotations

from typing import Any

from armgen import __version__
from armgen import expr as E
from armgen.template import Output, Parameter, Resource, Template

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"


def render_parameter(p: Parameter) -> dict[str, Any]:
    out: dict[str, Any] = {"type": p.type}
    if p.has_default:
        out["defaultValue"] = E.to_json(E.lift(p.default))
    for key, value in (
        ("allowedValues", p.allowed_values),
        ("minValue", p.min_value),
        ("maxValue", p.max_value),
        ("minLength", p.min_length),
        ("maxLength", p.max_length),
    ):
        if value is not None:
            out[key] = E.to_json(value)
    if p.description:
        out["metadata"] = {"description": p.description}
    return out


def render_resource(t: Template, r: Resource) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if r.condition is not None:
        out["condition"] = E.to_json(r.condition)
    out["type"] = r.type
    out["apiVersion"] = r.api_version
    out["name"] = E.to_json(r.arm_name())
    for key, value in r.envelope():
        if value is not None:
            out[key] = E.to_json(value)
    if r.copy is not None:
        copy: dict[str, Any] = {"name": r.copy.name, "count": E.to_json(r.copy.count)}
        if r.copy.mode != "Parallel" or r.copy.batch_size is not None:
            copy["mode"] = r.copy.mode
        if r.copy.batch_size is not None:
            copy["batchSize"] = r.copy.batch_size
        out["copy"] = copy
    if r.comments:
        out["comments"] = r.comments
    deps = t.depends_on(r)
    if deps:
        out["dependsOn"] = [E.to_json(d) for d in deps]
    if r.properties is not None:
        out["properties"] = E.to_json(r.properties)
    return out


def render_output(o: Output) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if o.condition is not None:
        out["condition"] = E.to_json(o.condition)
    out["type"] = o.type
    if o.copy_count is not None:
        out["copy"] = {"count": E.to_json(o.copy_count), "input": E.to_json(o.value)}
    else:
        out["value"] = E.to_json(o.value)
    if o.description:
        out["metadata"] = {"description": o.description}
    return out


def render(t: Template) -> dict[str, Any]:
    """The template as a JSON document (a dict), checked for dangling or unused names first."""
    t.check()
    doc: dict[str, Any] = {
        "$schema": SCHEMA,
        "contentVersion": t.content_version,
        "metadata": {"_generator": {"name": "armgen", "version": __version__}},
    }
    if t.description:
        doc["metadata"]["description"] = t.description
    doc["parameters"] = {name: render_parameter(p) for name, p in t.parameters.items()}
    if t.variables:
        doc["variables"] = {name: E.to_json(v.value) for name, v in t.variables.items()}
    doc["resources"] = [render_resource(t, r) for r in t.deployed]
    doc["outputs"] = {name: render_output(o) for name, o in t.outputs.items()}
    return doc
