"""The reports apply the narrowed-view rule (docs/reports.md "Differencing") to real data:
an organization's total minus the same organization narrowed to teachers would give its
principals, so the narrowed view is hidden in every table of the report."""

from __future__ import annotations

from app.reports.scope import NARROWED
from tests.reports.support import TITLE, Seed
from tests.reports.test_service import row_for, table


def test_an_organization_narrowed_to_teachers_is_hidden(session, data: Seed, admin, courses):
    riverside = data.orgs["Riverside"].id
    # Riverside: 12 learners, 8 teachers and 4 principals. With a minimum of 5 the
    # organization is shown (its complement among all 25 learners is 13) ...
    whole = table(session, admin, courses, "overview", min_n=5, organization_id=riverside)
    assert row_for(whole, TITLE)[0] == 12
    # ... and its teachers alone would leave 4 principals: hidden, every figure.
    teachers = table(
        session,
        admin,
        courses,
        "overview",
        min_n=5,
        organization_id=riverside,
        job_role="teacher",
    )
    assert row_for(teachers, TITLE) == (NARROWED,) * 6
    for name in ("funnel", "exercises", "feedback"):
        narrowed = table(
            session, admin, courses, name, min_n=5, organization_id=riverside, job_role="teacher"
        )
        figures = [row[2:] for row in narrowed.rows if row[0] == TITLE]
        assert figures
        assert all(cell == NARROWED for row in figures for cell in row[-1:])
