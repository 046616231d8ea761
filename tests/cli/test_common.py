"""The mechanisms every command shares: -o/--output (with --format kept as an alias) and the
examples in --help, each of which must parse against the command it documents."""

from __future__ import annotations

import inspect
import json
import re
import shlex
from pathlib import Path

import click
import pytest

from armgen.cli import cli, main
from armgen.cli.common import OUTPUTS, color_json, emit, output_option


def walk(group: click.Group = cli, path: tuple[str, ...] = ()) -> list[tuple[str, click.Command]]:
    """Every command and subcommand as ``armgen`` itself resolves them (the lazy table included)."""
    ctx = click.Context(group, info_name=" ".join(("armgen", *path)))
    out = []
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        assert cmd is not None, name
        out.append((" ".join((*path, name)), cmd))
        if isinstance(cmd, click.Group):
            out += walk(cmd, (*path, name))
    return out


def test_every_help_has_examples_and_every_result_takes_output(capsys: pytest.CaptureFixture[str]) -> None:
    tree = walk()
    assert {"rollout plan", "rollout apply", "new offer", "lint", "diagram", "detach"} <= {p for p, _ in tree}
    for path, cmd in tree:
        assert main([*path.split(), "--help"]) == 0, path
        out = capsys.readouterr().out
        assert "Examples:" in out and f"$ armgen {path}" in out, path
        if isinstance(cmd, click.Group):  # a group prints no result of its own: its commands do
            continue
        (opt,) = [p for p in cmd.params if "-o" in p.opts and "--output" in p.opts]
        assert isinstance(opt.type, click.Choice) and set(OUTPUTS) <= set(opt.type.choices), path
        assert re.search(r"-o, --output \[json\|jsonc\|table\|none", out), path
        for value in OUTPUTS:  # each value is taken on the command line (a bad one is exit 2)
            ctx = cmd.make_context(path, ["-o", value], resilient_parsing=True)
            assert ctx.params["output"] == value, (path, value)


def _touch_paths(args: list[str], cwd: Path) -> None:
    """Create whatever an example names as a file or folder, so parsing checks the flags only."""
    for raw in args:
        arg = raw.lstrip("@")
        if arg.startswith("-") or "=" in arg or not ("/" in arg or re.search(r"\.(json|zip|py|bicepparam)$", arg)):
            continue
        p = (cwd / arg).resolve()
        if re.search(r"\.(json|zip|py|bicepparam)$", arg):
            p.parent.mkdir(parents=True, exist_ok=True)
            p.touch()
        else:
            p.mkdir(parents=True, exist_ok=True)


@pytest.mark.parametrize(("path", "cmd"), [(p, c) for p, c in walk() if getattr(c, "examples", None)],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_every_example_parses(path: str, cmd: click.Command, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cwd = tmp_path / "work"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    for what, line in cmd.examples:  # type: ignore[attr-defined]
        assert (what and line.startswith(f"armgen {path} ")) or line == f"armgen {path}", line
        ran = parse(line, cwd)
        # a group's examples run its commands
        assert ran is cmd or (isinstance(cmd, click.Group) and ran in cmd.commands.values()), line


def parse(line: str, cwd: Path) -> click.Command:
    """The command ``line`` runs, its flags and values parsed (an unknown flag or bad value raises)."""
    args = shlex.split(line)[1:]
    _touch_paths(args, cwd)
    ctx = click.Context(cli, info_name="armgen")
    target: click.Command = cli
    while isinstance(target, click.Group):
        name, args = args[0], args[1:]
        found = target.get_command(ctx, name)
        assert found is not None, line
        target = found
        if isinstance(target, click.Group):
            ctx = click.Context(target, info_name=name, parent=ctx)
        else:
            target.make_context(name, list(args), parent=ctx)
    return target


def test_the_readme_tour_parses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    tour = readme.split("## A tour of the commands", 1)[1].split("\n## ", 1)[0]
    lines = [part.strip() for block in re.findall(r"```sh\n(.*?)```", tour, re.DOTALL)
             for line in block.splitlines() for part in line.split("#", 1)[0].split("&&")
             if part.strip().startswith("armgen ")]
    assert len(lines) >= 6 and any(" -p " in x for x in lines) and any(" -o " in x for x in lines)
    monkeypatch.chdir(tmp_path)
    for line in lines:
        parse(line.split(">", 1)[0], tmp_path)


def test_output_option_resolves_alias_and_default(capsys: pytest.CaptureFixture[str]) -> None:
    @click.command()
    @output_option(legacy=("text", "json"))
    def show(output: str) -> None:
        click.echo(output)

    for args, want in (([], "table"), (["-o", "json"], "json"), (["--format", "text"], "table"),
                       (["--format", "json"], "json"), (["--output", "none"], "none"), (["-o", "json", "--format", "json"], "json")):
        assert show.main(args, standalone_mode=False) is None
        assert capsys.readouterr().out.strip() == want, args
    with pytest.raises(click.UsageError):
        show.main(["-o", "table", "--format", "json"], standalone_mode=False)


def test_output_option_extra_values_and_no_alias(capsys: pytest.CaptureFixture[str]) -> None:
    @click.command()
    @output_option(legacy=("text", "sarif"), extra=("sarif",))
    def lint_like(output: str) -> None:
        click.echo(output)

    for args in (["-o", "sarif"], ["--format", "sarif"]):
        assert lint_like.main(args, standalone_mode=False) is None
        assert capsys.readouterr().out.strip() == "sarif", args

    @click.command()
    @click.option("--format", "fmt", type=click.Choice(["svg", "mermaid"]), default=None)
    @output_option(alias=False)  # --format is the command's own (diagram's drawing format)
    def drawing(fmt: str | None, output: str) -> None:
        click.echo(f"{fmt} {output}")

    assert drawing.main(["--format", "mermaid", "-o", "json"], standalone_mode=False) is None
    assert capsys.readouterr().out.strip() == "mermaid json"
    with pytest.raises(click.BadParameter):
        drawing.main(["--format", "json"], standalone_mode=False)


def test_emit_formats(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    data = {"a": [1, "x", None, True]}
    calls: list[int] = []

    def table() -> str:
        calls.append(1)
        return "A: 1 x"

    emit("json", data, table)
    assert json.loads(capsys.readouterr().out) == data and calls == []  # the table is never rendered for JSON
    emit("jsonc", data, table)  # not a terminal: plain JSON
    assert json.loads(capsys.readouterr().out) == data
    emit("none", data, table)
    assert capsys.readouterr().out == "" and calls == []
    emit("table", data, table)
    assert capsys.readouterr().out == "A: 1 x\n"
    painted = color_json(json.dumps(data))
    assert "\x1b[94m\"a\"\x1b[0m:" in painted and "\x1b[32m\"x\"\x1b[0m" in painted and "\x1b[36mnull\x1b[0m" in painted
    assert re.sub(r"\x1b\[\d+m", "", painted) == json.dumps(data)


def test_validate_takes_several_paths_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--out", str(tmp_path), "-o", "none"]) == 0
    assert capsys.readouterr().out == ""
    t, u = str(tmp_path / "mainTemplate.json"), str(tmp_path / "createUiDefinition.json")
    assert main(["validate", t, u, "-o", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["checked"] == [t, u] and doc["problems"] == []
    bad = json.loads(Path(t).read_text())
    bad["resources"][0]["locaton"] = "x"
    Path(t).write_text(json.dumps(bad))
    assert main(["validate", t, u, "-o", "json"]) == 1
    (problem,) = json.loads(capsys.readouterr().out)["problems"]
    assert problem["file"] == t and problem["source"] == "schema" and "locaton" in problem["message"]


def test_inspect_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["package", "two-nic-appliance", "--version", "1.0.0", "--out", str(tmp_path), "-o", "none"]) == 0
    assert main(["inspect", str(tmp_path / "two-nic-appliance-1.0.0.zip"), "-o", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert sorted(f["name"] for f in doc["files"]) == ["createUiDefinition.json", "mainTemplate.json"]
    assert doc["report"]["errors"] == 0 and all(len(f["sha256"]) == 64 for f in doc["files"])


@pytest.mark.parametrize("group", ["", *(p for p, c in walk() if isinstance(c, click.Group))])
def test_every_listing_shows_each_summary_whole(group: str, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Not only `armgen --help`: `armgen rollout --help` and `armgen new --help` list their
    subcommands by the first docstring line too. Each is a sentence of its own (it ends the first
    paragraph, so click never runs the next line into it), short, and shown uncut at 80 columns."""
    monkeypatch.setenv("COLUMNS", "80")
    assert main([*group.split(), "--help"]) == 0
    listing = capsys.readouterr().out.split("Commands:\n", 1)[1]
    assert "..." not in listing
    subs = [(p, c) for p, c in walk() if p.rsplit(" ", 1)[0] == group and p != group] if group else \
        [(p, c) for p, c in walk() if " " not in p]
    assert subs
    for path, cmd in subs:
        first, _, rest = inspect.cleandoc(cmd.help or "").partition("\n")
        assert len(first) <= 55 and first.endswith("."), (path, first)
        assert rest == "" or rest.startswith("\n"), f"{path}: the summary runs on into the next line"
        name = path.rsplit(" ", 1)[-1]
        assert re.search(rf"^  {re.escape(name)} +{re.escape(first)}$", listing, re.MULTILINE), (path, listing)
