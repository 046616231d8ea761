"""``armgen what-if`` and ``armgen preflight``.

Exit codes: 0 fine; 1 the brownfield gate blocked (what-if) or a check failed (preflight);
2 usage error, bad parameter values, unknown resource group/subscription, unreachable endpoint;
3 Azure refused the request (401/403), the what-if failed, or throttling outlasted the retry
budget; 130 Ctrl-C. Nothing here imports ``azure.*`` at module level.

Parameters are taken as ``az deployment group`` takes them (``-p`` repeatable: ``@file.json``,
``file.json``, ``file.bicepparam``, ``name=value``; later ones win) and checked against the
template by :mod:`armgen.params` before anything talks to Azure.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
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
from armgen.cli.common import emit, examples, is_machine, output_option, use_color
from armgen.cli.spinner import spinner
from armgen.errors import InputError

PARAMETERS_HELP = ("Parameter values, as az takes them (repeatable; later ones win): @FILE or FILE "
                   "(.json parameters file or .bicepparam of literal values), or NAME=VALUE.")


def target_options(f: Callable[..., Any], *, tenant: bool = True) -> Callable[..., Any]:
    """``-g``, ``--subscription``, ``--tenant``, ``--cloud``, ``--endpoint``: where a command works.

    The command receives ``tenant`` and passes it on: ``AzureTarget.from_options(cloud, endpoint,
    subscription, tenant)``.
    """
    f = click.option("--endpoint", metavar="URL", help="Resource Manager base URL (default: the cloud's).")(f)
    f = click.option("--cloud", type=click.Choice(CLOUD_CHOICES, case_sensitive=False), default="public",
                     show_default=True, help="Sovereign cloud: endpoints, token scope and login authority.")(f)
    if tenant:
        f = click.option("--tenant", metavar="ID|DOMAIN", help="Tenant to sign in to (default: the credential's).")(f)
    f = click.option("--subscription", metavar="ID|NAME",
                     help="Subscription id or name (default: $AZURE_SUBSCRIPTION_ID, else az's default "
                          "subscription).")(f)
    f = click.option("-g", "--resource-group", "resource_group", metavar="RG", required=True,
                     help="Target resource group (must exist).")(f)
    return f


def source_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``SOURCE``, ``-f/--template-file`` and ``-p/--parameters``."""
    f = click.argument("source", required=False, type=click.Path())(f)
    f = click.option("-p", "--parameters", "parameters", multiple=True, metavar="@FILE|FILE|NAME=VALUE",
                     help=PARAMETERS_HELP)(f)
    f = click.option("-f", "--template-file", "template_file", type=click.Path(dir_okay=False),
                     help="One template file (mainTemplate.json or any ARM template), instead of SOURCE.")(f)
    return f


def _fail(exc: AzureFailure) -> int:
    click.echo(f"armgen: {exc.message}", err=True)
    return exc.exit_code


def load_inputs(source: str | None, template_file: str | None, parameters: tuple[str, ...], *,
                require: bool = True) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """``(template, label, checked values)`` from the command line, before any request.

    The template comes from ``-f``, SOURCE, a ``.bicepparam``'s ``using`` of a JSON template, or
    the built-in offer. Values are checked against it; secure values are allowed (they go to
    Resource Manager and nowhere else).
    """
    from armgen import params
    from armgen.azure.whatif import load_template

    if template_file and source:
        raise InputError(f"give the template once: -f {template_file} or SOURCE {source}, not both")
    if source is not None and params.name_value(source, "-p") is not None and not Path(source).exists():
        raise InputError(f"{source!r} is not a template or package; each parameter takes its own -p "
                         f"(-p {source})")
    values = params.read_args(parameters)
    path = template_file or source
    if path is None and values.using and values.using.lower().endswith(".json"):
        path = values.using
    template, label = load_template(path)
    checked = params.check(template, values, secrets="allow", require=require,
                           missing=params.Origin(values.label("-p")))
    return template, label, checked


@examples(
    ("Preview the built-in offer with a parameters file", "armgen what-if -g appliance-rg -p @parameters.json"),
    ("A template file, a .bicepparam and one override",
     "armgen what-if -g appliance-rg -f mainTemplate.json -p prod.bicepparam -p vmSize=Standard_DS3_v2"),
    ("A package, in a subscription picked by name, as JSON",
     "armgen what-if -g appliance-rg --subscription Production -p @parameters.json -o json dist/zscc-1.0.0.zip"),
)
@click.command("what-if")
@target_options
@source_options
@output_option(legacy=("text", "json"))
@click.option("--allow-modify", multiple=True, metavar="ID",
              help="Accept a modify of this existing resource id (repeatable).")
@click.option("--mode", type=click.Choice(["Incremental", "Complete"], case_sensitive=False), default="Incremental",
              show_default=True)
def what_if(resource_group: str, subscription: str | None, tenant: str | None, cloud: str, endpoint: str | None,
            parameters: tuple[str, ...], template_file: str | None, output: str, allow_modify: tuple[str, ...],
            mode: str, source: str | None) -> int:
    """Preview a deployment's changes (Azure what-if).

    Shows what a deployment of SOURCE (package zip, folder, or template file; default: the
    built-in offer) would change in resource group RG, like `az deployment group what-if`, and exit
    1 when it would delete anything or modify a resource the template does not create."""
    from armgen import params
    from armgen.azure.whatif import WhatIfFailed
    from armgen.azure.whatif import what_if as run
    from armgen.azure.whatif_format import format_what_if

    template, _label, checked = load_inputs(source, template_file, parameters)
    try:
        check_resource_group(resource_group)
        target = AzureTarget.from_options(cloud, endpoint, subscription, tenant)
        with spinner(f"Running what-if in {resource_group}", enabled=not is_machine(output)):
            outcome = run(target, resource_group, template, params.arm_parameters(checked), list(allow_modify),
                          mode=mode.title())
    except AzureFailure as exc:
        return _fail(exc)
    except WhatIfFailed as exc:
        click.echo(f"armgen: what-if failed: {exc.code}: {exc.message}", err=True)
        return EXIT_AZURE
    except KeyboardInterrupt:
        click.echo("armgen: what-if cancelled (nothing was deployed)", err=True)
        return EXIT_INTERRUPTED

    def table() -> str:
        lines = [format_what_if(outcome.result, color=use_color())]
        if outcome.findings:
            lines.append("\nBrownfield gate:\n")
            for f in outcome.findings:
                mark = "BLOCKED " if f.verdict == "blocked" else "accepted"
                lines.append(f"  {mark} {f.change_type:<11} {f.resource_id}: {f.reason}\n")
        return "".join(lines)

    emit(output, outcome.to_json(), table)
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


@examples(
    ("Check the network named in a parameters file", "armgen preflight -g appliance-rg -p @parameters.json"),
    ("A .bicepparam, the region given, as JSON",
     "armgen preflight -g appliance-rg -p prod.bicepparam --location westeurope -o json"),
)
@click.command("preflight")
@target_options
@source_options
@output_option(legacy=("text", "json"))
@click.option("--location", help="Deployment region (default: parameter 'location', else the resource group's).")
def preflight(resource_group: str, subscription: str | None, tenant: str | None, cloud: str, endpoint: str | None,
              parameters: tuple[str, ...], template_file: str | None, output: str, location: str | None,
              source: str | None) -> int:
    """Check the existing VNet can take the appliances.

    Read-only: the VNet and subnets exist in the region, subnets have room, static IPs are free,
    NAT gateways/route tables on the subnets, and routes that would loop back through the
    appliances. SOURCE (package zip, folder
    or template file; default: the built-in offer) gives the NIC count and whether there is a load
    balancer; -p names the existing VNet and subnets."""
    from armgen import params
    from armgen.azure.preflight import format_table, run_preflight

    if not parameters:
        raise click.UsageError("Missing option '-p' / '--parameters': preflight needs the VNet and subnets")
    template, _label, checked = load_inputs(source, template_file, parameters)
    try:
        check_resource_group(resource_group)
        target = AzureTarget.from_options(cloud, endpoint, subscription, tenant)
        with spinner(f"Reading the network for {resource_group}", enabled=not is_machine(output)):
            report = run_preflight(target, resource_group, params.plain_values(checked), location=location,
                                   template=template)
    except AzureFailure as exc:
        return _fail(exc)
    except KeyboardInterrupt:
        click.echo("armgen: preflight cancelled", err=True)
        return EXIT_INTERRUPTED
    emit(output, report.to_json(), lambda: format_table(report, color=use_color()))
    return 1 if report.failed else 0
