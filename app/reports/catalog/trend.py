"""Enrollments and completions per week (ISO weeks, starting Monday, UTC) for each course."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from app import privacy
from app.db import utcnow
from app.reports.catalog.spec import ReportSpec
from app.reports.charts import Chart, by_course, chart_label, chart_number, chart_spec
from app.reports.figures import read
from app.reports.scope import COURSE_COLUMN, ReportScope, small_group
from app.reports.summary_sql import Measure
from app.reports.tables import CellValue, Column, Hidden, Table, withheld

TREND_COLUMNS = (
    COURSE_COLUMN,
    Column("week", "Week starting", row_header=True),
    Column("enrolled", "Enrollments", "count"),
    Column("completed", "Completions", "count"),
)


def week_start(day: date) -> date:
    """The Monday that starts ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def _per_week(session: Session, scope: ReportScope, measure: Measure) -> dict[int, Counter[date]]:
    """How many matching enrollments started (or completed) in each week, per course id
    (``enrolled_week`` / ``completed_week``: the Monday of the week, UTC)."""
    weeks: dict[int, Counter[date]] = {}
    for _, course_id, monday, _, n in read(session, scope, [measure]):
        weeks.setdefault(course_id, Counter())[date.fromisoformat(monday)] += int(n)
    return weeks


def _protect(counts: list[int], min_n: int, *, course_hidden: Hidden | None) -> list[CellValue]:
    """A restricted report's weekly counts: all of them, or none.

    The overview on the same page shows the course total, so hiding single small weeks
    does not work: the hidden cells can be solved from the total (several hidden weeks
    that add up to a small total are each 1), and a complementary hidden week is told apart
    by its label. So when any week of a series is a small group (or the course itself is
    hidden in the overview), the whole series is hidden, zeros included.
    """
    if course_hidden is not None:
        return [course_hidden] * len(counts)
    if any(0 < n < min_n for n in counts):
        return [small_group(min_n)] * len(counts)
    return list(counts)


def trend_table(session: Session, scope: ReportScope) -> Table:
    """One row per course per week, from the week of its first matching enrollment to now."""
    table = TREND.table()
    enrolled = _per_week(session, scope, Measure.enrolled_week)
    completed = _per_week(session, scope, Measure.completed_week)
    this_week = week_start(utcnow().date())
    for course_id, course in scope.courses:
        started = enrolled.get(course_id)
        if not started:
            continue
        done = completed.get(course_id, Counter())
        table.described += sum(started.values())
        weeks = []
        week = min(started)
        while week <= this_week:
            weeks.append(week)
            week += timedelta(days=7)
        enrolled_cells: list[CellValue] = [started[w] for w in weeks]
        completed_cells: list[CellValue] = [done[w] for w in weeks]
        if scope.restricted:
            hidden = scope.withheld(sum(started.values()), course_id)
            enrolled_cells = _protect(
                [started[w] for w in weeks], scope.min_n, course_hidden=hidden
            )
            completed_cells = _protect([done[w] for w in weeks], scope.min_n, course_hidden=hidden)
        for week, n_enrolled, n_completed in zip(
            weeks, enrolled_cells, completed_cells, strict=True
        ):
            table.rows.append((course.title, week.isoformat(), n_enrolled, n_completed))
    return table


SERIES = ["Enrollments", "Completions"]


def _week_axis(weeks: list[str]) -> dict[str, Any]:
    """Ticks on the Mondays themselves while there are few weeks (Vega's own weeks start on
    Sunday); over longer spans, Vega's month ticks."""
    axis: dict[str, Any] = {"format": "%d %b %Y", "labelAngle": 0}
    if len(weeks) <= 8:
        axis["values"] = [
            {"year": int(w[:4]), "month": int(w[5:7]), "date": int(w[8:10]), "utc": True}
            for w in weeks
        ]
    return axis


def _peak(rows: list[tuple[Any, ...]]) -> str:
    """The week with the most enrollments shown, and the latest week, as a sentence."""
    shown = [(int(n), str(week)) for _, week, n, *_ in rows if chart_number(n, "count") is not None]
    if not shown:
        return ""
    most, week = max(shown)
    latest_n, latest = shown[-1]
    text = f" Most enrollments: {most:,} in the week starting {week}."
    if latest != week:
        text += f" Latest week shown ({latest}): {latest_n:,}."
    return text


def trend_charts(table: Table) -> list[Chart]:
    """Per course: a line each for enrollments and completions per week (gaps where hidden)."""
    charts = []
    for index, (course, rows) in enumerate(by_course(table).items()):
        values: list[dict[str, Any]] = []
        left_out = 0
        totals = {"Enrollments": 0, "Completions": 0}
        for row in rows:
            for series, value in (("Enrollments", row[2]), ("Completions", row[3])):
                count = chart_number(value, "count")
                left_out += withheld(value)
                totals[series] += int(count or 0)
                values.append({"week": row[1], "series": series, "count": count})
        title = f"Enrollments and completions per week: {course}"
        summary = (
            f" Weeks starting {rows[0][1]} to {rows[-1][1]}: {totals['Enrollments']:,} enrollments"
            f" and {totals['Completions']:,} completions shown." + _peak(rows)
        )
        label = chart_label("Line chart", title, summary, left_out)
        spec = chart_spec(
            course,
            title,
            label,
            values,
            mark={"type": "line", "point": True, "invalid": "break-paths-show-domains"},
            encoding={
                "x": {
                    "field": "week",
                    "type": "temporal",
                    "timeUnit": "utcyearmonthdate",
                    "title": "Week starting",
                    "axis": _week_axis([str(row[1]) for row in rows]),
                },
                "y": {"field": "count", "type": "quantitative", "title": "Learners"},
                "color": {"field": "series", "type": "nominal", "title": None, "sort": SERIES},
                "strokeDash": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "sort": SERIES,
                },
            },
        )
        charts.append(Chart(f"chart-trend-{index}", table.name, course, label, spec, left_out))
    return charts


TREND = ReportSpec(
    "trend",
    "Enrollments and completions per week",
    TREND_COLUMNS,
    (privacy.Suppression.VIEW, privacy.Suppression.SERIES),
    build=trend_table,
    page="overview",
    position=2,
    chart=trend_charts,
)
REPORTS = (TREND,)
