"""The people of a demo district: organizations with their cohort codes, learners (name,
job role, organization), and the staff and admin accounts whose logins the seed prints."""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import accumulate

from app.accounts.models import JobRole, Role
from app.demo.catalog import (
    COHORT_GROUPS,
    COHORT_TERMS,
    DEMO_DOMAIN,
    FIRST_NAMES,
    JOB_ROLE_WEIGHTS,
    LAST_NAMES,
    organization_name,
    organization_prefix,
)
from app.demo.plan import CoursePlan
from app.demo.writer import Rows, Stamp


@dataclass(frozen=True)
class DemoOrganization:
    id: int
    name: str
    cohorts: tuple[str, ...]


@dataclass(frozen=True)
class Login:
    """An account the seed made for a person to log in with."""

    email: str
    role: str
    scope: str  # "all organizations" or the organization's name


def organization_key(name: str) -> str:
    """The unique key the app keeps beside the name (accounts service: case and spaces)."""
    return " ".join(name.split()).casefold()


def make_organizations(rng: random.Random, count: int, *, first_id: int) -> list[DemoOrganization]:
    """``count`` organizations, each with two to four cohort codes such as "rusd-plc-fall-2025"."""
    made = []
    for index in range(count):
        name = organization_name(index)
        prefix = organization_prefix(name)
        codes = {
            f"{prefix}-{rng.choice(COHORT_GROUPS)}-{rng.choice(COHORT_TERMS)}"
            for _ in range(rng.randint(2, 4))
        }
        made.append(DemoOrganization(first_id + index, name, tuple(sorted(codes))))
    return made


def cohort_code(base: str, course_id: int) -> str:
    """A cohort takes one course: an organization's group code gets one cohort per course."""
    return f"{base}-c{course_id}"


def cohort_rows(
    rows: Rows, organizations: list[DemoOrganization], plans: list[CoursePlan], created: Stamp
) -> None:
    """A cohort record for each organization's group code and course."""
    for org in organizations:
        for base in org.cohorts:
            for plan in plans:
                name = f"{base.replace('-', ' ').title()}: {plan.course.title}"[:120]
                rows.by_table["cohort"].append(
                    (org.id, plan.course_id, name, cohort_code(base, plan.course_id), created)
                )


def organization_rows(rows: Rows, organizations: list[DemoOrganization], created: Stamp) -> None:
    for org in organizations:
        rows.by_table["organization"].append(
            (org.id, org.name, organization_key(org.name), created)
        )


def staff_rows(
    rows: Rows,
    organizations: list[DemoOrganization],
    *,
    first_id: int,
    password_hash: str,
    created: Stamp,
) -> list[Login]:
    """One admin, one staff member for every organization, and staff scoped to each of the
    first two organizations; returns their logins."""
    accounts: list[tuple[str, str, str, int | None]] = [
        (f"admin@{DEMO_DOMAIN}", "Demo Admin", Role.admin.value, None),
        (f"staff@{DEMO_DOMAIN}", "Demo Staff (all organizations)", Role.staff.value, None),
    ]
    for org in organizations[:2]:
        local = f"staff-{organization_prefix(org.name)}-{org.id}"
        accounts.append((f"{local}@{DEMO_DOMAIN}", f"Demo Staff, {org.name}", "staff", org.id))
    logins = []
    for offset, (email, name, role, org_id) in enumerate(accounts):
        rows.by_table["user_account"].append(
            (
                first_id + offset,
                email,
                name,
                password_hash,
                role,
                JobRole.district_leader.value,
                org_id,
                org_id,
                created,
                created,
                "admin" if org_id else None,
                created if org_id else None,
            )
        )
        scope = next((o.name for o in organizations if o.id == org_id), "all organizations")
        logins.append(Login(email, role, scope))
    return logins


class LearnerMaker:
    """Names, job roles and organizations of learners, drawn from one random stream."""

    def __init__(self, rng: random.Random, organizations: list[DemoOrganization]):
        self.rng = rng
        self.organizations = organizations
        # A few large districts and many small ones: weight 1/(rank + 2).
        self.org_weights = list(accumulate(1.0 / (rank + 2) for rank in range(len(organizations))))
        self.roles = [role.value for role, _ in JOB_ROLE_WEIGHTS]
        self.role_weights = list(accumulate(weight for _, weight in JOB_ROLE_WEIGHTS))

    def organization(self) -> DemoOrganization | None:
        """The learner's organization; about one in eight signs up without one."""
        if not self.organizations or self.rng.random() < 0.12:
            return None
        return self.rng.choices(self.organizations, cum_weights=self.org_weights)[0]

    def job_role(self) -> str:
        return self.rng.choices(self.roles, cum_weights=self.role_weights)[0]

    def name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def cohort(self, org: DemoOrganization | None) -> str | None:
        """Learners who came with their organization's group carry its code; most have none."""
        if org is None or self.rng.random() >= 0.4:
            return None
        return self.rng.choice(org.cohorts)


def learner_email(number: int) -> str:
    """learner0000042@demo.groundwork.example: unique and recognisable as demo."""
    return f"learner{number:07d}@{DEMO_DOMAIN}"
