"""Who discusses with whom: the one home of the community's scope rules (issue 22).

The contract, used by every community page, API route and search:

1. **A learner's scope** for a course (``learner_scope``): the cohort of their active
   enrollment in that course; else their organization (``User.organization_id``, a proven
   membership; a pending request counts for nothing); else the course-wide community. A
   learner reads and starts threads only in that one scope. When their scope changes (they
   join a cohort), they see the new scope's threads and no longer the old ones.
2. **A staff member's reach** (``staff_reach``): admins, and staff whose scope is every
   organization (``app.accounts.staff_scope.organization_scope`` is None), see every scope
   of every course; staff of one organization see the cohort and organization scopes that
   belong to it (``CommunityThread.organization_id``), never the course-wide community nor
   another organization's scopes. Learners and authors have no reach.
3. **A viewer** (``viewer_for``) combines both. Everyone signed in reads their own learner
   scope (only an enrolled learner writes in it); staff read their reach, plus their own
   learner scope only when they are enrolled in the course themselves.
4. ``visible(statement, viewer)`` adds the viewer's condition to any statement that selects
   from ``CommunityThread``; ``visible_thread`` loads one thread through it. A hidden thread
   (``hidden_at``) stays visible to its author and to staff within reach only. A thread outside
   the condition is treated exactly like a thread that does not exist: every route answers
   404, whatever it was asked to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import and_, false, or_, true
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select, SelectOfScalar

from app.accounts.models import Organization, User
from app.accounts.permissions import Permission, can
from app.accounts.staff_scope import organization_scope
from app.community.models import CommunityThread, ScopeKind
from app.content.models import CourseRecord
from app.db import id_of
from app.learning.models import Enrollment
from app.orgs.models import Cohort

COURSE_LABEL = "Course community"

S = TypeVar("S", Select[Any], SelectOfScalar[Any])


@dataclass(frozen=True)
class Scope:
    """One discussion scope: who sees a thread posted in it."""

    kind: ScopeKind
    key: str  # the cohort code, the organization id as text, or "" for the course
    organization_id: int | None  # the organization the scope belongs to
    label: str  # what the page calls it: "Cohort: Spring 2027", "Riverside USD", ...

    @property
    def enrolled_label(self) -> str:
        """A sentence for the discussion page: who reads what is posted here."""
        if self.kind is ScopeKind.cohort:
            return f"Posts here are shared with your cohort, {self.label}, and its facilitators."
        if self.kind is ScopeKind.organization:
            return f"Posts here are shared with members of {self.label} and its staff."
        return "Posts here are shared with every learner in the course community."


@dataclass(frozen=True)
class StaffReach:
    """The scopes a staff member or admin moderates: all, or one organization's."""

    organization_id: int | None  # None: every scope, the course-wide community included


@dataclass(frozen=True)
class Viewer:
    """Who is reading a course's discussions, decided once per request."""

    user: User
    course_slug: str
    scope: Scope  # the learner scope (where their own threads go)
    enrolled: bool  # an active enrollment in the course: may start threads and reply
    reach: StaffReach | None  # None: not staff

    @property
    def user_id(self) -> int:
        return id_of(self.user)

    @property
    def is_staff(self) -> bool:
        return self.reach is not None


def course_scope() -> Scope:
    """The course-wide community."""
    return Scope(kind=ScopeKind.course, key="", organization_id=None, label=COURSE_LABEL)


def learner_scope(session: Session, *, user: User, course_slug: str) -> Scope:
    """The user's scope in a course: cohort of their enrollment → organization → course."""
    statement = (
        select(Cohort)
        .join(Enrollment, col(Enrollment.cohort) == col(Cohort.code))
        .join(CourseRecord, col(CourseRecord.id) == col(Enrollment.course_id))
        .where(
            CourseRecord.slug == course_slug,
            Enrollment.user_id == id_of(user),
            col(Enrollment.active).is_(True),
        )
    )
    cohort = session.exec(statement).first()
    if cohort is not None:
        return Scope(
            kind=ScopeKind.cohort,
            key=cohort.code,
            organization_id=cohort.organization_id,
            label=cohort.name,
        )
    if user.organization_id is not None:
        org = session.get(Organization, user.organization_id)
        if org is not None:
            return Scope(
                kind=ScopeKind.organization,
                key=str(user.organization_id),
                organization_id=user.organization_id,
                label=org.name,
            )
    return course_scope()


def staff_reach(user: User) -> StaffReach | None:
    """The scopes a staff member or admin sees; None for learners and authors."""
    if not can(user, Permission.facilitate):
        return None
    return StaffReach(organization_id=organization_scope(user))


def _enrolled(session: Session, *, user: User, course_slug: str) -> bool:
    statement = (
        select(Enrollment.id)
        .join(CourseRecord, col(CourseRecord.id) == col(Enrollment.course_id))
        .where(
            CourseRecord.slug == course_slug,
            Enrollment.user_id == id_of(user),
            col(Enrollment.active).is_(True),
        )
    )
    return session.exec(statement).first() is not None


def viewer_for(session: Session, *, user: User, course_slug: str) -> Viewer:
    """The viewer of a course's discussions: learner scope, enrollment and staff reach."""
    return Viewer(
        user=user,
        course_slug=course_slug,
        scope=learner_scope(session, user=user, course_slug=course_slug),
        enrolled=_enrolled(session, user=user, course_slug=course_slug),
        reach=staff_reach(user),
    )


def in_scope(scope: Scope) -> Any:
    """SQL condition: the thread was posted in ``scope``."""
    return and_(
        col(CommunityThread.scope_kind) == scope.kind.value,
        col(CommunityThread.scope_key) == scope.key,
    )


def within_reach(reach: StaffReach | None) -> Any:
    """SQL condition: the thread lies within a staff member's reach (false for learners)."""
    if reach is None:
        return false()
    if reach.organization_id is None:
        return true()
    return col(CommunityThread.organization_id) == reach.organization_id


def reads_own_scope(viewer: Viewer) -> bool:
    """Whether the viewer's learner scope counts for reading: always for learners (everyone
    in a scope reads it), for staff only when they are enrolled in the course themselves."""
    return viewer.enrolled or viewer.reach is None


def visibility(viewer: Viewer) -> Any:
    """SQL condition on ``CommunityThread``: the viewer may read it (course included)."""
    own = in_scope(viewer.scope) if reads_own_scope(viewer) else false()
    return and_(
        col(CommunityThread.course_slug) == viewer.course_slug,
        col(CommunityThread.deleted_at).is_(None),
        or_(own, within_reach(viewer.reach)),
        # A hidden thread: its author (who sees the reason) and staff only.
        or_(
            col(CommunityThread.hidden_at).is_(None),
            col(CommunityThread.author_id) == viewer.user_id,
            within_reach(viewer.reach),
        ),
    )


def visible(statement: S, viewer: Viewer) -> S:
    """``statement`` (selecting from ``CommunityThread``) limited to what the viewer may read."""
    return statement.where(visibility(viewer))


def visible_thread(session: Session, *, viewer: Viewer, thread_id: int) -> CommunityThread | None:
    """The thread if the viewer may read it; None (the route's 404) otherwise."""
    statement = visible(select(CommunityThread), viewer).where(CommunityThread.id == thread_id)
    return session.exec(statement).first()


def may_reply(viewer: Viewer, thread: CommunityThread) -> bool:
    """Whether the viewer may write in a thread they can read: staff within reach, or an
    enrolled learner whose own scope it is."""
    if viewer.reach is not None and (
        viewer.reach.organization_id is None
        or viewer.reach.organization_id == thread.organization_id
    ):
        return True
    return (
        viewer.enrolled
        and thread.scope_kind == viewer.scope.kind.value
        and thread.scope_key == viewer.scope.key
    )


def scope_label(session: Session, *, thread: CommunityThread) -> str:
    """How staff see the scope of a thread: the cohort's or organization's name."""
    if thread.scope_kind == ScopeKind.cohort.value:
        name = session.exec(select(Cohort.name).where(Cohort.code == thread.scope_key)).first()
        return f"Cohort: {name or thread.scope_key}"
    if thread.scope_kind == ScopeKind.organization.value and thread.organization_id is not None:
        org = session.get(Organization, thread.organization_id)
        return org.name if org is not None else "Organization"
    return COURSE_LABEL
