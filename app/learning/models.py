"""Enrollments and the denormalised progress stored on them."""

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
    cohort: str | None = Field(default=None, max_length=64, index=True)
    active: bool = True  # False after unenrolling; re-enrolling restores everything
    enrolled_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    unenrolled_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # Denormalised progress, written in the same transaction as the event that changed it.
    percent: int = 0
    completed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    last_module_id: str | None = Field(default=None, max_length=100)
    last_activity_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
