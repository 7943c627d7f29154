"""Staff use cases: the review queue of shared reflections, reading one beside its prompt,
feedback, and the CSV export. Everything passes through ``_shared_in_scope``: a private
reflection or a learner outside the staff member's organization scope is never selected.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import Organization, User
from app.accounts.staff_scope import organization_scope, scope_condition
from app.content.course import Course
from app.content.models import ActivityRecord, CourseRecord
from app.content.plaintext import html_to_text
from app.db import id_of, utcnow, within_days, write_session
from app.reflections.models import (
    LearnerReflection,
    ReflectionFeedback,
    ReflectionRead,
    ReflectionRevision,
    stored_prompt,
)
from app.reflections.service import (
    FeedbackView,
    ReflectionNotFound,
    RevisionView,
    feedback_for,
    latest_revision_join,
)
from app.reflections.spec import Reflection as ReflectionBlock
from app.reflections.text import clean_text
from app.spreadsheets import write_csv

FEEDBACK_MAX_CHARS = 2000
PAGE_SIZE = 50
EXPORT_COLUMNS = (
    "course",
    "module",
    "prompt",
    "learner_name",
    "organization",
    "submitted_at",
    "revision",
    "text",
)


class FeedbackRefused(Exception):
    """Feedback that cannot be saved, with the reason."""


@dataclass(frozen=True)
class QueueFilters:
    """What the staff queue and the export are narrowed to (empty = everything in scope)."""

    course: str = ""
    prompt: str = ""
    organization_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    unread: bool = False
    page: int = 1

    def query_params(self) -> dict[str, str]:
        """The filters as query parameters (for links to other pages and the export)."""
        params = {
            "course": self.course,
            "prompt": self.prompt,
            "organization": str(self.organization_id or ""),
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "unread": "1" if self.unread else "",
        }
        return {k: v for k, v in params.items() if v}


@dataclass(frozen=True)
class QueueItem:
    """One shared reflection in the queue (its latest revision)."""

    reflection_id: int
    course_slug: str
    course_title: str
    module_title: str
    activity_id: str
    prompt_html: Markup
    prompt_retired: bool
    learner_name: str
    organization: str
    submitted_at: datetime
    revision: int
    text: str
    unread: bool


@dataclass(frozen=True)
class QueuePage:
    """A page of the queue and how many items match in all."""

    items: list[QueueItem]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class StaffReflection:
    """A shared reflection opened by staff: every revision and the feedback thread."""

    item: QueueItem
    revisions: list[RevisionView]
    feedback: list[FeedbackView]


def _shared_in_scope(staff: User, filters: QueueFilters) -> Any:
    """The select of (reflection, latest revision, learner, org name, course) staff may see."""
    stmt = (
        select(  # type: ignore[call-overload]  # SQLModel types at most four columns
            LearnerReflection,
            ReflectionRevision,
            User.display_name,
            Organization.name,
            CourseRecord.slug,
            CourseRecord.title,
            ActivityRecord.stable_id,
        )
        .join(ReflectionRevision, latest_revision_join())
        .join(User, col(User.id) == col(LearnerReflection.user_id))
        .join(CourseRecord, col(CourseRecord.id) == col(LearnerReflection.course_id))
        .join(ActivityRecord, col(ActivityRecord.id) == col(LearnerReflection.activity_id))
        .outerjoin(Organization, col(Organization.id) == col(User.organization_id))
        .where(col(LearnerReflection.shared).is_(True), LearnerReflection.revision_count > 0)
    )
    scope = scope_condition(staff, User.organization_id)
    if scope is not None:
        stmt = stmt.where(scope)
    if filters.course:
        stmt = stmt.where(CourseRecord.slug == filters.course)
    if filters.prompt:
        stmt = stmt.where(ActivityRecord.stable_id == filters.prompt)
    if filters.organization_id is not None:
        stmt = stmt.where(User.organization_id == filters.organization_id)
    for condition in within_days(
        LearnerReflection.last_submitted_at, filters.date_from, filters.date_to
    ):
        stmt = stmt.where(condition)
    if filters.unread:
        read = select(ReflectionRead.id).where(
            ReflectionRead.reflection_id == LearnerReflection.id,
            ReflectionRead.staff_user_id == staff.id,
            col(ReflectionRead.revision_number) >= col(LearnerReflection.revision_count),
        )
        stmt = stmt.where(~read.exists())
    return stmt


def _prompt(
    courses: Mapping[str, Course], slug: str, stable_id: str, ref: LearnerReflection
) -> tuple[Markup, bool]:
    course = courses.get(slug)
    found = course.block_of(stable_id, ReflectionBlock) if course else None
    if found is None:
        return stored_prompt(ref), True
    return found[1].prompt_html, False


def _reads(session: Session, *, staff: User, reflection_ids: list[int]) -> dict[int, int]:
    if not reflection_ids:
        return {}
    rows = session.exec(
        select(ReflectionRead.reflection_id, ReflectionRead.revision_number).where(
            ReflectionRead.staff_user_id == staff.id,
            col(ReflectionRead.reflection_id).in_(reflection_ids),
        )
    )
    return dict(rows.all())


def _items(
    session: Session, *, staff: User, rows: list[Any], courses: Mapping[str, Course]
) -> list[QueueItem]:
    reads = _reads(session, staff=staff, reflection_ids=[r[0].id for r in rows])
    items = []
    for ref, rev, name, org, slug, title, stable_id in rows:
        prompt_html, retired = _prompt(courses, slug, stable_id, ref)
        items.append(
            QueueItem(
                reflection_id=ref.id,
                course_slug=slug,
                course_title=title,
                module_title=ref.module_title,
                activity_id=stable_id,
                prompt_html=prompt_html,
                prompt_retired=retired,
                learner_name=name,
                organization=org or "",
                submitted_at=rev.submitted_at,
                revision=rev.number,
                text=rev.text,
                unread=reads.get(ref.id, 0) < rev.number,
            )
        )
    return items


def queue(
    session: Session, *, staff: User, filters: QueueFilters, courses: Mapping[str, Course]
) -> QueuePage:
    """One page of the shared reflections this staff member may read, newest first."""
    base = _shared_in_scope(staff, filters)
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    rows = session.exec(
        base.order_by(col(LearnerReflection.last_submitted_at).desc(), col(LearnerReflection.id))
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return QueuePage(
        _items(session, staff=staff, rows=list(rows), courses=courses), total, page, pages
    )


def open_reflection(
    session: Session,
    *,
    staff: User,
    reflection_id: int,
    courses: Mapping[str, Course],
    mark_read: bool = True,
) -> StaffReflection:
    """A shared reflection in scope, marked read by this staff member; else ReflectionNotFound.

    ``mark_read`` writes in its own transaction, so pass False when ``session`` already holds
    the write lock (a POST re-rendering the page).
    """
    row = session.exec(
        _shared_in_scope(staff, QueueFilters()).where(LearnerReflection.id == reflection_id)
    ).first()
    if row is None:
        raise ReflectionNotFound(str(reflection_id))
    item = _items(session, staff=staff, rows=[row], courses=courses)[0]
    revisions = session.exec(
        select(ReflectionRevision)
        .where(ReflectionRevision.reflection_id == reflection_id)
        .order_by(col(ReflectionRevision.number).desc())
    ).all()
    if item.unread and mark_read:
        _mark_read(session, staff=staff, reflection_id=reflection_id, revision=item.revision)
    return StaffReflection(
        item=item,
        revisions=[RevisionView(r.number, r.text, r.submitted_at) for r in revisions],
        feedback=feedback_for(session, reflection_ids=[reflection_id]).get(reflection_id, []),
    )


def _mark_read(session: Session, *, staff: User, reflection_id: int, revision: int) -> None:
    # Opening is a GET: record the read in its own short write transaction.
    with write_session(engine=session.get_bind()) as db:  # type: ignore[arg-type]
        read = db.exec(
            select(ReflectionRead).where(
                ReflectionRead.reflection_id == reflection_id,
                ReflectionRead.staff_user_id == staff.id,
            )
        ).first()
        read = read or ReflectionRead(
            reflection_id=reflection_id, staff_user_id=id_of(staff), revision_number=0
        )
        read.revision_number = max(read.revision_number, revision)
        read.read_at = utcnow()
        db.add(read)
        db.commit()


def add_feedback(session: Session, *, staff: User, reflection_id: int, body: str) -> None:
    """Leave a comment on a shared reflection in scope; the learner gets a notice."""
    row = session.exec(
        _shared_in_scope(staff, QueueFilters()).where(LearnerReflection.id == reflection_id)
    ).first()
    if row is None:
        raise ReflectionNotFound(str(reflection_id))
    body = clean_text(body).strip()
    if not body:
        raise FeedbackRefused("Write a comment before sending it.")
    if len(body) > FEEDBACK_MAX_CHARS:
        raise FeedbackRefused(
            f"Feedback is limited to {FEEDBACK_MAX_CHARS:,} characters; this is {len(body):,}."
        )
    reflection = row[0]
    session.add(
        ReflectionFeedback(
            reflection_id=reflection_id,
            revision_number=reflection.revision_count,
            author_id=id_of(staff),
            body=body,
        )
    )
    session.commit()


@dataclass(frozen=True)
class ReviewFilterChoices:
    """The options offered by the queue's filter form, limited to the staff scope."""

    courses: list[tuple[str, str]]  # (slug, title)
    prompts: list[tuple[str, str]]  # (activity id, "course · module · id")
    organizations: list[tuple[int, str]]
    scoped_to: str | None  # the organization name when the account covers only one


def filter_choices(
    session: Session, *, staff: User, courses: Mapping[str, Course]
) -> ReviewFilterChoices:
    """Courses, prompts and organizations to filter by."""
    course_list = [(c.slug, c.title) for _, c in sorted(courses.items())]
    prompts = [
        (b.id, f"{c.title} · {m.title} · {b.id}")
        for _, c in sorted(courses.items())
        for m in c.modules
        for b in m.blocks
        if isinstance(b, ReflectionBlock)
    ]
    scope = organization_scope(staff)
    stmt = select(Organization.id, Organization.name).order_by(Organization.name)
    if scope is not None:
        stmt = stmt.where(Organization.id == scope)
    orgs = [(i, n) for i, n in session.exec(stmt).all() if i is not None]
    scoped_to = orgs[0][1] if scope is not None and orgs else None
    return ReviewFilterChoices(course_list, prompts, orgs, scoped_to)


def counts(session: Session, *, staff: User) -> tuple[int, int]:
    """(shared reflections in scope, of which unread by this staff member)."""
    total = session.exec(
        select(func.count()).select_from(_shared_in_scope(staff, QueueFilters()).subquery())
    ).one()
    unread = session.exec(
        select(func.count()).select_from(
            _shared_in_scope(staff, QueueFilters(unread=True)).subquery()
        )
    ).one()
    return total, unread


def export_rows(
    session: Session, *, staff: User, filters: QueueFilters, courses: Mapping[str, Course]
) -> Iterator[list[str]]:
    """The export's rows (header first), the same selection as the queue without paging."""
    yield list(EXPORT_COLUMNS)
    stmt = _shared_in_scope(staff, filters).order_by(
        col(CourseRecord.slug), col(LearnerReflection.module_stable_id), col(LearnerReflection.id)
    )
    for ref, rev, name, org, slug, title, stable_id in session.exec(stmt):
        prompt_html, _ = _prompt(courses, slug, stable_id, ref)
        yield [
            title,
            ref.module_title,
            html_to_text(prompt_html),
            name,
            org or "",
            rev.submitted_at.astimezone(UTC).isoformat(timespec="seconds"),
            str(rev.number),
            rev.text,
        ]


def export_csv(
    session: Session, *, staff: User, filters: QueueFilters, courses: Mapping[str, Course]
) -> str:
    """CSV of the shared reflections in scope (UTF-8 with BOM for spreadsheets)."""
    return write_csv(export_rows(session, staff=staff, filters=filters, courses=courses))
