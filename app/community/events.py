"""What happens after a community change: the seam where notifications are made (issue 22).

The posting and moderation services call these functions in the same transaction as the
change, after the row has been flushed (so it has an id), and before they commit. Whatever
they add to ``session`` is committed with the change, or rolled back with it.

The notification helper (C3) replaces the bodies: replies to your thread, replies after
yours, an endorsement of your post, a staff action on your post, each a
``CommunityNotification`` row (and, for immediate email, an outbox email) for the members
who should hear of it and can still read the thread. Until then they deliberately do
nothing: no notice is a correct, if quiet, outcome.
"""

from __future__ import annotations

from sqlmodel import Session

from app.accounts.models import User
from app.community.models import CommunityPost, CommunityThread


def on_post_created(session: Session, post: CommunityPost) -> None:
    """A thread's opening post or a reply was written (``post.is_opening`` says which).

    Seam for C3's notifications: currently makes no notice.
    """


def on_post_endorsed(session: Session, post: CommunityPost, *, actor: User) -> None:
    """Staff endorsed ``post`` as a strong example. Seam for C3's notifications."""


def on_staff_action(
    session: Session,
    *,
    thread: CommunityThread,
    post: CommunityPost | None,
    actor: User,
    action: str,
) -> None:
    """Staff hid, restored, locked, moved ... a thread or post. Seam for C3's notifications."""
