"""Renderers: the one template model to ARM JSON and to Bicep."""
