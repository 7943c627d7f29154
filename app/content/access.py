"""Who may see which course: the one home of the preview rule."""

from __future__ import annotations

from app.accounts.models import Role, User
from app.content.course import Course

PREVIEW_ROLES = frozenset({Role.author, Role.admin})


def may_preview(user: User | None) -> bool:
    """Authors and admins see draft courses and answer keys in previews."""
    return user is not None and user.role in PREVIEW_ROLES


def can_see(course: Course | None, user: User | None) -> bool:
    """Learners see published courses only; authors and admins also see drafts."""
    if course is None:
        return False
    return course.is_published or may_preview(user)
