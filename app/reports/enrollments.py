"""The enrollment-level export: one row per matching enrollment (CSV only)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.accounts.models import JOB_ROLE_LABELS, Organization, User
from app.certificates.models import Certificate
from app.learning.models import Enrollment
from app.reports.scope import COURSE_COLUMN, ReportScope, unrevoked_certificate
from app.reports.tables import Column, Table


def enrollments_table(session: Session, scope: ReportScope) -> Table:
    """Every matching enrollment: learner, course, cohort, dates, progress, certificate."""
    table = Table(
        "enrollments",
        "Enrollments",
        (
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
        ),
    )
    titles = scope.titles
    stmt = (
        scope.restrict(
            select(  # type: ignore[call-overload]
                User.display_name,
                User.email,
                Organization.name,
                User.job_role,
                Enrollment.course_id,
                Enrollment.cohort,
                Enrollment.enrolled_at,
                Enrollment.percent,
                Enrollment.completed_at,
                Certificate.code,
            ).select_from(Enrollment)
        )
        .outerjoin(Organization, col(Organization.id) == col(User.organization_id))
        .outerjoin(Certificate, unrevoked_certificate())
        .order_by(col(Enrollment.course_id), col(User.display_name), col(Enrollment.id))
    )
    for name, email, org, job_role, course_id, cohort, enrolled, pct, done, code in session.exec(
        stmt
    ):
        table.rows.append(
            (
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
        )
    return table
