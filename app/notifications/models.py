"""Who wants which kind of email, and which reminders have gone out."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import utc_column, utcnow


class NotificationSetting(SQLModel, table=True):
    """A user's choice for one kind of email; no row means the kind's default."""

    __tablename__ = "notification_setting"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    kind: str = Field(max_length=40)  # a key of ``service.EMAIL_KINDS``
    enabled: bool = True
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(touch=True))


class ReminderSent(SQLModel, table=True):
    """One reminder email, claimed before it is queued (in the same transaction).

    The unique key is what makes the reminder job safe to run twice at once: the second
    worker's insert fails and it sends nothing. A new due date is a new key.
    """

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("user_id", "assignment_id", "due_on", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    # Deleting an assignment forgets its reminders (assignments sit below notifications).
    assignment_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("assignment.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    due_on: date = Field(sa_column=Column(Date, nullable=False))
    kind: str = Field(max_length=40)
    sent_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
