"""Fixtures: the app serves the journey fixture course; an organization with a cohort."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import Session

from app.accounts.models import Organization
from app.db import id_of
from app.orgs import cohorts, invites
from app.orgs import service as orgs
from app.orgs.models import Cohort
from tests.learning.support import (
    JOURNEY,
    serve_fixture_courses,  # noqa: F401  (settings_overrides)
)


@dataclass
class District:
    org: Organization
    cohort: Cohort
    cohort_link: str  # the cohort's join code
    other: Organization


@pytest.fixture
def district(client, session: Session) -> District:  # type: ignore[no-untyped-def]
    """Riverside (with riverside.org verified) and its spring cohort; Hillcrest besides.
    (The client starts the app, which syncs the courses the cohort needs.)"""
    org = orgs.create_organization(session, name="Riverside USD", domain_names=["riverside.org"])
    cohort = cohorts.create_cohort(
        session,
        organization_id=id_of(org),
        form=cohorts.CohortForm(name="Spring 2027", course_slug=JOURNEY, starts_on="2027-02-01"),
        course_slugs=[JOURNEY],
    )
    link = invites.invites_of(session, organization_id=id_of(org))[0].invite.code
    other = orgs.create_organization(session, name="Hillcrest")
    return District(org=org, cohort=cohort, cohort_link=link, other=other)
