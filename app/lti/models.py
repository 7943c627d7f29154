"""Tables of the LTI 1.3 tool: platforms, their deployments, the tool's keys, launches.

Layout, from the platform outwards:

- ``LtiPlatform`` (issuer + client id) belongs to one organization; ``LtiDeployment`` rows
  are the deployment ids it may launch with. Its JWKS is cached on the row (every app
  process sees the same cache; an unknown ``kid`` refetches once).
- ``LtiToolKey`` is the tool's own RSA key pair (private key encrypted with
  ``app/security/secret_box.py``); one is active, retired keys stay in the JWKS for a while
  so platforms that cached it can still check what was signed before a rotation.
- ``LtiLogin`` is one OIDC login initiation (state and nonce, single use, ten minutes);
  ``LtiNonce`` records every id_token nonce accepted, so a replayed token fails even if it
  reaches us another way. ``LtiLaunchTicket`` is the one-time token that completes a launch
  in a new window when the iframe has no cookies; ``LtiDeepLink`` keeps a deep-linking
  request on the server while the instructor picks.
- ``LtiPlatformUser`` maps ``iss`` + ``sub`` to an account; ``LtiContext`` is a course
  section in the LMS (its cohort and NRPS memberships URL); ``LtiResourceLink`` is one
  placement of a Groundwork course or module (with its AGS line item and score mode);
  ``LtiScore`` is a score to send or sent to the platform's gradebook (the AGS outbox).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import utc_column, utcnow


class ScoreMode(StrEnum):
    """What a resource link reports to the gradebook."""

    correct_share = "correct_share"  # share of the link's exercises answered correctly
    progress = "progress"  # share of the link's modules (or the module) completed

    @property
    def label(self) -> str:
        return SCORE_MODE_LABELS[self]


SCORE_MODE_LABELS = {
    ScoreMode.correct_share: "Share of exercises answered correctly",
    ScoreMode.progress: "Progress through the course or module",
}


class ScoreStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"


class LtiPlatform(SQLModel, table=True):
    """An LMS registered with Groundwork: who signs its launches and where to reach it."""

    __tablename__ = "lti_platform"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    issuer: str = Field(max_length=500)
    client_id: str = Field(max_length=255)
    auth_login_url: str = Field(max_length=2000)  # the platform's OIDC authorization endpoint
    token_url: str = Field(max_length=2000)  # OAuth 2 token endpoint (client-credentials)
    jwks_url: str = Field(max_length=2000)
    # The platform's JWKS as last fetched (JSON text), shared by every app process.
    jwks_cache: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    jwks_fetched_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class LtiDeployment(SQLModel, table=True):
    """A deployment id the platform may launch with (one per install in the LMS)."""

    __tablename__ = "lti_deployment"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform_id: int = Field(foreign_key="lti_platform.id", index=True)
    deployment_id: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class LtiToolKey(SQLModel, table=True):
    """One of the tool's RSA key pairs: the active one signs; retired ones stay published."""

    __tablename__ = "lti_tool_key"

    id: int | None = Field(default=None, primary_key=True)
    kid: str = Field(max_length=100, unique=True)
    private_key_encrypted: str = Field(sa_column=Column(Text, nullable=False))  # PEM, sealed
    public_jwk: str = Field(sa_column=Column(Text, nullable=False))  # JSON text
    active: bool = Field(default=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    retired_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class LtiLogin(SQLModel, table=True):
    """One OIDC login initiation: the state's SHA-256 and the nonce sent, single use."""

    __tablename__ = "lti_login"

    id: int | None = Field(default=None, primary_key=True)
    state_hash: str = Field(max_length=64, unique=True)
    nonce: str = Field(max_length=128, unique=True)
    platform_id: int = Field(foreign_key="lti_platform.id", index=True)
    target_link_uri: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))
    expires_at: datetime = Field(sa_column=utc_column())
    used_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class LtiNonce(SQLModel, table=True):
    """An id_token nonce already accepted from a platform: a second use is a replay."""

    __tablename__ = "lti_nonce"
    __table_args__ = (UniqueConstraint("platform_id", "nonce"),)

    id: int | None = Field(default=None, primary_key=True)
    platform_id: int = Field(foreign_key="lti_platform.id", index=True)
    nonce: str = Field(max_length=255)
    expires_at: datetime = Field(sa_column=utc_column(index=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class LtiLaunchTicket(SQLModel, table=True):
    """Completes a verified launch in a new window when the iframe kept no cookie.

    Only the token's SHA-256 is stored; single use, valid for a few minutes.
    """

    __tablename__ = "lti_launch_ticket"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    platform_id: int = Field(foreign_key="lti_platform.id", index=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    target_path: str = Field(max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    used_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class LtiDeepLink(SQLModel, table=True):
    """A deep-linking request held while the instructor picks (token's SHA-256, single use)."""

    __tablename__ = "lti_deep_link"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    platform_id: int = Field(foreign_key="lti_platform.id", index=True)
    deployment_id: str = Field(max_length=255)
    return_url: str = Field(max_length=2000)
    data: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    user_id: int = Field(foreign_key="user_account.id", index=True)
    context_id: int | None = Field(default=None, foreign_key="lti_context.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    used_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class LtiPlatformUser(SQLModel, table=True):
    """Which account a platform's person (``iss`` + ``sub``) launches into."""

    __tablename__ = "lti_platform_user"
    __table_args__ = (UniqueConstraint("platform_id", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    platform_id: int = Field(foreign_key="lti_platform.id", index=True)
    subject: str = Field(max_length=255)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class LtiContext(SQLModel, table=True):
    """A course section in the LMS, and the cohort its learners join."""

    __tablename__ = "lti_context"
    __table_args__ = (UniqueConstraint("platform_id", "context_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform_id: int = Field(foreign_key="lti_platform.id", index=True)
    context_id: str = Field(max_length=255)
    title: str = Field(default="", max_length=255)
    cohort_code: str | None = Field(default=None, max_length=64)  # Cohort.code
    memberships_url: str | None = Field(default=None, max_length=2000)  # NRPS
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(touch=True))


class LtiResourceLink(SQLModel, table=True):
    """One placement of a Groundwork course (or one of its modules) in the LMS."""

    __tablename__ = "lti_resource_link"
    __table_args__ = (UniqueConstraint("platform_id", "resource_link_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform_id: int = Field(foreign_key="lti_platform.id", index=True)
    deployment_id: str = Field(default="", max_length=255)
    resource_link_id: str = Field(max_length=255)
    context_id: int | None = Field(default=None, foreign_key="lti_context.id", index=True)
    title: str = Field(default="", max_length=255)
    course_slug: str = Field(max_length=100)
    module_slug: str | None = Field(default=None, max_length=100)
    lineitem_url: str | None = Field(default=None, max_length=2000)  # AGS line item
    lineitems_url: str | None = Field(default=None, max_length=2000)  # AGS container
    ags_scopes: str = Field(default="", max_length=1000)  # space-separated, as granted
    score_mode: str = Field(default=ScoreMode.progress.value, max_length=20)  # a ScoreMode
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(touch=True))


class LtiScore(SQLModel, table=True):
    """A score for one learner on one link, to send (or sent) to the platform's gradebook."""

    __tablename__ = "lti_score"

    id: int | None = Field(default=None, primary_key=True)
    resource_link_id: int = Field(foreign_key="lti_resource_link.id", index=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    score_given: float
    score_maximum: float = 1.0
    activity_progress: str = Field(max_length=20)  # Initialized ... Completed
    grading_progress: str = Field(max_length=20)  # NotReady ... FullyGraded
    status: str = Field(default=ScoreStatus.pending.value, max_length=20, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))
    last_attempt_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    response_status: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    sent_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
