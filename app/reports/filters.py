"""The report filters: what they are, and how query parameters become them (never a 500)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from app.accounts.models import JOB_ROLE_LABELS, JobRole
from app.learning.service import clean_cohort


@dataclass(frozen=True)
class FilterChoices:
    """What the filter form offers, limited to the staff member's scope."""

    courses: list[tuple[str, str]]  # (slug, title)
    organizations: list[tuple[int, str]]
    job_roles: list[tuple[str, str]]
    cohorts: list[tuple[str, str]]  # (code, name)
    scoped_to: str | None  # the organization's name when the account covers only one


@dataclass(frozen=True)
class ReportFilters:
    """Which enrollments a report describes (empty = every enrollment in scope)."""

    course: str = ""
    organization_id: int | None = None
    job_role: str = ""
    cohort: str = ""
    enrolled_from: date | None = None
    enrolled_to: date | None = None

    @property
    def narrows_to_group(self) -> bool:
        """True when an organization, job role or cohort filter makes the report a group."""
        return bool(self.organization_id is not None or self.job_role or self.cohort)

    def query_params(self) -> dict[str, str]:
        """The filters as query parameters (for CSV links and the other report pages)."""
        params = {
            "course": self.course,
            "organization": str(self.organization_id) if self.organization_id else "",
            "job_role": self.job_role,
            "cohort": self.cohort,
            "enrolled_from": self.enrolled_from.isoformat() if self.enrolled_from else "",
            "enrolled_to": self.enrolled_to.isoformat() if self.enrolled_to else "",
        }
        return {k: v for k, v in params.items() if v}


JOB_ROLE_CHOICES = [(role.value, JOB_ROLE_LABELS[role]) for role in JobRole]


def _date(raw: str, label: str, errors: dict[str, str], key: str) -> date | None:
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        errors[key] = f"{label} “{raw[:40]}” is not a date like 2026-03-01; it was ignored."
        return None
    if day.year > 9998:  # the day after it must still be a date
        errors[key] = f"{label} “{raw[:40]}” is beyond the year 9998; it was ignored."
        return None
    return day


def parse_filters(
    params: Mapping[str, str], choices: FilterChoices
) -> tuple[ReportFilters, dict[str, str]]:
    """Filters from query parameters; a value that is not offered is ignored with a message."""
    errors: dict[str, str] = {}
    course = params.get("course", "").strip()
    if course and course not in {slug for slug, _ in choices.courses}:
        errors["course"] = "There is no course with that name; showing all courses."
        course = ""
    org_raw = params.get("organization", "").strip()
    organization: int | None = None
    if org_raw:
        allowed = {str(i): i for i, _ in choices.organizations}
        if org_raw in allowed:
            organization = allowed[org_raw]
        else:
            errors["organization"] = (
                "That organization is not one you can see; showing every organization you can."
            )
    job_role = params.get("job_role", "").strip()
    if job_role and job_role not in {value for value, _ in JOB_ROLE_CHOICES}:
        errors["job_role"] = "That job role is not one of the choices; showing all job roles."
        job_role = ""
    cohort_raw = params.get("cohort", "").strip()
    cohort = clean_cohort(cohort_raw) or ""
    if cohort_raw and not cohort:
        errors["cohort"] = (
            "A cohort code uses letters, digits, dots, dashes and underscores; it was ignored."
        )
    date_from = _date(
        params.get("enrolled_from", "").strip(), "Enrolled from", errors, "enrolled_from"
    )
    date_to = _date(params.get("enrolled_to", "").strip(), "Enrolled to", errors, "enrolled_to")
    if date_from and date_to and date_from > date_to:
        errors["enrolled_to"] = "The “to” date is before the “from” date; both were ignored."
        date_from = date_to = None
    filters = ReportFilters(
        course=course,
        organization_id=organization,
        job_role=job_role,
        cohort=cohort,
        enrolled_from=date_from,
        enrolled_to=date_to,
    )
    return filters, errors
