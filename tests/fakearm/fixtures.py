"""pytest fixtures for the fake Resource Manager.

Use from a conftest with ``pytest_plugins = ["tests.fakearm.fixtures"]`` or
``from tests.fakearm.fixtures import fake_arm  # noqa: F401``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakearm.server import FakeArm

SUBSCRIPTION = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
def fake_arm() -> Iterator[FakeArm]:
    """A started FakeArm (no latency, any bearer token accepted), stopped after the test."""
    arm = FakeArm(default_subscription=SUBSCRIPTION)
    with arm:
        yield arm
