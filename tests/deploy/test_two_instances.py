"""Two `groundwork serve` instances and two `groundwork worker` processes on one PostgreSQL
database (PostgreSQL only: ``make test``'s second pass), as docs/operations.md ("Several
instances") deploys them. Learners reach both at random; then the test checks that

- no write is lost: each is seen at once through the other instance, and is in the database;
- the login throttle counts failures sent to either instance;
- every outbox event goes out exactly once with two workers racing for it: webhooks to a
  real https receiver, reply emails to a real SMTP server (and each sign-up's verification
  email, sent by the instance that took it, exactly once too);
- a content sync is served by every instance (``GROUNDWORK_CONTENT_CHECK_SECONDS``).
"""

from __future__ import annotations

import asyncio
import shutil
import ssl
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import text

from app.db import make_engine, write_session
from app.security.outbound_urls import OutboundPolicy
from app.webhooks import service as webhooks
from tests.accounts.smtp_server import MailServer, free_port, make_certificate, start
from tests.deploy.cluster import Cluster
from tests.deploy.learners import DATA, JOURNEY, PASSWORD, Acknowledged, Learner, browser
from tests.settings_support import PRODUCTION_TEST_KEY
from tests.webhooks.receiver import Receiver

TESTS = Path(__file__).resolve().parent.parent
COURSES = [
    TESTS / "learning" / "fixtures" / "courses" / "journey-course",
    TESTS / "exercises" / "fixtures" / "courses" / "data-course",
]
LEARNERS = 6
EVENTS = ["enrollment.created", "module.completed"]
THREAD_TITLE = "Two instances, one conversation"
NEW_WELCOME = "This welcome was synced while both instances were running."


def wait_for(what: str, condition: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def postgres_url(postgres, empty_database_url: str) -> str:  # type: ignore[no-untyped-def]
    """An empty PostgreSQL database; the SQLite pass skips this test before starting anything."""
    if postgres is None:
        pytest.skip("PostgreSQL only (make test's second pass)")
    return empty_database_url


@pytest.fixture
def parts(postgres_url: str, tmp_path: Path) -> Iterator[tuple[MailServer, Receiver, Path]]:
    """A real SMTP server and a real https webhook receiver, both trusting one certificate."""
    cert, key = make_certificate(tmp_path)
    mail = MailServer(port=free_port(), cert=cert)
    controller = start(mail, key)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    receiver = Receiver(tls=tls, delay=0.02).start()
    yield mail, receiver, cert
    receiver.stop()
    controller.stop()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    made = Cluster(folder=tmp_path, settings={})
    yield made
    made.stop_all()


def test_two_instances_and_two_workers_share_everything(  # type: ignore[no-untyped-def]
    postgres_url: str, tmp_path: Path, parts, cluster: Cluster
) -> None:
    mail, receiver, cert = parts
    content = tmp_path / "content"
    for course in COURSES:
        shutil.copytree(course, content / course.name)
    cluster.settings.update(
        database_url=postgres_url,
        content_dir=str(content),
        base_url="http://learn.example.test",
        smtp_url=mail.url(),
        webhook_allow_private_urls="true",  # the receiver is on loopback (https all the same)
        webhook_delivery="worker",
        webhook_timeout_seconds="5",
        content_check_seconds="0.5",
    )
    cluster.extra_env["SSL_CERT_FILE"] = str(cert)
    migrated = cluster.run("db", "upgrade")
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    engine = make_engine(postgres_url)
    try:
        with write_session(engine) as session:
            _, receiver.secret = webhooks.add_endpoint(
                session,
                url=receiver.url,
                events=EVENTS,
                organization_id=None,
                created_by=None,
                policy=OutboundPolicy(allow_private=True, require_https=True),
                secret_key=SecretStr(PRODUCTION_TEST_KEY),
            )
        instances = [cluster.serve("a"), cluster.serve("b")]
        workers = [cluster.worker("worker-1", 0.2), cluster.worker("worker-2", 0.2)]
        cluster.wait_ready(*instances)
        urls = [i.url for i in instances]

        ack = asyncio.run(_learners_at_random(urls, mail))
        assert not ack.problems, ack.problems
        for url in urls:  # the balancer really spread them
            assert ack.served_by[url] > 0.3 * sum(ack.served_by.values()), ack.served_by
        _check_database(engine, ack)

        # A deploy restarts the workers: the new pair's first round sends the reply emails.
        cluster.stop(*workers)
        workers = [cluster.worker("worker-3", 0.2), cluster.worker("worker-4", 0.2)]

        asyncio.run(_content_sync_reaches_every_instance(cluster, urls, content, engine))
        _check_outbox(engine, ack, receiver, mail)
        asyncio.run(_throttle_counts_both_instances(urls))
        logs = cluster.logs()
        assert "Traceback" not in logs, logs
        assert "claim lost" not in logs, logs
    finally:
        engine.dispose()


async def _learners_at_random(urls: list[str], mail: MailServer) -> Acknowledged:
    ack = Acknowledged()
    author = Learner("author@example.org", urls, ack, seed=0)
    people = [Learner(f"learner{n}@example.org", urls, ack, seed=n + 1) for n in range(LEARNERS)]
    try:
        await asyncio.gather(*(p.sign_up() for p in [author, *people]))
        # The author confirms the address (the link came by email) and asks for reply emails.
        link = _verification_path(mail, author.email)
        await author.verify_email(link)
        await author.enroll(JOURNEY)
        await author.want_reply_emails()
        thread_id = await author.start_thread(THREAD_TITLE)

        async def journey(person: Learner) -> None:
            await person.enroll(JOURNEY)
            await person.enroll(DATA)
            await person.answer_exercise()
            await person.autosave(rounds=4)
            await person.mark_done("welcome")
            await person.reply(thread_id)

        await asyncio.gather(*(journey(p) for p in people))
    finally:
        for person in [author, *people]:
            await person.close()
    return ack


def _verification_path(mail: MailServer, email: str) -> str:
    for received in mail.received:
        if email in received.rcpt_tos:
            body = received.message.get_payload(decode=True).decode()  # type: ignore[union-attr]
            start = body.index("/verify-email/")
            return body[start:].split()[0]
    raise AssertionError(f"no verification email for {email}")


def _check_database(engine, ack: Acknowledged) -> None:  # type: ignore[no-untyped-def]
    """Every acknowledged write is stored, once."""
    with engine.connect() as conn:
        enrolled = {
            (email, slug)
            for email, slug in conn.execute(
                text(
                    "SELECT u.email, c.slug FROM enrollment e JOIN user_account u"
                    " ON u.id = e.user_id JOIN course c ON c.id = e.course_id"
                )
            )
        }
        attempts = Counter(
            conn.execute(text("SELECT submission_key FROM exercise_attempt")).scalars()
        )
        drafts = {
            email: draft
            for email, draft in conn.execute(
                text(
                    "SELECT u.email, r.draft_text FROM reflection r"
                    " JOIN user_account u ON u.id = r.user_id"
                )
            )
        }
        done = set(
            conn.execute(
                text(
                    "SELECT u.email FROM module_progress p JOIN enrollment e"
                    " ON e.id = p.enrollment_id JOIN user_account u ON u.id = e.user_id"
                    " WHERE p.module_id = 'welcome' AND p.marked_done_at IS NOT NULL"
                )
            ).scalars()
        )
    assert enrolled == ack.enrolled
    assert attempts == Counter(ack.attempts.values())  # each answer stored exactly once
    assert drafts == ack.drafts  # the last autosave of each learner, whichever took it
    assert done == ack.done


async def _content_sync_reaches_every_instance(
    cluster: Cluster, urls: list[str], content: Path, engine
) -> None:  # type: ignore[no-untyped-def]
    """An author changes a module and syncs on one instance's machine: both serve it."""
    page = f"/courses/{JOURNEY}"
    async with browser() as client:
        before = [(await client.get(url + page)).text for url in urls]
        assert before[0] == before[1]
        module = content / JOURNEY / "modules" / "01-welcome.md"
        module.write_text(module.read_text().replace("title: Welcome", "title: Welcome back"))
        await asyncio.sleep(1.0)  # production does not watch files: nothing changes yet
        for url in urls:
            assert "Welcome back" not in (await client.get(url + page)).text
        synced = cluster.run("content", "sync")
        assert synced.returncode == 0, synced.stdout + synced.stderr
        with engine.connect() as conn:
            title = conn.execute(text("SELECT title FROM module WHERE stable_id = 'welcome'"))
            assert title.scalar_one() == "Welcome back"
        deadline = time.monotonic() + 10
        waiting = set(urls)
        while waiting and time.monotonic() < deadline:
            for url in list(waiting):
                if "Welcome back" in (await client.get(url + page)).text:
                    waiting.discard(url)
            await asyncio.sleep(0.1)
        assert not waiting, f"still serving the old content: {waiting}"


def _check_outbox(engine, ack: Acknowledged, receiver: Receiver, mail: MailServer) -> None:  # type: ignore[no-untyped-def]
    """Each webhook and each email went out once, although two workers raced for each."""
    with engine.connect() as conn:
        expected = set(
            conn.execute(
                text("SELECT id FROM domain_event WHERE kind = ANY(:kinds)"), {"kinds": EVENTS}
            ).scalars()
        )
    assert len(expected) == len(ack.enrolled) + len(ack.done)

    def delivered() -> bool:
        with engine.connect() as conn:
            pending = conn.execute(
                text("SELECT count(*) FROM webhook_delivery WHERE status <> 'delivered'")
            ).scalar_one()
            unsent = conn.execute(
                text("SELECT count(*) FROM outbox_email WHERE sent_at IS NULL")
            ).scalar_one()
        replies = [r for r in mail.received if THREAD_TITLE in r.message["Subject"]]
        return pending == 0 and unsent == 0 and len(replies) >= len(ack.replies)

    wait_for("every webhook and email to go out", delivered, timeout=60)
    time.sleep(1.0)  # a second sender of the same event would have sent it by now
    ids = Counter(r.headers["webhook-id"] for r in receiver.received)
    assert all(r.verified for r in receiver.received)
    assert {n for n in ids.values()} == {1}, [i for i, n in ids.items() if n > 1]
    assert set(ids) == {f"msg_{event_id}" for event_id in expected}
    replies = [r for r in mail.received if THREAD_TITLE in r.message["Subject"]]
    assert len(replies) == len(ack.replies)
    assert all(r.rcpt_tos == ["author@example.org"] for r in replies)
    verifications = Counter(
        r.rcpt_tos[0] for r in mail.received if "/verify-email/" in r.message.as_string()
    )
    assert set(verifications.values()) == {1}
    assert len(verifications) == LEARNERS + 1
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM outbox_email")).scalar_one()
    assert stored == len(mail.received)


async def _throttle_counts_both_instances(urls: list[str]) -> None:
    """Five wrong passwords spread over both instances lock the account on both."""
    email = "learner0@example.org"
    async with browser() as client:
        page = await client.get(urls[0] + "/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        for n in range(5):
            wrong = await client.post(
                urls[n % 2] + "/login",
                data={"csrf_token": token, "email": email, "password": f"wrong {n}"},
            )
            assert wrong.status_code == 400, wrong.status_code
        for url in urls:
            right = await client.post(
                url + "/login", data={"csrf_token": token, "email": email, "password": PASSWORD}
            )
            assert right.status_code == 429, (url, right.status_code)
