"""Tables of the community discussions (issue 22): threads, posts, history, flags,
moderation log, in-app notifications, email digest bookkeeping and organization settings.

The contract every community route and service keeps:

- A thread belongs to one course (``course_slug``), one module (``module_id``, the module's
  stable id) and optionally one reflection prompt (``prompt_id``, the reflection activity's
  stable id). It lives in exactly one **scope**: ``scope_kind`` is ``cohort``,
  ``organization`` or ``course`` and ``scope_key`` is the cohort code, the organization id
  (as text) or ``""``. ``organization_id`` is the organization that scope belongs to (the
  cohort's organization, the organization itself, or None for the course-wide community);
  staff visibility filters on it. ``app.community.scopes`` is the one place that decides a
  reader's scope; nothing else compares scope columns.
- The thread's text is its **opening post** (``CommunityPost.is_opening``); replies are the
  other posts of the thread, one level deep. Every post keeps its own anonymity choice,
  edit history (``CommunityPostRevision`` holds each replaced version), soft delete
  (``deleted_at``: the row stays, "[deleted]" is shown) and hidden state (set by staff or by
  the flag threshold; the author sees the reason, peers see nothing).
- ``CommunityThread.anonymous`` mirrors its opening post's choice, so thread lists need no
  join. ``last_posted_at`` is the newest visible activity, for "latest reply" in lists; lists
  order pinned first, then newest thread (``created_at``) first.
- A strong example is endorsed on the post itself (``endorsed_at``/``endorsed_by_id``); a
  thread may have several. Moving a thread changes ``module_id`` and keeps the old one in
  ``moved_from_module_id``.
- Rate limits are counted from ``CommunityPost`` rows (author, ``created_at``), deleted ones
  included, so nothing lives in process memory.
- Every moderation decision is one ``CommunityModerationAction`` row; ``actor_id`` None means
  the system (the three-flag auto-hide).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import utc_column, utcnow


class ScopeKind(StrEnum):
    """Who a thread is shared with."""

    cohort = "cohort"
    organization = "organization"
    course = "course"


class CommunityThread(SQLModel, table=True):
    """A discussion thread on a module (and optionally one reflection prompt), in one scope."""

    __tablename__ = "community_thread"
    __table_args__ = (
        # "Threads of a module in a scope, pinned first, newest first."
        Index(
            "ix_community_thread_listing",
            "course_slug",
            "module_id",
            "scope_kind",
            "scope_key",
            "pinned",
            "created_at",
        ),
        Index("ix_community_thread_prompt", "course_slug", "prompt_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    course_slug: str = Field(max_length=100)
    module_id: str = Field(max_length=100)  # the module's stable id
    prompt_id: str | None = Field(default=None, max_length=100)  # reflection activity id
    scope_kind: str = Field(max_length=20)  # a ScopeKind value
    scope_key: str = Field(default="", max_length=64)  # cohort code, organization id or ""
    organization_id: int | None = Field(default=None, foreign_key="organization.id", index=True)
    title: str = Field(max_length=200)
    author_id: int = Field(foreign_key="user_account.id", index=True)
    anonymous: bool = False
    pinned: bool = False
    locked: bool = False
    hidden_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    hidden_reason: str | None = Field(default=None, max_length=500)
    hidden_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    moved_from_module_id: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(touch=True))
    last_posted_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    deleted_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class CommunityPost(SQLModel, table=True):
    """The opening post of a thread or a reply to it (replies are one level deep)."""

    __tablename__ = "community_post"
    __table_args__ = (
        Index("ix_community_post_thread", "thread_id", "created_at"),
        # Rate limits: a member's own posts in a time window.
        Index("ix_community_post_author", "author_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="community_thread.id")
    author_id: int = Field(foreign_key="user_account.id")
    is_opening: bool = False
    body: str = Field(sa_column=Column(Text, nullable=False))  # Markdown as typed
    anonymous: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    edited_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    deleted_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    hidden_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    hidden_reason: str | None = Field(default=None, max_length=500)
    hidden_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    endorsed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    endorsed_by_id: int | None = Field(default=None, foreign_key="user_account.id")


class CommunityPostRevision(SQLModel, table=True):
    """A version of a post that an edit replaced, numbered from 1 (oldest)."""

    __tablename__ = "community_post_revision"
    __table_args__ = (UniqueConstraint("post_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="community_post.id", index=True)
    number: int
    title: str | None = Field(default=None, max_length=200)  # the thread title, opening posts
    body: str = Field(sa_column=Column(Text, nullable=False))
    written_at: datetime = Field(sa_column=utc_column())  # when this version was written
    replaced_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())


class CommunityFlag(SQLModel, table=True):
    """A member's flag on a post; one per member and post, so flags count distinct members."""

    __tablename__ = "community_flag"
    __table_args__ = (UniqueConstraint("post_id", "flagger_id"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="community_post.id", index=True)
    flagger_id: int = Field(foreign_key="user_account.id", index=True)
    reason: str = Field(max_length=40)  # a reason key chosen from a list
    note: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    resolved_at: datetime | None = Field(
        default=None, sa_column=utc_column(nullable=True, index=True)
    )
    resolved_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    resolution: str | None = Field(default=None, max_length=20)  # e.g. "kept", "hidden"


class CommunityModerationAction(SQLModel, table=True):
    """One moderation decision (pin, lock, hide, restore, endorse, move, ...), for the log."""

    __tablename__ = "community_moderation_action"

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    action: str = Field(max_length=30)
    thread_id: int | None = Field(default=None, foreign_key="community_thread.id", index=True)
    post_id: int | None = Field(default=None, foreign_key="community_post.id", index=True)
    reason: str = Field(default="", max_length=500)
    detail: str = Field(default="", max_length=500)  # e.g. "from module-a to module-b"
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))


class CommunityNotification(SQLModel, table=True):
    """An in-app notice for one member: a reply, an endorsement, a staff action."""

    __tablename__ = "community_notification"
    __table_args__ = (Index("ix_community_notification_unread", "recipient_id", "read_at"),)

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="user_account.id")
    kind: str = Field(max_length=30)
    thread_id: int = Field(foreign_key="community_thread.id", index=True)
    post_id: int | None = Field(default=None, foreign_key="community_post.id")
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))
    read_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    emailed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class CommunityDigest(SQLModel, table=True):
    """A member's discussion email choice and the last digest period sent.

    ``period`` is ``daily``, ``weekly`` (the default when no row exists) or ``off``;
    ``immediate_replies`` is off by default. A digest run claims a period with a conditional
    UPDATE of ``last_period_start`` (``WHERE last_period_start IS NULL OR < :start``), so two
    workers at once send it once.
    """

    __tablename__ = "community_digest"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", unique=True)
    period: str = Field(default="weekly", max_length=10)
    immediate_replies: bool = False
    last_period_start: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    last_sent_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(touch=True))


class CommunityOrgSetting(SQLModel, table=True):
    """An organization's community choices; no row means the defaults (anonymity allowed)."""

    __tablename__ = "community_org_setting"

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", unique=True)
    allow_anonymous: bool = True
    updated_by_id: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(touch=True))


class GuidelinesAcknowledgement(SQLModel, table=True):
    """A member read a course's community guidelines before their first post."""

    __tablename__ = "community_guidelines_ack"
    __table_args__ = (UniqueConstraint("user_id", "course_slug"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    course_slug: str = Field(max_length=100)
    acknowledged_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
