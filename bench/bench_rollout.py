"""Rollout throughput: 200 targets against the local Resource Manager with 100 ms per request.

Prints the wall time next to the ideal, ``requests per target x latency x targets /
concurrency`` (requests per target counted by the server), for one wave of 200 and for the usual
shape (a canary, then batches of 100; the canary's extra round trips count against the goal).
Goal: within 1.5x of ideal.

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
LATENCY = 0.1
CONCURRENCY = 20
SUB = "00000000-0000-0000-0000-0000000000be"


def _serve(conn: Any, root: str, targets: int, latency: float) -> None:
    """Child process: a FakeArm with deployments and ``targets`` resource groups."""
    sys.path.insert(0, root)
    from tests.fakearm.deployments import install_deployments
    from tests.fakearm.server import FakeArm

    arm = FakeArm(default_subscription=SUB)
    install_deployments(arm, polls=1)
    for i in range(targets):
        arm.add_resource_group(SUB, f"rg-{i}")
    with arm:
        conn.send(arm.base_url)
        while True:
            msg = conn.recv()
            if msg == "go":
                arm.latency = latency
                conn.send(arm.counters["requests"])
            elif msg == "count":
                conn.send(arm.counters["requests"])
            else:
                break


def _one(waves: dict[str, Any], label: str) -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from armgen.azure.inventory import load_inventory
    from armgen.azure.rollout import Progress, apply, connect
    from armgen.azure.throttle import ThrottleGate

    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(child, str(ROOT), TARGETS, LATENCY), daemon=True)
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
            (d / "inv.json").write_text(json.dumps({"template": "t.json", "concurrency": CONCURRENCY, "waves": waves,
                                                    "defaults": {"subscription": SUB, "location": "westeurope"},
                                                    "targets": targets}))
            inv = load_inventory(d / "inv.json")
            base = connect(None, base_url, inv, ThrottleGate())
            parent.send("go")
            before = parent.recv()
            t0 = time.perf_counter()
            result = apply(inv, d / "state.json", base, Progress(TARGETS, sink, tty=False))
            wall = time.perf_counter() - t0
            parent.send("count")
            requests = parent.recv() - before
        parent.send("stop")
    finally:
        proc.join(5)
    per_target = requests / TARGETS
    ideal = per_target * LATENCY * TARGETS / CONCURRENCY
    print(f"  {label:<26} {result.count('succeeded')}/{TARGETS} succeeded, {per_target:.2f} requests/target, "
          f"wall {wall:.2f} s, ideal {ideal:.2f} s, ratio {wall / ideal:.2f}x (goal <= 1.5x)")


def run() -> None:
    saved = {k: os.environ.get(k) for k in ("ARMGEN_ACCESS_TOKEN", "ARMGEN_POLL_INTERVAL")}
    os.environ.update(ARMGEN_ACCESS_TOKEN="bench-token", ARMGEN_POLL_INTERVAL="0")
    try:
        print(f"rollout: {TARGETS} targets, {LATENCY * 1000:.0f} ms per request, concurrency {CONCURRENCY}")
        _one({"canary": None}, "one wave:")
        _one({"batchSize": 100}, "canary + batches of 100:")
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


if __name__ == "__main__":
    run()
