"""Fixtures of the preview tests: pages built by armgen, opened in the shared headless Chromium."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from armgen.preview import page


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
    src = page.from_offer("cloud-connector", {})
    return write_page(tmp_path_factory.mktemp("preview-offer"), src)


def open_clean(browser: Any, target: Path) -> None:
    """Open ``target`` and check it loaded without an error the page caught or missed."""
    browser.open(target)
    assert browser.js("return window.__armgenErrors") == []
    assert browser.js("return typeof window.ArmgenUidef") == "object"
