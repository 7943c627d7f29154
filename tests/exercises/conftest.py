"""Fixtures: the app serves the data fixture course in tests/exercises/fixtures/courses."""

from __future__ import annotations

from pathlib import Path

import pytest

COURSES = Path(__file__).parent / "fixtures" / "courses"


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    return {"content_dir": COURSES}
