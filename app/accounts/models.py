"""Users, organizations, server-side sessions, reset tokens, login throttling, outbox."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Enum, Text
from sqlmodel import Field, SQLModel

from app.db import utc_column, utcnow


class Role(StrEnum):
    learner = "learner"
    author = "author"
    staff = "staff"
    admin = "admin"

    @classmethod
    def parse(cls, value: str) -> Role | None:
        """The role named exactly ``value`` (as a form or query sends it), or None."""
        try:
            return cls(value)
        except ValueError:
            return None


# Stored as VARCHAR(20) with a CHECK constraint named ck_user_account_role (the metadata's
# naming convention), not as a PostgreSQL enum type: the same DDL on SQLite and PostgreSQL,
# and a new role is a constraint swap in a migration rather than ALTER TYPE.
ROLE_TYPE = Enum(
    Role,
    name="role",
    native_enum=False,
    create_constraint=True,
    length=20,
    values_callable=lambda roles: [r.value for r in roles],
    validate_strings=True,
)


class JobRole(StrEnum):
    teacher = "teacher"
    coach = "instructional_coach"
    principal = "principal"
    district_leader = "district_leader"
    other = "other"

    @property
    def label(self) -> str:
        return JOB_ROLE_LABELS[self]


JOB_ROLE_LABELS = {
    JobRole.teacher: "Teacher",
    JobRole.coach: "Instructional coach",
    JobRole.principal: "Principal or assistant principal",
    JobRole.district_leader: "District leader",
    JobRole.other: "Other",
}


class Organization(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    # Lower-cased, whitespace-folded name: "Riverside USD" and "riverside  usd" are one org.
    name_key: str = Field(max_length=200, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)  # stored lower-cased
    display_name: str = Field(max_length=200)
    password_hash: str = Field(max_length=255)
    role: Role = Field(default=Role.learner, sa_type=ROLE_TYPE)
    job_role: str = Field(default=JobRole.other.value, max_length=40)  # a JobRole value
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    # Staff scope: the one organization a staff account covers; None = all organizations.
    staff_organization_id: int | None = Field(default=None, foreign_key="organization.id")
    # How and when the membership in organization_id was proven (an app.orgs Proof value).
    organization_proof: str | None = Field(default=None, max_length=20)
    organization_joined_at: datetime | None = Field(
        default=None, sa_column=utc_column(nullable=True)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    password_changed_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    # When the current email was proven by following a link sent to it (app/identity);
    # None = not verified. Read it through ``app.identity.service.is_verified``.
    email_verified_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class UserSession(SQLModel, table=True):
    """A login. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    last_seen_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column(index=True))


class PasswordResetToken(SQLModel, table=True):
    __tablename__ = "password_reset_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    used_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class LoginFailure(SQLModel, table=True):
    """A failed login, counted per account and per client address across all workers."""

    __tablename__ = "login_failure"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=400, index=True)  # "email:<address>" or "ip:<address>"
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))


class OutboxEmail(SQLModel, table=True):
    """Every email sent; without SMTP configured this table (and the log) is the mailbox."""

    __tablename__ = "outbox_email"

    id: int | None = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=320, index=True)
    subject: str = Field(max_length=300)
    body: str
    # Extra headers (List-Unsubscribe, …) as a JSON object, so a retry sends them too.
    headers: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    sent_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
