"""The ``armgen`` command line: every command lives in this package, one module per command
family (``build``, ``validate``, ``lint``, ``package``, ``whatif``, ``rollout``, ``attach``,
``diagram``, ``preview``), each a thin click shell over the library layer it drives.

A command's module is imported only when it is run or listed, so ``armgen --help`` and
``armgen build`` never import the Azure SDK.
"""

from __future__ import annotations

import importlib
import sys

import click

from armgen import __version__
from armgen.errors import InputError


class Entry(str):
    """A command of the table: ``"module:attribute"`` (the attribute is a click.Command), carrying
    ``help``, the first line of the command's docstring (a test keeps the two equal), which
    ``armgen --help`` shows without importing the module."""

    help: str
    azure: bool  # talks to Azure: the SDK's log records are silenced before it is imported

    def __new__(cls, target: str, help: str, *, azure: bool = False) -> Entry:
        entry = super().__new__(cls, target)
        entry.help = help
        entry.azure = azure
        return entry


# command name -> its Entry. The help lines are here so that `armgen --help` imports no command
# module (each pulls in the layers it drives); a plain "module:attribute" string also works.
COMMANDS: dict[str, str] = {
    "build": Entry("armgen.cli.build:build_command", "Build an offer: template, UI definition, Bicep."),
    "validate": Entry("armgen.cli.validate:validate", "Validate ARM files against the schemas."),
    "offers": Entry("armgen.cli.build:offers", "List the offers armgen can build."),
    "lint": Entry("armgen.cli.lint:lint", "Check packages with arm-ttk's tests."),
    "package": Entry("armgen.cli.package:package", "Build the Marketplace zip of an offer or folder."),
    "inspect": Entry("armgen.cli.package:inspect", "List a package's files and run its checks."),
    "what-if": Entry("armgen.cli.whatif:what_if", "Preview a deployment's changes (Azure what-if).", azure=True),
    "preflight": Entry("armgen.cli.whatif:preflight", "Check the existing VNet can take the appliances.", azure=True),
    "rollout": Entry("armgen.cli.rollout:rollout", "Roll out to many existing VNets, in waves.", azure=True),
    "diagram": Entry("armgen.cli.diagram:diagram", "Draw a deployment's topology (SVG or Mermaid)."),
    "attach": Entry("armgen.cli.attach:attach", "Attach subnets to the deployment's NAT gateways.", azure=True),
    "detach": Entry("armgen.cli.attach:detach", "Undo 'armgen attach' on the subnets.", azure=True),
    "preview": Entry("armgen.cli.preview:preview", "Write an offline preview of an offer's wizard."),
    "new": Entry("armgen.cli.new:new", "Start something new from a working example."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (listing them in the help imports none)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module, attr = entry.split(":")
        if getattr(entry, "azure", True):  # before the module: command modules import the Azure SDK
            _quiet_azure_logs()
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the table's help lines, shortened as click shortens a docstring
        (through a stand-in command, so click's own rules apply), without importing a command."""
        rows: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            entry = COMMANDS[name]
            cmd = click.Command(name, help=entry.help) if isinstance(entry, Entry) else self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in rows])


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


def _quiet_azure_logs() -> None:
    """Keep the Azure SDK's log records out of the terminal (see :func:`main`). Done when a command
    that talks to Azure is loaded (or one the table does not describe), not at start-up, so
    `armgen --help` and commands that never reach Azure do not import :mod:`logging`."""
    import logging

    azure = logging.getLogger("azure")
    if not any(isinstance(h, logging.NullHandler) for h in azure.handlers):
        azure.addHandler(logging.NullHandler())


def main(argv: list[str] | None = None) -> int:
    """Entry point: InputError becomes one line on stderr and exit code 2, never a traceback.

    Also the last line of defence for errors no layer turned into an InputError: an OSError (disk
    full, a path that cannot be read or written) or a RecursionError (input nested deeper than
    Python's stack) is one line and exit code 2 too. And the Azure SDK's log records stay out of
    the user's terminal: with no logging configured, Python prints WARNING records to stderr, and
    azure-identity logs a multi-line one for every failed sign-in that armgen already reports in
    one line.
    """
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



def run() -> None:
    """:func:`main`, then the process ends with its exit code (see :func:`armgen.entry.quick_exit`).
    The ``armgen`` script runs :func:`armgen.entry.run`, which comes here for all but ``--help``."""
    from armgen.entry import quick_exit

    quick_exit(main())
