"""The mechanisms every command shares, checked on the real command tree: -o/--output (with
--format kept as an alias) on every command that prints results, examples in every --help (each
must parse against the command it documents), and a whole, short summary line for each."""

from __future__ import annotations

import importlib
import inspect
import json
import re
import shlex
from pathlib import Path

import click
import pytest

from armgen.cli import COMMANDS, cli, main
from armgen.cli.common import OUTPUTS, color_json, emit, output_option


def command(path: str) -> click.Command:
    name, *sub = path.split()
    module, attr = COMMANDS[name].split(":")
    cmd = getattr(importlib.import_module(module), attr)
    for s in sub:
        cmd = cmd.commands[s]  # type: ignore[attr-defined]
    return cmd


def all_commands() -> list[tuple[str, click.Command]]:
    """Every command and subcommand, found by walking the real tree from ``armgen`` down (a command
    added anywhere is in it; a group's subcommands, however deep, too)."""
    out: list[tuple[str, click.Command]] = []

    def walk(prefix: str, group: click.Group, ctx: click.Context) -> None:
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            assert cmd is not None, name
            path = f"{prefix} {name}".strip()
            out.append((path, cmd))
            if isinstance(cmd, click.Group):
                walk(path, cmd, click.Context(cmd, info_name=name, parent=ctx))

    walk("", cli, click.Context(cli, info_name="armgen"))
    return out


TREE = all_commands()
LEAVES = [path for path, cmd in TREE if not isinstance(cmd, click.Group)]


def test_the_tree_is_walked_whole() -> None:
    paths = [p for p, _ in TREE]
    assert set(COMMANDS) <= set(paths)
    assert {"rollout plan", "rollout apply", "new offer"} <= set(paths)


def _help(path: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main([*path.split(), "--help"]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("path", [p for p, _ in TREE])
def test_every_command_shows_examples_in_help(path: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = _help(path, capsys)
    section = out.split("\n  Examples:\n", 1)
    assert len(section) == 2, f"armgen {path} --help has no Examples section"
    assert re.search(rf"^\s+\$ armgen {re.escape(path)}( |$)", section[1], re.MULTILINE), section[1]


@pytest.mark.parametrize("path", LEAVES)
def test_every_command_that_prints_results_takes_output(path: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Every leaf command prints a result (groups print only their help): each takes -o/--output
    with az's four values, shown in its help."""
    cmd = command(path)
    (opt,) = [p for p in cmd.params if isinstance(p, click.Option) and "-o" in p.opts]
    assert opt.opts == ["-o", "--output"] and isinstance(opt.type, click.Choice)
    assert set(OUTPUTS) <= set(opt.type.choices)
    assert re.search(r"-o, --output \[json\|jsonc\|table\|none[]|]", _help(path, capsys))


@pytest.mark.parametrize("path", [p for p, _ in TREE])
def test_every_summary_is_one_short_whole_sentence(path: str) -> None:
    """The first docstring line is what a group's listing shows: a sentence of its own, short enough
    that click never cuts it (at an 80-column terminal) and never runs into the next line."""
    cmd = command(path)
    doc = inspect.cleandoc(cmd.help or "")
    first, _, rest = doc.partition("\n")
    assert len(first) <= 55 and first.endswith("."), first
    assert rest == "" or rest.startswith("\n"), f"{path}: the summary runs on into the next line"
    assert cmd.get_short_help_str(78 - 6 - len(path.split()[-1])) == first


@pytest.mark.parametrize("path", ["", *(p for p, c in TREE if isinstance(c, click.Group))])
def test_listings_show_whole_summaries(path: str, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out = _help(path, capsys) if path else (main(["--help"]), capsys.readouterr().out)[1]
    listing = out.split("Commands:\n", 1)[1]
    assert "..." not in listing
    group = command(path) if path else cli
    for name in group.list_commands(click.Context(group)):
        first = inspect.cleandoc(command(f"{path} {name}".strip()).help or "").splitlines()[0]
        assert re.search(rf"^  {re.escape(name)} +{re.escape(first)}$", listing, re.MULTILINE), (name, listing)


def _touch_paths(args: list[str], cwd: Path) -> None:
    """Create whatever an example names as a file or folder, so parsing checks the flags only."""
    for raw in args:
        arg = raw.lstrip("@")
        if arg.startswith("-") or "=" in arg or not ("/" in arg or re.search(r"\.(json|zip|py|bicepparam|svg|mmd)$", arg)):
            continue
        p = (cwd / arg).resolve()
        if re.search(r"\.(json|zip|py|bicepparam|svg|mmd)$", arg):
            p.parent.mkdir(parents=True, exist_ok=True)
            p.touch()
        else:
            p.mkdir(parents=True, exist_ok=True)


@pytest.mark.parametrize(("path", "cmd"), [(p, c) for p, c in TREE if getattr(c, "examples", None)],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_every_example_parses(path: str, cmd: click.Command, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cwd = tmp_path / "work"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    for what, line in cmd.examples:  # type: ignore[attr-defined]
        assert (what and line.startswith(f"armgen {path} ")) or line == f"armgen {path}", line
        found = parse(line, cwd)  # a group's example runs one of its subcommands
        assert found is cmd or (isinstance(cmd, click.Group) and found in cmd.commands.values()), line


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

    @click.command()
    @click.option("--format", "fmt", default="svg")  # the command's own --format stays its own
    @output_option(legacy=None, extra=("sarif",))
    def own(fmt: str, output: str) -> None:
        click.echo(f"{fmt} {output}")

    for args, want in (([], "svg table"), (["-o", "sarif", "--format", "mermaid"], "mermaid sarif")):
        assert own.main(args, standalone_mode=False) is None
        assert capsys.readouterr().out.strip() == want, args
    with pytest.raises(click.BadParameter):
        show.main(["-o", "sarif"], standalone_mode=False)


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
    emit("json", None, table, json_text=lambda: '{\n  "as": "written"\n}\n', extra={"sarif": lambda: "S\n"})
    assert capsys.readouterr().out == '{\n  "as": "written"\n}\n'  # byte for byte, one newline
    emit("sarif", None, table, extra={"sarif": lambda: "S\n"})
    assert capsys.readouterr().out == "S\n" and calls == [1]
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
