"""The reminder job: emails learners a set number of days before assigned work is due
(``GROUNDWORK_REMINDER_DAYS_BEFORE``) and once when it is overdue.

Nothing goes for work that is done, nor to a learner who turned the kind off. Each email is
claimed first: a ``reminder_sent`` row, unique per (user, assignment, due date, kind), is
inserted before the email is queued, in the same transaction. A second worker running at
the same moment fails on that key and sends nothing, so no reminder ever goes twice for the
same due date; a new due date is a new key. ``groundwork worker`` runs it every
``INTERVAL_SECONDS``; ``groundwork reminders send`` runs it once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts import mail
from app.accounts.models import User
from app.assignments import service as assignments
from app.assignments.dates import due_words, long_date
from app.config import Settings
from app.content.models import CourseRecord
from app.content.runtime import cached_registry
from app.db import write_session
from app.notifications import service as notifications
from app.notifications.models import ReminderSent

log = logging.getLogger("groundwork.reminders")
INTERVAL_SECONDS = 300.0


@dataclass(frozen=True)
class _Reminder:
    """One email to send, with everything it says (read before any claim)."""

    user_id: int
    assignment_id: int
    due_on: date
    kind: notifications.EmailKind
    to: str
    name: str
    what: str
    course_title: str
    course_slug: str


def kind_due(due_on: date, *, done: bool, today: date, days_before: int) -> str | None:
    """Which reminder this learner's work calls for today, if any."""
    if done:
        return None
    if today > due_on:
        return notifications.OVERDUE_NOTICE.key
    if (due_on - today).days <= days_before:
        return notifications.DUE_REMINDER.key
    return None


def _pending(session: Session, *, settings: Settings, today: date) -> list[_Reminder]:
    """The reminders due today that no worker has claimed yet."""
    assigned = assignments.all_assignments(session)
    if not assigned:
        return []
    # The courses as loaded from their files (cached while they do not change): completions
    # of a renamed module count under its new id.
    courses = assignments.courses_by_id(
        session, courses=cached_registry(settings.content_dir).courses
    )
    wanted = []
    for d in assignments.standings(session, assignments=assigned, today=today, courses=courses):
        key = kind_due(
            d.due_on,
            done=d.done_at is not None,
            today=today,
            days_before=settings.reminder_days_before,
        )
        if key is not None:
            wanted.append((d, key))
    if not wanted:
        return []
    user_ids = {d.user_id for d, _ in wanted}
    claimed = set(
        session.exec(
            select(
                col(ReminderSent.user_id),
                col(ReminderSent.assignment_id),
                col(ReminderSent.due_on),
                col(ReminderSent.kind),
            ).where(col(ReminderSent.user_id).in_(user_ids))
        ).all()
    )
    takers = {
        key: notifications.wants(session, user_ids=user_ids, kind=key)
        for key in notifications.EMAIL_KINDS
    }
    users = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(user_ids)))}
    records = {
        c.id: c
        for c in session.exec(
            select(CourseRecord).where(col(CourseRecord.id).in_({a.course_id for a in assigned}))
        )
    }
    views = {
        v.assignment.id: v.what
        for cohort_id in sorted({a.cohort_id for a in assigned})
        for v in assignments.cohort_assignments(session, cohort_id=cohort_id)
    }
    found = []
    for d, key in wanted:
        assignment_id = d.assignment.id
        assert assignment_id is not None
        if (d.user_id, assignment_id, d.due_on, key) in claimed or d.user_id not in takers[key]:
            continue
        user, course = users[d.user_id], records[d.assignment.course_id]
        found.append(
            _Reminder(
                user_id=d.user_id,
                assignment_id=assignment_id,
                due_on=d.due_on,
                kind=notifications.EMAIL_KINDS[key],
                to=user.email,
                name=user.display_name,
                what=views[assignment_id],
                course_title=course.title,
                course_slug=course.slug,
            )
        )
    return found


def _message(reminder: _Reminder, *, settings: Settings, today: date) -> tuple[str, str, str]:
    """(subject, body, unsubscribe URL) of one reminder."""
    base = settings.base_url.rstrip("/")
    unsubscribe_url = notifications.unsubscribe_url(
        base_url=base, secret=settings.secret_key, user_id=reminder.user_id, kind=reminder.kind.key
    )
    words = due_words(reminder.due_on, today=today)
    detail = words
    if reminder.due_on < today:
        detail += f" (it was due {long_date(reminder.due_on, today=today)})"
    label = "Overdue" if reminder.kind == notifications.OVERDUE_NOTICE else "Reminder"
    subject = f"{label}: {reminder.course_title}, {words}"
    body = (
        f"Hello {reminder.name},\n\n"
        f"Work assigned to your cohort in “{reminder.course_title}” is {detail}:\n"
        f"{reminder.what}\n\n"
        f"Continue where you left off: {base}/courses/{reminder.course_slug}\n\n"
        f"You get this email because your cohort was assigned this work. To stop "
        f"{reminder.kind.label.lower()}, open {unsubscribe_url}\n"
        f"To choose which emails you get: {base}/account/notifications\n"
    )
    return subject, body, unsubscribe_url


def _claim_and_send(
    session: Session, reminder: _Reminder, *, settings: Settings, now: datetime
) -> bool:
    """Claim the reminder and queue its email in one transaction, then send it. False:
    another worker claimed it first (its row is there), so nothing is queued."""
    session.add(
        ReminderSent(
            user_id=reminder.user_id,
            assignment_id=reminder.assignment_id,
            due_on=reminder.due_on,
            kind=reminder.kind.key,
            sent_at=now,
        )
    )
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    subject, body, unsubscribe_url = _message(reminder, settings=settings, today=now.date())
    message = mail.queue_email(
        session,
        to=reminder.to,
        subject=subject,
        body=body,
        headers=notifications.unsubscribe_headers(unsubscribe_url),
    )
    session.commit()
    if settings.smtp_url:
        try:
            mail.deliver(session, settings=settings, message=message)
        except mail.MailError as exc:
            log.warning(
                "Reminder to %s kept in the outbox for `groundwork mail retry`: %s",
                reminder.to,
                exc,
            )
    return True


def send_due_reminders(session: Session, *, settings: Settings, now: datetime) -> int:
    """Send every reminder due at ``now`` that has not gone yet; returns how many were sent.

    Use a write session (SQLite: ``BEGIN IMMEDIATE``). Each email commits on its own."""
    pending = _pending(session, settings=settings, today=now.date())
    session.commit()  # end the reading transaction before the claims
    return sum(
        1 for reminder in pending if _claim_and_send(session, reminder, settings=settings, now=now)
    )


def run_once(engine: Engine, settings: Settings, now: datetime) -> int:
    """One round of the job in its own write session (the worker and the CLI)."""
    with write_session(engine) as session:
        return send_due_reminders(session, settings=settings, now=now)
