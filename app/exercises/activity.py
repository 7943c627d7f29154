"""The ``{exercise}`` kind, registered with content: build and check the spec at load,
load one learner's attempts for a whole course in one query, render the exercise."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup
from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.content.course import Course
from app.content.kinds import (
    BlockContext,
    BlockTime,
    BuildContext,
    DirectiveBlock,
    LearnerStates,
    register_kind,
    render_block_template,
)
from app.content.models import ActivityRecord, CourseRecord
from app.content.plaintext import html_to_text
from app.db import id_of
from app.exercises.body import ExerciseBody
from app.exercises.check import self_check
from app.exercises.models import ExerciseAttempt, ExerciseState
from app.exercises.near_miss import near_miss_problems
from app.exercises.spec import ExerciseSpec, build_exercise
from app.exercises.state import build_state, preview_state, variant_of

# What the exercise page already prints above the author's feedback, by outcome.
_PRINTED = {"correct": "Correct.", "incorrect": "Not quite.", "partial": "Partly right"}
_REPEATS = {
    "correct": ("correct",),
    "incorrect": ("not quite", "incorrect"),
    "partial": ("partly",),
}


def _check_feedback_openings(ctx: BuildContext) -> None:
    """Warn when feedback repeats the verdict the page already shows ("Correct. Correct, ...")."""
    feedback = ctx.body.get("feedback")
    if not isinstance(feedback, dict):
        return
    for outcome, openings in _REPEATS.items():
        text = feedback.get(outcome)
        if isinstance(text, str) and text.strip().lower().startswith(openings):
            ctx.out.add(
                ctx.doc.line_of(f"feedback.{outcome}"),
                f"{ctx.prefix}: feedback.{outcome}: the page already says "
                f'"{_PRINTED[outcome]}" above your feedback; start with what the learner '
                "should notice",
                "warning",
            )


def _facts_query(*, one_exercise: bool) -> Any:
    """Attempts (in order) and state rows of one enrollment: in every exercise of a course,
    or (``one_exercise``) in the exercise whose stable id is bound as ``activity_id``."""
    enrollment_id: Any = bindparam("enrollment_id")
    statement = (
        select(ActivityRecord.stable_id, ExerciseState, ExerciseAttempt)
        .join(CourseRecord, col(CourseRecord.id) == col(ActivityRecord.course_id))
        .outerjoin(
            ExerciseState,
            (col(ExerciseState.activity_id) == col(ActivityRecord.id))
            & (col(ExerciseState.enrollment_id) == enrollment_id),
        )
        .outerjoin(
            ExerciseAttempt,
            (col(ExerciseAttempt.activity_id) == col(ActivityRecord.id))
            & (col(ExerciseAttempt.enrollment_id) == enrollment_id),
        )
        .where(CourseRecord.slug == bindparam("course_slug"), ActivityRecord.kind == "exercise")
        .where(col(ExerciseState.id).is_not(None) | col(ExerciseAttempt.id).is_not(None))
        .order_by(col(ExerciseAttempt.number))
    )
    if one_exercise:
        statement = statement.where(ActivityRecord.stable_id == bindparam("activity_id"))
    return statement


# Built once: composing a statement costs more than running it.
_COURSE_FACTS = _facts_query(one_exercise=False)
_EXERCISE_FACTS = _facts_query(one_exercise=True)
_DONE = (
    select(ActivityRecord.stable_id)
    .join(ExerciseAttempt, col(ExerciseAttempt.activity_id) == col(ActivityRecord.id))
    .where(ExerciseAttempt.enrollment_id == bindparam("enrollment_id"), col(ExerciseAttempt.final))
)


def load_course_facts(
    session: Session, *, enrollment_id: int, course_slug: str
) -> tuple[dict[str, list[ExerciseAttempt]], dict[str, ExerciseState]]:
    """Every attempt (in order) and state row of one enrollment, by exercise id: one query."""
    rows = session.exec(
        _COURSE_FACTS, params={"enrollment_id": enrollment_id, "course_slug": course_slug}
    ).all()
    attempts: dict[str, list[ExerciseAttempt]] = {}
    states: dict[str, ExerciseState] = {}
    for stable_id, state, attempt in rows:
        if state is not None:
            states[stable_id] = state
        if attempt is not None:
            attempts.setdefault(stable_id, []).append(attempt)
    return attempts, states


def load_exercise_facts(
    session: Session, *, enrollment_id: int, course_slug: str, activity_id: str
) -> tuple[list[ExerciseAttempt], ExerciseState | None]:
    """One exercise's attempts (in order) and state row for one enrollment: one query.
    An exercise never synced has neither, like one the learner has not touched."""
    rows = session.exec(
        _EXERCISE_FACTS,
        params={
            "enrollment_id": enrollment_id,
            "course_slug": course_slug,
            "activity_id": activity_id,
        },
    ).all()
    attempts = [attempt for _, _, attempt in rows if attempt is not None]
    state = next((state for _, state, _ in rows if state is not None), None)
    return attempts, state


# A question takes 3 minutes when its answer comes from a dataset (the learner reads it off
# an explorer), 1.5 otherwise, on top of reading its prompt and choices.
DATA_EXERCISE_MINUTES = 3.0
EXERCISE_MINUTES = 1.5


def _words(html: str) -> int:
    return len(html_to_text(html).split())


class ExerciseKind:
    """Server-scored exercises: the answer key never leaves the server."""

    name = "exercise"
    is_activity = True
    time_label = "exercises"
    time_basis = f"{EXERCISE_MINUTES:g} to {DATA_EXERCISE_MINUTES:g} minutes for each question"

    def time(self, block: DirectiveBlock) -> BlockTime:
        assert isinstance(block, ExerciseSpec)
        if not block.required:
            return BlockTime()
        choices = block.variants[0].choices if block.variants else ()
        return BlockTime(
            words=_words(block.prompt_html) + sum(_words(c.text_html) for c in choices),
            minutes=DATA_EXERCISE_MINUTES if block.dataset else EXERCISE_MINUTES,
        )

    def known_keys(self) -> Sequence[str]:
        return sorted(ExerciseBody.model_fields)

    def build(self, ctx: BuildContext) -> DirectiveBlock | None:
        spec = build_exercise(ctx.block_id, ctx.body, ctx.datasets, ctx.markdown)
        # Grade the key and a planted wrong answer now, so a broken key never ships.
        for message in self_check(spec):
            ctx.out.add(ctx.line, f"{ctx.prefix}: {message}")
        # Near misses: a neighbouring row the grader would accept (docs/authoring.md).
        for message, severity in near_miss_problems(spec, ctx.body, ctx.datasets):
            ctx.out.add(ctx.line, f"{ctx.prefix}: {message}", severity)
        _check_feedback_openings(ctx)
        return spec

    def load_states(
        self,
        session: Session,
        *,
        user: User,
        enrollment_id: int | None,
        course: Course,
        blocks: Sequence[DirectiveBlock],
    ) -> LearnerStates:
        specs = [b for b in blocks if isinstance(b, ExerciseSpec)]
        if enrollment_id is None:
            return LearnerStates({s.id: preview_state(s, user=user) for s in specs}, frozenset())
        attempts, rows = load_course_facts(
            session, enrollment_id=enrollment_id, course_slug=course.slug
        )
        states: dict[str, Any] = {}
        for spec in specs:
            row = rows.get(spec.id)
            states[spec.id] = build_state(
                spec,
                variant=variant_of(spec, id_of(user), row),
                attempts=attempts.get(spec.id, []),
                hints_revealed=row.hints_revealed if row else 0,
            )
        done = frozenset(i for i, found in attempts.items() if any(a.final for a in found))
        return LearnerStates(states, done)

    def done_ids(
        self, session: Session, *, user_id: int, enrollment_id: int, course: Course
    ) -> set[str]:
        return set(session.exec(_DONE, params={"enrollment_id": enrollment_id}))

    def render(self, block: DirectiveBlock, ctx: BlockContext) -> Markup:
        return render_block_template("exercises/_exercise.html", block, ctx)


register_kind(ExerciseKind())
