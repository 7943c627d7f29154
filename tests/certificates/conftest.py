"""Fixtures: the app serves the fixture courses in tests/learning/fixtures/courses."""

from __future__ import annotations

import pytest

from tests.learning.support import fixture_settings


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    yield from fixture_settings(monkeypatch)
