"""Webhook endpoints and the deliveries made to them (one per endpoint and event)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.db import utc_column, utcnow


class DeliveryStatus(StrEnum):
    pending = "pending"
    delivered = "delivered"
    failed = "failed"


class WebhookEndpoint(SQLModel, table=True):
    """A receiver URL, the events it wants, and the organization it covers (None: all)."""

    __tablename__ = "webhook_endpoint"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)
    # whsec_<base64>, needed to sign, so encrypted (secret_box) rather than hashed; shown
    # once when the endpoint is registered and never again.
    secret_encrypted: str = Field(max_length=300)
    events: str = Field(max_length=300)  # space-separated event kinds
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    active: bool = True
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())

    @property
    def event_list(self) -> list[str]:
        return self.events.split()


class WebhookDelivery(SQLModel, table=True):
    """One event sent (or to be sent) to one endpoint, with its attempts' outcome."""

    __tablename__ = "webhook_delivery"
    id: int | None = Field(default=None, primary_key=True)
    endpoint_id: int = Field(foreign_key="webhook_endpoint.id", index=True)
    event_id: int = Field(foreign_key="domain_event.id", index=True)
    enrollment_id: int | None = None  # deliveries about one enrollment go out in order
    replay_of_id: int | None = Field(default=None, foreign_key="webhook_delivery.id")
    status: str = Field(default=DeliveryStatus.pending.value, max_length=20, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))
    last_attempt_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    response_status: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    delivered_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
