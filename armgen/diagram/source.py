"""Where a diagram's template comes from: a built-in offer (its model, rendered), or a folder, a zip
or a template file.

A built-in offer is built from its one model (:mod:`armgen.offers`) and rendered by
:func:`armgen.render.arm_json.render`, so the diagram reads exactly the JSON ``armgen build``
writes. Templates of others are read with the lint's tolerant reader: the Marketplace corpus has
comments and trailing commas that ARM accepts and strict JSON does not.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from armgen.errors import InputError

#: Template file names tried first in a folder or zip, as the lint does (arm-ttk's order).
MAIN_NAMES = ("maintemplate.json", "azuredeploy.json")
_SKIP = ("createuidefinition.json", "viewdefinition.json")


@dataclass
class Source:
    template: dict[str, Any]
    label: str
    title: str
    subtitle: str = ""


def from_offer(name: str, options: dict[str, Any]) -> Source:
    """A built-in offer's template from its model, with ``options`` (already validated)."""
    from armgen.offers import get_offer
    from armgen.render import arm_json

    offer = get_offer(name)
    resolved = offer.resolve({k: v for k, v in options.items() if k != "offer"})
    template = arm_json.render(offer.build(resolved))
    return Source(template, f"<built-in offer {name}>", name, _describe_options(resolved, offer.defaults))


def _describe_options(options: dict[str, Any], defaults: dict[str, Any] | None = None) -> str:
    """The build's options as a subtitle: the common ones always, an offer's own only where they
    differ from its default (a brownfield picture need not list every shape it is not)."""
    from armgen.offers import COMMON_DEFAULTS

    parts: list[str] = []
    for key, value in options.items():
        if key in ("trackingGuid",):
            continue
        if key not in COMMON_DEFAULTS and defaults is not None and defaults.get(key) == value:
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value) or "none"
        elif isinstance(value, bool):
            value = "on" if value else "off"
        parts.append(f"{key} {value}")
    return " · ".join(parts)


def _parse(raw: bytes, label: str) -> dict[str, Any]:
    from armgen.lint.reader import decode_text, load_tolerant

    try:
        doc = load_tolerant(decode_text(raw), label)
    except InputError:
        raise
    except (ValueError, RecursionError) as exc:
        raise InputError(f"not JSON: {exc}", file=label) from None
    if not isinstance(doc, dict):
        raise InputError("a template is a JSON object", file=label, path="$")
    return doc


def _is_template(raw: bytes) -> bool:
    head = raw[:4000].lower()
    return b"deploymenttemplate.json" in head


def _pick(names: list[str], read: Any, label: str) -> tuple[str, bytes]:
    """The main template among a folder's or zip's files: a conventional name at the top level,
    else the one top-level JSON file whose ``$schema`` is a deployment template's."""
    top = sorted(n for n in names if "/" not in n.strip("/") and n.lower().endswith(".json")
                 and PurePosixPath(n).name.lower() not in _SKIP and not n.lower().endswith(".parameters.json"))
    for want in MAIN_NAMES:
        for n in top:
            if PurePosixPath(n).name.lower() == want:
                return n, read(n)
    found = [(n, read(n)) for n in top]
    templates = [(n, raw) for n, raw in found if _is_template(raw)]
    if len(templates) == 1:
        return templates[0]
    if len(found) == 1:
        return found[0]
    if not found:
        raise InputError("no template (mainTemplate.json, azuredeploy.json or a deploymentTemplate JSON file)",
                         file=label)
    raise InputError(f"more than one template here ({', '.join(n for n, _ in templates or found)}); "
                     "name the file", file=label)


def from_path(path: str) -> Source:
    """A template from a folder, a zip (a Marketplace package) or a JSON file."""
    p = Path(path)
    if not p.exists():
        raise InputError("no such file or folder", file=path)
    if p.is_dir():
        names = [f.name for f in p.iterdir() if f.is_file()]
        name, raw = _pick(names, lambda n: (p / n).read_bytes(), path)
        label = str(p / name)
    elif zipfile.is_zipfile(p):
        from armgen.package import read_zip

        entries = read_zip(p.read_bytes(), path)
        name, raw = _pick(list(entries), lambda n: entries[n], path)
        label = f"{path}!{name}"
    else:
        raw = p.read_bytes()
        label = path
    template = _parse(raw, label)
    meta = template.get("metadata") if isinstance(template.get("metadata"), dict) else {}
    description = meta.get("description") if isinstance(meta.get("description"), str) else ""
    return Source(template, label, p.name, description)
