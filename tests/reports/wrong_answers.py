"""Wrong answers written straight into attempt rows: graded answers are numbers or choice
ids, so free text (what a future answer kind may store) can only be made this way."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session

from app.content.sync import activity_record_id
from app.exercises.models import ExerciseAttempt
from tests.reports.activity import COURSE, MIRROR, Activity


def add_wrong_answers(session: Session, activity: Activity, *, answers: Mapping[str, int]) -> None:
    """Give each answer (as normalised) from that many Northside learners, on ``MIRROR``."""
    pk = activity_record_id(session, course_slug=COURSE, activity_id=MIRROR)
    for k, (answer, learners) in enumerate(answers.items()):
        for e in activity.enrollments["Northside"][:learners]:
            session.add(
                ExerciseAttempt(
                    enrollment_id=e.id or 0,
                    activity_id=pk,
                    content_hash="h",
                    raw_answer=answer,
                    normalized_answer=answer,
                    correct=False,
                    number=10 + k,
                    submission_key=f"extra-{k}",
                )
            )
    session.commit()
