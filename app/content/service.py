"""Use cases behind the content pages: the authors' status list, previews, course assets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlmodel import Session

from app.accounts.models import User
from app.content.blocks import module_states
from app.content.course import Course, Module
from app.content.files import is_inside
from app.content.registry import CourseStatus, Registry

ASSET_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
}


class ContentNotFound(LookupError):
    """No such course, module or asset (answered with 404)."""


@dataclass(frozen=True)
class StatusRow:
    """One course folder on the authors' status page."""

    status: CourseStatus
    course: Course | None  # the version learners are served, if any


def status_rows(registry: Registry) -> list[StatusRow]:
    """Every course folder with its latest load result, broken ones first."""
    rows = [StatusRow(status, registry.get(slug)) for slug, status in registry.statuses.items()]
    return sorted(rows, key=lambda r: (not r.status.errors, r.status.slug))


def preview_course(registry: Registry, *, slug: str) -> Course:
    """A course (draft or published) for an author's preview."""
    course = registry.get(slug)
    if course is None:
        raise ContentNotFound(slug)
    return course


def preview_module(registry: Registry, *, slug: str, module_id: str) -> tuple[Course, Module]:
    """A module of any course for an author's preview."""
    course = preview_course(registry, slug=slug)
    module = course.module(module_id)
    if module is None:
        raise ContentNotFound(module_id)
    return course, module


def preview_states(
    session: Session, *, user: User, course: Course, module: Module
) -> dict[str, object]:
    """Block states for a preview: no enrollment, so exercises carry their answer keys (for
    authors and admins only); nothing is read or saved for a learner."""
    return module_states(
        session, user=user, enrollment_id=None, course=course, module=module
    ).states


def asset_file(registry: Registry, *, slug: str, path: str, may_preview: bool) -> tuple[Path, str]:
    """``(file, media type)`` of a course asset; drafts only for authors. Refuses anything
    that leaves the course's ``assets/`` folder."""
    course = registry.get(slug)
    if course is None or not (course.is_published or may_preview):
        raise ContentNotFound(slug)
    parts = PurePosixPath(path).parts
    if not parts or any(p in ("", ".", "..") or p.startswith(".") or "\\" in p for p in parts):
        raise ContentNotFound(path)
    assets = course.root / "assets"
    target = assets.joinpath(*parts)
    media_type = ASSET_TYPES.get(target.suffix.lower())
    if media_type is None:
        raise ContentNotFound(path)
    if not target.is_file() or not is_inside(target, assets):
        raise ContentNotFound(path)
    return target, media_type
