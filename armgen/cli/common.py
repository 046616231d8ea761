"""What every command shares: ``-o/--output`` and the examples in ``--help``.

Output, as az does it: ``-o json|jsonc|table|none``. ``json`` is the machine-readable shape
(the same as the ``--format json`` a command had before, which stays as an alias, with
``--format text`` meaning ``table``); ``jsonc`` is that JSON coloured on a terminal; ``table`` is
the human text; ``none`` prints no result (the exit code and errors on stderr still tell). A
command adopts it in three lines::

    @click.command("offers")
    @output_option()
    def offers(output: str) -> None:
        emit(output, data, table=lambda: render_text(data))

Help examples: :func:`examples` adds an "Examples:" section to a command's ``--help``, each a
one-line description and a command line. A test parses every example against the command it
documents, so an example cannot go stale when a flag is renamed.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

OUTPUTS = ("json", "jsonc", "table", "none")
F = TypeVar("F", bound=Callable[..., Any])


def output_option(default: str = "table", *, legacy: Sequence[str] = ("text", "json"), extra: Sequence[str] = (),
                  alias: bool = True) -> Callable[[F], F]:
    """``-o/--output`` plus a ``--format`` alias; the command receives one ``output`` argument.

    ``legacy`` lists the ``--format`` values the command took before (``text`` maps to ``table``),
    so scripts written for them keep working. ``extra`` are outputs only this command has, taken
    by both flags (lint's ``sarif``); the command renders those itself. ``alias=False`` leaves
    ``--format`` to the command, where it already means something else (diagram's drawing format).
    """
    alias_values = sorted({*OUTPUTS, *legacy, *extra})

    def decorate(f: F) -> F:
        @functools.wraps(f)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            alias = kwargs.pop("format_alias", None)
            chosen = kwargs.get("output")
            if alias is not None:
                alias = "table" if alias == "text" else alias
                if chosen is not None and chosen != alias:
                    raise click.UsageError(f"-o {chosen} and --format {alias} disagree; give one of them")
                chosen = alias
            kwargs["output"] = chosen or default
            return f(*args, **kwargs)

        if alias:
            wrapper = click.option("--format", "format_alias", type=click.Choice(alias_values), default=None,
                                   help="Alias of -o/--output (text = table).")(wrapper)
        more = "".join(f", {e}" for e in extra)
        wrapper = click.option("-o", "--output", "output", type=click.Choice([*OUTPUTS, *extra]), default=None,
                               help=f"Output format [default: {default}]: json, jsonc (coloured JSON), "
                                    f"table (text for people), none{more}.")(wrapper)
        return wrapper  # type: ignore[return-value]

    return decorate


def is_machine(output: str) -> bool:
    """True when the output is for a program (or nothing): no progress, no colour, no spinner."""
    return output != "table"


def use_color(stream: Any = None) -> bool:
    """Colour only on a terminal, and never with ``NO_COLOR`` or ``TERM=dumb``."""
    s = stream if stream is not None else sys.stdout
    try:
        tty = s.isatty()
    except (AttributeError, ValueError):
        tty = False
    return tty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


_JSON_TOKEN = re.compile(r'("(?:\\.|[^"\\])*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b')


def color_json(text: str) -> str:
    """JSON text with keys, strings, numbers and literals in ANSI colours (az's jsonc palette)."""
    def paint(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            code = "94" if m.group(2) else "32"  # keys blue, string values green
            return f"\x1b[{code}m{m.group(1)}\x1b[0m{m.group(2) or ''}"
        return f"\x1b[36m{m.group(0)}\x1b[0m"
    return _JSON_TOKEN.sub(paint, text)


def emit(output: str, data: Any, table: Callable[[], str] | str, *, json_text: Callable[[], str] | None = None) -> None:
    """Print a command's result in the chosen output format.

    ``data`` is the JSON-shaped result (lists and dicts); ``table`` renders the text for people
    (a callable, so the JSON paths never pay for it). ``json_text``, instead of ``data``, is for a
    command whose JSON has its own renderer (lint's, shared with its library callers): ``-o json``
    prints exactly what that renderer writes.
    """
    if output == "none":
        return
    if output in ("json", "jsonc"):
        text = json_text().rstrip("\n") if json_text is not None else json.dumps(data, indent=2, ensure_ascii=False)
        if output == "jsonc" and use_color():
            text = color_json(text)
        click.echo(text)
        return
    rendered = table() if callable(table) else table
    if rendered:  # an empty result prints nothing, not an empty line
        click.echo(rendered, nl=not rendered.endswith("\n"))


def examples(*items: tuple[str, str]) -> Callable[[click.Command], click.Command]:
    """Add "Examples:" (``(what it does, command line)`` pairs) to a command's ``--help``.

    Put it above ``@click.command``. The pairs stay on the command as ``cmd.examples`` for the
    test that parses each one.
    """
    def decorate(cmd: click.Command) -> click.Command:
        lines = ["\b", "Examples:"]  # \b: click keeps this paragraph's line breaks
        for what, line in items:
            lines += [f"  {what}", f"    $ {line}"]
        block = "\n".join(lines)
        cmd.epilog = f"{cmd.epilog}\n\n{block}" if cmd.epilog else block
        cmd.examples = list(items)  # type: ignore[attr-defined]
        return cmd

    return decorate
