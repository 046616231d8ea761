"""``armgen rollout plan`` and ``armgen rollout apply`` (see :mod:`armgen.azure.rollout`).

Exit codes: 0 every target passed (plan) / succeeded (apply); 1 a target was blocked (plan) or a
wave stopped at a failure (apply); 2 bad inventory or options; 3 Azure refused before anything
ran; 130 Ctrl-C (the state file is consistent: targets in flight are recorded as such and a
rerun re-attaches to them). Same ``--cloud`` / ``--endpoint`` / ``ARMGEN_ACCESS_TOKEN`` handling
as ``armgen what-if``. No ``azure.*`` import at module level.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from armgen.azure.session import CLOUD_CHOICES, EXIT_INTERRUPTED, AzureFailure


def _endpoint_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--endpoint", metavar="URL", help="Resource Manager base URL (default: the cloud's).")(f)
    f = click.option("--cloud", type=click.Choice(CLOUD_CHOICES, case_sensitive=False), default="public",
                     show_default=True, help="Sovereign cloud: endpoints, token scope and login authority.")(f)
    return f


def _fail(exc: AzureFailure) -> int:
    click.echo(f"armgen: {exc.message}", err=True)
    return exc.exit_code


def _interrupted() -> int:
    """Exit code 130; if a worker is still blocked in a request, end the process right here.

    Python joins every thread pool worker at exit, so one waiting on a hung connection would keep
    the process alive for the transport's read timeout after the user pressed Ctrl-C. Everything
    worth keeping is on disk by now (the state file is written atomically and closed).
    """
    if any(t.is_alive() for t in threading.enumerate() if t.name.startswith(("plan_", "rollout_"))):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)
    return EXIT_INTERRUPTED


@click.group("rollout")
def rollout() -> None:
    """Roll the same appliance deployment into many existing VNets/subnets, in waves, resumably."""


@rollout.command("plan")
@click.argument("inventory", type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Folder for the parameters files and plan.json (default: INVENTORY's name + '.plan').")
@click.option("--allow-modify", multiple=True, metavar="ID",
              help="Accept a modify of this existing resource id in every target's gate (repeatable).")
@_endpoint_options
def plan_cmd(inventory: str, out_dir: str | None, allow_modify: tuple[str, ...], cloud: str,
             endpoint: str | None) -> int:
    """Write each target's parameters file, run preflight and what-if per target (bounded
    concurrency), print a summary table and write plan.json. Exit 1 if any target is blocked."""
    from armgen.azure.inventory import load_inventory
    from armgen.azure.rollout import connect, format_plan_table, plan, plural
    from armgen.azure.throttle import ThrottleGate

    inv = load_inventory(inventory)
    out = Path(out_dir) if out_dir else inv.path.with_name(inv.path.stem + ".plan")
    gate = ThrottleGate()
    try:
        base = connect(cloud, endpoint, inv, gate)
        click.echo(f"Planning {plural(len(inv.targets), 'target')} ({inv.template_source}), {inv.concurrency} at a time...",
                   err=True)
        plans = plan(inv, out, base, list(allow_modify))
    except AzureFailure as exc:
        return _fail(exc)
    except KeyboardInterrupt:
        click.echo("armgen: plan cancelled (nothing was deployed)", err=True)
        return _interrupted()
    click.echo(format_plan_table(plans), nl=False)
    click.echo(f"Parameters files and plan.json in {out}")
    return 0 if all(p.gate == "pass" for p in plans) else 1


@rollout.command("apply")
@click.argument("inventory", type=click.Path(dir_okay=False))
@click.option("--state", "state_file", type=click.Path(dir_okay=False),
              help="State file recording every target (default: INVENTORY's name + '.state.json').")
@_endpoint_options
def apply_cmd(inventory: str, state_file: str | None, cloud: str, endpoint: str | None) -> int:
    """Deploy (incremental) the canary, then the other targets in batches; stop at a wave's first
    failure. Rerunning resumes: succeeded targets are skipped, in-flight ones re-attached."""
    from armgen.azure.inventory import load_inventory
    from armgen.azure.rollout import Progress, apply, connect, plural
    from armgen.azure.throttle import ThrottleGate

    inv = load_inventory(inventory)
    state_path = Path(state_file) if state_file else inv.path.with_name(inv.path.stem + ".state.json")
    gate = ThrottleGate()
    stop = threading.Event()
    try:
        base = connect(cloud, endpoint, inv, gate)
    except AzureFailure as exc:
        return _fail(exc)
    waves = inv.waves()
    click.echo(f"Rolling out {inv.template_source} to {plural(len(inv.targets), 'target')} in {plural(len(waves), 'wave')} "
               f"({'canary ' + inv.canary + ', ' if inv.canary else ''}{inv.concurrency} at a time); state: {state_path}")
    progress = Progress(len(inv.targets), sys.stdout)
    try:
        result = apply(inv, state_path, base, progress, stop=stop)
    except KeyboardInterrupt:  # outside the wave loop: every state write is atomic anyway
        click.echo(f"armgen: interrupted; state in {state_path} is consistent, rerun to resume", err=True)
        return EXIT_INTERRUPTED
    counts = {s: result.count(s) for s in ("succeeded", "skipped", "failed", "timedOut", "interrupted", "notStarted")}
    tally = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    click.echo(f"Rollout: {plural(len(inv.targets), 'target')}: {tally}.")
    for o in result.outcomes.values():
        if o.status in ("failed", "timedOut"):
            click.echo(f"  {o.target}: {o.status}: {o.detail}")
    if result.interrupted:
        click.echo(f"armgen: interrupted; targets in flight are recorded in {state_path}; rerun to resume", err=True)
        return _interrupted()
    if result.stopped_wave is not None:
        later = result.waves - result.stopped_wave - 1
        rest = f"; {later} later wave{'s' if later != 1 else ''} not started" if later else ""
        click.echo(f"armgen: wave {result.stopped_wave + 1} of {result.waves} stopped at its first failure{rest}; "
                   "fix the cause and rerun to resume", err=True)
        return 1
    return 0
