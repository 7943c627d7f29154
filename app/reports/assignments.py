"""On-time, late and overdue counts per assignment of a cohort, for the page and the CSV.

A row describes the cohort's learners on one assignment; a cohort of fewer than the minimum
group size has its counts hidden, by the same small-n rule and wording as every report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date

from sqlmodel import Session

from app.assignments import service as assignments
from app.content.course import Course
from app.db import id_of
from app.orgs.models import Cohort
from app.privacy.suppression import suppress
from app.reports.scope import small_group
from app.reports.tables import CellValue, Column, Table

_COUNTS = ("on_time", "late", "overdue", "open")
COLUMNS = (
    Column("assignment", "Assignment", row_header=True),
    Column("due", "Due"),
    Column("learners", "Learners", "count"),
    *(Column(key, assignments.STANDING_LABELS[key], "count") for key in _COUNTS),
)


def assignment_report(
    session: Session, *, cohort: Cohort, courses: Mapping[str, Course], min_n: int, today: date
) -> Table:
    """One row per assignment of the cohort: how many learners did it on time, late, are
    overdue, or have it still open (hidden for a group smaller than ``min_n``). ``courses``:
    the loaded courses by slug (the registry's)."""
    views = assignments.cohort_assignments(session, cohort_id=id_of(cohort))
    found = assignments.standings(
        session,
        assignments=[v.assignment for v in views],
        today=today,
        courses=assignments.courses_by_id(session, courses=courses),
    )
    table = Table(f"assignments-{cohort.code}", f"Assignments of {cohort.name}", COLUMNS)
    for view in views:
        counts: Counter[str] = Counter(
            d.standing for d in found if d.assignment.id == view.assignment.id
        )
        n = sum(counts.values())
        statuses, _ = suppress(
            labels=[(view.what,)],
            ns=[n],
            outcomes=None,
            total_n=n,
            total_outcome=None,
            min_n=min_n,
            coding=0,
        )
        figures: list[CellValue] = (
            [counts[key] for key in _COUNTS]
            if statuses == ["shown"]
            else [small_group(min_n)] * len(_COUNTS)
        )
        table.rows.append(
            (view.what, view.when, n if statuses == ["shown"] else figures[0], *figures)
        )
        table.described += n
    return table
