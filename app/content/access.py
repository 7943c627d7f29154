"""Who may see which course: the one home of the preview rule."""

from __future__ import annotations

from app.accounts.models import User
from app.accounts.permissions import Permission, can
from app.content.course import Course


def may_preview(user: User | None) -> bool:
    """Who holds ``author_preview`` sees draft courses and answer keys in previews."""
    return can(user, Permission.author_preview)


def can_see(course: Course | None, user: User | None) -> bool:
    """Learners see published courses only; authors and admins also see drafts."""
    if course is None:
        return False
    return course.is_published or may_preview(user)
