"""The app serves the learning tests' fixture courses (journey-course: three modules)."""

from __future__ import annotations

from tests.learning.support import serve_fixture_courses  # noqa: F401  (settings_overrides)
