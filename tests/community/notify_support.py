"""Writing replies and moderation the way the community services do: the row, a flush, the
event (``app.community.events``), one commit. The pages themselves are tested elsewhere."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from app.accounts.models import User
from app.community import events
from app.community.models import CommunityNotification, CommunityPost, CommunityThread
from app.db import id_of, utcnow
from app.learning.models import Enrollment
from app.orgs.models import Cohort


def reply(
    session: Session,
    *,
    thread: CommunityThread,
    author: User,
    body: str = "A reply.",
    anonymous: bool = False,
    at: datetime | None = None,
) -> CommunityPost:
    post = CommunityPost(
        thread_id=id_of(thread),
        author_id=id_of(author),
        body=body,
        anonymous=anonymous,
        created_at=at or utcnow(),
    )
    session.add(post)
    session.flush()
    events.on_post_created(session, post)
    session.commit()
    return post


def opening(session: Session, thread: CommunityThread) -> CommunityPost:
    post = session.exec(
        select(CommunityPost).where(
            CommunityPost.thread_id == thread.id,
            CommunityPost.is_opening == True,  # noqa: E712
        )
    ).one()
    return post


def notices(session: Session, user: User) -> list[CommunityNotification]:
    session.commit()  # a fresh read: SQLite would show the transaction's old snapshot
    session.expire_all()
    return list(
        session.exec(
            select(CommunityNotification)
            .where(CommunityNotification.recipient_id == user.id)
            .order_by(CommunityNotification.id)  # type: ignore[arg-type]
        )
    )


def move_to_cohort(session: Session, *, user: User, cohort: Cohort) -> None:
    """The learner's enrollment now carries another cohort: their scope changes."""
    enrollment = session.exec(select(Enrollment).where(Enrollment.user_id == user.id)).one()
    enrollment.cohort = cohort.code
    session.add(enrollment)
    session.commit()
