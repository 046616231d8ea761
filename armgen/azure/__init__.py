"""Talking to Azure Resource Manager: what-if, preflight and rollout.

Nothing in this package imports ``azure.*`` at module level; the SDK is loaded only when a
command actually talks to Azure. Shared building blocks (see :mod:`armgen.azure.session`):

- ``AzureTarget.from_options(cloud, endpoint, subscription)``: cloud endpoints and token scope,
  ``ARMGEN_ACCESS_TOKEN`` or ``DefaultAzureCredential``, no tokens over plain http except to
  loopback, bounded SDK retries honouring ``Retry-After``.
- ``target.deployments_client()`` / ``target.resources_client()``: configured SDK clients.
- ``azure_errors(target, action, resource_group)``: SDK exceptions -> one-line ``AzureFailure``
  with an exit code (``EXIT_USAGE`` 2, ``EXIT_AZURE`` 3).
- :mod:`armgen.azure.whatif` (``load_template``, ``load_parameters``, ``what_if``),
  :mod:`armgen.azure.whatif_gate` (brownfield gate), :mod:`armgen.azure.whatif_format`
  (az-style text), :mod:`armgen.azure.preflight`.
"""
