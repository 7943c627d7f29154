"""The enrollment-level export: one row per matching enrollment (CSV only).

``enrollment_rows`` reads them in batches from a server-side cursor (``yield_per``: a
PostgreSQL named cursor; SQLite steps its statement as rows are fetched), so the streamed
CSV never holds more than one batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlmodel import Session, col, select

from app.accounts.models import JOB_ROLE_LABELS, Organization, User
from app.certificates.models import Certificate
from app.learning.models import Enrollment
from app.reports.scope import COURSE_COLUMN, ReportScope, unrevoked_certificate
from app.reports.tables import CellValue, Column, Table

BATCH_ROWS = 1000
ENROLLMENT_COLUMNS = (
    Column("learner", "Learner name"),
    Column("email", "Email"),
    Column("organization", "Organization"),
    Column("job_role", "Job role"),
    COURSE_COLUMN,
    Column("cohort", "Cohort"),
    Column("enrolled_at", "Enrolled at", "datetime"),
    Column("percent", "Progress (%)", "count"),
    Column("completed_at", "Completed at", "datetime"),
    Column("certificate", "Certificate code"),
)


def enrollment_query(scope: ReportScope, *, times: Callable[[Any], Any] = col) -> Any:
    """The matching enrollments by course, then in the order they enrolled, read
    ``BATCH_ROWS`` at a time.

    ``times`` wraps the two timestamp columns (the CSV stream has the database format them).
    """
    return (
        scope.restrict(
            select(  # type: ignore[call-overload]
                User.display_name,
                User.email,
                Organization.name,
                User.job_role,
                Enrollment.course_id,
                Enrollment.cohort,
                times(Enrollment.enrolled_at),
                Enrollment.percent,
                times(Enrollment.completed_at),
                Certificate.code,
            ).select_from(Enrollment)
        )
        .outerjoin(Organization, col(Organization.id) == col(User.organization_id))
        .outerjoin(Certificate, unrevoked_certificate())
        # By course, then in the order learners enrolled: the course index gives that order
        # (SQLite reads rows as it scans), where sorting a million rows by course and
        # learner name took half the export's time before its first byte.
        .order_by(col(Enrollment.course_id), col(Enrollment.id))
        .execution_options(yield_per=BATCH_ROWS)
    )


def enrollment_rows(session: Session, scope: ReportScope) -> Iterator[tuple[CellValue, ...]]:
    """Every matching enrollment as report cells (names, labels, times), batch by batch."""
    titles = scope.titles
    result = session.exec(enrollment_query(scope))
    try:
        for name, email, org, job_role, course_id, cohort, enrolled, pct, done, code in result:
            yield (
                name,
                email,
                org or "",
                JOB_ROLE_LABELS.get(job_role, job_role),
                titles[course_id],
                cohort or "",
                enrolled,
                pct,
                done,
                code or "",
            )
    finally:
        result.close()  # a stream left early frees its cursor now


def enrollments_table(session: Session, scope: ReportScope) -> Table:
    """Every matching enrollment: learner, course, cohort, dates, progress, certificate."""
    table = Table("enrollments", "Enrollments", ENROLLMENT_COLUMNS)
    table.rows.extend(enrollment_rows(session, scope))
    return table
