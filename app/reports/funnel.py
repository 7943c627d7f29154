"""The module funnel: per module of each course, how many learners opened it and completed it,
so authors see where learners stop."""

from __future__ import annotations

from sqlalchemy import case, func, or_
from sqlmodel import Session, col, select

from app.learning.models import Enrollment, ModuleProgress
from app.reports.scope import COURSE_COLUMN, ReportScope, small_group
from app.reports.tables import CellValue, Column, Table

FUNNEL_COLUMNS = (
    COURSE_COLUMN,
    Column("module", "Module"),
    Column("opened", "Learners who opened", "count"),
    Column("completed", "Learners who completed", "count"),
    Column("completed_share", "Completed, of those enrolled (%)", "percent"),
)


def _enrolled(session: Session, scope: ReportScope) -> dict[int, int]:
    """Matching enrollments per course id."""
    stmt = scope.restrict(
        select(col(Enrollment.course_id), func.count(col(Enrollment.id))).select_from(Enrollment)
    ).group_by(col(Enrollment.course_id))
    return {course_id: int(n) for course_id, n in session.exec(stmt)}


def _module_counts(session: Session, scope: ReportScope) -> dict[tuple[int, str], tuple[int, int]]:
    """(opened, completed) per (course id, stored module id) over the matching enrollments.

    A module counts as opened when the learner viewed it or it was completed (an activity
    answered elsewhere can complete it before a recorded visit).
    """
    progress = ModuleProgress
    stmt = (
        scope.restrict(
            select(
                col(Enrollment.course_id),
                col(progress.module_id),
                func.count(col(progress.id)),
                func.sum(case((col(progress.completed_at).is_not(None), 1), else_=0)),
            )
            .select_from(progress)
            .join(Enrollment, col(Enrollment.id) == col(progress.enrollment_id))
        )
        .where(
            or_(col(progress.first_viewed_at).is_not(None), col(progress.completed_at).is_not(None))
        )
        .group_by(col(Enrollment.course_id), col(progress.module_id))
    )
    return {
        (course_id, module_id): (int(opened), int(completed or 0))
        for course_id, module_id, opened, completed in session.exec(stmt)
    }


def funnel_table(session: Session, scope: ReportScope) -> Table:
    """One row per module of each chosen course, in course order."""
    table = Table("funnel", "Module funnel: where learners stop", FUNNEL_COLUMNS)
    enrolled = _enrolled(session, scope)
    counts = _module_counts(session, scope)
    for course_id, course in scope.courses:
        n = enrolled.get(course_id, 0)
        table.described += n
        for module in course.modules:
            opened = completed = 0
            # Progress rows keep the id the module had when they were written; follow renames.
            for module_id in (module.id, *module.previous_ids):
                o, c = counts.get((course_id, module_id), (0, 0))
                opened, completed = opened + o, completed + c
            figures: tuple[CellValue, ...]
            if scope.hide_small(n):
                figures = (small_group(scope.min_n),) * 3
            else:
                figures = (opened, completed, 100 * completed / n if n else None)
            table.rows.append((course.title, module.title, *figures))
    return table
