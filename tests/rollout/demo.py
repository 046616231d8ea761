"""Produce the sample session in docs/rollout.md: ``python -m tests.rollout.demo``.

Starts the fake Resource Manager (deployments, what-if, six existing spoke networks in two
subscriptions), then runs the real ``armgen rollout`` command line in subprocesses against it,
as a user would (token from ARMGEN_ACCESS_TOKEN, endpoint from --endpoint "$ARM"). The template is
the built-in offer. The plan's verdicts are trusted by apply (--plan); one target's deployment
fails on the first apply (a SKU not available), is "fixed" in Azure, and the rerun resumes; then a
changed parameter redeploys just that target.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.fakearm.compute import install_compute
from tests.fakearm.deployments import install_deployments
from tests.fakearm.server import FakeArm
from tests.fakearm.whatif import install_what_if

ROOT = Path(__file__).resolve().parents[2]
SUBS = ("1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c01", "1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c02")
SITES = [("eu-01", 0, "westeurope"), ("eu-02", 0, "westeurope"), ("eu-03", 0, "northeurope"),
         ("us-01", 1, "eastus2"), ("us-02", 1, "eastus2"), ("us-03", 1, "westus3")]


def _network(arm: FakeArm, sub: str, site: str, location: str) -> None:
    arm.add_resource_group(sub, f"rg-cc-{site}", location)
    arm.add_resource_group(sub, f"rg-net-{site}", location)
    vnet = f"/subscriptions/{sub}/resourceGroups/rg-net-{site}/providers/Microsoft.Network/virtualNetworks/vnet-{site}"
    subnets = []
    for z in (1, 2):
        sid = f"{vnet}/subnets/snet-cc-z{z}"
        doc = {"id": sid, "name": f"snet-cc-z{z}",
               "properties": {"addressPrefix": f"10.{z}.0.0/26", "ipConfigurations": []}}
        arm.put_resource(sid, doc)
        subnets.append(doc)
    arm.put_resource(vnet, {"location": location, "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/8"]},
                                                                 "subnets": subnets}})


def _predict(body: Any) -> list[dict[str, Any]]:
    """What-if: the appliance resources are created in the target group."""
    params = body["properties"]["parameters"]
    site = params["vnetName"]["value"].removeprefix("vnet-")
    rg = f"rg-cc-{site}"
    sub = SUBS[0] if site.startswith("eu") else SUBS[1]
    base = f"/subscriptions/{sub}/resourceGroups/{rg}/providers"
    kinds = ["Microsoft.Network/loadBalancers/zscc-lb", "Microsoft.Network/networkInterfaces/zscc-mgmt-nic-1",
             "Microsoft.Network/networkInterfaces/zscc-svc-nic-1", "Microsoft.Compute/virtualMachines/zscc-vm-1",
             "Microsoft.Network/networkInterfaces/zscc-mgmt-nic-2", "Microsoft.Network/networkInterfaces/zscc-svc-nic-2",
             "Microsoft.Compute/virtualMachines/zscc-vm-2"]
    return [{"resourceId": f"{base}/{k}", "changeType": "Create", "after": {}} for k in kinds]


def main() -> int:
    subs = SUBS
    arm = FakeArm(default_subscription=subs[0])
    deployments = install_deployments(arm, polls=0, duration=1.0)
    whatif = install_what_if(arm)
    whatif.changes = _predict
    compute = install_compute(arm)
    compute.add_size("Standard_D2s_v3", "standardDSv3Family", 2)
    compute.add_size("Standard_DS3_v2", "standardDSv2Family", 4)
    for site, si, loc in SITES:
        _network(arm, subs[si], site, loc)
    deployments.behave("rg-cc-us-02", fail=("SkuNotAvailable", "The requested VM size Standard_D2s_v3 is "
                                                                          "not available in location 'eastus2'."))
    inventory = {
        "name": "zscc",
        "concurrency": 4,
        "timeoutSeconds": 1800,
        "waves": {"canary": "eu-01", "batchSize": 3},
        "defaults": {
            "subnets": {"zone1": "snet-cc-z1", "zone2": "snet-cc-z2"},
            "parameters": {"sshPublicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnlyExampleKeyOnlyExampleKeyOnly ops@example.com",
                           "ccUrl": "connector.zscaler.example/api", "keyVaultUrl": "https://kv-zscc.vault.azure.net/",
                           "identityName": "id-zscc", "identityResourceGroup": "rg-identity"},
        },
        "targets": [{"name": site, "subscription": subs[si], "resourceGroup": f"rg-cc-{site}", "location": loc,
                     "vnet": {"name": f"vnet-{site}", "resourceGroup": f"rg-net-{site}"}}
                    for site, si, loc in SITES],
    }
    inventory["targets"][3]["parameters"] = {"vmSize": "Standard_DS3_v2"}
    with arm, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "fleet.json").write_text(json.dumps(inventory, indent=2) + "\n")
        env = {**os.environ, "ARMGEN_ACCESS_TOKEN": "eyJ0eXAiOiJKV1QifQ.eyJ1cG4iOiJvcHNAZXhhbXBsZS5jb20ifQ.sig",
               "ARMGEN_POLL_INTERVAL": "0.2", "ARM": arm.base_url, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
        print("$ cat fleet.json")
        print((work / "fleet.json").read_text(), end="")

        def run(cmd: str) -> None:
            print(f"\n$ {cmd}")
            proc = subprocess.run(cmd, shell=True, cwd=work, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, executable="/bin/bash")
            print(proc.stdout, end="")
            print(f"$ echo $?\n{proc.returncode}")

        armgen = f"{sys.executable} -m armgen.cli"
        env["PATH"] = f"{work}:{env['PATH']}"
        (work / "armgen").write_text(f"#!/bin/sh\nexec {armgen} \"$@\"\n")
        (work / "armgen").chmod(0o755)
        run('armgen rollout plan fleet.json --endpoint "$ARM"')
        run("ls fleet.plan && head -c 400 fleet.plan/us-01.parameters.json")
        # Ctrl-C as soon as the last wave's deployments are in flight
        print('\n$ armgen rollout apply fleet.json --plan fleet.plan --yes --endpoint "$ARM"')
        proc = subprocess.Popen(["armgen", "rollout", "apply", "fleet.json", "--plan", "fleet.plan", "--yes",
                                 "--endpoint", arm.base_url], cwd=work,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None and not (
                deployments.puts["rg-cc-us-02/zscc-us-02"] and deployments.puts["rg-cc-us-03/zscc-us-03"]):
            time.sleep(0.01)
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
        print(out.replace("Rollout: ", "^C\nRollout: ", 1), end="")
        print(f"$ echo $?\n{proc.returncode}")
        run("cut -c1-150 fleet.state.json")
        run('armgen rollout apply fleet.json --plan fleet.plan --yes --endpoint "$ARM"')
        run("grep -F '\"us-02\"' fleet.state.json | cut -c1-400")
        deployments.behave("rg-cc-us-02")  # the quota was raised in Azure
        run('armgen rollout apply fleet.json --plan fleet.plan --yes --endpoint "$ARM"')
        doc = json.loads((work / "fleet.json").read_text())
        doc["targets"][0]["parameters"] = {"probeIntervalInSeconds": 10}
        (work / "fleet.json").write_text(json.dumps(doc, indent=2) + "\n")
        print("\n# eu-01 gets probeIntervalInSeconds 10 in fleet.json")
        run('armgen rollout apply fleet.json --plan fleet.plan --yes --endpoint "$ARM"')
        puts = {k: v for k, v in sorted(deployments.puts.items())}
        print(f"\n# accepted PUTs per deployment on the server: {puts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
