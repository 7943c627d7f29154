"""Learner use cases for reflections: drafts, submissions and revisions, sharing, the
module page's per-block state, progress, notices, and restoring text parked across an
expired login (``parking``).

Each function that writes commits at its end. Nothing a learner wrote is dropped: a refused
submission is saved as the draft first, and a duplicate submission is answered as a success.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.content import sync
from app.content.course import Course, Module
from app.content.kinds import Enrolled, progress_keeper
from app.content.models import ActivityRecord, CourseRecord
from app.db import id_of, utcnow, write_session
from app.events import service as events
from app.reflections import parking
from app.reflections.models import (
    LearnerReflection,
    ReflectionFeedback,
    ReflectionRevision,
)
from app.reflections.spec import Reflection as ReflectionBlock
from app.reflections.text import MAX_DRAFT_CHARS, clean_text, word_count

# Shown beside the "Share with facilitators" box (templates/reflections/_share_note.html).
SHARE_AUDIENCE = (
    "Groundwork's facilitators and administrators, and the facilitators of your own "
    "organization if your account names one. Other learners never see it, and you can make "
    "it private again at any time."
)


class ReflectionNotFound(Exception):
    """No such reflection prompt, or not one this user may write to or read."""


class NotEnrolledForReflection(Exception):
    """The learner is not enrolled in the course."""


class ReflectionRefused(Exception):
    """A submission or draft that cannot be accepted; the text was kept as the draft."""

    def __init__(self, message: str, *, saved_as_draft: bool):
        super().__init__(message)
        self.message = message
        self.saved_as_draft = saved_as_draft


@dataclass(frozen=True)
class RevisionView:
    """One submitted revision as the learner sees it."""

    number: int
    text: str
    submitted_at: datetime


@dataclass(frozen=True)
class FeedbackView:
    """A facilitator's comment as the learner sees it."""

    body: str
    author_name: str
    created_at: datetime
    revision_number: int


@dataclass(frozen=True)
class ReflectionState:
    """What the reflection block on the module page shows for one learner."""

    reflection_id: int | None
    text: str  # the textarea: the draft if any, else the latest submission
    draft_saved_at: datetime | None
    shared: bool
    revision_count: int
    latest: RevisionView | None
    feedback: tuple[FeedbackView, ...] = ()
    has_draft: bool = False
    error: str | None = None

    @property
    def submitted(self) -> bool:
        """True once the learner has submitted at least once."""
        return self.revision_count > 0


@dataclass(frozen=True)
class SubmitResult:
    """The outcome of a submission: the reflection and whether it repeated the latest one."""

    reflection: LearnerReflection
    revision_number: int
    duplicate: bool


@dataclass(frozen=True)
class FeedbackNotice:
    """A dashboard notice for the learner: new feedback on one of their reflections."""

    message: str
    url: str
    created_at: datetime


@dataclass(frozen=True)
class Restored:
    """Where parked text went back to after the learner logged in again."""

    course_slug: str
    module_id: str
    activity_id: str


def _reflection_block(course: Course, activity_id: str) -> tuple[Module, ReflectionBlock]:
    found = course.block_of(activity_id, ReflectionBlock)
    if found is None:
        raise ReflectionNotFound(activity_id)
    return found


def _activity_record(session: Session, *, course_slug: str, activity_id: str) -> ActivityRecord:
    try:
        record_id = sync.activity_record_id(
            session, course_slug=course_slug, activity_id=activity_id
        )
    except LookupError:
        raise ReflectionNotFound(activity_id) from None
    record = session.get(ActivityRecord, record_id)
    if record is None:
        raise ReflectionNotFound(activity_id)
    return record


def _enrollment(session: Session, *, user: User, course: Course) -> Enrolled:
    keeper = progress_keeper()
    enrollment = keeper.enrollment_of(session, user_id=id_of(user), course_slug=course.slug)
    if enrollment is None:
        raise NotEnrolledForReflection(course.slug)
    return enrollment


def _get_or_create(
    session: Session, *, user: User, course: Course, activity_id: str
) -> LearnerReflection:
    module, block = _reflection_block(course, activity_id)
    record = _activity_record(session, course_slug=course.slug, activity_id=activity_id)
    reflection = session.exec(
        select(LearnerReflection).where(
            LearnerReflection.user_id == user.id, LearnerReflection.activity_id == record.id
        )
    ).first()
    if reflection is None:
        reflection = LearnerReflection(
            user_id=id_of(user),
            course_id=record.course_id,
            activity_id=id_of(record),
            activity_stable_id=activity_id,
            module_stable_id=module.id,
            module_title=module.title,
            prompt_html=block.prompt_html,
        )
    # Keep the snapshot current: it is what the journal shows if the prompt is retired.
    reflection.activity_stable_id = activity_id
    reflection.module_stable_id = module.id
    reflection.module_title = module.title[:300]
    reflection.prompt_html = block.prompt_html
    return reflection


def _store_draft(reflection: LearnerReflection, text: str, shared: bool | None) -> None:
    reflection.draft_text = text
    reflection.draft_saved_at = utcnow()
    if shared is not None:
        _set_shared(reflection, shared)


def _set_shared(reflection: LearnerReflection, shared: bool) -> None:
    if shared and not reflection.shared:
        reflection.shared_at = utcnow()
    reflection.shared = shared


def save_draft(
    session: Session,
    *,
    user: User,
    course: Course,
    activity_id: str,
    text: str,
    shared: bool | None = None,
) -> LearnerReflection:
    """Save the learner's draft (any length up to MAX_DRAFT_CHARS) for one prompt."""
    _enrollment(session, user=user, course=course)
    text = clean_text(text)
    if len(text) > MAX_DRAFT_CHARS:
        raise ReflectionRefused(
            f"This draft is {len(text):,} characters, more than we can keep "
            f"({MAX_DRAFT_CHARS:,}). Copy it somewhere safe and shorten it.",
            saved_as_draft=False,
        )
    reflection = _get_or_create(session, user=user, course=course, activity_id=activity_id)
    _store_draft(reflection, text, shared)
    latest = _latest_revision(session, reflection.id)
    if latest is not None and latest.text == text:
        # Same as the submitted text (e.g. an autosave landing after the submit): no draft.
        reflection.draft_text = ""
        reflection.draft_saved_at = None
    session.add(reflection)
    session.commit()
    return reflection


def submission_problem(block: ReflectionBlock, text: str) -> str | None:
    """Why ``text`` cannot be submitted for ``block``, or None when it can."""
    if not text.strip():
        return "Write your reflection before submitting it."
    words = word_count(text)
    if words < block.min_words:
        return (
            f"This prompt asks for at least {block.min_words} words; you have written "
            f"{words}. Your text is saved as a draft: add to it and submit again."
        )
    if len(text) > block.max_chars:
        return (
            f"This reflection is {len(text):,} characters; the limit is {block.max_chars:,}. "
            f"Shorten it by {len(text) - block.max_chars:,} characters and submit again. "
            "Your text is saved as a draft."
        )
    return None


def latest_revision_join() -> Any:
    """The ON clause joining a reflection to its latest submitted revision."""
    return and_(
        col(ReflectionRevision.reflection_id) == col(LearnerReflection.id),
        col(ReflectionRevision.number) == col(LearnerReflection.revision_count),
    )


def _latest_revision(session: Session, reflection_id: int | None) -> ReflectionRevision | None:
    if reflection_id is None:
        return None
    return session.exec(
        select(ReflectionRevision)
        .where(ReflectionRevision.reflection_id == reflection_id)
        .order_by(col(ReflectionRevision.number).desc())
    ).first()


def submit(
    session: Session,
    *,
    user: User,
    course: Course,
    activity_id: str,
    text: str,
    shared: bool,
) -> SubmitResult:
    """Submit (or revise) a reflection; the same text twice makes one submission.

    Raises ReflectionRefused (after saving the text as the draft) when the text is empty,
    too short or too long.
    """
    enrollment = _enrollment(session, user=user, course=course)
    text = clean_text(text)
    module, block = _reflection_block(course, activity_id)
    problem = submission_problem(block, text)
    if problem is not None:
        if len(text) > MAX_DRAFT_CHARS:
            raise ReflectionRefused(problem, saved_as_draft=False)
        save_draft(
            session, user=user, course=course, activity_id=activity_id, text=text, shared=shared
        )
        raise ReflectionRefused(problem, saved_as_draft=True)
    for _ in range(2):  # a concurrent double submit loses the race once, then sees the winner
        reflection = _get_or_create(session, user=user, course=course, activity_id=activity_id)
        latest = _latest_revision(session, reflection.id)
        _set_shared(reflection, shared)
        reflection.draft_text = ""
        reflection.draft_saved_at = None
        if latest is not None and latest.text == text:
            session.add(reflection)
            session.commit()
            return SubmitResult(reflection, latest.number, duplicate=True)
        now = utcnow()
        number = (latest.number if latest else 0) + 1
        reflection.revision_count = number
        reflection.first_submitted_at = reflection.first_submitted_at or now
        reflection.last_submitted_at = now
        session.add(reflection)
        try:
            session.flush()
            session.add(
                ReflectionRevision(
                    reflection_id=id_of(reflection), number=number, text=text, submitted_at=now
                )
            )
            session.flush()
            if shared:
                _record_shared(session, enrollment=enrollment, reflection=reflection)
            progress_keeper().activity_changed(
                session, enrollment=enrollment, course=course, module_id=module.id
            )
            session.commit()
        except IntegrityError:
            session.rollback()
            continue
        return SubmitResult(reflection, number, duplicate=False)
    raise ReflectionRefused(
        "Your reflection could not be saved because it was sent twice at the same moment. "
        "It is still in the box: submit it again.",
        saved_as_draft=False,
    )


def _record_shared(
    session: Session, *, enrollment: Enrolled, reflection: LearnerReflection
) -> None:
    """The fact that a submitted reflection is shared (ids only: never its text)."""
    events.record(
        session,
        kind=events.EventKind.reflection_shared,
        enrollment=enrollment,
        data={
            "module_id": reflection.module_stable_id,
            "activity_id": reflection.activity_stable_id,
            "revision": reflection.revision_count,
        },
    )


def _course_slug(session: Session, reflection: LearnerReflection) -> str:
    course = session.get(CourseRecord, reflection.course_id)
    return course.slug if course is not None else ""


def set_sharing(session: Session, *, user: User, reflection_id: int, shared: bool) -> None:
    """Share a reflection with facilitators, or make it private again."""
    reflection = own_reflection(session, user=user, reflection_id=reflection_id)
    newly_shared = shared and not reflection.shared and reflection.revision_count > 0
    _set_shared(reflection, shared)
    session.add(reflection)
    if newly_shared:
        enrollment = progress_keeper().enrollment_of(
            session, user_id=id_of(user), course_slug=_course_slug(session, reflection)
        )
        if enrollment is not None:
            _record_shared(session, enrollment=enrollment, reflection=reflection)
    session.commit()


def own_reflection(session: Session, *, user: User, reflection_id: int) -> LearnerReflection:
    """The user's own reflection with this id; anyone else's raises ReflectionNotFound."""
    reflection = session.get(LearnerReflection, reflection_id)
    if reflection is None or reflection.user_id != user.id:
        raise ReflectionNotFound(str(reflection_id))
    return reflection


def revisions(session: Session, *, reflection: LearnerReflection) -> list[RevisionView]:
    """Every submitted revision, newest first."""
    rows = session.exec(
        select(ReflectionRevision)
        .where(ReflectionRevision.reflection_id == reflection.id)
        .order_by(col(ReflectionRevision.number).desc())
    )
    return [RevisionView(r.number, r.text, r.submitted_at) for r in rows]


def feedback_for(session: Session, *, reflection_ids: list[int]) -> dict[int, list[FeedbackView]]:
    """Facilitator feedback on these reflections, oldest first, by reflection id."""
    if not reflection_ids:
        return {}
    rows = session.exec(
        select(ReflectionFeedback, User.display_name)
        .join(User, col(User.id) == col(ReflectionFeedback.author_id))
        .where(col(ReflectionFeedback.reflection_id).in_(reflection_ids))
        .order_by(col(ReflectionFeedback.created_at), col(ReflectionFeedback.id))
    )
    out: dict[int, list[FeedbackView]] = {}
    for row, name in rows:
        out.setdefault(row.reflection_id, []).append(
            FeedbackView(row.body, name, row.created_at, row.revision_number)
        )
    return out


def mark_feedback_seen(session: Session, *, user: User, reflection_id: int) -> None:
    """The learner has seen the feedback on this reflection: its notices end."""
    reflection = own_reflection(session, user=user, reflection_id=reflection_id)
    unseen = select(ReflectionFeedback).where(
        ReflectionFeedback.reflection_id == reflection.id,
        col(ReflectionFeedback.seen_at).is_(None),
    )
    if session.exec(unseen).first() is None:
        return
    # Called from a page view (GET): write in its own short transaction.
    with write_session(engine=session.get_bind()) as db:  # type: ignore[arg-type]
        now = utcnow()
        for row in db.exec(unseen).all():
            row.seen_at = now
            db.add(row)
        db.commit()


def state_of(
    reflection: LearnerReflection | None,
    latest: ReflectionRevision | None,
    feedback: list[FeedbackView],
) -> ReflectionState:
    """The block state for one reflection row (None: nothing written yet)."""
    if reflection is None:
        return ReflectionState(None, "", None, False, 0, None)
    latest_view = RevisionView(latest.number, latest.text, latest.submitted_at) if latest else None
    has_draft = reflection.draft_saved_at is not None
    text = reflection.draft_text if has_draft else (latest.text if latest else "")
    return ReflectionState(
        reflection_id=reflection.id,
        text=text,
        draft_saved_at=reflection.draft_saved_at,
        shared=reflection.shared,
        revision_count=reflection.revision_count,
        latest=latest_view,
        feedback=tuple(feedback),
        has_draft=has_draft,
    )


def notices_for(session: Session, *, user: User) -> list[FeedbackNotice]:
    """Unseen facilitator feedback on the user's reflections, newest first."""
    rows = session.exec(
        select(ReflectionFeedback, LearnerReflection, User.display_name)
        .join(LearnerReflection, col(LearnerReflection.id) == col(ReflectionFeedback.reflection_id))
        .join(User, col(User.id) == col(ReflectionFeedback.author_id))
        .where(LearnerReflection.user_id == user.id, col(ReflectionFeedback.seen_at).is_(None))
        .order_by(col(ReflectionFeedback.created_at).desc())
    ).all()
    return [
        FeedbackNotice(
            message=f"{name} left feedback on your reflection in “{ref.module_title}”.",
            url=f"/me/journal/{ref.id}",
            created_at=fb.created_at,
        )
        for fb, ref, name in rows
    ]


def restore_parked(
    session: Session, *, user: User, key: str, courses: dict[str, Course]
) -> Restored | None:
    """Put parked text back as the user's draft; None when there is nothing to restore.

    Text parked by another account's expired login stays parked for that account. Raises
    ReflectionNotFound or NotEnrolledForReflection when the prompt cannot take it (see
    ``parking.parked_text``).
    """
    parked = parking.find_parked(session, user=user, key=key)
    if parked is None:
        return None
    course = courses.get(parked.course_slug)
    if course is None:
        raise ReflectionNotFound(parked.activity_stable_id)
    module, _ = _reflection_block(course, parked.activity_stable_id)
    _enrollment(session, user=user, course=course)
    reflection = _get_or_create(
        session, user=user, course=course, activity_id=parked.activity_stable_id
    )
    _store_draft(reflection, parked.text, parked.shared)
    session.add(reflection)
    session.delete(parked)
    session.commit()
    return Restored(course.slug, module.id, parked.activity_stable_id)
