"""Personal access tokens for the JSON API. Only the token's SHA-256 is stored."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.db import utc_column, utcnow


class ApiToken(SQLModel, table=True):
    """A personal access token: what it may read (``scopes``), until when, and its use."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)  # the first characters, shown to tell tokens apart
    scopes: str = Field(max_length=200)  # space-separated scope names
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    expires_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    last_used_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    revoked_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # Fixed-window request counting, kept in the database so every worker shares it.
    window_started_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    window_count: int = 0

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()
