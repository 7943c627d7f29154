"""Request dependencies: who is asking, and what they may do."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from app.accounts.models import Role, User
from app.accounts.sessions import SESSION_COOKIE, resolve_session
from app.config import Settings
from app.content.access import PREVIEW_ROLES, can_see
from app.content.course import Course
from app.content.runtime import RegistryDep
from app.db import SessionDep, on_request_session
from app.templating import flash


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# The settings create_app was given: routes read them here, never from the environment.
SettingsDep = Annotated[Settings, Depends(_settings)]


class LoginRequired(Exception):
    """The page needs a logged-in user; ``next_path`` is where to come back to."""

    def __init__(self, next_path: str):
        super().__init__(next_path)
        self.next_path = next_path


def resolve_user(request: Request, session: Session) -> User | None:
    """Put the logged-in user (or None) on ``request.state.user``: one query, once."""
    if hasattr(request.state, "user"):
        return request.state.user  # type: ignore[no-any-return]
    user = None
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        days = request.app.state.settings.session_days
        found = resolve_session(session, token=token, days=days)
        user = found[1] if found else None
    request.state.user = user
    return user


# The lookup runs where the request's session opens, in the same threadpool trip.
on_request_session(resolve_user)


async def attach_user(request: Request, session: SessionDep) -> User | None:
    """App-wide dependency: the logged-in user (or None), resolved when the session opened."""
    return resolve_user(request, session)


async def _optional_user(request: Request, session: SessionDep) -> User | None:
    return resolve_user(request, session)


async def _current_user(request: Request, session: SessionDep) -> User:
    user = resolve_user(request, session)
    if user is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path)
    return user


OptionalUser = Annotated[User | None, Depends(_optional_user)]
CurrentUser = Annotated[User, Depends(_current_user)]


def require_role(*roles: Role):  # type: ignore[no-untyped-def]
    """A dependency that lets only users with one of ``roles`` through (403 otherwise)."""

    async def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise HTTPException(
                status_code=403, detail="Your account does not have access to this page."
            )
        return user

    return check


AuthorUser = Annotated[User, Depends(require_role(*PREVIEW_ROLES))]
StaffUser = Annotated[User, Depends(require_role(Role.staff, Role.admin))]
AdminUser = Annotated[User, Depends(require_role(Role.admin))]


async def _visible_course(slug: str, registry: RegistryDep, user: OptionalUser) -> Course:
    """The course of the ``{slug}`` path parameter if this user may see it; 404 otherwise."""
    course = registry.get(slug)
    if course is None or not can_see(course, user):
        raise HTTPException(status_code=404)
    return course


# Declare it after ``CurrentUser`` in a route, so a visitor is sent to log in before any 404.
VisibleCourse = Annotated[Course, Depends(_visible_course)]


def enroll_first(request: Request, course: Course, *, to: str) -> RedirectResponse:
    """Back to the course page with "Enroll in this course (it is free) to {to}."."""
    flash(request, f"Enroll in this course (it is free) to {to}.", "info")
    return RedirectResponse(request.url_for("course_page", slug=course.slug).path, 303)
