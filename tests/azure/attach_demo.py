"""Regenerate the sessions in docs/attach.md: ``python -m tests.azure.attach_demo`` (and ``... byo``
for the bring-your-own NAT gateway one).

Starts the fake Resource Manager with the brownfield network of :mod:`tests.azure.attach_world`
and runs the real ``armgen`` command line in a subprocess against it, as a user would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.azure.attach_world import OTHER_NAT, ZONE1, ZONE2, build
from tests.fakearm.fixtures import SUBSCRIPTION
from tests.fakearm.server import FakeArm

ROOT = Path(__file__).resolve().parents[2]
SHOWN_URL = "http://127.0.0.1:8443"


def sh(arm: FakeArm, argv: list[str]) -> str:
    env = {**os.environ, "ARMGEN_ACCESS_TOKEN": "demo", "ARMGEN_POLL_INTERVAL": "0", "PYTHONPATH": str(ROOT),
           "AZURE_SUBSCRIPTION_ID": SUBSCRIPTION}
    argv = [a for a in argv]
    i = argv.index("--subscription")
    del argv[i:i + 2]  # the subscription comes from AZURE_SUBSCRIPTION_ID, as it would for a user
    shown = " ".join(a.replace(arm.base_url, SHOWN_URL).replace(str(ROOT) + "/", "") for a in argv)
    p = subprocess.run([sys.executable, "-m", "armgen.cli", *argv], env=env, cwd=ROOT, capture_output=True, text=True)
    out = (p.stdout + p.stderr).replace(arm.base_url, SHOWN_URL)
    return f"$ armgen {shown}\n{out}$ echo $?\n{p.returncode}\n"


def main() -> None:
    with FakeArm(default_subscription=SUBSCRIPTION) as arm:
        world = build(arm)
        world.net.polls = 1
        # someone adds a service endpoint to zone 1 between armgen's read and its write
        world.net.meddle(ZONE1, lambda p: p["serviceEndpoints"].append({"service": "Microsoft.Sql",
                                                                        "locations": ["westeurope"]}))
        print(sh(arm, world.argv("attach")))
        print(sh(arm, world.argv("attach")))
        print(sh(arm, world.argv("attach", "--route-table", "--subnet", ZONE2)))
        print(sh(arm, world.argv("detach", "--no-what-if")))
        world.net.add_subnet(ZONE2, {"addressPrefix": "10.0.2.0/26", "natGateway": {"id": OTHER_NAT}})
        print(sh(arm, world.argv("attach")))
        print(sh(arm, world.argv("attach", "--route-table", "--subnet", ZONE2.replace("/subnets/", "/subnet/"))))


def byo() -> None:
    """The customer's own NAT gateways, in another resource group, named by the deployment's parameters
    (a build with --byo-nat): attach associates them, detach leaves them."""
    params = str(ROOT / "tests" / "azure" / "data" / "attach-byo" / "parameters.json")
    source = str(ROOT / "createUiDefinition" / "cloud-connector-byo-nat")
    with FakeArm(default_subscription=SUBSCRIPTION) as arm:
        world = build(arm)
        world.net.polls = 1
        for k in (1, 2):
            world.net.add_nat_gateway(f"/subscriptions/{SUBSCRIPTION}/resourceGroups/egress-rg/providers/"
                                      f"Microsoft.Network/natGateways/egress-ngw-{k}")
        print(sh(arm, world.argv("attach", "--no-what-if", params=params, source=source)))
        print(sh(arm, world.argv("detach", params=params, source=source)))


if __name__ == "__main__":
    byo() if sys.argv[1:] == ["byo"] else main()
