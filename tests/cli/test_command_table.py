"""The command table (issue 18): `armgen --help` lists every command from the table's help lines,
importing no command module, and those lines cannot drift from the commands' docstrings."""

from __future__ import annotations

import importlib
import inspect
import json
import re
import subprocess
import sys

import click
import pytest

from armgen.cli import COMMANDS, Entry, cli


def _command(name: str) -> click.Command:
    module, attr = COMMANDS[name].split(":")
    return getattr(importlib.import_module(module), attr)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_table_help_is_the_first_line_of_the_commands_docstring(name: str) -> None:
    entry = COMMANDS[name]
    assert isinstance(entry, Entry)
    assert entry.help == inspect.cleandoc(_command(name).help or "").splitlines()[0]


def test_help_imports_no_command_module() -> None:
    code = ("import sys, json\nfrom armgen.cli import main\nrc = main(['--help'])\n"
            "print(json.dumps([rc, sorted(m for m in sys.modules if m.startswith(('armgen', 'azure', 'jsonschema')))]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    rc, modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert rc == 0
    assert modules == ["armgen", "armgen.cli", "armgen.errors"]
    assert "Commands:" in done.stdout and "what-if" in done.stdout


@pytest.mark.parametrize("width", [50, 64, 78])
def test_listing_is_what_click_makes_of_the_commands_themselves(width: int) -> None:
    # a terminal gives click 50 to 78 columns (armgen sets no max_content_width); at 50 click
    # shortens even the short summaries, at 78 it shows them whole
    plain = click.Group("armgen", help=cli.help, params=cli.params, context_settings=cli.context_settings)
    for name in COMMANDS:
        plain.add_command(_command(name), name)
    texts = [group.get_help(click.Context(group, info_name="armgen", terminal_width=width, **group.context_settings))
             for group in (cli, plain)]
    assert texts[0] == texts[1]


def test_a_plain_target_string_still_works(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(COMMANDS, "zz-build", "armgen.cli.build:build_command")
    ctx = click.Context(cli, info_name="armgen", terminal_width=200)
    assert re.search(r"\n  zz-build +Build an offer: template, UI definition, Bicep\.", cli.get_help(ctx))


def test_the_listing_shows_every_summary_whole() -> None:
    # on an 80-column terminal `armgen --help` shows each command's one-line summary complete (no
    # "..."): click shortens a first paragraph that does not fit, so the summary is that paragraph
    ctx = click.Context(cli, info_name="armgen", terminal_width=80)
    listing = cli.get_help(ctx).split("Commands:", 1)[1]
    for name in COMMANDS:
        summary = COMMANDS[name].help
        assert re.search(rf"\n  {re.escape(name)} +{re.escape(summary)}\n", listing + "\n"), name
        assert len(summary) <= 52 and not summary.endswith("...")
        assert inspect.cleandoc(_command(name).help or "").split("\n\n")[0] == summary, name
