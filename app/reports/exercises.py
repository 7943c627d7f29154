"""The exercises report: per exercise, learners who attempted, correct first time and
eventually, and mean attempts."""

from __future__ import annotations

from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select

from app.content.models import ActivityRecord
from app.content.plaintext import html_to_text
from app.exercises.models import ExerciseAttempt
from app.exercises.spec import ExerciseSpec
from app.learning.models import Enrollment
from app.reports.scope import COURSE_COLUMN, ReportScope, small_group
from app.reports.tables import CellValue, Column, Table


def exercises_table(session: Session, scope: ReportScope) -> Table:
    """One row per exercise of the chosen courses, in course order."""
    table = Table(
        "exercises",
        "Exercises",
        (
            COURSE_COLUMN,
            Column("module", "Module"),
            Column("exercise", "Exercise"),
            Column("attempted", "Learners who attempted", "count"),
            Column("first_correct", "Correct on first attempt (%)", "percent"),
            Column("eventually_correct", "Correct eventually (%)", "percent"),
            Column("mean_attempts", "Mean attempts", "decimal"),
        ),
    )
    ids = dict(
        (
            (course_id, stable_id),
            activity_id,
        )
        for activity_id, course_id, stable_id in session.exec(
            select(ActivityRecord.id, ActivityRecord.course_id, ActivityRecord.stable_id).where(
                col(ActivityRecord.course_id).in_([cid for cid, _ in scope.courses]),
                ActivityRecord.kind == "exercise",
            )
        )
    )
    # The exercises domain numbers each learner's attempts from 1 and stores nothing after a
    # correct one, so sums give learners, first-time and eventual successes without a
    # COUNT(DISTINCT) (measured about twice as fast on SQLite).
    attempt = ExerciseAttempt
    first = col(attempt.number) == 1
    right = col(attempt.correct).is_(True)
    stmt = scope.restrict(
        select(  # type: ignore[call-overload]
            attempt.activity_id,
            func.sum(case((first, 1), else_=0)),
            func.sum(case((and_(first, right), 1), else_=0)),
            func.sum(case((right, 1), else_=0)),
            func.count(col(attempt.id)),
        ).join(Enrollment, col(Enrollment.id) == col(attempt.enrollment_id))
    ).group_by(attempt.activity_id)
    stats = {row[0]: row[1:] for row in session.exec(stmt)}
    for course_id, course in scope.courses:
        for module in course.modules:
            for block in module.blocks:
                if not isinstance(block, ExerciseSpec):
                    continue
                label = exercise_label(block)
                learners, first, eventually, attempts = stats.get(
                    ids.get((course_id, block.id)), (0, 0, 0, 0)
                )
                if scope.hide_small(learners):
                    figures: tuple[CellValue, ...] = (small_group(scope.min_n),) * 4
                elif learners == 0:
                    figures = (0, None, None, None)
                else:
                    figures = (
                        learners,
                        100 * (first or 0) / learners,
                        100 * eventually / learners,
                        attempts / learners,
                    )
                table.rows.append((course.title, module.title, label, *figures))
    return table


def exercise_label(block: ExerciseSpec) -> str:
    """How reports name an exercise: its id and the start of its prompt (no answer, no hint)."""
    return f"{block.id}: {_short(html_to_text(block.prompt_html))}"


def _short(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
