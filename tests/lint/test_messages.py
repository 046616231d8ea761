"""Messages name files relative to the linted root: deterministic, and no local paths leak."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from armgen.lint import lint_path

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
TEMPLATE = json.dumps({"$schema": SCHEMA, "contentVersion": "1.0.0.0", "resources": []})


def test_could_not_import_names_the_file_relative_to_the_folder(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "nested").mkdir(parents=True)
    (pkg / "mainTemplate.json").write_text(TEMPLATE, encoding="utf-8")
    (pkg / "nested" / "broken.json").write_text("{ nope", encoding="utf-8")
    (pkg / "empty.json").write_text("null", encoding="utf-8")
    report = lint_path(pkg.resolve(), tests=["JSONFiles-Should-Be-Valid"])
    messages = sorted(f.message for f in report.errors)
    assert len(messages) == 2
    assert messages[0].startswith("Could not import 'empty.json': ")
    assert messages[1].startswith("Could not import 'nested/broken.json': ")
    assert not any(str(tmp_path) in m for m in messages)


def test_could_not_import_in_a_zip_names_the_entry(tmp_path: Path) -> None:
    z = tmp_path / "pkg.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("mainTemplate.json", TEMPLATE)
        zf.writestr("linked/bad.json", "[1,,")
    report = lint_path(z, tests=["JSONFiles-Should-Be-Valid"])
    [finding] = report.errors
    assert finding.message.startswith("Could not import 'linked/bad.json': ")
    assert str(tmp_path) not in finding.message


def test_messages_are_the_same_wherever_the_package_sits(tmp_path: Path) -> None:
    reports = []
    for where in ("a", "b/c"):
        pkg = tmp_path / where / "pkg"
        pkg.mkdir(parents=True)
        (pkg / "mainTemplate.json").write_text(TEMPLATE, encoding="utf-8")
        (pkg / "x.json").write_text("{,}", encoding="utf-8")
        reports.append([f.message for f in lint_path(pkg).findings])
    assert reports[0] == reports[1] and reports[0]
