"""The API's declared response models (the OpenAPI document is generated from these)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class FieldError(BaseModel):
    field: str = Field(description="The parameter that was not accepted, e.g. `limit`.")
    message: str


class ProblemDetails(BaseModel):
    """An error, as RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] = Field(default_factory=list)


class ModuleSummary(BaseModel):
    id: str
    title: str
    minutes: int
    position: int


class CourseSummary(BaseModel):
    slug: str
    title: str
    summary: str
    hours: float
    module_count: int


class CourseDetail(CourseSummary):
    outcomes: list[str]
    modules: list[ModuleSummary]


class CourseList(BaseModel):
    data: list[CourseSummary]


class ModuleProgressOut(BaseModel):
    module_id: str
    title: str
    state: str = Field(description="not_started, in_progress or complete")
    required_done: int
    required_total: int


class MyEnrollment(BaseModel):
    id: int
    course: str
    course_title: str
    cohort: str | None
    enrolled_at: datetime
    percent: int
    completed_at: datetime | None
    certificate_code: str | None
    modules: list[ModuleProgressOut]


class MyEnrollmentList(BaseModel):
    data: list[MyEnrollment]


class EnrollmentOut(BaseModel):
    id: int
    user_id: int
    email: str
    display_name: str
    organization_id: int | None
    organization: str | None
    job_role: str
    course: str
    cohort: str | None
    active: bool
    enrolled_at: datetime
    unenrolled_at: datetime | None
    percent: int
    completed_at: datetime | None
    certificate_code: str | None
    updated_at: datetime


class EnrollmentPage(BaseModel):
    data: list[EnrollmentOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class ReportColumn(BaseModel):
    key: str
    label: str
    kind: str = Field(description="text, count, percent, decimal or datetime")


class HiddenCell(BaseModel):
    hidden: str = Field(description="Why the figure is withheld, e.g. fewer than 10 learners.")


class CodedCell(BaseModel):
    coded: str = Field(description="The range a rate (or its count) is shown as: ≤ 5% or ≥ 95%.")
    bound: Literal["at_most", "at_least"]
    percent: float = Field(description="The bound in percent: 5 (at most) or 95 (at least).")


ReportCell = HiddenCell | CodedCell | datetime | int | float | str | None


class ReportOut(BaseModel):
    name: str
    title: str
    min_group_size: int
    filters: dict[str, str]
    columns: list[ReportColumn]
    rows: list[list[ReportCell]]


class WebhookEndpointOut(BaseModel):
    id: int
    url: str
    events: list[str]
    organization_id: int | None = Field(description="null: every organization")
    active: bool
    created_at: datetime
    deliveries: dict[str, int] = Field(description="Deliveries by status")


class WebhookEndpointList(BaseModel):
    data: list[WebhookEndpointOut]


class CertificateOut(BaseModel):
    code: str
    name: str
    course_title: str
    hours: float
    completed_at: datetime
    issued_at: datetime
    valid: bool
    revoked: bool
    revoked_at: datetime | None
