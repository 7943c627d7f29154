"""The enrollment-level export: one row per matching enrollment (CSV only).

``enrollment_rows`` reads them in batches from a server-side cursor (``yield_per``: a
PostgreSQL named cursor; SQLite steps its statement as rows are fetched), so the streamed
CSV never holds more than one batch.

The CSV is streamed: its rows are read while the response is sent. The stream opens its
own session rather than borrowing the request's. FastAPI 0.165 closes a request-scoped
``yield`` dependency only after the response body is sent (tested in
tests/reports/test_streaming.py), but that order has changed between FastAPI releases
(0.106, 0.118), and a stream that owns its session closes it exactly when the stream ends,
also when the client goes away mid-download.

A million rows must stream at well over 100,000 a second, so this path skips the generic
cell formatting of ``tables``: the database writes the times as ISO 8601 UTC text (the same
text ``tables.csv_text`` gives), labels come from small dictionaries, and only the columns
that hold free text are checked for formula starts (``spreadsheets.csv_lines``). The CSV
equals the one built from ``enrollments_table`` (tested).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app import privacy
from app.accounts.models import JOB_ROLE_LABELS, Organization, User
from app.certificates.models import Certificate
from app.db import open_session
from app.learning.models import Enrollment
from app.reports.catalog.spec import ReportSpec
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
    table = ENROLLMENTS.table()
    table.rows.extend(enrollment_rows(session, scope))
    return table


# Columns that cannot start a formula: job role label, the two times, progress, the code.
PLAIN_COLUMNS = frozenset({3, 6, 7, 8, 9})


def _iso_utc(dialect: str) -> Any:
    """A timestamp column as ``2026-03-01T14:05:00+00:00`` text, formatted by the database."""
    if dialect == "postgresql":
        return lambda column: func.to_char(
            func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'
        )
    return lambda column: func.strftime("%Y-%m-%dT%H:%M:%S+00:00", column)  # stored UTC


def enrollment_csv_rows(engine: Engine, scope: ReportScope) -> Iterator[list[str]]:
    """The header, then each matching enrollment as CSV cells, from a session of its own."""
    yield [c.label for c in ENROLLMENT_COLUMNS]
    titles = scope.titles
    roles = dict(JOB_ROLE_LABELS)
    stmt = enrollment_query(scope, times=_iso_utc(engine.dialect.name))
    with open_session(engine=engine) as session:
        result = session.connection().execute(stmt)
        try:
            for batch in result.partitions():  # BATCH_ROWS rows per fetch, no per-row call
                for name, email, org, role, course_id, cohort, enrolled, pct, done, code in batch:
                    yield [
                        name,
                        email,
                        org or "",
                        roles.get(role, role),
                        titles[course_id],
                        cohort or "",
                        enrolled,
                        str(pct),
                        done or "",
                        code or "",
                    ]
        finally:
            result.close()


ENROLLMENTS = ReportSpec(
    "enrollments",
    "Enrollments",
    ENROLLMENT_COLUMNS,
    (privacy.Suppression.NAMED,),
    build=enrollments_table,
    stream=enrollment_csv_rows,
    plain=PLAIN_COLUMNS,
)
REPORTS = (ENROLLMENTS,)
