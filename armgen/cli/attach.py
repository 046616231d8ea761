"""``armgen attach`` and ``armgen detach``: a thin shell over :mod:`armgen.azure.attach`.

The options are every Azure command's (:func:`armgen.cli.whatif.target_options`: ``-g``,
``--subscription``, ``--tenant``, ``--cloud``, ``--endpoint``; ``SOURCE``/``-f`` and ``-p`` as az
takes them, read and checked by :mod:`armgen.params`; ``-o``), a spinner while Azure is asked,
and ``--deployment`` for the deployment whose resource names to use.

Exit codes: 0 done (or nothing to do); 1 blocked (another NAT gateway or route table already
attached without --replace, a routing loop, the what-if gate, a verification that found another
change); 2 bad input (parameters, ids, unknown subnet, wrong region, names no deployment
settles); 3 Azure refused; 130 Ctrl-C. Nothing here imports ``azure.*`` at module level.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from armgen.azure.session import AzureFailure, AzureTarget
from armgen.cli.common import emit, examples, is_machine, output_option, use_color
from armgen.cli.spinner import spinner
from armgen.cli.whatif import _fail, source_options, target_options
from armgen.errors import InputError


def _common(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--deployment", metavar="NAME",
                     help="The deployment whose resources to attach (default: names from -p alone, else the "
                          "newest succeeded deployment in RG made with these parameters).")(f)
    f = click.option("--what-if/--no-what-if", "what_if", default=True, show_default=True,
                     help="Preview the subnet bodies with a what-if and gate them before writing.")(f)
    f = click.option("--nat-gateway/--no-nat-gateway", "nat_gateway", default=None,
                     help="The zone subnets' NAT gateways (default: on, unless --route-table is given).")(f)
    f = click.option("--subnet", "subnets", multiple=True, metavar="ID",
                     help="A workload subnet's resource id for --route-table (repeatable).")(f)
    f = click.option("--route-table", "route_table", is_flag=True,
                     help="The workload route table, on the --subnet workload subnets.")(f)
    f = output_option(legacy=("text", "json"))(f)
    f = source_options(f)
    return target_options(f)


def load(source: str | None, template_file: str | None, parameters: tuple[str, ...],
         action: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], str]:
    """``(template, plain values, origins by parameter, label)`` from the command line, checked
    before any request: ``-p`` as az reads it, every value against the template (secure values
    allowed: they go nowhere but into the names), required ones not demanded (attach needs the
    network's, and the deployment may supply the rest)."""
    from armgen import params
    from armgen.azure.whatif import load_template

    if not parameters:
        raise click.UsageError(f"Missing option '-p' / '--parameters': {action} needs the VNet and subnets "
                               "the deployment used")
    if template_file and source:
        raise InputError(f"give the template once: -f {template_file} or SOURCE {source}, not both")
    if source is not None and params.name_value(source, "-p") is not None and not Path(source).exists():
        raise InputError(f"{source!r} is not a template or package; each parameter takes its own -p (-p {source})")
    given = params.read_args(parameters)
    path = template_file or source
    if path is None and given.using and given.using.lower().endswith(".json"):
        path = given.using
    template, _label = load_template(path)
    from armgen.azure.attach import BYO_NAT_PARAM

    byo = next((g for g in given if g.name.lower() == BYO_NAT_PARAM.lower()), None)
    if byo is not None and BYO_NAT_PARAM.lower() not in {k.lower() for k in template.get("parameters") or {}}:
        raise byo.origin.error(f"the parameters name {BYO_NAT_PARAM} (a build with --byo-nat) but the template does "
                               "not take it: give the package the deployment was built from as SOURCE")
    checked = params.check(template, given, secrets="allow", require=False)
    declared = {k.lower(): k for k in (template.get("parameters") or {})}
    origins = {declared.get(g.name.lower(), g.name): g.where(False) for g in given}
    return template, params.plain_values(checked), origins, given.label("-p")


def _run(action: str, resource_group: str, subscription: str | None, tenant: str | None, cloud: str,
         endpoint: str | None, parameters: tuple[str, ...], template_file: str | None, route_table: bool,
         subnets: tuple[str, ...], nat_gateway: bool | None, what_if: bool, deployment: str | None, output: str,
         source: str | None, replace: bool = False) -> int:
    from armgen.azure.attach import AttachInterrupted, AttachOptions, run_attach

    if subnets and not route_table:
        raise click.UsageError("--subnet is only used with --route-table")
    if route_table and not subnets:
        raise click.UsageError("--route-table needs at least one --subnet ID (a workload subnet)")
    nat = (not route_table) if nat_gateway is None else nat_gateway
    if not nat and not route_table:
        raise click.UsageError(f"nothing to {action}: --no-nat-gateway without --route-table")
    template, values, origins, label = load(source, template_file, parameters, action)
    opts = AttachOptions(nat_gateway=nat, route_table_subnets=subnets, replace=replace, what_if=what_if,
                         detach=action == "detach", parameters_label=label, deployment=deployment, origins=origins)
    text = not is_machine(output)
    color = use_color()
    try:
        target = AzureTarget.from_options(cloud, endpoint, subscription, tenant)
    except AzureFailure as exc:
        return _fail(exc)
    if text:
        click.echo(f"{action.title()}ing in resource group {resource_group}:")

    with spinner(f"{action.title()}ing in {resource_group}", enabled=text) as spin:
        def say(line: str) -> None:
            if spin is None:
                click.echo(line)
            else:
                spin.above(lambda: click.echo(line))

        def show(result: dict[str, Any], findings: list[Any]) -> None:
            from armgen.azure.whatif_format import format_what_if

            lines = [format_what_if(result, color=color), "\n", "Brownfield gate:\n"]
            for f in findings:
                mark = "BLOCKED " if f.verdict == "blocked" else "accepted"
                lines.append(f"  {mark} {f.change_type:<11} {f.resource_id}: {f.reason}\n")
            say("".join(lines))

        try:
            result = run_attach(target, resource_group, template, values, opts,
                                report=say if text else None, show_what_if=show if text else None)
        except AttachInterrupted as exc:
            result = exc.result
    if not text:
        emit(output, result.to_json(), "")
    if result.message:
        click.echo(f"armgen: {result.message}", err=True)
    return result.exit_code


_EXAMPLES = (
    ("After 'az deployment group create' or 'armgen rollout apply': the zone subnets get their NAT gateways",
     "armgen attach -g appliance-rg -p parameters.json"),
    ("Name the deployment, as JSON", "armgen attach -g appliance-rg -p parameters.json --deployment mainTemplate -o json"),
    ("The workload route table on two workload subnets",
     "armgen attach -g appliance-rg -p parameters.json --route-table --subnet /subscriptions/00000000-0000-0000-0000-"
     "000000000001/resourceGroups/net-rg/providers/Microsoft.Network/virtualNetworks/hub/subnets/app1"),
)


@examples(*_EXAMPLES)
@click.command("attach")
@_common
@click.option("--replace", is_flag=True, help="Replace a NAT gateway or route table a subnet already has.")
def attach(resource_group: str, subscription: str | None, tenant: str | None, cloud: str, endpoint: str | None,
           parameters: tuple[str, ...], template_file: str | None, output: str, route_table: bool,
           subnets: tuple[str, ...], nat_gateway: bool | None, what_if: bool, deployment: str | None,
           source: str | None, replace: bool) -> int:
    """Attach subnets to the deployment's NAT gateways.

    After a deployment of SOURCE (package zip, folder or template file; default: the built-in
    offer) into RG, associate each zone subnet of the appliances with its zone's NAT gateway (and,
    with --route-table, the workload subnets with the workload route table). Each subnet is read
    with its etag, PUT back whole with only that property changed and If-Match (a change made
    meanwhile is refused by Azure, read again and kept), and read again to prove nothing else
    changed. Subnets already attached are left alone, so a rerun is a no-op. Names that depend on
    the deployment (the offer's nameSuffix) come from it: --deployment, or the newest succeeded
    one made with these parameters."""
    return _run("attach", resource_group, subscription, tenant, cloud, endpoint, parameters, template_file,
                route_table, subnets, nat_gateway, what_if, deployment, output, source, replace=replace)


@examples(
    ("Undo armgen attach on the zone subnets", "armgen detach -g appliance-rg -p parameters.json"),
    ("The workload route table off a workload subnet, without the what-if preview, as JSON",
     "armgen detach -g appliance-rg -p parameters.json --route-table --no-what-if -o json --subnet /subscriptions/"
     "00000000-0000-0000-0000-000000000001/resourceGroups/net-rg/providers/Microsoft.Network/virtualNetworks/hub/"
     "subnets/app1"),
)
@click.command("detach")
@_common
def detach(resource_group: str, subscription: str | None, tenant: str | None, cloud: str, endpoint: str | None,
           parameters: tuple[str, ...], template_file: str | None, output: str, route_table: bool,
           subnets: tuple[str, ...], nat_gateway: bool | None, what_if: bool, deployment: str | None,
           source: str | None) -> int:
    """Undo 'armgen attach' on the subnets.

    Removes the NAT gateway (or, with --route-table, the route table) association from each
    subnet that still points at the deployment's resource, the same way (If-Match, verified); a
    subnet pointing at anything else is reported and left alone."""
    return _run("detach", resource_group, subscription, tenant, cloud, endpoint, parameters, template_file,
                route_table, subnets, nat_gateway, what_if, deployment, output, source)
