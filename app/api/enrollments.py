"""Enrollment listings for the API: a learner's own, and staff's (filtered, paged by cursor).

Pages are ordered by ``(updated_at, id)`` and the cursor is the last row's pair, so paging
is stable while others write: a row changed after it was read moves behind the cursor and
is returned again on a later page (at least once, never skipped); new rows come last.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.accounts.models import Organization, User
from app.accounts.staff_scope import may_see_organization, scope_condition
from app.api.schemas import EnrollmentOut, ModuleProgressOut, MyEnrollment
from app.certificates.models import Certificate
from app.content.course import Course
from app.content.models import CourseRecord
from app.db import utcnow
from app.learning import service as learning
from app.learning.models import Enrollment
from app.reports.scope import unrevoked_certificate
from app.signing import Signer, matches

MAX_PAGE = 500
CURSOR_MAC = 32  # hex characters of HMAC-SHA256 at the end of a cursor
MAX_ROW_ID = 2**31 - 1  # ids are INTEGER: the largest PostgreSQL holds (SQLite: 2**63 - 1)
MIN_YEAR, MAX_YEAR = 1, 9998


class BadParameter(Exception):
    """A filter that cannot be used: ``field`` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class NotFound(Exception):
    """A filter names something that does not exist, or not for this account (404)."""


class OutOfScope(NotFound):
    """The filter names an organization this account may not read (answered as 404)."""

    def __init__(self) -> None:
        super().__init__("There is no organization with that id in your scope.")


@dataclass(frozen=True)
class EnrollmentQuery:
    course: str | None = None
    organization: int | None = None
    cohort: str | None = None
    updated_since: datetime | None = None
    cursor: str | None = None
    limit: int = 100


def encode_cursor(updated_at: datetime, row_id: int, *, signer: Signer) -> str:
    """The last row's (updated_at, id) in URL-safe base64, then 32 hex characters of MAC:
    a client cannot edit a cursor to read from another point than the API handed out."""
    raw = json.dumps([updated_at.isoformat(), row_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=") + signer.mac(raw)[:CURSOR_MAC]


def decode_cursor(cursor: str, *, signer: Signer) -> tuple[datetime, int]:
    """The (updated_at, id) a cursor carries; BadParameter when it is not one of ours."""
    data, sent = cursor[:-CURSOR_MAC], cursor[-CURSOR_MAC:]
    try:
        raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
        if len(cursor) <= CURSOR_MAC or not matches(sent, signer.mac(raw)[:CURSOR_MAC]):
            raise ValueError(cursor)
        stamp, row_id = json.loads(raw)
        moment = datetime.fromisoformat(stamp)
        if moment.tzinfo is None or isinstance(row_id, bool) or not isinstance(row_id, int):
            raise ValueError(cursor)
        if not 0 <= row_id <= MAX_ROW_ID:
            raise ValueError(cursor)
        return utc_moment(moment, "cursor"), row_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, BadParameter):
        raise BadParameter("cursor", "Use the next_cursor of a previous page.") from None


def utc_moment(value: datetime, field: str) -> datetime:
    """``value`` in UTC, refused (BadParameter) without a time zone or outside years
    1-9998: the database column and date arithmetic cannot hold the extremes."""
    if value.tzinfo is None:
        raise BadParameter(field, "Give a time zone, e.g. 2026-03-01T00:00:00Z.")
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise BadParameter(field, f"Give a time in the years {MIN_YEAR} to {MAX_YEAR} (UTC).")
    return moment


def my_enrollments(
    session: Session, *, user: User, courses: Mapping[str, Course]
) -> list[MyEnrollment]:
    """The user's active enrollments with progress per module and the certificate code."""
    result = []
    for card in learning.my_learning(session, user=user, courses=dict(courses)):
        e = card.enrollment
        assert e.id is not None
        modules = [
            ModuleProgressOut(
                module_id=module.id,
                title=module.title,
                state=status.state,
                required_done=status.required_done,
                required_total=status.required_total,
            )
            for module in card.course.modules
            if (status := card.progress.status(module.id)) is not None
        ]
        result.append(
            MyEnrollment(
                id=e.id,
                course=card.course.slug,
                course_title=card.course.title,
                cohort=e.cohort,
                enrolled_at=e.enrolled_at,
                percent=e.percent,
                completed_at=e.completed_at,
                certificate_code=card.certificate_code,
                modules=modules,
            )
        )
    return result


def list_enrollments(
    session: Session,
    *,
    staff: User,
    query: EnrollmentQuery,
    settle_seconds: float,
    cursor_signer: Signer,
) -> tuple[list[EnrollmentOut], str | None]:
    """One page of enrollments in the staff member's scope, and the next page's cursor;
    rows changed in the last ``settle_seconds`` wait for a later page."""
    if not 1 <= query.limit <= MAX_PAGE:
        raise BadParameter("limit", f"Ask for 1 to {MAX_PAGE} rows a page.")
    conditions = []
    scope = scope_condition(staff, User.organization_id)
    if scope is not None:
        conditions.append(scope)
    if query.course is not None:
        if "\x00" in query.course:  # PostgreSQL cannot even search for it: no such course
            raise NotFound("There is no course with that slug.")
        found = session.exec(select(CourseRecord.id).where(CourseRecord.slug == query.course))
        course_id = found.first()
        if course_id is None:
            raise NotFound("There is no course with that slug.")
        conditions.append(col(Enrollment.course_id) == course_id)
    if query.organization is not None:
        if not may_see_organization(staff, query.organization) or (
            session.get(Organization, query.organization) is None
        ):
            raise OutOfScope
        conditions.append(col(User.organization_id) == query.organization)
    if query.cohort is not None:
        cohort = learning.clean_cohort(query.cohort)
        if cohort is None:
            raise BadParameter("cohort", "A cohort uses letters, digits, '.', '_' and '-'.")
        conditions.append(col(Enrollment.cohort) == cohort)
    if query.updated_since is not None:
        since = utc_moment(query.updated_since, "updated_since")
        conditions.append(col(Enrollment.updated_at) >= since)
    if query.cursor is not None:
        after, after_id = decode_cursor(query.cursor, signer=cursor_signer)
        # The first condition alone can use the updated_at index; the second keeps order.
        conditions.append(col(Enrollment.updated_at) >= after)
        conditions.append(or_(col(Enrollment.updated_at) > after, col(Enrollment.id) > after_id))
    # Rows changed in the last few seconds wait: a transaction stamps updated_at before it
    # commits, so a row committed late could otherwise land behind a cursor handed out.
    settled = utcnow() - timedelta(seconds=settle_seconds)
    conditions.append(col(Enrollment.updated_at) < settled)
    statement = (
        select(  # type: ignore[call-overload]
            Enrollment, User, Organization.name, CourseRecord.slug, Certificate.code
        )
        .join(User, col(User.id) == col(Enrollment.user_id))
        .join(CourseRecord, col(CourseRecord.id) == col(Enrollment.course_id))
        .outerjoin(Organization, col(Organization.id) == col(User.organization_id))
        .outerjoin(Certificate, unrevoked_certificate())
        .where(*conditions)
        .order_by(col(Enrollment.updated_at), col(Enrollment.id))
        .limit(query.limit + 1)
    )
    rows = list(session.exec(statement))
    more = len(rows) > query.limit
    page = [_out(*row) for row in rows[: query.limit]]
    next_cursor = (
        encode_cursor(page[-1].updated_at, page[-1].id, signer=cursor_signer)
        if more and page
        else None
    )
    return page, next_cursor


def _out(
    e: Enrollment, user: User, org_name: str | None, slug: str, code: str | None
) -> EnrollmentOut:
    assert e.id is not None
    assert user.id is not None
    return EnrollmentOut(
        id=e.id,
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        organization_id=user.organization_id,
        organization=org_name,
        job_role=user.job_role,
        course=slug,
        cohort=e.cohort,
        active=e.active,
        enrolled_at=e.enrolled_at,
        unenrolled_at=e.unenrolled_at,
        percent=e.percent,
        completed_at=e.completed_at,
        certificate_code=code,
        updated_at=e.updated_at,
    )
