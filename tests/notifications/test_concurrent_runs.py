"""Two reminder jobs at the same moment (two workers, or the worker and `groundwork
reminders send`) send each reminder once: both read the same pending list, then race to
claim; the unique key lets one win. Runs on SQLite and, with --postgres, on PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime

import pytest
import time_machine

from app.db import utcnow
from app.notifications import reminders
from tests.accounts.smtp_server import MailServer
from tests.assignments.support import assign, join_cohort, make_cohort, make_org
from tests.factories import make_user


def test_two_runs_at_once_send_each_reminder_once(
    client, engine, session, settings, mail_server: MailServer, monkeypatch: pytest.MonkeyPatch
):
    org = make_org(session)
    cohort = make_cohort(session, organization=org)
    learners = [make_user(session, organization_id=org.id) for _ in range(4)]
    for learner in learners:
        join_cohort(session, user=learner, cohort=cohort)
    assign(session, cohort=cohort, modules=["welcome"], due_on=date(2026, 12, 12))

    barrier = threading.Barrier(2, timeout=20)
    waited = threading.local()
    claim = reminders._claim_and_send

    def claim_after_both_have_read(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait()  # both runs hold the same pending list now
        return claim(*args, **kwargs)

    monkeypatch.setattr(reminders, "_claim_and_send", claim_after_both_have_read)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(reminders.run_once(engine, settings, utcnow()))
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    with time_machine.travel(datetime(2026, 12, 10, 6, tzinfo=UTC), tick=True):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors
    assert sum(results) == 4
    assert len(results) == 2
    sent = Counter(address for m in mail_server.received for address in m.rcpt_tos)
    assert sent == Counter({learner.email: 1 for learner in learners})
