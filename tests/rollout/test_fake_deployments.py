"""The fake's deployment endpoints speak ARM's protocol: the SDK's own LRO poller drives them."""

from __future__ import annotations

import pytest

from armgen.azure.session import AzureTarget
from tests.rollout.conftest import SUB, Fleet

BODY = {"properties": {"mode": "Incremental", "template": {"resources": []}, "parameters": {}}}


def _client(fleet: Fleet):
    return AzureTarget.from_options(None, fleet.arm.base_url, SUB).deployments_client()


def test_sdk_poller_follows_azure_async_operation(fleet: Fleet) -> None:
    fleet.arm.add_resource_group(SUB, "rg1")
    fleet.deployments.default.polls = 2
    client = _client(fleet)
    dep = client.deployments.begin_create_or_update("rg1", "d1", parameters=BODY,
                                                    headers={"x-ms-correlation-request-id": "cid-1"}).result()
    assert dep.properties.provisioning_state == "Succeeded" and dep.properties.correlation_id == "cid-1"
    statuses = fleet.arm.requests_matching("GET", "/deployments/d1/operationStatuses/")
    assert len(statuses) == 3  # InProgress, InProgress, Succeeded
    assert fleet.deployments.puts["rg1/d1"] == 1


def test_sdk_poller_reports_failure_and_conflict(fleet: Fleet) -> None:
    from azure.core.exceptions import HttpResponseError, ResourceExistsError

    fleet.arm.add_resource_group(SUB, "rg1")
    fleet.deployments.behave("rg1/bad", polls=0, fail=("QuotaExceeded", "Operation could not be completed"))
    client = _client(fleet)
    with pytest.raises(HttpResponseError) as exc:
        client.deployments.begin_create_or_update("rg1", "bad", parameters=BODY).result()
    assert "DeploymentFailed" in str(exc.value)
    dep = client.deployments.get("rg1", "bad")
    assert dep.properties.provisioning_state == "Failed"
    assert dep.properties.error.details[0].code == "QuotaExceeded"
    ops = fleet.arm.requests_matching("GET", "/deployments/bad$")
    assert ops[-1].status == 200
    fleet.deployments.behave("rg1/slow", polls=5)
    client.deployments.begin_create_or_update("rg1", "slow", parameters=BODY, polling=False).result()
    with pytest.raises(ResourceExistsError) as exc2:  # 409 DeploymentActive while it runs
        client.deployments.begin_create_or_update("rg1", "slow", parameters=BODY, polling=False).result()
    assert exc2.value.error.code == "DeploymentActive"


def test_put_validation(fleet: Fleet) -> None:
    from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

    client = _client(fleet)
    with pytest.raises(ResourceNotFoundError):
        client.deployments.begin_create_or_update("nope", "d", parameters=BODY, polling=False)
    fleet.arm.add_resource_group(SUB, "rg1")
    with pytest.raises(HttpResponseError) as exc:
        client.deployments.begin_create_or_update("rg1", "d", parameters={"properties": {"template": {}}}, polling=False)
    assert exc.value.error.code == "InvalidDeployment"
    with pytest.raises(ResourceNotFoundError):
        client.deployments.get("rg1", "never")
