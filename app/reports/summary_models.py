"""The report summary table: counts kept as learners act (app/reports/summary_tracking.py).

One row per (measure, course, learner group, key, value): how many enrollments (or, for
``attempts``, how many attempts) of that group have that measure. A group is the learner's
organization (0: none), job role and cohort ("": none), the dimensions every report filters
and breaks down by. ``key`` and ``value`` say what is counted: a day or week (text,
YYYY-MM-DD), a module id, a survey item, an exercise's activity id, a wrong answer. Each
group's rows are also summed into roll-ups over any subset of the three group columns.
"""

from __future__ import annotations

from sqlmodel import Field, Index, SQLModel, UniqueConstraint


class ReportSummary(SQLModel, table=True):
    __tablename__ = "report_summary"
    __table_args__ = (
        UniqueConstraint(
            "measure", "course_id", "key", "value", "organization_id", "job_role", "cohort"
        ),
        # A report reads one roll-up level of a few measures of its courses.
        Index(
            "ix_report_summary_level",
            "level",
            "measure",
            "course_id",
            "organization_id",
            "job_role",
            "cohort",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    measure: str = Field(max_length=24)
    course_id: int
    key: str = Field(default="", max_length=500)
    value: int = 0
    organization_id: int = 0
    job_role: str = Field(default="", max_length=40)
    cohort: str = Field(default="", max_length=64)
    n: int = 0
    # Which group columns this row keeps (1 organization, 2 job role, 4 cohort); the others
    # hold "any" (-1, "*"): the table stores every roll-up, so a report reads only its own.
    level: int = 7
