"""Discussion emails through a real SMTP server (aiosmtpd) with a frozen clock: the weekly
digest by default, daily on request, at most once per period, never to an unverified
address, with a working one-click unsubscribe; reply emails only when asked for."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import time_machine
from sqlmodel import Session

from app.community import digest
from app.community.scopes import learner_scope
from app.db import utcnow
from app.notifications import service as notifications
from tests.accounts.smtp_server import MailServer
from tests.community.notify_support import move_to_cohort, notices, reply
from tests.community.support import make_cohort, make_learner, make_org, make_thread
from tests.learning.support import JOURNEY
from tests.notifications.conftest import certificate, mail_server  # noqa: F401  (fixtures)

VERIFIED = datetime(2026, 11, 1, tzinfo=UTC)
# 7 December 2026 is a Monday.


def _at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=UTC)


def _run(engine, settings, day: int, hour: int = 6) -> int:  # type: ignore[no-untyped-def]
    with time_machine.travel(_at(day, hour), tick=False):
        return digest.run_once(engine, settings, utcnow())


def _world(session: Session, *, verified: bool = True):  # type: ignore[no-untyped-def]
    org = make_org(session)
    cohort = make_cohort(session, organization=org)
    ana = make_learner(session, cohort=cohort, email_verified_at=VERIFIED if verified else None)
    ben = make_learner(session, cohort=cohort, email_verified_at=VERIFIED)
    thread = make_thread(
        session,
        author=ana,
        scope=learner_scope(session, user=ana, course_slug=JOURNEY),
        title="Family conferences",
    )
    return org, ana, ben, thread


def _text(sent) -> str:  # type: ignore[no-untyped-def]
    return str(sent.message.get_payload(decode=True).decode())


def test_weekly_by_default_once_per_week(
    engine,
    session,
    settings,
    mail_server: MailServer,  # noqa: F811
) -> None:
    _, ana, ben, thread = _world(session)
    reply(session, thread=thread, author=ben, at=_at(8))  # Tuesday
    reply(session, thread=thread, author=ben, at=_at(9))  # Wednesday
    assert _run(engine, settings, 10) == 0  # Thursday: the week is not over
    assert _run(engine, settings, 14) == 1  # Monday: last week's digest
    assert _run(engine, settings, 14, 18) == 0
    assert _run(engine, settings, 16) == 0
    [sent] = mail_server.received
    assert sent.rcpt_tos == [ana.email]
    assert sent.tls
    subject = " ".join(sent.message["Subject"].split())
    assert subject == "Your weekly discussion digest: 2 new notifications"
    body = _text(sent)
    assert body.count(f"{ben.display_name} replied to your thread, “Family conferences”") == 2
    assert f"/courses/{JOURNEY}/discussion/threads/{thread.id}#post-" in body
    unsubscribe = sent.message["List-Unsubscribe"]
    assert re.fullmatch(r"<http://127\.0\.0\.1:8000/unsubscribe/[^>\s]+>", unsubscribe)
    assert sent.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe[1:-1] in body
    assert all(n.emailed_at is not None for n in notices(session, ana))
    # A reply in the new week waits for the next Monday.
    reply(session, thread=thread, author=ben, at=_at(15))
    assert _run(engine, settings, 20) == 0
    assert _run(engine, settings, 21) == 1


def test_daily_digest_and_read_notices_left_out(
    engine,
    session,
    settings,
    mail_server: MailServer,  # noqa: F811
) -> None:
    _, ana, ben, thread = _world(session)
    digest.set_period(session, user_id=ana.id or 0, period="daily")
    session.commit()
    reply(session, thread=thread, author=ben, at=_at(8))
    assert _run(engine, settings, 8, 20) == 0  # today's notices wait for tomorrow
    assert _run(engine, settings, 9) == 1
    assert _run(engine, settings, 9, 12) == 0
    reply(session, thread=thread, author=ben, at=_at(9, 13))
    [notice] = [n for n in notices(session, ana) if n.emailed_at is None]
    notice.read_at = _at(9, 14)  # read on the site: no email about it
    session.add(notice)
    session.commit()
    assert _run(engine, settings, 10) == 0
    assert "Your daily discussion digest: 1 new notification" in " ".join(
        mail_server.received[0].message["Subject"].split()
    )


def test_never_to_an_unverified_address(
    engine,
    session,
    settings,
    mail_server: MailServer,  # noqa: F811
) -> None:
    _, ana, ben, thread = _world(session, verified=False)
    reply(session, thread=thread, author=ben, at=_at(8))
    assert _run(engine, settings, 14) == 0
    assert mail_server.received == []
    assert len(notices(session, ana)) == 1  # the in-app notice is there all the same


def test_not_about_threads_no_longer_readable(
    engine,
    session,
    settings,
    mail_server: MailServer,  # noqa: F811
) -> None:
    org, ana, ben, thread = _world(session)
    reply(session, thread=thread, author=ben, at=_at(8))
    move_to_cohort(session, user=ana, cohort=make_cohort(session, organization=org))
    assert _run(engine, settings, 14) == 0
    assert mail_server.received == []


def test_one_click_unsubscribe_stops_the_digest(
    client,
    engine,
    session,
    settings,
    mail_server: MailServer,  # noqa: F811
) -> None:
    _, ana, ben, thread = _world(session)
    reply(session, thread=thread, author=ben, at=_at(8))
    assert _run(engine, settings, 14) == 1
    url = mail_server.received[0].message["List-Unsubscribe"][1:-1]
    path = url.removeprefix("http://127.0.0.1:8000")
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert (
        notifications.wants(
            session, user_ids={ana.id or 0}, kind=notifications.COMMUNITY_DIGEST.key
        )
        == set()
    )
    reply(session, thread=thread, author=ben, at=_at(15))
    assert _run(engine, settings, 21) == 0
    assert len(mail_server.received) == 1


def test_reply_emails_only_when_asked_for(
    engine,
    session,
    settings,
    mail_server: MailServer,  # noqa: F811
) -> None:
    _, ana, ben, thread = _world(session)
    reply(session, thread=thread, author=ben, at=_at(8, 9))
    assert _run(engine, settings, 8, 10) == 0  # off by default
    notifications.save_choices(
        session,
        user=ana,
        enabled={notifications.COMMUNITY_REPLIES.key, notifications.COMMUNITY_DIGEST.key},
    )
    reply(session, thread=thread, author=ben, at=_at(8, 11), body="Second")
    assert _run(engine, settings, 8, 12) == 2  # both unemailed replies go, one email each
    assert _run(engine, settings, 8, 13) == 0
    subjects = {" ".join(m.message["Subject"].split()) for m in mail_server.received}
    assert subjects == {f"{ben.display_name} replied to your thread: Family conferences"}
    assert all(m.message["List-Unsubscribe-Post"] for m in mail_server.received)
    # Emailed already: the Monday digest has nothing left to say.
    assert _run(engine, settings, 14) == 0
