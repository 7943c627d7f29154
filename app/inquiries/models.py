"""District inquiries from the public "Bring Groundwork to your district" form, and the
attempts that throttle it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum
from sqlmodel import Field, SQLModel

from app.db import utc_column, utcnow


class DistrictSize(StrEnum):
    """How many students the district serves, as the inquirer chose it."""

    under_1000 = "under_1000"
    from_1000 = "1000_10000"
    from_10000 = "10000_50000"
    over_50000 = "over_50000"
    not_sure = "not_sure"

    @property
    def label(self) -> str:
        return DISTRICT_SIZE_LABELS[self]


DISTRICT_SIZE_LABELS = {
    DistrictSize.under_1000: "Under 1,000 students",
    DistrictSize.from_1000: "1,000–10,000 students",
    DistrictSize.from_10000: "10,000–50,000 students",
    DistrictSize.over_50000: "Over 50,000 students",
    DistrictSize.not_sure: "Not sure",
}


class InquiryStatus(StrEnum):
    new = "new"
    answered = "answered"


def _checked(enum: type[StrEnum], name: str) -> Enum:
    # VARCHAR with a CHECK constraint (ck_district_inquiry_<name>), as user_account.role.
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class DistrictInquiry(SQLModel, table=True):
    """One message from someone who wants Groundwork for their district."""

    __tablename__ = "district_inquiry"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    job_title: str = Field(max_length=200)
    district: str = Field(max_length=200)
    district_size: DistrictSize = Field(sa_type=_checked(DistrictSize, "district_size"))
    email: str = Field(max_length=320)
    message: str = Field(max_length=5000)
    status: InquiryStatus = Field(
        default=InquiryStatus.new, sa_type=_checked(InquiryStatus, "status")
    )
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))
    answered_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    answered_by_id: int | None = Field(default=None, foreign_key="user_account.id")


class InquiryAttempt(SQLModel, table=True):
    """A stored inquiry, counted per client address and per email address (as
    ``LoginFailure`` counts failed logins) so that every worker sees the same throttle."""

    __tablename__ = "inquiry_attempt"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=400, index=True)  # "email:<address>" or "ip:<address>"
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))
