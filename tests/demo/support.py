"""Seeding a small demo district into a test database."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from app.config import ROOT
from app.content.course import Course
from app.content.runtime import cached_registry
from app.content.sync import sync_courses
from app.demo.cli import seed_district
from app.demo.seed import SeedOptions, SeedReport
from tests.settings_support import make_settings

ANCHOR = datetime(2026, 6, 30, tzinfo=UTC)
PASSWORD = "demo district password"


def bundled_courses(engine: Engine) -> list[Course]:
    """The published bundled courses, synced to ``engine``."""
    courses = cached_registry(ROOT / "course_content").published()
    sync_courses(engine, courses)
    return courses


def seed_small(engine: Engine, *, learners: int = 60, seed: int = 3, **kw: object) -> SeedReport:
    """A demo district of ``learners`` learners with a fixed anchor time."""
    options = SeedOptions(learners=learners, organizations=4, seed=seed, anchor=ANCHOR, **kw)  # type: ignore[arg-type]
    return seed_district(
        engine,
        bundled_courses(engine),
        options=options,
        password=PASSWORD,
        settings=make_settings(),
    )
