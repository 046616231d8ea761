"""Regenerate the transcripts in docs/what-if.md: ``python -m tests.azure.demo``.

Starts the fake Resource Manager with an existing hub VNet, then runs the real ``armgen``
command line in a subprocess against it, exactly as a user would (token from
ARMGEN_ACCESS_TOKEN, endpoint from --endpoint).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.azure.helpers import (
    CREATES,
    NET_RG_ID,
    PARAMS,
    RG,
    SUBNET_ID,
    SUBNET_MODIFY,
    TEMPLATE_DIR,
    VNET_ID,
    modify,
)
from tests.fakearm.fixtures import SUBSCRIPTION
from tests.fakearm.server import FakeArm
from tests.fakearm.whatif import install_what_if

ROOT = Path(__file__).resolve().parents[2]


def sh(arm: FakeArm, *argv: str) -> str:
    env = {**os.environ, "ARMGEN_ACCESS_TOKEN": "demo", "ARMGEN_POLL_INTERVAL": "0", "PYTHONPATH": str(ROOT),
           "AZURE_SUBSCRIPTION_ID": SUBSCRIPTION}
    shown = " ".join(a.replace(arm.base_url, "http://127.0.0.1:8443").replace(str(ROOT) + "/", "") for a in argv)
    p = subprocess.run([sys.executable, "-m", "armgen.cli", *argv], env=env, cwd=ROOT, capture_output=True, text=True)
    out = (p.stdout + p.stderr).replace(arm.base_url, "http://127.0.0.1:8443")
    return f"$ armgen {shown}\n{out}$ echo $?\n{p.returncode}\n"


def main() -> None:
    with FakeArm() as arm:
        arm.add_resource_group(SUBSCRIPTION, RG)
        arm.add_resource_group(SUBSCRIPTION, "network-rg")
        arm.put_resource(VNET_ID, {"location": "westeurope"})
        arm.put_resource(SUBNET_ID, {"properties": {"addressPrefix": "10.0.1.0/27", "ipConfigurations": [
            {"id": f"{NET_RG_ID}/providers/Microsoft.Network/networkInterfaces/dns-nic/ipConfigurations/ipconfig1"}],
            "routeTable": {"id": f"{NET_RG_ID}/providers/Microsoft.Network/routeTables/hub-rt"}}})
        arm.put_resource(f"{NET_RG_ID}/providers/Microsoft.Network/routeTables/hub-rt", {"properties": {"routes": [
            {"name": "to-onprem", "properties": {"addressPrefix": "192.168.0.0/16", "nextHopType": "VirtualNetworkGateway"}}]}})
        svc = install_what_if(arm)
        common = ["-g", RG, "-p", PARAMS.replace(str(ROOT) + "/", ""), "--endpoint", arm.base_url]
        svc.changes = list(CREATES)
        print(sh(arm, "what-if", *common, TEMPLATE_DIR))
        svc.changes = [*CREATES, SUBNET_MODIFY]
        print(sh(arm, "what-if", *common, TEMPLATE_DIR))
        print(sh(arm, "what-if", *common, "--allow-modify", SUBNET_ID, TEMPLATE_DIR))
        svc.changes = [modify(c["resourceId"], [{"path": "tags.owner", "propertyChangeType": "Modify",
                                                  "before": "netops", "after": "appliances"}]) for c in CREATES[:1]]
        print(sh(arm, "what-if", *common, "--format", "json", TEMPLATE_DIR))
        print(sh(arm, "preflight", *common, TEMPLATE_DIR))


if __name__ == "__main__":
    main()
