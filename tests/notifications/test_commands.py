"""`groundwork reminders send`, `groundwork worker --once` and the worker loop run the
reminder job; an email that SMTP could not take keeps its unsubscribe headers for
`groundwork mail retry`."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import time_machine
from sqlmodel import select
from typer.testing import CliRunner

from app.accounts import mail
from app.accounts.models import OutboxEmail
from app.cli import app as cli_app
from app.db import write_session
from app.notifications.reminders import run_once
from app.webhooks.runtime import PeriodicJob, run_worker
from tests.accounts.smtp_server import MailServer, free_port
from tests.assignments.support import assign, join_cohort, make_cohort, make_org
from tests.factories import make_user

DAY_BEFORE = datetime(2026, 12, 11, 8, tzinfo=UTC)


def _one_learner_due_tomorrow(session) -> None:  # type: ignore[no-untyped-def]
    org = make_org(session)
    cohort = make_cohort(session, organization=org)
    join_cohort(session, user=make_user(session, organization_id=org.id), cohort=cohort)
    assign(session, cohort=cohort, modules=["welcome"], due_on=date(2026, 12, 12))


def test_reminders_send_and_worker_once(
    client, session, mail_server: MailServer, cli_environment
) -> None:  # type: ignore[no-untyped-def]
    _one_learner_due_tomorrow(session)
    with time_machine.travel(DAY_BEFORE, tick=False):
        first = CliRunner().invoke(cli_app, ["reminders", "send"])
        again = CliRunner().invoke(cli_app, ["worker", "--once"])
    assert first.exit_code == 0, first.output
    assert first.output.strip() == "Sent 1 reminder."
    assert again.exit_code == 0, again.output
    assert "Sent 0 reminders." in again.output
    assert len(mail_server.received) == 1


def test_the_worker_loop_runs_the_job(
    client, engine, settings, session, mail_server: MailServer
) -> None:  # type: ignore[no-untyped-def]
    _one_learner_due_tomorrow(session)
    stop = threading.Event()

    def job() -> None:
        with time_machine.travel(DAY_BEFORE, tick=False):
            run_once(engine, settings, DAY_BEFORE)
        stop.set()

    run_worker(engine, settings, stop, 0.01, jobs=[PeriodicJob("Reminders", 300, job)])
    assert len(mail_server.received) == 1


def test_a_reminder_smtp_refused_keeps_its_headers_for_retry(
    client, engine, settings, session, mail_server: MailServer
) -> None:  # type: ignore[no-untyped-def]
    _one_learner_due_tomorrow(session)
    working = settings.smtp_url
    settings.smtp_url = f"smtp://127.0.0.1:{free_port()}"  # nobody listens there
    with time_machine.travel(DAY_BEFORE, tick=False):
        assert run_once(engine, settings, DAY_BEFORE) == 1  # claimed and queued
        assert run_once(engine, settings, DAY_BEFORE) == 0  # never queued twice
    [queued] = session.exec(select(OutboxEmail)).all()
    assert queued.sent_at is None
    assert mail_server.received == []
    settings.smtp_url = working
    with write_session(engine) as retry:
        report = mail.deliver_pending(retry, settings=settings)
    assert report.sent == 1
    [delivered] = mail_server.received
    assert delivered.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert delivered.message["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/unsubscribe/")
