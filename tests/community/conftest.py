"""The app serves the learning tests' fixture courses (journey-course: modules welcome,
practice (reflection prompts what-i-notice and anything-else) and next-steps)."""

from __future__ import annotations

from tests.learning.support import serve_fixture_courses  # noqa: F401  (settings_overrides)
