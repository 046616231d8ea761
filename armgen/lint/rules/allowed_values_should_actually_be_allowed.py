"""Allowed-Values-Should-Actually-Be-Allowed: a control's allowed values are allowed by its parameter."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import regex

from armgen.lint import lazy, ps
from armgen.lint.model import CREATE_UI, Context, Rule

X = regex.I | regex.X


@functools.lru_cache(maxsize=1024)
def _output_regex(control: str, step: str | None) -> regex.Pattern[str]:
    c, s = regex.escape(control), regex.escape(step or "")
    if step:
        pat = rf"steps\(\s*'(?<StepName>{s})'\s*\)(?:\.(?<Property>\w+))*?(?=\Z|\.{c})\.{c}"
    else:
        pat = rf"basics\(\s*'(?<ControlName>{c})'\s*\)(?:\.(?<Property>\w+))*"
    return regex.compile(pat, X)


_BASICS = lazy.compile(r"basics\(\s*'(?<ControlName>[^']*)'\s*\)", X)
_STEPS = lazy.compile(r"steps\(\s*'(?<StepName>[^']*)'\s*\)(?:(?<Property>\.\w+))*", X)


@functools.lru_cache(maxsize=4096)
def _output_refs(text: str) -> tuple[str, frozenset[str], tuple[tuple[str, tuple[int, ...]], ...]]:
    """An ASCII output's lower-cased text, its ``basics('x')`` names, and per ``steps('s')`` the step
    name with the offsets where ``.property`` links start (each a maximal word run)."""
    basics = frozenset(m.group("ControlName").lower() for m in _BASICS.finditer(text, overlapped=True))
    steps = tuple(
        (m.group("StepName").lower(), (*m.starts("Property"), m.end()))
        for m in _STEPS.finditer(text, overlapped=True)
    )
    return text.lower(), basics, steps


def _referrer(control: str, step: str | None) -> Callable[[str], bool]:
    """A test of output texts standing for ``_output_regex(control, step).search``, made once per
    control, without compiling a regex per control.

    For ASCII text and names without quotes, fixed regexes find every ``basics('x')`` /
    ``steps('s').a.b`` once per output and the names are compared in Python (the same matches: a
    name cannot contain a quote, so it ends at the first one).
    """
    names = control + (step or "")
    if not names.isascii() or "'" in names:
        return lambda text: _output_regex(control, step).search(text) is not None
    want, want_step, dotted = control.lower(), (step or "").lower(), "." + control.lower()

    def refers(text: str) -> bool:
        if not text.isascii():
            return _output_regex(control, step).search(text) is not None
        low, basics, steps = _output_refs(text)
        if not step:
            return want in basics
        return any(s == want_step and any(low.startswith(dotted, p) for p in at) for s, at in steps)

    return refers


def _refers(text: str, control: str, step: str | None) -> bool:
    """``_output_regex(control, step).search(text)`` (see :func:`_referrer`)."""
    return _referrer(control, step)(text)


def check(ctx: Context) -> None:
    cuid, text, main_params = ctx.cuid, ctx.cuid_text or "", ctx.main_parameters or {}
    outputs = ps.dig(cuid, "parameters", "outputs")
    outputs = list(outputs.items()) if isinstance(outputs, dict) else []
    output_texts = [(k, v, ps.to_str(v)) for k, v in outputs]
    the_output: tuple[str, Any] | None = None  # PowerShell keeps it across iterations
    config_name: str | None = None
    for av in ps.find(cuid, "allowedValues", value_mode="like", value="*"):
        parent = av.parents[0] if av.parents else None
        control = ps.to_str(ps.get(parent, "name"))
        if control:
            step = ps.to_str(ps.get(av.parents[1], "name")) if len(av.parents) > 1 else ""
            refers = _referrer(control, step or None)
            the_output = next(((k, v) for k, v, t in output_texts if refers(t)), None)
        elif ps.like(".".join(str(p) for p in av.path), "*.config.*"):
            config_name = str(av.path[-2]) if len(av.path) > 1 else ""
            the_output = next(((k, v) for k, v in outputs if ps.like(v, f"*{config_name}(*")), None)
        if the_output is None:
            try:  # arm-ttk's `-notmatch "\.$($parent.Name)"`: with no name (config), just "\."
                referred = regex.search(r"\." + control, text, regex.I)
            except regex.error:
                referred = None
            if not referred:
                ctx.error(None, f"Could not find {control} in outputs", av.obj_path[:-1] or av.obj_path)
            continue
        out_name = the_output[0]
        param = ps.get(main_params, out_name)
        if not ps.truthy(param) and not isinstance(param, dict):
            ctx.error(
                None,
                f"CreateUIDefinition has parameter {control}, but it is missing from main template parameters",
                av.obj_path,
            )
            continue
        allowed = [
            ps.get(v, "value") if ps.has(v, "value") else v
            for v in ps.as_list(ps.get(av.obj, "allowedValues"))
        ]
        name = control or config_name or ""
        param_allowed = ps.get(param, "allowedValues")
        if ps.truthy(param_allowed):
            param_values = ps.as_list(param_allowed)
            for rv in allowed:
                pattern = f"*{ps.to_str(rv)}*"
                if not any(ps.like(v, pattern) for v in param_values):
                    ctx.error(
                        "Allowed.Value.Mismatch",
                        f"CreateUIDefinition parameter '{name}' with value {ps.to_str(rv)} is not allowed "
                        f"in the main template parameter {out_name}",
                        av.path,
                    )
        default = ps.get(param, "defaultValue")
        if ps.truthy(default) and "".join(ps.to_str(default).split()).lower() != "[resourcegroup().location]":
            for d in ps.as_list(default):
                if ps.contains(allowed, d):
                    continue
                found = any(
                    ps.like(v, f"*{ps.to_str(default)}*") for _ in allowed for v in ps.as_list(param_allowed)
                )
                if not found:
                    ctx.error(
                        "Allowed.Value.Default.Mismatch",
                        f"CreateUIDefinition parameter '{name}' default value is not allowed in the main "
                        f"template parameter '{out_name}'",
                        av.path,
                    )


RULE = Rule(
    name="Allowed-Values-Should-Actually-Be-Allowed",
    group=CREATE_UI,
    description="Each allowed value of a createUiDefinition control is allowed by the main template "
    "parameter it feeds, and that parameter's default is one of them.",
    check=check,
    requires=("CreateUIDefinitionObject", "CreateUIDefinitionText", "MainTemplateParameters"),
    error_ids=("Allowed.Value.Mismatch", "Allowed.Value.Default.Mismatch"),
)
