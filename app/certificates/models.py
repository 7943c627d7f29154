"""Issued certificates: a snapshot of what was certified, and its revocation."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.db import utc_column, utcnow


class Certificate(SQLModel, table=True):
    """A certificate of completion; name, title and hours are copied at issue time."""

    __tablename__ = "certificate"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)  # the public verification code
    enrollment_id: int = Field(foreign_key="enrollment.id", unique=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    course_id: int = Field(foreign_key="course.id", index=True)
    name: str = Field(max_length=200)  # as confirmed by the learner
    course_title: str = Field(max_length=300)
    hours: float
    completed_at: datetime = Field(sa_column=utc_column())
    issued_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    revoked_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    revoked_reason: str | None = Field(default=None, max_length=1000)
    revoked_by_id: int | None = Field(default=None, foreign_key="user_account.id")
