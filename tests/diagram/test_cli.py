"""``armgen diagram`` on the command line: sources, formats, options and bad input."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

from armgen.cli import main
from armgen.golden import diagram_files


def run(*args: str) -> int:
    return main(list(args))


def test_default_offer_svg_equals_the_checked_in_diagram(tmp_path: Path) -> None:
    out = tmp_path / "d.svg"
    assert run("diagram", "--out", str(out)) == 0
    golden = {p.name: t for p, t in diagram_files().items()}
    assert out.read_text(encoding="utf-8") == golden["cloud-connector.svg"]
    assert run("diagram", "cloud-connector", "--out", str(tmp_path / "d.mmd")) == 0
    assert (tmp_path / "d.mmd").read_text(encoding="utf-8") == golden["cloud-connector.mmd"]


def test_shape_flags_draw_the_checked_in_variant_diagrams(tmp_path: Path) -> None:
    """--network new, --zpa... are the build's own flags: the picture equals the variant's golden."""
    golden = {p.name: t for p, t in diagram_files().items()}
    out = tmp_path / "g.svg"
    assert run("diagram", "--network", "new", "--workload-subnet", "--bastion", "--out", str(out)) == 0
    assert out.read_text(encoding="utf-8") == golden["cloud-connector-greenfield.svg"]
    assert run("diagram", "--zpa", "--out", str(tmp_path / "z.mmd")) == 0
    assert (tmp_path / "z.mmd").read_text(encoding="utf-8") == golden["cloud-connector-zpa.mmd"]
    # a shape that cannot be built is one line naming the flag, exit 2
    assert run("diagram", "--bastion", "--out", str(tmp_path / "x.svg")) == 2
    assert not (tmp_path / "x.svg").exists()


def test_offer_options_and_formats(tmp_path: Path) -> None:
    out = tmp_path / "x.txt"
    assert run("diagram", "--zones", "1,2,3", "--appliances-per-zone", "1", "--no-nat", "--format", "mermaid",
               "--out", str(out)) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("flowchart TB") and "zscc-ccvm-3" in text and "NAT gateway" not in text
    assert run("diagram", "two-nic-appliance", "--variant", "standalone", "--out", str(tmp_path / "t.svg")) == 0


def test_templates_from_folder_zip_and_file(tmp_path: Path) -> None:
    template = (Path(__file__).parents[2] / "createUiDefinition" / "cloud-connector" / "mainTemplate.json").read_bytes()
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "mainTemplate.json").write_bytes(template)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mainTemplate.json", template)
    (tmp_path / "pkg.zip").write_bytes(buf.getvalue())
    outs = []
    for src in (folder, tmp_path / "pkg.zip", folder / "mainTemplate.json"):
        out = tmp_path / f"{src.name}.svg"
        assert run("diagram", str(src), "--out", str(out)) == 0
        doc = out.read_text(encoding="utf-8")
        outs.append(re.sub(r'<title>[^<]*</title>|<text class="title"[^>]*>[^<]*</text>|aria-label="[^"]*"', "", doc))
    assert outs[0] == outs[1] == outs[2]  # same drawing whatever the container (titles name the source)


def test_values_file(tmp_path: Path) -> None:
    values = tmp_path / "v.json"
    values.write_text('{"parameters": {"vnetName": {"value": "hub-vnet"}}}')
    out = tmp_path / "d.svg"
    assert run("diagram", "--values", str(values), "--out", str(out)) == 0
    assert ">hub-vnet<" in out.read_text(encoding="utf-8")


def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path, capsys) -> None:
    out = tmp_path / "d.svg"
    assert run("diagram", str(tmp_path / "missing"), "--out", str(out)) == 2
    assert run("diagram", "no-such-offer-and-no-file", "--out", str(out)) == 2
    broken = tmp_path / "broken.json"
    broken.write_text("{ nope")
    assert run("diagram", str(broken), "--out", str(out)) == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("diagram", str(empty), "--out", str(out)) == 2
    assert run("diagram", str(empty), "--zones", "1", "--out", str(out)) == 2
    assert run("diagram", "--zones", "7", "--out", str(out)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 6 and all(line.startswith("armgen: ") for line in err)
    assert "Traceback" not in "".join(err)
    assert not out.exists()


def test_an_expression_too_deep_to_evaluate_is_one_line_naming_the_file(tmp_path: Path, capsys) -> None:
    import json

    deep = "[" + "concat(" * 3000 + "'a'" + ")" * 3000 + "]"
    tpl = tmp_path / "t.json"
    tpl.write_text(json.dumps({"resources": [{"type": "Microsoft.Network/networkInterfaces", "apiVersion": "2023-09-01",
                                              "name": deep, "properties": {}}]}))
    assert run("diagram", str(tpl), "--out", str(tmp_path / "d.svg")) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"armgen: {tpl}: an expression nests calls more than 100 deep") and err.count("\n") == 1
    assert not (tmp_path / "d.svg").exists()


def test_output_json_is_the_result_line_as_data(tmp_path: Path, capsys) -> None:
    out = tmp_path / "d.mmd"
    assert run("diagram", "--out", str(out)) == 0
    line = capsys.readouterr().out
    assert run("diagram", "--out", str(out), "--format", "svg", "-o", "json") == 0  # --format: the drawing's
    doc = json.loads(capsys.readouterr().out)
    assert doc["file"] == str(out) and doc["format"] == "svg" and out.read_text(encoding="utf-8").startswith("<svg")
    assert line == (f"armgen diagram: {doc['source']}: {doc['resources']} resources, {doc['relations']} relations "
                    f"-> {out} (mermaid)\n")
    assert doc["resources"] > 5 and doc["relations"] > 5
    assert run("diagram", "--out", str(out), "-o", "none") == 0 and capsys.readouterr().out == ""
    assert run("diagram", "--out", str(tmp_path / "x.svg"), "-o", "json", "--bastion") == 2  # bad input: exit 2 still
