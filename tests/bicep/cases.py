"""Synthetic templates that between them use every expression form and model feature.

The built-in offers exercise the realistic shape; these cover the corners an offer may not use
yet (hand-built resource ids, format specifiers, array concat, shadowed function names...), so
the Bicep renderer is proven on all of them.
"""

from __future__ import annotations

from collections.abc import Callable

from armgen import expr as E
from armgen.template import Copy, Resource, Template

NET = "2025-07-01"
COMPUTE = "2026-03-01"


def appliance() -> Template:
    """An appliance pair behind an internal LB in an existing subnet of another resource group."""
    t = Template(description="Synthetic appliance: every model feature")
    location = t.param("location", "string", default=E.resource_group().location, description="Where to deploy.")
    prefix = t.param("namePrefix", "string", min_length=3, max_length=11, description="It's the name prefix.")
    size = t.param("vmSize", "string", default="Standard_D2s_v5", allowed_values=["Standard_D2s_v5", "Standard_D4s_v5"])
    count = t.param("vmCount", "int", default=2, min_value=1, max_value=4)
    password = t.param("adminPassword", "securestring", min_length=12)
    extra = t.param("extraSettings", "secureObject", default={})
    vnet_name = t.param("vnetName", "string")
    vnet_rg = t.param("vnetResourceGroup", "string")
    subnet_name = t.param("subnetName", "string")
    create_pip = t.param("createPublicIp", "bool", default=False)
    tags = t.param("tags", "object", default={"cost-center": "marketplace", "owner": "it's ${me}\\n"})
    zones = t.param("zones", "array", default=["1", "2"])

    nic_prefix = t.var("nicPrefix", E.concat(prefix, "-nic"))
    lb_name = t.var("lbName", E.format_("{0}-lb", prefix))
    t.var("probe-settings", {"port": 22, "intervalInSeconds": 5, "enabled": True, "path": None})

    vnet = t.add(Resource("Microsoft.Network/virtualNetworks", NET, vnet_name, "vnet", existing=True,
                          resource_group=vnet_rg))
    subnet = t.add(Resource("Microsoft.Network/virtualNetworks/subnets", NET, subnet_name, "subnet",
                            existing=True, parent=vnet))
    nsg = t.add(Resource("Microsoft.Network/networkSecurityGroups", NET, E.concat(prefix, "-nsg"), "nsg",
                         location=location, tags=tags, properties={"securityRules": []}))
    t.add(Resource("Microsoft.Network/networkSecurityGroups/securityRules", NET, "allow-ssh", "sshRule",
                   parent=nsg, properties={"priority": 100, "access": "Allow", "direction": "Inbound",
                                           "protocol": "Tcp", "destinationPortRange": "22"}))
    pip = t.add(Resource("Microsoft.Network/publicIPAddresses", NET, E.format_("{0}-pip", prefix), "pip",
                         location=location, sku={"name": "Standard"}, condition=create_pip,
                         properties={"publicIPAllocationMethod": "Static"}))
    fe_id = E.resource_id("Microsoft.Network/loadBalancers/frontendIPConfigurations", lb_name, "fe")
    pool_id = E.resource_id("Microsoft.Network/loadBalancers/backendAddressPools", lb_name, "pool")
    probe_id = E.resource_id("Microsoft.Network/loadBalancers/probes", lb_name, "probe")
    lb = t.add(Resource(
        "Microsoft.Network/loadBalancers", NET, lb_name, "lb", location=location, tags=tags,
        sku={"name": "Standard"},
        properties={
            "frontendIPConfigurations": [{"name": "fe", "properties": {
                "subnet": {"id": subnet.id}, "privateIPAllocationMethod": "Dynamic"}, "zones": zones}],
            "backendAddressPools": [{"name": "pool"}],
            "probes": [{"name": "probe", "properties": {"protocol": "Tcp", "port": E.variables("probe-settings").port}}],
            "loadBalancingRules": [{"name": "ha", "properties": {
                "frontendIPConfiguration": {"id": fe_id}, "backendAddressPool": {"id": pool_id},
                "probe": {"id": probe_id}, "protocol": "All", "frontendPort": 0, "backendPort": 0}}],
        }))
    nics = t.add(Resource(
        "Microsoft.Network/networkInterfaces", NET, E.concat(nic_prefix, "-", E.copy_index(1)), "nics",
        location=location, copy=Copy("nicLoop", count),
        properties={"ipConfigurations": [{"name": "ipconfig1", "properties": {
            "subnet": {"id": subnet.id},
            "privateIPAllocationMethod": "Dynamic",
            "loadBalancerBackendAddressPools": [{"id": pool_id}],
            "publicIPAddress": E.if_(E.and_(create_pip, E.equals(E.copy_index(), 0), E.not_(E.empty(zones))),
                                     E.create_object(id=pip.id), E.null()),
        }}], "networkSecurityGroup": {"id": nsg.id}},
        depends_on=[lb, nsg]))
    vms = t.add(Resource(
        "Microsoft.Compute/virtualMachines", COMPUTE, E.format_("{0}-vm-{1}", prefix, E.copy_index()), "vms",
        location=location, zones=[E.string(E.add(E.mod(E.copy_index(), E.length(zones)), 1))],
        copy=Copy("vmLoop", count, mode="Serial", batch_size=1),
        condition=E.or_(E.call("less", E.copy_index(), 4),
                        E.equals(size, "Standard_D4s_v5")),
        identity={"type": "SystemAssigned"},
        properties={
            "hardwareProfile": {"vmSize": size},
            "osProfile": {"computerName": E.to_lower(E.concat(prefix, "vm", E.copy_index())),
                          "adminUsername": "azureuser", "adminPassword": password,
                          "customData": E.base64(E.string(extra))},
            "networkProfile": {"networkInterfaces": [{"id": nics.id_at(E.copy_index())}]},
            "diagnostics": {"weights": [E.mul(E.copy_index(), 2), E.div(10, E.add(E.copy_index(), 1)),
                                        E.call("sub", 10, E.copy_index()), E.call("sub", 10, E.add(1, 2))]},
        }))
    diag = t.add(Resource(
        "Microsoft.Resources/deployments", "2025-04-01", E.concat("diag-", E.unique_string(E.resource_group().id)),
        "diag", properties={"mode": "Incremental", "template": {"resources": []},
                            "parameters": {"id": {"value": E.guid(E.subscription().subscriptionId, E.deployment().prop("name"))}}},
        depends_on=[vms, pip]))
    t.output("lbAddress", "string", lb.props.frontendIPConfigurations[0].properties.privateIPAddress,
             description="The HA address.")
    t.output("nicIds", "array", nics.id_at(E.copy_index()), copy_count=count)
    t.output("nicAddresses", "array", {"id": nics.id_at(E.copy_index()), "ip": nics.props_at(E.copy_index())
             .ipConfigurations[0].properties.privateIPAddress}, copy_count=count, condition=create_pip)
    t.output("pipId", "string", pip.id, condition=create_pip)
    t.output("diagState", "object", E.ReferenceRef(diag, full=True))
    t.output("subnetPrefix", "string", subnet.props.addressPrefix)
    t.output("vmCountOut", "int", count)
    t.output("zoned", "bool", E.not_(E.empty(zones)))
    return t


def expressions() -> Template:
    """One parameter per expression form, each used in a variable or output."""
    t = Template()
    a = t.param("a", "string", default="x")
    n = t.param("n", "int", default=3)
    flag = t.param("flag", "bool", default=True)
    items = t.param("items", "array", default=[1, "two", {"three": 3}, [4]])
    obj = t.param("obj", "object", default={"nested": {"k": "v"}, "list": []})
    t.param("derived", "string", default=E.concat(E.parameters("a"), "-", E.resource_group().prop("name")))
    forms = {
        "interp": E.concat("pre-", a, "-", E.concat("mid", n), "-post"),
        "loneConcat": E.concat(a),
        "format": E.format_("{1}:{0}:{{literal}}:{1}", a, n),
        "formatSpec": E.format_("{0:D3}", n),
        "formatLoneInt": E.format_("{0}", n),
        "formatLoneString": E.format_("{0}", a),
        "arrayConcat": E.concat(items, E.create_array(1, 2)),
        "ternary": E.if_(flag, E.if_(E.equals(a, "x"), "yes", "no"), E.null()),
        "logic": E.and_(E.or_(flag, E.not_(flag)), E.not_(E.and_(flag, flag)), E.call("greaterOrEquals", n, 1)),
        "arith": E.mul(E.add(n, 1), E.call("sub", n, E.mod(n, 2))),
        "div": E.div(E.call("sub", n, E.call("sub", n, 1)), 2),
        "neg": E.add(n, -1),
        "literals": E.create_array(E.call("true"), E.call("false"), E.null(), -5, "it's", "back\\slash",
                                   "${notInterp}", "tab\tline\nbreak\r", "\x01ctl", "[brackets]"),
        "obj": E.create_object(**{"plain": a, "with-dash": n, "null": E.null(), "nested": E.create_object(k=1)}),
        "emptyObj": E.create_object(),
        "emptyArr": E.create_array(),
        "funcs": E.create_array(E.union(obj, E.create_object(x=1)), E.contains(items, 1), E.length(items),
                                E.take(items, 2), E.split(a, ","), E.int_("5"), E.base64(a), E.to_lower(a),
                                E.coalesce(E.null(), a), E.unique_string(a), E.guid(a, "b"),
                                E.pick_zones("Microsoft.Compute", "virtualMachines", E.resource_group().location, 2),
                                E.call("json", "null"), E.call("environment").prop("name")),
        # First: tree-sitter-bicep reads an item that starts with "(" as the call of the item before.
        "access": E.create_array(E.if_(flag, obj, obj).nested, obj.ref.nested.k, obj.ref.prop("list"),
                                 obj.ref.prop("odd-key"), items.ref[0], items.ref[E.add(n, -3)],
                                 E.call("first", items).three, E.if_(flag, 1, 2)),
        "ctx": E.concat(E.resource_group().location, E.deployment().prop("name"), E.subscription().subscriptionId),
        "floaty": {"ratio": 1.5, "big": 10**12},
    }
    for name, value in forms.items():
        t.var(name, value)
    t.output("all", "object", {name: E.variables(name) for name in forms} | {"derived": E.parameters("derived")})
    return t


def names() -> Template:
    """Names Bicep treats differently from ARM: clashes, non-identifiers, shadowed functions."""
    t = Template()
    # Bicep identifiers share one namespace; ARM keeps parameters, variables and resources apart.
    p = t.param("store", "string", default=E.resource_group().location)
    rg = t.var("resourceGroup", "rg-name")  # shadows resourceGroup(): calls must become az.resourceGroup()
    conc = t.var("concat", E.concat(p, "-x"))
    t.var("9lives", 9)
    t.var("i", 1)  # the loop variable must not take this name
    r = t.add(Resource("Microsoft.Storage/storageAccounts", "2025-01-01", E.to_lower(conc), "store",
                       location=E.resource_group().location, kind="StorageV2",
                       copy=Copy("loop", E.variables("9lives")),
                       tags={"rg": rg, "i": E.variables("i"), "n": E.copy_index(loop="loop")}))
    t.add(Resource("Microsoft.Network/virtualNetworks", "2025-07-01", "net", "vnet", existing=True,
                   resource_group=E.resource_group().prop("name"), subscription_id=E.subscription().subscriptionId))
    t.add(Resource("Microsoft.Network/virtualNetworks/subnets", "2025-07-01", "sn", "sub", existing=True,
                   parent=t.resources[-1]))
    t.add(Resource("Microsoft.Network/networkInterfaces", "2025-07-01", "nic", "nic", location=p,
                   properties={"ipConfigurations": [{"name": "c", "properties": {
                       "subnet": {"id": t.resources[-1].id},
                       "peer": E.reference(E.resource_id("Microsoft.Network/networkInterfaces", "elsewhere"), "2025-07-01"),
                       "self": E.resource_id("Microsoft.Network/networkInterfaces", "nic"),
                       "first": r.id_at(0)}}]}))
    t.add(Resource("Microsoft.Network/networkInterfaces", "2025-07-01", "other", "other", location=p,
                   properties={"ref": E.reference(E.resource_id("Microsoft.Network/networkInterfaces", "nic"),
                                                  "2025-07-01").ipConfigurations,
                               "full": E.reference(E.resource_id("Microsoft.Network/networkInterfaces", "nic"),
                                                   "2025-07-01", full=True).location,
                               "id": E.resource_id("Microsoft.Network/networkInterfaces", "nic")}))
    t.output("first", "string", r.id_at(0))
    return t


CASES: dict[str, Callable[[], Template]] = {
    "appliance": appliance,
    "expressions": expressions,
    "names": names,
}
