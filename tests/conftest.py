"""Shared fixtures: every test works in its own temporary data folder, never in ./data."""

from __future__ import annotations

from pathlib import Path

import pytest

from framework.loading import DEFAULT_FRAMEWORK, load_framework
from framework.models import Framework

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

# Fixtures of the store tests (store, store_url, sqlite_store, pg_schemas): real SQLite and PostgreSQL.
pytest_plugins = ["store_support"]


@pytest.fixture(autouse=True)
def _isolated_data(tmp_path, monkeypatch):
    """Point everything the tool writes at a temporary folder (as simonw/llm does)."""
    monkeypatch.setenv("IPCEI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("IPCEI_DATABASE_URL", raising=False)
    monkeypatch.delenv("IPCEI_FRAMEWORK", raising=False)
    monkeypatch.delenv("IPCEI_LANG", raising=False)


@pytest.fixture(scope="session")
def framework() -> Framework:
    return load_framework(DEFAULT_FRAMEWORK)
