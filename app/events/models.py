"""The domain event record (the outbox that webhooks and report summaries read)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.db import utc_column, utcnow


class DomainEvent(SQLModel, table=True):
    """Something that happened to a learner's enrollment, recorded once.

    Ids only, no foreign keys: the record outlives what it describes (an event about a
    course that was later retired still happened). ``data`` holds ids and figures, never
    text a learner wrote.
    """

    __tablename__ = "domain_event"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40, index=True)  # an EventKind value
    user_id: int | None = None
    organization_id: int | None = Field(default=None, index=True)  # the learner's, at the time
    course_id: int | None = None
    enrollment_id: int | None = Field(default=None, index=True)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))
    # Set once the webhook dispatcher has made this event's deliveries (None: not yet).
    dispatched_at: datetime | None = Field(
        default=None, sa_column=utc_column(nullable=True, index=True)
    )
