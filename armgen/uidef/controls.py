"""One function per control kind: a placed parameter in, its elements and output expression out.

Each function returns ``(elements, output)`` where ``output`` is the createUiDefinition output
value for the parameter (``"[steps('s').x]"``). Values shown to the user come from the
parameter itself (allowed values, default, min/max), so the UI cannot offer what the template
would refuse. Anything the generator cannot make consistent is a ModelError naming the
parameter.
"""

from __future__ import annotations

import json
import re
from typing import Any

from armgen.template import ModelError, Template
from armgen.uidef import regexes
from armgen.uidef.hints import Placed, portal_default

Built = tuple[list[dict[str, Any]], str]

LINUX_USERNAME_REGEX = r"^[a-z_][a-z0-9_-]{0,31}$"
LINUX_USERNAME_MESSAGE = (
    "Start with a lowercase letter or underscore; use up to 32 lowercase letters, digits, '_' or '-'."
)

#: An OpenSSH public key Azure accepts for a Linux VM: RSA of 2048 bits or more, or Ed25519
#: (Azure refuses DSA and ECDSA keys), on one line, with an optional comment.
SSH_PUBLIC_KEY_REGEX = (
    r"^(ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/]{340,8000}={0,2}|ssh-ed25519 AAAAC3NzaC1lZDI1NTE5[A-Za-z0-9+/]{48})"
    r"( [^\r\n]{1,200})?$"
)
SSH_PUBLIC_KEY_MESSAGE = (
    "Paste an OpenSSH public key on one line: 'ssh-rsa AAAA...' (2048 bits or more) or 'ssh-ed25519 AAAA...', "
    "optionally followed by a comment."
)


def cui_literal(value: Any) -> str:
    """``value`` as a createUiDefinition expression literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return "parse('" + json.dumps(value, separators=(",", ":")).replace("'", "''") + "')"


def _out(expr: str, pl: Placed | None = None) -> str:
    """The output for a parameter; one shown only while a checkbox is on hands over its default
    otherwise (a hidden element has no value, and may hold a stale one where it has)."""
    if pl is not None and pl.when is not None:
        expr = f"if({pl.when}, {expr}, {cui_literal(pl.param.default)})"
    return f"[{expr}]"


def _check_regex(pl: Placed, pattern: str) -> None:
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ModelError(f"parameter {pl.name}: ui regex does not compile: {exc}") from exc
    p = pl.param
    if p.has_default and isinstance(p.default, str | int) and not isinstance(p.default, bool):
        if p.default != "" and not compiled.search(str(p.default)):
            raise ModelError(f"parameter {pl.name}: default {p.default!r} does not match its ui regex {pattern!r}")


def _regex_and_message(pl: Placed) -> tuple[str, str]:
    """The offer's regex (checked) or one derived from the parameter's own constraints."""
    p, h = pl.param, pl.hints
    if "regex" in h or "validationMessage" in h:
        if not h.get("regex") or not h.get("validationMessage"):
            raise ModelError(f"parameter {pl.name}: ui needs both regex and validationMessage")
        pattern, message = str(h["regex"]), str(h["validationMessage"])
        if not regexes.has_length_quantifier(pattern):
            # arm-ttk warns about a TextBox regex without a length quantifier; bound the length by
            # the parameter's own limits rather than reject an otherwise sound pattern.
            pattern = regexes.with_length_guard(pattern, p.min_length, p.max_length)
    elif p.allowed_values:
        pattern, message = regexes.allowed_regex(p.allowed_values), regexes.allowed_message(p.allowed_values)
    elif p.type == "int":
        pattern = regexes.int_regex(p.min_value, p.max_value)
        message = regexes.int_message(p.min_value, p.max_value)
    else:
        required = not p.has_default
        pattern = regexes.string_regex(p.min_length, p.max_length, required)
        message = regexes.string_message(p.min_length, p.max_length, required)
    _check_regex(pl, pattern)
    return pattern, message


def _need_literal_default(pl: Placed) -> None:
    from armgen.uidef.hints import literal_default

    if pl.param.has_default and not literal_default(pl.param):
        raise ModelError(
            f"parameter {pl.name}: its default is an expression the portal cannot evaluate; "
            "hide the parameter (ui control 'hidden') or give it a literal default"
        )


def _common(pl: Placed, type_: str, **extra: Any) -> dict[str, Any]:
    el: dict[str, Any] = {"name": pl.name, "type": type_, "label": pl.label, "toolTip": pl.tooltip}
    el.update(extra)
    return el


def _visible(el: dict[str, Any], pl: Placed) -> dict[str, Any]:
    el["visible"] = pl.hints.get("visible", True)
    return el


def textbox(pl: Placed) -> Built:
    """TextBox (PasswordBox for secure strings) with a regex and validation message, always."""
    p = pl.param
    if p.type == "securestring":
        return passwordbox(pl)
    if p.type not in ("string", "int"):
        raise ModelError(f"parameter {pl.name}: a text box cannot fill a {p.type} parameter")
    fallback = portal_default(p)
    if fallback is None:
        _need_literal_default(pl)
    pattern, message = _regex_and_message(pl)
    el = _common(pl, "Microsoft.Common.TextBox")
    if p.has_default and fallback is None:
        el["defaultValue"] = str(p.default)
    placeholder = pl.hints.get("placeholder")
    if fallback is not None:
        # Empty means "the template's default": the same value, computed by the portal.
        pattern = f"^$|(?:{pattern})"
        placeholder = placeholder or "Leave empty for the deployment's own value"
    if placeholder:
        el["placeholder"] = str(placeholder)
    # A box showing its default is required: cleared, it would hand "" (or int('')) to a parameter
    # that cannot take it. Only a box whose emptiness has a meaning (fallback) may stay empty.
    el["constraints"] = text_constraints(pl, fallback is None, pattern, message)
    ref = pl.where.ref(pl.name)
    value = f"if(empty({ref}), {fallback}, {ref})" if fallback is not None else ref
    # The portal hands text over as a string; an int parameter needs a number.
    return [_visible(el, pl)], _out(f"int({value})" if p.type == "int" else value, pl)


def extra_validations(pl: Placed) -> list[dict[str, str]]:
    """The offer's own checks of a box (hint ``validations``: ``isValid`` expressions in which
    ``{self}`` stands for the box's value, each with a message), beyond its regex."""
    raw = pl.hints.get("validations") or []
    if not isinstance(raw, list):
        raise ModelError(f"parameter {pl.name}: validations is a list of {{isValid, message}}")
    out: list[dict[str, str]] = []
    for i, v in enumerate(raw):
        test = v.get("isValid") if isinstance(v, dict) else None
        message = v.get("message") if isinstance(v, dict) else None
        if not (isinstance(test, str) and test.startswith("[") and test.endswith("]")) or not (
                isinstance(message, str) and message.strip()):
            raise ModelError(f"parameter {pl.name}: validations[{i}] needs an isValid expression \"[...]\" and a "
                             "message")
        out.append({"isValid": test.replace("{self}", pl.where.ref(pl.name)), "message": message})
    return out


def text_constraints(pl: Placed, required: bool, pattern: str, message: str) -> dict[str, Any]:
    """A text box's constraints: the regex and its message, and the offer's own checks. With checks,
    the regex moves into the ``validations`` list too (a list replaces ``regex`` in the portal's
    schema, and arm-ttk's Textboxes-Are-Well-Formed then looks for the regex there)."""
    checks = extra_validations(pl)
    if not checks:
        return {"required": required, "regex": pattern, "validationMessage": message}
    return {"required": required, "validations": [{"regex": pattern, "message": message}, *checks]}


def text_list(pl: Placed) -> Built:
    """A TextBox for a list of strings, separated by commas: the regex checks every item.

    For short lists a user types (domain names), where one box beats a control per item. Spaces
    after the commas are allowed and dropped; the output splits the text into the array parameter.
    """
    p = pl.param
    if p.type != "array":
        raise ModelError(f"parameter {pl.name}: a list box fills an array parameter, not {p.type}")
    item = pl.hints.get("regex")
    message = pl.hints.get("validationMessage")
    if not isinstance(item, str) or not item or not isinstance(message, str) or not message:
        raise ModelError(f"parameter {pl.name}: a list box needs 'regex' (one item) and 'validationMessage'")
    if item.startswith("^") or item.endswith("$"):
        raise ModelError(f"parameter {pl.name}: a list box's item regex is unanchored (it is repeated between commas)")
    try:
        compiled = re.compile(item)
    except re.error as exc:
        raise ModelError(f"parameter {pl.name}: ui regex does not compile: {exc}") from exc
    if any(compiled.fullmatch(x) for x in ("a,b", "a b", "a, b")):
        raise ModelError(f"parameter {pl.name}: a list box's item regex must not match a comma or a space")
    pattern = f"^(?:{item})(?: ?, ?(?:{item}))*$"
    if p.max_length is not None:
        pattern = f"^(?:{item})(?: ?, ?(?:{item})){{0,{p.max_length - 1}}}$"
    el = _common(pl, "Microsoft.Common.TextBox")
    if p.has_default:
        if not isinstance(p.default, list) or not all(isinstance(x, str) and re.fullmatch(item, x) for x in p.default):
            raise ModelError(f"parameter {pl.name}: default {p.default!r} is not a list its item regex matches")
        if p.default:
            el["defaultValue"] = ", ".join(p.default)
    if pl.hints.get("placeholder"):
        el["placeholder"] = str(pl.hints["placeholder"])
    el["constraints"] = text_constraints(pl, True, pattern, message)
    return [_visible(el, pl)], _out(f"split(replace({pl.where.ref(pl.name)}, ' ', ''), ',')", pl)


def passwordbox(pl: Placed) -> Built:
    p = pl.param
    if "regex" in pl.hints:
        pattern, message = _regex_and_message(pl)
    else:
        pattern = regexes.password_regex(p.min_length, p.max_length)
        lo = max(12, p.min_length or 0)
        message = f"Use at least {lo} characters."
    el: dict[str, Any] = {
        "name": pl.name,
        "type": "Microsoft.Common.PasswordBox",
        "label": {"password": pl.label, "confirmPassword": f"Confirm {pl.label[:1].lower()}{pl.label[1:]}"},
        "toolTip": pl.tooltip,
        "constraints": {"required": True, "regex": pattern, "validationMessage": message},
        "options": {"hideConfirmation": False},
    }
    return [_visible(el, pl)], _out(pl.where.ref(pl.name), pl)


def _value_label(pl: Placed, value: Any) -> str:
    labels = pl.hints.get("labels") or {}
    for key in (value, str(value)):
        if key in labels:
            return str(labels[key])
    return str(value)


def dropdown(pl: Placed) -> Built:
    """DropDown over the parameter's allowedValues (multi-select for an array parameter)."""
    p = pl.param
    if not p.allowed_values:
        raise ModelError(f"parameter {pl.name}: a dropdown needs the parameter's allowed_values")
    _need_literal_default(pl)
    labels = pl.hints.get("labels") or {}
    unknown = [k for k in labels if k not in p.allowed_values and k not in [str(v) for v in p.allowed_values]]
    if unknown:
        raise ModelError(f"parameter {pl.name}: ui labels for values not in allowed_values: {unknown}")
    descriptions = pl.hints.get("descriptions") or {}
    items: list[dict[str, Any]] = []
    for v in p.allowed_values:
        item: dict[str, Any] = {"label": _value_label(pl, v), "value": v}
        d = descriptions.get(v, descriptions.get(str(v)))
        if d:
            item["description"] = str(d)
        items.append(item)
    if len({i["label"] for i in items}) != len(items):
        raise ModelError(f"parameter {pl.name}: dropdown labels are not unique")
    el = _common(pl, "Microsoft.Common.DropDown")
    multiselect = p.type == "array"
    if multiselect:
        el["multiselect"] = True
    if p.has_default:
        defaults = p.default if multiselect else [p.default]
        if not isinstance(defaults, list) or any(d not in p.allowed_values for d in defaults):
            raise ModelError(f"parameter {pl.name}: default {p.default!r} is not among its allowed_values")
        # A DropDown's defaultValue is the label, not the value.
        shown = [_value_label(pl, d) for d in defaults]
        if shown:
            el["defaultValue"] = shown if multiselect else shown[0]
    el["constraints"] = {"allowedValues": items, "required": True}
    return [_visible(el, pl)], _out(pl.where.ref(pl.name), pl)


def checkbox(pl: Placed) -> Built:
    p = pl.param
    if p.type != "bool":
        raise ModelError(f"parameter {pl.name}: a checkbox fills a bool parameter, not {p.type}")
    _need_literal_default(pl)
    el = _common(pl, "Microsoft.Common.CheckBox")
    if p.has_default:
        el["defaultValue"] = bool(p.default)
    return [_visible(el, pl)], _out(pl.where.ref(pl.name), pl)


def size_selector(pl: Placed) -> Built:
    """SizeSelector whose allowedSizes are the parameter's allowedValues, by construction."""
    p = pl.param
    if p.type != "string" or not p.allowed_values:
        raise ModelError(f"parameter {pl.name}: a size selector needs a string parameter with allowed_values")
    if p.has_default and p.default not in p.allowed_values:
        raise ModelError(f"parameter {pl.name}: default size {p.default!r} is not among its allowed_values")
    recommended = list(pl.hints.get("recommended") or [p.default if p.has_default else p.allowed_values[0]])
    if p.has_default and recommended[0] != p.default:
        raise ModelError(f"parameter {pl.name}: the first recommended size is the portal's default; make it "
                         f"the parameter's default {p.default!r}")
    stray = [r for r in recommended if r not in p.allowed_values]
    if stray:
        raise ModelError(f"parameter {pl.name}: recommended sizes {stray} are not among its allowed_values")
    el = _common(
        pl,
        "Microsoft.Compute.SizeSelector",
        recommendedSizes=recommended,
        constraints={"allowedSizes": list(p.allowed_values)},
        osPlatform=pl.hints.get("osPlatform", "Linux"),
    )
    image = pl.hints.get("imageReference")
    if image:
        missing = {"publisher", "offer", "sku"} - set(image)
        if missing:
            raise ModelError(f"parameter {pl.name}: imageReference lacks {', '.join(sorted(missing))}")
        el["imageReference"] = {k: image[k] for k in ("publisher", "offer", "sku")}
    if "count" in pl.hints:
        el["count"] = pl.hints["count"]
    return [_visible(el, pl)], _out(pl.where.ref(pl.name), pl)


def ssh_key(pl: Placed) -> Built:
    """A text box for an OpenSSH public key, checked against what Azure accepts.

    Not a ``CredentialsCombo``: its "Generate new key pair" choice hands the template an empty
    ``sshPublicKey`` (the pair is only made after Create), and nothing in a createUiDefinition
    can switch that choice off or block it. A key is not a secret, so the parameter is a string.
    """
    p = pl.param
    if p.type != "string":
        raise ModelError(f"parameter {pl.name}: an SSH public key fills a string parameter (it is not a secret), "
                         f"not {p.type}")
    if p.has_default:
        raise ModelError(f"parameter {pl.name}: an SSH public key has no default")
    el = _common(pl, "Microsoft.Common.TextBox")
    el["placeholder"] = "ssh-ed25519 AAAA... or ssh-rsa AAAA..."
    el["constraints"] = {"required": True, "regex": SSH_PUBLIC_KEY_REGEX, "validationMessage": SSH_PUBLIC_KEY_MESSAGE}
    return [_visible(el, pl)], _out(pl.where.ref(pl.name), pl)


def username(pl: Placed) -> Built:
    """UserNameTextBox; never a default (arm-ttk Usernames-Should-Not-Have-A-Default).

    A parameter with a default gets a box that may stay empty and hands over the default then,
    so a tooltip saying "leave empty for zsroot" is true rather than a promise the box breaks.
    """
    p = pl.param
    if p.type != "string":
        raise ModelError(f"parameter {pl.name}: a user name fills a string parameter, not {p.type}")
    if "regex" in pl.hints or "validationMessage" in pl.hints:
        pattern, message = _regex_and_message(pl)
    else:
        pattern, message = LINUX_USERNAME_REGEX, LINUX_USERNAME_MESSAGE
        _check_regex(pl, pattern)
    optional = p.has_default
    if optional and not literal_default_of(pl):
        raise ModelError(f"parameter {pl.name}: a user name's default must be a literal string")
    el = _common(
        pl,
        "Microsoft.Compute.UserNameTextBox",
        constraints={"required": not optional, "regex": pattern, "validationMessage": message},
        osPlatform=pl.hints.get("osPlatform", "Linux"),
    )
    ref = pl.where.ref(pl.name)
    value = f"if(empty({ref}), {cui_literal(p.default)}, {ref})" if optional else ref
    return [_visible(el, pl)], _out(value, pl)


def literal_default_of(pl: Placed) -> bool:
    from armgen.uidef.hints import literal_default

    return literal_default(pl.param) and isinstance(pl.param.default, str)


def tags(pl: Placed, t: Template) -> Built:
    """TagsByResource over the offered types (default: every type this template deploys)."""
    p = pl.param
    if p.type != "object":
        raise ModelError(f"parameter {pl.name}: tags fill an object parameter, not {p.type}")
    deployed: list[str] = []
    for r in t.deployed:
        if r.type.count("/") == 1 and not r.type.lower().startswith("microsoft.resources/") and r.type not in deployed:
            deployed.append(r.type)
    known = {r.type.lower() for r in t.deployed}
    # A type this build does not deploy (a variant without the load balancer) is left out: the
    # portal would otherwise ask for tags that nothing receives.
    resources = [r for r in pl.hints.get("resources") or deployed if r.lower() in known]
    if not resources:
        raise ModelError(f"parameter {pl.name}: no resource types to offer tags for")
    el = _common(pl, "Microsoft.Common.TagsByResource", resources=list(resources))
    return [_visible(el, pl)], _out(pl.where.ref(pl.name), pl)
