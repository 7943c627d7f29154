"""The app serves the learning tests' fixture courses (journey-course: three modules), and
the clock reads 7 December 2026 (the fixed due dates in these tests lie after it; a due
date in the past is refused)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from tests.learning.support import serve_fixture_courses  # noqa: F401  (settings_overrides)

TODAY = datetime(2026, 12, 7, 15, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _december_seventh() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=True):
        yield
