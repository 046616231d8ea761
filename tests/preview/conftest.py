"""Fixtures of the preview tests: pages built by armgen, opened in the shared headless Chromium."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from armgen.preview import page

_SOURCES: dict[str, page.Source] = {}


def offer_source(name: str, options: dict[str, Any] | None = None) -> page.Source:
    """A built-in offer's preview source, built once per run (a build validates the template and
    the createUiDefinition against our schemas, which adds up over a dozen tests)."""
    key = json.dumps([name, options or {}], sort_keys=True)
    if key not in _SOURCES:
        _SOURCES[key] = page.from_offer(name, options or {})
    return _SOURCES[key]


def offer_test_data(location: str = "westeurope") -> dict[str, Any]:
    """armgen's default sample, plus whatever the offer tests' environment (tests/offers/wizard_env.py)
    answers that the sample does not: resources and ArmApiControl answers it lacks, and the text
    a user types (``inputs``). So these tests follow the offers as they grow, while
    test_page.py checks that the default sample alone still gets a user through each wizard."""
    from tests.offers import wizard_env

    data = json.loads(page.asset("sample.json"))
    env = wizard_env.environment(location)
    for rtype, items in env.resources.items():
        have = data["resources"].setdefault(rtype, [])
        ids = {r["id"].lower() for r in have}
        have.extend(r for r in items if r["id"].lower() not in ids)
    for key, body in env.arm.items():
        data["arm"].setdefault(key, body)
    for step, boxes in env.inputs.items():
        data["inputs"].setdefault(step, {}).update(boxes)
    return data


def write_page(folder: Path, source: page.Source, data: dict[str, Any] | None = None, label: str = "test data") -> Path:
    """The page for ``source`` (with the default sample unless ``data``), written to ``folder``."""
    sample = data if data is not None else json.loads(page.asset("sample.json"))
    target = folder / page.PAGE_NAME
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(page.render(source, sample, label), encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def offer_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default offer's page (its evaluator is what the conformance tests run)."""
    return write_page(tmp_path_factory.mktemp("preview-offer"), offer_source("cloud-connector"))


def open_clean(browser: Any, target: Path) -> None:
    """Open ``target`` and check it loaded without an error the page caught or missed."""
    browser.open(target)
    assert browser.js("return window.__armgenErrors") == []
    assert browser.js("return typeof window.ArmgenUidef") == "object"
