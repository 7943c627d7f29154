"""The module funnel: per module of each course, how many learners opened it and completed it,
so authors see where the course loses learners (a signal about module design and time)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app import privacy
from app.reports.catalog.spec import ReportSpec
from app.reports.charts import Chart, by_course, chart_label, chart_spec
from app.reports.figures import read
from app.reports.scope import COURSE_COLUMN, ReportScope
from app.reports.summary_sql import Measure
from app.reports.tables import CellValue, Column, Table, withheld

FUNNEL_COLUMNS = (
    COURSE_COLUMN,
    Column("module", "Module", row_header=True),
    Column("opened", "Learners who opened", "count"),
    Column("completed", "Learners who completed", "count"),
    Column("completed_share", "Completed, of those enrolled (%)", "percent"),
)


def _enrolled(session: Session, scope: ReportScope) -> dict[int, int]:
    """Matching enrollments per course id."""
    enrolled: dict[int, int] = {}
    for _, course_id, _, _, n in read(session, scope, [Measure.enrolled]):
        enrolled[course_id] = enrolled.get(course_id, 0) + int(n)
    return enrolled


def _module_counts(session: Session, scope: ReportScope) -> dict[tuple[int, str], tuple[int, int]]:
    """(opened, completed) per (course id, stored module id) over the matching enrollments.

    A module counts as opened when the learner viewed it or it was completed (an activity
    answered elsewhere can complete it before a recorded visit): ``Measure.module_opened``.
    """
    found: dict[tuple[int, str], list[int]] = {}
    measures = [Measure.module_opened, Measure.module_completed]
    for measure, course_id, module_id, _, n in read(session, scope, measures):
        pair = found.setdefault((course_id, module_id), [0, 0])
        pair[0 if measure == Measure.module_opened else 1] += int(n)
    return {key: (opened, completed) for key, (opened, completed) in found.items()}


def funnel_table(session: Session, scope: ReportScope) -> Table:
    """One row per module of each chosen course, in course order."""
    table = FUNNEL.table()
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
            hidden = scope.withheld(n, course_id)
            group = scope.restricted
            if hidden is not None:
                figures = (hidden,) * 3
            else:
                figures = (
                    privacy.count_cell(opened, n, group=group),
                    privacy.count_cell(completed, n, group=group),
                    privacy.rate_cell(completed, n, group=group),
                )
            table.rows.append((course.title, module.title, *figures))
    return table


def funnel_charts(table: Table) -> list[Chart]:
    """Per course: bars of learners who opened and who completed each module."""
    charts = []
    for index, (course, rows) in enumerate(by_course(table).items()):
        values: list[dict[str, Any]] = []
        left_out = 0
        for row in rows:
            for measure, value in (("Opened", row[2]), ("Completed", row[3])):
                if withheld(value):
                    left_out += 1
                elif isinstance(value, int):
                    values.append({"module": row[1], "measure": measure, "learners": value})
        opened = [(str(r[1]), r[2]) for r in rows if isinstance(r[2], int)]
        summary = ""
        drops = [
            (before - after, name, before, after)
            for (_, before), (name, after) in zip(opened, opened[1:], strict=False)
            if isinstance(before, int) and isinstance(after, int)
        ]
        if drops and max(drops)[0] > 0:
            _, name, before, after = max(drops)
            summary = (
                f" The biggest drop is at “{name}”: opened by {after} after {before}"
                " opened the module before it."
            )
        title = f"Learners who opened and completed each module: {course}"
        label = chart_label("Bar chart", title, summary, left_out)
        order = list(dict.fromkeys(str(r[1]) for r in rows))
        spec = chart_spec(
            course,
            title,
            label,
            values,
            mark={"type": "bar"},
            encoding={
                "y": {"field": "module", "type": "nominal", "sort": order, "title": None},
                "yOffset": {"field": "measure", "sort": ["Opened", "Completed"]},
                "x": {"field": "learners", "type": "quantitative", "title": "Learners"},
                "color": {
                    "field": "measure",
                    "type": "nominal",
                    "title": None,
                    "sort": ["Opened", "Completed"],
                },
            },
        )
        charts.append(Chart(f"chart-funnel-{index}", table.name, course, label, spec, left_out))
    return charts


FUNNEL = ReportSpec(
    "funnel",
    "Module funnel: where the course loses learners",
    FUNNEL_COLUMNS,
    (privacy.Suppression.VIEW,),
    build=funnel_table,
    page="overview",
    position=1,
    chart=funnel_charts,
)
REPORTS = (FUNNEL,)
