"""Reflections: one row per learner and prompt (the draft and sharing choice), its submitted
revisions, staff feedback, per-staff read marks, and text parked when a login expired.

Rows point at ``activity.id`` (stable across renames). The prompt and module title are also
copied onto the reflection at each save, so a prompt retired by a content change still shows
with the learner's text in their journal.
"""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup
from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel, UniqueConstraint

from app.db import utc_column, utcnow


class LearnerReflection(SQLModel, table=True):
    """A learner's writing for one reflection prompt: the draft plus submitted revisions."""

    __tablename__ = "reflection"
    __table_args__ = (UniqueConstraint("user_id", "activity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    course_id: int = Field(foreign_key="course.id", index=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    # Snapshots taken at each save, shown when the prompt is gone from the course.
    activity_stable_id: str = Field(max_length=100)
    module_stable_id: str = Field(max_length=100)
    module_title: str = Field(max_length=300)
    prompt_html: str = Field(sa_column=Column(Text, nullable=False))
    draft_text: str = Field(default="", sa_column=Column(Text, nullable=False))
    draft_saved_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    shared: bool = Field(default=False, index=True)
    shared_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    revision_count: int = 0
    first_submitted_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    last_submitted_at: datetime | None = Field(
        default=None, sa_column=utc_column(nullable=True, index=True)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class ReflectionRevision(SQLModel, table=True):
    """One submission of a reflection; every one is kept, numbered from 1."""

    __tablename__ = "reflection_revision"
    __table_args__ = (UniqueConstraint("reflection_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    reflection_id: int = Field(foreign_key="reflection.id", index=True)
    number: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    submitted_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class ReflectionFeedback(SQLModel, table=True):
    """A facilitator's comment on a shared reflection; ``seen_at`` ends the learner's notice."""

    __tablename__ = "reflection_feedback"

    id: int | None = Field(default=None, primary_key=True)
    reflection_id: int = Field(foreign_key="reflection.id", index=True)
    revision_number: int
    author_id: int = Field(foreign_key="user_account.id", index=True)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    seen_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class ReflectionRead(SQLModel, table=True):
    """The latest revision of a reflection that one staff member has opened."""

    __tablename__ = "reflection_read"
    __table_args__ = (UniqueConstraint("reflection_id", "staff_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    reflection_id: int = Field(foreign_key="reflection.id", index=True)
    staff_user_id: int = Field(foreign_key="user_account.id", index=True)
    revision_number: int
    read_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class ParkedReflection(SQLModel, table=True):
    """Text posted after the login expired, kept until the learner logs in again.

    The browser holds a random key in a cookie; only its SHA-256 is stored. ``owner_user_id``
    is the account of the expired login when it is still known, so nobody else can claim it.
    """

    __tablename__ = "parked_reflection"

    id: int | None = Field(default=None, primary_key=True)
    key_hash: str = Field(max_length=64, unique=True)
    owner_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    course_slug: str = Field(max_length=100)
    activity_stable_id: str = Field(max_length=100)
    text: str = Field(sa_column=Column(Text, nullable=False))
    shared: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column(index=True))


def stored_prompt(reflection: LearnerReflection) -> Markup:
    """The prompt as the learner saw it, copied from the course when they first wrote. The
    course renderer sanitised it then (``content.markdown.sanitize``), so it is trusted HTML."""
    return Markup(reflection.prompt_html)  # noqa: S704
