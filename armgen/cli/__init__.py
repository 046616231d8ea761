"""The ``armgen`` command line: every command lives in this package, one module per command
family (``build``, ``validate``, ``lint``, ``package``, ``whatif``, ``rollout``, ``attach``,
``diagram``, ``preview``), each a thin click shell over the library layer it drives.

A command's module is imported only when it is run or listed, so ``armgen --help`` and
``armgen build`` never import the Azure SDK.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from armgen import __version__
from armgen.errors import InputError

# command name -> "module:attribute"; each attribute is a click.Command
COMMANDS: dict[str, str] = {
    "build": "armgen.cli.build:build_command",
    "validate": "armgen.cli.validate:validate",
    "offers": "armgen.cli.build:offers",
    "lint": "armgen.cli.lint:lint",
    "package": "armgen.cli.package:package",
    "inspect": "armgen.cli.package:inspect",
    "what-if": "armgen.cli.whatif:what_if",
    "preflight": "armgen.cli.whatif:preflight",
    "rollout": "armgen.cli.rollout:rollout",
    "diagram": "armgen.cli.diagram:diagram",
    "preview": "armgen.cli.preview:preview",
    "attach": "armgen.cli.attach:attach",
    "detach": "armgen.cli.attach:detach",
    "new": "armgen.cli.new:new",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="armgen")
def cli() -> None:
    """Build, lint, package and roll out ARM deployments for network appliances."""


# C0 controls and DEL as the escapes a user can read; a newline in a file name or a value must not
# turn the one error line into two
_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F]} | {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"}


def one_line(text: str) -> str:
    """``text`` as one printable line: control characters escaped, and unpaired surrogates (file
    names and arguments that were not UTF-8 reach Python as those) written as ``\\udcff``."""
    text = text.translate(_CONTROLS)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _printable_streams() -> None:
    """Let stdout and stderr write any text: a report quoting a file name that was not UTF-8
    must print (escaped), not end in a UnicodeEncodeError halfway through."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # a stream that cannot change (already written to, closed)
                pass


def main(argv: list[str] | None = None) -> int:
    """Entry point: InputError becomes one line on stderr and exit code 2, never a traceback.

    Also the last line of defence for errors no layer turned into an InputError: an OSError (disk
    full, a path that cannot be read or written) or a RecursionError (input nested deeper than
    Python's stack) is one line and exit code 2 too. And the Azure SDK's log records stay out of
    the user's terminal: with no logging configured, Python prints WARNING records to stderr, and
    azure-identity logs a multi-line one for every failed sign-in that armgen already reports in
    one line.
    """
    logging.getLogger("azure").addHandler(logging.NullHandler())
    _printable_streams()
    try:
        rv = cli.main(args=argv, prog_name="armgen", standalone_mode=False)
    except InputError as exc:
        click.echo(f"armgen: {one_line(str(exc))}", err=True)
        return 2
    except click.exceptions.Abort:
        click.echo("armgen: aborted", err=True)
        return 130
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.NoArgsIsHelpError as exc:  # 'armgen' alone: the help is the answer
        exc.show()
        return 2
    except click.UsageError as exc:  # one line, like every other error; the help is one flag away
        command = exc.ctx.command_path if exc.ctx is not None else "armgen"
        click.echo(f"armgen: {one_line(exc.format_message())} (see '{command} --help')", err=True)
        return 2
    except click.ClickException as exc:
        click.echo(f"armgen: {one_line(exc.format_message())}", err=True)
        return 2 if exc.exit_code in (1, 2) else exc.exit_code
    except KeyboardInterrupt:
        click.echo("armgen: interrupted", err=True)
        return 130
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"armgen: {one_line(f'{where}{exc.strerror or exc}')}", err=True)
        return 2
    except RecursionError:
        click.echo("armgen: the input nests (or refers to itself) too deeply to process", err=True)
        return 2
    return rv if isinstance(rv, int) else 0

