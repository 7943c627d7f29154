"""What a report covers: the chosen courses, the filters and the staff member's scope.

Every report selects enrollments through ``ReportScope.restrict``: active enrollments of the
chosen courses, of learners inside the staff member's organization scope, matching the
filters. The filter form's choices are limited to the same scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app import privacy
from app.accounts.models import Organization, User
from app.accounts.staff_scope import organization_scope, scope_condition
from app.certificates.models import Certificate
from app.content.course import Course
from app.content.models import CourseRecord
from app.db import within_days
from app.learning.models import Enrollment
from app.orgs.cohorts import cohort_names
from app.reports import summary_store
from app.reports.filters import JOB_ROLE_CHOICES, FilterChoices, ReportFilters
from app.reports.summary_models import ReportSummary
from app.reports.summary_sql import Measure
from app.reports.tables import Column, Hidden

COURSE_COLUMN = Column("course", "Course")


def small_group(min_n: int) -> Hidden:
    """The cell shown instead of a figure about fewer than ``min_n`` learners."""
    return Hidden(privacy.fewer_than(min_n))


NARROWED = Hidden(privacy.NARROWED)


def unrevoked_certificate() -> Any:
    """The ON clause joining an enrollment to its certificate, if one is issued and standing."""
    return and_(
        col(Certificate.enrollment_id) == col(Enrollment.id),
        col(Certificate.revoked_at).is_(None),
    )


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: the courses (in display order) and the filters, for one staff."""

    staff: User
    filters: ReportFilters
    courses: list[tuple[int, Course]]  # (course row id, course)
    min_n: int
    row_limit: int | None = None  # lists (comments) keep their first rows only, for a page
    # Courses whose narrowed view the differencing rule hides (app/reports/differencing.py).
    narrowed: frozenset[int] = frozenset()

    @property
    def restricted(self) -> bool:
        """True when the whole report describes a group: a one-organization scope, or a
        filter by organization, job role, cohort or enrollment date (a one-day window can be
        one person)."""
        f = self.filters
        return (
            f.narrows_to_group
            or f.enrolled_from is not None
            or f.enrolled_to is not None
            or organization_scope(self.staff) is not None
        )

    @property
    def titles(self) -> dict[int, str]:
        """Course titles by course row id."""
        return {course_id: course.title for course_id, course in self.courses}

    def conditions(self) -> list[Any]:
        """WHERE conditions selecting the enrollments this report describes."""
        f = self.filters
        conds: list[Any] = [
            col(Enrollment.active).is_(True),
            col(Enrollment.course_id).in_([cid for cid, _ in self.courses]),
        ]
        scope = scope_condition(self.staff, User.organization_id)
        if scope is not None:
            conds.append(scope)
        if f.organization_id is not None:
            conds.append(col(User.organization_id) == f.organization_id)
        if f.job_role:
            conds.append(col(User.job_role) == f.job_role)
        if f.cohort:
            conds.append(col(Enrollment.cohort) == f.cohort)
        conds.extend(within_days(Enrollment.enrolled_at, f.enrolled_from, f.enrolled_to))
        return conds

    def restrict(self, stmt: Any) -> Any:
        """``stmt`` (with ``Enrollment`` in its FROM) joined to the learner and kept in scope."""
        return stmt.join(User, col(User.id) == col(Enrollment.user_id)).where(*self.conditions())

    def hide_small(self, n: int) -> bool:
        """True when a figure about ``n`` learners must be withheld in this report."""
        return self.restricted and privacy.hides(n, min_n=self.min_n)

    def withheld(self, n: int, course_id: int) -> Hidden | None:
        """The cell shown instead of a course's figures about ``n`` learners, or None: a small
        group, or a narrowed view that a wider one would give away."""
        if self.hide_small(n):
            return small_group(self.min_n)
        if course_id in self.narrowed:  # zeros too: 0 here puts the parent's all outside
            return NARROWED
        return None


def report_scope(
    session: Session,
    *,
    staff: User,
    filters: ReportFilters,
    courses: Mapping[str, Course],
    min_n: int,
    row_limit: int | None = None,
) -> ReportScope:
    """The scope of a report: the courses the filters choose that have rows, by title."""
    wanted = [filters.course] if filters.course else list(courses)
    rows = session.exec(
        select(CourseRecord.slug, CourseRecord.id).where(col(CourseRecord.slug).in_(wanted))
    )
    ids = {slug: course_id for slug, course_id in rows if course_id is not None}
    chosen = sorted(
        ((ids[slug], courses[slug]) for slug in wanted if slug in ids and slug in courses),
        key=lambda pair: pair[1].title,
    )
    return ReportScope(
        staff=staff, filters=filters, courses=chosen, min_n=min_n, row_limit=row_limit
    )


def filter_choices(
    session: Session, *, staff: User, courses: Mapping[str, Course]
) -> FilterChoices:
    """Courses, organizations (in scope), job roles and cohorts (in scope) to filter by."""
    scope = organization_scope(staff)
    orgs_stmt = select(Organization.id, Organization.name).order_by(Organization.name)
    if scope is not None:
        orgs_stmt = orgs_stmt.where(Organization.id == scope)
    orgs = [(i, n) for i, n in session.exec(orgs_stmt).all() if i is not None]
    # From the summaries' cohort roll-up (with the organization kept for a one-organization
    # account): a row per cohort, not per learner. Cohorts of enrolled learners.
    summary = ReportSummary.__table__  # type: ignore[attr-defined]
    cohort_stmt = (
        sa_select(summary.c.cohort)
        .where(
            summary.c.measure == Measure.enrolled.value,
            summary.c.n > 0,  # a cohort everyone has left is not a choice
            summary.c.level
            == summary_store.level(["cohort"] if scope is None else ["organization_id", "cohort"]),
            summary.c.cohort != "",
        )
        .distinct()
        .order_by(summary.c.cohort)
    )
    if scope is not None:
        cohort_stmt = cohort_stmt.where(summary.c.organization_id == scope)
    codes = list(session.execute(cohort_stmt).scalars())
    names = cohort_names(session, codes=codes)
    cohorts = sorted(((c, names.get(c, c)) for c in codes), key=lambda pair: pair[1].casefold())
    return FilterChoices(
        courses=[(c.slug, c.title) for c in sorted(courses.values(), key=lambda c: c.title)],
        organizations=orgs,
        job_roles=JOB_ROLE_CHOICES,
        cohorts=cohorts,
        scoped_to=orgs[0][1] if scope is not None and orgs else None,
    )
