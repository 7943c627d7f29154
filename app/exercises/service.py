"""Exercise use cases: submit an attempt, reveal a hint, the per-learner state of each block.

Each function that writes commits at its end, after ``refresh_progress`` in the same
transaction. Answer keys leave this module only inside ``ExerciseBlockState.revealed_answer``,
which is set only after a correct answer or ``reveal_after`` counted attempts, and inside
``preview_keys``, which is set only for authors and admins previewing without an enrollment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import tokens
from app.accounts.models import User
from app.content.course import Course, Module
from app.content.kinds import Enrolled, progress_keeper
from app.content.sync import activity_record_id
from app.db import id_of, utcnow
from app.events import service as events
from app.exercises.activity import load_exercise_facts
from app.exercises.grading import Result, grade
from app.exercises.models import ExerciseAttempt, ExerciseState
from app.exercises.spec import (
    ExerciseSpec,
)
from app.exercises.state import ExerciseBlockState, build_state, variant_of

MAX_RAW_CHARS = 500
Status = Literal["open", "correct", "closed"]


class ExerciseNotFound(Exception):
    """No such exercise in this course (routes answer 404)."""


class ExerciseLocked(Exception):
    """The exercise is in a module the course's sequencing has not opened yet."""


def _check_open(session: Session, *, enrollment: Enrolled, course: Course, module: Module) -> None:
    """Refuse answers in a module that sequential courses keep locked."""
    if course.sequencing != "sequential":
        return
    keeper = progress_keeper()
    if keeper.module_locked(session, enrollment=enrollment, course=course, module_id=module.id):
        raise ExerciseLocked(module.id)


@dataclass(frozen=True)
class SubmitOutcome:
    """What a submission did: the graded result, whether it was stored, the new state."""

    result: Result
    recorded: bool
    state: ExerciseBlockState


def exercise_block(course: Course, activity_id: str) -> tuple[Module, ExerciseSpec]:
    """The module and spec of an exercise; ExerciseNotFound otherwise."""
    found = course.block_of(activity_id, ExerciseSpec)
    if found is None:
        raise ExerciseNotFound(activity_id)
    return found


def _attempts(session: Session, *, enrollment_id: int, activity_pk: int) -> list[ExerciseAttempt]:
    return list(
        session.exec(
            select(ExerciseAttempt)
            .where(
                ExerciseAttempt.enrollment_id == enrollment_id,
                ExerciseAttempt.activity_id == activity_pk,
            )
            .order_by(col(ExerciseAttempt.number))
        ).all()
    )


def _state_row(session: Session, *, enrollment_id: int, activity_pk: int) -> ExerciseState | None:
    return session.exec(
        select(ExerciseState).where(
            ExerciseState.enrollment_id == enrollment_id, ExerciseState.activity_id == activity_pk
        )
    ).first()


def learner_state(
    session: Session, *, user: User, enrollment: Enrolled, course: Course, spec: ExerciseSpec
) -> ExerciseBlockState:
    """One exercise's state for an enrolled learner (one query)."""
    attempts, row = load_exercise_facts(
        session, enrollment_id=id_of(enrollment), course_slug=course.slug, activity_id=spec.id
    )
    return build_state(
        spec,
        variant=variant_of(spec, id_of(user), row),
        attempts=attempts,
        hints_revealed=row.hints_revealed if row else 0,
    )


def _ensure_state_row(
    session: Session, *, enrollment: Enrolled, activity_pk: int, variant: str
) -> ExerciseState:
    row = _state_row(session, enrollment_id=id_of(enrollment), activity_pk=activity_pk)
    if row is None:
        row = ExerciseState(
            enrollment_id=id_of(enrollment), activity_id=activity_pk, variant=variant
        )
    elif row.variant != variant:
        row.variant = variant  # the old variant no longer exists in the content
    return row


def _raw_text(answer: str | Sequence[str]) -> str:
    text = answer if isinstance(answer, str) else ",".join(answer)
    return text[:MAX_RAW_CHARS]


def submit_attempt(
    session: Session,
    *,
    user: User,
    enrollment: Enrolled,
    course: Course,
    activity_id: str,
    answer: str | Sequence[str],
    submission_key: str,
) -> SubmitOutcome:
    """Grade and store one attempt (once per submission key); refresh progress; commit.

    Format errors are graded but not stored. After the exercise is correct or out of
    attempts nothing more is stored.
    """
    module, spec = exercise_block(course, activity_id)
    _check_open(session, enrollment=enrollment, course=course, module=module)
    pk = activity_record_id(session, course_slug=course.slug, activity_id=spec.id)
    key = (submission_key or "").strip()[:64] or tokens.random_token(16)
    for _ in range(2):  # a concurrent double submit loses the race once, then sees the winner
        row = _state_row(session, enrollment_id=id_of(enrollment), activity_pk=pk)
        variant = variant_of(spec, id_of(user), row)
        attempts = _attempts(session, enrollment_id=id_of(enrollment), activity_pk=pk)
        hints = row.hints_revealed if row else 0
        previous = next((a for a in attempts if a.submission_key == key), None)
        if previous is not None:
            # The same form sent twice: show the first grading again, store nothing.
            result = grade(spec, answer, variant)
            state = build_state(
                spec, variant=variant, attempts=attempts, hints_revealed=hints, result=result
            )
            return SubmitOutcome(result, False, state)
        before = build_state(spec, variant=variant, attempts=attempts, hints_revealed=hints)
        result = grade(spec, answer, variant)
        if before.status != "open" or not result.counts_as_attempt:
            state = build_state(
                spec,
                variant=variant,
                attempts=attempts,
                hints_revealed=hints,
                result=result,
                typed=answer if not result.counts_as_attempt else "",
            )
            return SubmitOutcome(result, False, state)
        number = len(attempts) + 1
        attempt = ExerciseAttempt(
            enrollment_id=id_of(enrollment),
            activity_id=pk,
            content_hash=spec.content_hash,
            variant=variant,
            raw_answer=_raw_text(answer),
            normalized_answer=result.normalized[:500],
            score=result.score,
            correct=result.correct,
            number=number,
            final=spec.ends_on(correct=result.correct, number=number),
            submission_key=key,
            created_at=utcnow(),
        )
        state_row = _ensure_state_row(
            session, enrollment=enrollment, activity_pk=pk, variant=variant
        )
        state_row.updated_at = utcnow()
        session.add(state_row)
        session.add(attempt)
        try:
            session.flush()
            events.record(
                session,
                kind=events.EventKind.exercise_answered,
                enrollment=enrollment,
                data={
                    "module_id": module.id,
                    "activity_id": spec.id,
                    "correct": result.correct,
                    "score": result.score,
                    "attempt": number,
                    "final": attempt.final,
                    "response": attempt.normalized_answer,
                },
            )
            progress_keeper().activity_changed(
                session, enrollment=enrollment, course=course, module_id=module.id
            )
            session.commit()
        except IntegrityError:
            session.rollback()
            continue
        state = build_state(
            spec,
            variant=variant,
            attempts=[*attempts, attempt],
            hints_revealed=hints,
            result=result,
        )
        return SubmitOutcome(result, True, state)
    raise RuntimeError("exercise attempt could not be stored after a retry")


def reveal_hint(
    session: Session, *, user: User, enrollment: Enrolled, course: Course, activity_id: str
) -> ExerciseBlockState:
    """Open the next hint (one at a time); commit."""
    module, spec = exercise_block(course, activity_id)
    _check_open(session, enrollment=enrollment, course=course, module=module)
    pk = activity_record_id(session, course_slug=course.slug, activity_id=spec.id)
    row = _state_row(session, enrollment_id=id_of(enrollment), activity_pk=pk)
    variant = variant_of(spec, id_of(user), row)
    row = _ensure_state_row(session, enrollment=enrollment, activity_pk=pk, variant=variant)
    if row.hints_revealed < len(spec.hints_html):
        row.hints_revealed += 1
    row.updated_at = utcnow()
    session.add(row)
    try:
        session.commit()
    except IntegrityError:  # two clicks at once created the row twice: the first one stands
        session.rollback()
    return learner_state(session, user=user, enrollment=enrollment, course=course, spec=spec)
