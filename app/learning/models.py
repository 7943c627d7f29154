"""Enrollments, the denormalised progress stored on them, and per-module progress rows."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from app.db import utc_column, utcnow


class Enrollment(SQLModel, table=True):
    __tablename__ = "enrollment"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    course_id: int = Field(foreign_key="course.id", index=True)
    cohort: str | None = Field(default=None, max_length=64, index=True, foreign_key="cohort.code")
    active: bool = True  # False after unenrolling; re-enrolling restores everything
    enrolled_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))
    unenrolled_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # Denormalised progress, written in the same transaction as the event that changed it.
    percent: int = 0
    completed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    last_module_id: str | None = Field(default=None, max_length=100)
    last_activity_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=utc_column(index=True, touch=True)
    )


class ModuleProgress(SQLModel, table=True):
    """One learner's visits to, "mark as done" of, and completion of one module.

    ``module_id`` is the module's stable id (renames are followed through ``previous_ids``).
    ``completed_at`` is set once and never cleared: content added later does not take a
    completed module away.
    """

    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("enrollment_id", "module_id"),)

    id: int | None = Field(default=None, primary_key=True)
    enrollment_id: int = Field(foreign_key="enrollment.id", index=True)
    module_id: str = Field(max_length=100)
    first_viewed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    last_viewed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    marked_done_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    completed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
