"""Exercise attempts and per-learner exercise state (variant, hints revealed).

Rows point at ``enrollment.id`` and ``activity.id`` (stable across renames). An attempt's
``submission_key`` comes from the form, so a double submit of the same form records one
attempt. ``final`` marks the attempt that ended the exercise (correct, or the last allowed),
which is what makes the activity "done" for progress without needing the course content.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel, UniqueConstraint

from app.db import utc_column, utcnow


class ExerciseAttempt(SQLModel, table=True):
    """One graded answer. Format errors are never stored: they do not cost an attempt."""

    __tablename__ = "exercise_attempt"
    __table_args__ = (UniqueConstraint("enrollment_id", "activity_id", "submission_key"),)

    id: int | None = Field(default=None, primary_key=True)
    enrollment_id: int = Field(foreign_key="enrollment.id", index=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    content_hash: str = Field(max_length=64)
    variant: str = Field(default="", max_length=200)
    raw_answer: str = Field(sa_column=Column(Text, nullable=False))
    normalized_answer: str = Field(default="", max_length=500)
    score: float = 0.0
    correct: bool = False
    number: int = 1  # 1 for the first counted attempt
    final: bool = False  # correct, or the last attempt allowed
    submission_key: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))


class ExerciseState(SQLModel, table=True):
    """A learner's standing on one exercise: their variant and how many hints they opened."""

    __tablename__ = "exercise_state"
    __table_args__ = (UniqueConstraint("enrollment_id", "activity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    enrollment_id: int = Field(foreign_key="enrollment.id", index=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    variant: str = Field(default="", max_length=200)
    hints_revealed: int = 0
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
