"""The wizard contract walk and the createUiDefinition evaluator, in process.

Goal (issue 13): the contract test over every built-in offer and variant runs in a few seconds,
so it stays in every test run. Prints, per offer and variant, the states walked, the time of
the whole walk and of one wizard run.
"""

from __future__ import annotations

import statistics
import time


def run() -> None:
    from armgen.offers import get_offer
    from armgen.render.arm_json import render
    from armgen.uidef import build_uidef
    from armgen.uidef.evaluator import Wizard
    from armgen.uidef.explore import check_wizard, model_invariants
    from tests.offers.wizard_env import environment

    cases = [("cloud-connector", {}), ("cloud-connector", {"variant": "standalone"}),
             ("cloud-connector", {"zones": ["1", "2", "3"], "appliancesPerZone": 1}),
             ("cloud-connector", {"network": "new", "workloadSubnet": True, "bastion": True}),
             ("cloud-connector", {"zpa": True}), ("cloud-connector", {"byoNatGateway": True}),
             ("two-nic-appliance", {})]
    total = 0.0
    for name, options in cases:
        t = get_offer(name).build(options)
        doc, template, env = build_uidef(t), render(t), environment()
        start = time.perf_counter()
        report = check_wizard(doc, template, env, model_invariants(t))
        walk = time.perf_counter() - start
        total += walk
        wizard = Wizard(doc, env)
        values = report.results[0].state.values
        runs = []
        for _ in range(20):
            s = time.perf_counter()
            wizard.run(values)
            runs.append(time.perf_counter() - s)
        print(f"{name} {options or 'default'}: {len(report.results)} states in {walk * 1000:.0f} ms; "
              f"one run {statistics.median(runs) * 1000:.1f} ms (median of 20)")
    print(f"total walk: {total * 1000:.0f} ms")
