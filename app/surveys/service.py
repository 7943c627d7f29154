"""The end-of-course feedback survey: save answers, edit them, submit once."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import exists
from sqlmodel import Session, col, select

from app.content.course import Course
from app.db import id_of, utcnow
from app.learning.models import Enrollment
from app.learning.progress import refresh_progress, register_survey_condition
from app.surveys.models import SurveyAnswer, SurveyResponse

# The 5-point agreement scale, 1..5. Reports count 4 and 5 as "agree".
SCALE: tuple[tuple[int, str], ...] = (
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neither agree nor disagree"),
    (4, "Agree"),
    (5, "Strongly agree"),
)
AGREE_VALUES = frozenset({4, 5})
COMMENT_MAX = 5000


class SurveyNotAvailable(Exception):
    """The course has no feedback survey."""


@dataclass
class SurveyForm:
    """What the survey page shows: saved (or just typed) answers, errors, submitted time."""

    answers: dict[str, int] = field(default_factory=dict)
    comment: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    response: SurveyResponse | None = None

    @property
    def submitted(self) -> bool:
        """True once the learner has submitted (answers are then read-only)."""
        return self.response is not None and self.response.submitted_at is not None


def _response(session: Session, *, enrollment: Enrollment) -> SurveyResponse | None:
    return session.exec(
        select(SurveyResponse).where(SurveyResponse.enrollment_id == enrollment.id)
    ).first()


def _answers(session: Session, response: SurveyResponse) -> list[SurveyAnswer]:
    return list(session.exec(select(SurveyAnswer).where(SurveyAnswer.response_id == response.id)))


def survey_form(session: Session, *, enrollment: Enrollment, course: Course) -> SurveyForm:
    """The learner's saved answers (empty when they have not started)."""
    if course.survey is None:
        raise SurveyNotAvailable()
    response = _response(session, enrollment=enrollment)
    if response is None:
        return SurveyForm()
    return SurveyForm(
        answers={a.item_id: a.value for a in _answers(session, response)},
        comment=response.comment or "",
        response=response,
    )


def _parse(course: Course, raw: dict[str, str], comment: str, *, submit: bool) -> SurveyForm:
    assert course.survey is not None
    form = SurveyForm(comment=comment.strip())
    for item in course.survey.items:
        value = raw.get(item.id, "").strip()
        if not value:
            if submit:
                form.errors[item.id] = "Choose how much you agree."
            continue
        if value not in {"1", "2", "3", "4", "5"}:
            form.errors[item.id] = "Choose one of the five answers."
            continue
        form.answers[item.id] = int(value)
    if len(form.comment) > COMMENT_MAX:
        form.errors["comment"] = (
            f"Your comment is {len(form.comment):,} characters; the limit is {COMMENT_MAX:,}."
        )
    return form


def save_survey(
    session: Session,
    *,
    enrollment: Enrollment,
    course: Course,
    answers: dict[str, str],
    comment: str,
    submit: bool,
) -> SurveyForm:
    """Save the answers, and submit them when ``submit``; errors come back on the form.

    Commits when nothing is wrong. Submitting counts towards completion (refresh_progress).
    """
    if course.survey is None:
        raise SurveyNotAvailable()
    form = _parse(course, answers, comment, submit=submit)
    response = _response(session, enrollment=enrollment)
    form.response = response
    if response is not None and response.submitted_at is not None:
        form.errors["form"] = "You already submitted your feedback; thank you."
    if form.errors:
        return form
    now = utcnow()
    if response is None:
        assert enrollment.id is not None
        response = SurveyResponse(enrollment_id=enrollment.id, course_id=enrollment.course_id)
        session.add(response)
        session.flush()
    response.comment = form.comment or None
    response.updated_at = now
    existing = {a.item_id: a for a in _answers(session, response)}
    for item_id, value in form.answers.items():
        row = existing.get(item_id) or SurveyAnswer(
            response_id=id_of(response), item_id=item_id, value=value
        )
        row.value = value
        session.add(row)
    if submit:
        response.submitted_at = now
    session.add(response)
    session.flush()
    if submit:
        refresh_progress(session, enrollment=enrollment, course=course)
    session.commit()
    form.response = response
    return form


def _submitted() -> object:
    return (
        exists()
        .where(
            col(SurveyResponse.enrollment_id) == col(Enrollment.id),
            col(SurveyResponse.submitted_at).is_not(None),
        )
        .correlate(Enrollment)
    )


register_survey_condition(_submitted)
