"""Offers from outside armgen: a file, module:NAME, an installed package's entry point, and
`armgen new offer`, whose offer and test work as written."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from armgen.cli import main
from armgen.errors import InputError
from armgen.offers import ENTRY_POINT_GROUP, get_offer
from armgen.scaffold import offer_files

TINY = '''
from armgen import expr as E
from armgen.offers import Offer
from armgen.template import Template


def build(options):
    t = Template(description="tiny", ui={"title": "Tiny", "steps": []})
    location = t.param("location", "string", default=E.resource_group().location, description="Region.")
    t.output("where", "string", location, description="The region.")
    return t


OFFER = Offer(name="__NAME__", description="a tiny test offer", defaults={}, builder=build)
'''


def tiny(folder: Path, module: str, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{module}.py"
    path.write_text(TINY.replace("__NAME__", name))
    return path


def test_build_an_offer_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tiny(tmp_path, "tiny_file", "tiny-file")
    assert main(["build", str(path), "--out", str(tmp_path / "out"), "-o", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["offer"] == "tiny-file"
    template = json.loads((tmp_path / "out" / "mainTemplate.json").read_text())
    assert list(template["outputs"]) == ["where"]


def test_module_colon_name_from_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    tiny(tmp_path / "acme", "offer", "tiny-module")
    (tmp_path / "acme" / "__init__.py").write_text("")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(tmp_path))])
    try:
        assert main(["build", "acme.offer:OFFER", "--out", "out"]) == 0, capsys.readouterr().err
        assert (tmp_path / "out" / "main.bicep").is_file()
        assert str(tmp_path) not in sys.path  # the current folder was importable only while loading
    finally:
        for mod in ("acme", "acme.offer"):
            sys.modules.pop(mod, None)


def test_an_installed_packages_entry_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A package on sys.path with a dist-info declaring the armgen.offers entry point, as pip
    would install it: armgen builds and lists it by its entry point name."""
    site = tmp_path / "site"
    tiny(site / "vendor_offers", "firewall", "vendor-fw")
    (site / "vendor_offers" / "__init__.py").write_text("")
    info = site / "vendor_offers-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: vendor-offers\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nvendor-fw = vendor_offers.firewall:OFFER\n")
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    try:
        assert get_offer("vendor-fw").description == "a tiny test offer"
        assert main(["offers", "-o", "json"]) == 0
        rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
        assert rows["vendor-fw"]["source"] == "vendor-offers" and rows["cloud-connector"]["default"] is True
        assert main(["build", "vendor-fw", "--out", str(tmp_path / "out")]) == 0
        assert (tmp_path / "out" / "createUiDefinition.json").is_file()
    finally:
        for mod in ("vendor_offers", "vendor_offers.firewall"):
            sys.modules.pop(mod, None)


@pytest.mark.parametrize(("spec", "words"), [
    ("nope.py", "no such offer file"),
    ("fortigate", "unknown offer 'fortigate'; known offers: cloud-connector, two-nic-appliance"),
    ("no_such_module_x:OFFER", "no module 'no_such_module_x'"),
    ("json:OFFER", "module json defines no OFFER"),
    ("json:dumps", "is a function, not an armgen.offers.Offer"),
])
def test_bad_offer_specs(spec: str, words: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as err:
        get_offer(spec)
    assert words in str(err.value), str(err.value)


def test_an_offer_file_that_raises_is_one_line_naming_its_line(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.py"
    path.write_text("import os\n\nraise RuntimeError('boom')\n")
    assert main(["build", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{path}:3" in err and "RuntimeError: boom" in err


def test_new_offer_writes_an_offer_and_a_test_that_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "offer", "edge-fw", "--dir", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edge_fw.py", "test_edge_fw.py"]
    assert main(["new", "offer", "edge-fw", "--dir", str(tmp_path)]) == 2  # never overwrites by accident
    assert "already exists" in capsys.readouterr().err
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_edge_fw.py"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and "6 passed" in out.stdout, out.stdout + out.stderr
    assert main(["build", str(tmp_path / "edge_fw.py"), "--out", str(tmp_path / "out")]) == 0
    assert main(["lint", str(tmp_path / "out"), "--marketplace"]) == 0


@pytest.mark.parametrize("name", ["Edge", "1fw", "edge_fw", "edge--fw", "-fw", "x" * 41])
def test_new_offer_names(name: str) -> None:
    with pytest.raises(InputError):
        offer_files(name)


def test_new_offer_output_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "offer", "edge-fw", "--dir", str(tmp_path), "-o", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["offer"] == str(tmp_path / "edge_fw.py") and doc["test"] == str(tmp_path / "test_edge_fw.py")
    assert Path(doc["offer"]).is_file() and Path(doc["test"]).is_file() and doc["next"].startswith("pytest ")
    assert main(["new", "offer", "edge-fw2", "--dir", str(tmp_path), "-o", "none"]) == 0
    assert capsys.readouterr().out == "" and (tmp_path / "edge_fw2.py").is_file()
