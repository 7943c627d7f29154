"""Tables for LTI Advantage services beside the foundation's (``app/lti/models.py``).

- ``LtiEventMark``: a domain event the gradebook outbox has already looked at (completion
  events become ``LtiScore`` rows once; the webhooks' own ``dispatched_at`` is theirs).
- ``LtiRosterMember``: one person of an LMS context's roster as the platform last listed
  it (Names and Role Provisioning). Instructors there are recorded here as the cohort's
  staff contacts: a Groundwork cohort has one facilitator, who must be staff, and an LMS
  instructor is not made staff by a roster.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import utc_column, utcnow


class LtiEventMark(SQLModel, table=True):
    """A domain event turned into scores (or found to need none)."""

    __tablename__ = "lti_event_mark"

    event_id: int = Field(primary_key=True)  # DomainEvent.id; no foreign key, like events
    marked_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class LtiRosterMember(SQLModel, table=True):
    """A member of an LMS context at the last roster sync."""

    __tablename__ = "lti_roster_member"
    __table_args__ = (UniqueConstraint("context_id", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    context_id: int = Field(foreign_key="lti_context.id", index=True)
    subject: str = Field(max_length=255)  # the platform's user_id (the launch's sub)
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    name: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=320)
    instructor: bool = False
    status: str = Field(default="Active", max_length=20)  # Active | Inactive | Deleted
    note: str = Field(default="", max_length=300)  # why no account was linked, if none
    synced_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
