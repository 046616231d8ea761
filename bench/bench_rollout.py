"""Rollout throughput: 200 targets whose deployments take 100 ms, against the local Resource Manager.

Two figures, each against its goal:

- **no throttling**, 20 at a time: wall time against the ideal ``targets / concurrency x
  deployment time`` (goal <= 1.3x). What is left above the ideal is the PUT and the status read
  round trips and Python's per-request CPU (azure-core and requests) shared by 20 workers under
  one interpreter lock; the state file's record before each PUT is mostly written ahead.
- **a token bucket** in front of the subscription (capacity 50, refilled at 10 requests/s; an
  empty bucket answers 429 + ``Retry-After`` and stays empty until then, like Resource Manager):
  wall time against ``requests accepted / 10 per s`` (goal <= 1.5x), and 0 failed targets.

Both runs use ``apply`` with a plan's verdicts (the gate's cost is a separate line: the same
no-throttling run with every target checked by apply itself) and ``ARMGEN_POLL_INTERVAL`` 0.1 s,
so a 100 ms deployment is seen done at its first status read; the last line shows what the
default 5 s costs (the first read comes after 1 s).

The fake Resource Manager runs in a child process: the real one costs us no CPU, and an
in-process server would compete with the workers for the GIL and measure itself, not rollout.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGETS = 200
DEPLOY_SECONDS = 0.1
CONCURRENCY = 20
BUCKET = (50, 10.0)  # capacity, refill per second
SUB = "00000000-0000-0000-0000-0000000000be"


def _serve(conn: Any, root: str, targets: int, bucket: tuple[float, float] | None) -> None:
    """Child process: a FakeArm with deployments, what-if, the targets' networks, maybe a bucket."""
    sys.path.insert(0, root)
    from tests.fakearm.deployments import install_deployments
    from tests.fakearm.server import FakeArm
    from tests.fakearm.throttle import install_token_bucket
    from tests.fakearm.whatif import install_what_if

    arm = FakeArm(default_subscription=SUB)
    install_deployments(arm, polls=0, duration=DEPLOY_SECONDS)
    install_what_if(arm)
    for i in range(targets):
        arm.add_resource_group(SUB, f"rg-{i}")
        arm.add_resource_group(SUB, f"net-{i}")
        vnet = f"/subscriptions/{SUB}/resourceGroups/net-{i}/providers/Microsoft.Network/virtualNetworks/vnet-{i}"
        arm.put_resource(vnet, {"location": "westeurope", "properties": {}})
        arm.put_resource(f"{vnet}/subnets/snet", {"properties": {"addressPrefix": "10.0.0.0/24", "ipConfigurations": []}})
    with arm:
        conn.send(arm.base_url)
        while True:
            msg = conn.recv()
            if msg == "go":
                tb = install_token_bucket(arm, *bucket, retry_after=1) if bucket else None
                conn.send(arm.counters["requests"])
            elif msg == "count":
                conn.send((arm.counters["requests"], tb.accepted if tb else 0, tb.throttled if tb else 0))
            else:
                break


def _one(label: str, bucket: tuple[float, float] | None, poll: str = "0.1", trust_plan: bool = True) -> dict[str, Any]:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from armgen.azure.inventory import load_inventory
    from armgen.azure.rollout import Progress, apply, connect
    from armgen.azure.throttle import Throttle

    os.environ["ARMGEN_POLL_INTERVAL"] = poll
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(child, str(ROOT), TARGETS, bucket), daemon=True)
    proc.start()
    try:
        base_url = parent.recv()
        template = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                    "contentVersion": "1.0.0.0",
                    "parameters": {"vnetName": {"type": "string"}, "vnetResourceGroup": {"type": "string"},
                                   "subnetName1": {"type": "string"}},
                    "resources": []}
        targets = [{"name": f"t{i:03d}", "resourceGroup": f"rg-{i}",
                    "vnet": {"name": f"vnet-{i}", "resourceGroup": f"net-{i}"}, "subnets": {"zone1": "snet"}}
                   for i in range(TARGETS)]
        with tempfile.TemporaryDirectory() as tmp, open(os.devnull, "w") as sink:
            d = Path(tmp)
            (d / "t.json").write_text(json.dumps(template))
            (d / "inv.json").write_text(json.dumps({"template": "t.json", "concurrency": CONCURRENCY,
                                                    "waves": {"canary": None},
                                                    "defaults": {"subscription": SUB, "location": "westeurope"},
                                                    "targets": targets}))
            inv = load_inventory(d / "inv.json")
            # the verdicts a 'rollout plan' run wrote earlier: every target passed with these inputs
            plan = {t.name.lower(): {"name": t.name, "inputsHash": t.inputs_hash, "gate": "pass", "reasons": [],
                                     "changes": {"create": 0, "modify": 0, "delete": 0}} for t in inv.targets}
            throttle = Throttle()
            base = connect(None, base_url, inv, throttle)
            parent.send("go")
            before = parent.recv()
            t0 = time.perf_counter()
            result = apply(inv, d / "state.json", base, Progress(TARGETS, sink, tty=False),
                           plan_entries=plan if trust_plan else None)
            wall = time.perf_counter() - t0
            parent.send("count")
            total, accepted, throttled = parent.recv()
        parent.send("stop")
    finally:
        proc.join(5)
    return {"label": label, "wall": wall, "requests": total - before, "accepted": accepted, "throttled": throttled,
            "succeeded": result.count("succeeded"), "failed": TARGETS - result.count("succeeded"),
            "pauses": throttle.stats["pauses"], "paced": throttle.stats["paced"]}


def run() -> None:
    saved = {k: os.environ.get(k) for k in ("ARMGEN_ACCESS_TOKEN", "ARMGEN_POLL_INTERVAL")}
    os.environ["ARMGEN_ACCESS_TOKEN"] = "bench-token"
    try:
        ideal = TARGETS / CONCURRENCY * DEPLOY_SECONDS
        print(f"rollout: {TARGETS} targets, {DEPLOY_SECONDS * 1000:.0f} ms deployments, concurrency {CONCURRENCY}, "
              "poll interval 0.1 s")
        r = _one("no throttling", None)
        print(f"  {r['label']:<24} {r['succeeded']}/{TARGETS} succeeded, {r['requests'] / TARGETS:.2f} requests/target, "
              f"wall {r['wall']:.2f} s, ideal {ideal:.2f} s, ratio {r['wall'] / ideal:.2f}x (goal <= 1.3x)")
        r = _one(f"token bucket {BUCKET[0]}/{BUCKET[1]:g}/s", BUCKET)
        floor = r["accepted"] / BUCKET[1]
        print(f"  {r['label']:<24} {r['succeeded']}/{TARGETS} succeeded, {r['failed']} failed, {r['accepted']} requests "
              f"accepted + {r['throttled']} answered 429 ({r['pauses']} pauses, {r['paced']} requests spaced), "
              f"wall {r['wall']:.2f} s, accepted/10 per s {floor:.2f} s, ratio {r['wall'] / floor:.2f}x (goal <= 1.5x)")
        r = _one("gate checked by apply", None, trust_plan=False)
        print(f"  {r['label']:<24} {r['succeeded']}/{TARGETS} succeeded, {r['requests'] / TARGETS:.2f} requests/target, "
              f"wall {r['wall']:.2f} s (preflight + what-if per target, then the deployments)")
        r = _one("default poll interval 5 s", None, poll="5")
        print(f"  {r['label']:<24} {r['succeeded']}/{TARGETS} succeeded, wall {r['wall']:.2f} s "
              f"(first status read after 1 s: {r['wall'] / ideal:.1f}x the ideal)")
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


if __name__ == "__main__":
    run()
