"""The assignment table: a course, or some of its modules, due for a cohort's learners."""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, Text
from sqlmodel import Field, SQLModel

from app.db import utc_column, utcnow


class DueKind(StrEnum):
    """How an assignment's due date is given."""

    fixed = "fixed"  # one date for everyone: ``due_on``
    relative = "relative"  # ``due_days`` after each learner joined (Open edX's relative dates)


class Assignment(SQLModel, table=True):
    """Work assigned to one cohort. ``module_ids`` is a JSON list of stable module ids; an
    empty list means the whole course."""

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True)
    course_id: int = Field(foreign_key="course.id", index=True)
    module_ids: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    due_kind: str = Field(max_length=10)  # a DueKind value
    due_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    due_days: int | None = Field(default=None)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())

    @property
    def modules(self) -> list[str]:
        """The assigned modules' stable ids; empty: the whole course."""
        found = json.loads(self.module_ids or "[]")
        return [str(m) for m in found]
