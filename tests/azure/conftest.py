"""Fixtures for the Azure layer: the fake Resource Manager and a token for it."""

from __future__ import annotations

import pytest

from tests.fakearm.fixtures import SUBSCRIPTION, fake_arm

__all__ = ["SUBSCRIPTION", "fake_arm"]


@pytest.fixture(autouse=True)
def _armgen_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test authenticates with a static token and polls without waiting."""
    monkeypatch.setenv("ARMGEN_ACCESS_TOKEN", "test-token")
    monkeypatch.setenv("ARMGEN_POLL_INTERVAL", "0")
    monkeypatch.setenv("ARMGEN_RETRY_BACKOFF", "0")
