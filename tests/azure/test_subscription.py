"""Which subscription and tenant: flag, AZURE_SUBSCRIPTION_ID, az's default; names or ids; --tenant."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest

from armgen.azure.session import AzureFailure, AzureTarget
from armgen.cli import main
from tests.azure.helpers import CREATES, PARAMS, RG, TEMPLATE_DIR
from tests.fakearm.server import FakeArm, Response
from tests.fakearm.whatif import install_what_if

SUB_A = "00000000-0000-0000-0000-00000000000a"
SUB_B = "00000000-0000-0000-0000-00000000000b"
SUB_C = "00000000-0000-0000-0000-00000000000c"
TENANT = "11111111-2222-3333-4444-555555555555"


def profile(folder: Path, subs: list[dict[str, Any]], *, bom: bool = True) -> None:
    """az writes azureProfile.json with a UTF-8 byte-order mark."""
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"installationId": "x", "subscriptions": subs})
    (folder / "azureProfile.json").write_bytes(("\ufeff" if bom else "").encode() + text.encode())


def sub(sid: str, name: str, *, default: bool = False, env: str = "AzureCloud", tenant: str = TENANT) -> dict[str, Any]:
    return {"id": sid, "name": name, "state": "Enabled", "isDefault": default, "tenantId": tenant,
            "environmentName": env, "user": {"name": "me@example.com", "type": "user"}}


@pytest.fixture
def az_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "az"
    monkeypatch.setenv("AZURE_CONFIG_DIR", str(folder))
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID", raising=False)
    return folder


def target(subscription: str | None = None, endpoint: str = "http://127.0.0.1:9", **kw: Any) -> AzureTarget:
    return AzureTarget.from_options(None, endpoint, subscription, **kw)


def test_flag_then_environment_then_azs_default(az_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    profile(az_dir, [sub(SUB_A, "Dev"), sub(SUB_B, "Production", default=True),
                     sub(SUB_C, "China", default=True, env="AzureChinaCloud")])
    assert target().subscription == SUB_B  # the default for the public cloud, not China's
    assert AzureTarget.from_options("china", "http://127.0.0.1:9", None).subscription == SUB_C
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUB_A)
    assert target().subscription == SUB_A
    assert target(SUB_C).subscription == SUB_C


def test_profile_without_a_bom_and_home_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZURE_CONFIG_DIR")
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    profile(tmp_path / ".azure", [sub(SUB_A, "Dev", default=True)], bom=False)
    assert target().subscription == SUB_A


def test_a_name_from_the_profile_needs_no_request(az_dir: Path, fake_arm: FakeArm) -> None:
    profile(az_dir, [sub(SUB_A, "Dev", tenant="aaaaaaaa-0000-0000-0000-000000000000"), sub(SUB_B, "Production")])
    t = target("production", fake_arm.base_url)  # names compare ignoring case, as az's do
    assert (t.subscription, t.tenant) == (SUB_B, TENANT)
    assert fake_arm.requests == []


def subscriptions_api(arm: FakeArm, subs: list[tuple[str, str]]) -> None:
    @arm.route("GET", r"^/subscriptions$")
    def listing(req: Any) -> Response:
        assert req.query["api-version"] == "2022-12-01"
        return Response(200, {"value": [{"id": f"/subscriptions/{s}", "subscriptionId": s, "displayName": n,
                                         "state": "Enabled", "tenantId": TENANT} for s, n in subs]})


def test_a_name_not_in_the_profile_is_looked_up_with_the_subscriptions_api(
        az_dir: Path, fake_arm: FakeArm, capsys: pytest.CaptureFixture[str]) -> None:
    subscriptions_api(fake_arm, [(SUB_A, "Dev"), (SUB_B, "Shared Services")])
    fake_arm.add_resource_group(SUB_B, RG)
    svc = install_what_if(fake_arm)
    svc.changes = list(CREATES)
    code = main(["what-if", "-g", RG, "--subscription", "Shared Services", "--endpoint", fake_arm.base_url,
                 "-p", PARAMS, "-o", "json", TEMPLATE_DIR])
    assert code == 0, capsys.readouterr().err
    paths = [r.path for r in fake_arm.requests]
    assert paths[0] == "/subscriptions" and any(p.startswith(f"/subscriptions/{SUB_B}/resourcegroups/{RG}")
                                                 for p in paths[1:]), paths


def test_unknown_and_ambiguous_names(az_dir: Path, fake_arm: FakeArm) -> None:
    subscriptions_api(fake_arm, [(SUB_A, "Dev"), (SUB_B, "Dev"), (SUB_C, "Prod")])
    with pytest.raises(AzureFailure) as err:
        target("Dev", fake_arm.base_url)
    assert "ambiguous" in err.value.message and SUB_A in err.value.message and SUB_B in err.value.message
    with pytest.raises(AzureFailure) as err:
        target("Staging", fake_arm.base_url)
    assert err.value.exit_code == 2 and "no subscription named 'Staging'" in err.value.message
    assert "Prod" in err.value.message


def test_no_subscription_anywhere_and_a_broken_profile(az_dir: Path) -> None:
    with pytest.raises(AzureFailure) as err:
        target()
    assert err.value.exit_code == 2 and "az account set" in err.value.message
    az_dir.mkdir()
    (az_dir / "azureProfile.json").write_text("{not json")
    with pytest.raises(AzureFailure) as err:
        target()
    assert str(az_dir / "azureProfile.json") in err.value.message
    with pytest.raises(AzureFailure) as err:
        target("  ")
    assert "--subscription is empty" in err.value.message


class RecordingCredential:
    """Stands in for azure-identity's DefaultAzureCredential: records how it is built and asked."""

    built: ClassVar[list[dict[str, Any]]] = []
    asked: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, **kwargs: Any):
        RecordingCredential.built.append(kwargs)

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        RecordingCredential.asked.append(kwargs)
        return AccessToken("tenant-token", int(time.time()) + 3600)


def test_tenant_reaches_the_credential(fake_arm: FakeArm, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    import azure.identity

    monkeypatch.delenv("ARMGEN_ACCESS_TOKEN")
    monkeypatch.setattr(azure.identity, "DefaultAzureCredential", RecordingCredential)
    RecordingCredential.built.clear()
    RecordingCredential.asked.clear()
    fake_arm.add_resource_group(SUB_A, RG)
    install_what_if(fake_arm).changes = list(CREATES)
    code = main(["what-if", "-g", RG, "--subscription", SUB_A, "--tenant", "contoso.onmicrosoft.com",
                 "--endpoint", fake_arm.base_url, "-p", PARAMS, "-o", "none", TEMPLATE_DIR])
    assert code == 0, capsys.readouterr().err
    (built,) = RecordingCredential.built
    assert built["additionally_allowed_tenants"] == ["contoso.onmicrosoft.com"]
    assert built["workload_identity_tenant_id"] == "contoso.onmicrosoft.com"
    assert RecordingCredential.asked and all(a["tenant_id"] == "contoso.onmicrosoft.com"
                                             for a in RecordingCredential.asked)
    assert all(r.authorization == "Bearer tenant-token" for r in fake_arm.requests)


@pytest.mark.parametrize("tenant", ["", "a/b", "x" * 300, "contoso..com"])
def test_bad_tenant_is_a_usage_error(tenant: str, fake_arm: FakeArm, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["what-if", "-g", RG, "--subscription", SUB_A, "--tenant", tenant, "--endpoint", fake_arm.base_url,
                 "-p", PARAMS, TEMPLATE_DIR])
    assert code == 2 and "--tenant" in capsys.readouterr().err
    assert fake_arm.requests == []
