"""Fixtures: the app serves the data fixture course in tests/exercises/fixtures/courses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import Settings, get_settings

COURSES = Path(__file__).parent / "fixtures" / "courses"


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Settings whose content folder is the data fixture course."""
    monkeypatch.setenv("GROUNDWORK_CONTENT_DIR", str(COURSES))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()
