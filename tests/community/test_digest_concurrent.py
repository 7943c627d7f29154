"""Two workers at the same moment send each digest once: both read the same members, then
race to claim the period with a conditional UPDATE; one wins. SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime

import pytest
import time_machine

from app.community import digest
from app.community.scopes import learner_scope
from app.db import utcnow
from tests.accounts.smtp_server import MailServer
from tests.community.notify_support import reply
from tests.community.support import make_cohort, make_learner, make_org, make_thread
from tests.learning.support import JOURNEY
from tests.notifications.conftest import certificate, mail_server  # noqa: F401  (fixtures)

VERIFIED = datetime(2026, 11, 1, tzinfo=UTC)


def test_two_runs_at_once_send_each_digest_once(
    engine,
    session,
    settings,
    mail_server: MailServer,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cohort = make_cohort(session, organization=make_org(session))
    authors = [make_learner(session, cohort=cohort, email_verified_at=VERIFIED) for _ in range(3)]
    replier = make_learner(session, cohort=cohort, email_verified_at=VERIFIED)
    for author in authors:
        scope = learner_scope(session, user=author, course_slug=JOURNEY)
        thread = make_thread(session, author=author, scope=scope)
        reply(session, thread=thread, author=replier, at=datetime(2026, 12, 9, 10, tzinfo=UTC))

    barrier = threading.Barrier(2, timeout=20)
    waited = threading.local()
    ensure = digest._ensure_row

    def ensure_after_both_have_read(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait()  # both runs hold the same list of digests now
        return ensure(*args, **kwargs)

    monkeypatch.setattr(digest, "_ensure_row", ensure_after_both_have_read)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(digest.run_once(engine, settings, utcnow()))
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    with time_machine.travel(datetime(2026, 12, 14, 6, tzinfo=UTC), tick=True):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors
    assert sum(results) == 3
    assert len(results) == 2
    sent = Counter(address for m in mail_server.received for address in m.rcpt_tos)
    assert sent == Counter({author.email: 1 for author in authors})
