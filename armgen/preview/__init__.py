"""The offline wizard preview (``armgen preview``): a createUiDefinition as one self-contained HTML
page that renders the wizard as the Azure portal does, evaluated live by a JavaScript port of
:mod:`armgen.uidef` (``evaluator.js``), with answers from sample data (``sample.json``).

:mod:`armgen.preview.page` builds the page; ``evaluator.js``, ``preview.js`` and ``preview.css``
are inlined into it; ``sample.json`` is the default sample data and ``data.schema.json`` its
format. See docs/preview.md.
"""
