"""End-of-course feedback: one response per enrollment, one row per rated statement."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from app.db import utc_column, utcnow


class SurveyResponse(SQLModel, table=True):
    """A learner's feedback on one course; editable until ``submitted_at`` is set."""

    __tablename__ = "survey_response"

    id: int | None = Field(default=None, primary_key=True)
    enrollment_id: int = Field(foreign_key="enrollment.id", unique=True)
    course_id: int = Field(foreign_key="course.id", index=True)
    comment: str | None = Field(default=None, max_length=5000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    submitted_at: datetime | None = Field(
        default=None, sa_column=utc_column(nullable=True, index=True)
    )


class SurveyAnswer(SQLModel, table=True):
    """One 5-point agreement rating: 1 strongly disagree ... 5 strongly agree."""

    __tablename__ = "survey_answer"
    __table_args__ = (UniqueConstraint("response_id", "item_id"),)

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="survey_response.id", index=True)
    item_id: str = Field(max_length=100)
    value: int  # 1..5
