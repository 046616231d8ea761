"""Every check of a document that is not arm-ttk's, one module each.

- :mod:`armgen.checks.schemas`: our strict JSON Schemas (``schemas/``), closed per resource type,
  so a misspelled property fails at its JSON path;
- :mod:`armgen.checks.official`: Azure's published schemas, offline;
- :mod:`armgen.checks.marketplace`: Partner Center's package rules (files, sizes, version, pid);
- :mod:`armgen.checks.bicep_syntax`: generated Bicep parsed by tree-sitter-bicep.

arm-ttk's tests are a check suite of their own, ported one test per module in :mod:`armgen.lint`.
"""
