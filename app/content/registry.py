"""The loaded courses, kept on ``app.state.registry`` and swapped whole on reload.

A reload never makes learners lose a course: when an edit breaks a course that loaded
before, the registry keeps serving the last good version and shows the errors to authors.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from app.content.course import Course
from app.content.loader import CourseLoad, load_all
from app.content.problems import Problem
from app.db import utcnow

log = logging.getLogger("groundwork.content")


@dataclass(frozen=True)
class CourseStatus:
    """What authors see about one course folder after the latest load."""

    slug: str
    folder: Path
    loaded: bool  # the latest files loaded without errors
    version: str | None  # version being served to learners (None: not served)
    seconds: float
    problems: tuple[Problem, ...]
    loaded_at: datetime
    stale: bool = False  # serving an older good version because the files now have errors

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Problems that stopped the latest load."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Problems that did not stop it."""
        return tuple(p for p in self.problems if p.severity == "warning")


@dataclass(frozen=True)
class Registry:
    """Every course that learners (and authors) can be served, by slug."""

    content_root: Path
    courses: dict[str, Course] = field(default_factory=dict)
    statuses: dict[str, CourseStatus] = field(default_factory=dict)
    loaded_at: datetime = field(default_factory=utcnow)

    @property
    def problems(self) -> list[Problem]:
        """Every problem of the latest load, errors and warnings."""
        return [p for status in self.statuses.values() for p in status.problems]

    @property
    def has_errors(self) -> bool:
        """True when any course folder failed its latest load."""
        return any(status.errors for status in self.statuses.values())

    def get(self, slug: str) -> Course | None:
        """The course with this slug (draft or published), or None."""
        return self.courses.get(slug)

    def published(self) -> list[Course]:
        """Published courses, in slug order."""
        return [c for _, c in sorted(self.courses.items()) if c.is_published]


def build_registry(content_root: Path, *, previous: Registry | None = None) -> Registry:
    """Load every course under ``content_root``; keep ``previous`` good versions of broken ones."""
    return registry_from_loads(content_root, load_all(content_root), previous=previous)


def registry_from_loads(
    content_root: Path, loads: list[CourseLoad], *, previous: Registry | None = None
) -> Registry:
    """Assemble a registry from load results (split out so tests can feed their own)."""
    now = utcnow()
    courses: dict[str, Course] = {}
    statuses: dict[str, CourseStatus] = {}
    for load in loads:
        served = load.course
        stale = False
        if served is None and previous is not None:
            served = previous.courses.get(load.slug)
            stale = served is not None
        if served is not None:
            courses[load.slug] = served
        if load.errors:
            log.warning(
                "Course %s has %d error(s)%s: %s",
                load.slug,
                len(load.errors),
                "; serving the last good version" if stale else "; not served",
                "; ".join(str(p) for p in load.errors[:5]),
            )
        statuses[load.slug] = CourseStatus(
            slug=load.slug,
            folder=load.folder,
            loaded=load.course is not None,
            version=served.version if served else None,
            seconds=load.seconds,
            problems=tuple(load.problems),
            loaded_at=now,
            stale=stale,
        )
    return Registry(content_root=content_root, courses=courses, statuses=statuses, loaded_at=now)
