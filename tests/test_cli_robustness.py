"""Hostile and sloppy input across every command: one line naming the file, exit 2, no traceback.

These are the project's rules for every command (README: "Bad input is one line naming the file
and JSON path, exit code 2, and nothing is written"), checked end to end through ``armgen.cli.main``
the way a user meets them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from armgen.cli import main

ROOT = Path(__file__).resolve().parents[1]
AZURE_DATA = ROOT / "tests" / "azure" / "data"

# malformed JSON documents that Python's json module does not turn into JSONDecodeError
BAD_JSON: dict[str, bytes] = {
    "deep": b"[" * 100_000 + b"]" * 100_000,
    "huge-int": b'{"appliancesPerZone": 1' + b"0" * 5000 + b"}",
    "nan": b'{"appliancesPerZone": NaN}',
    "infinity": b'{"appliancesPerZone": -Infinity}',
    "overflow": b'{"appliancesPerZone": 1e400}',
    "not-utf8": b'{"namePrefix": "\xff"}',
}

# how each command is pointed at one JSON file it has to read
COMMANDS: dict[str, Callable[[Path, Path], list[str]]] = {
    "build --options": lambda f, out: ["build", "--out", str(out), "--options", str(f)],
    "build --values": lambda f, out: ["build", "--out", str(out), "--values", str(f)],
    "package --option-file": lambda f, out: ["package", "--version", "1.0.0", "--out", str(out), "--option-file", str(f)],
    "validate": lambda f, out: ["validate", str(f)],
    "what-if -p": lambda f, out: ["what-if", "-g", "rg", "--endpoint", "http://127.0.0.1:9", "-p", str(f), str(AZURE_DATA)],
    "preflight -p": lambda f, out: ["preflight", "-g", "rg", "--endpoint", "http://127.0.0.1:9", "-p", str(f), str(AZURE_DATA)],
    "rollout plan": lambda f, out: ["rollout", "plan", str(f), "--out", str(out), "--endpoint", "http://127.0.0.1:9"],
}


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line(err: str, file: Path) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"armgen: {file}: "), err
    assert "Traceback" not in err


@pytest.mark.parametrize("kind", sorted(BAD_JSON))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_malformed_json_is_one_line_exit_2(command: str, kind: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / f"{kind}.json"
    bad.write_bytes(BAD_JSON[kind])
    out = tmp_path / "out"
    code, _, err = run(COMMANDS[command](bad, out), capsys)
    assert code == 2, err
    assert_one_line(err, bad)
    assert not out.exists(), "nothing may be written for bad input"


def _corrupt_zip(path: Path) -> Path:
    """A zip whose directory is intact but whose mainTemplate.json data is damaged (CRC/zlib error)."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mainTemplate.json", '{"resources": []}' * 200)
        zf.writestr("createUiDefinition.json", "{}")
    raw = bytearray(path.read_bytes())
    for i in range(60, 90):  # inside the first entry's compressed data
        raw[i] ^= 0x5A
    path.write_bytes(bytes(raw))
    return path


def _zip_with(path: Path, main: bytes) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mainTemplate.json", main)
    return path


TEMPLATE_SOURCES: dict[str, Callable[[Path], Path]] = {
    "corrupt-zip": lambda d: _corrupt_zip(d / "offer.zip"),
    "zip-deep-json": lambda d: _zip_with(d / "offer.zip", BAD_JSON["deep"]),
    "zip-not-utf8": lambda d: _zip_with(d / "offer.zip", BAD_JSON["not-utf8"]),
    "folder-not-utf8": lambda d: (d / "tpl").mkdir() or ((d / "tpl" / "mainTemplate.json").write_bytes(BAD_JSON["not-utf8"]) and d / "tpl"),
    "folder-huge-int": lambda d: (d / "tpl").mkdir() or ((d / "tpl" / "mainTemplate.json").write_bytes(BAD_JSON["huge-int"]) and d / "tpl"),
}


@pytest.mark.parametrize("kind", sorted(TEMPLATE_SOURCES))
def test_bad_template_source_for_what_if_and_preflight(kind: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    source = TEMPLATE_SOURCES[kind](tmp_path)
    for cmd in ("what-if", "preflight"):
        code, _, err = run([cmd, "-g", "rg", "--endpoint", "http://127.0.0.1:9", "-p", str(AZURE_DATA / "parameters.json"),
                            str(source)], capsys)
        assert code == 2, err
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"armgen: {source}"), err


@pytest.mark.parametrize("kind", sorted(TEMPLATE_SOURCES))
def test_bad_template_source_in_inventory(kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    source = TEMPLATE_SOURCES[kind](tmp_path)
    inv = tmp_path / "fleet.json"
    inv.write_text(json.dumps({"template": source.name, "targets": [{"name": "a"}]}))
    code, _, err = run(["rollout", "plan", str(inv), "--endpoint", "http://127.0.0.1:9"], capsys)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"armgen: {inv}: $.template: "), err
    assert not (tmp_path / "fleet.plan").exists()


def test_corrupt_zip_for_inspect(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    z = _corrupt_zip(tmp_path / "offer-1.0.0.zip")
    code, _, err = run(["inspect", str(z)], capsys)
    assert code == 2, err
    assert_one_line(err, z)


# --- outputs: a path that cannot be written is one line, and a failed write changes nothing ----


@pytest.mark.parametrize("command", ["build", "package"])
def test_output_folder_under_a_regular_file(command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder")
    out = blocker / "sub"
    args = ["build", "--out", str(out)] if command == "build" else ["package", "--version", "1.0.0", "--out", str(out)]
    code, _, err = run(args, capsys)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"armgen: {out}"), err
    assert blocker.read_text() == "not a folder"


def test_write_all_atomic_writes_nothing_when_one_file_cannot_be_written(tmp_path: Path) -> None:
    from armgen.errors import InputError
    from armgen.jsonio import write_all_atomic

    (tmp_path / "a.json").write_text("old a")
    (tmp_path / "b.json").mkdir()  # cannot be replaced by a file
    with pytest.raises(InputError) as info:
        write_all_atomic({tmp_path / "a.json": "new a", tmp_path / "b.json": "new b", tmp_path / "c.json": "new c"})
    assert str(tmp_path / "b.json") in str(info.value)
    assert (tmp_path / "a.json").read_text() == "old a"
    assert not (tmp_path / "c.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"], "temp files left behind"


def test_build_into_a_folder_with_a_blocked_output_changes_nothing(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["build", "--out", str(tmp_path), "--no-nat"], capsys)[0] == 0
    before = (tmp_path / "mainTemplate.json").read_bytes()
    (tmp_path / "main.bicep").unlink()
    (tmp_path / "main.bicep").mkdir()
    code, _, err = run(["build", "--out", str(tmp_path)], capsys)
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and str(tmp_path / "main.bicep") in err, err
    assert (tmp_path / "mainTemplate.json").read_bytes() == before, "a half-applied build was left behind"


# --- the last line of defence in armgen.cli.main --------------------------------------------


def _command_raising(exc: BaseException) -> object:
    import click

    @click.command("boom")
    def boom() -> None:
        raise exc

    return boom


@pytest.mark.parametrize(("exc", "needle"), [
    (OSError(28, "No space left on device", "/mnt/out/mainTemplate.json"), "/mnt/out/mainTemplate.json: No space left on device"),
    (RecursionError("maximum recursion depth exceeded"), "too deeply to process"),
])
def test_main_turns_environment_errors_into_one_line(exc: BaseException, needle: str, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import armgen.cli
    import tests.test_cli_robustness as me

    monkeypatch.setattr(me, "BOOM", _command_raising(exc), raising=False)
    monkeypatch.setitem(armgen.cli.COMMANDS, "boom", "tests.test_cli_robustness:BOOM")
    code, _, err = run(["boom"], capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("armgen: ") and needle in lines[0], err


def test_default_credential_failure_is_one_line(tmp_path: Path) -> None:
    """Without ARMGEN_ACCESS_TOKEN and with no usable sign-in, the user gets one line, not the SDK's
    multi-line WARNING log (which Python prints to stderr when nothing configured logging)."""
    import os
    import subprocess
    import sys

    driver = tmp_path / "driver.py"
    driver.write_text(
        "import logging, sys\n"
        "import azure.identity\n"
        "from azure.core.exceptions import ClientAuthenticationError\n"
        "class NoSignIn:\n"
        "    def __init__(self, **kw): pass\n"
        "    def get_token(self, *scopes, **kw):\n"
        "        logging.getLogger('azure.identity._credentials.chained').warning(\n"
        "            'DefaultAzureCredential failed to retrieve a token.\\nAttempted credentials:\\n\\tAzureCliCredential: not found')\n"
        "        raise ClientAuthenticationError(message='DefaultAzureCredential failed to retrieve a token.')\n"
        "azure.identity.DefaultAzureCredential = NoSignIn\n"
        "from armgen.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARMGEN_", "AZURE_"))}
    env["PYTHONPATH"] = str(ROOT)
    p = subprocess.run([sys.executable, str(driver), "what-if", "-g", "rg", "--subscription",
                        "00000000-0000-0000-0000-000000000001", "--endpoint", "http://127.0.0.1:9",
                        "-p", str(AZURE_DATA / "parameters.json"), str(AZURE_DATA)],
                       env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 3, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert "could not get a token from DefaultAzureCredential" in lines[0] and "az login" in lines[0]


# --- validate: a file or folder it cannot judge is not "0 problem(s)" --------------------------


@pytest.mark.parametrize(("name", "content", "needle"), [
    ("empty.json", b"", "not JSON"),
    ("notes.json", b"garbage", "not JSON"),
    ("notes.json", b'{"a": 1}', "not a template"),
    ("list.json", b"[]", "not a template"),
    ("bytes.json", b"\xff\xfe", "not UTF-8"),
])
def test_validate_an_explicit_file_it_cannot_judge(name: str, content: bytes, needle: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    code, out, err = run(["validate", str(f)], capsys)
    assert code == 2, (out, err)
    assert_one_line(err, f)
    assert needle in err


def test_validate_a_folder_without_arm_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.json").write_text('{"a": 1}')
    code, out, err = run(["validate", str(tmp_path)], capsys)
    assert code == 2, (out, err)
    assert_one_line(err, tmp_path)
    assert "no template" in err


# --- usage errors: one line too, naming the option and the file --------------------------------


@pytest.mark.parametrize(("args", "needle"), [
    (["build", "--bogus"], "No such option '--bogus'"),
    (["build", "--out", "{file}"], "'--out'"),
    (["build", "--options", "{dir}"], "'--options'"),
    (["inspect", "{dir}"], "'ZIP'"),
    (["what-if"], "'--resource-group'"),
    (["nosuch"], "No such command 'nosuch'"),
    (["rollout", "apply", "x.json", "--state", "{dir}"], "'--state'"),
    (["build", "--appliances-per-zone", "x"], "'x' is not a valid integer"),
])
def test_usage_errors_are_one_line(args: list[str], needle: str, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "afile").write_text("x")
    argv = [a.format(file=tmp_path / "afile", dir=tmp_path) for a in args]
    code, _, err = run(argv, capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("armgen: ") and needle in lines[0], err
    assert "--help" in lines[0]


def test_no_command_still_shows_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([], capsys)
    assert code == 2 and "Commands:" in out + err
