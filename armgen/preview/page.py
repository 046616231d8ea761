"""The offline wizard preview: one self-contained HTML page per createUiDefinition.

Why a page and not a server: the customer or the ISV opens it from disk (``file://``), with no
network, no CDN and no Azure account, and sees the wizard the portal would show. Everything the
page needs is inlined: the stylesheet, the evaluator (``evaluator.js``, the JavaScript port of
:mod:`armgen.uidef.expressions` and :mod:`armgen.uidef.evaluator`), the page's own code
(``preview.js``), and one JSON document with the createUiDefinition, the template's parameter
declarations (for the "Review + create" checks) and the sample answers from Azure (``--data``,
default ``sample.json``; format in docs/preview.md).

The page is a function of its inputs only: no timestamps, no paths beyond the names given, so
the same inputs give the same bytes. What varies per visit (``guid()``, ``utcNow()``) is drawn by
the page when it loads, as the portal draws it.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from armgen.errors import InputError, json_path

#: The file ``armgen preview --out DIR`` writes.
PAGE_NAME = "index.html"
UIDEF_NAME = "createuidefinition.json"
DEFAULT_DATA_LABEL = "armgen's default sample data"

#: Controls the page approximates although armgen's evaluator refuses them (preview.js, EXTRA).
APPROXIMATED = (
    "Microsoft.Network.VirtualNetworkCombo",
    "Microsoft.Network.PublicIpAddressCombo",
    "Microsoft.Common.FileUpload",
    "Microsoft.Common.ServicePrincipalSelector",
    "Microsoft.Storage.StorageAccountSelector",
    "Microsoft.Storage.MultiStorageAccountCombo",
)


@dataclass
class Source:
    """What a preview shows: a createUiDefinition, the template beside it (or None), names."""

    uidef: dict[str, Any]
    template: dict[str, Any] | None
    label: str
    title: str


# --------------------------------------------------------------------------------------- assets


@cache
def asset(name: str) -> str:
    """A file shipped beside this module (package data): the JS, the CSS, the sample, the schema."""
    return (resources.files("armgen.preview") / name).read_text(encoding="utf-8")


# -------------------------------------------------------------------------------------- sources


def from_offer(name: str, options: dict[str, Any]) -> Source:
    """A built-in offer, built from its model with ``options`` (already validated), in memory."""
    from armgen.build import build
    from armgen.offers import get_offer

    result = build({**options, "offer": name}, with_bicep=False)
    uidef = json.loads(result.files["createUiDefinition.json"])
    label = f"built-in offer {name}{_describe(result.options, get_offer(name).resolve({}))}"
    return Source(uidef, result.template, label, _title(uidef, name))


def _describe(options: dict[str, Any], defaults: dict[str, Any]) -> str:
    """The variant, and the shape options that differ from the offer's defaults."""
    parts = []
    for key in ("variant", "network", "zones", "appliancesPerZone", "natGateway", "byoNatGateway", "zpa",
                "workloadSubnet", "bastion"):
        if key in options and (key == "variant" or options[key] != defaults.get(key)):
            value = options[key]
            if isinstance(value, list):
                value = ",".join(str(v) for v in value) or "none"
            elif isinstance(value, bool):
                value = "on" if value else "off"
            parts.append(f"{key} {value}")
    return f" ({', '.join(parts)})" if parts else ""


def _title(uidef: Any, fallback: str) -> str:
    """The offer's name: the first bold words of the Basics description (as armgen's wizards and
    many others open it), else ``fallback``."""
    params = uidef.get("parameters") if isinstance(uidef, dict) else None
    config = params.get("config") if isinstance(params, dict) else None
    basics = config.get("basics") if isinstance(config, dict) else None
    text = basics.get("description") if isinstance(basics, dict) else None
    if isinstance(text, str):
        m = re.match(r"\s*\*\*([^*\n]{1,60})\*\*", text)
        if m:
            return m.group(1).strip()
    return fallback


def _read_json(raw: bytes, label: str) -> Any:
    """JSON as Marketplace packages write it (comments, trailing commas): the lint's tolerant reader."""
    from armgen.lint.reader import decode_text, load_tolerant

    try:
        return load_tolerant(decode_text(raw), label)
    except InputError:
        raise
    except (ValueError, RecursionError) as exc:
        raise InputError(f"not JSON: {exc}", file=label) from None


def _template_among(names: list[str], read: Any, label: str) -> tuple[str, dict[str, Any]] | None:
    """The main template beside a createUiDefinition (the diagram's choice), or None."""
    from armgen.diagram.source import _pick

    candidates = [n for n in names if n.lower() != UIDEF_NAME]
    try:
        name, raw = _pick(candidates, read, label)
    except InputError:
        return None
    doc = _read_json(raw, f"{label}/{name}" if "!" not in label else f"{label}{name}")
    return (name, doc) if isinstance(doc, dict) else None


def from_path(path: str) -> Source:
    """A package folder, a Marketplace zip, or a createUiDefinition.json file (its folder's
    template is used for the checks when there is one)."""
    p = Path(path)
    if not p.exists():
        raise InputError("no such file or folder", file=path)
    if p.is_dir():
        files = {f.name: f for f in p.iterdir() if f.is_file()}
        uidef_name = next((n for n in sorted(files) if n.lower() == UIDEF_NAME), None)
        if uidef_name is None:
            raise InputError("no createUiDefinition.json in this folder", file=path)
        uidef = _read_json(files[uidef_name].read_bytes(), str(p / uidef_name))
        found = _template_among(sorted(files), lambda n: files[n].read_bytes(), str(p))
        return _source(uidef, found, str(p / uidef_name), p.resolve().name or str(p))
    import zipfile

    if zipfile.is_zipfile(p):
        from armgen.package import read_zip

        entries = read_zip(p.read_bytes(), path)
        uidefs = sorted((n for n in entries if PurePosixPath(n).name.lower() == UIDEF_NAME),
                        key=lambda n: (n.count("/"), n))
        if not uidefs:
            raise InputError("no createUiDefinition.json in this zip", file=path)
        folder = str(PurePosixPath(uidefs[0]).parent)
        prefix = "" if folder == "." else folder + "/"
        here = sorted(n[len(prefix):] for n in entries if n.startswith(prefix) and "/" not in n[len(prefix):])
        uidef = _read_json(entries[uidefs[0]], f"{path}!{uidefs[0]}")
        found = _template_among(here, lambda n: entries[prefix + n], f"{path}!{prefix}")
        return _source(uidef, found, f"{path}!{uidefs[0]}", p.stem)
    uidef = _read_json(p.read_bytes(), path)
    if p.name.lower() != UIDEF_NAME and not _looks_like_uidef(uidef):
        raise InputError("not a createUiDefinition (give the file, its folder or the package zip)", file=path)
    folder = p.parent
    files = {f.name: f for f in folder.iterdir() if f.is_file() and f.name != p.name}
    found = _template_among(sorted(files), lambda n: files[n].read_bytes(), str(folder))
    return _source(uidef, found, path, folder.resolve().name or p.stem)


def _looks_like_uidef(doc: Any) -> bool:
    if not isinstance(doc, dict):
        return False
    schema = str(doc.get("$schema", "")).lower()
    return "createuidefinition" in schema or doc.get("handler") in ("Microsoft.Azure.CreateUIDef", "Microsoft.Compute.MultiVm")


def _source(uidef: Any, found: tuple[str, dict[str, Any]] | None, label: str, fallback_title: str) -> Source:
    if not isinstance(uidef, dict):
        raise InputError("a createUiDefinition is a JSON object", file=label, path="$")
    return Source(uidef, found[1] if found else None, label, _title(uidef, fallback_title))


# ----------------------------------------------------------------------------------------- data


def load_data(path: str | None) -> tuple[dict[str, Any], str]:
    """The sample answers from Azure (``--data FILE``, else armgen's default sample), checked
    against ``data.schema.json``; and how the page names them."""
    from armgen import jsonio

    if path is None:
        return json.loads(asset("sample.json")), DEFAULT_DATA_LABEL
    doc = jsonio.load_json(path)
    validate_data(doc, path)
    return doc, Path(path).name


def validate_data(doc: Any, file: str) -> None:
    """Schema-check sample data; the first error (in document order) is an InputError."""
    from jsonschema import Draft202012Validator

    errors = list(Draft202012Validator(json.loads(asset("data.schema.json"))).iter_errors(doc))
    if errors:
        err = min(errors, key=lambda e: ([str(p) for p in e.absolute_path], e.message))
        raise InputError(err.message, file=file, path=json_path(err.absolute_path))


# ----------------------------------------------------------------------------------------- page


def _finite(doc: Any) -> Any:
    """``doc`` without NaN/Infinity (which the tolerant reader accepts and JSON cannot carry)."""
    if isinstance(doc, float) and not math.isfinite(doc):
        return None
    if isinstance(doc, list):
        return [_finite(v) for v in doc]
    if isinstance(doc, dict):
        return {k: _finite(v) for k, v in doc.items()}
    return doc


def _declarations(template: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the page needs of the template: its parameter declarations. A secure parameter's
    default is replaced (only its presence matters to the checks): a secret never lands in the page."""
    if template is None:
        return None
    params = template.get("parameters")
    if not isinstance(params, dict):
        return {"parameters": {}}
    out: dict[str, Any] = {}
    for name, spec in params.items():
        if isinstance(spec, dict) and str(spec.get("type", "")).lower() in ("securestring", "secureobject") \
                and "defaultValue" in spec:
            spec = {**spec, "defaultValue": "(a secure default, not shown)"}
        out[name] = spec
    return {"parameters": out}


def payload(source: Source, data: dict[str, Any], data_label: str) -> dict[str, Any]:
    """The JSON document the page reads (``ArmgenPreview.App``'s input)."""
    return {
        "title": source.title,
        "source": source.label,
        "dataSource": data_label,
        "createUiDefinition": _finite(source.uidef),
        "template": _finite(_declarations(source.template)),
        "data": _finite(data),
    }


def _script_json(doc: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: every ``<`` escaped, so no string in
    a document can close the element or open a comment."""
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c")


def _inline(name: str, closing: str) -> str:
    text = asset(name)
    if closing in text.lower():
        raise ValueError(f"{name} contains {closing!r} and cannot be inlined")
    return text


#: No network at all: everything is inline; a link the user clicks still opens (navigation).
CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")

_TRAP = ("window.__armgenErrors=[];"
         "addEventListener('error',function(e){window.__armgenErrors.push(String(e.message||e))});"
         "addEventListener('unhandledrejection',function(e){window.__armgenErrors.push(String(e.reason))});")


def render(source: Source, data: dict[str, Any], data_label: str = DEFAULT_DATA_LABEL) -> str:
    """The whole page: same inputs, same text."""
    title = html.escape(f"Create {source.title} · armgen preview")
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="generator" content="armgen preview">',
        f"<title>{title}</title>",
        f"<style>\n{_inline('preview.css', '</style')}</style>",
        "</head>",
        "<body>",
        f"<script>{_TRAP}</script>",
        '<div id="armgen-app"><noscript>This preview needs JavaScript.</noscript></div>',
        f'<script type="application/json" id="armgen-data">{_script_json(payload(source, data, data_label))}</script>',
        f"<script>\n{_inline('evaluator.js', '</script')}</script>",
        f"<script>\n{_inline('preview.js', '</script')}</script>",
        "</body>",
        "</html>",
        "",
    ])


def control_counts(uidef: dict[str, Any]) -> dict[str, int]:
    """How many elements the page draws as the portal does, approximates, or cannot preview."""
    from armgen.uidef.evaluator import CONTROL_TYPES

    known = {t.lower() for t in CONTROL_TYPES}
    approximated = {t.lower() for t in APPROXIMATED}
    counts = {"elements": 0, "approximated": 0, "placeholders": 0}

    def walk(items: Any) -> None:
        if not isinstance(items, list):
            return
        for el in items:
            counts["elements"] += 1
            kind = el.get("type") if isinstance(el, dict) else None
            k = kind.lower() if isinstance(kind, str) else ""
            if k in approximated:
                counts["approximated"] += 1
            elif k not in known or not isinstance(el.get("name"), str):
                counts["placeholders"] += 1
            if isinstance(el, dict) and k == "microsoft.common.section":
                walk(el.get("elements"))

    params = uidef.get("parameters")
    if isinstance(params, dict):
        walk(params.get("basics"))
        for step in params.get("steps") or []:
            if isinstance(step, dict):
                walk(step.get("elements"))
    return counts
