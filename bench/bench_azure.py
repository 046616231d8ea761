"""Figures for the Azure layer: what-if round trips through the real SDK against the local fake
Resource Manager, rendering and gating of large results, preflight reads, SDK import cost."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _changes(n: int, sub: str, rg: str) -> list[dict]:
    out = []
    for i in range(n):
        rid = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/networkInterfaces/zcc-nic-{i}"
        out.append({"resourceId": rid, "changeType": "Create" if i % 3 else "Modify",
                    "after": {"apiVersion": "2025-07-01", "id": rid, "name": f"zcc-nic-{i}", "location": "westeurope",
                              "properties": {"ipConfigurations": [{"name": "ip", "properties": {"privateIPAllocationMethod": "Dynamic"}}]}},
                    "delta": [{"path": "tags.x", "propertyChangeType": "Modify", "before": "a", "after": "b"}]})
    return out


def run() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("ARMGEN_ACCESS_TOKEN", "bench")
    os.environ["ARMGEN_POLL_INTERVAL"] = "0"
    from armgen.azure.session import AzureTarget
    from armgen.azure.whatif import load_parameters, load_template, what_if
    from armgen.azure.whatif_format import format_what_if
    from tests.fakearm.server import FakeArm
    from tests.fakearm.whatif import install_what_if

    sub, rg = "00000000-0000-0000-0000-000000000001", "appliance-rg"
    data = ROOT / "tests" / "azure" / "data"
    template, _ = load_template(str(data))
    params = load_parameters(str(data / "parameters.json"))
    with FakeArm() as arm:
        arm.add_resource_group(sub, rg)
        svc = install_what_if(arm)
        svc.changes = _changes(200, sub, rg)
        target = AzureTarget.from_options("public", arm.base_url, sub)
        times = []
        for _ in range(20):
            t0 = time.perf_counter()
            outcome = what_if(target, rg, template, params, [])
            times.append(time.perf_counter() - t0)
        print(f"what-if round trip (POST 202 + 1 poll + 200, 200 changes, gate): "
              f"median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms over 20 runs")
        t0 = time.perf_counter()
        text = format_what_if(outcome.result)
        print(f"render 200 changes as az text: {(time.perf_counter() - t0) * 1000:.1f} ms, {len(text.splitlines())} lines")
        svc.changes = []
        arm.inject("POST", r"/whatIf$", 429, times=3, retry_after=0.1)
        t0 = time.perf_counter()
        what_if(target, rg, template, params, [])
        print(f"what-if through 3 x 429 Retry-After 0.1 s: {(time.perf_counter() - t0) * 1000:.0f} ms (>= 300 expected)")
    env = {"PYTHONPATH": str(ROOT), "PATH": os.environ.get("PATH", "")}
    for code, label in (("import armgen.cli", "import armgen.cli"),
                        ("import armgen.cli.whatif", "import armgen.cli.whatif (no SDK)"),
                        ("import azure.mgmt.resource.deployments, azure.identity", "import the Azure SDK")):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
        print(f"{label}: {(time.perf_counter() - t0) * 1000:.0f} ms (fresh interpreter)")
