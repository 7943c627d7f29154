"""Password-reset mail through a real SMTP server (STARTTLS, login), read and followed; an
SMTP server that is down or refuses keeps the email in the outbox until `mail retry`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner, Result

from app.accounts.mail import NOT_STORED
from app.accounts.models import OutboxEmail
from app.cli import app as cli_app
from app.config import Settings
from tests.accounts.smtp_server import MailServer, free_port, make_certificate, start
from tests.factories import make_user
from tests.helpers import login, post_form, soup
from tests.settings_support import export_to_environment


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("smtp"))


@pytest.fixture
def mail_server(certificate: tuple[Path, Path], monkeypatch) -> Iterator[MailServer]:  # type: ignore[no-untyped-def]
    """A running server; the process trusts its certificate (as a real CA would be)."""
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    server = MailServer(port=free_port(), cert=cert)
    controller = start(server, key)
    yield server
    controller.stop()


@pytest.fixture
def use_smtp(settings: Settings) -> Callable[[str], None]:
    """Call with an SMTP URL to point the app's settings (and the CLI's) at it."""

    def point_at(url: str) -> None:
        settings.smtp_url = url

    return point_at


@pytest.fixture
def retry(monkeypatch, settings: Settings, engine) -> Callable[[], Result]:  # type: ignore[no-untyped-def]
    """`groundwork mail retry` against the test's database and settings, as a fresh process
    would read them from its environment."""

    def run() -> Result:
        url = engine.url.render_as_string(hide_password=False)
        export_to_environment(monkeypatch, settings, database_url=url)
        return CliRunner().invoke(cli_app, ["mail", "retry"])

    return run


def _ask_for_reset(client, email: str):  # type: ignore[no-untyped-def]
    response = post_form(client, "/password/forgot", {"email": email})
    assert response.status_code == 200
    return soup(response).select_one("main").get_text(" ", strip=True)


def _link(body: str) -> str:
    found = re.search(r"https?://[^/\s]+(/password/reset/[A-Za-z0-9_-]+)", body)
    assert found, body
    return found.group(1)


def test_reset_mail_goes_through_smtp_with_starttls_and_login(  # type: ignore[no-untyped-def]
    client, session, mail_server: MailServer, use_smtp
):
    user = make_user(session, email="reader@example.org")
    use_smtp(mail_server.url())
    _ask_for_reset(client, "reader@example.org")

    [delivered] = mail_server.received
    assert delivered.tls
    assert delivered.login == "mailer@example.org"
    assert delivered.rcpt_tos == ["reader@example.org"]
    assert delivered.message["Subject"] == "Reset your Groundwork password"
    assert "no-reply@groundwork.invalid" in delivered.message["From"]
    body = delivered.message.get_payload(decode=True).decode()
    link = _link(body)

    stored = session.exec(select(OutboxEmail)).one()
    assert stored.sent_at is not None
    assert link not in stored.body
    assert NOT_STORED in stored.body
    form = client.get(link)
    assert form.status_code == 200
    done = post_form(client, link, {"password": "a brand new one", "confirm": "a brand new one"})
    assert done.status_code == 303
    assert login(client, user, password="a brand new one").status_code == 303
    assert client.get(link).status_code == 400  # the link works once


def test_unreachable_smtp_keeps_the_email_and_retry_sends_it(  # type: ignore[no-untyped-def]
    client, session, mail_server: MailServer, use_smtp, retry
):
    make_user(session, email="patient@example.org")
    use_smtp(mail_server.url())
    page_when_working = _ask_for_reset(client, "patient@example.org")
    mail_server.received.clear()

    use_smtp(f"smtp+starttls://127.0.0.1:{free_port()}")  # nothing listens there
    assert _ask_for_reset(client, "patient@example.org") == page_when_working
    session.expire_all()
    pending = session.exec(select(OutboxEmail).where(OutboxEmail.sent_at == None)).one()  # noqa: E711
    link = _link(pending.body)  # kept whole: it is the only copy until SMTP takes it

    use_smtp(mail_server.url())
    result = retry()
    assert result.exit_code == 0, result.output
    assert "Sent 1 email(s); 0 still waiting." in result.output
    [delivered] = mail_server.received
    assert _link(delivered.message.get_payload(decode=True).decode()) == link
    session.rollback()  # end the test's read transaction: see what the command wrote
    retried = session.get(OutboxEmail, pending.id)
    assert retried.sent_at is not None
    assert link not in retried.body
    assert client.get(link).status_code == 200

    again = retry()
    assert "Sent 0 email(s); 0 still waiting." in again.output
    assert len(mail_server.received) == 1  # never sent twice


@pytest.mark.parametrize("problem", ["wrong password", "untrusted certificate"])
def test_a_refusing_smtp_server_keeps_the_email(  # type: ignore[no-untyped-def]
    client, session, mail_server: MailServer, use_smtp, monkeypatch, problem: str
):
    make_user(session, email="kept@example.org")
    if problem == "wrong password":
        use_smtp(mail_server.url(password="not the password"))
    else:
        monkeypatch.delenv("SSL_CERT_FILE")  # the self-signed certificate is not trusted
        use_smtp(mail_server.url())
    text = _ask_for_reset(client, "kept@example.org")
    assert "Check your email" in text
    assert mail_server.received == []
    # smtplib tries each mechanism the server offers; an untrusted server never sees a login.
    assert (mail_server.refused_logins > 0) == (problem == "wrong password")
    session.expire_all()
    kept = session.exec(select(OutboxEmail)).one()
    assert kept.sent_at is None
    assert "/password/reset/" in kept.body


def test_retry_without_smtp_configured_says_so(use_smtp, retry) -> None:  # type: ignore[no-untyped-def]
    use_smtp("")
    result = retry()
    assert result.exit_code == 1
    assert "GROUNDWORK_SMTP_URL is not set" in result.output
