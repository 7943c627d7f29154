"""Reminder emails through a real SMTP server with a frozen clock: sent N days before the
due date and once when overdue, never twice for the same due date, stopped by completing
the work, stopped by one POST to the List-Unsubscribe URL; a new due date may remind again."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import time_machine
from sqlmodel import select

from app.accounts.models import OutboxEmail
from app.assignments import service as assignments
from app.db import utcnow
from app.notifications.reminders import run_once
from tests.accounts.smtp_server import MailServer
from tests.assignments.support import assign, join_cohort, make_cohort, make_org
from tests.factories import make_user
from tests.helpers import login, post_form
from tests.learning.support import JOURNEY

JOINED = datetime(2026, 12, 1, 9, tzinfo=UTC)
DUE = date(2026, 12, 12)


def _run(engine, settings, day: int, hour: int = 6) -> int:  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime(2026, 12, day, hour, tzinfo=UTC), tick=False):
        return run_once(engine, settings, utcnow())


def _world(session, n: int = 1):  # type: ignore[no-untyped-def]
    org = make_org(session)
    cohort = make_cohort(session, organization=org)
    learners = [make_user(session, organization_id=org.id) for _ in range(n)]
    for learner in learners:
        join_cohort(session, user=learner, cohort=cohort, enrolled_at=JOINED)
    assignment = assign(session, cohort=cohort, modules=["welcome"], due_on=DUE)
    return cohort, assignment, learners


def _complete_welcome(client, user, day: int) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime(2026, 12, day, 12, tzinfo=UTC), tick=False):
        client.cookies.clear()
        login(client, user)
        assert post_form(client, f"/courses/{JOURNEY}/modules/welcome/done").status_code == 303
        client.cookies.clear()


def test_sent_days_before_and_once_overdue_never_twice(
    client, engine, session, settings, mail_server: MailServer
):
    _, _, [learner] = _world(session)
    assert settings.reminder_days_before == 2
    assert _run(engine, settings, 9) == 0  # three days before: too early
    assert _run(engine, settings, 10) == 1  # two days before
    assert _run(engine, settings, 10, 18) == 0
    assert _run(engine, settings, 11) == 0
    assert _run(engine, settings, 12) == 0  # due today: the reminder already went
    assert _run(engine, settings, 13) == 1  # overdue
    assert _run(engine, settings, 14) == 0
    assert _run(engine, settings, 20) == 0
    reminder, overdue = mail_server.received
    assert reminder.rcpt_tos == [learner.email]
    assert reminder.tls
    assert " ".join(reminder.message["Subject"].split()) == (
        "Reminder: Journey Course: Reading Data Together, due Saturday 12 December, in 2 days"
    )
    assert overdue.message["Subject"].endswith("overdue by 1 day")
    text = overdue.message.get_payload(decode=True).decode()
    assert "is overdue by 1 day (it was due Saturday 12 December):" in text
    for sent in (reminder, overdue):
        unsubscribe = sent.message["List-Unsubscribe"]
        assert re.fullmatch(r"<http://127\.0\.0\.1:8000/unsubscribe/[^>\s]+>", unsubscribe)
        assert sent.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe[1:-1] in sent.message.get_payload(decode=True).decode()
    # The outbox keeps the headers, so `groundwork mail retry` would send them too.
    stored = session.exec(select(OutboxEmail)).all()
    assert all(s.sent_at is not None and "List-Unsubscribe-Post" in s.headers for s in stored)


def test_completing_the_work_stops_them(client, engine, session, settings, mail_server: MailServer):
    _, _, [early, midway, never] = _world(session, 3)
    _complete_welcome(client, early, 5)
    assert _run(engine, settings, 10) == 2  # midway and never
    _complete_welcome(client, midway, 11)
    assert _run(engine, settings, 13) == 1  # only never is overdue
    assert [m.rcpt_tos for m in mail_server.received] == [
        [midway.email],
        [never.email],
        [never.email],
    ]


def test_one_click_unsubscribe_stops_the_next_one(
    client, engine, session, settings, mail_server: MailServer
):
    _, assignment, [quitter, stayer] = _world(session, 2)
    assert _run(engine, settings, 10) == 2
    [to_quitter] = [m for m in mail_server.received if m.rcpt_tos == [quitter.email]]
    url = to_quitter.message["List-Unsubscribe"][1:-1]
    path = url.removeprefix("http://127.0.0.1:8000")
    client.cookies.clear()  # the mail provider posts: no login, no CSRF cookie
    response = client.post(
        path,
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    # A new due date: reminders for it may go, but not to the one who unsubscribed.
    assignments.change_due(
        session, assignment=assignment, due=assignments.DueForm("fixed", "2026-12-20")
    )
    assert _run(engine, settings, 18) == 1
    assert mail_server.received[-1].rcpt_tos == [stayer.email]
    # Overdue notices are another kind: the quitter still gets those.
    assert _run(engine, settings, 21) == 2


def test_reminder_days_before_is_a_setting(
    client, engine, session, settings, mail_server: MailServer
):
    _world(session)
    settings.reminder_days_before = 0
    assert _run(engine, settings, 11) == 0
    assert _run(engine, settings, 12) == 1
    assert mail_server.received[0].message["Subject"].endswith("due today")


def test_a_learner_who_turned_reminders_off_gets_none(
    client, engine, session, settings, mail_server: MailServer
):
    _, _, [learner] = _world(session)
    login(client, learner)
    post_form(client, "/account/notifications", {})
    assert _run(engine, settings, 10) == 0
    assert _run(engine, settings, 13) == 0
    assert mail_server.received == []
