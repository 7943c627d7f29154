"""Learning Record Stores, the statements sent (or to be sent) to them, and how far the
statement dispatcher has read the domain event record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from app.db import utc_column, utcnow
from app.webhooks.models import DeliveryStatus

__all__ = ["DeliveryStatus", "LrsConfig", "XapiActor", "XapiCursor", "XapiStatement"]


class LrsConfig(SQLModel, table=True):
    """An LRS endpoint, its credentials (the secret encrypted), and whom it covers."""

    __tablename__ = "xapi_lrs"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    endpoint: str = Field(max_length=2000)  # the xAPI base, e.g. https://lrs.example.org/xAPI/
    key: str = Field(max_length=200)
    secret_encrypted: str = Field(max_length=1000)  # app.security.secret_box, purpose "xapi-lrs"
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    # The organization agreed to identify learners by email (mbox) instead of an account.
    send_email: bool = False
    mastery_score: float = 0.8  # share of exercises correct that passes a module or course
    active: bool = True
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class XapiStatement(SQLModel, table=True):
    """One statement about one domain event, for one LRS, with its attempts' outcome.

    The statement is built when the event is dispatched and kept as sent, so a retry sends
    the very same statement (same id: the LRS drops a duplicate)."""

    __tablename__ = "xapi_statement"

    id: int | None = Field(default=None, primary_key=True)
    lrs_id: int = Field(foreign_key="xapi_lrs.id", index=True)
    event_id: int = Field(foreign_key="domain_event.id", index=True)
    enrollment_id: int | None = None  # statements about one enrollment go out in order
    statement_id: str = Field(max_length=36, unique=True)
    verb: str = Field(max_length=200)
    statement: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default=DeliveryStatus.pending.value, max_length=20, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))
    last_attempt_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    response_status: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    delivered_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class XapiCursor(SQLModel, table=True):
    """The last domain event the statement dispatcher has read (one row, id 1)."""

    __tablename__ = "xapi_cursor"

    id: int | None = Field(default=None, primary_key=True)
    last_event_id: int = 0


class XapiActor(SQLModel, table=True):
    """A learner's opaque xAPI account name: random, made once, never derived from them."""

    __tablename__ = "xapi_actor"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    name: str = Field(max_length=36, unique=True)
