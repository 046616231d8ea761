"""``armgen diagram``: a deployment's topology as a picture (SVG) or a Mermaid flowchart.

Layers: :mod:`.source` loads a template (a built-in offer through its model, or a folder, zip or
file); :mod:`.topology` evaluates it statically into nodes and edges; :mod:`.svg` lays it out and
draws it; :mod:`.mermaid` writes it as text. Nothing here touches the network or a browser.
"""
