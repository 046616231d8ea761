"""``armgen what-if`` and ``armgen preflight``.

Exit codes: 0 fine; 1 the brownfield gate blocked (what-if) or a check failed (preflight);
2 usage error, unknown resource group/subscription, unreachable endpoint; 3 Azure refused the
request (401/403), the what-if failed, or throttling outlasted the retry budget; 130 Ctrl-C.
Nothing here imports ``azure.*`` at module level.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from armgen.azure.session import (
    CLOUD_CHOICES,
    EXIT_AZURE,
    EXIT_INTERRUPTED,
    AzureFailure,
    AzureTarget,
    check_resource_group,
)


def _use_color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _target_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--endpoint", metavar="URL", help="Resource Manager base URL (default: the cloud's).")(f)
    f = click.option("--cloud", type=click.Choice(CLOUD_CHOICES, case_sensitive=False), default="public",
                     show_default=True, help="Sovereign cloud: endpoints, token scope and login authority.")(f)
    f = click.option("--subscription", metavar="ID", help="Subscription id (default: $AZURE_SUBSCRIPTION_ID).")(f)
    f = click.option("-g", "--resource-group", "resource_group", metavar="RG", required=True,
                     help="Target resource group (must exist).")(f)
    return f


def _fail(exc: AzureFailure) -> int:
    click.echo(f"armgen: {exc.message}", err=True)
    return exc.exit_code


@click.command("what-if")
@_target_options
@click.option("-p", "--parameters", "parameters_file", type=click.Path(dir_okay=False),
              help="deploymentParameters JSON file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--allow-modify", multiple=True, metavar="ID",
              help="Accept a modify of this existing resource id (repeatable).")
@click.option("--mode", type=click.Choice(["Incremental", "Complete"], case_sensitive=False), default="Incremental",
              show_default=True)
@click.argument("source", required=False, type=click.Path(exists=True))
def what_if(resource_group: str, subscription: str | None, cloud: str, endpoint: str | None,
            parameters_file: str | None, fmt: str, allow_modify: tuple[str, ...], mode: str,
            source: str | None) -> int:
    """Show what a deployment of SOURCE (package zip or folder; default: the built-in offer) would
    change in resource group RG, like `az deployment group what-if`, and exit 1 when it would
    delete anything or modify a resource the template does not create."""
    from armgen.azure.whatif import WhatIfFailed, load_parameters, load_template
    from armgen.azure.whatif import what_if as run
    from armgen.azure.whatif_format import format_what_if

    template, _label = load_template(source)
    params = load_parameters(parameters_file)
    try:
        check_resource_group(resource_group)
        target = AzureTarget.from_options(cloud, endpoint, subscription)
        outcome = run(target, resource_group, template, params, list(allow_modify), mode=mode.title())
    except AzureFailure as exc:
        return _fail(exc)
    except WhatIfFailed as exc:
        click.echo(f"armgen: what-if failed: {exc.code}: {exc.message}", err=True)
        return EXIT_AZURE
    except KeyboardInterrupt:
        click.echo("armgen: what-if cancelled (nothing was deployed)", err=True)
        return EXIT_INTERRUPTED

    if fmt == "json":
        click.echo(json.dumps(outcome.to_json(), indent=2, ensure_ascii=False))
    else:
        color = _use_color()
        click.echo(format_what_if(outcome.result, color=color), nl=False)
        if outcome.findings:
            click.echo()
            click.echo("Brownfield gate:")
            for f in outcome.findings:
                mark = "BLOCKED " if f.verdict == "blocked" else "accepted"
                click.echo(f"  {mark} {f.change_type:<11} {f.resource_id}: {f.reason}")
    matched = {f.resource_id.lower().rstrip("/") for f in outcome.findings if f.verdict == "accepted"}
    for a in allow_modify:
        if a.lower().rstrip("/") not in matched:
            click.echo(f"armgen: note: --allow-modify {a} matched no change", err=True)
    if outcome.blocked:
        n = len(outcome.blocked)
        click.echo(f"armgen: blocked: {n} change{'s' if n != 1 else ''} to resources this template does not own "
                   "(see above; accept a modify with --allow-modify ID)", err=True)
        return 1
    return 0


@click.command("preflight")
@_target_options
@click.option("-p", "--parameters", "parameters_file", type=click.Path(dir_okay=False), required=True,
              help="deploymentParameters JSON file naming the existing VNet and subnets.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--location", help="Deployment region (default: parameter 'location', else the resource group's).")
@click.argument("source", required=False, type=click.Path(exists=True))
def preflight(resource_group: str, subscription: str | None, cloud: str, endpoint: str | None,
              parameters_file: str, fmt: str, location: str | None, source: str | None) -> int:
    """Check, read-only, that the existing network can take the appliances: VNet and subnets
    exist in the region, subnets have room, static IPs are free, NAT gateways/route tables on the
    subnets, and routes that would loop back through the appliances. SOURCE (package zip or
    folder; default: the built-in offer) gives the NIC count and whether there is a load balancer."""
    from armgen.azure.preflight import format_table, run_preflight
    from armgen.azure.whatif import load_parameters, load_template, parameter_values

    values = parameter_values(load_parameters(parameters_file))
    template, _label = load_template(source)
    try:
        check_resource_group(resource_group)
        target = AzureTarget.from_options(cloud, endpoint, subscription)
        report = run_preflight(target, resource_group, values, location=location, template=template)
    except AzureFailure as exc:
        return _fail(exc)
    except KeyboardInterrupt:
        click.echo("armgen: preflight cancelled", err=True)
        return EXIT_INTERRUPTED
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(format_table(report, color=_use_color()), nl=False)
    return 1 if report.failed else 0
