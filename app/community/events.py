"""What happens after a community change: the seam where notifications are made (issue 22).

The posting and moderation services call these functions in the same transaction as the
change, after the row has been flushed (so it has an id), and before they commit. Whatever
they add to ``session`` is committed with the change, or rolled back with it.

Each makes ``CommunityNotification`` rows (``app.community.notify``) for the members who
should hear of it and can still read the thread, never for the one who acted. Emails (an
immediate reply email, the daily or weekly digest) are sent from those rows by the worker
(``app.community.digest``), never inside the request.
"""

from __future__ import annotations

from sqlmodel import Session

from app.accounts.models import User
from app.community import notify
from app.community.models import CommunityPost, CommunityThread


def on_post_created(session: Session, post: CommunityPost) -> None:
    """A thread's opening post or a reply was written (``post.is_opening`` says which).

    A reply tells the thread's author ("replied to your thread") and everyone who wrote
    earlier in the thread ("replied after your post"); an opening post tells nobody."""
    notify.notify_reply(session, post=post)


def on_post_endorsed(session: Session, post: CommunityPost, *, actor: User) -> None:
    """Staff endorsed ``post`` as a strong example: its author hears of it."""
    notify.notify_endorsed(session, post=post, actor=actor)


def on_staff_action(
    session: Session,
    *,
    thread: CommunityThread,
    post: CommunityPost | None,
    actor: User,
    action: str,
) -> None:
    """Staff acted on a post (``post``) or a whole thread (``post`` None): its author hears.

    ``action`` is the moderation log's word: ``hide``, ``restore``, ``pin``, ``unpin``,
    ``lock``, ``unlock``, ``move``, ``unendorse`` (``hide_thread``/``restore_thread`` for a
    whole thread); ``notify.STAFF_ACTION_WORDS`` turns it into a sentence. Endorsing has its
    own function, ``on_post_endorsed``."""
    notify.notify_staff_action(session, thread=thread, post=post, actor=actor, action=action)
