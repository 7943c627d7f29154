"""Tables of the organizations domain: domains, invitations, join requests and cohorts.

Which organization a learner belongs to stays on ``User.organization_id`` (the reports read
it there); ``User.organization_proof`` and ``organization_joined_at`` say how and when. A
membership that has no proof yet (the old free-text sign-up, or a request to join) is a
``MembershipRequest`` and counts nowhere until staff confirm it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import utc_column, utcnow


class Proof(StrEnum):
    """How a membership was proven."""

    invite = "invite"
    domain = "domain"
    sso = "sso"
    approval = "approval"
    admin = "admin"
    lti = "lti"  # launched from the organization's registered LMS (LTI 1.3)

    @property
    def label(self) -> str:
        return PROOF_LABELS[self]


PROOF_LABELS = {
    Proof.invite: "Invitation link",
    Proof.domain: "Verified email domain",
    Proof.sso: "District sign-in",
    Proof.approval: "Approved by staff",
    Proof.admin: "Added by an administrator",
    Proof.lti: "Launched from the district's LMS",
}


class RequestKind(StrEnum):
    self_declared = "self_declared"  # typed at sign-up before invitations existed
    request = "request"  # asked for on the account page

    @property
    def label(self) -> str:
        return (
            "Named at sign-up (self-declared)"
            if self is RequestKind.self_declared
            else ("Asked to join")
        )


class OrganizationDomain(SQLModel, table=True):
    """An email domain whose verified addresses may join the organization."""

    __tablename__ = "organization_domain"

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    domain: str = Field(max_length=253, unique=True)  # lower-case, no leading "@"
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class Cohort(SQLModel, table=True):
    """A group of learners taking one course together, made by staff.

    ``code`` is what ``Enrollment.cohort`` and the report summaries hold: unique, stable.
    """

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    course_id: int = Field(foreign_key="course.id", index=True)
    name: str = Field(max_length=120)
    code: str = Field(max_length=64, unique=True)
    starts_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    facilitator_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class Invite(SQLModel, table=True):
    """A link that joins whoever follows it to an organization (and a cohort).

    The code is kept in the clear so staff can copy the link again; it grants a
    membership, never a login.
    """

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    organization_id: int = Field(foreign_key="organization.id", index=True)
    cohort_id: int | None = Field(default=None, foreign_key="cohort.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    expires_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    max_uses: int | None = Field(default=None)
    uses: int = Field(default=0)
    revoked_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class MembershipRequest(SQLModel, table=True):
    """A membership waiting for staff: self-declared at the old sign-up, or asked for."""

    __tablename__ = "membership_request"
    __table_args__ = (UniqueConstraint("user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id")
    organization_id: int = Field(foreign_key="organization.id", index=True)
    kind: str = Field(max_length=20)  # a RequestKind value
    message: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
