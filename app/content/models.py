"""Database rows that give courses, modules and activities stable identities.

Rows are keyed by the authors' stable ids (never file names), so progress survives renames
and reordering. Removed content is retired (``retired_at`` set), never deleted.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from app.db import utc_column, utcnow


class CourseRecord(SQLModel, table=True):
    __tablename__ = "course"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=100, unique=True)
    title: str = Field(max_length=300)
    status: str = Field(max_length=20)  # draft | published
    content_hash: str = Field(max_length=64)
    synced_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    retired_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class ModuleRecord(SQLModel, table=True):
    __tablename__ = "module"
    __table_args__ = (UniqueConstraint("course_id", "stable_id"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id", index=True)
    stable_id: str = Field(max_length=100)
    title: str = Field(max_length=300)
    position: int = 0
    content_hash: str = Field(max_length=64)
    retired_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class ActivityRecord(SQLModel, table=True):
    __tablename__ = "activity"
    __table_args__ = (UniqueConstraint("course_id", "stable_id"),)

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="course.id", index=True)
    module_id: int = Field(foreign_key="module.id", index=True)
    stable_id: str = Field(max_length=100)
    kind: str = Field(max_length=20)  # reflection | exercise
    required: bool = True
    content_hash: str = Field(max_length=64)
    retired_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
