"""Fixtures: the app serves the fixture courses in tests/learning/fixtures/courses."""

from __future__ import annotations

from tests.learning.support import serve_fixture_courses  # noqa: F401  (settings_overrides)
