"""createUiDefinition derived from a Template: the portal form for the same parameters.

``build_uidef(t)`` turns the template's parameters and their UI hints (``Parameter.ui``,
``Template.ui``; read in :mod:`armgen.uidef.hints`) into the document;
``check_contract(template_json, uidef)`` checks any mainTemplate/createUiDefinition pair.
"""

from armgen.uidef.build import HANDLER, SCHEMA, VERSION, build_uidef
from armgen.uidef.contract import check_contract

__all__ = ["HANDLER", "SCHEMA", "VERSION", "build_uidef", "check_contract"]
