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


@examples(
    ("Check every target of an inventory, then deploy those that pass",
     "armgen rollout plan fleet.json"),
    ("Deploy with the plan's verdicts, without asking", "armgen rollout apply fleet.json --plan fleet.plan --yes"),
)
@click.group("rollout")
def rollout() -> None:
    """Deploy into many existing VNets, in waves, resumably.

    The same appliance deployment into many existing VNets and subnets, listed in an inventory:
    `plan` checks every target, `apply` deploys those that pass, wave by wave."""


@examples(
    ("Plan every target; parameters files and plan.json into fleet.plan/", "armgen rollout plan fleet.json"),
    ("Into another folder, accepting a known modify, as JSON",
     "armgen rollout plan fleet.json --out plans/fleet --allow-modify /subscriptions/00000000-0000-0000-0000-"
     "000000000001/resourceGroups/net-rg/providers/Microsoft.Network/virtualNetworks/hub -o json"),
)
@rollout.command("plan")
@click.argument("inventory", type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Folder for the parameters files and plan.json (default: INVENTORY's name + '.plan').")
@click.option("--allow-modify", multiple=True, metavar="ID",
              help="Accept a modify of this existing resource id in every target's gate (repeatable).")
@_endpoint_options
@output_option(legacy=None)
def plan_cmd(inventory: str, out_dir: str | None, allow_modify: tuple[str, ...], cloud: str,
             endpoint: str | None, output: str) -> int:
    """Check every target: preflight, what-if and the gate.

    Runs preflight and what-if per target (bounded concurrency), prints a summary table, and
    writes each target's parameters file and plan.json (all of them, or none). Exit 1 if any
    target is blocked. -o json prints plan.json's document."""
    from armgen.azure.inventory import load_inventory
    from armgen.azure.rollout import connect, format_plan_table, plan, plural

    inv = load_inventory(inventory)
    out = Path(out_dir) if out_dir else inv.path.with_name(inv.path.stem + ".plan")
    try:
        base = connect(cloud, endpoint, inv)
        if not is_machine(output):
            click.echo(f"Planning {plural(len(inv.targets), 'target')} ({inv.template_source}), "
                       f"{inv.concurrency} at a time...")
        plans = plan(inv, out, base, list(allow_modify))
    except AzureFailure as exc:
        return _fail(exc)
    except KeyboardInterrupt:
        click.echo("armgen: plan cancelled (nothing was deployed)", err=True)
        return _interrupted()
    # the JSON is plan.json as written (one shape for the file and the output), read back only when asked for
    emit(output, None, lambda: format_plan_table(plans) + f"Parameters files and plan.json in {out}\n",
         json_text=lambda: (out / "plan.json").read_text(encoding="utf-8"))
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


def _apply_json(inv: Any, state_path: Path, result: Any, counts: dict[str, int]) -> dict[str, Any]:
    """apply's result for -o json: every target worked on, its status and why, and how the run
    ended (the state file holds the full record)."""
    return {"inventory": str(inv.path), "template": inv.template_source, "state": str(state_path),
            "waves": result.waves,
            "stoppedWave": result.stopped_wave + 1 if result.stopped_wave is not None else None,
            "interrupted": result.interrupted, "declined": result.declined, "summary": counts,
            "targets": [{"name": o.target, "status": o.status, "detail": o.detail}
                        for o in result.outcomes.values()]}


@examples(
    ("Check, confirm and deploy (rerun the same to resume)", "armgen rollout apply fleet.json"),
    ("Trust the plan where inputs are unchanged; no prompt, in CI", "armgen rollout apply fleet.json --plan fleet.plan --yes"),
    ("Only two targets, the result as JSON (progress on stderr)",
     "armgen rollout apply fleet.json --target site-001 --target site-002 --yes -o json"),
)
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
@output_option(legacy=None)
def apply_cmd(inventory: str, state_file: str | None, plan_dir: str | None, targets: tuple[str, ...],
              redeploy: tuple[str, ...], allow_modify: tuple[str, ...], yes: bool, cloud: str,
              endpoint: str | None, output: str) -> int:
    """Deploy the targets that pass, wave by wave, resumably.

    Checks every target that would be sent (preflight, what-if, brownfield gate; or a --plan
    verdict for unchanged inputs), shows the verdicts and asks, then deploys (incremental) the
    canary and the other targets in batches, exactly once each; a wave stops at its first
    failure or BLOCKED target. Rerunning resumes: targets that succeeded with the same inputs
    are skipped, changed ones redeployed, in-flight ones re-attached. With -o json (or jsonc,
    none) the progress and the verdicts go to stderr and stdout holds only the result."""
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
    try:
        base = connect(cloud, endpoint, inv)
    except AzureFailure as exc:
        return _fail(exc)
    waves = inv.waves(only)
    selected = sum(len(w) for w in waves)
    text = not is_machine(output)
    say = sys.stdout if text else sys.stderr  # progress is not the result: stdout stays parseable
    click.echo(f"Rolling out {inv.template_source} to {plural(selected, 'target')} in {plural(len(waves), 'wave')} "
               f"({'canary ' + inv.canary + ', ' if inv.canary and (only is None or inv.canary in only) else ''}"
               f"{inv.concurrency} at a time); state: {state_path}", err=not text)

    def confirm(pre: Any) -> bool:
        click.echo(_summary(pre), nl=False, err=not text)
        if yes:
            return True
        return click.confirm("Deploy?", default=False, err=not text)

    progress = Progress(selected, say)
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
    counts = {s: result.count(s) for s in ("succeeded", "skipped", "failed", "blocked", "timedOut", "unknown",
                                           "interrupted", "notStarted")}

    def table() -> str:
        tally = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        lines = [f"Rollout: {plural(selected, 'target')}: {tally or 'nothing to do'}.\n"]
        lines += [f"  {o.target}: {o.status}: {o.detail}\n" for o in result.outcomes.values()
                  if o.status in ("failed", "timedOut", "blocked", "unknown")]
        return "".join(lines)

    if result.declined:
        emit(output, _apply_json(inv, state_path, result, counts), "")
        click.echo("armgen: apply cancelled; nothing was sent", err=True)
        return 1
    emit(output, _apply_json(inv, state_path, result, counts), table)
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
