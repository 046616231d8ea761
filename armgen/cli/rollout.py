"""``armgen rollout plan`` and ``armgen rollout apply`` (see :mod:`armgen.azure.rollout`).

Exit codes: 0 every target passed (plan) / succeeded (apply); 1 a target was blocked (plan) or a
wave stopped at a failure or a blocked target, or the confirmation was declined (apply); 2 bad
inventory, plan, state or options (including apply without a terminal and without --yes, or a
state file another apply holds); 3 Azure refused the identity (401/403) before anything was
deployed; 130 Ctrl-C (the state file is consistent: targets in flight are recorded as such and a
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

from armgen.azure.session import CLOUD_CHOICES, EXIT_AZURE, EXIT_INTERRUPTED, AzureFailure
from armgen.cli.common import emit, examples, is_machine, output_option
from armgen.errors import InputError


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


_PLAN_EXAMPLES = (
    ("Check every target of an inventory, read-only", "armgen rollout plan inventory.json"),
    ("Into a folder of your choice, accepting one modify, as JSON",
     "armgen rollout plan inventory.json --out plan/ --allow-modify /subscriptions/00000000-0000-0000-0000-"
     "000000000001/resourceGroups/net-rg/providers/Microsoft.Network/virtualNetworks/hub -o json"),
)
_APPLY_EXAMPLES = (
    ("Deploy every target, trusting the plan's verdicts for unchanged inputs",
     "armgen rollout apply inventory.json --plan inventory.plan"),
    ("In a pipeline: no prompt, the outcome as JSON", "armgen rollout apply inventory.json --yes -o json"),
    ("Only one target, deployed again", "armgen rollout apply inventory.json --target eu-west --redeploy eu-west"),
)


@examples(_PLAN_EXAMPLES[0], _APPLY_EXAMPLES[0])
@click.group("rollout")
def rollout() -> None:
    """Roll out to many existing VNets, in waves.

    The same appliance deployment rolled into many existing VNets and subnets (an inventory file,
    docs/rollout.md): 'plan' checks every target read-only, 'apply' deploys them in waves."""


@examples(*_PLAN_EXAMPLES)
@rollout.command("plan")
@click.argument("inventory", type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Folder for the parameters files and plan.json (default: INVENTORY's name + '.plan').")
@click.option("--allow-modify", multiple=True, metavar="ID",
              help="Accept a modify of this existing resource id in every target's gate (repeatable).")
@_endpoint_options
@output_option(legacy=())
def plan_cmd(inventory: str, out_dir: str | None, allow_modify: tuple[str, ...], cloud: str,
             endpoint: str | None, output: str) -> int:
    """Check every target, read-only, and write the plan.

    Runs preflight and what-if per target (bounded concurrency), prints a summary table, and
    writes each target's parameters file and plan.json (all of them, or none). Exit 1 if any
    target is blocked. -o json prints plan.json's document, with the folder as planFolder."""
    from armgen.azure.inventory import load_inventory
    from armgen.azure.rollout import connect, format_plan_table, plan, plural
    from armgen.jsonio import load_json

    inv = load_inventory(inventory)
    out = Path(out_dir) if out_dir else inv.path.with_name(inv.path.stem + ".plan")
    try:
        base = connect(cloud, endpoint, inv)
        click.echo(f"Planning {plural(len(inv.targets), 'target')} ({inv.template_source}), {inv.concurrency} at a "
                   "time...", err=is_machine(output))  # on stderr when stdout is for a program
        plans = plan(inv, out, base, list(allow_modify))
    except AzureFailure as exc:
        return _fail(exc)
    except KeyboardInterrupt:
        click.echo("armgen: plan cancelled (nothing was deployed)", err=True)
        return _interrupted()
    doc = load_json(out / "plan.json") if output in ("json", "jsonc") else None
    emit(output, {**(doc or {}), "planFolder": str(out)},
         lambda: f"{format_plan_table(plans)}Parameters files and plan.json in {out}")
    return 0 if all(p.gate == "pass" for p in plans) else 1


def _names(inv: Any, names: tuple[str, ...], option: str) -> set[str]:
    """Target names given on the command line, as the inventory spells them (unknown: exit 2)."""
    out: set[str] = set()
    for n in names:
        t = inv.target(n)
        if t is None:
            raise InputError(f"{option} {n!r}: no such target", file=str(inv.path), path="$.targets")
        out.add(t.name)
    return out


def _summary(result: Any) -> str:
    """What apply is about to do, for the confirmation (and the log when --yes)."""
    from armgen.azure.rollout import format_plan_table, plural

    ds = list(result.decisions.values())
    checked = [d.verdict for d in ds if d.verdict is not None and d.action == "deploy"]
    text = format_plan_table(checked, title="Gate") if checked else ""
    send = [d for d in ds if d.action == "deploy" and d.verdict is not None and d.verdict.gate == "pass"]
    changed = sum(d.changed for d in send)
    blocked = sum(d.action == "deploy" and (d.verdict is None or d.verdict.gate != "pass") for d in ds)
    reattach = sum(d.action == "reattach" for d in ds)
    skip = sum(d.action == "skip" for d in ds)
    attach_only = sum(d.action == "attach" for d in ds)
    then_attach = sum(d.target.attach is not None for d in send)
    parts = [f"deploy {plural(len(send), 'target')}" + (f" ({changed} changed)" if changed else "")
             + (f" and attach their subnets after each succeeds ({then_attach})" if then_attach else "")]
    if attach_only:
        parts.append(f"attach the subnets of {plural(attach_only, 'deployed target')} (their attach step is "
                     "not done)")
    if reattach:
        parts.append(f"re-attach to {reattach}")
    if skip:
        parts.append(f"skip {skip} already succeeded")
    if blocked:
        parts.append(f"record {blocked} blocked (never sent; each stops its wave)")
    return text + "Apply will " + ", ".join(parts) + ".\n"


@examples(*_APPLY_EXAMPLES)
@rollout.command("apply")
@click.argument("inventory", type=click.Path(dir_okay=False))
@click.option("--state", "state_file", type=click.Path(dir_okay=False),
              help="State file recording every target (default: INVENTORY's name + '.state.json').")
@click.option("--plan", "plan_dir", type=click.Path(exists=False),
              help="A 'rollout plan' folder (or its plan.json): trust its verdicts where a target's inputs "
                   "are still the ones planned; every other target is checked again.")
@click.option("--target", "targets", multiple=True, metavar="NAME", help="Only this target (repeatable).")
@click.option("--redeploy", multiple=True, metavar="NAME",
              help="Deploy this target again even though it succeeded with the same inputs (repeatable).")
@click.option("--allow-modify", multiple=True, metavar="ID",
              help="Accept a modify of this existing resource id in every target's gate (repeatable).")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation (required without a terminal).")
@_endpoint_options
@output_option(legacy=())
def apply_cmd(inventory: str, state_file: str | None, plan_dir: str | None, targets: tuple[str, ...],
              redeploy: tuple[str, ...], allow_modify: tuple[str, ...], yes: bool, cloud: str,
              endpoint: str | None, output: str) -> int:
    """Deploy every target, in waves, resumably.

    Check every target that would be sent (preflight, what-if, brownfield gate; or a --plan
    verdict for unchanged inputs), show the verdicts and ask, then deploy (incremental) the
    canary and the other targets in batches, exactly once each; a wave stops at its first
    failure or BLOCKED target. Rerunning resumes: targets that succeeded with the same inputs
    are skipped, changed ones redeployed, in-flight ones re-attached. With -o json|jsonc|none the
    progress and the confirmation go to stderr, and stdout holds only the outcome."""
    from armgen.azure.inventory import load_inventory
    from armgen.azure.rollout import Progress, apply, connect, load_plan, plural

    inv = load_inventory(inventory)
    only = _names(inv, targets, "--target") if targets else None
    again = _names(inv, redeploy, "--redeploy")
    plan_entries = load_plan(plan_dir) if plan_dir else None
    state_path = Path(state_file) if state_file else inv.path.with_name(inv.path.stem + ".state.json")
    interactive = sys.stdin.isatty()
    if not yes and not interactive:
        raise click.UsageError("apply deploys; without a terminal to confirm on, pass --yes")
    stop = threading.Event()
    machine = is_machine(output)  # then stdout holds the outcome alone: everything else on stderr
    try:
        base = connect(cloud, endpoint, inv)
    except AzureFailure as exc:
        return _fail(exc)
    waves = inv.waves(only)
    selected = sum(len(w) for w in waves)
    click.echo(f"Rolling out {inv.template_source} to {plural(selected, 'target')} in {plural(len(waves), 'wave')} "
               f"({'canary ' + inv.canary + ', ' if inv.canary and (only is None or inv.canary in only) else ''}"
               f"{inv.concurrency} at a time); state: {state_path}", err=machine)

    def confirm(pre: Any) -> bool:
        click.echo(_summary(pre), nl=False, err=machine)
        if yes:
            return True
        return click.confirm("Deploy?", default=False, err=machine)

    progress = Progress(selected, sys.stderr if machine else sys.stdout)
    try:
        result = apply(inv, state_path, base, progress, stop=stop, allow_modify=list(allow_modify),
                       plan_entries=plan_entries, only=only, redeploy=again, confirm=confirm)
    except AzureFailure as exc:
        return _fail(exc)
    except (KeyboardInterrupt, click.exceptions.Abort):  # outside the wave loop: every state write is atomic anyway
        click.echo(f"armgen: interrupted; state in {state_path} is consistent, rerun to resume", err=True)
        return _interrupted()
    if result.refused is not None:
        click.echo(f"armgen: nothing was deployed: {result.refused.message}", err=True)
        return EXIT_AZURE
    if result.declined:
        click.echo("armgen: apply cancelled; nothing was sent", err=True)
        return 1
    counts = {s: result.count(s) for s in ("succeeded", "skipped", "failed", "blocked", "timedOut", "unknown",
                                           "interrupted", "notStarted")}

    def table() -> str:
        tally = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        lines = [f"Rollout: {plural(selected, 'target')}: {tally or 'nothing to do'}."]
        lines += [f"  {o.target}: {o.status}: {o.detail}" for o in result.outcomes.values()
                  if o.status in ("failed", "timedOut", "blocked", "unknown")]
        return "\n".join(lines)

    emit(output, {"inventory": str(inv.path), "state": str(state_path), "targets": selected, "waves": result.waves,
                  "counts": {s: n for s, n in counts.items() if n},
                  "outcomes": [{"target": o.target, "status": o.status, "detail": o.detail}
                               for o in result.outcomes.values()],
                  "stoppedWave": None if result.stopped_wave is None else result.stopped_wave + 1,
                  "interrupted": result.interrupted}, table)
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
