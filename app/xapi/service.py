"""LRS configurations, turning domain events into statements, and the statement log.

Each use case commits at its end. ``dispatch`` reads the domain events after its cursor,
builds each event's statements for every LRS that covers the learner's organization (and
was configured before the event), and moves the cursor in the same transaction; the
webhook dispatcher's own mark on the events is left alone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from pydantic import SecretStr
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, exists, func, select

from app.accounts.models import Organization, User
from app.config import Settings
from app.content.models import ActivityRecord, CourseRecord, ModuleRecord
from app.db import utcnow
from app.events.models import DomainEvent
from app.events.service import EventKind
from app.exercises.models import ExerciseAttempt
from app.security import secret_box
from app.security.outbound_urls import (
    OutboundPolicy,
    UnsafeUrl,
    address_problem,
    check_url,
    loopback_policy,
)
from app.xapi import statements
from app.xapi.models import DeliveryStatus, LrsConfig, XapiActor, XapiCursor, XapiStatement

SECRET_PURPOSE = "xapi-lrs"  # noqa: S105  (the secret box key purpose, not a secret)


class LrsError(Exception):
    """An LRS that cannot be configured: ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def endpoint_problem(endpoint: str, *, allow_loopback_http: bool) -> str | None:
    """Why ``endpoint`` cannot be an LRS, or None: https only (plain http on this computer
    with GROUNDWORK_XAPI_ALLOW_LOOPBACK_HTTP), and never a private address otherwise (the
    outbound-URL rule that webhooks follow)."""
    problem = address_problem(
        endpoint,
        noun="the LRS",
        example="https://lrs.example.org/xAPI/",
        setting="GROUNDWORK_XAPI_ALLOW_LOOPBACK_HTTP",
        allow_loopback_http=allow_loopback_http,
        allow_query=False,
    )
    if problem:
        return problem
    try:
        check_url(endpoint, policy=loopback_policy(allow_loopback_http))
    except UnsafeUrl as exc:
        return str(exc)
    return None


def url_policy(settings: Settings) -> OutboundPolicy:
    """Where statements may go: public https addresses in production; a loopback LRS only
    with GROUNDWORK_XAPI_ALLOW_LOOPBACK_HTTP (tests, development)."""
    return OutboundPolicy(
        allow_private=settings.xapi_allow_loopback_http, require_https=settings.is_production
    )


def default_name(endpoint: str) -> str:
    """A name for an LRS added without one: its host."""
    try:
        return urlsplit(endpoint.strip()).hostname or "LRS"
    except ValueError:
        return "LRS"


def statements_url(endpoint: str) -> str:
    """The Statements resource under an xAPI base address."""
    return endpoint.strip().rstrip("/") + "/statements"


def add_lrs(
    session: Session,
    *,
    name: str,
    endpoint: str,
    key: str,
    secret: str,
    organization_id: int | None,
    send_email: bool,
    mastery_score: float,
    created_by: User | None,
    settings: Settings,
) -> LrsConfig:
    """Configure an LRS (its secret encrypted at rest). Commits."""
    errors: dict[str, str] = {}
    name = " ".join(name.split())
    if not name or len(name) > 200:
        errors["name"] = "Give the LRS a name of 1 to 200 characters, like “District LRS”."
    problem = endpoint_problem(endpoint, allow_loopback_http=settings.xapi_allow_loopback_http)
    if problem:
        errors["endpoint"] = problem
    key = key.strip()
    if not key or len(key) > 200 or ":" in key:
        errors["key"] = "Enter the LRS key (its user name for basic auth, without a colon)."
    if not secret or len(secret) > 500:
        errors["secret"] = "Enter the LRS secret (at most 500 characters)."  # noqa: S105
    if not 0 <= mastery_score <= 1:
        errors["mastery_score"] = "The mastery score is a share from 0 to 1, like 0.8."
    if organization_id is not None and session.get(Organization, organization_id) is None:
        errors["organization"] = "There is no organization with that id."
    elif organization_id is None and send_email:
        # Identifying by email is one organization's choice, never made for all of them.
        errors["organization"] = (
            "Identifying learners by email is for one organization that has chosen it: pick "
            "that organization, or identify learners by account."
        )
    if errors:
        raise LrsError(errors)
    lrs = LrsConfig(
        name=name,
        endpoint=endpoint.strip(),
        key=key,
        secret_encrypted=secret_box.encrypt(
            secret, secret_key=settings.secret_key, purpose=SECRET_PURPOSE
        ),
        organization_id=organization_id,
        send_email=send_email,
        mastery_score=mastery_score,
        created_by_id=created_by.id if created_by else None,
    )
    session.add(lrs)
    session.commit()
    return lrs


def lrs_secret(lrs: LrsConfig, *, secret_key: SecretStr) -> str:
    """The LRS secret, decrypted; raises secret_box.SecretUnreadable after a key change."""
    return secret_box.decrypt(lrs.secret_encrypted, secret_key=secret_key, purpose=SECRET_PURPOSE)


def configurations(session: Session) -> list[tuple[LrsConfig, str | None]]:
    """Every LRS with its organization's name (None: all organizations), newest first."""
    rows = session.exec(
        select(LrsConfig, Organization.name)
        .outerjoin(Organization, col(Organization.id) == col(LrsConfig.organization_id))
        .order_by(col(LrsConfig.id).desc())
    )
    return list(rows.all())


def statement_counts(session: Session) -> dict[int, dict[str, int]]:
    """Statements per LRS and status."""
    rows = session.exec(
        select(XapiStatement.lrs_id, XapiStatement.status, func.count()).group_by(
            col(XapiStatement.lrs_id), col(XapiStatement.status)
        )
    )
    counts: dict[int, dict[str, int]] = {}
    for lrs_id, status, n in rows.all():
        counts.setdefault(lrs_id, {})[status] = n
    return counts


def set_active(session: Session, *, lrs_id: int, active: bool) -> LrsConfig | None:
    """Pause (statements wait) or resume an LRS. Commits."""
    lrs = session.get(LrsConfig, lrs_id)
    if lrs is None:
        return None
    lrs.active = active
    session.add(lrs)
    session.commit()
    return lrs


def actor_name(session: Session, *, user_id: int) -> str:
    """The learner's opaque account name, made on first use (the caller commits)."""
    found = session.get(XapiActor, user_id)
    if found is None:
        found = XapiActor(user_id=user_id, name=str(uuid.uuid4()))
        session.add(found)
        session.flush()
    return found.name


def _score(session: Session, event: DomainEvent) -> statements.Score | None:
    """Exercises answered correctly out of those in the completed module or course."""
    exercises = (
        select(ActivityRecord.id)
        .where(
            col(ActivityRecord.course_id) == event.course_id,
            col(ActivityRecord.kind) == "exercise",
            col(ActivityRecord.retired_at).is_(None),
        )
        .join(ModuleRecord, col(ModuleRecord.id) == col(ActivityRecord.module_id))
    )
    if event.kind == EventKind.module_completed:
        exercises = exercises.where(
            col(ModuleRecord.stable_id) == str(event.data.get("module_id", ""))
        )
    ids = [i for i in session.exec(exercises).all() if i is not None]
    if not ids:
        return None
    correct = session.exec(
        select(func.count(func.distinct(ExerciseAttempt.activity_id))).where(
            col(ExerciseAttempt.enrollment_id) == event.enrollment_id,
            col(ExerciseAttempt.activity_id).in_(ids),
            col(ExerciseAttempt.correct),
        )
    ).one()
    return statements.Score(correct=int(correct), total=len(ids))


def _facts(session: Session, event: DomainEvent, lrs: LrsConfig) -> statements.EventFacts | None:
    assert event.id is not None
    if event.user_id is None or event.course_id is None:
        return None
    course = session.get(CourseRecord, event.course_id)
    user = session.get(User, event.user_id)
    if course is None or user is None:
        return None
    module_title = None
    module_id = event.data.get("module_id")
    if module_id:
        module_title = session.exec(
            select(ModuleRecord.title).where(
                col(ModuleRecord.course_id) == course.id,
                col(ModuleRecord.stable_id) == str(module_id),
            )
        ).first()
    completion = event.kind in (EventKind.module_completed, EventKind.course_completed)
    return statements.EventFacts(
        event_id=event.id,
        kind=event.kind,
        happened_at=event.created_at,
        enrollment_id=event.enrollment_id,
        actor_name=actor_name(session, user_id=event.user_id),
        email=user.email if lrs.send_email else None,
        course_slug=course.slug,
        course_title=course.title,
        data=dict(event.data),
        module_title=module_title,
        score=_score(session, event) if completion else None,
        mastery_score=lrs.mastery_score,
    )


def _cursor(session: Session) -> XapiCursor:
    cursor = session.exec(
        select(XapiCursor).where(col(XapiCursor.id) == 1).with_for_update()
    ).first()
    if cursor is None:
        cursor = XapiCursor(id=1, last_event_id=0)
        session.add(cursor)
        session.flush()
    return cursor


def dispatch(session: Session, *, base_url: str, limit: int = 500) -> int:
    """Build the statements of up to ``limit`` events after the cursor; how many. Commits.

    Safe to run twice at once: the cursor row is locked (PostgreSQL) or the write
    transaction serialises (SQLite), and statement ids are unique."""
    cursor = _cursor(session)
    targets = list(session.exec(select(LrsConfig)))
    events = list(
        session.exec(
            select(DomainEvent)
            .where(col(DomainEvent.id) > cursor.last_event_id)
            .order_by(col(DomainEvent.id))
            .limit(limit)
        )
    )
    made = 0
    for event in events:
        assert event.id is not None
        for lrs in targets:
            assert lrs.id is not None
            in_scope = lrs.organization_id in (None, event.organization_id)
            if not in_scope or lrs.created_at > event.created_at:
                continue
            facts = _facts(session, event, lrs)
            if facts is None:
                continue
            for built in statements.build(facts, base_url=base_url):
                session.add(
                    XapiStatement(
                        lrs_id=lrs.id,
                        event_id=event.id,
                        enrollment_id=event.enrollment_id,
                        statement_id=built["id"],
                        verb=built["verb"]["display"]["en-US"],
                        statement=built,
                    )
                )
                made += 1
        cursor.last_event_id = event.id
    session.add(cursor)
    session.commit()
    return made


def due_statements(session: Session, *, now: datetime, limit: int = 50) -> list[int]:
    """Ids of pending statements to send now, oldest first; one waits while an earlier one
    to the same LRS about the same enrollment is pending, so each enrollment's record
    arrives in the order it happened."""
    earlier = aliased(XapiStatement)
    blocked = exists().where(
        col(earlier.lrs_id) == col(XapiStatement.lrs_id),
        col(earlier.enrollment_id) == col(XapiStatement.enrollment_id),
        col(earlier.status) == DeliveryStatus.pending.value,
        col(earlier.id) < col(XapiStatement.id),
    )
    statement = (
        select(XapiStatement.id)
        .join(LrsConfig, col(LrsConfig.id) == col(XapiStatement.lrs_id))
        .where(
            col(XapiStatement.status) == DeliveryStatus.pending.value,
            col(XapiStatement.next_attempt_at) <= now,
            col(LrsConfig.active),
            ~blocked,
        )
        .order_by(col(XapiStatement.id))
        .limit(limit)
    )
    return [i for i in session.exec(statement).all() if i is not None]


@dataclass(frozen=True)
class StatementRow:
    """One line of the statements page."""

    row: XapiStatement
    lrs_name: str


def statement_log(session: Session, *, status: str = "", limit: int = 100) -> list[StatementRow]:
    """The latest statements, newest first, optionally of one status."""
    query = (
        select(XapiStatement, LrsConfig.name)
        .join(LrsConfig, col(LrsConfig.id) == col(XapiStatement.lrs_id))
        .order_by(col(XapiStatement.id).desc())
        .limit(limit)
    )
    if status in {s.value for s in DeliveryStatus}:
        query = query.where(col(XapiStatement.status) == status)
    return [StatementRow(row, name) for row, name in session.exec(query).all()]


def retry(session: Session, *, statement_pk: int) -> XapiStatement | None:
    """Send a failed statement again (same statement id), from now. Commits."""
    row = session.get(XapiStatement, statement_pk)
    if row is None:
        return None
    if row.status == DeliveryStatus.failed.value:
        row.status = DeliveryStatus.pending.value
        row.attempts = 0
        row.next_attempt_at = utcnow()
        session.add(row)
        session.commit()
    return row
