"""Request dependencies: who is asking, and what they may do."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from app.accounts.models import User
from app.accounts.permissions import Permission, can
from app.accounts.sessions import SESSION_COOKIE, resolve_session
from app.app_settings import SettingsDep as SettingsDep
from app.app_settings import settings_of
from app.content.access import can_see
from app.content.course import Course
from app.content.runtime import RegistryDep
from app.db import SessionDep, on_request_session
from app.templating import flash


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
        days = settings_of(request.app).session_days
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


def require(permission: Permission) -> Callable[[User], Awaitable[User]]:
    """A dependency that lets only users holding ``permission`` through (403 otherwise)."""

    async def check(user: CurrentUser) -> User:
        if not can(user, permission):
            raise HTTPException(
                status_code=403, detail="Your account does not have access to this page."
            )
        return user

    return check


# One alias per permission (app/accounts/permissions.py says which roles hold each).
AuthorUser = Annotated[User, Depends(require(Permission.author_preview))]
StaffUser = Annotated[User, Depends(require(Permission.view_reports))]
OrgManagerUser = Annotated[User, Depends(require(Permission.manage_org))]
TokenIssuerUser = Annotated[User, Depends(require(Permission.issue_api_tokens))]
AdminUser = Annotated[User, Depends(require(Permission.admin))]


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
