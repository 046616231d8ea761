"""Shared test fixtures.

``../shared`` (beside the project root) holds test data we use in place and never copy. Tests
that need it take the ``shared`` fixture, which skips with a clear reason where it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    """Path to ``../shared``; skips the test where the shared data is not laid beside the project."""
    if not (SHARED / "armttk").is_dir():
        pytest.skip(f"shared test data not found at {SHARED} (lay ../shared beside the project)")
    return SHARED


@pytest.fixture(autouse=True)
def _no_az_profile(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test reads the az profile of whoever runs it (az's config folder is an empty one), nor
    writes into their armgen cache."""
    monkeypatch.setenv("AZURE_CONFIG_DIR", str(tmp_path_factory.mktemp("azure-config")))
    # armgen's disk cache (compiled schema checks, official schemas): one per test session, never
    # the user's own
    monkeypatch.setenv("ARMGEN_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "armgen-cache"))


@pytest.fixture(scope="session")
def _browser_session():
    """One headless Chromium for the whole run (starting one takes seconds)."""
    from tests import browser as harness

    why = harness.unavailable()
    if why:
        pytest.skip(f"browser tests need Chromium: {why}")
    b = harness.Browser()
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def browser(_browser_session):
    """A headless Chromium (tests/browser.py): open a file:// page, click, read the DOM, take
    screenshots, capture downloads. Skips with the reason where Chromium is not installed."""
    return _browser_session
