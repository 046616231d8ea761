"""Where each arm-ttk test is documented, for SARIF's per-rule ``helpUri``.

Microsoft documents most arm-ttk tests on four Learn pages, one section per test; the section
anchors below are those pages' headings. A test those pages do not describe links to its own
script in arm-ttk's repository, whose synopsis is its documentation.
"""

from __future__ import annotations

LEARN = "https://learn.microsoft.com/azure/azure-resource-manager/templates/"
ARM_TTK_TESTS = "https://github.com/Azure/arm-ttk/blob/master/arm-ttk/testcases/"

# arm-ttk test name -> (Learn page, section anchor)
SECTIONS: dict[str, tuple[str, str]] = {
    # createUiDefinition tests
    "Allowed-Values-Should-Actually-Be-Allowed": ("createuidefinition-test-cases", "verify-template-parameter-allows-values"),
    "Controls-In-Outputs-Must-Exist": ("createuidefinition-test-cases", "output-controls-must-exist"),
    "CreateUIDefinition-Must-Not-Have-Blanks": ("createuidefinition-test-cases", "properties-must-include-values"),
    "CreateUIDefinition-Should-Have-Schema": ("createuidefinition-test-cases", "use-valid-schema-and-version"),
    "Credential-Confirmation-Should-Not-Be-Hidden": ("createuidefinition-test-cases", "dont-hide-credential-confirmation"),
    "Handler-Must-Be-Correct": ("createuidefinition-test-cases", "use-correct-handler"),
    "HideExisting-Must-Be-Correctly-Handled": ("createuidefinition-test-cases", "dont-hide-existing-resources"),
    "Location-Should-Be-In-Outputs": ("createuidefinition-test-cases", "use-location-in-outputs"),
    "Outputs-Must-Be-Present-In-Template-Parameters": ("createuidefinition-test-cases", "include-control-outputs-in-template-parameters"),
    "Parameters-Without-Default-Must-Exist-In-CreateUIDefinition": ("createuidefinition-test-cases", "parameters-without-default-must-exist-in-outputs"),
    "Password-Textboxes-Must-Be-Used-For-Password-Parameters": ("createuidefinition-test-cases", "use-secure-parameter-with-password-box"),
    "PasswordBoxes-Must-Have-Min-Length": ("createuidefinition-test-cases", "password-box-requires-minimum-length"),
    "Textboxes-Are-Well-Formed": ("createuidefinition-test-cases", "text-box-must-use-validation"),
    "Tooltips-Should-Be-Present": ("createuidefinition-test-cases", "tooltip-must-exist-with-a-value"),
    "Usernames-Should-Not-Have-A-Default": ("createuidefinition-test-cases", "dont-set-a-default-user-name"),
    "Validations-Must-Have-Message": ("createuidefinition-test-cases", "use-message-with-validations"),
    "VMSizes-Must-Match-Template": ("createuidefinition-test-cases", "virtual-machine-sizes-must-match"),
    # template tests
    "DeploymentTemplate-Schema-Is-Correct": ("template-test-cases", "use-correct-schema"),
    "Parameters-Must-Be-Referenced": ("template-test-cases", "declared-parameters-must-be-used"),
    "Secure-String-Parameters-Cannot-Have-Default": ("template-test-cases", "secure-parameters-cant-have-hard-coded-default"),
    "DeploymentTemplate-Must-Not-Contain-Hardcoded-Uri": ("template-test-cases", "environment-urls-cant-be-hard-coded"),
    "Location-Should-Not-Be-Hardcoded": ("template-test-cases", "location-uses-parameter"),
    "Resources-Should-Have-Location": ("template-test-cases", "resources-should-have-location"),
    "VM-Size-Should-Be-A-Parameter": ("template-test-cases", "vm-size-uses-parameter"),
    "Min-And-Max-Value-Are-Numbers": ("template-test-cases", "min-and-max-values-are-numbers"),
    "artifacts-parameter": ("template-test-cases", "artifacts-parameter-defined-correctly"),
    "Variables-Must-Be-Referenced": ("template-test-cases", "declared-variables-must-be-used"),
    "Dynamic-Variable-References-Should-Not-Use-Concat": ("template-test-cases", "dynamic-variables-should-not-use-concat"),
    "apiVersions-Should-Be-Recent": ("template-test-cases", "use-recent-api-version"),
    "providers_apiVersions-Is-Not-Permitted": ("template-test-cases", "use-hard-coded-api-version"),
    "Template-Should-Not-Contain-Blanks": ("template-test-cases", "properties-cant-be-empty"),
    "IDs-Should-Be-Derived-From-ResourceIDs": ("template-test-cases", "use-resource-id-functions"),
    "ResourceIds-should-not-contain": ("template-test-cases", "resourceid-functions-have-correct-parameters"),
    "DependsOn-Best-Practices": ("template-test-cases", "use-dependson-best-practices"),
    "Deployment-Resources-Must-Not-Be-Debug": ("template-test-cases", "nested-or-linked-deployments-cant-use-debug"),
    "adminUsername-Should-Not-Be-A-Literal": ("template-test-cases", "admin-user-names-cant-be-literal-value"),
    "VM-Images-Should-Use-Latest-Version": ("template-test-cases", "use-latest-vm-image"),
    "Virtual-Machines-Should-Not-Be-Preview": ("template-test-cases", "use-stable-vm-images"),
    "ManagedIdentityExtension-must-not-be-used": ("template-test-cases", "dont-use-managedidentity-extension"),
    "Outputs-Must-Not-Contain-Secrets": ("template-test-cases", "outputs-cant-include-secrets"),
    "CommandToExecute-Must-Use-ProtectedSettings-For-Secrets": ("template-test-cases", "use-protectedsettings-for-commandtoexecute-secrets"),
    "apiVersions-Should-Be-Recent-In-Reference-Functions": ("template-test-cases", "use-recent-api-versions-in-reference-functions"),
    "Secure-Params-In-Nested-Deployments": ("template-test-cases", "use-inner-scope-for-nested-deployment-secure-parameters"),
    # parameter files and all files: one short page each
    "DeploymentParameters-Should-Have-ContentVersion": ("parameter-file-test-cases", ""),
    "DeploymentParameters-Should-Have-Parameters": ("parameter-file-test-cases", ""),
    "DeploymentParameters-Should-Have-Schema": ("parameter-file-test-cases", ""),
    "DeploymentParameters-Should-Have-Value": ("parameter-file-test-cases", ""),
    "JSONFiles-Should-Be-Valid": ("all-files-test-cases", ""),
}  # fmt: skip

def help_uri(test: str, group: str) -> str:
    """The documentation of one arm-ttk test: its Learn section, else its script in arm-ttk."""
    section = SECTIONS.get(test)
    if section is not None:
        page, anchor = section
        return LEARN + page + (f"#{anchor}" if anchor else "")
    return f"{ARM_TTK_TESTS}{group}/{test}.test.ps1"
