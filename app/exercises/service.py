"""Exercise use cases: submit an attempt, reveal a hint, the per-learner state of each block.

Each function that writes commits at its end, after ``refresh_progress`` in the same
transaction. Answer keys leave this module only inside ``ExerciseBlockState.revealed_answer``,
which is set only after a correct answer or ``reveal_after`` counted attempts, and inside
``preview_keys``, which is set only for authors and admins previewing without an enrollment.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.models import Role, User
from app.content.course import Course, Module
from app.content.models import ActivityRecord, CourseRecord
from app.content.plaintext import html_to_text
from app.content.sync import activity_record_id
from app.db import utcnow
from app.exercises.grading import Result, grade
from app.exercises.models import ExerciseAttempt, ExerciseState
from app.exercises.spec import (
    ExerciseSpec,
    PublicExercise,
    public_view,
    variant_for,
)
from app.learning import progress
from app.learning.models import Enrollment

MAX_RAW_CHARS = 500
Status = Literal["open", "correct", "closed"]


class ExerciseNotFound(Exception):
    """No such exercise in this course (routes answer 404)."""


class ExerciseLocked(Exception):
    """The exercise is in a module the course's sequencing has not opened yet."""


def _check_open(
    session: Session, *, enrollment: Enrollment, course: Course, module: Module
) -> None:
    """Refuse answers in a module that sequential courses keep locked."""
    if course.sequencing != "sequential":
        return
    status = progress.course_progress(session, enrollment=enrollment, course=course).status(
        module.id
    )
    if status is not None and status.locked:
        raise ExerciseLocked(module.id)


@dataclass(frozen=True)
class AttemptView:
    """One past attempt as the learner sees it (their own answer, never the key)."""

    number: int
    answer: str
    score: float
    correct: bool
    created_at: datetime


@dataclass(frozen=True)
class ExerciseBlockState:
    """Everything ``exercises/_exercise.html`` needs for one learner and one exercise."""

    public: PublicExercise
    attempts: tuple[AttemptView, ...]
    attempts_left: int
    status: Status
    hints_html: tuple[str, ...]  # the hints opened so far, in order
    more_hints: bool
    revealed_answer: str | None  # only once earned
    explanation_html: str  # only once earned
    submission_key: str
    result: Result | None = None  # the answer just graded, for feedback
    typed: str | Sequence[str] = ""  # what the learner sent, kept when it was rejected
    preview_keys: tuple[tuple[str, str], ...] = field(default=())  # (variant, answer); authors

    @property
    def used(self) -> int:
        return len(self.attempts)

    @property
    def selected(self) -> frozenset[str]:
        """Choice ids to keep checked (from the answer just sent)."""
        typed = self.typed
        return frozenset([typed] if isinstance(typed, str) else typed)


@dataclass(frozen=True)
class SubmitOutcome:
    """What a submission did: the graded result, whether it was stored, the new state."""

    result: Result
    recorded: bool
    state: ExerciseBlockState


def exercise_block(course: Course, activity_id: str) -> tuple[Module, ExerciseSpec]:
    """The module and spec of an exercise; ExerciseNotFound otherwise."""
    found = course.activity(activity_id)
    if found is None or getattr(found[1], "kind", None) != "exercise":
        raise ExerciseNotFound(activity_id)
    return found[0], found[1]  # type: ignore[return-value]


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


def _variant(spec: ExerciseSpec, user_id: int, row: ExerciseState | None) -> str:
    """The stored variant while it still exists, else the deterministic one."""
    if row is not None and spec.variant(row.variant) is not None:
        return row.variant
    return variant_for(spec, user_id)


def build_state(
    spec: ExerciseSpec,
    *,
    variant: str,
    attempts: Sequence[ExerciseAttempt],
    hints_revealed: int,
    result: Result | None = None,
    typed: str | Sequence[str] = "",
) -> ExerciseBlockState:
    """Derive the block state; the reveal rule lives here and only here."""
    chosen = spec.variant(variant) or spec.variants[0]
    views = tuple(
        AttemptView(a.number, _shown_answer(spec, a), a.score, a.correct, a.created_at)
        for a in attempts
    )
    solved = any(a.correct for a in attempts)
    used = len(attempts)
    status: Status = "correct" if solved else ("closed" if used >= spec.attempts else "open")
    earned = solved or used >= spec.reveal_after
    shown = min(max(hints_revealed, 0), len(spec.hints_html))
    return ExerciseBlockState(
        public=public_view(spec, chosen.key),
        attempts=views,
        attempts_left=max(spec.attempts - used, 0),
        status=status,
        hints_html=spec.hints_html[:shown],
        more_hints=shown < len(spec.hints_html) and status == "open",
        revealed_answer=chosen.answer.display if earned else None,
        explanation_html=spec.explanation_html if earned else "",
        submission_key=secrets.token_urlsafe(16),
        result=result,
        typed=typed,
    )


def _shown_answer(spec: ExerciseSpec, attempt: ExerciseAttempt) -> str:
    """A past answer as the learner saw it: choice ids become their text."""
    if spec.type == "numeric":
        return attempt.raw_answer
    chosen = spec.variant(attempt.variant) or spec.variants[0]
    texts = {c.id: html_to_text(c.text_html) for c in chosen.choices}
    return "; ".join(texts.get(i, i) for i in attempt.raw_answer.split(",") if i)


def preview_state(spec: ExerciseSpec, *, user: User) -> ExerciseBlockState:
    """Author preview: no attempts; answer keys of every variant for authors and admins."""
    state = build_state(
        spec, variant=variant_for(spec, user.id or 0), attempts=(), hints_revealed=0
    )
    if user.role not in (Role.author, Role.admin):
        return state
    keys = tuple((v.label if v.key else "", v.answer.display) for v in spec.variants)
    return replace(state, preview_keys=keys)


def learner_state(
    session: Session, *, user: User, enrollment: Enrollment, course: Course, spec: ExerciseSpec
) -> ExerciseBlockState:
    """One exercise's state for an enrolled learner."""
    try:
        pk = activity_record_id(session, course_slug=course.slug, activity_id=spec.id)
    except LookupError:
        return build_state(
            spec, variant=variant_for(spec, user.id or 0), attempts=(), hints_revealed=0
        )
    row = _state_row(session, enrollment_id=enrollment.id or 0, activity_pk=pk)
    attempts = _attempts(session, enrollment_id=enrollment.id or 0, activity_pk=pk)
    return build_state(
        spec,
        variant=_variant(spec, user.id or 0, row),
        attempts=attempts,
        hints_revealed=row.hints_revealed if row else 0,
    )


def block_states(
    session: Session,
    *,
    user: User,
    enrollment: Enrollment | None,
    course: Course,
    module: Module,
) -> dict[str, ExerciseBlockState]:
    """The state of every exercise block of ``module`` (two queries for the whole module)."""
    specs = [b for b in module.blocks if isinstance(b, ExerciseSpec)]
    if not specs:
        return {}
    if enrollment is None:
        return {s.id: preview_state(s, user=user) for s in specs}
    ids = [s.id for s in specs]
    records = dict(
        session.exec(
            select(ActivityRecord.stable_id, ActivityRecord.id)
            .join(CourseRecord, col(CourseRecord.id) == col(ActivityRecord.course_id))
            .where(CourseRecord.slug == course.slug, col(ActivityRecord.stable_id).in_(ids))
        ).all()
    )
    pks = [pk for pk in records.values() if pk is not None]
    attempts: dict[int, list[ExerciseAttempt]] = {pk: [] for pk in pks}
    rows: dict[int, ExerciseState] = {}
    if pks:
        for attempt in session.exec(
            select(ExerciseAttempt)
            .where(
                ExerciseAttempt.enrollment_id == enrollment.id,
                col(ExerciseAttempt.activity_id).in_(pks),
            )
            .order_by(col(ExerciseAttempt.number))
        ).all():
            attempts[attempt.activity_id].append(attempt)
        for row in session.exec(
            select(ExerciseState).where(
                ExerciseState.enrollment_id == enrollment.id,
                col(ExerciseState.activity_id).in_(pks),
            )
        ).all():
            rows[row.activity_id] = row
    states: dict[str, ExerciseBlockState] = {}
    for spec in specs:
        pk = records.get(spec.id)
        found = rows.get(pk) if pk is not None else None
        states[spec.id] = build_state(
            spec,
            variant=_variant(spec, user.id or 0, found),
            attempts=attempts.get(pk, []) if pk is not None else [],
            hints_revealed=found.hints_revealed if found else 0,
        )
    return states


def _ensure_state_row(
    session: Session, *, enrollment: Enrollment, activity_pk: int, variant: str
) -> ExerciseState:
    row = _state_row(session, enrollment_id=enrollment.id or 0, activity_pk=activity_pk)
    if row is None:
        row = ExerciseState(
            enrollment_id=enrollment.id or 0, activity_id=activity_pk, variant=variant
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
    enrollment: Enrollment,
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
    key = (submission_key or "").strip()[:64] or secrets.token_urlsafe(16)
    for _ in range(2):  # a concurrent double submit loses the race once, then sees the winner
        row = _state_row(session, enrollment_id=enrollment.id or 0, activity_pk=pk)
        variant = _variant(spec, user.id or 0, row)
        attempts = _attempts(session, enrollment_id=enrollment.id or 0, activity_pk=pk)
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
            enrollment_id=enrollment.id or 0,
            activity_id=pk,
            content_hash=spec.content_hash,
            variant=variant,
            raw_answer=_raw_text(answer),
            normalized_answer=result.normalized[:500],
            score=result.score,
            correct=result.correct,
            number=number,
            final=result.correct or number >= spec.attempts,
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
            progress.refresh_progress(
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
    session: Session, *, user: User, enrollment: Enrollment, course: Course, activity_id: str
) -> ExerciseBlockState:
    """Open the next hint (one at a time); commit."""
    module, spec = exercise_block(course, activity_id)
    _check_open(session, enrollment=enrollment, course=course, module=module)
    pk = activity_record_id(session, course_slug=course.slug, activity_id=spec.id)
    row = _state_row(session, enrollment_id=enrollment.id or 0, activity_pk=pk)
    variant = _variant(spec, user.id or 0, row)
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


def done_activity_ids(session: Session, *, enrollment: Enrollment) -> set[str]:
    """Stable ids of the exercises this enrollment has finished (correct or out of attempts)."""
    rows = session.exec(
        select(ActivityRecord.stable_id)
        .join(ExerciseAttempt, col(ExerciseAttempt.activity_id) == col(ActivityRecord.id))
        .where(ExerciseAttempt.enrollment_id == enrollment.id, col(ExerciseAttempt.final))
    )
    return set(rows)
