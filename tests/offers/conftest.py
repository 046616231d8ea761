"""Fixtures for offer tests: a built cloud-connector template and its rendered JSON."""

from __future__ import annotations

from typing import Any

import pytest

from armgen.offers import get_offer
from armgen.render.arm_json import render
from armgen.template import Template


def build(**options: Any) -> tuple[Template, dict[str, Any]]:
    t = get_offer("cloud-connector").build(options)
    return t, render(t)


@pytest.fixture(scope="session")
def official_schemas(shared: Any) -> Any:
    official = pytest.importorskip("armgen.checks.official")
    return official.load_schemas(shared / "arm-schemas")
