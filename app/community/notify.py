"""In-app community notifications (issue 22): who hears of a reply, an endorsement or a staff
action, and the list and unread count each member sees.

The rules every notice keeps:

- Nobody is told about their own action (the actor is never a recipient).
- Nobody is told about a thread they cannot read: each recipient is checked through
  ``scopes.visible_thread`` with their own viewer when the notice is made, and again when
  the list or an email shows it (a learner who moved to another cohort stops seeing the
  old cohort's notices; those are marked read, so the unread count heals itself).
- A reply makes one notice per person: the thread's author hears "replied to your thread";
  everyone else who wrote earlier in the thread hears "replied after you".
- Notices are rows of ``CommunityNotification``, added to the caller's session in the same
  transaction as the change (see ``events``); emails are sent later by ``digest``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.community import paths
from app.community.models import CommunityNotification, CommunityPost, CommunityThread
from app.community.scopes import viewer_for, visible
from app.db import id_of, utcnow

REPLY_TO_THREAD = "reply_to_thread"
REPLY_AFTER_YOURS = "reply_after_yours"
ENDORSED = "endorsed"
STAFF_ACTION = "staff_action"
REPLY_KINDS = frozenset({REPLY_TO_THREAD, REPLY_AFTER_YOURS})

# What a staff action tells the author of the post (or thread) it touched.
STAFF_ACTION_WORDS = {
    "hide": "hid your post",
    "hide_thread": "hid your thread",
    "restore": "restored your post",
    "restore_thread": "restored your thread",
    "pin": "pinned your thread",
    "unpin": "unpinned your thread",
    "lock": "locked your thread to new replies",
    "unlock": "reopened your thread for replies",
    "move": "moved your thread to another module",
    "unendorse": "removed the endorsement of your post",
}
LIST_LIMIT = 100


def _visible_thread_ids(
    session: Session, *, user: User, threads: Iterable[CommunityThread]
) -> set[int]:
    """The ids among ``threads`` that ``user`` may read now (one query per course)."""
    by_course: dict[str, set[int]] = defaultdict(set)
    for thread in threads:
        by_course[thread.course_slug].add(id_of(thread))
    readable: set[int] = set()
    for slug, ids in by_course.items():
        viewer = viewer_for(session, user=user, course_slug=slug)
        statement = visible(select(CommunityThread.id), viewer).where(
            col(CommunityThread.id).in_(ids)
        )
        readable.update(i for i in session.exec(statement).all() if i is not None)
    return readable


def _add(
    session: Session,
    *,
    recipients: dict[int, str],
    thread: CommunityThread,
    post: CommunityPost | None,
    actor_id: int | None,
    now: datetime,
) -> list[CommunityNotification]:
    """Add a notice for each recipient (id → kind) who may read the thread, never the actor."""
    recipients = {uid: kind for uid, kind in recipients.items() if uid != actor_id}
    if not recipients:
        return []
    users = session.exec(select(User).where(col(User.id).in_(list(recipients)))).all()
    made = []
    for user in users:
        if id_of(thread) not in _visible_thread_ids(session, user=user, threads=[thread]):
            continue
        notice = CommunityNotification(
            recipient_id=id_of(user),
            kind=recipients[id_of(user)],
            thread_id=id_of(thread),
            post_id=post.id if post is not None else None,
            actor_id=actor_id,
            created_at=now,
        )
        session.add(notice)
        made.append(notice)
    return made


def notify_reply(session: Session, *, post: CommunityPost) -> list[CommunityNotification]:
    """A reply was written: tell the thread's author and everyone who posted before it."""
    thread = session.get(CommunityThread, post.thread_id)
    if post.is_opening or thread is None or post.hidden_at is not None:
        return []
    earlier = session.exec(
        select(CommunityPost.author_id)
        .where(
            CommunityPost.thread_id == post.thread_id,
            col(CommunityPost.id) != post.id,
            col(CommunityPost.deleted_at).is_(None),
        )
        .distinct()
    ).all()
    recipients = {author_id: REPLY_AFTER_YOURS for author_id in earlier}
    recipients[thread.author_id] = REPLY_TO_THREAD
    return _add(
        session,
        recipients=recipients,
        thread=thread,
        post=post,
        actor_id=post.author_id,
        now=post.created_at or utcnow(),
    )


def notify_endorsed(
    session: Session, *, post: CommunityPost, actor: User
) -> list[CommunityNotification]:
    """Staff endorsed a post as a strong example: tell its author."""
    thread = session.get(CommunityThread, post.thread_id)
    if thread is None or post.deleted_at is not None:
        return []
    return _add(
        session,
        recipients={post.author_id: ENDORSED},
        thread=thread,
        post=post,
        actor_id=id_of(actor),
        now=utcnow(),
    )


def notify_staff_action(
    session: Session,
    *,
    thread: CommunityThread,
    post: CommunityPost | None,
    actor: User,
    action: str,
) -> list[CommunityNotification]:
    """Staff acted on a post (or a thread): tell the author of what they touched."""
    author_id = post.author_id if post is not None else thread.author_id
    # The action travels in the kind: "staff_action:hide" (the column holds 30 characters).
    return _add(
        session,
        recipients={author_id: f"{STAFF_ACTION}:{action}"[:30]},
        thread=thread,
        post=post,
        actor_id=id_of(actor),
        now=utcnow(),
    )


def action_of(kind: str) -> str | None:
    """The staff action of a ``staff_action:<action>`` kind, else None."""
    base, _, action = kind.partition(":")
    return action if base == STAFF_ACTION and action else None


# ---------------------------------------------------------------------------- reading


def thread_path(view: NoticeView) -> str:
    """Where a notice leads: the thread, at the post when it is still there."""
    post_id = view.notice.post_id if not view.post_gone else None
    return paths.thread_path(view.thread.course_slug, id_of(view.thread), post_id=post_id)


@dataclass(frozen=True)
class NoticeView:
    """One line of the notifications list (or of an email)."""

    notice: CommunityNotification
    thread: CommunityThread
    sentence: str  # "Ana replied to your thread", without the title
    post_gone: bool  # the post was deleted or hidden since

    @property
    def unread(self) -> bool:
        return self.notice.read_at is None


def _actor_name(
    notice: CommunityNotification,
    *,
    post: CommunityPost | None,
    actors: dict[int, User],
    recipient: User,
) -> str:
    if notice.kind == ENDORSED or action_of(notice.kind) is not None:
        return "A facilitator"
    actor = actors.get(notice.actor_id or -1)
    if actor is None:
        return "Someone"
    if post is not None and post.anonymous and recipient.role not in ("staff", "admin"):
        return "A member (anonymous to peers)"
    return actor.display_name


def sentence_for(
    notice: CommunityNotification,
    *,
    post: CommunityPost | None,
    actors: dict[int, User],
    recipient: User,
) -> str:
    """What happened, in words: "Ana replied to your thread"."""
    who = _actor_name(notice, post=post, actors=actors, recipient=recipient)
    if notice.kind == REPLY_TO_THREAD:
        return f"{who} replied to your thread"
    if notice.kind == REPLY_AFTER_YOURS:
        return f"{who} replied after your post"
    if notice.kind == ENDORSED:
        return f"{who} endorsed your post as a strong example"
    action = action_of(notice.kind) or ""
    return f"{who} {STAFF_ACTION_WORDS.get(action, 'acted on your post')}"


def views(
    session: Session, *, user: User, notices: list[CommunityNotification]
) -> list[NoticeView]:
    """The notices as the user may see them now; notices about threads they can no longer
    read are left out (the caller may mark them read)."""
    if not notices:
        return []
    thread_ids = {n.thread_id for n in notices}
    threads = {
        t.id: t
        for t in session.exec(
            select(CommunityThread).where(col(CommunityThread.id).in_(thread_ids))
        )
    }
    readable = _visible_thread_ids(session, user=user, threads=threads.values())
    post_ids = {n.post_id for n in notices if n.post_id is not None}
    posts = {
        p.id: p
        for p in session.exec(select(CommunityPost).where(col(CommunityPost.id).in_(post_ids)))
    }
    actor_ids = {n.actor_id for n in notices if n.actor_id is not None}
    actors = {id_of(u): u for u in session.exec(select(User).where(col(User.id).in_(actor_ids)))}
    found = []
    for notice in notices:
        if notice.thread_id not in readable:
            continue
        post = posts.get(notice.post_id) if notice.post_id is not None else None
        gone = post is not None and (post.deleted_at is not None or post.hidden_at is not None)
        found.append(
            NoticeView(
                notice=notice,
                thread=threads[notice.thread_id],
                sentence=sentence_for(notice, post=post, actors=actors, recipient=user),
                post_gone=gone,
            )
        )
    return found


def recent(session: Session, *, user: User, limit: int = LIST_LIMIT) -> list[NoticeView]:
    """The user's newest notices first, as they may see them now."""
    notices = list(
        session.exec(
            select(CommunityNotification)
            .where(CommunityNotification.recipient_id == id_of(user))
            .order_by(
                col(CommunityNotification.created_at).desc(), col(CommunityNotification.id).desc()
            )
            .limit(limit)
        )
    )
    return views(session, user=user, notices=notices)


def unread_count(session: Session, *, user_id: int) -> int:
    """How many notices the user has not read: one COUNT on the (recipient, read_at) index."""
    statement = select(func.count()).where(
        CommunityNotification.recipient_id == user_id,
        col(CommunityNotification.read_at).is_(None),
    )
    return int(session.exec(statement).one())


def mark_all_read(session: Session, *, user: User, now: datetime | None = None) -> int:
    """Mark every unread notice of the user read (not committed); returns how many."""
    result = session.execute(
        update(CommunityNotification)
        .where(
            col(CommunityNotification.recipient_id) == id_of(user),
            col(CommunityNotification.read_at).is_(None),
        )
        .values(read_at=now or utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def mark_read(session: Session, *, user: User, notice_id: int, now: datetime | None = None) -> bool:
    """Mark one of the user's notices read (not committed); False if it is not theirs."""
    notice = session.get(CommunityNotification, notice_id)
    if notice is None or notice.recipient_id != id_of(user):
        return False
    if notice.read_at is None:
        notice.read_at = now or utcnow()
        session.add(notice)
    return True
