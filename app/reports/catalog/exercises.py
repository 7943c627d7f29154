"""The exercises report: per exercise, learners who attempted, correct first time and
eventually, and mean attempts."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app import privacy
from app.content.models import ActivityRecord
from app.content.plaintext import html_to_text
from app.exercises.spec import ExerciseSpec
from app.reports.catalog.spec import ReportSpec
from app.reports.figures import read as read_figures
from app.reports.scope import COURSE_COLUMN, ReportScope
from app.reports.summary_sql import Measure
from app.reports.tables import CellValue, Column, Table

# In the order of the figures below; the exercises domain numbers each learner's attempts
# from 1 and stores nothing after a correct one (app/reports/summary_sql.py).
_MEASURES = (Measure.attempted, Measure.first_correct, Measure.correct, Measure.attempts)


def exercises_table(session: Session, scope: ReportScope) -> Table:
    """One row per exercise of the chosen courses, in course order."""
    table = EXERCISES.table()
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
    stats: dict[int, dict[str, int]] = {}
    for measure, _course, _key, activity, n in read_figures(session, scope, _MEASURES):
        stats.setdefault(activity, {})[measure] = int(n)
    for course_id, course in scope.courses:
        for module in course.modules:
            for block in module.blocks:
                if not isinstance(block, ExerciseSpec):
                    continue
                label = exercise_label(block)
                found = stats.get(ids.get((course_id, block.id)) or -1, {})
                learners, first, eventually, attempts = (found.get(m, 0) for m in _MEASURES)
                hidden = scope.withheld(learners, course_id)
                group = scope.restricted
                if hidden is not None:
                    figures: tuple[CellValue, ...] = (hidden,) * 4
                elif learners == 0:
                    figures = (0, None, None, None)
                else:
                    figures = (
                        learners,
                        privacy.rate_cell(first, learners, group=group),
                        privacy.rate_cell(eventually, learners, group=group),
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


EXERCISES = ReportSpec(
    "exercises",
    "Exercises",
    (
        COURSE_COLUMN,
        Column("module", "Module"),
        Column("exercise", "Exercise", row_header=True),
        Column("attempted", "Learners who attempted", "count"),
        Column("first_correct", "Correct on first attempt (%)", "percent"),
        Column("eventually_correct", "Correct eventually (%)", "percent"),
        Column("mean_attempts", "Mean attempts", "decimal"),
    ),
    (privacy.Suppression.VIEW,),
    build=exercises_table,
    page="exercises",
    position=0,
)
REPORTS = (EXERCISES,)
