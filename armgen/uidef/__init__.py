"""createUiDefinition derived from a Template: the portal form for the same parameters.

``build_uidef(t)`` turns the template's parameters and their UI hints (``Parameter.ui``,
``Template.ui``) into the document; ``check_contract(template_json, uidef)`` checks any
mainTemplate/createUiDefinition pair, ours or not.

Modules: :mod:`~armgen.uidef.hints` reads and checks the hints, :mod:`~armgen.uidef.controls`
has one function per control kind, :mod:`~armgen.uidef.network` the existing VNet, subnet and
zone logic (and why it is not a VirtualNetworkCombo), :mod:`~armgen.uidef.pickers` the
ResourceSelector pickers for other existing resources (identity, resource ids such as a
bring-your-own NSG), :mod:`~armgen.uidef.regexes` the
validation patterns derived from parameter constraints, :mod:`~armgen.uidef.contract` the
output/parameter contract, :mod:`~armgen.uidef.build` the assembly.

Running a createUiDefinition, ours or not, as the portal does: :mod:`~armgen.uidef.expressions`
(the expression language), :mod:`~armgen.uidef.evaluator` (the controls: values, visibility,
constraints, outputs), :mod:`~armgen.uidef.acceptance` (would the template take the outputs),
:mod:`~armgen.uidef.explore` (the wizard contract walk). Their semantics are written down in
``docs/createuidefinition-evaluator.md`` for the JavaScript port of the offline preview.
"""

from armgen.uidef.build import HANDLER, SCHEMA, VERSION, build_uidef
from armgen.uidef.contract import check_contract

__all__ = ["HANDLER", "SCHEMA", "VERSION", "build_uidef", "check_contract"]
