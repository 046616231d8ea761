"""The fuzzed entry points: for each, a strategy of :class:`~tests.fuzz.harness.Case`.

Entry points: ``build`` (options file, values, flags), ``validate``, ``lint``, ``package``,
``inspect``, ``what-if``, ``preflight``, ``attach``, ``rollout plan`` and ``rollout apply``. The Azure ones
run against one local Resource Manager (:class:`tests.fakearm.hostile.HostileArm`) that each case
can make misbehave (:data:`SERVER_BEHAVIOURS`), and a second one ("elsewhere") that must never
receive a request.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.fuzz import generators as g
from tests.fuzz.harness import Case

Strategy = Callable[[], st.SearchStrategy[Case]]
SUB = "00000000-0000-0000-0000-000000000001"
RG = "appliance-rg"
AZURE_DATA = Path(__file__).resolve().parents[1] / "azure" / "data"


# ---------------------------------------------------------------------------------------------
# build


def _out_layout(draw: st.DrawFn) -> dict[str, bytes | None]:
    """The output folder as it was before the run: absent, empty, holding old files, or with a
    folder where an output file goes."""
    kind = draw(st.sampled_from(["absent", "absent", "empty", "old", "blocked"]))
    if kind == "empty":
        return {"out": None}
    if kind == "old":
        return {"out/mainTemplate.json": b'{"old": true}\n', "out/keep.txt": b"mine\n"}
    if kind == "blocked":
        return {"out/old.txt": b"x", draw(st.sampled_from(["out/createUiDefinition.json", "out/main.bicep",
                                                           "out/parameters.json"])): None}
    return {}


@st.composite
def build_options(draw: st.DrawFn) -> Case:
    files = {"opts.json": draw(g.json_bytes(g.OPTIONS_SEED, g.OPTION_KEYS)), **_out_layout(draw)}
    return Case(["build", "--out", "{root}/out", "--options", "{root}/opts.json"], files, guarded=["out"],
                label="build --options")


@st.composite
def build_values(draw: st.DrawFn) -> Case:
    seed: Any = g.values_seed()
    if draw(st.booleans()):  # a deploymentParameters file instead of a plain object
        seed = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
                "contentVersion": "1.0.0.0", "parameters": {k: {"value": v} for k, v in seed.items()}}
    files = {"values.json": draw(g.json_bytes(seed, sorted(g.template_parameters()))), **_out_layout(draw)}
    argv = ["build", "--out", "{root}/out", "--values", "{root}/values.json"]
    for _ in range(draw(st.integers(0, 2))):
        argv += ["--set", draw(_set_item())]
    return Case(argv, files, guarded=["out"], label="build --values")


@st.composite
def _set_item(draw: st.DrawFn) -> str:
    name = draw(st.one_of(st.sampled_from(sorted(g.template_parameters())), g.flag_text))
    value = draw(st.one_of(g.flag_text, st.builds(lambda v: json.dumps(v), g.json_values),
                           st.sampled_from(['"\\ud800"', "[" * 3000, "1" + "0" * 5000, "NaN", '{"a":'])))
    return f"{name}={value}" if draw(st.integers(0, 9)) else value


@st.composite
def build_flags(draw: st.DrawFn) -> Case:
    argv = ["build", "--out", "{root}/out"]
    if draw(st.booleans()):
        argv.append(draw(st.one_of(st.sampled_from(["cloud-connector", "two-nic-appliance"]), g.flag_text)))
    choices: dict[str, st.SearchStrategy[str]] = {
        "--variant": st.one_of(st.sampled_from(["ha", "standalone"]), g.flag_text),
        "--zones": st.one_of(st.sampled_from(["1,2", "1,2,3", "none", "", ",", "1,1", "4", "1,2,3,4,5,6"]),
                             g.flag_text),
        "--appliances-per-zone": st.one_of(st.integers(-3, 2000).map(str),
                                          st.sampled_from(["9007199254740993", "1e3", "2.0", "", "x"])),
        "--name-prefix": st.one_of(st.sampled_from(["zcc", "a", "abcdefghijkl", "ZCC"]), g.flag_text),
        "--tracking-guid": st.one_of(st.just("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"), g.flag_text),
    }
    for flag in draw(st.lists(st.sampled_from(sorted(choices)), max_size=3, unique=True)):
        argv += [flag, draw(choices[flag])]
    if draw(st.booleans()):
        argv.append(draw(st.sampled_from(["--nat", "--no-nat"])))
    for _ in range(draw(st.integers(0, 1))):
        argv += ["--set", draw(_set_item())]
    return Case(argv, _out_layout(draw), guarded=["out"], label="build flags")


# ---------------------------------------------------------------------------------------------
# validate, lint, package, inspect


def _package_files() -> dict[str, bytes]:
    from tests.package import sample

    return sample.files()


@st.composite
def _package_folder(draw: st.DrawFn, folder: str = "pkg") -> dict[str, bytes | None]:
    files = _package_files()
    out: dict[str, bytes | None] = {}
    broken = draw(st.sampled_from([n for n in files if n.endswith(".json")] + [None]))
    for name, data in files.items():
        if name == broken:
            data = draw(g.json_bytes(json.loads(data)))
        out[f"{folder}/{name}"] = data
    return out


@st.composite
def validate_case(draw: st.DrawFn) -> Case:
    if draw(st.booleans()):
        files = draw(_package_folder())
        return Case(["validate", "{root}/pkg"], files, label="validate")
    kind = draw(st.sampled_from(["mainTemplate.json", "createUiDefinition.json", "x.parameters.json",
                                 "x.options.json", "other.json"]))
    seeds: dict[str, Any] = {"mainTemplate.json": json.loads(_package_files()["mainTemplate.json"]),
                             "createUiDefinition.json": json.loads(_package_files()["createUiDefinition.json"]),
                             "x.parameters.json": json.loads((AZURE_DATA / "parameters.json").read_text()),
                             "x.options.json": g.OPTIONS_SEED, "other.json": {"a": 1}}
    return Case(["validate", "{root}/" + kind], {kind: draw(g.json_bytes(seeds[kind]))}, label="validate")


@st.composite
def lint_case(draw: st.DrawFn) -> Case:
    shape = draw(st.sampled_from(["folder", "zip", "file"]))
    fmt = ["--format", draw(st.sampled_from(["text", "json", "sarif"]))]
    if shape == "zip":
        return Case(["lint", "{root}/p.zip", *fmt], {"p.zip": draw(g.zip_bytes(_package_files()))}, label="lint")
    files = draw(_package_folder())
    if shape == "folder":
        return Case(["lint", "{root}/pkg", *fmt], files, label="lint")
    name = draw(st.sampled_from(["mainTemplate.json", "createUiDefinition.json"]))
    return Case(["lint", "{root}/pkg/" + name, *fmt], files, label="lint")


VERSIONS = st.one_of(st.sampled_from(["1.0.0", "2.10.3", "1.0.0\n", "1.0", "01.0.0", "1.0.0.0", "", " 1.0.0",
                                      "1.0.0 ", "١.٠.٠", "99999999999999999999.0.0"]), g.flag_text)


@st.composite
def package_case(draw: st.DrawFn) -> Case:
    env = {"SOURCE_DATE_EPOCH": draw(st.sampled_from([None, *g.EPOCH_VALUES])) if draw(st.booleans()) else None}
    version = draw(VERSIONS) if draw(st.booleans()) else "1.0.0"
    files: dict[str, bytes | None] = {"dist/old.zip": b"old"} if draw(st.booleans()) else {}
    if draw(st.booleans()):
        files.update(draw(_package_folder()))
        argv = ["package", "{root}/pkg", "--version", version, "--out", "{root}/dist"]
    else:
        files["opts.json"] = draw(g.json_bytes({k: v for k, v in g.OPTIONS_SEED.items() if k != "offer"},
                                               g.OPTION_KEYS))
        argv = ["package", "--version", version, "--out", "{root}/dist", "--option-file", "{root}/opts.json"]
    return Case(argv, files, env=env, guarded=["dist"], label="package")


@st.composite
def inspect_case(draw: st.DrawFn) -> Case:
    argv = ["inspect", "{root}/offer-1.0.0.zip"]
    if draw(st.booleans()):
        argv += ["--version", draw(VERSIONS)]
    return Case(argv, {"offer-1.0.0.zip": draw(g.zip_bytes(_package_files()))}, label="inspect")


# ---------------------------------------------------------------------------------------------
# The local Resource Manager


class Servers:
    """One misbehaving Resource Manager for every Azure case of a process, and one elsewhere."""

    _lock = threading.Lock()
    _instance: Servers | None = None

    def __init__(self) -> None:
        from tests.fakearm.deployments import install_deployments
        from tests.fakearm.hostile import HostileArm
        from tests.fakearm.server import FakeArm
        from tests.fakearm.whatif import install_what_if
        from tests.rollout.conftest import Fleet

        self.arm = HostileArm(default_subscription=SUB).start()
        self.elsewhere = FakeArm(default_subscription=SUB).start()
        arm = self.arm
        arm.add_resource_group(SUB, RG)
        arm.add_resource_group(SUB, "network-rg")
        from tests.azure.helpers import CREATES, SUBNET_ID, VNET_ID

        arm.put_resource(VNET_ID, {"location": "westeurope",
                                   "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}})
        arm.put_resource(SUBNET_ID, {"properties": {"addressPrefix": "10.0.1.0/26", "ipConfigurations": []}})
        self.fleet = Fleet.__new__(Fleet)
        self.fleet.arm = arm
        self.fleet.deployments = install_deployments(arm, polls=1)
        self.fleet.whatif = install_what_if(arm)
        self.fleet.whatif.changes = list(CREATES)
        for name in ("site-000", "site-001", "site-002"):
            self.fleet.add_network(SUB, name)
        self.endless = arm.begin_operation({}, polls=10**12)

    @classmethod
    def get(cls) -> Servers:
        with cls._lock:
            if cls._instance is None:
                cls._instance = Servers()
            return cls._instance

    def behave(self, behaviour: tuple[str, str, int | None]) -> None:
        """Make the next case's Resource Manager misbehave (one fault rule, or none)."""
        from tests.fakearm.hostile import Raw, zeros

        kind, where, times = behaviour
        arm = self.arm
        with arm.lock:
            arm._faults.clear()
        if kind == "normal":
            return
        answers: dict[str, tuple[int, Any, dict[str, str]]] = {
            "malformed": (200, Raw(b'{"status": "Succeeded", "properties": {'), {}),
            "nan": (200, Raw(b'{"status": NaN}'), {}),
            "surrogate": (200, Raw(b'{"id": "\\udc00", "properties": {}}'), {}),
            "array": (200, Raw(b"[1, 2]"), {}),
            "wrong-type": (200, {"status": 5, "properties": "x", "value": {}}, {}),
            "huge-declared": (200, Raw(b"{}", declared_length=10**10), {}),
            "huge-chunked": (200, Raw(zeros(3 * 1024**2), chunked=True), {}),
            "html": (200, Raw(b"<html>proxy login</html>", content_type="text/html"), {}),
            "error-shape": (400, {"error": {"code": 5, "message": ["x"]}}, {}),
            "error-string": (409, {"error": "conflict"}, {}),
            "endless": (202, None, dict(self.endless.headers)),
            "redirect": (307, None, {"Location": self.elsewhere.url("/subscriptions/x")}),
            "op-elsewhere": (202, None, {"Location": self.elsewhere.url("/op"), "Retry-After": "0"}),
            "server-error": (500, None, {}),
            "throttled": (429, None, {"Retry-After": "1e308"}),
            "retry-after-garbage": (202, None, {"Location": self.endless.headers["Location"], "Retry-After": "soon"}),
        }
        status, body, headers = answers[kind]
        arm.inject("*", where, status, times=times, body=body, headers=headers)


SERVER_BEHAVIOURS = ["normal", "normal", "normal", "malformed", "nan", "surrogate", "array", "wrong-type",
                     "huge-declared", "huge-chunked", "html", "error-shape", "error-string", "endless", "redirect",
                     "op-elsewhere", "server-error", "throttled", "retry-after-garbage"]
WHERE = [r"/whatIf$", r"/operationResults/", r"/providers/Microsoft\.Network/", r"/resourcegroups/[^/]+$",
         r"/deployments/[^/]+$", r"/operationStatuses/", r"."]

server_behaviour = st.tuples(st.sampled_from(SERVER_BEHAVIOURS), st.sampled_from(WHERE), st.sampled_from([1, 2, None]))


def _azure_setup(behaviour: tuple[str, str, int | None]) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        Servers.get().behave(behaviour)

    return setup


def _show(behaviour: tuple[str, str, int | None]) -> str:
    """A server behaviour as the failure report names it."""
    kind, where, times = behaviour
    return kind if kind == "normal" else f"{kind} at {where!r} {'every time' if times is None else f'{times}x'}"


def _endpoint() -> str:
    return Servers.get().arm.base_url


PARAMS_SEED = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
               "contentVersion": "1.0.0.0",
               "parameters": {"prefix": {"value": "zcc"}, "vnetName": {"value": "hub-vnet"},
                              "vnetResourceGroup": {"value": "network-rg"}, "subnetName": {"value": "appliance-snet"}}}


@st.composite
def _azure_source(draw: st.DrawFn) -> tuple[list[str], dict[str, bytes | None]]:
    tpl = json.loads((AZURE_DATA / "mainTemplate.json").read_text())
    shape = draw(st.sampled_from(["folder", "folder", "folder", "zip"]))
    if shape == "zip":
        return ["{root}/t.zip"], {"t.zip": draw(g.zip_bytes({"mainTemplate.json": json.dumps(tpl).encode(),
                                                              "createUiDefinition.json": b"{}"}))}
    body = draw(g.json_bytes(tpl)) if not draw(st.integers(0, 3)) else json.dumps(tpl).encode()
    return ["{root}/tpl"], {"tpl/mainTemplate.json": body}


@st.composite
def _azure_case(draw: st.DrawFn, command: str) -> Case:
    source, files = draw(_azure_source())
    files["p.json"] = draw(g.json_bytes(PARAMS_SEED)) if not draw(st.integers(0, 2)) else \
        json.dumps(PARAMS_SEED).encode()
    rg = draw(g.flag_text) if not draw(st.integers(0, 5)) else RG
    argv = [command, "-g", rg, "--subscription", SUB, "--endpoint", _endpoint(), "-p", "{root}/p.json", *source]
    if command == "what-if" and draw(st.booleans()):
        argv += ["--allow-modify", draw(g.flag_text)]
    if command == "attach":
        argv += draw(st.sampled_from([[], [], ["--no-what-if"], ["--deployment", "mainTemplate"], ["-o", "json"],
                                      ["--route-table", "--subnet", "/subscriptions/x/resourceGroups/y"],
                                      ["-p", "nameSuffix=abc"], ["--replace"]]))
    behaviour = draw(server_behaviour)
    env = draw(g.azure_env())
    return Case(argv, files, env=env, label=f"{command}, server {_show(behaviour)}", setup=_azure_setup(behaviour))


def attach_case() -> st.SearchStrategy[Case]:
    return _azure_case("attach")


def what_if_case() -> st.SearchStrategy[Case]:
    return _azure_case("what-if")


def preflight_case() -> st.SearchStrategy[Case]:
    return _azure_case("preflight")


INVENTORY_KEYS = ["name", "template", "defaults", "targets", "waves", "concurrency", "timeoutSeconds", "bindings",
                  "attach"]


def inventory_seed(attach: bool = False) -> dict[str, Any]:
    targets = [{"name": n, "subscription": SUB, "resourceGroup": f"rg-{n}",
                "vnet": {"name": f"vnet-{n}", "resourceGroup": f"net-{n}"},
                "subnets": {"zone1": "snet-1", "zone2": "snet-2"}} for n in ("site-000", "site-001", "site-002")]
    defaults: dict[str, Any] = {"location": "westeurope", "parameters": {"vmSize": "Standard_D2s_v5"}}
    if attach:  # the attach step: the template creates no NAT gateway, so it is refused (exit 2 inside)
        defaults["attach"] = {"natGateway": True}
    return {"name": "cc", "template": "mainTemplate.json", "defaults": defaults,
            "targets": targets, "waves": {"canary": "site-000", "batchSize": 2}, "concurrency": 2}


@st.composite
def _rollout_files(draw: st.DrawFn) -> dict[str, bytes | None]:
    from tests.rollout.conftest import TEMPLATE

    seed = inventory_seed(attach=draw(st.sampled_from([False, False, False, True])))
    inv = draw(g.json_bytes(seed, INVENTORY_KEYS)) if not draw(st.integers(0, 2)) else json.dumps(seed).encode()
    tpl = draw(g.json_bytes(TEMPLATE)) if not draw(st.integers(0, 4)) else json.dumps(TEMPLATE).encode()
    return {"fleet.json": inv, "mainTemplate.json": tpl}


@st.composite
def rollout_plan_case(draw: st.DrawFn) -> Case:
    files = draw(_rollout_files())
    layout = draw(st.sampled_from(["absent", "old", "blocked"]))
    if layout == "old":
        files["plan/plan.json"] = b'{"old": true}\n'
        files["plan/site-000.parameters.json"] = b"{}\n"
    elif layout == "blocked":
        files["plan/plan.json"] = None  # a folder where plan.json goes
    argv = ["rollout", "plan", "{root}/fleet.json", "--out", "{root}/plan", "--endpoint", _endpoint()]
    behaviour = draw(server_behaviour)
    return Case(argv, files, env=draw(g.azure_env()), guarded=["plan"], unchanged_on=frozenset({2, 3}),
                label=f"rollout plan, server {_show(behaviour)}", setup=_azure_setup(behaviour))


STATE_SEED = {"kind": "armgen-rollout-state", "version": 1, "inventory": "fleet.json",
              "targets": {"site-000": {"deploymentName": "cc-site-000", "resourceGroup": "rg-site-000",
                                       "subscription": SUB, "status": "succeeded", "attempts": 1}}}


@st.composite
def rollout_apply_case(draw: st.DrawFn) -> Case:
    files = draw(_rollout_files())
    if draw(st.booleans()):
        files["fleet.state.json"] = draw(g.json_bytes(STATE_SEED)) if draw(st.booleans()) else \
            json.dumps(STATE_SEED).encode()
    argv = ["rollout", "apply", "{root}/fleet.json", "--state", "{root}/fleet.state.json", "--endpoint", _endpoint()]
    # apply refuses to run without a terminal unless --yes (exit 2 before any request): nearly
    # every case confirms, so the gate, the PUTs and the state file really meet the hostile server
    confirm = draw(st.sampled_from(["--yes"] * 10 + ["-y"] * 9 + [None]))  # integers(0, 19) favours 0
    if confirm:
        argv.append(confirm)
    plan = draw(st.sampled_from(["none", "none", "trusted", "stale", "mangled"]))
    verdicts = draw(st.lists(st.sampled_from(["pass", "pass", "blocked", "error"]), min_size=3, max_size=3))
    mangle = draw(g.json_bytes({"kind": "armgen-rollout-plan", "targets": []})) if plan == "mangled" else b""
    if plan != "none":  # resume from a plan: its verdicts trusted where the inputs are still the planned ones
        argv += ["--plan", "{root}/fleet.plan"]
    behaviour = draw(server_behaviour)
    server = _azure_setup(behaviour)

    def setup(root: Path) -> None:
        _write_plan(root, plan, verdicts, mangle)
        server(root)

    return Case(argv, files, env=draw(g.azure_env()), guarded=["fleet.state.json"], unchanged_on=frozenset({2, 3}),
                label=f"rollout apply, plan {plan}, server {_show(behaviour)}", setup=setup)


def _write_plan(root: Path, kind: str, verdicts: list[str], mangled: bytes) -> None:
    """``fleet.plan/plan.json`` as ``rollout plan`` would have written it for the inventory laid
    out (``trusted``: the targets' real inputs hashes, so apply sends on the plan's verdicts;
    ``stale``: other hashes, so apply checks again), or mangled bytes."""
    if kind == "none":
        return
    folder = root / "fleet.plan"
    folder.mkdir(exist_ok=True)
    if kind == "mangled":
        (folder / "plan.json").write_bytes(mangled)
        return
    from armgen.azure.inventory import load_inventory
    from armgen.errors import InputError

    try:
        inv = load_inventory(root / "fleet.json")
    except (InputError, OSError):
        (folder / "plan.json").write_text('{"kind": "armgen-rollout-plan", "targets": []}', encoding="utf-8")
        return
    targets = [{"name": t.name, "inputsHash": t.inputs_hash if kind == "trusted" else "0" * 64,
                "gate": verdicts[i % len(verdicts)], "reasons": [] if verdicts[i % len(verdicts)] == "pass" else ["x"],
                "changes": {"create": 1, "modify": 0, "delete": 0}} for i, t in enumerate(inv.targets)]
    (folder / "plan.json").write_text(json.dumps({"kind": "armgen-rollout-plan", "targets": targets}), encoding="utf-8")


ENTRY_POINTS: dict[str, Strategy] = {
    "build-options": build_options,
    "build-values": build_values,
    "build-flags": build_flags,
    "validate": validate_case,
    "lint": lint_case,
    "package": package_case,
    "inspect": inspect_case,
    "what-if": what_if_case,
    "attach": attach_case,
    "preflight": preflight_case,
    "rollout-plan": rollout_plan_case,
    "rollout-apply": rollout_apply_case,
}
AZURE = {"what-if", "preflight", "attach", "rollout-plan", "rollout-apply"}


def elsewhere_requests() -> int:
    """Requests the other host received (must stay 0: the token never leaves the endpoint)."""
    inst = Servers._instance
    return len(inst.elsewhere.requests) if inst is not None else 0
