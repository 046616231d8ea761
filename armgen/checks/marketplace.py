"""Partner Center's rules for an Azure Application package (the zip), one function per rule.

Why a module of its own: these rules are about the *package* (names in the zip, sizes, the
version typed into Partner Center, how artifacts are reached, customer usage attribution), not
about one template's style, which ``armgen lint`` covers. Every rule states its source in
``../shared/reference/marketplace-package.md`` (section numbers in the docstrings) and has an
id, so a finding can be looked up and a test names the rule it exercises.

Each rule takes a :class:`PackageView` and yields :class:`RuleFinding` objects.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any

from armgen.errors import json_path
from armgen.records import FrozenRecord, Record

MAIN_TEMPLATE = "mainTemplate.json"
UI_DEFINITION = "createUiDefinition.json"
VIEW_DEFINITION = "viewDefinition.json"
ROOT_FILES = (MAIN_TEMPLATE, UI_DEFINITION, VIEW_DEFINITION)
ARTIFACTS_LOCATION = "_artifactsLocation"
ARTIFACTS_SAS = "_artifactsLocationSasToken"
ARTIFACTS_DEFAULTS = ("[deployment().properties.templateLink.uri]",)
DEPLOYMENTS = "microsoft.resources/deployments"
PID_NAME = re.compile(r"^pid-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(-partnercenter)?\Z")
VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\Z")
SAS_URI = re.compile(r"https?://[^\s\"'?]+\?[^\s\"']*\bsig=[^\s\"'&]+", re.IGNORECASE)
SECRET_TEXT = (
    (re.compile(r"AccountKey=[A-Za-z0-9+/]{20,}={0,2}"), "a storage account key"),
    (re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"), "a private key"),
    (re.compile(r"SharedAccessKey=[A-Za-z0-9+/]{20,}={0,2}"), "a shared access key"),
)
SECRET_PROPERTY = re.compile(r"(password|passwd|secret|accountkey|accesskey|sharedkey|clientsecret|token)\Z", re.IGNORECASE)
GIB = 1024**3
MIB = 1024**2


class Limits(FrozenRecord):
    """Size limits (§1.2). Parameters, so tests can exercise the rule without gigabytes."""

    __slots__ = __match_args__ = ("zip_bytes", "file_bytes", "template_compressed_bytes", "parameters", "variables",
                                  "resources", "outputs")
    zip_bytes: int
    file_bytes: int
    template_compressed_bytes: int
    parameters: int
    variables: int
    resources: int
    outputs: int

    def __init__(
        self,
        zip_bytes: int = GIB,  # Partner Center: total compressed .zip
        file_bytes: int = GIB,  # Partner Center: any uncompressed file in the zip
        template_compressed_bytes: int = 4 * MIB,  # Resource Manager: compressed template
        parameters: int = 256,
        variables: int = 256,
        resources: int = 800,
        outputs: int = 64,
    ) -> None:
        s = object.__setattr__
        s(self, "zip_bytes", zip_bytes)
        s(self, "file_bytes", file_bytes)
        s(self, "template_compressed_bytes", template_compressed_bytes)
        s(self, "parameters", parameters)
        s(self, "variables", variables)
        s(self, "resources", resources)
        s(self, "outputs", outputs)


class RuleFinding(FrozenRecord):
    __slots__ = __match_args__ = ("rule", "severity", "file", "path", "message")
    rule: str
    severity: str  # "error" | "warning"
    file: str
    path: str
    message: str

    def __init__(self, rule: str, severity: str, file: str, path: str, message: str) -> None:
        s = object.__setattr__
        s(self, "rule", rule)
        s(self, "severity", severity)
        s(self, "file", file)
        s(self, "path", path)
        s(self, "message", message)

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message} [{self.rule}]"


class PackageView(Record):
    """What the rules look at: entry name -> bytes, plus what Partner Center is told about it."""

    __match_args__ = ("files", "version", "managed_app", "zip_size", "limits", "sizes")  # no __slots__: cached_property

    def __init__(self, files: dict[str, bytes], version: str | None = None, managed_app: bool | None = None,
                 zip_size: int | None = None, limits: Limits | None = None, sizes: dict[str, int] | None = None) -> None:
        self.files = files
        self.version = version
        self.managed_app = managed_app  # None: not known; detected from viewDefinition.json
        self.zip_size = zip_size
        self.limits = Limits() if limits is None else limits
        self.sizes = {} if sizes is None else sizes  # declared sizes of entries too big to read

    def size_of(self, name: str) -> int:
        return self.sizes.get(name, len(self.files.get(name, b"")))

    @cached_property
    def docs(self) -> dict[str, Any]:
        """Every ``.json`` entry parsed (comments and trailing commas tolerated); None if unreadable."""
        out: dict[str, Any] = {}
        for name, data in self.files.items():
            if name.lower().endswith(".json"):
                out[name] = loads_tolerant(data)
        return out

    @property
    def main(self) -> dict[str, Any] | None:
        doc = self.docs.get(MAIN_TEMPLATE)
        return doc if isinstance(doc, dict) else None

    @property
    def is_managed(self) -> bool | None:
        if self.managed_app is not None:
            return self.managed_app
        return True if VIEW_DEFINITION in self.files else None

    def artifacts(self) -> list[str]:
        """Entries other than the root files Partner Center reads itself."""
        return sorted(n for n in self.files if n not in ROOT_FILES and not n.endswith("/"))

    def templates(self) -> dict[str, dict[str, Any]]:
        """Every entry that is an ARM template (by ``$schema``, or the main template)."""
        out = {}
        for name, doc in self.docs.items():
            if not isinstance(doc, dict):
                continue
            schema = str(doc.get("$schema", "")).lower()
            if name == MAIN_TEMPLATE or "deploymenttemplate.json" in schema:
                out[name] = doc
        return out


_COMMENT_OR_STRING = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/', re.DOTALL)
_TRAILING_COMMA = re.compile(r',(\s*[}\]])')


def loads_tolerant(data: bytes | str) -> Any:
    """JSON as Resource Manager reads it: comments and trailing commas allowed. None if not JSON."""
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data.lstrip("\ufeff")
    try:
        return json.loads(text)
    except RecursionError:  # nested deeper than Python's stack: not a document anyone can deploy
        return None
    except ValueError:  # JSONDecodeError, or a number too long to convert
        pass
    stripped = _COMMENT_OR_STRING.sub(lambda m: m.group(0) if m.group(0).startswith('"') else " ", text)
    stripped = _TRAILING_COMMA.sub(r"\1", stripped)
    try:
        return json.loads(stripped)
    except (ValueError, RecursionError):
        return None


Rule = Callable[[PackageView], Iterator[RuleFinding]]
RULES: dict[str, Rule] = {}


def rule(rule_id: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        fn.rule_id = rule_id  # type: ignore[attr-defined]
        RULES[rule_id] = fn
        return fn

    return register


def _top_resources(template: dict[str, Any]) -> list[tuple[tuple[str | int, ...], dict[str, Any]]]:
    res = template.get("resources")
    items = enumerate(res) if isinstance(res, list) else res.items() if isinstance(res, dict) else ()
    return [(("resources", k), r) for k, r in items if isinstance(r, dict)]


def _is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("[") and value.endswith("]") and not value.startswith("[[")


# ----------------------------------------------------------------------------------------------


@rule("MP-version")
def version_format(pkg: PackageView) -> Iterator[RuleFinding]:
    """§1.3: the package version typed into Partner Center is ``integer.integer.integer``."""
    if pkg.version is not None and not VERSION.match(pkg.version):
        yield RuleFinding("MP-version", "error", "<package>", "$", f"version {pkg.version!r} must be integer.integer.integer, e.g. 1.0.2")


@rule("MP-files")
def required_files(pkg: PackageView) -> Iterator[RuleFinding]:
    """§1.1: mainTemplate.json and createUiDefinition.json in the zip's root, names case-sensitive."""
    names = set(pkg.files)
    for required in (MAIN_TEMPLATE, UI_DEFINITION):
        if required in names:
            continue
        near = sorted(n for n in names if n.rsplit("/", 1)[-1].lower() == required.lower())
        if any("/" not in n for n in near):
            msg = f"{required} is missing: file names are case-sensitive, found {', '.join(near)}"
        elif near:
            msg = f"{required} must be in the root of the zip, found {', '.join(near)} (zip the folder's contents, not the folder)"
        else:
            msg = f"{required} is missing from the root of the zip"
        yield RuleFinding("MP-files", "error", "<package>", "$", msg)
    for n in sorted(names):
        base = n.rsplit("/", 1)[-1]
        if "/" not in n and base.lower() == VIEW_DEFINITION.lower() and base != VIEW_DEFINITION:
            yield RuleFinding("MP-files", "error", n, "$", f"must be named exactly {VIEW_DEFINITION}")


@rule("MP-entries")
def entry_names(pkg: PackageView) -> Iterator[RuleFinding]:
    """§1.1: artifacts are reached by relative URIs, so entry names must be plain relative paths."""
    seen: dict[str, str] = {}
    for n in sorted(pkg.files):
        parts = n.split("/")
        if n.startswith("/") or "\\" in n or ".." in parts or re.match(r"^[A-Za-z]:", n):
            yield RuleFinding("MP-entries", "error", n, "$", "entry name must be a relative path with forward slashes and no '..'")
        low = n.lower()
        if low in seen:
            yield RuleFinding("MP-entries", "error", n, "$", f"differs from {seen[low]!r} only in case")
        seen[low] = n


@rule("MP-size")
def size_limits(pkg: PackageView) -> Iterator[RuleFinding]:
    """§1.2: zip and files ≤ 1 GB; template ≤ 4 MB compressed; ARM's counts per template."""
    lim = pkg.limits
    if pkg.zip_size is not None and pkg.zip_size > lim.zip_bytes:
        yield RuleFinding("MP-size", "error", "<package>", "$", f"zip is {pkg.zip_size} bytes, over the {lim.zip_bytes}-byte limit")
    for name in sorted(pkg.files):
        size = pkg.size_of(name)
        if size > lim.file_bytes:
            yield RuleFinding("MP-size", "error", name, "$", f"{size} bytes uncompressed, over the {lim.file_bytes}-byte limit")
    for name, doc in sorted(pkg.templates().items()):
        compressed = len(zlib.compress(pkg.files[name], 6))
        if compressed > lim.template_compressed_bytes:
            yield RuleFinding("MP-size", "error", name, "$", f"template is {compressed} bytes compressed, over Resource Manager's {lim.template_compressed_bytes}")
        for key, limit in (("parameters", lim.parameters), ("variables", lim.variables), ("outputs", lim.outputs)):
            value = doc.get(key)
            if isinstance(value, dict) and len(value) > limit:
                yield RuleFinding("MP-size", "error", name, json_path([key]), f"{len(value)} {key}, over Resource Manager's limit of {limit}")
        count = 0
        for _, res in _top_resources(doc):
            copy = res.get("copy")
            n = copy.get("count") if isinstance(copy, dict) else 1
            count += n if isinstance(n, int) else 1
        if count > lim.resources:
            yield RuleFinding("MP-size", "error", name, "$.resources", f"{count} resources (copies counted), over Resource Manager's limit of {lim.resources}")


@rule("MP-artifacts")
def artifacts_location(pkg: PackageView) -> Iterator[RuleFinding]:
    """§1.4: a package with artifacts must reach them through _artifactsLocation + SAS token."""
    main = pkg.main
    if main is None:
        return
    params = main.get("parameters") if isinstance(main.get("parameters"), dict) else {}
    by_lower = {k.lower(): k for k in params}
    loc_name, sas_name = by_lower.get(ARTIFACTS_LOCATION.lower()), by_lower.get(ARTIFACTS_SAS.lower())
    artifacts = pkg.artifacts()
    if artifacts and not (loc_name and sas_name):
        missing = [n for n, have in ((ARTIFACTS_LOCATION, loc_name), (ARTIFACTS_SAS, sas_name)) if not have]
        yield RuleFinding("MP-artifacts", "error", MAIN_TEMPLATE, "$.parameters",
                          f"the package carries {len(artifacts)} artifact(s) ({', '.join(artifacts[:3])}{', ...' if len(artifacts) > 3 else ''}) "
                          f"but {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not declared")
    elif bool(loc_name) != bool(sas_name):
        yield RuleFinding("MP-artifacts", "error", MAIN_TEMPLATE, "$.parameters",
                          f"{ARTIFACTS_LOCATION} and {ARTIFACTS_SAS} go together: declare both or neither")
    if loc_name:
        p = params[loc_name] if isinstance(params[loc_name], dict) else {}
        where = json_path(["parameters", loc_name])
        if str(p.get("type", "")).lower() != "string":
            yield RuleFinding("MP-artifacts", "error", MAIN_TEMPLATE, where + ".type", f"{ARTIFACTS_LOCATION} must be of type string")
        default = p.get("defaultValue")
        if not (isinstance(default, str) and default.replace(" ", "").startswith("[deployment().properties.templateLink")):
            yield RuleFinding("MP-artifacts", "error", MAIN_TEMPLATE, where + ".defaultValue",
                              f"{ARTIFACTS_LOCATION} must default to {ARTIFACTS_DEFAULTS[0]}, got {json.dumps(default)}")
    if sas_name:
        p = params[sas_name] if isinstance(params[sas_name], dict) else {}
        where = json_path(["parameters", sas_name])
        if str(p.get("type", "")).lower() != "securestring":
            yield RuleFinding("MP-artifacts", "error", MAIN_TEMPLATE, where + ".type", f"{ARTIFACTS_SAS} must be of type securestring")
        if p.get("defaultValue") != "":
            yield RuleFinding("MP-artifacts", "error", MAIN_TEMPLATE, where + ".defaultValue", f'{ARTIFACTS_SAS} must default to ""')
    for name, doc in sorted(pkg.templates().items()):
        if name == MAIN_TEMPLATE:
            continue
        nparams = doc.get("parameters") if isinstance(doc.get("parameters"), dict) else {}
        for key, p in nparams.items():
            if key.lower() in (ARTIFACTS_LOCATION.lower(), ARTIFACTS_SAS.lower()) and isinstance(p, dict) and "defaultValue" in p:
                yield RuleFinding("MP-artifacts", "error", name, json_path(["parameters", key, "defaultValue"]),
                                  f"{key} must not have a default in a nested template: pass it from {MAIN_TEMPLATE}")


def _with_values(name: str, template: dict[str, Any]) -> str:
    """A name plus the literal values of the variables and parameter defaults it uses, so a
    tracking ID kept in a variable or parameter (``[variables('pid')]``) is recognised as one."""
    if not _is_expression(name):
        return name
    found = [name]
    for section, kind in (("variables", "variable"), ("parameters", "parameter")):
        values = template.get(section) if isinstance(template.get(section), dict) else {}
        for used in re.findall(kind + r"s\(\s*'([^']+)'\s*\)", name, re.IGNORECASE):
            value = values.get(used)
            if kind == "parameter" and isinstance(value, dict):
                value = value.get("defaultValue")
            found.append(json.dumps(value))
    return " ".join(found)


@rule("MP-pid")
def tracking_deployment(pkg: PackageView) -> Iterator[RuleFinding]:
    """§1.5: with nested deployments Partner Center cannot add the tracking ID (PAC-AzureAppCannotAddTrackingId)."""
    main = pkg.main
    if main is None:
        return
    nested, pids = [], []
    for path, res in _top_resources(main):
        if str(res.get("type", "")).lower() != DEPLOYMENTS:
            continue
        name = res.get("name")
        if isinstance(name, str) and "pid-" in _with_values(name, main).lower():
            pids.append((path, name))
        else:
            nested.append(path)
    for path, name in pids:
        if _is_expression(name):
            yield RuleFinding("MP-pid", "error", MAIN_TEMPLATE, json_path([*path, "name"]),
                              "the tracking deployment's name must be the literal pid-<GUID> from Partner Center, not an expression")
        elif not PID_NAME.match(name):
            yield RuleFinding("MP-pid", "error", MAIN_TEMPLATE, json_path([*path, "name"]),
                              f"{name!r} is not a tracking ID: expected pid-<GUID> or pid-<GUID>-partnercenter")
    if nested and not pids:
        yield RuleFinding("MP-pid", "error", MAIN_TEMPLATE, json_path(nested[0]),
                          "the template uses Microsoft.Resources/deployments, so Partner Center cannot add its tracking ID "
                          "(PAC-AzureAppCannotAddTrackingId): add an empty deployment named pid-<GUID>-partnercenter "
                          "with the ID from the plan's Technical Configuration page")
    builtin = builtin_tracking_guids()
    for path, name in pids:
        if any(g in _with_values(name, main).lower() for g in builtin):
            yield RuleFinding("MP-pid-guid", "warning", MAIN_TEMPLATE, json_path([*path, "name"]),
                              "the tracking deployment uses the GUID of armgen's built-in offer, so Partner Center "
                              "would attribute this offer's usage to another plan: build with --tracking-guid set to "
                              "your plan's GUID (Technical Configuration page)")
    if not nested and not pids:
        yield RuleFinding("MP-pid-missing", "warning", MAIN_TEMPLATE, "$.resources",
                          "no pid-<GUID> tracking deployment: Partner Center attributes customer usage by it; add an "
                          "empty deployment named pid-<GUID>-partnercenter with your plan's GUID "
                          "(armgen build --tracking-guid, or deployments.tracking_deployment(GUID) in an offer)")


def builtin_tracking_guids() -> frozenset[str]:
    """The tracking GUIDs armgen's built-in offers default to (lower case): a package that ships
    one was built without ``--tracking-guid`` and would credit its usage to someone else's plan."""
    from armgen.offers import OFFERS

    return frozenset(str(o.defaults["trackingGuid"]).lower() for o in OFFERS.values()
                     if isinstance(o.defaults.get("trackingGuid"), str))


def _walk(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, (*path, i))


@rule("MP-credentials")
def no_credentials(pkg: PackageView) -> Iterator[RuleFinding]:
    """§1.6: no hard-coded usernames/passwords/keys/SAS URIs; uniqueString() is not a password."""
    for name, data in sorted(pkg.files.items()):
        text = data.decode("utf-8", errors="replace")
        for m in SAS_URI.finditer(text):
            yield RuleFinding("MP-credentials", "error", name, f"line {text.count(chr(10), 0, m.start()) + 1}",
                              "hard-coded SAS URI (a public link): package the file and use _artifactsLocation instead")
        for pattern, what in SECRET_TEXT:
            for m in pattern.finditer(text):
                yield RuleFinding("MP-credentials", "error", name, f"line {text.count(chr(10), 0, m.start()) + 1}", f"hard-coded {what}")
    for name, doc in sorted(pkg.templates().items()):
        params = doc.get("parameters") if isinstance(doc.get("parameters"), dict) else {}
        for key, p in params.items():
            if not isinstance(p, dict) or key.lower() == ARTIFACTS_SAS.lower():
                continue
            ptype = str(p.get("type", "")).lower()
            default = p.get("defaultValue")
            if ptype in ("securestring", "secureobject") and default not in (None, "", {}):
                yield RuleFinding("MP-credentials", "error", name, json_path(["parameters", key, "defaultValue"]),
                                  "a secure parameter must not have a default value")
            elif ptype == "string" and SECRET_PROPERTY.search(key) and isinstance(default, str) and default and not _is_expression(default):
                yield RuleFinding("MP-credentials", "error", name, json_path(["parameters", key, "defaultValue"]),
                                  f"{key} looks like a credential with a literal default: make it a securestring without default")
        for path, res in _top_resources(doc):
            for sub, value in _walk(res.get("properties"), (*path, "properties")):
                key = sub[-1] if sub and isinstance(sub[-1], str) else ""
                if not (SECRET_PROPERTY.search(key) or key.lower() == "adminusername") or not isinstance(value, str) or not value:
                    continue
                if key.lower() == "adminusername":
                    if not _is_expression(value):
                        yield RuleFinding("MP-credentials", "error", name, json_path(sub), "adminUsername must not be a literal: make it a parameter")
                elif not _is_expression(value):
                    yield RuleFinding("MP-credentials", "error", name, json_path(sub), f"hard-coded {key}: pass it in a securestring parameter")
                elif re.search(r"uniquestring\s*\(", value, re.IGNORECASE) and "parameters(" not in value.lower():
                    yield RuleFinding("MP-credentials", "error", name, json_path(sub),
                                      f"{key} built with uniqueString() is deterministic and guessable: take it from a securestring parameter")


@rule("MP-language")
def language_version(pkg: PackageView) -> Iterator[RuleFinding]:
    """§1.1: managed applications accept ARM JSON languageVersion 1.0 only (no symbolic names)."""
    for name, doc in sorted(pkg.templates().items()):
        lang = doc.get("languageVersion")
        if lang is None or str(lang).startswith("1."):
            continue
        if pkg.is_managed is False:
            continue
        sev = "error" if pkg.is_managed else "warning"
        extra = "" if pkg.is_managed else " (if this plan is a managed application)"
        yield RuleFinding("MP-language", sev, name, "$.languageVersion",
                          f"languageVersion {lang!r} is not accepted for managed applications{extra}: compile to languageVersion 1.0")


def check(pkg: PackageView, only: list[str] | None = None) -> list[RuleFinding]:
    """Run every rule (or the ids in ``only``); findings sorted for a stable report."""
    findings: list[RuleFinding] = []
    for rule_id, fn in RULES.items():
        if only is None or rule_id in only:
            findings.extend(fn(pkg))
    return findings
