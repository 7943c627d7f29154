"""Email verification links: only the SHA-256 of each link's token is stored."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.db import utc_column, utcnow


class EmailVerification(SQLModel, table=True):
    """One emailed link proving an address: the account's own, or the new one of a change.

    The rows are also the record the resend throttle counts, so every worker sees them.
    """

    __tablename__ = "email_verification"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    # The address the link proves: the account's email at sign-up, the NEW one for a change.
    email: str = Field(max_length=320)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    # Set when the link is followed, or when a newer link or an email change replaces it.
    used_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
