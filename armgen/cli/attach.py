"""``armgen attach`` and ``armgen detach``: a thin shell over :mod:`armgen.azure.attach`.

Exit codes: 0 done (or nothing to do); 1 blocked (another NAT gateway or route table already
attached without --replace, a routing loop, the what-if gate, a verification that found another
change); 2 bad input (parameters, ids, unknown subnet, wrong region); 3 Azure refused; 130 Ctrl-C.
Nothing here imports ``azure.*`` at module level.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from armgen.cli.whatif import _fail, _target_options, _use_color


def _common(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.argument("source", required=False, type=click.Path(exists=True))(f)
    f = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)(f)
    f = click.option("--what-if/--no-what-if", "what_if", default=True, show_default=True,
                     help="Preview the subnet bodies with a what-if and gate them before writing.")(f)
    f = click.option("--nat-gateway/--no-nat-gateway", "nat_gateway", default=None,
                     help="The zone subnets' NAT gateways (default: on, unless --route-table is given).")(f)
    f = click.option("--subnet", "subnets", multiple=True, metavar="ID",
                     help="A workload subnet's resource id for --route-table (repeatable).")(f)
    f = click.option("--route-table", "route_table", is_flag=True,
                     help="The workload route table, on the --subnet workload subnets.")(f)
    f = click.option("-p", "--parameters", "parameters_file", type=click.Path(dir_okay=False), required=True,
                     help="The deployment's parameters file (names the VNet and the zone subnets).")(f)
    return _target_options(f)


def _run(action: str, resource_group: str, subscription: str | None, cloud: str, endpoint: str | None,
         parameters_file: str, route_table: bool, subnets: tuple[str, ...], nat_gateway: bool | None,
         what_if: bool, fmt: str, source: str | None, replace: bool = False) -> int:
    from armgen.azure.attach import AttachInterrupted, AttachOptions, run_attach
    from armgen.azure.session import AzureFailure, AzureTarget
    from armgen.azure.whatif import load_parameters, load_template, parameter_values

    if subnets and not route_table:
        raise click.UsageError("--subnet is only used with --route-table")
    if route_table and not subnets:
        raise click.UsageError("--route-table needs at least one --subnet ID (a workload subnet)")
    nat = (not route_table) if nat_gateway is None else nat_gateway
    if not nat and not route_table:
        raise click.UsageError(f"nothing to {action}: --no-nat-gateway without --route-table")
    template, _label = load_template(source)
    values = parameter_values(load_parameters(parameters_file))
    opts = AttachOptions(nat_gateway=nat, route_table_subnets=subnets, replace=replace, what_if=what_if,
                         detach=action == "detach", parameters_label=parameters_file)
    text = fmt == "text"
    color = _use_color()

    def show(result: dict[str, Any], findings: list[Any]) -> None:
        from armgen.azure.whatif_format import format_what_if

        click.echo(format_what_if(result, color=color), nl=False)
        click.echo()
        click.echo("Brownfield gate:")
        for f in findings:
            mark = "BLOCKED " if f.verdict == "blocked" else "accepted"
            click.echo(f"  {mark} {f.change_type:<11} {f.resource_id}: {f.reason}")
        click.echo()

    try:
        target = AzureTarget.from_options(cloud, endpoint, subscription)
    except AzureFailure as exc:
        return _fail(exc)
    if text:
        click.echo(f"{action.title()}ing in resource group {resource_group}:")
    try:
        result = run_attach(target, resource_group, template, values, opts,
                            report=click.echo if text else None, show_what_if=show if text else None)
    except AttachInterrupted as exc:
        click.echo(f"armgen: {exc.result.message}", err=True)
        return exc.result.exit_code
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    if result.message:
        click.echo(f"armgen: {result.message}", err=True)
    return result.exit_code


@click.command("attach")
@_common
@click.option("--replace", is_flag=True, help="Replace a NAT gateway or route table a subnet already has.")
def attach(resource_group: str, subscription: str | None, cloud: str, endpoint: str | None, parameters_file: str,
           route_table: bool, subnets: tuple[str, ...], nat_gateway: bool | None, what_if: bool, fmt: str,
           source: str | None, replace: bool) -> int:
    """After a deployment of SOURCE (package zip or folder; default: the built-in offer) into RG,
    associate each zone subnet of the appliances with its zone's NAT gateway (and, with
    --route-table, the workload subnets with the workload route table). Each subnet is read with
    its etag, PUT back whole with only that property changed and If-Match (a change made
    meanwhile is refused by Azure, read again and kept), and read again to prove nothing else
    changed. Subnets already attached are left alone, so a rerun is a no-op."""
    return _run("attach", resource_group, subscription, cloud, endpoint, parameters_file, route_table, subnets,
                nat_gateway, what_if, fmt, source, replace=replace)


@click.command("detach")
@_common
def detach(resource_group: str, subscription: str | None, cloud: str, endpoint: str | None, parameters_file: str,
           route_table: bool, subnets: tuple[str, ...], nat_gateway: bool | None, what_if: bool, fmt: str,
           source: str | None) -> int:
    """Undo `armgen attach`: remove the NAT gateway (or, with --route-table, the route table)
    association from each subnet that still points at the deployment's resource, the same way
    (If-Match, verified); a subnet pointing at anything else is reported and left alone."""
    return _run("detach", resource_group, subscription, cloud, endpoint, parameters_file, route_table, subnets,
                nat_gateway, what_if, fmt, source)
