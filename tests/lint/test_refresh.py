"""``--refresh-api-versions`` through the real SDK against a local Resource Manager stand-in."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from armgen.cli import main

SUB = "00000000-0000-0000-0000-000000000001"
PROVIDERS = {
    "value": [
        {
            "id": f"/subscriptions/{SUB}/providers/Microsoft.Network",
            "namespace": "Microsoft.Network",
            "registrationState": "Registered",
            "resourceTypes": [
                {
                    "resourceType": "virtualNetworks",
                    "apiVersions": ["2025-07-01", "2019-11-01"],
                    "locations": ["West US"],
                }
            ],
        }
    ]
}


class _Handler(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str | None]]] = []

    def do_GET(self) -> None:
        _Handler.seen.append((self.path, self.headers.get("Authorization")))
        if self.path.split("?")[0] == f"/subscriptions/{SUB}/providers":
            body = json.dumps(PROVIDERS).encode()
            self.send_response(200)
        else:
            body = b'{"error": {"code": "NotFound", "message": "no"}}'
            self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def arm() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Handler.seen.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_refresh_writes_the_cache_and_lint_uses_it(
    arm: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("ARMGEN_ACCESS_TOKEN", "fake-token")
    assert main(["lint", "--refresh-api-versions", "--subscription", SUB, "--endpoint", arm]) == 0
    cache = tmp_path / "xdg" / "armgen" / "AllAzureResources.cache.json"
    doc = json.loads(cache.read_text())
    assert doc["Microsoft.Network/virtualNetworks"][0]["apiVersions"] == ["2025-07-01", "2019-11-01"]
    path, auth = _Handler.seen[0]
    assert path.startswith(f"/subscriptions/{SUB}/providers?api-version=")
    assert auth == "Bearer fake-token"
    assert "1 resource types" in capsys.readouterr().out

    pkg = tmp_path / "pkg"
    pkg.mkdir()
    tpl = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": [
            {
                "type": "Microsoft.Network/virtualNetworks",
                "apiVersion": "2019-11-01",
                "name": "v",
                "location": "global",
            }
        ],
    }
    (pkg / "mainTemplate.json").write_text(json.dumps(tpl), encoding="utf-8")
    assert (
        main(
            [
                "lint",
                str(pkg),
                "--test",
                "apiVersions-Should-Be-Recent",
                "--test-date",
                "2026-01-01",
                "--format",
                "json",
            ]
        )
        == 1
    )
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [f["id"] for f in findings] == ["ApiVersion.OutOfDate"]


def test_refresh_failure_is_one_line_exit_2(
    arm: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("ARMGEN_ACCESS_TOKEN", "fake-token")
    assert main(["lint", "--refresh-api-versions", "--subscription", "other", "--endpoint", arm]) == 2
    assert "could not list resource providers" in capsys.readouterr().err
    assert not (tmp_path / "xdg" / "armgen" / "AllAzureResources.cache.json").exists()


def test_lint_does_not_import_azure(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from armgen.cli import main; "
        f"main(['lint', {str(tmp_path)!r}]); "
        "print([m for m in sys.modules if m.startswith('azure')])"
    )
    (tmp_path / "mainTemplate.json").write_text('{"resources": []}', encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
