"""The rule registry: one module per arm-ttk test, each defining ``RULE``, and an index of them.

Why an index: the engine needs each rule's name, file kind (arm-ttk's test group), required inputs
and severity handling to decide what runs; importing all 53 modules to read them was a tenth of
``armgen package`` although a package runs fewer (a package without parameters files needs none of
the deploymentParameters tests, a test whose required input is missing never runs), and ``--test``
picks one. So :data:`INDEX` declares what the engine decides with, and a rule's module is imported
the first time its check runs or its description or error ids are read.

Adding a rule means adding its module here and its line to :data:`INDEX`;
``tests/lint/test_rule_index.py`` fails until the two agree (every module listed, every line equal
to its module's ``RULE``).
"""

from __future__ import annotations

import functools
import importlib
from typing import Any

from armgen.lint.model import ALL_FILES, CREATE_UI, PARAMETERS, TEMPLATE, Context, Rule


class IndexedRule(Rule):
    """A rule as :data:`INDEX` declares it, standing for its module's ``RULE`` (loaded on first use).

    The module's name is the test's name lower-cased with ``-`` as ``_``
    (``Location-Should-Not-Be-Hardcoded`` is ``location_should_not_be_hardcoded``).
    """

    def __init__(self, name: str, group: str, requires: tuple[str, ...] = (), *, marketplace_warning: bool = False,
                 inner_templates: bool = True, needs_api_cache: bool = False) -> None:
        self.name = name
        self.group = group
        self.requires = requires
        self.marketplace_warning = marketplace_warning
        self.inner_templates = inner_templates
        self.needs_api_cache = needs_api_cache

    @property
    def module(self) -> str:
        return f"{__name__}.{self.name.lower().replace('-', '_')}"

    def declared(self) -> Rule:
        """The module's own ``RULE`` (the module imported now if it was not yet)."""
        rule: Rule = importlib.import_module(self.module).RULE
        return rule

    @property  # type: ignore[override]
    def description(self) -> str:
        return self.declared().description

    @property  # type: ignore[override]
    def error_ids(self) -> tuple[str, ...]:
        return self.declared().error_ids

    def check(self, ctx: Context) -> Any:  # type: ignore[override]
        return self.declared().check(ctx)


#: every rule, ordered by arm-ttk test name (case-insensitive), as its module declares it
INDEX: tuple[IndexedRule, ...] = (
    IndexedRule("adminPassword-Should-Not-Be-A-Literal", TEMPLATE, ("TemplateObject",)),
    IndexedRule("adminUsername-Should-Not-Be-A-Literal", TEMPLATE, ("TemplateObject",)),
    IndexedRule("Allowed-Values-Should-Actually-Be-Allowed", CREATE_UI,
           ("CreateUIDefinitionObject", "CreateUIDefinitionText", "MainTemplateParameters")),
    IndexedRule("apiVersions-Should-Be-Recent", TEMPLATE, ("TemplateObject", "AllAzureResources"),
           marketplace_warning=True, needs_api_cache=True),
    IndexedRule("apiVersions-Should-Be-Recent-In-Reference-Functions", TEMPLATE,
           ("TemplateText", "TemplateObject", "AllAzureResources"), marketplace_warning=True, needs_api_cache=True),
    IndexedRule("artifacts-parameter", TEMPLATE, ("TemplateObject", "TemplateFileName")),
    IndexedRule("CommandToExecute-Must-Use-ProtectedSettings-For-Secrets", TEMPLATE, ("TemplateObject",)),
    IndexedRule("Controls-In-Outputs-Must-Exist", CREATE_UI, ("CreateUIDefinitionObject",)),
    IndexedRule("CreateUIDefinition-Must-Not-Have-Blanks", CREATE_UI, ("CreateUIDefinitionText",),
           marketplace_warning=True),
    IndexedRule("CreateUIDefinition-Should-Have-Schema", CREATE_UI, ("CreateUIDefinitionObject",)),
    IndexedRule("Credential-Confirmation-Should-Not-Be-Hidden", CREATE_UI, ("CreateUIDefinitionObject",)),
    IndexedRule("DependsOn-Best-Practices", TEMPLATE, ("TemplateObject",), marketplace_warning=True),
    IndexedRule("Deployment-Resources-Must-Not-Be-Debug", TEMPLATE, ("TemplateObject",)),
    IndexedRule("DeploymentParameters-Should-Have-ContentVersion", PARAMETERS, ("ParameterObject",)),
    IndexedRule("DeploymentParameters-Should-Have-Parameters", PARAMETERS, ("ParameterObject",)),
    IndexedRule("DeploymentParameters-Should-Have-Schema", PARAMETERS),
    IndexedRule("DeploymentParameters-Should-Have-Value", PARAMETERS, ("ParameterObject",)),
    IndexedRule("DeploymentTemplate-Must-Not-Contain-Hardcoded-Uri", TEMPLATE, ("TemplateText",)),
    IndexedRule("DeploymentTemplate-Schema-Is-Correct", TEMPLATE, marketplace_warning=True),
    IndexedRule("Dynamic-Variable-References-Should-Not-Use-Concat", TEMPLATE, ("TemplateText",),
           marketplace_warning=True),
    IndexedRule("Handler-Must-Be-Correct", CREATE_UI, ("CreateUIDefinitionObject",)),
    IndexedRule("HideExisting-Must-Be-Correctly-Handled", CREATE_UI, ("CreateUIDefinitionObject",)),
    IndexedRule("IDs-Should-Be-Derived-From-ResourceIDs", TEMPLATE, ("TemplateObject", "TemplateMetadata"),
           marketplace_warning=True),
    IndexedRule("JSONFiles-Should-Be-Valid", ALL_FILES),
    IndexedRule("Location-Should-Be-In-Outputs", CREATE_UI, ("CreateUIDefinitionObject",)),
    IndexedRule("Location-Should-Not-Be-Hardcoded", TEMPLATE,
           ("TemplateText", "TemplateObject", "TemplateFileName")),
    IndexedRule("ManagedIdentityExtension-must-not-be-used", TEMPLATE, ("TemplateObject",),
           marketplace_warning=True),
    IndexedRule("Min-And-Max-Value-Are-Numbers", TEMPLATE, ("TemplateObject",)),
    IndexedRule("Outputs-Must-Be-Present-In-Template-Parameters", CREATE_UI,
           ("CreateUIDefinitionObject", "TemplateObject")),
    IndexedRule("Outputs-Must-Not-Contain-Secrets", TEMPLATE, ("TemplateObject",)),
    IndexedRule("Parameter-Types-Should-Be-Consistent", TEMPLATE, inner_templates=False),
    IndexedRule("Parameters-Must-Be-Referenced", TEMPLATE, ("TemplateObject", "TemplateText"),
           marketplace_warning=True),
    IndexedRule("Parameters-Without-Default-Must-Exist-In-CreateUIDefinition", CREATE_UI,
           ("TemplateObject", "CreateUIDefinitionObject")),
    IndexedRule("Password-params-must-be-secure", TEMPLATE, ("TemplateObject",)),
    IndexedRule("Password-Textboxes-Must-Be-Used-For-Password-Parameters", CREATE_UI,
           ("CreateUIDefinitionObject", "MainTemplateParameters")),
    IndexedRule("PasswordBoxes-Must-Have-Min-Length", CREATE_UI, ("CreateUIDefinitionObject",)),
    IndexedRule("providers_apiVersions-Is-Not-Permitted", TEMPLATE, ("TemplateText",), marketplace_warning=True),
    IndexedRule("ResourceIds-should-not-contain", TEMPLATE, ("TemplateText", "TemplateMetadata"),
           marketplace_warning=True),
    IndexedRule("Resources-Should-Have-Location", TEMPLATE, ("TemplateObject",)),
    IndexedRule("Resources-Should-Not-Be-Ambiguous", TEMPLATE, ("TemplateObject",)),
    IndexedRule("Secure-Params-In-Nested-Deployments", TEMPLATE, ("TemplateObject",)),
    IndexedRule("Secure-String-Parameters-Cannot-Have-Default", TEMPLATE, ("TemplateObject",)),
    IndexedRule("Template-Should-Not-Contain-Blanks", TEMPLATE, ("TemplateText", "TemplateObject"),
           marketplace_warning=True),
    IndexedRule("Textboxes-Are-Well-Formed", CREATE_UI, ("CreateUIDefinitionObject",)),
    IndexedRule("Tooltips-Should-Be-Present", CREATE_UI, ("CreateUIDefinitionObject",)),
    IndexedRule("URIs-Should-Be-Properly-Constructed", TEMPLATE, ("TemplateObject",), marketplace_warning=True),
    IndexedRule("Usernames-Should-Not-Have-A-Default", CREATE_UI, ("CreateUIDefinitionObject",)),
    IndexedRule("Validations-Must-Have-Message", CREATE_UI, ("CreateUIDefinitionObject",)),
    IndexedRule("Variables-Must-Be-Referenced", TEMPLATE, ("TemplateObject", "TemplateText"),
           marketplace_warning=True),
    IndexedRule("Virtual-Machines-Should-Not-Be-Preview", TEMPLATE, ("TemplateObject",)),
    IndexedRule("VM-Images-Should-Use-Latest-Version", TEMPLATE, ("TemplateObject",), marketplace_warning=True),
    IndexedRule("VM-Size-Should-Be-A-Parameter", TEMPLATE, ("TemplateObject",), inner_templates=False),
    IndexedRule("VMSizes-Must-Match-Template", CREATE_UI, ("CreateUIDefinitionObject", "MainTemplateParameters")),
)


@functools.cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule, ordered by arm-ttk test name (case-insensitive); modules load as rules run."""
    return tuple(sorted(INDEX, key=lambda r: r.name.lower()))
