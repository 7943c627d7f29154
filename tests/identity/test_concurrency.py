"""Two clicks or two resends at the same moment (PostgreSQL runs them side by side): a link
still works once, and the throttle still counts every send."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session, select

from app.accounts.models import OutboxEmail, User
from app.db import open_session
from app.identity import service as identity
from tests.factories import make_user
from tests.identity.support import link_in, mail_to

TIMES = 4


def _at_once(engine: Engine, action: Callable[[Session], None]) -> list[BaseException]:
    """Run ``action`` in TIMES write sessions released together; the exceptions raised."""
    barrier = threading.Barrier(TIMES)
    raised: list[BaseException] = []

    def run() -> None:
        try:
            with open_session(write=True, engine=engine) as session:
                barrier.wait(timeout=10)
                action(session)
        except BaseException as exc:  # noqa: BLE001 (returned to the test)
            raised.append(exc)

    threads = [threading.Thread(target=run) for _ in range(TIMES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return raised


def test_a_change_link_followed_at_once_changes_the_email_once(engine, session, settings):
    user = make_user(session, email="before@example.org")
    identity.start_verification(session, settings=settings, user=user, email="after@example.org")
    [mail] = mail_to(session, "after@example.org")
    token = link_in(mail.body).rsplit("/", 1)[1]

    raised = _at_once(engine, lambda s: identity.verify(s, settings=settings, token=token))
    assert len(raised) == TIMES - 1
    assert all(isinstance(e, identity.VerificationRefused) for e in raised), raised
    [notice] = mail_to(session, "before@example.org")  # told once
    assert "from before@example.org to after@example.org" in notice.body
    assert session.exec(select(User.email)).all() == ["after@example.org"]


def test_resends_at_once_send_one_link(engine, session, settings):
    user = make_user(session, email="impatient@example.org")
    user_id = user.id

    def resend(s: Session) -> None:
        fresh = s.get(User, user_id)
        assert fresh is not None
        identity.start_verification(s, settings=settings, user=fresh)

    raised = _at_once(engine, resend)
    assert len(raised) == TIMES - 1
    assert all(isinstance(e, identity.VerificationThrottled) for e in raised), raised
    session.rollback()
    assert len(session.exec(select(OutboxEmail)).all()) == 1
