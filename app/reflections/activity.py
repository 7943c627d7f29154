"""The ``{reflection}`` kind, registered with content: build the prompt at load, load one
learner's reflections (latest revision and feedback) for a whole course in one query."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup
from sqlalchemy import bindparam
from sqlalchemy.orm import aliased
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
from app.reflections.models import LearnerReflection, ReflectionFeedback, ReflectionRevision
from app.reflections.service import FeedbackView, ReflectionState, latest_revision_join, state_of
from app.reflections.spec import Reflection, ReflectionSchema, build_reflection
from app.reflections.timing import TIME_BASIS, reflection_time


def _course_states_query() -> Any:
    author = aliased(User)
    return (
        select(  # type: ignore[call-overload]
            ActivityRecord.stable_id,
            LearnerReflection,
            ReflectionRevision,
            ReflectionFeedback,
            author.display_name,
        )
        .join(CourseRecord, col(CourseRecord.id) == col(LearnerReflection.course_id))
        .join(ActivityRecord, col(ActivityRecord.id) == col(LearnerReflection.activity_id))
        .outerjoin(ReflectionRevision, latest_revision_join())
        .outerjoin(
            ReflectionFeedback,
            col(ReflectionFeedback.reflection_id) == col(LearnerReflection.id),
        )
        .outerjoin(author, col(author.id) == col(ReflectionFeedback.author_id))
        .where(
            LearnerReflection.user_id == bindparam("user_id"),
            CourseRecord.slug == bindparam("course_slug"),
        )
        .order_by(col(ReflectionFeedback.created_at), col(ReflectionFeedback.id))
    )


# Built once: composing this statement (an aliased join) costs more than running it.
_COURSE_STATES = _course_states_query()
_SUBMITTED = (
    select(ActivityRecord.stable_id)
    .join(LearnerReflection, col(LearnerReflection.activity_id) == col(ActivityRecord.id))
    .join(CourseRecord, col(CourseRecord.id) == col(LearnerReflection.course_id))
    .where(
        LearnerReflection.user_id == bindparam("user_id"),
        CourseRecord.slug == bindparam("course_slug"),
        LearnerReflection.revision_count > 0,
    )
)


def load_course_states(
    session: Session, *, user_id: int, course_slug: str
) -> dict[str, ReflectionState]:
    """Every reflection this learner wrote in the course, by activity id: one query."""
    rows = session.exec(
        _COURSE_STATES, params={"user_id": user_id, "course_slug": course_slug}
    ).all()
    found: dict[str, tuple[LearnerReflection, ReflectionRevision | None]] = {}
    feedback: dict[str, list[FeedbackView]] = {}
    for stable_id, reflection, revision, comment, name in rows:
        found[stable_id] = (reflection, revision)
        if comment is not None:
            view = FeedbackView(
                comment.body, name or "", comment.created_at, comment.revision_number
            )
            feedback.setdefault(stable_id, []).append(view)
    return {
        stable_id: state_of(reflection, revision, feedback.get(stable_id, []))
        for stable_id, (reflection, revision) in found.items()
    }


class ReflectionKind:
    """Free-text reflections, saved as drafts and submitted as revisions."""

    name = "reflection"
    is_activity = True
    time_label = "reflections"
    time_basis = TIME_BASIS

    def time(self, block: DirectiveBlock) -> BlockTime:
        assert isinstance(block, Reflection)
        return reflection_time(block)

    def known_keys(self) -> Sequence[str]:
        return sorted(ReflectionSchema.model_fields)

    def build(self, ctx: BuildContext) -> DirectiveBlock | None:
        return build_reflection(ctx)

    def load_states(
        self,
        session: Session,
        *,
        user: User,
        enrollment_id: int | None,
        course: Course,
        blocks: Sequence[DirectiveBlock],
    ) -> LearnerStates:
        if enrollment_id is None or user.id is None:
            return LearnerStates({}, frozenset())
        found = load_course_states(session, user_id=user.id, course_slug=course.slug)
        empty = state_of(None, None, [])
        states = {b.id: found.get(b.id, empty) for b in blocks}
        done = frozenset(i for i, state in found.items() if state.submitted)
        return LearnerStates(states, done)

    def done_ids(
        self, session: Session, *, user_id: int, enrollment_id: int, course: Course
    ) -> set[str]:
        params = {"user_id": user_id, "course_slug": course.slug}
        return set(session.exec(_SUBMITTED, params=params))

    def render(self, block: DirectiveBlock, ctx: BlockContext) -> Markup:
        return render_block_template("reflections/_reflection.html", block, ctx)


register_kind(ReflectionKind())
