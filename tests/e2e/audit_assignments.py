"""Assignments for the browser audit: the audit learner's cohort has work due soon, due
today and overdue, so the dashboard, the course page and the staff pages show every state."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import Session, select

from app.accounts.models import User
from app.assignments.models import Assignment, DueKind
from app.db import id_of, utcnow
from app.learning.models import Enrollment
from app.orgs.models import Cohort


def add_assignments(session: Session, learner: User) -> int:
    """Put the learner in the seeded cohort and give it four assignments; its id."""
    session.commit()  # end the read transaction: the server has written since
    cohort = session.exec(select(Cohort).where(Cohort.code == "spring")).one()
    enrollment = session.exec(
        select(Enrollment).where(
            Enrollment.user_id == learner.id, Enrollment.course_id == cohort.course_id
        )
    ).one()
    enrollment.cohort = cohort.code
    session.add(enrollment)
    today = utcnow().date()
    for modules, kind, due_on, days in (
        (["why-data-for-liberation"], DueKind.fixed, today + timedelta(days=4), None),
        (["what-gets-in-the-way", "look-beneath-the-average"], DueKind.fixed, today, None),
        (["seeing-the-system"], DueKind.fixed, today - timedelta(days=2), None),
        ([], DueKind.relative, None, 30),
    ):
        session.add(
            Assignment(
                cohort_id=id_of(cohort),
                course_id=cohort.course_id,
                module_ids=json.dumps(modules),
                due_kind=kind.value,
                due_on=due_on,
                due_days=days,
            )
        )
    session.commit()
    return id_of(cohort)
