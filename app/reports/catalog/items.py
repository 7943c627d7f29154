"""Item analysis of exercises: first-attempt success, attempts needed, hint use, and the most
common wrong answers (only those given by at least the minimum group size of learners)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from sqlmodel import Session, col, select

from app import privacy
from app.content.course import Course, Module
from app.content.models import ActivityRecord
from app.exercises.spec import ExerciseSpec
from app.reports.catalog.exercises import exercise_label
from app.reports.catalog.overview import median
from app.reports.catalog.spec import ReportSpec
from app.reports.charts import Chart, by_course, chart_label, chart_number, chart_spec
from app.reports.figures import read
from app.reports.scope import COURSE_COLUMN, ReportScope
from app.reports.summary_sql import Measure
from app.reports.tables import CellValue, Column, Table, withheld

WRONG_ANSWERS_PER_EXERCISE = 5
ITEM_COLUMNS = (
    COURSE_COLUMN,
    Column("module", "Module"),
    Column("exercise", "Exercise", row_header=True),
    Column("attempted", "Learners who attempted", "count"),
    Column("first_correct", "Correct on first attempt (%)", "percent"),
    Column("median_tries", "Median attempts to correct", "decimal"),
    Column("hint_use", "Opened at least one hint (%)", "percent"),
)
WRONG_ANSWER_COLUMNS = (
    COURSE_COLUMN,
    Column("exercise", "Exercise"),
    Column("answer", "Wrong answer (as normalised)", row_header=True),
    Column("learners", "Learners who gave it", "count"),
)


def _exercises(
    session: Session, scope: ReportScope
) -> Iterator[tuple[int, Course, Module, ExerciseSpec, int | None]]:
    """Each exercise of the chosen courses in course order, with its course and activity row
    ids."""
    ids = {
        (course_id, stable_id): activity_id
        for activity_id, course_id, stable_id in session.exec(
            select(ActivityRecord.id, ActivityRecord.course_id, ActivityRecord.stable_id).where(
                col(ActivityRecord.course_id).in_([cid for cid, _ in scope.courses]),
                ActivityRecord.kind == "exercise",
            )
        )
    }
    for course_id, course in scope.courses:
        for module in course.modules:
            for block in module.blocks:
                if isinstance(block, ExerciseSpec):
                    yield course_id, course, module, block, ids.get((course_id, block.id))


def _first_attempts(session: Session, scope: ReportScope) -> dict[int, tuple[int, int, int]]:
    """Per activity id: learners who attempted, right first time, with a hint opened."""
    measures = [Measure.attempted, Measure.first_correct, Measure.hinted]
    found: dict[int, list[int]] = {}
    for measure, _, _, activity, n in read(session, scope, measures):
        found.setdefault(activity, [0, 0, 0])[measures.index(Measure(measure))] += int(n)
    return {activity: (a, b, c) for activity, (a, b, c) in found.items()}


def _tries_to_correct(session: Session, scope: ReportScope) -> dict[int, Counter[int]]:
    """Per activity id, a histogram {attempt number of the correct answer: learners}.

    Nothing is stored after a correct attempt, so its number is the attempts it took.
    """
    found: dict[int, Counter[int]] = {}
    for _, _, number, activity, n in read(session, scope, [Measure.tries_to_correct]):
        found.setdefault(activity, Counter())[int(number)] += int(n)
    return found


def item_analysis_table(session: Session, scope: ReportScope) -> Table:
    """One row per exercise (as in the exercises table): how hard it was and how it was met."""
    table = ITEM_ANALYSIS.table()
    firsts = _first_attempts(session, scope)
    tries = _tries_to_correct(session, scope)
    group = scope.restricted
    for course_id, course, module, block, activity in _exercises(session, scope):
        learners, right, hinted = firsts.get(activity, (0, 0, 0)) if activity else (0, 0, 0)
        figures: tuple[CellValue, ...]
        hidden = scope.withheld(learners, course_id)
        if hidden is not None:
            figures = (hidden,) * 4
        elif learners == 0:
            figures = (0, None, None, None)
        else:
            figures = (
                learners,
                privacy.rate_cell(right, learners, group=group),
                median(tries.get(activity, Counter())) if activity else None,
                # No hints to open: no figure.
                privacy.rate_cell(hinted, learners, group=group) if block.hints_html else None,
            )
        table.rows.append((course.title, module.title, exercise_label(block), *figures))
    return table


def wrong_answers_table(session: Session, scope: ReportScope) -> Table:
    """Per exercise, the wrong answers most learners gave (at least ``min_n`` learners each,
    at most five, most common first): free text from fewer learners could name them."""
    table = WRONG_ANSWERS.table()
    answers: dict[int, list[tuple[int, str]]] = {}
    for _, _, answer, activity, n in read(session, scope, [Measure.wrong_answer]):
        if answer and n >= scope.min_n:  # learners per answer, summed over every group
            answers.setdefault(activity, []).append((int(n), answer))
    for course_id, course, _module, block, activity in _exercises(session, scope):
        if course_id in scope.narrowed:
            continue  # a narrowed view a wider one would give away shows no answers
        common = sorted(answers.get(activity, []) if activity else [], key=lambda a: (-a[0], a[1]))
        for n, answer in common[:WRONG_ANSWERS_PER_EXERCISE]:
            table.rows.append((course.title, exercise_label(block), answer, n))
    return table


def item_charts(table: Table) -> list[Chart]:
    """Per course: a bar per exercise of the share right on the first attempt."""
    charts = []
    for index, (course, rows) in enumerate(by_course(table).items()):
        values: list[dict[str, Any]] = []
        left_out = sum(withheld(row[4]) for row in rows)
        for row in rows:
            share = chart_number(row[4], "percent")
            if share is not None:
                label = str(row[2])
                values.append(
                    {"id": label.split(":")[0], "exercise": label, "first_correct": share}
                )
        title = f"Correct on first attempt, by exercise: {course}"
        summary = ""
        if values:
            hardest = min(values, key=lambda v: v["first_correct"])
            summary = (
                f" {len(values)} exercises drawn; the lowest is “{hardest['exercise']}” at"
                f" {hardest['first_correct']:.1f}%. Exercises nobody attempted are left out."
            )
        label = chart_label("Bar chart", title, summary, left_out)
        spec = chart_spec(
            course,
            title,
            label,
            values,
            mark={"type": "bar"},
            encoding={
                # The exercise's id names its bar (the table also has the prompt's start).
                "y": {
                    "field": "id",
                    "type": "nominal",
                    "sort": [v["id"] for v in values],
                    "title": None,
                },
                "x": {
                    "field": "first_correct",
                    "type": "quantitative",
                    "title": "Correct on first attempt (%)",
                    "scale": {"domain": [0, 100]},
                },
            },
        )
        charts.append(Chart(f"chart-items-{index}", table.name, course, label, spec, left_out))
    return charts


def _wrong_answers_note(min_n: int) -> str:
    return (
        f"Only answers given by at least {min_n} learners are listed (at most five per"
        " exercise, most common first): less common answers are hidden to protect the"
        " learners who gave them."
    )


ITEM_ANALYSIS = ReportSpec(
    "item-analysis",
    "Item analysis",
    ITEM_COLUMNS,
    (privacy.Suppression.VIEW,),
    build=item_analysis_table,
    page="exercises",
    position=1,
    chart=item_charts,
)
WRONG_ANSWERS = ReportSpec(
    "wrong-answers",
    "Most common wrong answers",
    WRONG_ANSWER_COLUMNS,
    (privacy.Suppression.LISTED,),
    build=wrong_answers_table,
    page="exercises",
    position=2,
    note=_wrong_answers_note,
)
REPORTS = (ITEM_ANALYSIS, WRONG_ANSWERS)
